"""Ratings (好差评) on the hall server: `case` and `rating` records indexed as they arrive,
a follow-up task opened for every bad rating, the job that gives 满意 (channel "system
default") to cases left unrated for the configured working days, and the export in the
national field set.

Working days are counted on the official calendar (chinesecalendar plus the years the
hall publishes as `calendar` reference data). When the year needed is unknown nothing is
guessed: the default rating waits, and a task's due day stays empty until the job finds
the calendar published."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, aliased

from server import audit, records, reference
from server.auth import Principal
from server.db import Database, database_trouble
from server.events import EventBus
from server.models import FollowUp, FollowUpStep, RatedCase, Rating, Record
from server.monitoring import check_days
from workstation.domain.identity import mask_name
from workstation.domain.queue import DEFAULT_TIMEZONE, hall_zone
from workstation.domain.rating import (
    OPEN_STATES,
    RECORD_KIND,
    SYSTEM_DEFAULT_ANSWER,
    Channel,
    FollowUpAction,
    FollowUpState,
    allowed_actions,
    default_rating_due,
    follow_up,
    is_overdue,
)
from workstation.domain.roles import Role
from workstation.domain.workdays import CalendarUnknown, WorkCalendar
from workstation.protocol import ratings as wire
from workstation.protocol.records import check_time
from workstation.protocol.reference import PublishedCalendar, ReferenceKind

log = logging.getLogger(__name__)

CASE_KIND = "case"  # workstation.app.guide.CASE_KIND
SUPERVISING = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Default ratings get a UUID derived from the 办件编号: a case can be given one only once,
# however many jobs run, on however many servers over the same database.
DEFAULT_RATING_NAMESPACE = uuid.UUID("6f1d2c3e-5b0a-4e8f-9c47-1d2b3a4c5e6f")
SYSTEM_ACTOR = ("system", "")  # the opening step: no person did it
MAX_EXPORT_DAYS = 366


@dataclass(frozen=True)
class RatingSettings:
    default_days: int = 5  # working days after which an unrated case gets 满意 (system default)
    follow_up_days: int = 5  # working days a bad rating's follow-up has until it is due
    job_interval: float = 3600.0  # seconds between runs of the default-rating job; 0: never
    timezone: tzinfo = field(default_factory=lambda: hall_zone(
        os.environ.get("COUNTER_HALL_TIMEZONE", DEFAULT_TIMEZONE)))

    def today(self, now: datetime | None = None) -> date:
        return (now or datetime.now(UTC)).astimezone(self.timezone).date()


# The index hooks run inside the records upload and see only (session, record); one hall
# server runs one app per process, whose ratings router sets these.
_settings = RatingSettings()


def configure(settings: RatingSettings) -> None:
    global _settings
    _settings = settings


def hall_calendar(session: Session) -> WorkCalendar:
    """The official working-day calendar with the years the hall published."""
    published = [PublishedCalendar.model_validate(v).to_domain()
                 for v in reference.current(session, ReferenceKind.CALENDAR)]
    return WorkCalendar.official(published)


# ---------------------------------------------------------------------------------------
# Indexing what arrives
# ---------------------------------------------------------------------------------------


@records.indexer(CASE_KIND)
def index_case(session: Session, row: Record, payload: dict[str, Any]) -> None:
    """A new `case` record: remembered by its 办件编号 and acceptance time."""
    try:
        number = str(payload["case_number"])
        accepted = check_time(datetime.fromisoformat(payload["decided_at"]))  # ValueError: not a hall's
        if accepted.tzinfo is None:
            accepted = accepted.replace(tzinfo=UTC)
    except (KeyError, TypeError, ValueError):
        log.warning("case record %s is not indexed for ratings: no case number or decision time", row.uuid)
        return
    if len(number) > 32 or session.get(RatedCase, number) is not None:
        log.warning("case record %s is not indexed for ratings: case number %s taken or too long",
                    row.uuid, number)
        return
    session.add(RatedCase(case_number=number, record_uuid=row.uuid, device_id=row.device_id,
                          accepted_at=accepted))


@records.indexer(RECORD_KIND, wire.RatingRecord)
def index_rating(session: Session, row: Record, rating: wire.RatingRecord) -> None:
    """A new `rating` record: indexed for the report; a bad one opens a follow-up task."""
    session.add(Rating(record_uuid=row.uuid, case_number=rating.case_number, rated_at=rating.rated_at,
                       level=int(rating.level), channel=int(rating.channel)))
    if rating.bad and rating.channel is not Channel.SYSTEM_DEFAULT:
        _open_follow_up(session, row, rating)


def _open_follow_up(session: Session, row: Record, rating: wire.RatingRecord) -> None:
    now = datetime.now(UTC)
    task = FollowUp(rating_uuid=row.uuid, case_number=rating.case_number, state=FollowUpState.OPEN.value,
                    opened_at=rating.rated_at, due_on=_due(hall_calendar(session), rating.rated_at),
                    changed_at=now)
    session.add(task)
    session.flush()
    username, name = SYSTEM_ACTOR
    session.add(FollowUpStep(follow_up_id=task.id, at=now, actor_username=username, actor_name=name,
                             action=FollowUpAction.OPEN.value, from_state=None,
                             to_state=FollowUpState.OPEN.value, note=""))


def _due(calendar: WorkCalendar, opened_at: datetime) -> date | None:
    """The day a follow-up must be closed by: the configured working days after the day
    of the rating."""
    try:
        return calendar.add_working_days(_settings.today(opened_at), _settings.follow_up_days)
    except CalendarUnknown as exc:
        log.warning("a follow-up's due day is not known yet: %s", exc)
        return None


# ---------------------------------------------------------------------------------------
# The default-rating job
# ---------------------------------------------------------------------------------------


def default_rating_uuid(case_number: str) -> uuid.UUID:
    return uuid.uuid5(DEFAULT_RATING_NAMESPACE, case_number)


def _retrying(db: Database, work: Callable[[Session], int]) -> int:
    for attempt in range(3):
        try:
            with db.session() as session:
                return work(session)
        except IntegrityError:
            # Another run (or an upload) committed the same rows first; the next try sees them.
            if attempt == 2:
                raise
    return 0


def apply_default_ratings(db: Database, settings: RatingSettings, now: datetime | None = None) -> int:
    """Give 满意 with channel "system default" to every case whose configured working days
    after acceptance have all ended without a rating; returns how many. Safe to run any
    number of times, also at once: each case gets its default rating once."""
    now = now or datetime.now(UTC)
    return _retrying(db, lambda session: _apply_defaults(session, settings, now))


def _apply_defaults(session: Session, settings: RatingSettings, now: datetime) -> int:
    calendar = hall_calendar(session)
    today = settings.today(now)
    rated = exists().where(Rating.case_number == RatedCase.case_number)
    # N working days take at least N calendar days: anything younger cannot be due.
    horizon = now - timedelta(days=settings.default_days)
    candidates = session.execute(
        select(RatedCase, Record.payload)
        .join(Record, Record.uuid == RatedCase.record_uuid)
        .where(RatedCase.accepted_at <= horizon, ~rated)
        .order_by(RatedCase.accepted_at)
    ).all()
    given = 0
    unknown: set[int] = set()
    for case, payload in candidates:
        try:
            if not default_rating_due(settings.today(case.accepted_at), today, settings.default_days, calendar):
                continue
        except CalendarUnknown as exc:
            if exc.year not in unknown:
                unknown.add(exc.year)
                log.warning("default ratings wait for the calendar: %s", exc)
            continue
        try:
            rating = wire.RatingRecord.from_case(payload, SYSTEM_DEFAULT_ANSWER, Channel.SYSTEM_DEFAULT, now)
        except (KeyError, TypeError, ValueError) as exc:  # ValidationError is a ValueError
            log.warning("case %s cannot be given a default rating: %s", case.case_number, exc)
            continue
        body = rating.model_dump(mode="json")
        row = Record(uuid=default_rating_uuid(case.case_number), kind=RECORD_KIND, device_id=case.device_id,
                     created_at=now, received_at=now,
                     content_hash=records.content_hash(RECORD_KIND, now, body), payload=body)
        session.add(row)
        session.flush()
        index_rating(session, row, rating)  # already a RatingRecord
        given += 1
    return given


def fill_due_days(db: Database) -> int:
    """Give open tasks whose calendar year was unknown their due day, once it is published."""

    def work(session: Session) -> int:
        tasks = session.execute(select(FollowUp).where(FollowUp.due_on.is_(None),
                                                       FollowUp.state != FollowUpState.CLOSED.value)).scalars().all()
        if not tasks:
            return 0
        calendar = hall_calendar(session)
        filled = 0
        for task in tasks:
            task.due_on = _due(calendar, task.opened_at)
            filled += task.due_on is not None
        return filled

    return _retrying(db, work)


def run_job(db: Database, bus: EventBus | None, settings: RatingSettings) -> int:
    """One run of the scheduled job: default ratings, then missing due days."""
    given = apply_default_ratings(db, settings)
    filled = fill_due_days(db)
    if given:
        log.info("gave %d default ratings", given)
    if bus is not None and (given or filled):
        bus.publish(wire.RatingEventType.DEFAULTS, {"rated": given, "due_days_filled": filled}, SUPERVISING)
    return given


class RatingJob:
    """Runs `run_job` at start and then every `settings.job_interval` seconds, on a worker
    thread, for as long as the app's event loop lives."""

    def __init__(self, db: Database, bus: EventBus, settings: RatingSettings) -> None:
        self.db, self.bus, self.settings = db, bus, settings
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        if self.settings.job_interval > 0:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await asyncio.to_thread(run_job, self.db, self.bus, self.settings)
            except (OperationalError, InterfaceError) as exc:  # the database is down: said once, tried again
                log.warning("the default-rating job waits for the database: %s", database_trouble(exc))
            except Exception:  # the next run tries again; the server keeps serving
                log.exception("the default-rating job failed")
            await asyncio.sleep(self.settings.job_interval)


