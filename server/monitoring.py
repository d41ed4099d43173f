"""The supervisor's monitoring queries: the hall now, statistics for a date range, their
export, and the figures the window load advice (workstation.domain.load) works from.

Each query reads in one transaction and fetches only the small columns it needs: the
board re-reads the hall on every event it receives. A month's statistics of a large hall
are some 150,000 tickets: each closed day is counted from its tickets once and kept
(statistics_days, made stale by a database trigger when a ticket of that day is written
later), so an ask reads the kept days and counts only today."""

from __future__ import annotations

import csv
import io
import logging
import math
import sys
from array import array
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, Date, and_, bindparam, exists, func, select, text
from sqlalchemy.exc import DBAPIError

from server.halls import DEFAULT_HALL, window_hall
from server.models import (
    Account,
    Case,
    Device,
    FollowUp,
    LoginSession,
    Rating,
    ReferenceEntry,
    StatisticsDay,
    StatisticsStamp,
    Ticket,
    WindowState,
)
from workstation.domain import load
from workstation.domain.queue import PauseReason, TicketState
from workstation.domain.rating import Channel, FollowUpState, is_overdue
from workstation.domain.roles import DeviceKind, Role
from workstation.protocol import monitoring as wire
from workstation.protocol.queue import PauseInfo
from workstation.protocol.reference import ReferenceKind, Supervision

MAX_RANGE_DAYS = 366  # statistics and their export cover at most this many days
# The days a range may name: the hall's time zone and the day after the last must still be
# dates, so 0001-01-01 and 9999-12-31 are refused plainly instead of overflowing.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)
LONG_WAITS_SHOWN = 200  # the board highlights at most this many long waits, oldest first
P90 = 0.9

log = logging.getLogger(__name__)

T = Ticket.__table__
W = WindowState.__table__
R = ReferenceEntry.__table__
D = Device.__table__
S = LoginSession.__table__
U = Account.__table__

_WAITING = TicketState.WAITING.value
_ACTIVE = (TicketState.CALLED.value, TicketState.SERVING.value)
_PARKED = TicketState.PARKED.value
_FINISHED = TicketState.FINISHED.value
_NO_SHOW = TicketState.NO_SHOW.value
_TRANSFERRED = TicketState.TRANSFERRED.value

_p_day, _p_now, _p_hall = bindparam("day"), bindparam("now"), bindparam("in_hall")

# -- the hall now: statements built once ---------------------------------------------------

_HEAD = select(func.coalesce(func.max(R.c.revision), 0))
_REFERENCE = select(R.c.kind, R.c.payload).where(
    R.c.kind.in_((ReferenceKind.WINDOW.value, ReferenceKind.BUSINESS_TYPE.value,
                  ReferenceKind.SUPERVISION.value)), R.c.deleted.is_(False))
_WINDOWS = select(W.c.number, W.c.paused, W.c.pause_reason, W.c.pause_note, W.c.pause_until, W.c.paused_at)
# Who is logged in at each window: a clerk's live session on a workstation enrolled for it
# (the same rule as the queue's: only such a clerk may call there). The latest login wins.
_CLERKS = (select(D.c.window, U.c.display_name, S.c.created_at)
           .select_from(D.join(S, S.c.device_id == D.c.id).join(U, U.c.id == S.c.account_id))
           .where(D.c.kind == DeviceKind.WORKSTATION.value, D.c.revoked.is_(False), D.c.window.is_not(None),
                  S.c.ended_at.is_(None), S.c.expires_at > _p_now, U.c.role == Role.CLERK.value,
                  U.c.active.is_(True))
           .order_by(S.c.created_at))
_AT_COUNTERS = select(T.c.window, T.c.number, T.c.called_at, T.c.served_at).where(
    T.c.hall == _p_hall, T.c.service_date == _p_day, T.c.state.in_(_ACTIVE), T.c.window.is_not(None))
