"""The queue's use cases for the three front ends that take part in it:

- QueueDesk: the clerk's counter window (call, recall, start, no-show, transfer, park, call
  back, pause and resume, finish; the current ticket, the waiting counts, the parked list);
- KioskDesk: the ticket machine (business types with waiting counts; issuing a ticket, on
  the green channel, by appointment code or with an ID number);
- HallFeed: the hall display (the summary; the live calls, window states and counts from
  the event stream, reconnecting with backoff and refreshing the summary on reconnect).

The server owns the queue: every method here asks it, so every method may wait on the
network. Front ends call them off their GUI thread (ui/tasks.py); HallFeed runs its own
thread, like the sync engine's event listener, and reports through a callback.
Errors are those of the client: HallUnreachable, HallRefused (with the server's detail).
"""

from __future__ import annotations

import logging
import queue as queues
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from workstation.app.feed import EventFeed
from workstation.domain.queue import DEFAULT_TIMEZONE, GreenReason, Operation, PauseReason, hall_zone
from workstation.protocol import queue as wire
from workstation.protocol.reference import ReferenceKind
from workstation.sync.errors import HallRefused, HallUnreachable

if TYPE_CHECKING:
    from workstation.app.workstation import Workstation
    from workstation.sync.queue_client import QueueClient

log = logging.getLogger(__name__)

__all__ = ["Connected", "DeskState", "Disconnected", "HallFeed", "IssuedTicket", "KioskDesk", "QueueDesk",
           "HallRefused", "HallUnreachable", "DEFAULT_PAUSE", "hall_clock"]

# The expected return a pause offers first (the clerk changes it in the pause dialog).
DEFAULT_PAUSE = timedelta(minutes=30)
HALL_ZONE = hall_zone(DEFAULT_TIMEZONE)


