"""Queue tickets (排队叫号): their states, the counter operations, the one transition
table, and the ordering policy that picks the next ticket. Pure: no I/O.

The hall server enforces this table; a workstation may consult it to grey out buttons.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_MAX_CALLS = 3


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    PARKED = "parked"  # 挂起: the applicant stepped away, e.g. to copy a document
    NO_SHOW = "no_show"  # 过号
    TRANSFERRED = "transferred"  # this record ended; a new waiting one continues elsewhere
    FINISHED = "finished"  # 办结
    CANCELLED = "cancelled"


class Operation(StrEnum):
    CALL = "call"  # call next, or call this ticket out of order (both take a waiting ticket)
    RECALL = "recall"  # 重呼
    START = "start"  # the applicant arrived at the window
    NO_SHOW = "no_show"  # 弃号 / 过号
    TRANSFER = "transfer"  # 转移 to another business type or window
    PARK = "park"  # 挂起
    CALL_BACK = "call_back"  # 回呼 a parked ticket
    FINISH = "finish"  # 办结
    CANCEL = "cancel"  # at the kiosk or by an admin: the applicant left before being called


# The one source of truth: operation -> {state it may start from: state it leads to}.
# RECALL leads back to CALLED, or to NO_SHOW once the calls are used up (`after_recall`).
TRANSITIONS: Mapping[Operation, Mapping[TicketState, TicketState]] = {
    Operation.CALL: {TicketState.WAITING: TicketState.CALLED},
    Operation.RECALL: {TicketState.CALLED: TicketState.CALLED},
    Operation.START: {TicketState.CALLED: TicketState.SERVING},
    Operation.NO_SHOW: {TicketState.CALLED: TicketState.NO_SHOW,
                        TicketState.PARKED: TicketState.NO_SHOW},
    Operation.TRANSFER: {TicketState.SERVING: TicketState.TRANSFERRED},
    Operation.PARK: {TicketState.SERVING: TicketState.PARKED},
    Operation.CALL_BACK: {TicketState.PARKED: TicketState.CALLED},
    Operation.FINISH: {TicketState.SERVING: TicketState.FINISHED},
    Operation.CANCEL: {TicketState.WAITING: TicketState.CANCELLED,
                       TicketState.PARKED: TicketState.CANCELLED},
}

# A window holds at most one ticket in these states: the one at its counter.
ACTIVE_STATES = frozenset({TicketState.CALLED, TicketState.SERVING})
FINAL_STATES = frozenset({TicketState.NO_SHOW, TicketState.TRANSFERRED, TicketState.FINISHED,
                          TicketState.CANCELLED})
# Operations a paused window may not do: they put a new applicant at its counter.
CALLING_OPERATIONS = frozenset({Operation.CALL, Operation.CALL_BACK})


class PauseReason(StrEnum):
    """Where a paused window's clerk went (去向公开), shown on the hall display and the
    citizen screen."""

    MEETING = "meeting"  # 会议
    ERRAND = "errand"  # 外出办事
    BREAK = "break"  # 休息
    TRAINING = "training"  # 培训
    OTHER = "other"  # the clerk's own words


class TransitionRefused(ValueError):
    """An operation the ticket's current state does not allow."""

    def __init__(self, operation: Operation, state: TicketState, number: str = "") -> None:
        self.operation, self.state, self.number = operation, state, number
        ticket = f"ticket {number}" if number else "the ticket"
        super().__init__(f"{ticket} is {state.value}: cannot {operation.value.replace('_', ' ')} "
                         f"(allowed from: {', '.join(s.value for s in allowed_from(operation))})")


def can(operation: Operation, state: TicketState) -> bool:
    """Whether `operation` may be applied to a ticket in `state`."""
    return state in TRANSITIONS[operation]


def allowed_from(operation: Operation) -> tuple[TicketState, ...]:
    return tuple(TRANSITIONS[operation])


def allowed_operations(state: TicketState) -> tuple[Operation, ...]:
    """What a clerk (or kiosk) may do with a ticket in `state`, e.g. to enable buttons."""
    return tuple(op for op in Operation if can(op, state))


def next_state(operation: Operation, state: TicketState, number: str = "") -> TicketState:
    """The state `operation` leads to from `state`; TransitionRefused when not allowed."""
    try:
        return TRANSITIONS[operation][state]
    except KeyError:
        raise TransitionRefused(operation, state, number) from None


def after_recall(calls_so_far: int, max_calls: int = DEFAULT_MAX_CALLS) -> TicketState:
    """A recall is one more call while fewer than `max_calls` calls went unanswered;
    once `max_calls` calls went unanswered, asking again makes the ticket a no-show."""
    return TicketState.CALLED if calls_so_far < max_calls else TicketState.NO_SHOW