# ---------------------------------------------------------------------------------------
# Follow-ups for supervisors
# ---------------------------------------------------------------------------------------


def _summary(task: FollowUp, rating: wire.RatingRecord, today: date) -> dict[str, Any]:
    state = FollowUpState(task.state)
    return dict(id=task.id, case_number=task.case_number, item_name=rating.item_name, level=rating.level,
                rated_at=rating.rated_at, clerk_name=rating.clerk.name, window=rating.window, state=state,
                opened_at=task.opened_at, due_on=task.due_on, overdue=is_overdue(state, task.due_on, today))


def follow_ups(session: Session, view: wire.FollowUpFilter, today: date,
               limit: int = 500) -> list[wire.FollowUpSummary]:
    """The tasks of a view: overdue first, then by due day; closed ones latest first."""
    query = select(FollowUp, Record.payload).join(Record, Record.uuid == FollowUp.rating_uuid)
    open_states = [s.value for s in OPEN_STATES]
    if view is wire.FollowUpFilter.OPEN:
        query = query.where(FollowUp.state.in_(open_states))
    elif view is wire.FollowUpFilter.OVERDUE:
        query = query.where(FollowUp.state.in_(open_states), FollowUp.due_on < today)
    elif view is wire.FollowUpFilter.CLOSED:
        query = query.where(FollowUp.state == FollowUpState.CLOSED.value)
    rows = session.execute(query.order_by(FollowUp.changed_at.desc()).limit(limit)).all()
    tasks = [wire.FollowUpSummary(**_summary(task, wire.RatingRecord.model_validate(payload), today))
             for task, payload in rows]
    if view is wire.FollowUpFilter.CLOSED:
        return tasks
    return sorted(tasks, key=lambda t: (not t.overdue, t.state is FollowUpState.CLOSED,
                                        t.due_on or date.max, t.id))