def hall_clock(moment: datetime | None) -> str:
    """`10:30`: a moment on the hall's clock (the server keeps UTC), "" for None."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(HALL_ZONE).strftime("%H:%M")


class _Clients:
    """One QueueClient per thread (a requests session is not shared between threads)."""

    def __init__(self, url: str, token: str, timeout: float) -> None:
        self.url, self.token, self.timeout = url, token, timeout
        self._local = threading.local()
        self._all: list[QueueClient] = []
        self._lock = threading.Lock()

    def new(self) -> QueueClient:
        from workstation.sync.queue_client import QueueClient  # requests loads off the GUI thread

        return QueueClient(self.url, self.token, self.timeout)

    def get(self) -> QueueClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self.new()
            with self._lock:
                self._all.append(client)
        return client

    def close(self) -> None:
        with self._lock:
            clients, self._all = self._all, []
        for client in clients:
            client.close()
        self._local = threading.local()


def _hall_name(client: QueueClient) -> str | None:
    halls = client.reference(ReferenceKind.HALL)
    return (halls[0].payload or {}).get("name") if halls else None


# ---------------------------------------------------------------------------------------
# The counter
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskState:
    """What the clerk's queue area shows, read in one go."""

    window: wire.WindowState
    ticket: wire.Ticket | None  # the ticket at the counter (called or serving), whole
    waiting: list[wire.BusinessTypeCount]  # the business types this window serves (and covers now)
    parked: list[wire.Ticket]
    business_types: list[wire.BusinessTypeCount]  # all of them: where a ticket may be transferred
    windows: list[wire.WindowState]
    read_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class QueueDesk:
    """The queue at one counter window, for the clerk logged in at its workstation.
    The server knows the window from the session; `window` is for reading."""

    def __init__(self, url: str, session_token: str, window: int, timeout: float = 10.0) -> None:
        self.window = window
        self._clients = _Clients(url, session_token, timeout)

    @classmethod
    def for_workstation(cls, workstation: Workstation) -> QueueDesk:
        """The desk of the clerk logged in at `workstation` (after connect and login)."""
        assert workstation.url and workstation.device and workstation.credentials
        token = workstation.credentials.session_token()
        if not token or workstation.device.window is None:
            raise HallRefused(403, "no clerk is logged in online at a workstation of a window")
        return cls(workstation.url, token, workstation.device.window, workstation.settings.server.timeout)

    def close(self) -> None:
        self._clients.close()

    @property
    def _client(self) -> QueueClient:
        return self._clients.get()

    # reading

    def state(self) -> DeskState:
        client = self._client
        summary = client.summary()
        mine = next((w for w in summary.windows if w.number == self.window), None)
        if mine is None:
            raise HallRefused(404, f"no window {self.window}")
        ticket = client.ticket(mine.ticket.id) if mine.ticket is not None else None
        parked = client.parked(self.window) if mine.parked else []
        # Its own business types first, then those of the AB角 windows it covers now.
        order = list(mine.business_types)
        for window in summary.windows:
            if window.number in mine.covering:
                order += [code for code in window.business_types if code not in order]
        waiting = sorted((t for t in summary.business_types if t.code in order), key=lambda t: order.index(t.code))
        return DeskState(window=mine, ticket=ticket, waiting=waiting, parked=parked,
                         business_types=summary.business_types, windows=summary.windows)

    # calling

    def call_next(self) -> wire.Ticket:
        return self._client.call_next()

    def call_number(self, number: str) -> wire.Ticket:
        """Calls ticket `number` (A017) out of order."""
        return self._client.call(number=number.strip().upper())

    def call_back(self, ticket_id: int) -> wire.Ticket:
        return self._client.call_back(ticket_id)

    def recall(self, ticket_id: int) -> wire.Ticket:
        return self._client.recall(ticket_id)

    # serving

    def start(self, ticket_id: int) -> wire.Ticket:
        return self._client.start(ticket_id)

    def no_show(self, ticket_id: int) -> wire.Ticket:
        return self._client.no_show(ticket_id)

    def park(self, ticket_id: int) -> wire.Ticket:
        return self._client.park(ticket_id)

    def finish(self, ticket_id: int) -> wire.Ticket:
        return self._client.finish(ticket_id)

    def transfer(self, ticket_id: int, business_type: str | None = None,
                 window: int | None = None) -> wire.Ticket:
        """Returns the new waiting record in the target queue."""
        return self._client.transfer(ticket_id, business_type=business_type, window=window)

    def operate(self, operation: Operation, ticket_id: int) -> wire.Ticket:
        """One operation on a ticket by its name in the transition table (not transfer,
        which needs a target, nor call, which is call_next or call_number)."""
        methods = {Operation.RECALL: self.recall, Operation.START: self.start,
                   Operation.NO_SHOW: self.no_show, Operation.PARK: self.park,
                   Operation.CALL_BACK: self.call_back, Operation.FINISH: self.finish}
        return methods[operation](ticket_id)

    # the window

    def pause(self, reason: PauseReason | None = None, note: str = "",
              until: datetime | None = None) -> wire.WindowState:
        """Pauses the window, saying where the clerk went (去向公开) and when they expect to
        be back (an aware time, or the hall's local time). Without a reason: a plain pause."""
        if reason is None:
            return self._client.pause()
        if until is not None and until.tzinfo is None:
            until = until.replace(tzinfo=HALL_ZONE)
        return self._client.pause(wire.PauseRequest(reason=reason, note=note.strip(), until=until))

    def resume(self) -> wire.WindowState:
        return self._client.resume()

    # appointments (预约): the clerk books for an applicant at the counter or on the phone

    def bookable_types(self) -> list[wire.BusinessTypeCount]:
        """The hall's business types that take appointments (those with a plan)."""
        client = self._client
        plans = {e.key for e in client.reference(ReferenceKind.BUSINESS_TYPE)
                 if (e.payload or {}).get("appointments")}
        return [t for t in client.summary().business_types if t.code in plans]

    def appointment_slots(self, business_type: str, day: date | None = None) -> wire.SlotsPage:
        """The type's slots on `day` (the hall's today by default) with their free places."""
        return self._client.appointment_slots(business_type, day)

    def book_appointment(self, business_type: str, slot_start: datetime, id_number: str,
                         phone: str | None = None, by_phone: bool = False) -> wire.Appointment:
        """Books the slot for the applicant; the answer's code is read out or printed."""
        return self._client.book_appointment(wire.BookingRequest(
            business_type=business_type, slot_start=slot_start, id_number=id_number, phone=phone or None,
            channel=wire.BookingChannel.PHONE if by_phone else wire.BookingChannel.COUNTER))


# ---------------------------------------------------------------------------------------
# The kiosk
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedTicket:
    """A ticket as the kiosk shows and prints it."""

    ticket: wire.Ticket
    business_type_name: str
    waiting_ahead: int  # an estimate: the others waiting in its queue when it was issued
    hall_name: str | None
    # Minutes those ahead take at today's mean service time (the summary's estimate for a
    # ticket taken now); None when the hall cannot tell yet, and for the green channel,
    # whose tickets go first.
    estimated_wait_minutes: int | None = None


