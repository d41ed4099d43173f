"""Cases (办件) after the counter on the hall server: the queryable index of the `case`
records the windows upload, the `case.step` records that move a case on (applied with
workstation.domain.case's table), and time-limit supervision (电子监察): the deadline scan
that gives every open case its level and tells supervisors when one changes.

Indexing runs inside the records upload (server.records indexers). A step the case no
longer allows is refused (records.Refused: 409 for that record, naming who did what
when); a step whose case has not arrived yet waits (applied false, from_state empty) and
is applied, in the order the steps were taken, when the case arrives (or by the next scan,
should the two uploads have crossed). A waiting step that turns out not to be allowed then
stays unapplied with from_state set to the state that refused it.

The scan computes the day's threshold dates once (domain.case.thresholds) and looks only
at the open cases whose case_deadlines row is due: each row says the first day its case's
level may change, so a day's first scan reads the few thousand cases whose day has come
and a repeat scan reads none. A new case or a step makes its case due at once; a change of
calendar, supervision settings or time zone (case_deadline_basis) looks at every open case. It
runs at start, every `CaseSettings.interval` seconds, and soon after a step or a new case. When the calendar does not know the year it needs, nothing is guessed: the
scan logs and waits for the hall to publish it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import Date, case, delete, func, literal, literal_column, select, text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from server import records, reference
from server.db import Database, database_trouble
from server.events import EventBus
from server.id_hash import id_hash, id_hash_key
from server.models import Case, CaseDeadline, CaseDeadlineBasis, CaseStep, Record
from server.ratings import hall_calendar
from workstation.domain import case_number as case_numbers
from workstation.domain.case import (
    OPEN_STATES,
    STEP_KIND,
    TRANSITIONS,
    CaseFacts,
    CaseState,
    DeadlineLevel,
    Step,
    StepRefused,
    Thresholds,
    Verification,
    allowed_steps,
    deadline_level,
    initial_state,
    next_state,
    thresholds,
)
from workstation.domain.identity import mask_id, mask_name
from workstation.domain.queue import DEFAULT_TIMEZONE, hall_zone, normalise_id_number
from workstation.domain.roles import Role
from workstation.domain.workdays import CalendarUnknown, WorkCalendar
from workstation.protocol import cases as wire
from workstation.protocol.catalogue import TimeLimit
from workstation.protocol.records import check_time
from workstation.protocol.reference import ReferenceKind, Supervision

log = logging.getLogger(__name__)

CASE_KIND = "case"  # workstation.app.guide.CASE_KIND
SUPERVISING = frozenset({Role.SUPERVISOR, Role.ADMIN})
TODAY_FILE_ENV = "COUNTER_SUPERVISION_TODAY_FILE"
OPEN = tuple(s.value for s in OPEN_STATES)
assert set(OPEN) == {"accepted", "in_progress"}, "is_open() and _OPEN_SQL name the open states"


def is_open():
    """The open states as literal SQL (as the partial indexes of migration 0008 had it: a
    planner uses a partial index only where it can see the query implies its condition,
    which bound parameters hide)."""
    return Case.state.in_([literal_column("'accepted'"), literal_column("'in_progress'")])
MAX_LISTED = 1000  # cases on one board answer; the counts always cover every open case
MAX_EVENTS_PER_SCAN = 300  # see publish_levels


def _zone_from_env() -> tzinfo:
    return hall_zone(os.environ.get("COUNTER_HALL_TIMEZONE", DEFAULT_TIMEZONE))


def _today_file_from_env() -> Path | None:
    value = os.environ.get(TODAY_FILE_ENV)
    return Path(value) if value else None


@dataclass(frozen=True)
class CaseSettings:
    """interval: seconds between deadline scans (0: only after changes). today_file: a test
    and drill hook (COUNTER_SUPERVISION_TODAY_FILE): a file holding an ISO date that the
    scan takes as today, read at every scan; absent or empty, the hall's real day."""

    interval: float = 60.0
    timezone: tzinfo = field(default_factory=_zone_from_env)
    today_file: Path | None = field(default_factory=_today_file_from_env)
    id_key: bytes | None = None  # None: the queue's key (server.id_hash), read at first use

    def today(self, now: datetime | None = None) -> date:
        if self.today_file is not None:
            try:
                text = self.today_file.read_text(encoding="utf-8").strip()
            except FileNotFoundError:
                text = ""
            if text:
                return date.fromisoformat(text)
        return (now or datetime.now(UTC)).astimezone(self.timezone).date()


@dataclass
class _Context:
    """What the index hooks (which see only a session and a record) need of the app."""

    settings: CaseSettings = field(default_factory=CaseSettings)
    bus: EventBus | None = None
    poke: Callable[[], None] | None = None  # asks the deadline job for a scan soon
    key: bytes | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def id_key(self) -> bytes:
        with self.lock:
            if self.key is None:
                self.key = self.settings.id_key or id_hash_key()
            return self.key


_context = _Context()


