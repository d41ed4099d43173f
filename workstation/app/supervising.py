"""What the supervisor's desks (the follow-ups, the monitoring view) share: calls to the
hall with the session of the supervisor or admin logged in at this workstation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from workstation.sync.errors import HallRefused

if TYPE_CHECKING:
    from workstation.app.workstation import Workstation
    from workstation.sync.supervisor_client import SupervisorClient

T = TypeVar("T")


def session_token(workstation: Workstation) -> str:
    """The online session of the person logged in at `workstation` (after connect and
    login); HallRefused when nobody is logged in online (these screens need the hall)."""
    assert workstation.url and workstation.credentials
    token = workstation.credentials.session_token()
    if not token:
        raise HallRefused(403, "nobody is logged in online at this workstation")
    return token


class SupervisorCalls:
    """Calls with a supervisor's session. Each call opens its own client: calls come from
    any of the UI's worker threads."""

    def __init__(self, url: str, session_token: str, timeout: float = 10.0) -> None:
        self.url, self.token, self.timeout = url, session_token, timeout

    def _with_client(self, work: Callable[[SupervisorClient], T]) -> T:
        from workstation.sync.supervisor_client import SupervisorClient  # requests loads off the GUI thread

        client = SupervisorClient(self.url, self.token, self.timeout)
        try:
            return work(client)
        finally:
            client.close()