class KioskDesk:
    """The ticket machine's use cases, with the kiosk's own device token."""

    def __init__(self, url: str, device_token: str, timeout: float = 10.0) -> None:
        self._clients = _Clients(url, device_token, timeout)
        self._hall_name: str | None = None

    def close(self) -> None:
        self._clients.close()

    def hall_name(self) -> str | None:
        """The hall's name from the reference data (read once)."""
        if self._hall_name is None:
            self._hall_name = _hall_name(self._clients.get())
        return self._hall_name

    def business_types(self) -> list[wire.BusinessTypeCount]:
        """The business types in their ticket-letter order, with their waiting counts."""
        return self._clients.get().summary().business_types

    def issue(self, business_type: str | None = None, *, green_reason: GreenReason | None = None,
              appointment_code: str | None = None, id_number: str | None = None,
              appointment_by_id: bool = False) -> IssuedTicket:
        """Issue a ticket. With an appointment code (or `appointment_by_id`: the ID card's
        appointment today) the business type may be left out; the ticket says how the
        hall's rules took the arrival (`Ticket.appointment_arrival`). A green-channel reason
        puts the ticket first. The ID number (from an ID card) is checked by the server (one
        waiting ticket per person and business type; age for the elderly channel) and stored
        only masked and hashed."""
        request = wire.IssueRequest(business_type=business_type, appointment_code=appointment_code,
                                    id_number=id_number, green_channel=green_reason is not None,
                                    green_reason=green_reason, appointment_by_id=appointment_by_id)
        client = self._clients.get()
        # The summary just before issuing: its waiting count and estimate are those of "a
        # ticket taken now", i.e. this one, and the same the applicant read on the button.
        try:
            types = {t.code: t for t in client.summary().business_types}
        except (HallUnreachable, HallRefused):  # the issue tells whether the hall answers
            types = {}
        ticket = client.issue(request)
        try:
            hall = self.hall_name()
        except HallUnreachable:  # issued is issued: print it with what we know
            hall = self._hall_name
        counted = types.get(ticket.business_type)
        return IssuedTicket(ticket=ticket,
                            business_type_name=counted.name if counted else ticket.business_type,
                            waiting_ahead=counted.waiting if counted else 0,
                            hall_name=hall,
                            estimated_wait_minutes=None if counted is None or ticket.green_channel
                            or ticket.appointment_arrival is wire.AppointmentArrival.ON_TIME
                            else counted.estimated_wait_minutes)

    def cancel(self, ticket_id: int) -> wire.Ticket:
        return self._clients.get().cancel(ticket_id)


# ---------------------------------------------------------------------------------------
# The hall display
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Connected:
    """The stream is (again) open; the summary was read just after it opened, so every
    change after the summary arrives as an event."""

    summary: wire.QueueSummary


@dataclass(frozen=True)
class Disconnected:
    reason: str
    retry_in: float


FeedUpdate = Connected | Disconnected | wire.TicketCalled | wire.WindowState | wire.QueueCounts

_PARSERS: dict[str, Callable[[dict], FeedUpdate]] = {
    wire.QueueEventType.TICKET_CALLED: wire.TicketCalled.model_validate,
    wire.QueueEventType.WINDOW_STATE: wire.WindowState.model_validate,
    wire.QueueEventType.QUEUE_COUNTS: wire.QueueCounts.model_validate,
}


class HallFeed(EventFeed):
    """The hall display's view of the queue: the summary, then the live changes.

    On a break the feed reconnects with exponential backoff (with jitter, up to
    `max_backoff`). After a short break (under `catch_up` seconds) it asks the server for
    the events it missed (Last-Event-ID), so no call goes unannounced; after a long one it
    starts afresh, because announcing calls minutes old would send people to the wrong
    window. Either way the summary is read again once the stream is open."""

    label = "queue-events"
    parsers = _PARSERS

    def __init__(self, url: str, device_token: str, timeout: float = 10.0, *,
                 first_backoff: float = 0.5, max_backoff: float = 15.0, catch_up: float = 30.0,
                 read_timeout: float = 45.0) -> None:
        super().__init__(first_backoff=first_backoff, max_backoff=max_backoff, read_timeout=read_timeout)
        self._clients = _Clients(url, device_token, timeout)
        self.catch_up = catch_up
        self._down_since: float | None = None
        self._hall_name: str | None = None

    def summary(self) -> wire.QueueSummary:
        return self._clients.get().summary()

    def hall_name(self) -> str | None:
        if self._hall_name is None:
            self._hall_name = _hall_name(self._clients.get())
        return self._hall_name

    # the stream's hooks (workstation.app.feed.EventFeed)

    def _new_stream(self) -> QueueClient:
        return self._clients.new()

    def _resume_from(self, last_id: int | None) -> int | None:
        down = self._down_since
        return last_id if down is None or time.monotonic() - down < self.catch_up else None

    def _opened(self, on_update: Callable[[FeedUpdate], None]) -> None:
        summary = self._clients.get().summary()  # raises: the stream is useless without it
        self._down_since = None
        on_update(Connected(summary))

    def _broken(self, reason: str, retry_in: float) -> Disconnected:
        if self._down_since is None:
            self._down_since = time.monotonic()
        return Disconnected(reason, retry_in)

    def _stopped(self) -> None:
        self._clients.close()

    def follow(self) -> Iterator[FeedUpdate]:
        """The updates as an iterator (for front ends without an event loop); runs the
        feed on its thread and ends when `stop` is called."""
        updates: queues.SimpleQueue[FeedUpdate | None] = queues.SimpleQueue()
        self.start(updates.put)
        try:
            while True:
                try:
                    update = updates.get(timeout=0.2)
                except queues.Empty:
                    if self._thread is None or not self._thread.is_alive():
                        return
                    continue
                if update is None:
                    return
                yield update
        finally:
            self.stop()