def configure(settings: CaseSettings, bus: EventBus | None, poke: Callable[[], None] | None) -> None:
    global _context
    _context = _Context(settings=settings, bus=bus, poke=poke)


def applicant_hash(id_number: str, key: bytes | None = None) -> str:
    """The keyed hash the index keeps of an applicant's document number: a resident ID
    number normalised (upper-case X) the way the queue does, another number as given."""
    try:
        number = normalise_id_number(id_number)
    except ValueError:
        number = id_number.strip().upper()
    return id_hash(key or _context.id_key(), number)


# ---------------------------------------------------------------------------------------
# Indexing
# ---------------------------------------------------------------------------------------


_calendar_cache: tuple[str, int, WorkCalendar] | None = None
_calendar_lock = threading.Lock()


def calendar(session: Session) -> WorkCalendar:
    """The hall calendar (ratings.hall_calendar), built again only when reference data
    changed: building it costs some 80 ms, more than the whole scan may take."""
    global _calendar_cache
    cached = session.info.get("cases.calendar")
    if cached is not None:
        return cached
    key, revision = str(session.get_bind().url), reference.head(session)
    with _calendar_lock:
        entry = _calendar_cache
    if entry is None or entry[:2] != (key, revision):
        entry = (key, revision, hall_calendar(session))
        with _calendar_lock:
            _calendar_cache = entry
    session.info["cases.calendar"] = entry[2]
    return entry[2]


def _announce(session: Session, case_number: str, state: CaseState, step: Step | None) -> None:
    def publish() -> None:
        ctx = _context
        if ctx.bus is not None:
            ctx.bus.publish(wire.CaseEventType.CHANGED, wire.CaseChangedEvent(
                case_number=case_number, state=state, step=step).model_dump(mode="json"), SUPERVISING)
        if ctx.poke is not None:
            ctx.poke()

    records.after_commit(session, publish)


def _announce_level(session: Session, event: wire.CaseDeadlineEvent) -> None:
    def publish() -> None:
        if _context.bus is not None:
            _context.bus.publish(wire.CaseEventType.DEADLINE, event.model_dump(mode="json"), SUPERVISING)

    records.after_commit(session, publish)


def _aware(text: str) -> datetime:
    moment = check_time(datetime.fromisoformat(text))  # ValueError at the ends of the calendar
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _case_row(session: Session, row: Record, payload: dict[str, Any]) -> Case:
    """A `cases` row from a `case` record's payload (KeyError, TypeError, ValueError when
    it is malformed)."""
    number = case_numbers.canonical(str(payload["case_number"]))
    if not 1 <= len(number) <= 32:
        raise ValueError("the case number is empty or too long")
    item, decision = payload["item"], payload["decision"]
    state = initial_state(str(decision["code"]))
    accepted = _aware(payload["decided_at"])
    promised: date | None = None
    if state in OPEN_STATES:
        day = accepted.astimezone(_context.settings.timezone).date()
        try:
            # Computed here with the hall's calendar as published now, not trusted from the
            # window (whose cached calendar may be older).
            promised = calendar(session).promised_date(day, TimeLimit.model_validate(item["promised_limit"]))
        except CalendarUnknown as exc:
            log.info("case %s: the promised date is the window's, the hall calendar lacks %s",
                     number, exc.year)
            recorded = payload.get("promised_date")
            promised = date.fromisoformat(recorded) if recorded else None
    dues = [date.fromisoformat(d["due"]) for d in decision.get("deficiencies") or []]
    applicant = payload.get("applicant") or {}
    id_number = str(applicant.get("id_number") or "")
    clerk = payload.get("clerk") or {}
    department = item["department"]
    window = payload.get("window")
    bundle = payload.get("bundle") or {}
    bundle_number = case_numbers.canonical(str(bundle["number"]))[:32] if bundle.get("number") else None
    return Case(
        case_number=number, record_uuid=row.uuid, device_id=row.device_id, hall=row.hall,
        item_code=str(item["code"])[:64], item_name=str(item["name"])[:200],
        department_code=str(department.get("code") or "")[:64], department_name=str(department["name"])[:200],
        case_type=str(item.get("case_type") or "")[:16], decision=str(decision["code"])[:32],
        clerk_username=str(clerk.get("username") or "")[:64], clerk_name=str(clerk.get("name") or "")[:100],
        window=int(window) if window is not None else None,
        applicant_masked_name=mask_name(str(applicant.get("name") or ""))[:100],
        applicant_masked_id=mask_id(id_number)[:40],
        applicant_id_hash=applicant_hash(id_number) if id_number else None,
        accepted_at=accepted, promised_date=promised, state=state.value, state_at=accepted,
        result=None, concluded_at=None, delivered_at=None,
        deficiency_due=min(dues) if state in OPEN_STATES and dues else None,
        commitment=Verification.PENDING.value if decision["code"] == "accept_on_commitment" else None,
        level=DeadlineLevel.NONE.value, level_at=None,
        bundle_number=bundle_number,
        bundle_name=(str(bundle.get("name") or "")[:100] or None) if bundle_number else None,
        sub_number=(str(bundle.get("sub_number") or "")[:4] or None) if bundle_number else None,
        helper_name=str((payload.get("helper") or {}).get("name") or "")[:100] or None)