def follow_up_detail(session: Session, task_id: int, today: date) -> wire.FollowUpDetail:
    """One task with its rating, its case and its history; LookupError when unknown."""
    found = session.execute(select(FollowUp, Record.payload).join(Record, Record.uuid == FollowUp.rating_uuid)
                            .where(FollowUp.id == task_id)).one_or_none()
    if found is None:
        raise LookupError(f"no follow-up task {task_id}")
    task, payload = found
    rating = wire.RatingRecord.model_validate(payload)
    case_payload = session.execute(
        select(Record.payload).join(RatedCase, RatedCase.record_uuid == Record.uuid)
        .where(RatedCase.case_number == task.case_number)).scalar_one_or_none()
    steps = session.execute(select(FollowUpStep).where(FollowUpStep.follow_up_id == task.id)
                            .order_by(FollowUpStep.id)).scalars().all()
    return wire.FollowUpDetail(
        **_summary(task, rating, today), rating=rating,
        case=_case_summary(case_payload) if case_payload else None,
        history=[wire.FollowUpStep(at=s.at, actor_username=s.actor_username, actor_name=s.actor_name,
                                   action=FollowUpAction(s.action),
                                   from_state=FollowUpState(s.from_state) if s.from_state else None,
                                   to_state=FollowUpState(s.to_state), note=s.note) for s in steps],
        allowed=list(allowed_actions(FollowUpState(task.state))))


