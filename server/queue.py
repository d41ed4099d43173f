"""The hall's queue (排队叫号): issuing tickets, the counter operations, and what the
displays read. The state machine is workstation.domain.queue; this module applies it
to the database atomically and announces every change on the event bus.

Atomicity. Every counter operation takes its window's row first (SELECT … FOR UPDATE),
so one window's operations run one at a time and a window never holds two tickets.
Calling next picks candidates without locks, orders them by the policy and then locks
the first one still waiting with FOR UPDATE SKIP LOCKED on PostgreSQL: two windows
never take the same ticket, and neither waits for the other. On SQLite writers are
serialized (BEGIN IMMEDIATE); this process also queues its own queue writers on a lock,
so they never spin in SQLite's busy handler, and the candidates read inside the write
transaction are exactly what is waiting.

AB角. A window whose reference entry names a `backup` is covered by that window while it
is paused or no clerk is logged in at it (a live login session on a workstation enrolled
for it): the backup's call-next also reads the covered window's business types and the
tickets transferred to it, as more index ranges of the same look-ahead statement. Whether
it covers is one small query per operation at a window that backs another up, none
elsewhere. A window covers only its own partners, never their partners in turn.

Statistics. A record's first call keeps the clerk's username and its wait (from the
record's issued_at); finishing or transferring keeps its service seconds (from served_at).
The summary estimates a new ticket's wait from today's mean service time and the open
windows (not paused, a clerk logged in) that serve the type, covering included.

Halls. One server may hold several halls (server.halls): every ticket, counter and
appointment is a hall's, every write operation runs in one hall (its `hall` argument, the
caller's) and sees only that hall's windows, waiting tickets and numbering; a ticket or
appointment of another hall is refused (403). Window numbers are unique on the server, so
the statements that go by window need no hall of their own. Every queue event is
published with its hall (`hall` in its data, which the bus keeps apart from what the
streams carry), and a stream shows a device only its own halls' (server.events).

Statements are SQLAlchemy Core, built once with bound parameters: on a small hall PC
building an ORM statement costs more than running it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import math
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    any_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool

from server.db import Database, database_trouble
from server.events import EVERYONE, EventBus
from server.halls import DEFAULT_HALL, window_hall
from server.id_hash import id_hash_key as _id_hash_key
from server.models import (
    Account,
    Appointment,
    DailyCounter,
    Device,
    LoginSession,
    ReferenceEntry,
    Ticket,
    WindowState,
)
from workstation.domain import queue as domain
from workstation.domain.queue import (
    ACTIVE_STATES,
    Candidate,
    GreenReason,
    Operation,
    OrderingPolicy,
    PauseReason,
    PriorityPolicy,
    TicketState,
    TransitionRefused,
)
from workstation.domain.roles import DeviceKind, Role
from workstation.protocol import queue as wire
from workstation.protocol.reference import AppointmentPlan, ReferenceKind

log = logging.getLogger("hall.queue")

# How many of each look-ahead group (per business type) the server shows the policy. On
# PostgreSQL more than the windows that can be calling at once (PG_WRITERS), so the ones
# being taken by others (skipped, locked) do not hide the rest; on SQLite writers are
# serialized, so a few suffice. Past a full group, _pick does not trust the policy's order.
LOOKAHEAD = {"postgresql": 16, "sqlite": 4}
MAX_PICK_ROUNDS = 20
MAX_BATCH = 64  # queue operations per SQLite transaction (see _BatchWriter)
PG_WRITERS = 8  # queue transactions at once on PostgreSQL (see QueueService.__init__)
COUNTS_INTERVAL = 0.1  # seconds: queue.counts is coalesced to at most this often

_ACTIVE = tuple(s.value for s in ACTIVE_STATES)
_WAITING = TicketState.WAITING.value
_PARKED = TicketState.PARKED.value
_FINISHED = TicketState.FINISHED.value
_TICKET_EVENTS = frozenset({wire.QueueEventType.TICKET_CALLED.value, wire.QueueEventType.TICKET_STATE.value})


class QueueError(Exception):
    """A refusal with its HTTP status and a detail the caller can show."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail

    def __reduce__(self):  # crosses to and from the queue's writer process
        return QueueError, (self.status, self.detail)


# ---------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueSettings:
    timezone: tzinfo = field(default_factory=domain.hall_zone)
    max_calls: int = domain.DEFAULT_MAX_CALLS
    id_key: bytes = field(default_factory=_id_hash_key)

    @classmethod
    def from_env(cls) -> QueueSettings:
        """COUNTER_HALL_TIMEZONE (default Asia/Shanghai), COUNTER_QUEUE_MAX_CALLS (3),
        COUNTER_ID_HASH_KEY (default: a key file in the data folder)."""
        name = os.environ.get("COUNTER_HALL_TIMEZONE", domain.DEFAULT_TIMEZONE)
        try:
            zone = domain.hall_zone(name)
        except ValueError:
            raise ValueError(f"COUNTER_HALL_TIMEZONE={name!r} is not a known time zone") from None
        raw = os.environ.get("COUNTER_QUEUE_MAX_CALLS", str(domain.DEFAULT_MAX_CALLS))
        if not raw.isdigit() or not 1 <= int(raw) <= 20:
            raise ValueError(f"COUNTER_QUEUE_MAX_CALLS={raw!r}: give a whole number from 1 to 20")
        return cls(timezone=zone, max_calls=int(raw), id_key=_id_hash_key())


# ---------------------------------------------------------------------------------------
# queue.counts, coalesced
# ---------------------------------------------------------------------------------------


class _CountsPublisher:
    """Publishes waiting counts after changes, at most every COUNTS_INTERVAL. Each
    publication reads the counts after the changes that asked for it committed, and
    publications run one at a time, so the last one out is never older than the rest."""

    def __init__(self, read: Callable[[str], wire.QueueCounts], bus: EventBus) -> None:
        self._read, self._bus = read, bus
        self._lock = threading.Lock()
        self._publishing = threading.Lock()
        self._pending = False
        self._halls: set[str] = set()  # whose counts moved since the last publication
        self._last = 0.0

    def mark(self, halls: Iterable[str] = (DEFAULT_HALL,)) -> None:
        with self._lock:
            self._halls.update(halls)
            if self._pending:
                return
            self._pending = True
            delay = max(0.0, self._last + COUNTS_INTERVAL - time.monotonic())
        timer = threading.Timer(delay, self._publish)
        timer.daemon = True
        timer.start()

    def _publish(self) -> None:
        with self._publishing:
            with self._lock:
                self._pending = False
                self._last = time.monotonic()
                halls, self._halls = sorted(self._halls), set()
            for hall in halls:
                try:
                    counts = self._read(hall)
                except (OperationalError, InterfaceError) as exc:
                    log.warning("the queue counts wait for the database: %s", database_trouble(exc))
                    return
                except Exception:  # a failed read must not kill the timer thread silently
                    log.exception("could not read the queue counts")
                    return
                self._bus.publish(wire.QueueEventType.QUEUE_COUNTS,
                                  {**counts.model_dump(mode="json"), "hall": hall}, EVERYONE)


# ---------------------------------------------------------------------------------------
# Statements, built once (Core, on the tables behind server.models)
# ---------------------------------------------------------------------------------------

T = Ticket.__table__
W = WindowState.__table__
C = DailyCounter.__table__
A = Appointment.__table__
R = ReferenceEntry.__table__
D = Device.__table__
S = LoginSession.__table__
U = Account.__table__

# A window is staffed while a clerk has a live login session (not ended, not expired) on a
# workstation enrolled for it: only a clerk may call there (server.queue_api.at_window).
_STAFFED = (D.c.kind == DeviceKind.WORKSTATION.value, D.c.revoked.is_(False), S.c.ended_at.is_(None),
            S.c.expires_at > bindparam("now"), U.c.role == Role.CLERK.value, U.c.active.is_(True))
_SESSIONS = D.join(S, S.c.device_id == D.c.id).join(U, U.c.id == S.c.account_id)
_PAUSE_COLUMNS = (W.c.pause_reason, W.c.pause_note, W.c.pause_until, W.c.paused_at)