# ---------------------------------------------------------------------------------------
# Numbers and days
# ---------------------------------------------------------------------------------------


def ticket_number(prefix: str, sequence: int) -> str:
    """`A` and 1 give `A001`: the business type's letter and the day's sequence."""
    return f"{prefix}{sequence:03d}"


def hall_zone(name: str = DEFAULT_TIMEZONE) -> tzinfo:
    """The hall's time zone by its IANA name. China keeps UTC+8 all year, so where no
    zone database is installed (Windows without the tzdata package) Asia/Shanghai is
    that fixed offset; any other unknown name is a ValueError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name == DEFAULT_TIMEZONE:
            return timezone(timedelta(hours=8), "CST")
        raise ValueError(f"{name!r} is not a known time zone") from None


def service_day(moment: datetime, zone: str | tzinfo = DEFAULT_TIMEZONE) -> date:
    """The hall's local date at `moment` (an aware datetime): numbering restarts when it changes."""
    if moment.tzinfo is None:
        raise ValueError("service_day needs an aware datetime")
    return moment.astimezone(hall_zone(zone) if isinstance(zone, str) else zone).date()


# ---------------------------------------------------------------------------------------
# The applicant's ID number (GB 11643), as far as the queue needs it
# ---------------------------------------------------------------------------------------

_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_character(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str) -> str:
    """An 18-character ID number with an upper-case X, or ValueError naming what is wrong.
    Residence permits (810000…, 830000…) and the 2017 permanent residence card follow
    the same structure."""
    number = value.strip().upper().replace(" ", "")
    if not _ID_PATTERN.match(number):
        raise ValueError("an ID number has 17 digits and a check digit or X")
    if id_check_character(number[:17]) != number[17]:
        raise ValueError("the ID number's check character does not match")
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError("the ID number holds no valid birth date") from None
    return number


def mask_id_number(number: str) -> str:
    """The form shown and stored: first 6 and last 4, `110101********1234`."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def age_on(number: str, day: date) -> int:
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class GreenReason(StrEnum):
    """绿色通道: who goes first."""

    ELDERLY = "elderly"  # 70 and over
    DISABLED = "disabled"
    MILITARY = "military"  # 军人依法优先


ELDERLY_AGE = 70


# ---------------------------------------------------------------------------------------
# Ordering
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a policy knows of a waiting ticket."""

    id: int
    business_type: str
    arrived_at: datetime
    green_channel: bool = False
    slot_start: datetime | None = None  # the booked slot, for an appointment checked in in time
    slot_end: datetime | None = None

    def in_slot(self, now: datetime) -> bool:
        """Ranks as an appointment: checked in within the hall's rules (a late arrival's
        ticket carries no slot) and its slot has begun. It keeps that rank until called,
        past the slot's end too: the applicant came in time and was told so."""
        return self.slot_start is not None and self.slot_start <= now


class OrderingPolicy(ABC):
    """Decides which waiting ticket a window calls next.

    The server does not show a policy every waiting ticket: it shows the earliest
    arrivals (a bounded look-ahead) of each of three groups: green channel; appointments
    whose slot has begun (Candidate.in_slot); everyone else. A policy must therefore rank an earlier arrival
    before a later one within the same group; across groups it is free (it may, say,
    interleave green and ordinary tickets)."""

    @abstractmethod
    def key(self, candidate: Candidate, now: datetime) -> tuple:
        """A sort key: smaller is called first."""

    def order(self, candidates: Iterable[Candidate], now: datetime) -> list[Candidate]:
        return sorted(candidates, key=lambda c: self.key(c, now))

    def choose(self, candidates: Iterable[Candidate], now: datetime) -> Candidate | None:
        ordered = self.order(candidates, now)
        return ordered[0] if ordered else None


class PriorityPolicy(OrderingPolicy):
    """The default: green channel first, then appointments checked in in time whose slot
    has begun, then arrival order (first in, first out). An early arrival is an ordinary
    ticket until its slot starts; a late one (past the hall's late minutes) an ordinary
    ticket for good."""

    def key(self, candidate: Candidate, now: datetime) -> tuple:
        return (0 if candidate.green_channel else 1,
                0 if candidate.in_slot(now) else 1,
                candidate.arrived_at, candidate.id)


class LookaheadGroup(StrEnum):
    """The groups the server fetches separately (see OrderingPolicy)."""

    GREEN = "green"
    APPOINTMENT = "appointment"
    OTHER = "other"


def group_of(candidate: Candidate, now: datetime) -> LookaheadGroup:
    if candidate.green_channel:
        return LookaheadGroup.GREEN
    return LookaheadGroup.APPOINTMENT if candidate.in_slot(now) else LookaheadGroup.OTHER