@records.indexer(CASE_KIND)
def index_case(session: Session, row: Record, payload: dict[str, Any]) -> None:
    """A new `case` record: a row of the case index, then any steps that arrived first."""
    try:
        case_row = _case_row(session, row, payload)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # ValidationError is a ValueError
        log.warning("case record %s is kept but not indexed as a case: %s", row.uuid,
                    exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else exc)
        return
    if session.get(Case, case_row.case_number) is not None:
        log.warning("case record %s is kept but not indexed: case number %s is indexed already",
                    row.uuid, case_row.case_number)
        return
    session.add(case_row)
    if case_row.state in OPEN:
        session.add(CaseDeadline(case_number=case_row.case_number, due_on=DUE_NOW))
    session.flush()
    _apply_waiting(session, case_row)
    _announce(session, case_row.case_number, CaseState(case_row.state), None)


# -- steps ------------------------------------------------------------------------------


def _deficiencies(session: Session, case_row: Case) -> dict[str, dict[str, Any]]:
    payload = session.execute(select(Record.payload).where(Record.uuid == case_row.record_uuid)).scalar_one()
    return {str(d["material_id"]): d for d in (payload.get("decision") or {}).get("deficiencies") or []}


def _received(session: Session, number: str) -> set[str]:
    details = session.execute(select(CaseStep.detail).where(
        CaseStep.case_number == number, CaseStep.step == Step.SUPPLEMENT.value, CaseStep.applied)).scalars()
    return {str(d.get("material_id")) for d in details}


def _facts(session: Session, case_row: Case) -> tuple[CaseFacts, dict[str, dict[str, Any]], set[str]]:
    deficiencies = _deficiencies(session, case_row)
    received = _received(session, case_row.case_number)
    commitment = Verification(case_row.commitment) if case_row.commitment else None
    return CaseFacts(CaseState(case_row.state), frozenset(deficiencies) - received, commitment), deficiencies, received


def _hall_clock(moment: datetime, today: date) -> str:
    local = moment.astimezone(_context.settings.timezone)
    return f"{local:%H:%M}" if local.date() == today else f"{local:%Y-%m-%d %H:%M}"


_DONE_WORDS = {CaseState.IN_PROGRESS: "taken in hand", CaseState.CONCLUDED: "concluded",
               CaseState.DELIVERED: "handed over"}


def _refusal(session: Session, case_row: Case, step: wire.CaseStepRecord, why: StepRefused) -> str:
    """The plain words of a refusal: who moved the case to its state, where and when."""
    state = CaseState(case_row.state)
    last = session.execute(
        select(CaseStep).where(CaseStep.case_number == case_row.case_number, CaseStep.applied,
                               CaseStep.to_state == state.value)
        .order_by(CaseStep.at.desc(), CaseStep.id.desc()).limit(1)).scalar_one_or_none()
    today = _context.settings.today()
    if last is not None and state in _DONE_WORDS and state not in TRANSITIONS[step.step]:
        where = f"at window {last.window}" if last.window is not None else "at the hall"
        return (f"case {case_row.case_number} was {_DONE_WORDS[state]} {where} by "
                f"{mask_name(last.actor_name)} at {_hall_clock(last.at, today)}: cannot {step.step.value}")
    return f"case {case_row.case_number}: {why}"


def _step_detail(step: wire.CaseStepRecord) -> dict[str, Any]:
    return {k: v for k, v in step.model_dump(mode="json", include={
        "result", "method", "material_id", "material_name", "outcome", "note"}).items() if v}


def _apply(session: Session, case_row: Case, step: wire.CaseStepRecord, facts: CaseFacts,
           deficiencies: dict[str, dict[str, Any]], received: set[str]) -> CaseState:
    """Apply an allowed step to the case row (StepRefused when it is not allowed)."""
    before = facts.state
    after = next_state(step.step, facts, step.material_id)
    at = step.at if step.at.tzinfo is not None else step.at.replace(tzinfo=UTC)
    if after is not before:
        case_row.state, case_row.state_at = after.value, at
    if step.step is Step.CONCLUDE:
        case_row.result, case_row.concluded_at = step.result.value if step.result else None, at
    elif step.step is Step.DELIVER:
        case_row.delivered_at = at
    elif step.step is Step.VERIFY and step.outcome is not None:
        case_row.commitment = step.outcome.value
    elif step.step is Step.SUPPLEMENT and step.material_id:
        received.add(step.material_id)
        left = [date.fromisoformat(d["due"]) for m, d in deficiencies.items() if m not in received and d.get("due")]
        case_row.deficiency_due = min(left) if left else None
    if after not in OPEN_STATES:
        case_row.deficiency_due = None
        if case_row.level != DeadlineLevel.NONE.value:
            # Off the board at once: the scan looks at open cases only.
            _announce_level(session, wire.CaseDeadlineEvent(
                case_number=case_row.case_number, level=DeadlineLevel.NONE,
                previous=DeadlineLevel(case_row.level), item_name=case_row.item_name, window=case_row.window))
            case_row.level, case_row.level_at = DeadlineLevel.NONE.value, datetime.now(UTC)
    # Its dates or state may have moved its level: looked at on the next scan (none if closed).
    if after in OPEN_STATES:
        session.merge(CaseDeadline(case_number=case_row.case_number, due_on=DUE_NOW))
    else:
        session.execute(delete(CaseDeadline).where(CaseDeadline.case_number == case_row.case_number))
    return after


