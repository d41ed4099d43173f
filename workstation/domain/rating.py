"""Ratings (政务服务"好差评"): the five levels and their standard wording, the indicators,
what an applicant may answer, the codes of the national report, and the follow-up of a
bad rating (回访 → 整改 or 解释 → 办结). Pure: no I/O.

The levels' wording is fixed by the national scheme and shown exactly as written here.
The export column names (`NATIONAL_FIELDS`) follow the national report's field set; a
province that spells them differently changes this one table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum

from workstation.domain.catalogue import ApplicantKind, CaseType
from workstation.domain.workdays import WorkCalendar

RECORD_KIND = "rating"
MAX_TEXT = 500
MAX_NOTE_BYTES = 256 * 1024  # a handwritten note, as PNG
MAX_STEP_NOTE = 2000


class Level(IntEnum):
    """满意度, codes 5 to 1. Levels 1 and 2 are 差评."""

    VERY_SATISFIED = 5
    SATISFIED = 4
    BASICALLY_SATISFIED = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1

    @property
    def wording(self) -> str:
        """The standard wording (非常满意 …), as every rating screen must show it."""
        return WORDING[self]

    @property
    def bad(self) -> bool:
        return self <= Level.DISSATISFIED


WORDING: Mapping[Level, str] = {
    Level.VERY_SATISFIED: "非常满意",
    Level.SATISFIED: "满意",
    Level.BASICALLY_SATISFIED: "基本满意",
    Level.DISSATISFIED: "不满意",
    Level.VERY_DISSATISFIED: "非常不满意",
}

# What a case left unrated becomes after the configured number of working days.
DEFAULT_LEVEL = Level.SATISFIED


class Indicator(IntEnum):
    """The offline indicators besides 整体满意度 (the level itself, code 0)."""

    EFFICIENCY = 1  # 服务效率
    COMPETENCE = 2  # 服务水平
    ATTITUDE = 3  # 服务态度

    @property
    def wording(self) -> str:
        return INDICATOR_WORDING[self]


INDICATOR_WORDING: Mapping[Indicator, str] = {
    Indicator.EFFICIENCY: "服务效率",
    Indicator.COMPETENCE: "服务水平",
    Indicator.ATTITUDE: "服务态度",
}


class Reason(StrEnum):
    """What went wrong, as a bad rating's choices offer it."""

    SLOW = "slow"  # waiting or handling took too long
    UNCLEAR = "unclear"  # what to bring or do was not explained clearly
    MORE_TRIPS = "more_trips"  # asked to come again or bring more
    ATTITUDE = "attitude"  # the staff were unfriendly
    NOT_DONE = "not_done"  # the matter was not done
    OTHER = "other"


# The indicator a reason speaks about: a bad rating's indicators are those of its reasons.
REASON_INDICATOR: Mapping[Reason, Indicator | None] = {
    Reason.SLOW: Indicator.EFFICIENCY,
    Reason.UNCLEAR: Indicator.COMPETENCE,
    Reason.MORE_TRIPS: Indicator.COMPETENCE,
    Reason.ATTITUDE: Indicator.ATTITUDE,
    Reason.NOT_DONE: None,
    Reason.OTHER: None,
}


class Channel(IntEnum):
    """评价渠道 (the national report's codes used at a hall)."""

    EVALUATOR = 4  # the hall's tablet / evaluator: our citizen screen
    HALL_TERMINAL = 5  # another terminal in the hall
    SYSTEM_DEFAULT = 7  # no rating in time: 满意 given by the system


class CaseStatus(IntEnum):
    """办件状态 at the time of rating."""

    PENDING = 1  # not accepted yet (一次性告知: waiting for the missing materials)
    IN_PROGRESS = 2  # accepted, being handled (承诺件)
    FINISHED = 3  # done on the spot (即办件), or ended (不予受理)


class RaterKind(IntEnum):
    PERSON = 1
    LEGAL_ENTITY = 2


class AssessNumber(IntEnum):
    FIRST = 1
    SECOND = 2  # 追评: not offered at the counter


