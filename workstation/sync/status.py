"""The sync's state as front ends show it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SyncStatus:
    online: bool
    pending: int
    conflicts: int
    revision: int
    stream: bool
    detail: str = ""
    # Seconds this PC's clock is off the hall's (hall minus PC) when worth telling, else None.
    clock_wrong_by: float | None = None
    refused: int = 0  # records the hall refused (a step another window took first): told where they were made
    # The hall's words when an admin revoked this device: nothing is sent any more, the
    # outbox is kept as it is, and the clerk is told to call IT. Empty: not revoked.
    revoked: str = ""