@records.indexer(STEP_KIND, wire.CaseStepRecord, may_refuse=True)
def index_step(session: Session, row: Record, step: wire.CaseStepRecord) -> None:
    """A new `case.step` record: applied to its case, waiting for it, or refused (409)."""
    number = case_numbers.canonical(step.case_number)
    case_row = session.execute(select(Case).where(Case.case_number == number).with_for_update()
                               ).scalar_one_or_none()
    step_row = CaseStep(record_uuid=row.uuid, case_number=number, step=step.step.value,
                        at=step.at if step.at.tzinfo is not None else step.at.replace(tzinfo=UTC),
                        actor_username=step.actor.username, actor_name=step.actor.name, window=step.window,
                        from_state=None, to_state=None, detail=_step_detail(step), applied=False)
    if case_row is None:
        session.add(step_row)  # waits for its case
        return
    if case_row.hall != row.hall:
        raise records.Refused(f"case {number} is hall {case_row.hall!r}'s: a window of hall {row.hall!r} "
                              "cannot move it on")
    facts, deficiencies, received = _facts(session, case_row)
    try:
        after = _apply(session, case_row, step, facts, deficiencies, received)
    except StepRefused as exc:
        raise records.Refused(_refusal(session, case_row, step, exc)) from None
    step_row.from_state, step_row.to_state, step_row.applied = facts.state.value, after.value, True
    session.add(step_row)
    _announce(session, number, after, step.step)


def _apply_waiting(session: Session, case_row: Case) -> int:
    """Apply the steps that arrived before their case, in the order they were taken."""
    waiting = session.execute(
        select(CaseStep, Record.payload).join(Record, Record.uuid == CaseStep.record_uuid)
        .where(CaseStep.case_number == case_row.case_number, ~CaseStep.applied, CaseStep.from_state.is_(None))
        .order_by(CaseStep.at, CaseStep.id)).all()
    applied = 0
    for step_row, payload in waiting:
        step = wire.CaseStepRecord.model_validate(payload)
        facts, deficiencies, received = _facts(session, case_row)
        try:
            after = _apply(session, case_row, step, facts, deficiencies, received)
        except StepRefused as exc:
            # Acknowledged long ago, so it cannot be answered 409 any more: kept, unapplied,
            # with the state that refused it and the reason, for the case's history.
            step_row.from_state = facts.state.value
            step_row.detail = {**step_row.detail, "refused": _refusal(session, case_row, step, exc)}
            log.warning("waiting step %s of case %s is not applied: %s", step_row.record_uuid,
                        case_row.case_number, exc)
            continue
        step_row.from_state, step_row.to_state, step_row.applied = facts.state.value, after.value, True
        session.flush()
        applied += 1
    return applied


def apply_waiting_steps(db: Database) -> int:
    """Apply waiting steps whose case is now indexed: the case and its step may have been
    uploaded at the same moment by two windows, each transaction blind to the other."""
    with db.session() as session:
        numbers = session.execute(
            select(CaseStep.case_number).join(Case, Case.case_number == CaseStep.case_number)
            .where(~CaseStep.applied, CaseStep.from_state.is_(None)).distinct()).scalars().all()
        applied = 0
        for number in numbers:
            case_row = session.execute(select(Case).where(Case.case_number == number).with_for_update()
                                       ).scalar_one()
            if _apply_waiting(session, case_row):
                applied += 1
                _announce(session, number, CaseState(case_row.state), None)
        return applied


# ---------------------------------------------------------------------------------------
# The deadline scan (电子监察)
# ---------------------------------------------------------------------------------------


def supervision(session: Session) -> Supervision:
    """The hall's supervision settings (reference kind `supervision`); defaults if unset."""
    values = reference.current(session, ReferenceKind.SUPERVISION)
    return Supervision.model_validate(values[0]) if values else Supervision()


DUE_NOW = date(1970, 1, 1)  # a case_deadlines row to look at on the next scan
NEVER = date(9999, 12, 31)  # a case whose level no coming day changes (no dates at all)


@dataclass(frozen=True)
class Rules:
    """What a case's level depends on besides its own dates: the calendar and the
    supervision settings (domain.case.thresholds)."""

    calendar: WorkCalendar
    reminder_days: int
    start_within_days: int