# 办件类型 as the report codes it.
CASE_TYPE_CODE: Mapping[CaseType, int] = {CaseType.ON_THE_SPOT: 1, CaseType.PROMISED: 2}

_ACCEPTING = frozenset({"accept", "accept_with_deficiency", "accept_on_commitment"})


def case_status(decision: str, case_type: CaseType) -> CaseStatus:
    """The case's status when it is rated at the counter, from its decision."""
    if decision in _ACCEPTING:
        return CaseStatus.FINISHED if case_type is CaseType.ON_THE_SPOT else CaseStatus.IN_PROGRESS
    if decision == "reject":
        return CaseStatus.FINISHED
    return CaseStatus.PENDING


def rater_kind(applicant_kind: int) -> RaterKind:
    """A natural person rates as a person; every other applicant kind as a legal entity."""
    return RaterKind.PERSON if applicant_kind == ApplicantKind.NATURAL_PERSON else RaterKind.LEGAL_ENTITY


class InvalidRating(ValueError):
    """An answer the rating screen must not produce; the message says what is wrong."""


_PHONE = re.compile(r"^\+?[0-9][0-9\-]{6,19}$")


@dataclass(frozen=True)
class RatingAnswer:
    """What the applicant answered on the citizen screen (or the system's default)."""

    level: Level
    indicators: frozenset[Indicator] = frozenset()
    reasons: frozenset[Reason] = frozenset()
    text: str = ""
    note_png: bytes | None = None  # a handwritten note
    callback: bool = False  # the applicant may be called back (bad ratings only)
    phone: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", Level(self.level))
        object.__setattr__(self, "indicators", frozenset(Indicator(i) for i in self.indicators))
        object.__setattr__(self, "reasons", frozenset(Reason(r) for r in self.reasons))
        object.__setattr__(self, "text", (self.text or "").strip())
        object.__setattr__(self, "phone", (self.phone or "").strip())
        if not self.level.bad and (self.reasons or self.callback or self.note_png):
            raise InvalidRating("reasons, a note and a call-back belong to a bad rating (levels 1 and 2)")
        if len(self.text) > MAX_TEXT:
            raise InvalidRating(f"the text is longer than {MAX_TEXT} characters")
        if self.note_png is not None and len(self.note_png) > MAX_NOTE_BYTES:
            raise InvalidRating("the handwritten note is too large")
        if self.callback and not _PHONE.match(self.phone):
            raise InvalidRating("a call-back needs a phone number")
        if not self.callback and self.phone:
            raise InvalidRating("a phone number was given without agreeing to a call-back")

    @property
    def all_indicators(self) -> frozenset[Indicator]:
        """The indicators chosen, and those the reasons of a bad rating speak about."""
        from_reasons = {REASON_INDICATOR[r] for r in self.reasons} - {None}
        return self.indicators | frozenset(from_reasons)  # type: ignore[arg-type]


SYSTEM_DEFAULT_ANSWER = RatingAnswer(DEFAULT_LEVEL)


def default_rating_due(accepted_on: date, today: date, days: int, calendar: WorkCalendar) -> bool:
    """Whether a case accepted on `accepted_on`, still unrated on `today`, gets the default
    rating: once the `days`-th working day after its acceptance has ended. CalendarUnknown
    when the year it needs is not published."""
    return today > calendar.add_working_days(accepted_on, days)


# ---------------------------------------------------------------------------------------
# The national report's field set
# ---------------------------------------------------------------------------------------