class _Statements:
    """The queue's statements with bound parameters: building a statement costs more
    than running it on this hardware, so each is built once."""

    def __init__(self, sqlite: bool) -> None:
        insert = sqlite_insert if sqlite else pg_insert
        self.lookahead = LOOKAHEAD["sqlite" if sqlite else "postgresql"]
        p_window, p_day, p_now = bindparam("window"), bindparam("day"), bindparam("now")
        p_id, p_bt, p_hall = bindparam("ticket_id"), bindparam("bt"), bindparam("in_hall")

        self.head = select(func.coalesce(func.max(R.c.revision), 0))
        self.reference = select(R.c.kind, R.c.payload).where(
            R.c.kind.in_((ReferenceKind.WINDOW.value, ReferenceKind.BUSINESS_TYPE.value)),
            R.c.deleted.is_(False))

        # The window's row with what is at its counter and how many it parked, in one trip.
        at_window = (T.c.window == W.c.number, T.c.service_date == p_day)
        active = select(T.c.number, T.c.state).where(*at_window, T.c.state.in_(_ACTIVE)).limit(1)
        window = select(
            W.c.paused, *_PAUSE_COLUMNS,
            select(func.count()).where(*at_window, T.c.state == _PARKED).scalar_subquery().label("parked"),
            active.with_only_columns(T.c.number).scalar_subquery().label("active_number"),
            active.with_only_columns(T.c.state).scalar_subquery().label("active_state"),
        ).where(W.c.number == p_window)
        self.window_lock = window.with_for_update(of=W)
        self.window_read = window
        self.window_insert = insert(W).values(number=p_window, paused=False,
                                              changed_at=p_now).on_conflict_do_nothing()
        self.window_set = W.update().where(W.c.number == p_window).values(
            paused=bindparam("paused"), changed_at=p_now, pause_reason=bindparam("reason"),
            pause_note=bindparam("note"), pause_until=bindparam("until"), paused_at=bindparam("since"))

        self.active = select(T).where(T.c.window == p_window, T.c.state.in_(_ACTIVE),
                                      T.c.service_date == p_day).limit(1)
        self.ticket = select(T).where(T.c.id == p_id)
        self.ticket_lock = self.ticket.with_for_update()
        self.update = T.update().where(T.c.id == bindparam("ticket_id_")).returning(*T.c)
        self.insert = T.insert().returning(*T.c)
        self.latest_number = select(T.c.id).where(
            T.c.hall == p_hall, T.c.service_date == p_day, T.c.number == bindparam("number")).order_by(T.c.id.desc()).limit(1)

        counter = (C.c.hall == p_hall, C.c.service_date == p_day, C.c.business_type == p_bt)
        self.counter_lock = select(C.c.value).where(*counter).with_for_update()
        self.counter_insert = insert(C).values(hall=p_hall, service_date=p_day, business_type=p_bt,
                                               value=0).on_conflict_do_nothing()
        self.counter_set = C.update().where(*counter).values(value=bindparam("value"))
        self.duplicate = select(T.c.number).where(
            T.c.id_hash == bindparam("id_hash"), T.c.hall == p_hall, T.c.service_date == p_day,
            T.c.business_type == p_bt, T.c.state == _WAITING).limit(1)

        self._candidates: dict[tuple[int, int], Any] = {}
        self._coverage: dict[int, Any] = {}

        # PostgreSQL only: the first of the ids, in their order, that no other window is
        # taking; one array parameter keeps the statement the same whatever the ids.
        ids = bindparam("ids", type_=postgresql.ARRAY(Integer))
        self.take = (select(T.c.id).where(T.c.id == any_(ids), T.c.state == _WAITING)
                     .order_by(func.array_position(ids, T.c.id)).limit(1).with_for_update(skip_locked=True))

        self.waiting_counts = select(T.c.business_type, func.count()).where(
            T.c.hall == p_hall, T.c.service_date == p_day, T.c.state == _WAITING).group_by(T.c.business_type)
        self.issued = select(C.c.business_type, C.c.value).where(C.c.hall == p_hall, C.c.service_date == p_day)
        self.all_windows = select(W.c.number, W.c.paused, *_PAUSE_COLUMNS)
        self.staffed = select(D.c.window).select_from(_SESSIONS).where(
            *_STAFFED, D.c.window.is_not(None)).distinct()
        # Today's service times per type: a range of ix_queue_tickets_next (day, finished).
        self.service_times = select(T.c.business_type, func.avg(T.c.service_seconds)).where(
            T.c.hall == p_hall, T.c.service_date == p_day, T.c.state == _FINISHED, T.c.service_seconds.is_not(None)
        ).group_by(T.c.business_type)
        self.all_active = select(T).where(T.c.hall == p_hall, T.c.service_date == p_day,
                                          T.c.state.in_(_ACTIVE), T.c.window.is_not(None))
        self.all_parked = select(T.c.window, func.count()).where(
            T.c.hall == p_hall, T.c.service_date == p_day, T.c.state == _PARKED).group_by(T.c.window)
        self.parked = select(T).where(T.c.window == p_window, T.c.state == _PARKED,
                                      T.c.service_date == p_day).order_by(T.c.called_at, T.c.id)

        self.appointment_lock = select(A).where(A.c.code == bindparam("code")).with_for_update()
        self.appointment_check_in = A.update().where(A.c.code == bindparam("code_")).values(
            checked_in=True, checked_in_at=p_now, ticket_id=bindparam("tid"))
        self.appointment_exists = select(A.c.code).where(A.c.code == bindparam("code"))
        self.appointment_insert = A.insert().returning(*A.c)
        self.appointment_by_code = select(A).where(A.c.code == bindparam("code"))
        # A person's appointments of the day (check-in by ID card; one per business type).
        self.appointments_of_person = select(A).where(
            A.c.id_hash == bindparam("id_hash"), A.c.hall == p_hall, A.c.service_date == p_day).order_by(A.c.slot_start, A.c.code)
        self.appointments_of_person_lock = self.appointments_of_person.with_for_update()
        self.slot_booked = select(func.count()).select_from(A).where(
            A.c.hall == p_hall, A.c.business_type == p_bt, A.c.slot_start == bindparam("slot"))
        self.slots_booked = select(A.c.slot_start, func.count()).where(
            A.c.hall == p_hall, A.c.business_type == p_bt, A.c.slot_start >= bindparam("from_"), A.c.slot_start < bindparam("to")
        ).group_by(A.c.slot_start)

    def candidates(self, types: int, targets: int = 1) -> Any:
        """The look-ahead statement for a window serving `types` business types and the
        tickets transferred to `targets` windows (itself, and those it covers now)."""
        statement = self._candidates.get((types, targets))
        if statement is None:
            statement = self._candidates[types, targets] = _candidates_statement(types, self.lookahead, targets)
        return statement

    def coverage(self, windows: int) -> Any:
        """For `windows` windows (bound as c0, c1…) whose backup asks, in one round trip:
        (index, paused, staffed). A window without a row was never paused."""
        statement = self._coverage.get(windows)
        if statement is None:
            parts = []
            for n in range(windows):
                number = bindparam(f"c{n}")
                paused = exists().where(W.c.number == number, W.c.paused.is_(True))
                staffed = exists(select(D.c.id).select_from(_SESSIONS).where(*_STAFFED, D.c.window == number))
                parts.append(select(literal(n).label("i"), paused.label("paused"), staffed.label("staffed")))
            statement = self._coverage[windows] = parts[0] if windows == 1 else union_all(*parts)
        return statement


def _candidates_statement(types: int, lookahead: int, targets: int = 1) -> Any:
    """What calling next shows the policy, in one round trip: for each of the window's
    `types` business types (bound as t0, t1…) the first `lookahead` waiting tickets of
    each group (see OrderingPolicy) in arrival order, and those transferred to each of
    `targets` windows (bound as w0, w1…: the window itself, then the AB角 windows it covers
    now). Each part is one range of an index (ix_queue_tickets_next, _appointment,
    _target), so the cost does not grow with the number waiting. Rows: (part, id,
    business_type, arrived_at, green_channel, slot_start, slot_end, issued_at)."""
    p_day, p_now, p_hall = bindparam("day"), bindparam("now"), bindparam("in_hall")
    # As domain.Candidate.in_slot: an appointment ranks as one from its slot's start until called.
    in_slot = T.c.slot_start <= p_now
    outside_slot = or_(T.c.slot_start.is_(None), T.c.slot_start > p_now)
    columns = (T.c.id, T.c.business_type, T.c.arrived_at, T.c.green_channel, T.c.slot_start, T.c.slot_end,
               T.c.issued_at)

    def part(where: tuple[Any, ...]) -> Any:
        index = len(parts)
        return select(select(literal(index).label("part"), *columns)
                      .where(T.c.hall == p_hall, T.c.service_date == p_day, T.c.state == _WAITING, *where)
                      .order_by(T.c.arrived_at, T.c.id).limit(lookahead).subquery(f"p{index}"))

    parts: list[Any] = []
    for n in range(types):
        of_type = (T.c.business_type == bindparam(f"t{n}"), T.c.target_window.is_(None))
        for group in (T.c.green_channel.is_(True),
                      and_(T.c.slot_start.is_not(None), T.c.green_channel.is_(False), in_slot),
                      and_(T.c.green_channel.is_(False), outside_slot)):
            parts.append(part((*of_type, group)))
    for n in range(targets):
        parts.append(part((T.c.target_window == bindparam(f"w{n}"),)))
    return union_all(*parts)