class LevelChange(NamedTuple):
    """A case whose level the scan changed (the event to publish, built only when it is)."""

    case_number: str
    previous: DeadlineLevel
    level: DeadlineLevel
    item_name: str
    window: int | None

    def event(self) -> wire.CaseDeadlineEvent:
        return wire.CaseDeadlineEvent.model_construct(**self._asdict())


class _NextChange:
    """The first day after `today` on which a case's level differs, its facts unchanged.
    The level is a step function of the day (domain.case.deadline_level), rising only on
    these days: the promised date (yellow) and the day after (red), the day a 受理 case's
    start becomes overdue, the day after a 容缺 material's due date, and the first day
    whose remind_until reaches the promised date (reminder). The first of them, in order,
    whose level differs from today's; the working-day ones, and each day's thresholds,
    computed once per date and scan. A date the calendar cannot give (a year not yet
    published) is taken as a change: the case is looked at again then, or tomorrow."""

    def __init__(self, today: date, rules: Rules) -> None:
        self.today, self.rules = today, rules
        self._reminders: dict[date, date] = {}
        self._starts: dict[date, date] = {}
        self._thresholds: dict[date, Thresholds | None] = {}

    def _reminder_from(self, promised: date) -> date:
        found = self._reminders.get(promised)
        if found is None:
            calendar, n = self.rules.calendar, self.rules.reminder_days
            try:
                found = promised
                while calendar.add_working_days(found - timedelta(days=1), n) >= promised:
                    found -= timedelta(days=1)
            except CalendarUnknown:
                found = self.today + timedelta(days=1)
            self._reminders[promised] = found
        return found

    def _start_overdue_from(self, accepted_on: date) -> date:
        found = self._starts.get(accepted_on)
        if found is None:
            calendar, n = self.rules.calendar, self.rules.start_within_days
            try:
                # The (n+1)-th working day from the acceptance day on; overdue the day after.
                last = accepted_on if calendar.is_working_day(accepted_on) else calendar.add_working_days(accepted_on, 1)
                found = calendar.add_working_days(last, n) + timedelta(days=1)
            except CalendarUnknown:
                found = self.today + timedelta(days=1)
            self._starts[accepted_on] = found
        return found

    def _on(self, day: date) -> Thresholds | None:
        if day not in self._thresholds:
            try:
                self._thresholds[day] = thresholds(day, self.rules.calendar, self.rules.reminder_days,
                                                   self.rules.start_within_days)
            except CalendarUnknown:
                self._thresholds[day] = None
        return self._thresholds[day]

    def __call__(self, state: CaseState, promised: date | None, accepted_on: date, deficiency_due: date | None,
                 level: DeadlineLevel) -> date:
        today, one = self.today, timedelta(days=1)
        candidates = set()
        if promised is not None:
            candidates |= {promised, promised + one}
            if self.rules.reminder_days > 0 and promised > today:
                candidates.add(self._reminder_from(promised))
        if state is CaseState.ACCEPTED and self.rules.start_within_days > 0:
            candidates.add(self._start_overdue_from(accepted_on))
        if deficiency_due is not None:
            candidates.add(deficiency_due + one)
        for day in sorted(candidates):
            if day <= today:
                continue
            t = self._on(day)
            if t is None or deadline_level(t, state, promised, accepted_on, deficiency_due) is not level:
                return day
        return NEVER


D = CaseDeadline.__table__
_OPEN_SQL = "state IN ('accepted', 'in_progress')"
_SET_LEVELS = {
    # SQLite: one statement run per case by the driver itself (sqlite3's executemany, the
    # parameters given as it takes them, no per-row work in SQLAlchemy).
    "sqlite": f"UPDATE cases SET level = ?, level_at = ? WHERE rowid = ? AND {_OPEN_SQL}",
    "postgresql": text(f"UPDATE cases SET level = v.level, level_at = :now "
                       f"FROM unnest(CAST(:numbers AS text[]), CAST(:levels AS text[])) AS v(number, level) "
                       f"WHERE cases.case_number = v.number AND cases.{_OPEN_SQL}"),
}
_SET_DUE = {
    "sqlite": "UPDATE case_deadlines SET due_on = ? WHERE case_number = ?",
    "postgresql": text("UPDATE case_deadlines SET due_on = v.due "
                       "FROM unnest(CAST(:numbers AS text[]), CAST(:dues AS date[])) AS v(number, due) "
                       "WHERE case_deadlines.case_number = v.number"),
}


