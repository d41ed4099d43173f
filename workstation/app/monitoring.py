"""The supervisor's monitoring view: its calls to the hall server, and the live events it
follows.

- MonitoringDesk: the hall now (/monitoring/hall), 电子监察's deadline board and a case's
  history, statistics for a date range and their export, the window load advice and
  applying it, the alerts of broken workstation audit chains and acknowledging one. Each call opens its own client: calls come from any of the UI's worker
  threads.
- SupervisorFeed: the hall's event stream with the supervisor's SESSION token on a thread
  of its own (like HallFeed for the display). The workstation's own SyncEngine follows the
  stream with the device token, which the server treats as a clerk's and so never sends
  the supervisors' events (`window.presence`, `case.deadline`, `case.changed`).

Every method may wait on the network; front ends call them off their GUI thread.
Errors are those of the client: HallUnreachable, HallRefused (with the server's detail).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from workstation.app.feed import EventFeed
from workstation.app.supervising import SupervisorCalls, session_token
from workstation.protocol import audit as audit_wire
from workstation.protocol import cases as case_wire
from workstation.protocol import monitoring as mon
from workstation.protocol import queue as queue_wire
from workstation.protocol.events import EventType
from workstation.sync.errors import HallRefused

if TYPE_CHECKING:
    from workstation.app.workstation import Workstation
    from workstation.sync.supervisor_client import SupervisorClient

log = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = ["AuditAlertsChanged", "FeedConnected", "FeedDisconnected", "MonitoringDesk", "ReferenceChanged",
           "SupervisorFeed", "WindowPresence"]


class MonitoringDesk(SupervisorCalls):
    """The monitoring view's calls, for a supervisor (or admin) logged in online."""

    @classmethod
    def for_workstation(cls, workstation: Workstation) -> MonitoringDesk:
        """The desk of the person logged in at `workstation` (after connect and login);
        HallRefused when nobody is logged in online (the view needs the hall)."""
        return cls(workstation.url, session_token(workstation), workstation.settings.server.timeout)

    def feed(self, **options: Any) -> SupervisorFeed:
        """A SupervisorFeed with this desk's session (not started)."""
        return SupervisorFeed(self.url, self.token, self.timeout, **options)

    def hall_now(self) -> mon.HallNow:
        return self._with_client(lambda c: c.hall_now())

    def deadlines(self) -> case_wire.DeadlineBoard:
        return self._with_client(lambda c: c.deadlines())

    def case(self, number: str) -> case_wire.CaseDetail:
        return self._with_client(lambda c: c.case(number))

    def statistics(self, first: date, last: date) -> mon.Statistics:
        return self._with_client(lambda c: c.statistics(first, last))

    def hall_today(self) -> date:
        """Today in the hall, by the server's clock: the day 今日/本周/本月 end on, whatever
        this PC's clock or time zone says."""
        health = self._with_client(lambda c: c.health())
        return health.hall_date or date.today()  # a server from before hall_date

    def export_statistics(self, first: date, last: date, fmt: mon.ExportFormat) -> bytes:
        return self._with_client(lambda c: c.export_statistics(first, last, fmt))

    def advice(self) -> mon.LoadAdvice:
        return self._with_client(lambda c: c.advice())

    def audit_alerts(self) -> list[audit_wire.AuditAlert]:
        """The open alerts of broken workstation audit chains, newest first."""
        return self._with_client(lambda c: c.audit_alerts())

    def acknowledge_alert(self, alert_id: int) -> audit_wire.AuditAlert:
        """The supervisor has seen it (the server audits who acknowledged it)."""
        return self._with_client(lambda c: c.acknowledge_alert(alert_id))

    def apply_advice(self, advice: mon.Advice) -> Any:
        """The supervisor's 动态调整: the window of `advice` serves its business type from
        now on, besides what it serves at this moment (read afresh, so a change made since
        the advice was shown is kept)."""
        def work(client: SupervisorClient) -> Any:
            hall = client.hall_now()
            window = next((w for w in hall.windows if w.number == advice.window), None)
            if window is None:
                raise HallRefused(404, f"no window {advice.window}")
            types = list(dict.fromkeys([*window.business_types, advice.business_type]))
            return client.apply_advice(advice.window, types)

        return self._with_client(work)