# Per window today: parked now, finished today (one pass over the day's window index range).
_PER_WINDOW = select(
    T.c.window, T.c.state, func.count()).where(
    T.c.hall == _p_hall, T.c.service_date == _p_day, T.c.state.in_((_PARKED, _FINISHED)), T.c.window.is_not(None)
).group_by(T.c.window, T.c.state)
# Per business type today: waiting and the oldest arrival among them (index ranges of
# ix_queue_tickets_next), then the day's wait and service averages.
_WAITING_NOW = select(T.c.business_type, func.count(), func.min(T.c.arrived_at)).where(
    T.c.hall == _p_hall, T.c.service_date == _p_day, T.c.state == _WAITING).group_by(T.c.business_type)
_TODAY = select(T.c.business_type, func.avg(T.c.wait_seconds),
                func.count(T.c.wait_seconds)).where(
    T.c.hall == _p_hall, T.c.service_date == _p_day, T.c.wait_seconds.is_not(None)).group_by(T.c.business_type)
_SERVED = select(T.c.business_type, func.avg(T.c.service_seconds), func.count()).where(
    T.c.hall == _p_hall, T.c.service_date == _p_day, T.c.state == _FINISHED).group_by(T.c.business_type)
_LONG_WAITS = select(T.c.number, T.c.business_type, T.c.arrived_at).where(
    T.c.hall == _p_hall, T.c.service_date == _p_day, T.c.state == _WAITING, T.c.arrived_at < bindparam("before")
).order_by(T.c.arrived_at, T.c.id).limit(LONG_WAITS_SHOWN)


@dataclass
class _Reference:
    revision: int
    windows: dict[int, dict[str, Any]] = field(default_factory=dict)
    types: dict[str, dict[str, Any]] = field(default_factory=dict)
    supervision: Supervision = field(default_factory=Supervision)


_reference_cache = _Reference(-1)


def _reference(conn: Connection) -> _Reference:
    """The windows, business types and supervision settings, read again only when the
    reference revision moved (as the queue does)."""
    global _reference_cache
    head = conn.execute(_HEAD).scalar_one()
    current = _reference_cache
    if current.revision != head:
        current = _Reference(head)
        for kind, payload in conn.execute(_REFERENCE).all():
            if kind == ReferenceKind.WINDOW.value:
                current.windows[payload["number"]] = payload
            elif kind == ReferenceKind.BUSINESS_TYPE.value:
                current.types[payload["code"]] = payload
            else:
                current.supervision = Supervision.model_validate(payload)
        current.windows = dict(sorted(current.windows.items()))
        current.types = dict(sorted(current.types.items(), key=lambda kv: (kv[1]["prefix"], kv[0])))
        _reference_cache = current
    return current


def _aware(value: datetime | None) -> datetime | None:
    # func.min over a UTC column comes back as text on SQLite, without the column's type.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _covering(reference: _Reference, number: int, activity: dict[int, wire.WindowActivity]) -> list[int]:
    """AB角: the windows naming `number` their backup that are paused or have nobody
    logged in, while `number` itself is at work (the queue's rule)."""
    if activity.get(number) in (wire.WindowActivity.PAUSED, wire.WindowActivity.CLOSED):
        return []
    return [n for n, config in reference.windows.items()
            if config.get("backup") == number and n != number
            and activity.get(n) in (wire.WindowActivity.PAUSED, wire.WindowActivity.CLOSED)]