def rescan(session: Session, t: Thresholds, zone: tzinfo, rules: Rules, now: datetime | None = None,
           everything: bool = True) -> list[LevelChange]:
    """Give the open cases their level on the day of `t`: every open case when
    `everything` (the first scan of a database, after a change of calendar or settings,
    or a day earlier than the last), else only those whose case_deadlines row is due.
    Each gets its level and the first day it may change again (_NextChange); returns a
    LevelChange for each case whose level changed.

    The rows read are locked on PostgreSQL (SQLite's writers are serialised): a step
    committed meanwhile waits for the scan and then makes its case due again."""
    now = now or datetime.now(UTC)
    conn = session.connection()
    dialect = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
    if everything:
        # Rows made due, never deleted and made again: a step committing meanwhile updates
        # its case's row and must find it.
        conn.execute(D.update().values(due_on=DUE_NOW))
        conn.execute(D.insert().from_select(["case_number", "due_on"], select(
            Case.case_number, literal(DUE_NOW, Date)).where(
            is_open(), ~select(D.c.case_number).where(D.c.case_number == Case.case_number).exists())))
    C = Case.__table__
    # The row's address on SQLite (its rowid: the update then finds it without the
    # case-number index), the case number on PostgreSQL.
    address = C.c.case_number if dialect == "postgresql" else literal_column("cases.rowid")
    # SQLite's stored text of the acceptance time, parsed here (fromisoformat, in C) rather
    # than by the column type's processor, which costs more than the rest of a row.
    accepted = C.c.accepted_at if dialect == "postgresql" else literal_column("cases.accepted_at")
    due = (select(C.c.case_number, C.c.state, C.c.promised_date, accepted, C.c.deficiency_due, C.c.level,
                  C.c.item_name, C.c.window, address)
           .select_from(D.join(C, C.c.case_number == D.c.case_number)).where(D.c.due_on <= t.today))
    if dialect == "postgresql":
        due = due.with_for_update(of=C)
    next_change = _NextChange(t.today, rules)
    levels = {level.value: level for level in DeadlineLevel}
    states = {state.value: state for state in OPEN_STATES}
    changes: list[LevelChange] = []
    addresses: list[Any] = []
    dues: list[tuple[str, date]] = []
    closed: list[str] = []
    worked: dict[tuple[str, date | None, date, date | None], tuple[DeadlineLevel, date]] = {}
    for number, state, promised, accepted_at, deficiency_due, level, item_name, window, row in conn.execute(due):
        if state not in states:
            closed.append(number)
            continue
        if isinstance(accepted_at, str):
            accepted_at = datetime.fromisoformat(accepted_at)
        if accepted_at.tzinfo is None:
            accepted_at = accepted_at.replace(tzinfo=UTC)
        accepted_on = accepted_at.astimezone(zone).date()
        # Cases accepted the same day for items with the same time limit share their dates,
        # and so their level and next day: each combination worked out once.
        facts = (state, promised, accepted_on, deficiency_due)
        known = worked.get(facts)
        if known is None:
            found = deadline_level(t, states[state], promised, accepted_on, deficiency_due)
            known = worked[facts] = (found, next_change(states[state], promised, accepted_on, deficiency_due, found))
        new, next_day = known
        if new.value != level:
            changes.append(LevelChange(number, levels[level], new, item_name, window))
            addresses.append(row)
        dues.append((number, next_day))
    if changes:
        if dialect == "postgresql":
            conn.execute(_SET_LEVELS[dialect], {"now": now, "numbers": [c.case_number for c in changes],
                                                "levels": [c.level.value for c in changes]})
        else:
            stamp = C.c.level_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
            at = stamp(now) if stamp is not None else now
            conn.exec_driver_sql(_SET_LEVELS[dialect], [(c.level.value, at, row)
                                                        for c, row in zip(changes, addresses, strict=True)])
    if dues:
        if dialect == "postgresql":
            conn.execute(_SET_DUE[dialect], {"numbers": [n for n, _ in dues], "dues": [d for _, d in dues]})
        else:
            conn.exec_driver_sql(_SET_DUE[dialect], [(d.isoformat(), n) for n, d in dues])
    if closed:
        conn.execute(D.delete().where(D.c.case_number.in_(closed)))
    return changes


_digests: dict[int, tuple[WorkCalendar, str]] = {}


def _basis(calendar: WorkCalendar, rules: Supervision, zone: tzinfo) -> str:
    """A digest of what a case's next level day depends on besides its own dates: the
    calendar's years (the calendar object is cached per reference revision, so each is
    digested once), the reminder and start-within days, the hall's time zone."""
    cached = _digests.get(id(calendar))
    if cached is None or cached[0] is not calendar:
        years = [calendar.year(y).to_dict() for y in calendar.known_years]
        cached = (calendar, hashlib.sha256(json.dumps(years).encode()).hexdigest())
        _digests.clear()
        _digests[id(calendar)] = cached
    return hashlib.sha256(f"{cached[1]}|{rules.reminder_days}|{rules.start_within_days}|{zone}".encode()).hexdigest()