class _Reference:
    """Windows and business types as of one reference revision."""

    def __init__(self, revision: int, windows: dict[int, dict[str, Any]],
                 types: dict[str, dict[str, Any]]) -> None:
        self.revision, self.windows, self.types = revision, windows, types
        self._halls: dict[str, _Reference] = {}
        # Appointment plans by business type (validated when the admin put them).
        self.plans: dict[str, AppointmentPlan] = {}
        for code, payload in types.items():
            if payload.get("appointments"):
                try:
                    self.plans[code] = AppointmentPlan.model_validate(payload["appointments"])
                except ValueError:
                    log.error("business type %s: its appointment plan is unreadable; no bookings", code)
        # AB角: for each window, the windows it backs up (whose `backup` names it).
        self.covers: dict[int, tuple[int, ...]] = {}
        for number, config in windows.items():
            backup = config.get("backup")
            if backup is not None and backup in windows and backup != number:
                self.covers[backup] = (*self.covers.get(backup, ()), number)

    def of(self, hall: str) -> _Reference:
        """The windows of one hall (business types are the server's), AB角 within it only."""
        found = self._halls.get(hall)
        if found is None:
            windows = {n: c for n, c in self.windows.items() if window_hall(c) == hall}
            found = self._halls[hall] = _Reference(self.revision, windows, self.types)
        return found


# ---------------------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------------------

Row = Mapping[str, Any]
Events = list[tuple[str, dict[str, Any]]]


def to_wire(row: Row) -> wire.Ticket:
    return wire.Ticket(
        id=row["id"], number=row["number"], business_type=row["business_type"],
        state=TicketState(row["state"]), service_date=row["service_date"],
        arrived_at=row["arrived_at"], issued_at=row["issued_at"], green_channel=row["green_channel"],
        green_reason=GreenReason(row["green_reason"]) if row["green_reason"] else None,
        appointment_code=row["appointment_code"], slot_start=row["slot_start"], slot_end=row["slot_end"],
        id_masked=row["id_masked"], window=row["window"], target_window=row["target_window"],
        call_count=row["call_count"], called_at=row["called_at"], served_at=row["served_at"],
        ended_at=row["ended_at"], transferred_from=row["transferred_from"],
        appointment_arrival=_arrival(row))


def _arrival(row: Row) -> wire.AppointmentArrival | None:
    """How an appointment's ticket was checked in: a late arrival's carries no slot, an
    early one arrived before its slot's start."""
    if row["appointment_code"] is None:
        return None
    if row["slot_start"] is None:
        return wire.AppointmentArrival.LATE
    if row["arrived_at"] < row["slot_start"]:
        return wire.AppointmentArrival.EARLY
    return wire.AppointmentArrival.ON_TIME


def appointment_to_wire(row: Row) -> wire.Appointment:
    return wire.Appointment(
        code=row["code"], business_type=row["business_type"], slot_start=row["slot_start"],
        slot_end=row["slot_end"], checked_in=row["checked_in"], checked_in_at=row["checked_in_at"],
        ticket_id=row["ticket_id"], channel=wire.BookingChannel(row["channel"]) if row["channel"] else None,
        id_masked=row["id_masked"])


_DEFAULT_EARLY = AppointmentPlan.model_fields["early_minutes"].default
_DEFAULT_LATE = AppointmentPlan.model_fields["late_minutes"].default


def _booking_lock(business_type: str, day: date) -> int:
    """The advisory lock's key (a signed 64-bit integer) of one type's bookings on one day."""
    digest = hashlib.sha256(f"queue-appointments:{business_type}:{day.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _in_halls(row: Row, halls: Iterable[str], what: str) -> None:
    """A ticket or appointment of a hall the caller does not work in: refused, saying whose."""
    if row["hall"] not in halls:
        raise QueueError(403, f"{what} belongs to hall {row['hall']!r}: this device works in hall "
                              f"{', '.join(sorted(halls))} only")


def _own_ticket(row: Row, kiosk: str | None) -> None:
    """A kiosk (`kiosk`: its device id) reads and cancels only the tickets it issued: the
    ids count up, and any other kiosk of the hall could otherwise end anybody's turn."""
    if kiosk is not None and row["issued_by"] != kiosk:
        raise QueueError(403, f"ticket {row['number']} was not issued by this kiosk: a kiosk cancels "
                              "and shows only its own tickets; the applicant can ask at a window")


def _seconds(start: datetime, end: datetime) -> int:
    """Whole seconds from `start` to `end`, never negative (a clock step back)."""
    return max(0, round((end - start).total_seconds()))


def estimated_wait(waiting: int, service_seconds: float | None, windows: int) -> int | None:
    """Minutes a ticket taken now waits: everyone ahead served at today's mean service
    time by the open windows that serve the type, rounded up. None when unknown: no
    service time yet today, or no open window serves it."""
    if service_seconds is None or windows <= 0:
        return None
    return math.ceil(waiting * service_seconds / 60 / windows)


def _state_event(row: Row) -> tuple[str, dict[str, Any]]:
    return wire.QueueEventType.TICKET_STATE, {
        "ticket_id": row["id"], "number": row["number"], "business_type": row["business_type"],
        "state": row["state"], "window": row["window"], "hall": row["hall"]}


def _pause_info(window: Row) -> wire.PauseInfo | None:
    """A paused window's whereabouts from its row (a pause without them says `other`)."""
    if not window["paused"]:
        return None
    reason = window["pause_reason"]
    return wire.PauseInfo(reason=PauseReason(reason) if reason else PauseReason.OTHER,
                          note=window["pause_note"] or "", until=window["pause_until"],
                          since=window["paused_at"])


_NEVER_PAUSED: Row = {"paused": False, "pause_reason": None, "pause_note": None, "pause_until": None,
                      "paused_at": None}


def _window_state(config: dict[str, Any], window: Row, active: Row | None, parked: int,
                  covering: list[int] | tuple[int, ...] = ()) -> wire.WindowState:
    """`window`: the window's row (paused and its whereabouts), or _NEVER_PAUSED."""
    current = None if active is None else wire.CurrentTicket(
        id=active["id"], number=active["number"], business_type=active["business_type"],
        state=TicketState(active["state"]), call_count=active["call_count"])
    return wire.WindowState(number=config["number"], name=config["name"],
                            business_types=list(config["business_types"]), paused=bool(window["paused"]),
                            ticket=current, parked=parked, pause=_pause_info(window),
                            backup=config.get("backup"), covering=list(covering))


@dataclass
class _Op:
    """One write transaction's context."""

    conn: Connection
    now: datetime
    day: date
    reference: _Reference
    events: Events = field(default_factory=list)
    counts: bool = False
    hall: str = DEFAULT_HALL

    def enter(self, hall: str) -> None:
        """The operation runs in `hall`: its windows only, its tickets and numbering."""
        self.hall, self.reference = hall, self.reference.of(hall)


Result = TypeVar("Result")


class Writer(Protocol):
    """What writes the queue on SQLite: the batch writer's thread, or another that
    QueueService is given (server.queue_writer.ProcessWriter)."""

    def submit(self, operation: Callable[..., Any], args: tuple[Any, ...]) -> Future[Any]: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...


class _BatchWriter:
    """SQLite: the one thread that writes the queue. Operations wait in a queue; the thread
    takes all that are waiting (up to MAX_BATCH) and runs them one after another in one
    transaction, each in a savepoint of its own, so a refused operation undoes only
    itself. One commit then answers them all. The operations stay serialized, each seeing
    everything before it, as with a transaction apiece; under load the commit, the
    transaction's setup and the hops between threads are paid once per batch instead of
    once per operation. Nothing is answered before its batch is committed; if the commit
    fails, every operation of the batch fails with it and none is announced."""

    def __init__(self, service: QueueService) -> None:
        self._service = service
        self._jobs: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...], Future[Any]] | None] = (
            queue.SimpleQueue())
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def start(self) -> None:
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="queue-writer", daemon=True)
                    self._thread.start()

    def submit(self, operation: Callable[..., Any], args: tuple[Any, ...]) -> Future[Any]:
        self.start()
        future: Future[Any] = Future()
        self._jobs.put((operation, args, future))
        return future

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(30)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            batch = [job]
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)  # stop after this batch
                    break
                batch.append(job)
            self._run_batch(batch)

    def _run_batch(self, batch: list[tuple[Callable[..., Any], tuple[Any, ...], Future[Any]]]) -> None:
        service = self._service
        try:
            outcomes = run_batch(service, [(operation, args) for operation, args, _ in batch])
        except Exception as exc:  # the commit (or the transaction) failed: nothing was saved
            log.error("a batch of %d queue operations failed: %s", len(batch), exc)
            for _, _, future in batch:
                future.set_exception(exc)
            return
        service._announce(*(outcome.op for outcome in outcomes if outcome.op is not None))
        for (_, _, future), outcome in zip(batch, outcomes, strict=True):
            if outcome.error is not None:
                future.set_exception(outcome.error)
            else:
                future.set_result(outcome.value)


@dataclass
class Outcome:
    """One operation of a batch: its context and value once committed, or its refusal."""

    op: _Op | None
    value: Any = None
    error: BaseException | None = None