def hall_now(conn: Connection, now: datetime, day: date, online: frozenset[int],
             hall: str = DEFAULT_HALL) -> wire.HallNow:
    """One hall (server.halls) as it is at `now`: every window with its clerk and activity, each business
    type's queue and today's averages, and the tickets waiting past the hall's limit.
    `online`: the windows with a workstation on the event stream (server.events).

    A window is `closed` with nobody logged in, `offline` while its clerk is logged in but
    no workstation of it is connected, else `paused`, `serving` or `idle`."""
    every = _reference(conn)
    reference = _Reference(every.revision, {n: c for n, c in every.windows.items() if window_hall(c) == hall},
                           every.types, every.supervision)
    params = {"in_hall": hall, "day": day, "now": now}
    rows = {r.number: r for r in conn.execute(_WINDOWS)}
    clerks = {window: name for window, name, _ in conn.execute(_CLERKS, params)}
    counters = {r.window: r for r in conn.execute(_AT_COUNTERS, params)}
    parked: dict[int, int] = {}
    served: dict[int, int] = {}
    for window, state, count in conn.execute(_PER_WINDOW, params):
        (parked if state == _PARKED else served)[window] = count
    waiting = {bt: (count, _aware(oldest)) for bt, count, oldest in conn.execute(_WAITING_NOW, params)}
    waits = {bt: avg for bt, avg, _ in conn.execute(_TODAY, params)}
    services = {bt: (avg, count) for bt, avg, count in conn.execute(_SERVED, params)}
    limit = reference.supervision.wait_limit_minutes
    long_rows = conn.execute(_LONG_WAITS, {**params, "before": now - timedelta(minutes=limit)}).all()

    activity: dict[int, wire.WindowActivity] = {}
    for number in reference.windows:
        row = rows.get(number)
        if number not in clerks:
            activity[number] = wire.WindowActivity.CLOSED
        elif number not in online:
            activity[number] = wire.WindowActivity.OFFLINE
        elif row is not None and row.paused:
            activity[number] = wire.WindowActivity.PAUSED
        elif number in counters:
            activity[number] = wire.WindowActivity.SERVING
        else:
            activity[number] = wire.WindowActivity.IDLE

    windows = []
    for number, config in reference.windows.items():
        row, at_counter = rows.get(number), counters.get(number)
        pause = None
        since = None
        if row is not None and row.paused:
            pause = PauseInfo(reason=PauseReason(row.pause_reason) if row.pause_reason else PauseReason.OTHER,
                              note=row.pause_note or "", until=_aware(row.pause_until),
                              since=_aware(row.paused_at))
            since = pause.since
        ticket_number = None
        if at_counter is not None:
            ticket_number = at_counter.number
            since = since or _aware(at_counter.served_at or at_counter.called_at)
        windows.append(wire.WindowNow(
            number=number, name=config["name"], business_types=list(config["business_types"]),
            activity=activity[number], clerk_name=clerks.get(number), ticket_number=ticket_number,
            since=since, pause=pause, parked=parked.get(number, 0), served_today=served.get(number, 0),
            backup=config.get("backup"), covering=_covering(reference, number, activity)))

    open_windows = [w for w in windows if _can_call(w)]
    types = []
    for code, config in reference.types.items():
        count, oldest = waiting.get(code, (0, None))
        service_avg, served_count = services.get(code, (None, 0))
        types.append(wire.BusinessTypeNow(
            code=code, name=config["name"], waiting=count,
            longest_wait_seconds=None if oldest is None else max(0, int((now - oldest).total_seconds())),
            average_wait_seconds=_float(waits.get(code)), average_service_seconds=_float(service_avg),
            served_today=served_count,
            windows_open=sum(1 for w in open_windows if code in w.business_types)))
    names = {code: t["name"] for code, t in reference.types.items()}
    long_waits = [wire.LongWait(number=number, business_type=names.get(bt, bt),
                                waited_seconds=int((now - _aware(arrived)).total_seconds()))
                  for number, bt, arrived in long_rows]
    return wire.HallNow(at=now, service_date=day, wait_limit_minutes=limit, windows=windows,
                        business_types=types, long_waits=long_waits)


def _can_call(window: wire.WindowNow) -> bool:
    """A window that can take tickets now: a clerk logged in and not paused. A window
    whose workstation dropped off the stream still counts: its clerk is still logged in
    and most likely back within seconds."""
    return window.activity in (wire.WindowActivity.SERVING, wire.WindowActivity.IDLE,
                               wire.WindowActivity.OFFLINE)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# -- the load advice ----------------------------------------------------------------------


