"""A case (办件) after the counter: its states, the steps that move it on, and the three
deadline levels of time-limit supervision (电子监察). Pure: no I/O.

The counter's decision opens the case (受理, 容缺受理, 告知承诺 open it; 一次性告知 and 不予受理
close it at once). Afterwards: 受理 → 办理中 → 办结 (with a result) → 已领取 / 已送达; beside
that, a 容缺 material arrives (容缺后补) and a 告知承诺 is verified (核查). The hall server
applies the same table to every `case.step` record a window uploads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from workstation.domain.workdays import WorkCalendar

STEP_KIND = "case.step"  # the record kind of a step


class CaseState(StrEnum):
    ACCEPTED = "accepted"  # 已受理: waiting to be handled
    IN_PROGRESS = "in_progress"  # 办理中
    CONCLUDED = "concluded"  # 已办结: the result is ready to hand over
    DELIVERED = "delivered"  # 已领取 / 已送达
    NOTIFIED = "notified"  # 一次性告知: nothing accepted; the applicant comes back complete
    REJECTED = "rejected"  # 不予受理


# Under supervision against the promised date: accepted and not yet concluded.
OPEN_STATES = frozenset({CaseState.ACCEPTED, CaseState.IN_PROGRESS})


def initial_state(decision: str) -> CaseState:
    """The state the counter's decision (workstation.domain.checklist.Decision's value)
    leaves a case in."""
    if decision in ("accept", "accept_with_deficiency", "accept_on_commitment"):
        return CaseState.ACCEPTED
    if decision == "notify_once":
        return CaseState.NOTIFIED
    if decision == "reject":
        return CaseState.REJECTED
    raise ValueError(f"unknown decision {decision!r}")


class Step(StrEnum):
    START = "start"  # 开始办理
    CONCLUDE = "conclude"  # 办结: detail {"result": Result, "note"}
    DELIVER = "deliver"  # 领取 / 送达: detail {"method": Delivery, "note"}
    SUPPLEMENT = "supplement"  # 容缺后补: detail {"material_id", "material_name"}
    VERIFY = "verify"  # 告知承诺核查: detail {"outcome": Verification, "note"}


class Result(StrEnum):
    APPROVED = "approved"  # 准予 / 办结通过
    REFUSED = "refused"  # 不予许可 (with the reason in the note)


class Delivery(StrEnum):
    PICKUP = "pickup"  # 窗口领取
    MAIL = "mail"  # 邮寄送达


class Verification(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"  # 核查属实
    FALSE = "false"  # 承诺不实: the hall acts on the legal liability


# The one table: step -> {state it may start from: state it leads to}. SUPPLEMENT and
# VERIFY leave the state as it is.
TRANSITIONS: Mapping[Step, Mapping[CaseState, CaseState]] = {
    Step.START: {CaseState.ACCEPTED: CaseState.IN_PROGRESS},
    Step.CONCLUDE: {CaseState.ACCEPTED: CaseState.CONCLUDED, CaseState.IN_PROGRESS: CaseState.CONCLUDED},
    Step.DELIVER: {CaseState.CONCLUDED: CaseState.DELIVERED},
    Step.SUPPLEMENT: {CaseState.ACCEPTED: CaseState.ACCEPTED, CaseState.IN_PROGRESS: CaseState.IN_PROGRESS},
    Step.VERIFY: {CaseState.ACCEPTED: CaseState.ACCEPTED, CaseState.IN_PROGRESS: CaseState.IN_PROGRESS,
                  CaseState.CONCLUDED: CaseState.CONCLUDED, CaseState.DELIVERED: CaseState.DELIVERED},
}


class StepRefused(ValueError):
    """A step the case's state or facts do not allow; the message says why, plainly."""


@dataclass(frozen=True)
class CaseFacts:
    """What, besides its state, decides whether a step may be taken."""

    state: CaseState
    outstanding: frozenset[str] = frozenset()  # ids of 容缺 materials not yet received
    commitment: Verification | None = None  # None: not accepted on commitment