# ---------------------------------------------------------------------------------------
# The live feed
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedConnected:
    """The stream is (again) open: everything after this arrives as an event, so re-read
    what is shown once."""


@dataclass(frozen=True)
class FeedDisconnected:
    reason: str
    retry_in: float


@dataclass(frozen=True)
class WindowPresence:
    """`window.presence`: a window's workstation connected to or left the hall's stream."""

    window: int
    online: bool


@dataclass(frozen=True)
class ReferenceChanged:
    """`reference.changed`: the hall's reference data moved (e.g. a window serves other
    business types after 动态调整)."""

    data: dict


@dataclass(frozen=True)
class AuditAlertsChanged:
    """`audit.alert` (a workstation's audit chain broke) or `audit.alert_acknowledged`."""

    data: dict


FeedUpdate = (FeedConnected | ReferenceChanged | AuditAlertsChanged | FeedDisconnected | WindowPresence | queue_wire.WindowState | queue_wire.QueueCounts
              | queue_wire.TicketCalled | queue_wire.TicketStateChanged | case_wire.CaseDeadlineEvent
              | case_wire.CaseChangedEvent)


def _presence(data: dict) -> WindowPresence:
    return WindowPresence(window=int(data["window"]), online=bool(data["online"]))


PARSERS: dict[str, Callable[[dict], FeedUpdate]] = {
    EventType.REFERENCE_CHANGED: ReferenceChanged,
    queue_wire.QueueEventType.WINDOW_STATE: queue_wire.WindowState.model_validate,
    queue_wire.QueueEventType.QUEUE_COUNTS: queue_wire.QueueCounts.model_validate,
    queue_wire.QueueEventType.TICKET_CALLED: queue_wire.TicketCalled.model_validate,
    queue_wire.QueueEventType.TICKET_STATE: queue_wire.TicketStateChanged.model_validate,
    mon.MonitoringEventType.WINDOW_PRESENCE: _presence,
    case_wire.CaseEventType.DEADLINE: case_wire.CaseDeadlineEvent.model_validate,
    case_wire.CaseEventType.CHANGED: case_wire.CaseChangedEvent.model_validate,
    audit_wire.AuditEventType.ALERT_RAISED: AuditAlertsChanged,
    audit_wire.AuditEventType.ALERT_ACKNOWLEDGED: AuditAlertsChanged,
}


class SupervisorFeed(EventFeed):
    """The supervisor's events, parsed, from the stream opened with the session token.

    On a break it reconnects with exponential backoff (with jitter, up to `max_backoff`),
    asking for what it missed (Last-Event-ID); either way it reports FeedConnected once the
    stream is open again, and the screens re-read, since the server's history is short."""

    label = "supervisor-events"
    parsers = PARSERS

    def __init__(self, url: str, session_token: str, timeout: float = 10.0, *,
                 first_backoff: float = 0.5, max_backoff: float = 15.0, read_timeout: float = 45.0) -> None:
        super().__init__(first_backoff=first_backoff, max_backoff=max_backoff, read_timeout=read_timeout)
        self.url, self.token, self.timeout = url, session_token, timeout

    def _new_stream(self) -> SupervisorClient:
        from workstation.sync.supervisor_client import SupervisorClient  # requests loads off the GUI thread

        return SupervisorClient(self.url, self.token, self.timeout)

    def _opened(self, on_update: Callable[[FeedUpdate], None]) -> None:
        on_update(FeedConnected())

    def _broken(self, reason: str, retry_in: float) -> FeedDisconnected:
        return FeedDisconnected(reason, retry_in)