def _case_summary(case: dict[str, Any]) -> wire.CaseSummary | None:
    try:
        item = case["item"]
        promised = case.get("promised_date")
        return wire.CaseSummary(
            case_number=case["case_number"], item_name=item["name"], department_name=item["department"]["name"],
            decision=case["decision"].get("label", case["decision"]["code"]),
            applicant=mask_name((case.get("applicant") or {}).get("name", "")),
            clerk_name=(case.get("clerk") or {}).get("name", ""), window=case.get("window"),
            accepted_at=datetime.fromisoformat(case["decided_at"]),
            promised_date=date.fromisoformat(promised) if promised else None)
    except (KeyError, TypeError, ValueError):
        return None


def act(db: Database, task_id: int, action: FollowUpAction, note: str, caller: Principal,
        bus: EventBus | None = None) -> wire.FollowUpDetail:
    """Move a task on. LookupError: no such task; FollowUpRefused: not from its state,
    or without the note the action needs."""
    now = datetime.now(UTC)
    with db.session() as session:
        task = session.execute(select(FollowUp).where(FollowUp.id == task_id).with_for_update()).scalar_one_or_none()
        if task is None:
            raise LookupError(f"no follow-up task {task_id}")
        before = FollowUpState(task.state)
        after = follow_up(before, action, note)
        session.add(FollowUpStep(follow_up_id=task.id, at=now, actor_username=caller.username or "",
                                 actor_name=caller.display_name or "", action=action.value,
                                 from_state=before.value, to_state=after.value, note=note.strip()))
        task.state, task.changed_at = after.value, now
        audit.append_for(session, caller, f"{caller.role.value if caller.role else 'device'}.follow_up_{action.value}",
                         f"follow-up:{task_id}", {"case_number": task.case_number, "from": before.value,
                                                  "to": after.value})
    if bus is not None:
        bus.publish(wire.RatingEventType.FOLLOW_UP, {"id": task_id, "state": after.value}, SUPERVISING)
    with db.reading() as session:
        return follow_up_detail(session, task_id, _settings.today())


# ---------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------


def export_rows(session: Session, first: date, last: date, zone: tzinfo) -> list[dict[str, Any]]:
    """The ratings given on the days first…last (hall time), as national report rows. A
    system default is left out where the applicant's own rating of the case arrived too."""
    check_days(first, last)
    if (last - first).days >= MAX_EXPORT_DAYS:
        raise ValueError(f"export at most {MAX_EXPORT_DAYS} days at a time")
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(last + timedelta(days=1), time(), zone)
    own = aliased(Rating)
    superseded = and_(Rating.channel == int(Channel.SYSTEM_DEFAULT),
                      exists().where(own.case_number == Rating.case_number,
                                     own.channel != int(Channel.SYSTEM_DEFAULT)))
    rows = session.execute(
        select(Record.payload).join(Rating, Rating.record_uuid == Record.uuid)
        .where(Rating.rated_at >= start, Rating.rated_at < end, ~superseded)
        .order_by(Rating.rated_at, Rating.record_uuid)
    ).scalars().all()
    return [wire.RatingRecord.model_validate(payload).national_row(zone) for payload in rows]