def advice(hall: wire.HallNow, threshold_minutes: float = load.DEFAULT_THRESHOLD_MINUTES) -> wire.LoadAdvice:
    """动态调整 for the hall as `hall_now` read it: see workstation.domain.load."""
    types = [load.TypeLoad(code=t.code, name=t.name, waiting=t.waiting,
                           service_seconds=t.average_service_seconds) for t in hall.business_types]
    windows = [load.WindowLoad(number=w.number, name=w.name, business_types=tuple(w.business_types),
                               open=_can_call(w)) for w in hall.windows]
    found, note = load.advise(types, windows, threshold_minutes)
    return wire.LoadAdvice(at=hall.at, note=note, advice=[wire.Advice(
        business_type=a.business_type, business_type_name=a.business_type_name, window=a.window,
        window_name=a.window_name, wait_now_minutes=round(a.wait_now_minutes, 1),
        wait_after_minutes=round(a.wait_after_minutes, 1), waiting=a.waiting,
        average_service_seconds=round(a.service_seconds, 1), windows_now=a.windows_now,
        window_wait_now_minutes=round(a.window_wait_now_minutes, 1),
        window_wait_after_minutes=round(a.window_wait_after_minutes, 1), reasoning=a.reasoning)
        for a in found])


# -- statistics ---------------------------------------------------------------------------


def check_days(first: date, last: date) -> None:
    """ValueError for a range of days in the wrong order or outside FIRST_DAY…LAST_DAY."""
    if last < first:
        raise ValueError("the last day is before the first")
    if first < FIRST_DAY or last > LAST_DAY:
        raise ValueError(f"days from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()} only")


def check_range(first: date, last: date) -> None:
    """ValueError for a range the statistics refuse (the endpoints answer 422)."""
    check_days(first, last)
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ValueError(f"statistics cover at most {MAX_RANGE_DAYS} days at a time")


def p90(lists: list[list[int]]) -> float | None:
    """The 90th percentile by nearest rank of the values of several sorted lists together:
    the smallest value that at least 90 % of the values do not exceed (a time that really
    occurred). Exact, without merging: the answer lies between the lists' own 90th
    percentiles, and a binary search over the seconds in between counts, per probe, the
    values not above it with one bisection per list (a month is some 22 lists)."""
    lists = [values for values in lists if values]
    total = sum(map(len, lists))
    if not total:
        return None
    rank = math.ceil(P90 * total)
    if len(lists) == 1:
        return float(lists[0][rank - 1])
    own = [values[math.ceil(P90 * len(values)) - 1] for values in lists]
    low, high = min(own), max(own)
    while low < high:
        middle = (low + high) // 2
        if sum(bisect_right(values, middle) for values in lists) >= rank:
            high = middle
        else:
            low = middle + 1
    return float(low)


_GROUPINGS = ("total", "type", "window", "clerk")
_NATIVE_LITTLE = sys.byteorder == "little"


def _pack(values: list[int]) -> bytes:
    packed = array("i", values)
    if not _NATIVE_LITTLE:
        packed.byteswap()
    return packed.tobytes()


def _unpack(data: bytes) -> list[int]:
    values = array("i")
    values.frombytes(data)
    if not _NATIVE_LITTLE:
        values.byteswap()
    return values.tolist()


class _Part:
    """One group's figures on one day (a statistics_days row): counts, sums, and the
    sorted measured seconds."""

    __slots__ = ("issued", "served", "no_shows", "transfers", "wait_sum", "service_sum", "waits", "services")

    def __init__(self, issued: int = 0, served: int = 0, no_shows: int = 0, transfers: int = 0,
                 wait_sum: int = 0, service_sum: int = 0, waits: list[int] | None = None,
                 services: list[int] | None = None) -> None:
        self.issued, self.served, self.no_shows, self.transfers = issued, served, no_shows, transfers
        self.wait_sum, self.service_sum = wait_sum, service_sum
        self.waits: list[int] = waits if waits is not None else []
        self.services: list[int] = services if services is not None else []


# A day: grouping → key → its part ('' is the total's key; a window's key is its number).
_Day = dict[str, dict[Any, _Part]]