def run_batch(service: QueueService, batch: list[tuple[Callable[..., Any], tuple[Any, ...]]]) -> list[Outcome]:
    """SQLite: the operations one after another in one transaction, each in a savepoint of
    its own, so a refusal undoes only itself; committed once. Raises if the transaction
    fails, and then nothing of it was saved."""
    outcomes: list[Outcome] = []
    with service.db.session() as session:
        conn = session.connection()
        reference = service._reference(conn)
        # Savepoints straight on the driver's connection: SQLAlchemy compiles its
        # SAVEPOINT statements anew each time, which costs more than the operation.
        driver = conn.connection.driver_connection
        assert driver is not None
        for operation, args in batch:
            op = service._op(conn, reference)
            driver.execute("SAVEPOINT queue_operation")
            try:
                value = operation(op, *args)
            except Exception as exc:  # refused or failed: undo this one only
                driver.execute("ROLLBACK TO queue_operation")
                driver.execute("RELEASE queue_operation")
                outcomes.append(Outcome(None, error=exc))
            else:
                driver.execute("RELEASE queue_operation")
                outcomes.append(Outcome(op, value))
    return outcomes


class QueueService:
    """Every queue operation, atomic, announcing its changes after they are committed.

    The write operations (issue, call_next, operate, cancel, set_paused, add_appointment,
    book_appointment, import_appointments) take an `op` (the transaction's connection, time and reference data) and are run by
    `write` or `write_async`: on PostgreSQL each in a transaction of its own, on SQLite
    by the batch writer: a thread of this process, or one that `writer(service)` makes,
    such as the process of its own that the hall server runs (server.queue_writer, which
    builds on this module, so this one does not know it)."""

    def __init__(self, db: Database, bus: EventBus, settings: QueueSettings | None = None,
                 policy: OrderingPolicy | None = None,
                 writer: Callable[[QueueService], Writer] | None = None) -> None:
        self.db = db
        self.bus = bus
        self.settings = settings or QueueSettings.from_env()
        self.policy = policy or PriorityPolicy()
        self._sqlite = db.dialect == "sqlite"
        # PostgreSQL takes many writers at once, but each holds a worker thread that
        # competes for the GIL with the event loop that streams the calls to the displays:
        # a few at a time keep the loop responsive and the database just as busy. SQLite
        # takes one writer at a time anyway: there the batch writer is the only one.
        self._write_lock = threading.BoundedSemaphore(PG_WRITERS)
        self._writer: Writer | None = None
        if self._sqlite:
            self._writer = writer(self) if writer is not None else _BatchWriter(self)
        self._sql = _Statements(self._sqlite)
        self._reference_cache = _Reference(-1, {}, {})
        self._counts = _CountsPublisher(self.counts, bus)
        # Called after every committed change, on the announcing thread: each must return
        # at once (server.reminders only wakes its own thread).
        self.after_change: list[Callable[[], None]] = []

    # -- plumbing ------------------------------------------------------------------------

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self, now: datetime) -> date:
        return domain.service_day(now, self.settings.timezone)

    def id_hash(self, id_number: str) -> str:
        return hmac.new(self.settings.id_key, id_number.encode(), hashlib.sha256).hexdigest()

    def _reference(self, conn: Connection) -> _Reference:
        head = conn.execute(self._sql.head).scalar_one()
        current = self._reference_cache
        if current.revision != head:
            rows = conn.execute(self._sql.reference).all()
            windows = {p["number"]: p for k, p in rows if k == ReferenceKind.WINDOW.value}
            types = {p["code"]: p for k, p in rows if k == ReferenceKind.BUSINESS_TYPE.value}
            current = self._reference_cache = _Reference(head, dict(sorted(windows.items())), types)
        return current

    def _op(self, conn: Connection, reference: _Reference | None = None) -> _Op:
        now = self.now()
        return _Op(conn, now, self.today(now), reference or self._reference(conn))

    def _announce(self, *ops: _Op) -> None:
        self.announce([event for op in ops for event in op.events], any(op.counts for op in ops))

    def announce(self, events: Events, counts: bool) -> None:
        """After the commit: the operations' events, in order, and the counts if they moved."""
        # To everyone: the hall display must see the calls.
        self.bus.publish_all((type_, data, EVERYONE) for type_, data in events)
        if self.bus.shared:
            return  # the leading process publishes the counts and wakes the hooks (lead())
        if counts:
            self._counts.mark({data.get("hall", DEFAULT_HALL) for _, data in events})
        if events:
            self._changed()

    def _changed(self) -> None:
        for hook in self.after_change:
            hook()

    def lead(self) -> None:
        """A shared bus (several processes): this process publishes the waiting counts and
        runs the after_change hooks (server.reminders) for every process's changes, as it
        delivers their events."""
        if self.bus.shared:
            self.bus.on_delivered(self._delivered)

    def _delivered(self, published: list[Any]) -> None:
        halls = {p.hall or DEFAULT_HALL for p in published if p.event.type in _TICKET_EVENTS}
        if halls:
            self._counts.mark(halls)
            self._changed()

    def _transaction(self, operation: Callable[..., Result], *args: Any) -> Result:
        """PostgreSQL: `operation` in a transaction of its own, on the caller's thread; its
        events go into the same transaction when the bus is shared."""
        with self._write_lock, self.db.session() as session:
            op = self._op(session.connection())
            value = operation(op, *args)
            if self.bus.write(op.conn, [(type_, data, EVERYONE) for type_, data in op.events]):
                op.events = []  # the bus delivers them once committed
        self._announce(op)
        return value

    def write(self, operation: Callable[..., Result], *args: Any) -> Result:
        """Runs `operation(op, *args)` atomically; returns its value once committed."""
        if self._writer is not None:
            return self._writer.submit(operation, args).result()
        return self._transaction(operation, *args)

    async def write_async(self, operation: Callable[..., Result], *args: Any) -> Result:
        """`write` for the event loop: it waits without holding a thread."""
        if self._writer is not None:
            return await asyncio.wrap_future(self._writer.submit(operation, args))
        return await run_in_threadpool(self._transaction, operation, *args)

    def start(self) -> None:
        """Starts the writer now rather than at the first write (a process takes a second)."""
        if self._writer is not None:
            self._writer.start()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.stop()

    @contextlib.contextmanager
    def _reading(self) -> Iterator[tuple[Connection, date, _Reference]]:
        with self.db.reading() as session:
            conn = session.connection()
            yield conn, self.today(self.now()), self._reference(conn)

    def _window_config(self, op: _Op, number: int | None) -> dict[str, Any]:
        if number is None:
            raise QueueError(403, "this workstation is not assigned to a window")
        config = op.reference.windows.get(number)
        if config is None:
            raise QueueError(409, f"window {number} is not set up in the hall's reference data")
        return config

    @staticmethod
    def _business_type(op: _Op, code: str) -> dict[str, Any]:
        found = op.reference.types.get(code)
        if found is None:
            raise QueueError(404, f"no business type {code!r}")
        return found

    def _lock_window(self, op: _Op, number: int) -> Row:
        """Takes the window's row (made on first use): paused, parked, active_number, active_state."""
        params = {"window": number, "day": op.day}
        row = op.conn.execute(self._sql.window_lock, params).mappings().one_or_none()
        if row is None:
            op.conn.execute(self._sql.window_insert, {"window": number, "now": op.now})
            row = op.conn.execute(self._sql.window_lock, params).mappings().one()
        return row

    def _read_window(self, conn: Connection, number: int, day: date) -> Row:
        row = conn.execute(self._sql.window_read, {"window": number, "day": day}).mappings().one_or_none()
        # No row yet: nothing ever happened at that window.
        return row or {**_NEVER_PAUSED, "parked": 0, "active_number": None, "active_state": None}

    def _covering(self, conn: Connection, reference: _Reference, window: int, now: datetime,
                  paused: bool = False) -> list[int]:
        """AB角: the windows `window` covers now, those naming it their backup that are
        paused or have no clerk logged in. One small query, and none at a window that backs
        nobody up; a paused window covers nobody."""
        backed = reference.covers.get(window)
        if not backed or paused:
            return []
        params = {"now": now, **{f"c{n}": number for n, number in enumerate(backed)}}
        rows = conn.execute(self._sql.coverage(len(backed)), params).all()
        return [backed[i] for i, is_paused, staffed in sorted(rows) if is_paused or not staffed]

    def _lock_counter(self, op: _Op, business_type: str) -> int:
        params = {"in_hall": op.hall, "day": op.day, "bt": business_type}
        value = op.conn.execute(self._sql.counter_lock, params).scalar_one_or_none()
        if value is None:
            op.conn.execute(self._sql.counter_insert, params)
            value = op.conn.execute(self._sql.counter_lock, params).scalar_one()
        return value

    def _lock_ticket(self, op: _Op, ticket_id: int, halls: Iterable[str] | None = None) -> Row:
        """The ticket, locked; one of another hall than the operation's (or `halls`) is refused."""
        row = op.conn.execute(self._sql.ticket_lock, {"ticket_id": ticket_id}).mappings().one_or_none()
        if row is None:
            raise QueueError(404, f"no ticket {ticket_id}")
        _in_halls(row, (op.hall,) if halls is None else halls, f"ticket {row['number']}")
        return row

    def _update(self, op: _Op, ticket_id: int, **changes: Any) -> Row:
        return op.conn.execute(self._sql.update, {"ticket_id_": ticket_id, **changes}).mappings().one()

    def _active(self, conn: Connection, window: int, day: date) -> Row | None:
        return conn.execute(self._sql.active, {"window": window, "day": day}).mappings().first()

    def _waiting_duplicate(self, op: _Op, business_type: str, id_hash: str) -> str | None:
        return op.conn.execute(self._sql.duplicate, {"id_hash": id_hash, "in_hall": op.hall, "day": op.day,
                                                     "bt": business_type}).scalar_one_or_none()

    @staticmethod
    def _may_call(window: int, state: Row) -> None:
        if state["paused"]:
            raise QueueError(409, f"window {window} is paused: resume it to call")
        if state["active_number"] is not None:
            raise QueueError(409, f"window {window} still has ticket {state['active_number']} "
                                  f"{state['active_state']}: finish it, park it or mark it no-show first")

    @staticmethod
    def _window_event(config: dict[str, Any], window: Row, parked: int, active: Row | None,
                      covering: list[int] | tuple[int, ...] = ()) -> tuple[str, dict[str, Any]]:
        state = _window_state(config, window, active, parked, covering)
        return wire.QueueEventType.WINDOW_STATE, {**state.model_dump(mode="json"), "hall": window_hall(config)}

    @staticmethod
    def _called_event(op: _Op, row: Row, config: dict[str, Any], recall: bool) -> tuple[str, dict[str, Any]]:
        kind = op.reference.types.get(row["business_type"], {})
        return wire.QueueEventType.TICKET_CALLED, {
            "ticket_id": row["id"], "number": row["number"], "window": config["number"],
            "window_name": config["name"], "business_type": row["business_type"],
            "business_type_name": kind.get("name", row["business_type"]),
            "call_count": row["call_count"], "recall": recall, "hall": row["hall"]}

    # -- issuing -------------------------------------------------------------------------

    def issue(self, op: _Op, request: wire.IssueRequest, issued_by: str | None = None,
              hall: str = DEFAULT_HALL) -> wire.Ticket:
        """A new waiting ticket in `hall`: the type's letter and the hall's next number today,
        within the quota. `issued_by`: the issuing device's id, kept so that a kiosk reads
        and cancels only its own."""
        op.enter(hall)
        appointment = None
        slot: tuple[datetime, datetime] | None = None
        code = request.business_type
        if request.appointment_code is not None:
            appointment = op.conn.execute(self._sql.appointment_lock,
                                          {"code": request.appointment_code}).mappings().one_or_none()
            if appointment is None:
                raise QueueError(404, f"no appointment {request.appointment_code}")
        elif request.appointment_by_id:
            assert request.id_number is not None
            appointment = self._appointment_of_person(op, self.id_hash(request.id_number), code)
        if appointment is not None:
            _in_halls(appointment, (hall,), f"appointment {appointment['code']}")
            if appointment["checked_in"]:
                raise QueueError(409, f"appointment {appointment['code']} is already checked in")
            booked_day = self.today(appointment["slot_start"])
            if booked_day != op.day:
                raise QueueError(409, f"appointment {appointment['code']} is booked for "
                                      f"{booked_day.isoformat()}, not today ({op.day.isoformat()})")
            if code is not None and code != appointment["business_type"]:
                raise QueueError(409, f"appointment {appointment['code']} is for business type "
                                      f"{appointment['business_type']}, not {code}")
            code = appointment["business_type"]
            slot = self._arrival_slot(op, appointment)
        assert code is not None
        kind = self._business_type(op, code)
        if request.green_reason is GreenReason.ELDERLY and request.id_number is not None:
            age = domain.age_on(request.id_number, op.day)
            if age < domain.ELDERLY_AGE:
                raise QueueError(422, f"the elderly green channel is from age {domain.ELDERLY_AGE}; "
                                      f"the ID number gives {age}")
        issued = self._lock_counter(op, code)  # serializes this type's issuing
        id_hash = self.id_hash(request.id_number) if request.id_number is not None else None
        id_masked = domain.mask_id_number(request.id_number) if request.id_number else None
        if id_hash is None and appointment is not None and appointment["id_hash"] is not None:
            # Checked in by code: the booking's ID still keeps one waiting ticket per person.
            id_hash, id_masked = appointment["id_hash"], appointment["id_masked"]
        if id_hash is not None:
            holding = self._waiting_duplicate(op, code, id_hash)
            if holding is not None:
                raise QueueError(409, f"this ID number already holds waiting ticket {holding} for "
                                      f"{kind['name']}: one waiting ticket per person and business type")
        if issued >= kind["daily_quota"]:
            raise QueueError(409, f"today's quota of {kind['daily_quota']} tickets for {kind['name']} "
                                  "is used up; numbering starts again tomorrow")
        sequence = issued + 1
        op.conn.execute(self._sql.counter_set, {"in_hall": hall, "day": op.day, "bt": code, "value": sequence})
        row = op.conn.execute(self._sql.insert, {
            "hall": hall, "service_date": op.day, "business_type": code, "sequence": sequence,
            "number": domain.ticket_number(kind["prefix"], sequence), "state": _WAITING,
            "arrived_at": op.now, "issued_at": op.now, "green_channel": request.green_channel,
            "green_reason": request.green_reason.value if request.green_reason else None,
            "appointment_code": appointment["code"] if appointment else None,
            "slot_start": slot[0] if slot else None,
            "slot_end": slot[1] if slot else None,
            "id_hash": id_hash,
            "id_masked": id_masked,
            "phone": request.phone or (appointment["phone"] if appointment else None),
            "issued_by": issued_by, "window": None, "target_window": None, "call_count": 0, "called_at": None,
            "served_at": None, "ended_at": None, "transferred_from": None,
        }).mappings().one()
        if appointment is not None:
            op.conn.execute(self._sql.appointment_check_in,
                            {"code_": appointment["code"], "now": op.now, "tid": row["id"]})
        op.events.append(_state_event(row))
        op.counts = True
        return to_wire(row)

    def _appointment_of_person(self, op: _Op, id_hash: str, business_type: str | None) -> Row:
        """Check-in by ID card: today's appointment of the card's holder (of `business_type`,
        if the applicant chose one): the first not yet checked in whose check-in has not
        passed, else the last (a late arrival's ordinary ticket), locked."""
        rows = [r for r in op.conn.execute(self._sql.appointments_of_person_lock,
                                           {"id_hash": id_hash, "in_hall": op.hall, "day": op.day}).mappings()
                if business_type is None or r["business_type"] == business_type]
        if not rows:
            raise QueueError(404, "no appointment today for this ID card")
        open_ = [r for r in rows if not r["checked_in"]]
        if not open_:
            raise QueueError(409, f"appointment {rows[-1]['code']} is already checked in")
        for row in open_:
            late = self._rules(op, row["business_type"])[1]
            if op.now <= row["slot_end"] + timedelta(minutes=late):
                return row
        return open_[-1]

    def _rules(self, op: _Op, business_type: str) -> tuple[int, int]:
        """The hall's check-in rules for the type (early and late minutes): its plan's, or
        the plan's defaults for an appointment of a type without one (the admin's)."""
        plan = op.reference.plans.get(business_type)
        if plan is not None:
            return plan.early_minutes, plan.late_minutes
        return _DEFAULT_EARLY, _DEFAULT_LATE

    def _arrival_slot(self, op: _Op, appointment: Row) -> tuple[datetime, datetime] | None:
        """The hall's rules at check-in. Before the slot's start less its early minutes:
        refused, to come back then (the appointment stays; an ordinary ticket is the
        business button). From then to the slot's end plus its late minutes: the ticket
        carries the slot and goes ahead of ordinary tickets from the slot's start on (an
        early arrival waits as an ordinary ticket until then). Later: an ordinary ticket
        (no slot), and the appointment counts as used."""
        early, late = self._rules(op, appointment["business_type"])
        start, end = appointment["slot_start"], appointment["slot_end"]
        opens = start - timedelta(minutes=early)
        if op.now < opens:
            zone = self.settings.timezone
            raise QueueError(409, f"appointment {appointment['code']} is for "
                                  f"{start.astimezone(zone):%H:%M}-{end.astimezone(zone):%H:%M}: "
                                  f"check in from {opens.astimezone(zone):%H:%M}")
        if op.now > end + timedelta(minutes=late):
            return None
        return start, end

    def _local(self, moment: datetime) -> datetime:
        """An appointment's time as given: without a zone, the hall's local time."""
        return moment.replace(tzinfo=self.settings.timezone) if moment.tzinfo is None else moment

    def _appointment_row(self, op: _Op, body: wire.AppointmentIn, channel: wire.BookingChannel,
                         booked_by: str | None) -> dict[str, Any]:
        start, end = self._local(body.slot_start), self._local(body.slot_end)
        return {"code": body.code, "hall": op.hall, "business_type": body.business_type,
                "slot_start": start.astimezone(UTC), "slot_end": end.astimezone(UTC),
                "checked_in": False, "checked_in_at": None, "ticket_id": None, "created_at": op.now,
                "phone": body.phone, "channel": channel.value, "booked_by": booked_by,
                "id_hash": self.id_hash(body.id_number) if body.id_number else None,
                "id_masked": domain.mask_id_number(body.id_number) if body.id_number else None,
                "service_date": self.today(start)}

    def add_appointment(self, op: _Op, body: wire.AppointmentIn, booked_by: str | None = None,
                        hall: str = DEFAULT_HALL) -> wire.Appointment:
        """The admin's, in `hall`: any slot, outside the plan's capacity (a correction, a test)."""
        op.enter(hall)
        self._business_type(op, body.business_type)
        if op.conn.execute(self._sql.appointment_exists, {"code": body.code}).first() is not None:
            raise QueueError(409, f"appointment {body.code} exists already")
        row = op.conn.execute(self._sql.appointment_insert,
                              self._appointment_row(op, body, wire.BookingChannel.ADMIN, booked_by)).mappings().one()
        return appointment_to_wire(row)

    # -- booking -------------------------------------------------------------------------

    def _lock_bookings(self, op: _Op, keys: list[tuple[str, date]]) -> None:
        """PostgreSQL: the bookings of each (business type, hall day) one at a time, so a
        slot's capacity and one booking per person, type and day hold under concurrent
        bookings (a transaction-level advisory lock, taken in one order: no deadlock). On
        SQLite the queue's writer runs one operation at a time anyway."""
        if self._sqlite:
            return
        for key in sorted({_booking_lock(bt, day) for bt, day in keys}):
            op.conn.execute(select(func.pg_advisory_xact_lock(key)))

    def _plan(self, op: _Op, business_type: str) -> tuple[dict[str, Any], AppointmentPlan]:
        kind = op.reference.types.get(business_type)
        if kind is None:
            raise QueueError(404, f"没有这项业务：{business_type}")
        plan = op.reference.plans.get(business_type)
        if plan is None:
            raise QueueError(409, f"{kind['name']}不接受预约")
        return kind, plan

    def _holding(self, op: _Op, id_hash: str, business_type: str, day: date) -> Row | None:
        """The person's appointment of this business type on that day, if any."""
        for row in op.conn.execute(self._sql.appointments_of_person,
                                   {"id_hash": id_hash, "in_hall": op.hall, "day": day}).mappings():
            if row["business_type"] == business_type:
                return row
        return None

    def _new_code(self, op: _Op) -> str:
        """8 random digits (secrets), read out on the phone or printed; never reused."""
        for _ in range(20):
            code = f"{secrets.randbelow(10**8):08d}"
            if op.conn.execute(self._sql.appointment_exists, {"code": code}).first() is None:
                return code
        raise QueueError(503, "could not find a free appointment code; try again")

    def book_appointment(self, op: _Op, body: wire.BookingRequest, booked_by: str | None = None,
                         hall: str = DEFAULT_HALL) -> wire.Appointment:
        """A clerk books one of the plan's slots of `hall` for an applicant (at the counter or
        on the phone): a slot that has not ended, within the days the plan takes bookings,
        with a free place in the hall, and one booking per person, business type and day."""
        op.enter(hall)
        kind, plan = self._plan(op, body.business_type)
        zone = self.settings.timezone
        start = self._local(body.slot_start).astimezone(zone)
        day = start.date()
        if not op.day <= day <= op.day + timedelta(days=plan.days_ahead):
            raise QueueError(409, f"只能预约今天起 {plan.days_ahead} 天内的时段")
        slot = next(((s, e) for s, e in plan.slots(day, zone) if s == start), None)
        if slot is None:
            raise QueueError(422, f"不在预约时段：{kind['name']}没有 {start:%m-%d %H:%M} 开始的时段")
        if slot[1] <= op.now:
            raise QueueError(409, f"该时段已过：{slot[0]:%H:%M}-{slot[1]:%H:%M}")
        self._lock_bookings(op, [(body.business_type, day)])
        id_hash = self.id_hash(body.id_number)
        holding = self._holding(op, id_hash, body.business_type, day)
        if holding is not None:
            at = holding["slot_start"].astimezone(zone)
            raise QueueError(409, f"已有预约：此人 {day:%m-%d} 已约{kind['name']} {at:%H:%M} 的时段"
                                  f"（预约码 {holding['code']}），每人每天每项业务一个预约")
        booked = op.conn.execute(self._sql.slot_booked, {"in_hall": op.hall, "bt": body.business_type,
                                                         "slot": slot[0].astimezone(UTC)}).scalar_one()
        if booked >= plan.capacity:
            raise QueueError(409, f"该时段已约满：{slot[0]:%H:%M}-{slot[1]:%H:%M} 的 {plan.capacity} 个名额已约完，"
                                  "请选其他时段")
        request = wire.AppointmentIn(code=self._new_code(op), business_type=body.business_type,
                                     slot_start=slot[0], slot_end=slot[1], id_number=body.id_number,
                                     phone=body.phone)
        row = op.conn.execute(self._sql.appointment_insert,
                              self._appointment_row(op, request, body.channel, booked_by)).mappings().one()
        log.info("appointment %s booked (%s) for %s %s by %s", row["code"], body.channel.value,
                 body.business_type, slot[0].isoformat(), booked_by)
        return appointment_to_wire(row)

    def import_appointments(self, op: _Op, body: wire.AppointmentImport,
                            booked_by: str | None = None, hall: str = DEFAULT_HALL) -> wire.ImportAnswer:
        """The province's booking platform's appointments, whole or not at all. A row whose
        code is here with the same content is left unchanged; with other content, or a row
        for a business type or slot the hall does not have, or a second booking of one person
        for one type and day, refuses the import (422/409, naming it). Rows over a slot's
        capacity (a plan's type) are reported in `over_capacity` and nothing is added."""
        op.enter(hall)  # the appointments are this hall's, counted against its own places
        zone = self.settings.timezone
        fresh: list[dict[str, Any]] = []
        unchanged = 0
        seen: set[str] = set()
        for index, entry in enumerate(body.appointments):
            where = f"第 {index + 1} 条（预约码 {entry.code}）"
            if entry.code in seen:
                raise QueueError(422, f"{where}：预约码在本次导入中重复")
            seen.add(entry.code)
            kind = op.reference.types.get(entry.business_type)
            if kind is None:
                raise QueueError(422, f"{where}：没有这项业务 {entry.business_type}")
            row = self._appointment_row(op, entry, wire.BookingChannel.IMPORT, booked_by)
            plan = op.reference.plans.get(entry.business_type)
            if plan is not None:
                start = row["slot_start"].astimezone(zone)
                if (start, row["slot_end"].astimezone(zone)) not in plan.slots(start.date(), zone):
                    raise QueueError(422, f"{where}：不在预约时段（{kind['name']}没有 "
                                          f"{start:%m-%d %H:%M} 开始的时段）")
            present = op.conn.execute(self._sql.appointment_by_code, {"code": entry.code}).mappings().one_or_none()
            if present is not None:
                if all(present[k] == row[k] for k in ("hall", "business_type", "slot_start", "slot_end", "id_hash")):
                    unchanged += 1
                    continue
                raise QueueError(409, f"{where}：已有这个预约码，内容不同；导入未执行")
            fresh.append(row)
        self._lock_bookings(op, [(r["business_type"], r["service_date"]) for r in fresh])
        people: set[tuple[str, str, date]] = set()
        for row in fresh:
            if row["id_hash"] is None:
                continue
            person = (row["id_hash"], row["business_type"], row["service_date"])
            if person in people or self._holding(op, *person) is not None:
                raise QueueError(409, f"已有预约：预约码 {row['code']} 的申请人当天已约这项业务；导入未执行")
            people.add(person)
        over: list[str] = []
        taken: dict[tuple[str, datetime], int] = {}
        for row in fresh:
            plan = op.reference.plans.get(row["business_type"])
            if plan is None:
                continue
            key = (row["business_type"], row["slot_start"])
            if key not in taken:
                taken[key] = op.conn.execute(self._sql.slot_booked,
                                             {"in_hall": op.hall, "bt": key[0], "slot": key[1]}).scalar_one()
            taken[key] += 1
            if taken[key] > plan.capacity:
                over.append(row["code"])
        if over:
            return wire.ImportAnswer(added=0, unchanged=unchanged, over_capacity=over,
                                     detail=f"导入未执行：{len(over)} 条超出时段名额")
        for row in fresh:
            op.conn.execute(self._sql.appointment_insert, row)
        log.info("appointments imported: %d added, %d unchanged", len(fresh), unchanged)
        return wire.ImportAnswer(added=len(fresh), unchanged=unchanged)

    def appointment_slots(self, business_type: str, day: date | None = None,
                          hall: str = DEFAULT_HALL) -> wire.SlotsPage:
        """The type's slots in `hall` on `day` (today by default) with their booked counts; a
        slot that has ended has no free place."""
        now = self.now()
        zone = self.settings.timezone
        with self._reading() as (conn, today, reference):
            kind = reference.types.get(business_type)
            if kind is None:
                raise QueueError(404, f"没有这项业务：{business_type}")
            plan = reference.plans.get(business_type)
            if plan is None:
                raise QueueError(409, f"{kind['name']}不接受预约")
            day = day or today
            if not today <= day <= today + timedelta(days=plan.days_ahead):
                raise QueueError(422, f"只能预约今天起 {plan.days_ahead} 天内的时段")
            slots = plan.slots(day, zone)
            counts: dict[datetime, int] = {}
            if slots:
                counts = dict(conn.execute(self._sql.slots_booked, {
                    "in_hall": hall, "bt": business_type, "from_": slots[0][0].astimezone(UTC),
                    "to": slots[-1][1].astimezone(UTC)}).all())
        page = []
        for start, end in slots:
            booked = counts.get(start.astimezone(UTC), 0)
            free = 0 if end <= now else max(0, plan.capacity - booked)
            page.append(wire.Slot(start=start, end=end, capacity=plan.capacity, booked=booked, free=free))
        return wire.SlotsPage(business_type=business_type, business_type_name=kind["name"], day=day, today=today,
                              days_ahead=plan.days_ahead, late_minutes=plan.late_minutes,
                              early_minutes=plan.early_minutes, slots=page)

    # -- calling -------------------------------------------------------------------------

    def _pick(self, op: _Op, config: dict[str, Any], window: int,
              covering: list[int]) -> tuple[int, datetime] | None:
        """The id and issued_at of the ticket this window calls; on PostgreSQL locked by
        this transaction. With AB角 `covering` windows, their business types and the
        tickets transferred to them are candidates too, ranked by the same policy."""
        types = list(config["business_types"])
        for number in covering:
            types += [t for t in op.reference.windows[number]["business_types"] if t not in types]
        targets = [window, *covering]
        params = {"in_hall": op.hall, "day": op.day, "now": op.now, **{f"t{n}": t for n, t in enumerate(types)},
                  **{f"w{n}": w for n, w in enumerate(targets)}}
        statement = self._sql.candidates(len(types), len(targets))
        for _ in range(MAX_PICK_ROUNDS):
            rows = op.conn.execute(statement, params).all()
            candidates = [Candidate(*row[1:7]) for row in rows]
            issued = {row[1]: row[7] for row in rows}
            groups: dict[int, list[Candidate]] = {}
            for row, candidate in zip(rows, candidates, strict=True):
                groups.setdefault(row[0], []).append(candidate)
            # A full group may hide later arrivals: the policy has not seen past its last one.
            ends = {max(members, key=lambda c: (c.arrived_at, c.id)).id
                    for members in groups.values() if len(members) == self._sql.lookahead}
            ordered = [c.id for c in self.policy.order(candidates, op.now)]
            cut = next((i for i, ticket_id in enumerate(ordered) if ticket_id in ends), None)
            safe = ordered if cut is None else ordered[:cut + 1]
            if not safe:
                return None
            if self._sqlite:
                return safe[0], issued[safe[0]]  # writers are serialized: what we read is what is there
            taken = op.conn.execute(self._sql.take, {"ids": safe}).scalar_one_or_none()
            if taken is not None:
                return taken, issued[taken]
            if cut is None:
                return None
            # Everything the policy saw is being called by other windows, and more is
            # waiting beyond the look-ahead: look again (a new snapshot per statement).
        return None

    def call_next(self, op: _Op, window: int | None, clerk: str | None = None,
                  hall: str = DEFAULT_HALL) -> wire.Ticket:
        """The next ticket of `hall` by the policy, for the business types this window serves
        and those of the windows it covers now (AB角). `clerk`: the caller's username, kept
        on the ticket for the statistics."""
        op.enter(hall)
        config = self._window_config(op, window)
        assert window is not None
        state = self._lock_window(op, window)
        self._may_call(window, state)
        covering = self._covering(op.conn, op.reference, window, op.now)
        picked = self._pick(op, config, window, covering)
        if picked is None:
            raise QueueError(404, f"no ticket is waiting for window {window}")
        ticket_id, issued_at = picked
        row = self._update(op, ticket_id, state=TicketState.CALLED.value, window=window,
                           call_count=1, called_at=op.now, clerk=clerk, wait_seconds=_seconds(issued_at, op.now))
        op.events += [self._called_event(op, row, config, recall=False),
                      self._window_event(config, state, state["parked"], row, covering)]
        op.counts = True
        return to_wire(row)

    def resolve_number(self, number: str, hall: str = DEFAULT_HALL) -> int:
        """Today's latest record of a ticket number in `hall` (after a transfer, the new one)."""
        with self._reading() as (conn, day, _):
            found = conn.execute(self._sql.latest_number,
                                 {"in_hall": hall, "day": day, "number": number}).scalar_one_or_none()
        if found is None:
            raise QueueError(404, f"no ticket {number} today")
        return found

    # -- operations on one ticket at the caller's window ---------------------------------

    def operate(self, op: _Op, window: int | None, ticket_id: int, operation: Operation,
                transfer: wire.TransferRequest | None = None, clerk: str | None = None,
                hall: str = DEFAULT_HALL) -> wire.Ticket:
        """One counter operation on a ticket, as the transition table allows; the ticket's
        state is checked first, so a refusal names it. `clerk`: the caller's username, kept
        on a ticket it calls for the statistics."""
        if operation is Operation.CANCEL:
            raise ValueError("cancel is not a counter operation; use cancel()")
        op.enter(hall)
        config = self._window_config(op, window)
        assert window is not None
        state = self._lock_window(op, window)
        ticket = self._lock_ticket(op, ticket_id)
        try:
            target = domain.next_state(operation, TicketState(ticket["state"]), ticket["number"])
        except TransitionRefused as exc:
            raise QueueError(409, str(exc)) from None
        number = ticket["number"]
        covering = self._covering(op.conn, op.reference, window, op.now, state["paused"])

        if operation is Operation.CALL:
            self._may_call(window, state)
            if ticket["service_date"] != op.day:
                raise QueueError(409, f"ticket {number} is from {ticket['service_date'].isoformat()}")
            target_window = ticket["target_window"]
            if target_window is not None:
                served = target_window == window or target_window in covering
            else:
                served = ticket["business_type"] in config["business_types"] or any(
                    ticket["business_type"] in op.reference.windows[n]["business_types"] for n in covering)
            if not served:
                where = (f"window {target_window}" if target_window is not None
                         else f"business type {ticket['business_type']}")
                raise QueueError(409, f"ticket {number} waits for {where}, "
                                      f"which window {window} does not serve")
            op.counts = True
        elif ticket["window"] != window:
            at = f"window {ticket['window']}" if ticket["window"] is not None else "no window"
            raise QueueError(409, f"ticket {number} is {ticket['state']} at {at}, not at window {window}")
        elif operation is Operation.CALL_BACK:
            self._may_call(window, state)
        elif operation is Operation.RECALL:
            target = domain.after_recall(ticket["call_count"], self.settings.max_calls)

        result = None
        if operation is Operation.CALL:  # this record's first call: its wait ends
            row = self._update(op, ticket_id, state=target.value, window=window, call_count=1,
                               called_at=op.now, clerk=clerk,
                               wait_seconds=_seconds(ticket["issued_at"], op.now))
        elif operation is Operation.CALL_BACK:
            row = self._update(op, ticket_id, state=target.value, window=window, call_count=1,
                               called_at=op.now)
        elif operation is Operation.RECALL and target is TicketState.CALLED:
            row = self._update(op, ticket_id, call_count=ticket["call_count"] + 1, called_at=op.now)
        elif operation is Operation.START:
            row = self._update(op, ticket_id, state=target.value, served_at=op.now)
        elif operation is Operation.TRANSFER:
            assert transfer is not None
            row, result = self._transfer(op, ticket, window, transfer)
        else:  # PARK, NO_SHOW, FINISH, or a recall past the last call
            changes: dict[str, Any] = {"state": target.value}
            if target in domain.FINAL_STATES:
                changes["ended_at"] = op.now
            if operation is Operation.FINISH and ticket["served_at"] is not None:
                changes["service_seconds"] = _seconds(ticket["served_at"], op.now)
            row = self._update(op, ticket_id, **changes)

        if row["state"] == TicketState.CALLED.value:
            op.events.append(self._called_event(op, row, config, recall=operation is Operation.RECALL))
        else:
            op.events.append(_state_event(row))
        if result is not None:
            op.events.append(_state_event(result))
        before, after = ticket["state"], row["state"]
        if after in _ACTIVE:
            active = row
        elif before in _ACTIVE or state["active_number"] is None:
            active = None
        else:  # a parked ticket ended while another is at the counter
            active = self._active(op.conn, window, op.day)
        parked = state["parked"] + (after == _PARKED) - (before == _PARKED)
        op.events.append(self._window_event(config, state, parked, active, covering))
        return to_wire(result if result is not None else row)

    def _transfer(self, op: _Op, ticket: Row, window: int, body: wire.TransferRequest) -> tuple[Row, Row]:
        """Ends `ticket` as transferred; returns it and the new waiting record."""
        code = body.business_type or ticket["business_type"]
        kind = self._business_type(op, code)
        number = ticket["number"]
        if body.window is not None:
            if body.window not in op.reference.windows:
                raise QueueError(404, f"no window {body.window}")
            if body.window == window:
                raise QueueError(422, f"ticket {number} is already at window {window}")
        elif code == ticket["business_type"]:
            raise QueueError(422, f"ticket {number} is already in the {kind['name']} queue")
        if ticket["id_hash"] is not None:
            self._lock_counter(op, code)  # the lock issuing takes for this type
            holding = self._waiting_duplicate(op, code, ticket["id_hash"])
            if holding is not None:
                raise QueueError(409, f"the applicant already holds waiting ticket {holding} for {kind['name']}")
        served = ticket["served_at"]
        old = self._update(op, ticket["id"], state=TicketState.TRANSFERRED.value, ended_at=op.now,
                           service_seconds=_seconds(served, op.now) if served is not None else None)
        new = op.conn.execute(self._sql.insert, {
            **{k: ticket[k] for k in ("number", "sequence", "arrived_at", "green_channel", "green_reason",
                                      "appointment_code", "slot_start", "slot_end", "id_hash", "id_masked",
                                      "phone", "issued_by")},
            "hall": ticket["hall"], "service_date": op.day, "business_type": code, "state": _WAITING,
            "issued_at": op.now, "window": None, "target_window": body.window, "call_count": 0, "called_at": None,
            "served_at": None, "ended_at": None, "transferred_from": ticket["id"],
        }).mappings().one()
        op.counts = True
        return old, new

    def cancel(self, op: _Op, ticket_id: int, kiosk: str | None = None,
               halls: Iterable[str] = (DEFAULT_HALL,)) -> wire.Ticket:
        """The applicant left: a waiting or parked ticket of one of `halls` ends (kiosk or
        admin). With `kiosk` (its device id), only a ticket that kiosk issued."""
        ticket = self._lock_ticket(op, ticket_id, halls)
        op.enter(ticket["hall"])
        _own_ticket(ticket, kiosk)
        try:
            target = domain.next_state(Operation.CANCEL, TicketState(ticket["state"]), ticket["number"])
        except TransitionRefused as exc:
            raise QueueError(409, str(exc)) from None
        row = self._update(op, ticket_id, state=target.value, ended_at=op.now)
        op.events.append(_state_event(row))
        op.counts = ticket["state"] == _WAITING
        config = op.reference.windows.get(row["window"]) if row["window"] is not None else None
        if ticket["state"] == _PARKED and config is not None:
            op.events.append(self._window_event_read(op, config))
        return to_wire(row)

    def _window_event_read(self, op: _Op, config: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The window.state event of a window other than the caller's, read as it is now."""
        number = config["number"]
        state = self._read_window(op.conn, number, op.day)
        return self._window_event(config, state, state["parked"], self._active(op.conn, number, op.day),
                                  self._covering(op.conn, op.reference, number, op.now, state["paused"]))

    def set_paused(self, op: _Op, window: int | None, paused: bool,
                   request: wire.PauseRequest | None = None, hall: str = DEFAULT_HALL) -> wire.WindowState:
        """Pauses (with the clerk's whereabouts, 去向公开, if given) or resumes the window.
        Its AB角 backup starts or stops covering it, so the backup's state is announced too."""
        op.enter(hall)
        config = self._window_config(op, window)
        assert window is not None
        state = self._lock_window(op, window)
        if state["paused"] == paused:
            raise QueueError(409, f"window {window} is {'already paused' if paused else 'not paused'}")
        values: dict[str, Any] = {"reason": None, "note": None, "until": None, "since": None}
        if paused:
            until = request.until if request is not None else None
            if until is not None:
                if until.tzinfo is None:  # the hall's local time
                    until = until.replace(tzinfo=self.settings.timezone)
                until = until.astimezone(UTC)
                if until <= op.now:
                    raise QueueError(422, "the expected return time has passed already")
            values = {"reason": (request.reason if request is not None else PauseReason.OTHER).value,
                      "note": request.note.strip() if request is not None else "", "until": until,
                      "since": op.now}
        op.conn.execute(self._sql.window_set, {"window": window, "paused": paused, "now": op.now, **values})
        row = {"paused": paused, "pause_reason": values["reason"], "pause_note": values["note"],
               "pause_until": values["until"], "paused_at": values["since"]}
        event = self._window_event(config, row, state["parked"], self._active(op.conn, window, op.day),
                                   self._covering(op.conn, op.reference, window, op.now, paused))
        op.events.append(event)
        backup = op.reference.windows.get(config.get("backup"))
        if backup is not None:
            op.events.append(self._window_event_read(op, backup))
        return wire.WindowState.model_validate(event[1])

    # -- reading -------------------------------------------------------------------------

    def counts(self, hall: str = DEFAULT_HALL) -> wire.QueueCounts:
        with self._reading() as (conn, day, reference):
            waiting = dict.fromkeys(reference.types, 0)
            waiting.update(conn.execute(self._sql.waiting_counts, {"in_hall": hall, "day": day}).all())
        return wire.QueueCounts(service_date=day, waiting=waiting)

    def summary(self, hall: str = DEFAULT_HALL) -> wire.QueueSummary:
        """One hall's counts, windows (with whereabouts and AB角 cover) and waiting
        estimates, in one read transaction: every kiosk and display reads it."""
        now = self.now()
        with self._reading() as (conn, day, reference):
            reference = reference.of(hall)
            at = {"in_hall": hall, "day": day}
            waiting = dict(conn.execute(self._sql.waiting_counts, at).all())
            issued = dict(conn.execute(self._sql.issued, at).all())
            rows = {r["number"]: r for r in conn.execute(self._sql.all_windows).mappings()}
            active = {r["window"]: r for r in conn.execute(self._sql.all_active, at).mappings()}
            parked = dict(conn.execute(self._sql.all_parked, at).all())
            staffed = set(conn.execute(self._sql.staffed, {"now": now}).scalars())
            service = {code: float(avg) for code, avg in conn.execute(self._sql.service_times, at)
                       if avg is not None}
        windows = {number: rows.get(number, _NEVER_PAUSED) for number in reference.windows}
        covering = {number: [] if windows[number]["paused"] else
                    [a for a in reference.covers.get(number, ()) if windows[a]["paused"] or a not in staffed]
                    for number in reference.windows}
        # A window serves now when it is open (not paused, a clerk logged in): its own types
        # and those of the windows it covers.
        serving: dict[str, int] = {}
        for number, config in reference.windows.items():
            if windows[number]["paused"] or number not in staffed:
                continue
            types = set(config["business_types"])
            for covered in covering[number]:
                types.update(reference.windows[covered]["business_types"])
            for code in types:
                serving[code] = serving.get(code, 0) + 1
        return wire.QueueSummary(
            service_date=day,
            business_types=[
                wire.BusinessTypeCount(code=code, name=t["name"], prefix=t["prefix"],
                                       waiting=waiting.get(code, 0), issued=issued.get(code, 0),
                                       daily_quota=t["daily_quota"], average_service_seconds=service.get(code),
                                       estimated_wait_minutes=estimated_wait(waiting.get(code, 0),
                                                                             service.get(code),
                                                                             serving.get(code, 0)))
                for code, t in sorted(reference.types.items(), key=lambda kv: (kv[1]["prefix"], kv[0]))
            ],
            windows=[_window_state(config, windows[number], active.get(number), parked.get(number, 0),
                                   covering[number])
                     for number, config in reference.windows.items()],
        )

    def window_hall(self, window: int) -> str | None:
        """The hall a window is in, None for a window the reference data does not have."""
        with self._reading() as (_, _, reference):
            config = reference.windows.get(window)
        return None if config is None else window_hall(config)

    def window_state(self, window: int, halls: Iterable[str] = (DEFAULT_HALL,)) -> wire.WindowState:
        with self._reading() as (conn, day, reference):
            config = reference.windows.get(window)
            if config is None:
                raise QueueError(404, f"no window {window}")
            _in_halls({"hall": window_hall(config)}, halls, f"window {window}")
            reference = reference.of(window_hall(config))
            state = self._read_window(conn, window, day)
            covering = self._covering(conn, reference, window, self.now(), state["paused"])
            _, data = self._window_event(config, state, state["parked"], self._active(conn, window, day),
                                         covering)
        return wire.WindowState.model_validate(data)

    def parked(self, window: int, halls: Iterable[str] = (DEFAULT_HALL,)) -> list[wire.Ticket]:
        with self._reading() as (conn, day, reference):
            _in_halls({"hall": window_hall(reference.windows.get(window))}, halls, f"window {window}")
            return [to_wire(r) for r in conn.execute(self._sql.parked, {"window": window, "day": day}).mappings()]

    def ticket(self, ticket_id: int, kiosk: str | None = None,
               halls: Iterable[str] = (DEFAULT_HALL,)) -> wire.Ticket:
        """One ticket of one of `halls`; with `kiosk` (its device id), only a ticket that
        kiosk issued."""
        with self._reading() as (conn, _, _):
            row = conn.execute(self._sql.ticket, {"ticket_id": ticket_id}).mappings().one_or_none()
        if row is None:
            raise QueueError(404, f"no ticket {ticket_id}")
        _in_halls(row, halls, f"ticket {row['number']}")
        _own_ticket(row, kiosk)
        return to_wire(row)