# (column, meaning), in the report's order.
NATIONAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("areaCode", "行政区划代码"),
    ("deptCode", "受理部门代码"),
    ("deptName", "受理部门名称"),
    ("taskCode", "事项实施编码"),
    ("catalogCode", "事项基本编码"),
    ("taskName", "事项名称"),
    ("projectNo", "办件编号"),
    ("proStatus", "办件状态：1 未办结 2 办理中 3 已办结"),
    ("proManager", "被评价的工作人员"),
    ("pf", "评价渠道：4 政务大厅评价器 5 政务大厅其他终端 7 系统默认"),
    ("userName", "评价人姓名（脱敏）"),
    ("userCert", "评价人证件号码（脱敏）"),
    ("userProp", "评价人类型：1 自然人 2 法人"),
    ("satisfaction", "满意度：5 非常满意 … 1 非常不满意"),
    ("evaluateDetail", "评价指标代码：1 服务效率 2 服务水平 3 服务态度"),
    ("writingEvaluation", "文字评价"),
    ("assessTime", "评价时间 yyyy-MM-dd HH:mm:ss"),
    ("assessNumber", "评价次数：1 首次评价 2 追加评价"),
    ("projectType", "办件类型：1 即办件 2 承诺件"),
    ("acceptDate", "受理时间 yyyy-MM-dd HH:mm:ss"),
)
NATIONAL_COLUMNS: tuple[str, ...] = tuple(name for name, _ in NATIONAL_FIELDS)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


# ---------------------------------------------------------------------------------------
# The follow-up of a bad rating
# ---------------------------------------------------------------------------------------


class FollowUpState(StrEnum):
    OPEN = "open"
    CONTACTED = "contacted"  # 已回访: someone called the applicant back
    RECTIFIED = "rectified"  # 已整改: the cause was fixed
    EXPLAINED = "explained"  # 已解释: the cause was explained to the applicant
    CLOSED = "closed"  # 已办结


class FollowUpAction(StrEnum):
    OPEN = "open"  # the bad rating arrived: the task exists
    CONTACT = "contact"  # 回访: a call to the applicant, with its notes (may be repeated)
    RECTIFY = "rectify"
    EXPLAIN = "explain"
    CLOSE = "close"


# The one source of truth: action -> {state it may start from: state it leads to}.
FOLLOW_UP: Mapping[FollowUpAction, Mapping[FollowUpState, FollowUpState]] = {
    FollowUpAction.CONTACT: {FollowUpState.OPEN: FollowUpState.CONTACTED,
                             FollowUpState.CONTACTED: FollowUpState.CONTACTED},
    FollowUpAction.RECTIFY: {FollowUpState.CONTACTED: FollowUpState.RECTIFIED},
    FollowUpAction.EXPLAIN: {FollowUpState.CONTACTED: FollowUpState.EXPLAINED},
    FollowUpAction.CLOSE: {FollowUpState.RECTIFIED: FollowUpState.CLOSED,
                           FollowUpState.EXPLAINED: FollowUpState.CLOSED},
}
# What was said on the call, what was fixed, what was explained: never a bare click.
NOTE_REQUIRED = frozenset({FollowUpAction.CONTACT, FollowUpAction.RECTIFY, FollowUpAction.EXPLAIN})


class FollowUpRefused(ValueError):
    """An action the task's state does not allow, or one without its required note."""


def allowed_actions(state: FollowUpState) -> tuple[FollowUpAction, ...]:
    return tuple(action for action, moves in FOLLOW_UP.items() if state in moves)


def follow_up(state: FollowUpState, action: FollowUpAction, note: str = "") -> FollowUpState:
    """The state `action` leads to; FollowUpRefused when not allowed or its note is missing."""
    try:
        after = FOLLOW_UP[action][state]
    except KeyError:
        allowed = ", ".join(a.value for a in allowed_actions(state)) or "nothing"
        raise FollowUpRefused(f"the task is {state.value}: cannot {action.value} "
                              f"(allowed: {allowed})") from None
    if action in NOTE_REQUIRED and not note.strip():
        raise FollowUpRefused(f"{action.value} needs a note of what was said or done")
    if len(note) > MAX_STEP_NOTE:
        raise FollowUpRefused(f"the note is longer than {MAX_STEP_NOTE} characters")
    return after


def is_overdue(state: FollowUpState, due_on: date | None, today: date) -> bool:
    """An unfinished task past its due day. A task whose due day is unknown (the calendar
    of its year is not published) is not called overdue."""
    return state is not FollowUpState.CLOSED and due_on is not None and today > due_on


OPEN_STATES = frozenset(set(FollowUpState) - {FollowUpState.CLOSED})