def scan_deadlines(db: Database, today: date | None = None, settings: CaseSettings | None = None,
                   now: datetime | None = None) -> list[LevelChange]:
    """The deadline scan, once: reads the hall's supervision settings and calendar, computes
    the day's thresholds, sets the level of every open case due (rescan: every open case
    when the calendar, settings or zone differ from what the days were computed with,
    case_deadline_basis, or the day is earlier than the last scanned) and returns the
    changes (to publish). `today` defaults to the settings' today (hall time, or the
    today-file). CalendarUnknown when the calendar lacks a year the thresholds need.
    The entry point of bench/monitoring.py."""
    settings = settings or _context.settings
    day = today or settings.today(now)
    with db.session() as session:
        rules, days = supervision(session), calendar(session)
        t = thresholds(day, days, rules.reminder_days, rules.start_within_days)
        basis = _basis(days, rules, settings.timezone)
        kept = session.get(CaseDeadlineBasis, 1)
        everything = kept is None or kept.basis != basis or day < kept.scanned_on
        changes = rescan(session, t, settings.timezone, Rules(days, rules.reminder_days, rules.start_within_days),
                         now, everything)
        if kept is None:
            session.add(CaseDeadlineBasis(id=1, basis=basis, scanned_on=day))
        elif everything or kept.scanned_on != day:
            kept.basis, kept.scanned_on = basis, day
    return changes


def publish_levels(bus: EventBus | None, events: list[LevelChange],
                   limit: int = MAX_EVENTS_PER_SCAN) -> int:
    """Announce level changes to supervisors and admins, the worst first; at most `limit`
    of them one by one (returns how many). A stream falls behind after 1000 events and is
    cut off, so on a day that moves thousands of cases (the first scan after an upgrade)
    the rest are left to the board, which a supervisor's screen reloads on any of them."""
    if bus is None or not events:
        return 0
    chosen = sorted(events, key=lambda e: -e.level.rank)[:limit]
    bus.publish_all((wire.CaseEventType.DEADLINE, e.event().model_dump(mode="json"), SUPERVISING) for e in chosen)
    if len(events) > len(chosen):
        log.info("%d level changes not announced one by one (the board shows them)", len(events) - len(chosen))
    return len(chosen)


class DeadlineJob:
    """Runs the scan at start, every `settings.interval` seconds and soon after `poke()`
    (a step or a new case), on a worker thread, for as long as the app's loop lives."""

    def __init__(self, db: Database, bus: EventBus, settings: CaseSettings) -> None:
        self.db, self.bus, self.settings = db, bus, settings
        self._task: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poked: asyncio.Event | None = None
        self._unknown_year: int | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._poked = asyncio.Event()
        self._task = self._loop.create_task(self._run())

    def poke(self) -> None:
        """From any thread: scan again soon."""
        if self._loop is not None and self._poked is not None:
            self._loop.call_soon_threadsafe(self._poked.set)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def run_once(self) -> int:
        """One scan: waiting steps first, then the levels; returns how many levels changed."""
        apply_waiting_steps(self.db)
        try:
            changes = scan_deadlines(self.db, settings=self.settings)
        except CalendarUnknown as exc:
            if exc.year != self._unknown_year:  # said once per missing year, not every minute
                self._unknown_year = exc.year
                log.warning("deadline levels wait for the calendar: %s", exc)
            return 0
        self._unknown_year = None
        publish_levels(self.bus, changes)
        if changes:
            log.info("%d case(s) changed deadline level", len(changes))
        return len(changes)

    async def _run(self) -> None:
        assert self._poked is not None
        while True:
            self._poked.clear()
            try:
                await asyncio.to_thread(self.run_once)
            except (OperationalError, InterfaceError) as exc:  # the database is down: said once, tried again
                log.warning("the deadline scan waits for the database: %s", database_trouble(exc))
            except Exception:  # the next run tries again; the server keeps serving
                log.exception("the deadline scan failed")
            timeout = self.settings.interval if self.settings.interval > 0 else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poked.wait(), timeout)
            await asyncio.sleep(0.2)  # a burst of uploads gives one scan, not one each


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


def _summary_fields(c: Case) -> dict[str, Any]:
    return dict(case_number=c.case_number, item_name=c.item_name, department_code=c.department_code,
                department_name=c.department_name, decision=c.decision, clerk_name=c.clerk_name, window=c.window,
                applicant=c.applicant_masked_name, applicant_id=c.applicant_masked_id, accepted_at=c.accepted_at,
                promised_date=c.promised_date, state=CaseState(c.state), state_at=c.state_at,
                level=DeadlineLevel(c.level), result=c.result, deficiency_due=c.deficiency_due,
                commitment=Verification(c.commitment) if c.commitment else None,
                bundle_number=c.bundle_number, bundle_name=c.bundle_name, sub_number=c.sub_number)


def summary(c: Case) -> wire.CaseSummary:
    return wire.CaseSummary(**_summary_fields(c))


class OtherHall(LookupError):
    """A case of a hall the caller does not work in (answered 403)."""


def _in_halls(case_row: Case, halls: Iterable[str] | None) -> None:
    if halls is not None and case_row.hall not in halls:
        raise OtherHall(f"case {case_row.case_number} belongs to hall {case_row.hall!r}: this device works "
                        f"in hall {', '.join(sorted(halls))} only")