class _Group:
    """One grouping's figures over the range: the days' parts summed, their sorted
    seconds kept side by side for p90."""

    __slots__ = ("issued", "served", "no_shows", "transfers", "wait_sum", "wait_n", "service_sum", "service_n",
                 "waits", "services")

    def __init__(self) -> None:
        self.issued = self.served = self.no_shows = self.transfers = 0
        self.wait_sum = self.wait_n = self.service_sum = self.service_n = 0
        self.waits: list[list[int]] = []
        self.services: list[list[int]] = []

    def add(self, part: _Part) -> None:
        self.issued += part.issued
        self.served += part.served
        self.no_shows += part.no_shows
        self.transfers += part.transfers
        self.wait_sum += part.wait_sum
        self.wait_n += len(part.waits)
        self.service_sum += part.service_sum
        self.service_n += len(part.services)
        self.waits.append(part.waits)
        self.services.append(part.services)

    def figures(self, key: str, name: str) -> wire.GroupFigures:
        return wire.GroupFigures(
            key=key, name=name, issued=self.issued, served=self.served, no_shows=self.no_shows,
            transfers=self.transfers,
            wait_average_seconds=self.wait_sum / self.wait_n if self.wait_n else None,
            wait_p90_seconds=p90(self.waits),
            service_average_seconds=self.service_sum / self.service_n if self.service_n else None,
            service_p90_seconds=p90(self.services))


def _range_bounds(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    return (datetime.combine(first, time(), zone).astimezone(UTC),
            datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC))


# The tickets of the days not kept (today, and a past day first asked): one pass over the
# range in ix_queue_tickets_statistics (covering: no table row is read, and the rows come
# in the GROUP BY's order, so nothing is sorted), per combination of day, type, window and
# clerk the counts, sums, and the measured seconds as one aggregate. Plain SQL returns
# bare tuples ("window" is quoted: a reserved word on PostgreSQL).
_STATISTICS_SQL = """
SELECT service_date, business_type, "window", clerk,
       sum(CASE WHEN transferred_from IS NULL THEN 1 ELSE 0 END),
       sum(CASE WHEN state = 'finished' THEN 1 ELSE 0 END),
       sum(CASE WHEN state = 'no_show' THEN 1 ELSE 0 END),
       sum(CASE WHEN state = 'transferred' THEN 1 ELSE 0 END),
       sum(wait_seconds), sum(service_seconds),
       {waits}, {services}
FROM queue_tickets
WHERE service_date >= :first AND service_date <= :last
GROUP BY service_date, business_type, "window", clerk"""
_RANGE = (bindparam("first", type_=Date), bindparam("last", type_=Date))
_STATISTICS = {
    "sqlite": text(_STATISTICS_SQL.format(waits="group_concat(wait_seconds)",
                                          services="group_concat(service_seconds)")).bindparams(*_RANGE),
    "postgresql": text(_STATISTICS_SQL.format(
        waits="array_agg(wait_seconds) FILTER (WHERE wait_seconds IS NOT NULL)",
        services="array_agg(service_seconds) FILTER (WHERE service_seconds IS NOT NULL)")).bindparams(*_RANGE),
}
SD = StatisticsDay.__table__
SS = StatisticsStamp.__table__
_KEPT = select(SD.c.service_date, SD.c.grouping, SD.c.key, SD.c.generation, SD.c.issued, SD.c.served,
               SD.c.no_shows, SD.c.transfers, SD.c.wait_sum, SD.c.service_sum, SD.c.waits, SD.c.services
               ).where(SD.c.service_date >= bindparam("first"), SD.c.service_date <= bindparam("last"))
_STAMPS = select(SS.c.service_date, SS.c.generation).where(
    SS.c.service_date >= bindparam("first"), SS.c.service_date <= bindparam("last"))


def _seconds(aggregate: str | list[int] | None) -> list[int]:
    if not aggregate:
        return []
    if isinstance(aggregate, str):  # SQLite's group_concat
        return list(map(int, aggregate.split(",")))
    return list(aggregate)


