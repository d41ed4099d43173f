"""Who may do what: the roles of people and devices in a hall."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The role a caller acts in. People log in as admin, supervisor or clerk;
    kiosks and hall displays act as themselves through their device token."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CLERK = "clerk"
    DISPLAY = "display"
    KIOSK = "kiosk"


class DeviceKind(StrEnum):
    """What an enrolled device is. A workstation hosts people's logins; a display
    and a kiosk act in their own role."""

    WORKSTATION = "workstation"
    DISPLAY = "display"
    KIOSK = "kiosk"

    @property
    def own_role(self) -> Role | None:
        """The role the device acts in without a person logged in."""
        return {DeviceKind.DISPLAY: Role.DISPLAY, DeviceKind.KIOSK: Role.KIOSK}.get(self)


PERSON_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.CLERK})