def next_state(step: Step, facts: CaseFacts, material_id: str | None = None) -> CaseState:
    """The state `step` leads to; StepRefused when the table or the facts forbid it."""
    allowed = TRANSITIONS[step]
    if facts.state not in allowed:
        raise StepRefused(f"the case is {facts.state.value}: cannot {step.value} "
                          f"(allowed from: {', '.join(s.value for s in allowed)})")
    if step is Step.CONCLUDE and facts.outstanding:
        raise StepRefused(f"{len(facts.outstanding)} deferred material(s) (容缺) not yet received")
    if step is Step.SUPPLEMENT and material_id not in facts.outstanding:
        raise StepRefused("that material is not an outstanding deferred material of this case")
    if step is Step.VERIFY and facts.commitment is not Verification.PENDING:
        raise StepRefused("the case has no commitment waiting to be verified"
                          if facts.commitment is None else "the commitment was verified already")
    return allowed[facts.state]


def allowed_steps(facts: CaseFacts) -> tuple[Step, ...]:
    """The steps a clerk may take now, e.g. to enable buttons."""
    result = []
    for step in Step:
        try:
            if step is Step.SUPPLEMENT:
                if facts.outstanding:
                    next_state(step, facts, next(iter(facts.outstanding)))
                    result.append(step)
                continue
            next_state(step, facts)
        except StepRefused:
            continue
        result.append(step)
    return tuple(result)


# ---------------------------------------------------------------------------------------
# Time-limit supervision (电子监察)
# ---------------------------------------------------------------------------------------


class DeadlineLevel(StrEnum):
    NONE = "none"
    REMINDER = "reminder"  # 提醒: the promised date is near
    YELLOW = "yellow"  # 黄牌: the deadline is reached, or a step overran
    RED = "red"  # 红牌: the promised date has passed

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {DeadlineLevel.NONE: 0, DeadlineLevel.REMINDER: 1, DeadlineLevel.YELLOW: 2, DeadlineLevel.RED: 3}


@dataclass(frozen=True)
class Thresholds:
    """Dates that decide the levels on one day, computed once per scan so that the
    database can compare dates instead of counting working days case by case.

    - red: promised_date < today
    - yellow: promised_date == today; or still 受理 (not started) and accepted on or
      before `start_overdue_on`; or a 容缺 material due before today not received
    - reminder: promised_date <= remind_until
    """

    today: date
    remind_until: date
    start_overdue_on: date | None  # None: no acceptance day is overdue yet (or the rule is off)


def thresholds(today: date, calendar: WorkCalendar, reminder_days: int, start_within_days: int) -> Thresholds:
    """The scan's dates for `today` on the hall's calendar (CalendarUnknown for a year the
    calendar does not know: never guessed)."""
    remind_until = calendar.add_working_days(today, reminder_days) if reminder_days > 0 else today
    start_overdue_on: date | None = None
    if start_within_days > 0:
        # A case accepted on day D must be started within `start_within_days` working days
        # after D; it has overrun once today is past D + start_within_days working days.
        day = today
        for _ in range(start_within_days + 1):
            day = _previous_working_day(calendar, day)
        start_overdue_on = day
    return Thresholds(today=today, remind_until=remind_until, start_overdue_on=start_overdue_on)


def _previous_working_day(calendar: WorkCalendar, day: date) -> date:
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def deadline_level(t: Thresholds, state: CaseState, promised: date | None, accepted_on: date,
                   deficiency_due: date | None = None) -> DeadlineLevel:
    """One case's level on the day of `t`: the rule the server's scan applies in SQL."""
    if state not in OPEN_STATES:
        return DeadlineLevel.NONE
    if promised is not None and promised < t.today:
        return DeadlineLevel.RED
    if promised is not None and promised == t.today:
        return DeadlineLevel.YELLOW
    if (state is CaseState.ACCEPTED and t.start_overdue_on is not None and accepted_on <= t.start_overdue_on):
        return DeadlineLevel.YELLOW
    if deficiency_due is not None and deficiency_due < t.today:
        return DeadlineLevel.YELLOW
    if promised is not None and promised <= t.remind_until:
        return DeadlineLevel.REMINDER
    return DeadlineLevel.NONE