def _count_days(conn: Connection, first: date, last: date) -> dict[date, _Day]:
    """The days first…last counted from their tickets (a day without any: absent). A
    record counts for the window and the clerk that called it (a record nobody called
    counts for none), and for its own business type."""
    statement = _STATISTICS["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    days: dict[date, _Day] = {}
    for (day, bt, window, clerk, issued, served, no_shows, transfers, wait_sum, service_sum,
         waits, services) in conn.execute(statement, {"first": first, "last": last}):
        if isinstance(day, str):
            day = date.fromisoformat(day)
        figures = days.get(day)
        if figures is None:
            figures = days[day] = {grouping: {} for grouping in _GROUPINGS}
        wait_values, service_values = _seconds(waits), _seconds(services)
        keys = [("total", ""), ("type", bt)]
        if window is not None:
            keys.append(("window", window))
        if clerk is not None:
            keys.append(("clerk", clerk))
        for grouping, key in keys:
            part = figures[grouping].get(key)
            if part is None:
                part = figures[grouping][key] = _Part()
            part.issued += issued
            part.served += served
            part.no_shows += no_shows
            part.transfers += transfers
            part.wait_sum += wait_sum or 0
            part.service_sum += service_sum or 0
            part.waits.extend(wait_values)
            part.services.extend(service_values)
    for figures in days.values():
        for parts in figures.values():
            for part in parts.values():
                part.waits.sort()
                part.services.sort()
    return days


def _keepable(day: date, today: date) -> bool:
    """Whether a day's figures may be kept: it has ended for the hall, and it is behind the
    UTC date by more than the trigger's day (migration 0010) with a day to spare for the
    clocks of the server and the database, so every later write to it bumps its stamp."""
    return day < today and day < datetime.now(UTC).date() - timedelta(days=2)


def _keep(conn: Connection, counted: dict[date, tuple[int, _Day | None]]) -> None:
    """Store the figures of days counted from their tickets (with the stamp generation read
    before the tickets were), replacing stale ones. A cache: when another request kept the
    same day meanwhile, or the database is busy, nothing is kept and nothing fails."""
    rows = []
    for day, (generation, figures) in counted.items():
        figures = figures or {"total": {"": _Part()}}
        for grouping, parts in figures.items():
            for key, part in parts.items():
                rows.append({"service_date": day, "grouping": grouping, "key": str(key), "generation": generation,
                             "issued": part.issued, "served": part.served, "no_shows": part.no_shows,
                             "transfers": part.transfers, "wait_sum": part.wait_sum,
                             "service_sum": part.service_sum, "waits": _pack(part.waits),
                             "services": _pack(part.services)})
    if not rows:
        return
    days = list(counted)
    try:
        if conn.get_execution_options().get("hall_readonly"):
            # The caller reads (on SQLite without the write lock): write on a connection of
            # our own, committed at once.
            with conn.engine.execution_options(hall_readonly=False).begin() as writer:
                writer.execute(SD.delete().where(SD.c.service_date.in_(days)))
                writer.execute(SD.insert(), rows)
        else:
            with conn.begin_nested():
                conn.execute(SD.delete().where(SD.c.service_date.in_(days)))
                conn.execute(SD.insert(), rows)
    except DBAPIError as exc:
        log.info("statistics of %d day(s) not kept this time: %s", len(days), exc.orig)


def _days(conn: Connection, first: date, last: date, today: date) -> dict[date, _Day]:
    """The figures of each day first…last that had tickets: kept days as kept, unless a
    later write made them stale; the others counted from their tickets, and kept when the
    day may be (_keepable)."""
    params = {"first": first, "last": last}
    # The stamps before the kept figures and the tickets: a write committed in between
    # leaves a newer stamp, so at worst a day is counted again, never kept stale.
    stamps = dict(conn.execute(_STAMPS, params).all())
    kept: dict[date, _Day] = {}
    for (day, grouping, key, generation, issued, served, no_shows, transfers, wait_sum, service_sum,
         waits, services) in conn.execute(_KEPT, params):
        if generation != stamps.get(day, 0):
            continue
        figures = kept.get(day)
        if figures is None:
            figures = kept[day] = {grouping: {} for grouping in _GROUPINGS}
        figures[grouping][int(key) if grouping == "window" else key] = _Part(
            issued, served, no_shows, transfers, wait_sum, service_sum, _unpack(waits), _unpack(services))
    missing = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    missing = [day for day in missing if day not in kept]
    if missing:
        counted = _count_days(conn, missing[0], missing[-1])
        keep = {day: (stamps.get(day, 0), counted.get(day)) for day in missing if _keepable(day, today)}
        _keep(conn, keep)
        for day in missing:
            if day in counted:
                kept[day] = counted[day]
    # A kept day without tickets (a weekend) has no business type: left out, as uncounted.
    return {day: figures for day, figures in kept.items() if figures["type"]}


def statistics(conn: Connection, first: date, last: date, zone: tzinfo, today: date) -> wire.Statistics:
    """The figures of the service days first…last (hall time, inclusive): tickets issued
    (records not made by a transfer), served (finished), no-shows, transfers, and the
    average and 90th percentile of the wait (arrival or transfer to the first call) and
    of the service (start to finish or transfer), by business type, window, clerk and day;
    and the ratings given on those days. A record counts for the window and the clerk that
    called it (a record nobody called counts for none), and for its own business type.

    A closed day is counted from its tickets once, when first asked, and kept
    (statistics_days); a later write to its tickets makes it stale (statistics_stamps).
    Today is always counted live. Every figure is exact: the kept days hold their sorted
    seconds, not histograms."""
    check_range(first, last)
    reference = _reference(conn)
    totals = _Group()
    by_type: dict[str, _Group] = defaultdict(_Group)
    by_window: dict[int, _Group] = defaultdict(_Group)
    by_clerk: dict[str, _Group] = defaultdict(_Group)
    by_day: dict[date, _Group] = {}
    for day, figures in _days(conn, first, last, today).items():
        total = figures["total"][""]
        totals.add(total)
        by_day[day] = group = _Group()
        group.add(total)
        for target, grouping in ((by_type, "type"), (by_window, "window"), (by_clerk, "clerk")):
            for key, part in figures[grouping].items():
                target[key].add(part)

    names = {code: t["name"] for code, t in reference.types.items()}
    windows = {n: w["name"] for n, w in reference.windows.items()}
    clerks = dict(conn.execute(select(U.c.username, U.c.display_name).where(
        U.c.username.in_(list(by_clerk)))).all()) if by_clerk else {}
    return wire.Statistics(
        first=first, last=last, totals=totals.figures("total", "合计"),
        by_business_type=[by_type[k].figures(k, names.get(k, k)) for k in sorted(
            by_type, key=lambda k: (names.get(k) is None, reference.types.get(k, {}).get("prefix", ""), k))],
        by_window=[by_window[k].figures(str(k), windows.get(k, f"{k}号窗口")) for k in sorted(by_window)],
        by_clerk=[by_clerk[k].figures(k, clerks.get(k, k)) for k in sorted(by_clerk)],
        by_day=[by_day[k].figures(str(k), str(k)) for k in sorted(by_day)],
        ratings=ratings(conn, first, last, zone, today), cases=case_figures(conn, first, last, zone))


def case_figures(conn: Connection, first: date, last: date, zone: tzinfo) -> wire.CaseFigures:
    """The cases decided on the days first…last (hall time): all, helped (帮办), 一件事 items."""
    start, end = _range_bounds(first, last, zone)
    C = Case.__table__
    decided, helped, bundled = conn.execute(
        select(func.count(), func.count(C.c.helper_name), func.count(C.c.bundle_number))
        .where(C.c.accepted_at >= start, C.c.accepted_at < end)).one()
    return wire.CaseFigures(decided=decided, helped=helped, bundle_items=bundled)


def ratings(conn: Connection, first: date, last: date, zone: tzinfo, today: date) -> wire.RatingFigures:
    """The ratings given on the days first…last (a system default left out where the
    applicant's own rating of the case arrived too, as in the export), and the follow-ups
    of the bad ones: still open, and of those past their due day."""
    start, end = _range_bounds(first, last, zone)
    Rt = Rating.__table__
    own = Rt.alias("own")
    superseded = and_(Rt.c.channel == int(Channel.SYSTEM_DEFAULT),
                      exists().where(own.c.case_number == Rt.c.case_number,
                                     own.c.channel != int(Channel.SYSTEM_DEFAULT)))
    in_range = (Rt.c.rated_at >= start, Rt.c.rated_at < end)
    levels = dict.fromkeys(range(1, 6), 0)
    for level, count in conn.execute(select(Rt.c.level, func.count()).where(*in_range, ~superseded)
                                     .group_by(Rt.c.level)):
        levels[int(level)] = levels.get(int(level), 0) + count
    F = FollowUp.__table__
    open_, overdue = 0, 0
    for state, due_on in conn.execute(
            select(F.c.state, F.c.due_on).join(Rt, Rt.c.record_uuid == F.c.rating_uuid)
            .where(*in_range, F.c.state != FollowUpState.CLOSED.value)):
        open_ += 1
        overdue += is_overdue(FollowUpState(state), due_on, today)
    total = sum(levels.values())
    bad = levels.get(1, 0) + levels.get(2, 0)
    return wire.RatingFigures(total=total, levels=levels, bad=bad, bad_rate=bad / total if total else None,
                              follow_ups_open=open_, follow_ups_overdue=overdue)


# -- the export ---------------------------------------------------------------------------

COLUMNS = ("分组", "名称", "取号", "办结", "过号", "转移", "平均等候(分钟)", "P90等候(分钟)",
           "平均办理(分钟)", "P90办理(分钟)")
SHEETS = (("按业务类型", "by_business_type"), ("按窗口", "by_window"), ("按人员", "by_clerk"),
          ("按日", "by_day"))


def _minutes(seconds: float | None) -> float | str:
    return "" if seconds is None else round(seconds / 60, 1)


def _row(figures: wire.GroupFigures) -> list[Any]:
    return [figures.key, figures.name, figures.issued, figures.served, figures.no_shows, figures.transfers,
            _minutes(figures.wait_average_seconds), _minutes(figures.wait_p90_seconds),
            _minutes(figures.service_average_seconds), _minutes(figures.service_p90_seconds)]


def _rating_rows(r: wire.RatingFigures) -> list[list[Any]]:
    rate = "" if r.bad_rate is None else f"{r.bad_rate:.1%}"
    return [["评价总数", r.total], *[[f"{level} 级", r.levels.get(level, 0)] for level in range(5, 0, -1)],
            ["差评 (1–2 级)", r.bad], ["差评率", rate], ["回访未办结", r.follow_ups_open],
            ["回访逾期", r.follow_ups_overdue]]


def render(stats: wire.Statistics, fmt: wire.ExportFormat) -> bytes:
    """The statistics as the hall's monthly report file. XLSX: one sheet for the totals
    and the ratings, one per grouping. CSV (UTF-8 with a byte order mark, so spreadsheet
    programs read the Chinese right): the groupings one after another, the first column
    naming each."""
    period = f"{stats.first.isoformat()} 至 {stats.last.isoformat()}"
    if fmt is wire.ExportFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["统计期间", period])
        writer.writerow(["表", *COLUMNS])
        writer.writerow(["合计", *_row(stats.totals)])
        for title, attribute in SHEETS:
            for figures in getattr(stats, attribute):
                writer.writerow([title, *_row(figures)])
        writer.writerow([])
        for row in _rating_rows(stats.ratings):
            writer.writerow(["好差评", *row])
        return out.getvalue().encode("utf-8-sig")

    from openpyxl import Workbook  # only the export needs it

    book = Workbook()
    summary = book.active
    summary.title = "合计"
    summary.append(["统计期间", period])
    summary.append(list(COLUMNS))
    summary.append(_row(stats.totals))
    summary.append([])
    summary.append(["好差评"])
    for row in _rating_rows(stats.ratings):
        summary.append(row)
    for title, attribute in SHEETS:
        sheet = book.create_sheet(title)
        sheet.append(list(COLUMNS))
        for figures in getattr(stats, attribute):
            sheet.append(_row(figures))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