def detail(session: Session, case_number: str, halls: Iterable[str] | None = None) -> wire.CaseDetail:
    """One case of `halls` (None: any) with its history (applied steps in order) and the
    steps allowed now; LookupError when unknown (OtherHall when another hall's). The number
    may be given as printed (hyphens)."""
    number = case_numbers.canonical(case_number)
    case_row = session.get(Case, number)
    if case_row is None:
        raise LookupError(f"no case {number}")
    _in_halls(case_row, halls)
    facts, deficiencies, received = _facts(session, case_row)
    steps = session.execute(select(CaseStep).where(CaseStep.case_number == number, CaseStep.applied)
                            .order_by(CaseStep.at, CaseStep.id)).scalars().all()
    return wire.CaseDetail(
        **_summary_fields(case_row),
        history=[wire.CaseStepOut(step=Step(s.step), at=s.at, actor_name=s.actor_name, window=s.window,
                                  from_state=CaseState(s.from_state) if s.from_state else None,
                                  to_state=CaseState(s.to_state) if s.to_state else None, detail=s.detail)
                 for s in steps],
        deficiencies=[wire.Deficiency(material_id=m, material_name=str(d.get("material_name", "")),
                                      due=date.fromisoformat(d["due"]) if d.get("due") else None,
                                      received=m in received) for m, d in deficiencies.items()],
        allowed=list(allowed_steps(facts)))


def search(session: Session, id_number: str, limit: int = 100,
           halls: Iterable[str] | None = None) -> list[wire.CaseSummary]:
    """The cases (of `halls`; None: any) of the applicant with this (normalised) ID number, newest first."""
    where = [] if halls is None else [Case.hall.in_(sorted(halls))]
    rows = session.execute(select(Case).where(Case.applicant_id_hash == applicant_hash(id_number), *where)
                           .order_by(Case.accepted_at.desc()).limit(limit)).scalars().all()
    return [summary(c) for c in rows]


def bundle_cases(session: Session, bundle_number: str,
                 halls: Iterable[str] | None = None) -> list[wire.CaseSummary]:
    """The item cases of one 一件事 by the bundle's 办件编号 (as printed is fine), by sub-number;
    LookupError when no case carries it (OtherHall when they are another hall's)."""
    number = case_numbers.canonical(bundle_number)
    rows = session.execute(select(Case).where(Case.bundle_number == number)
                           .order_by(Case.sub_number, Case.case_number)).scalars().all()
    if not rows:
        raise LookupError(f"no 一件事 {number}")
    for row in rows:
        _in_halls(row, halls)
    return [summary(c) for c in rows]


def _rank_expression():
    return case((Case.level == DeadlineLevel.RED.value, 3), (Case.level == DeadlineLevel.YELLOW.value, 2),
                (Case.level == DeadlineLevel.REMINDER.value, 1), else_=0)


def _counts(session: Session, key, name, where: list) -> list[wire.LevelCounts]:
    def count(level: DeadlineLevel):
        return func.sum(case((Case.level == level.value, 1), else_=0))

    query = (select(key, func.max(name), func.count(), count(DeadlineLevel.REMINDER), count(DeadlineLevel.YELLOW),
                    count(DeadlineLevel.RED)).where(is_open(), *where).group_by(key))
    rows = [wire.LevelCounts(key=k or "", name=n or "", open=o, reminder=r or 0, yellow=y or 0, red=d or 0)
            for k, n, o, r, y, d in session.execute(query)]
    return sorted(rows, key=lambda c: (-c.red, -c.yellow, -c.reminder, -c.open, c.key))


def board(session: Session, today: date, level: DeadlineLevel | None = None, department: str | None = None,
          clerk: str | None = None, limit: int = MAX_LISTED,
          halls: Iterable[str] | None = None) -> wire.DeadlineBoard:
    """电子监察: the open cases with a level (or of `level`), worst first, then the earliest
    promised; counts of every open case per department and clerk (within the department
    and clerk filters)."""
    where = [] if halls is None else [Case.hall.in_(sorted(halls))]
    if department:
        where.append(Case.department_code == department)
    if clerk:
        where.append(Case.clerk_username == clerk)
    listed = [Case.level == level.value] if level else [Case.level != DeadlineLevel.NONE.value]
    rows = session.execute(select(Case).where(is_open(), *where, *listed)
                           .order_by(_rank_expression().desc(), Case.promised_date.is_(None),
                                     Case.promised_date, Case.accepted_at)
                           .limit(limit)).scalars().all()
    departments = _counts(session, Case.department_code, Case.department_name, where)
    clerks = _counts(session, Case.clerk_username, Case.clerk_name, where)
    totals = wire.LevelCounts(key="", name="", open=sum(c.open for c in departments),
                              reminder=sum(c.reminder for c in departments),
                              yellow=sum(c.yellow for c in departments), red=sum(c.red for c in departments))
    return wire.DeadlineBoard(today=today, cases=[summary(c) for c in rows], totals=totals,
                              by_department=departments, by_clerk=clerks)


