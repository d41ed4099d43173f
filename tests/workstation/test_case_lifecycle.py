"""The case after the counter (workstation.domain.case): the transition table, the facts
that refuse a step, and the three deadline levels on the official calendar, 调休 weekends
and the 国庆 week included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.case import (
    OPEN_STATES,
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
from workstation.domain.workdays import CalendarUnknown, PublishedYear, WorkCalendar

A, P, C, D = CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.CONCLUDED, CaseState.DELIVERED
CALENDAR = WorkCalendar.official()

# What a clerk may do from each state (no deferred material, no commitment).
EXPECTED = {
    (Step.START, A): P, (Step.CONCLUDE, A): C, (Step.CONCLUDE, P): C, (Step.DELIVER, C): D,
}


@pytest.mark.parametrize("step", [Step.START, Step.CONCLUDE, Step.DELIVER])
@pytest.mark.parametrize("state", list(CaseState))
def test_the_table_moves_a_case_on_only_forwards(step: Step, state: CaseState) -> None:
    facts = CaseFacts(state)
    if (step, state) in EXPECTED:
        assert next_state(step, facts) is EXPECTED[(step, state)]
    else:
        with pytest.raises(StepRefused, match=f"the case is {state.value}"):
            next_state(step, facts)


def test_the_counters_decision_opens_or_closes_the_case() -> None:
    assert [initial_state(d) for d in ("accept", "accept_with_deficiency", "accept_on_commitment")] == [A, A, A]
    assert initial_state("notify_once") is CaseState.NOTIFIED
    assert initial_state("reject") is CaseState.REJECTED
    with pytest.raises(ValueError):
        initial_state("maybe")
    # Nothing follows a notification or a rejection: the applicant comes back as a new case.
    for closed in (CaseState.NOTIFIED, CaseState.REJECTED):
        assert allowed_steps(CaseFacts(closed)) == ()


def test_a_deferred_material_holds_the_conclusion_until_it_arrives() -> None:
    facts = CaseFacts(P, outstanding=frozenset({"premises_proof"}))
    assert allowed_steps(facts) == (Step.SUPPLEMENT,)
    with pytest.raises(StepRefused, match="1 deferred material"):
        next_state(Step.CONCLUDE, facts)
    with pytest.raises(StepRefused, match="not an outstanding deferred material"):
        next_state(Step.SUPPLEMENT, facts, "agent_id")
    assert next_state(Step.SUPPLEMENT, facts, "premises_proof") is P  # the state stays
    assert allowed_steps(CaseFacts(P)) == (Step.CONCLUDE,)


def test_a_commitment_is_verified_once_whatever_the_state() -> None:
    for state in (A, P, C, D):
        assert next_state(Step.VERIFY, CaseFacts(state, commitment=Verification.PENDING)) is state
    with pytest.raises(StepRefused, match="no commitment"):
        next_state(Step.VERIFY, CaseFacts(P))
    with pytest.raises(StepRefused, match="verified already"):
        next_state(Step.VERIFY, CaseFacts(P, commitment=Verification.FALSE))
    assert allowed_steps(CaseFacts(D, commitment=Verification.PENDING)) == (Step.VERIFY,)
    with pytest.raises(StepRefused):
        next_state(Step.VERIFY, CaseFacts(CaseState.REJECTED, commitment=Verification.PENDING))


@settings(max_examples=300, deadline=None)
@given(decision=st.sampled_from(["accept", "accept_with_deficiency", "accept_on_commitment"]),
       steps=st.lists(st.tuples(st.sampled_from(list(Step)), st.sampled_from(["m1", "m2", "x"]),
                                st.sampled_from([Verification.CONFIRMED, Verification.FALSE])), max_size=12))
def test_any_sequence_of_steps_keeps_the_case_consistent(decision, steps) -> None:
    """Whatever a window tries, in whatever order: a step is allowed exactly when
    allowed_steps says so, a case never goes back, and it is handed over only after its
    conclusion, with no deferred material missing."""
    outstanding = frozenset({"m1", "m2"}) if decision == "accept_with_deficiency" else frozenset()
    commitment = Verification.PENDING if decision == "accept_on_commitment" else None
    facts = CaseFacts(initial_state(decision), outstanding, commitment)
    order = [A, P, C, D]
    seen = [facts.state]
    for step, material, outcome in steps:
        allowed = allowed_steps(facts)
        try:
            after = next_state(step, facts, material)
        except StepRefused:
            assert step not in allowed or step is Step.SUPPLEMENT  # another material may be allowed
            continue
        assert step in allowed
        assert order.index(after) >= order.index(facts.state)
        if after is D and facts.state is not D:
            assert facts.state is C and not facts.outstanding and step is Step.DELIVER
        facts = CaseFacts(after, facts.outstanding - {material} if step is Step.SUPPLEMENT else facts.outstanding,
                          outcome if step is Step.VERIFY else facts.commitment)
        seen.append(after)
    assert seen == sorted(seen, key=order.index)


# ---------------------------------------------------------------------------------------
# Deadline levels
# ---------------------------------------------------------------------------------------


def test_thresholds_count_working_days_over_the_national_day_week() -> None:
    # Tue 30 Sept 2025: 1–8 Oct are holidays, Sun 28 Sept and Sat 11 Oct are 调休 working days.
    t = thresholds(date(2025, 9, 30), CALENDAR, reminder_days=1, start_within_days=1)
    assert t.remind_until == date(2025, 10, 9)  # the next working day is after the holiday
    assert t.start_overdue_on == date(2025, 9, 28)  # two working days back: Mon 29, Sun 28
    t = thresholds(date(2025, 10, 13), CALENDAR, reminder_days=2, start_within_days=1)
    assert t.remind_until == date(2025, 10, 15)
    assert t.start_overdue_on == date(2025, 10, 10)  # Sat 11 (调休) counts, Sun 12 does not
    off = thresholds(date(2025, 10, 13), CALENDAR, reminder_days=0, start_within_days=0)
    assert off.remind_until == date(2025, 10, 13) and off.start_overdue_on is None


def test_thresholds_never_guess_a_year_the_calendar_does_not_know() -> None:
    with pytest.raises(CalendarUnknown):
        thresholds(date(2099, 3, 2), CALENDAR, reminder_days=1, start_within_days=1)
    published = WorkCalendar.official([PublishedYear(2099, frozenset({date(2099, 1, 1)}), frozenset())])
    assert thresholds(date(2099, 3, 2), published, 1, 1).remind_until == date(2099, 3, 3)


def test_the_three_levels_of_a_case_promised_for_monday_29_september() -> None:
    accepted, promised = date(2025, 9, 25), date(2025, 9, 29)

    def level(today: date, state: CaseState = P, deficiency_due: date | None = None) -> DeadlineLevel:
        return deadline_level(thresholds(today, CALENDAR, 1, 1), state, promised, accepted, deficiency_due)

    assert level(date(2025, 9, 26)) is DeadlineLevel.NONE
    assert level(date(2025, 9, 28)) is DeadlineLevel.REMINDER  # Sunday, but a working day
    assert level(date(2025, 9, 28), state=A) is DeadlineLevel.YELLOW  # not taken in hand in time
    assert level(date(2025, 9, 26), state=A) is DeadlineLevel.NONE  # still within its day
    assert level(date(2025, 9, 29)) is DeadlineLevel.YELLOW
    assert level(date(2025, 9, 30)) is DeadlineLevel.RED
    assert level(date(2025, 10, 3)) is DeadlineLevel.RED  # a holiday does not stop the clock
    assert level(date(2025, 9, 26), deficiency_due=date(2025, 9, 25)) is DeadlineLevel.YELLOW
    assert level(date(2025, 9, 26), deficiency_due=date(2025, 9, 26)) is DeadlineLevel.NONE  # due today
    for closed in (C, D, CaseState.NOTIFIED, CaseState.REJECTED):
        assert level(date(2025, 10, 3), state=closed) is DeadlineLevel.NONE
    assert DeadlineLevel.RED.rank > DeadlineLevel.YELLOW.rank > DeadlineLevel.REMINDER.rank > DeadlineLevel.NONE.rank


def _days_2025() -> st.SearchStrategy[date]:
    return st.integers(0, 364).map(lambda n: date(2025, 1, 1) + timedelta(days=n))


@settings(max_examples=300, deadline=None)
@given(today=_days_2025().filter(lambda d: d <= date(2025, 12, 1)),
       accepted=_days_2025().filter(lambda d: d <= date(2025, 11, 15) and CALENDAR.is_working_day(d)),
       limit=st.integers(0, 20), reminder=st.integers(0, 5), start_within=st.integers(0, 3),
       state=st.sampled_from([A, P]))
def test_levels_agree_with_counting_working_days(today, accepted, limit, reminder, start_within, state) -> None:
    """The thresholds are only a shortcut: the level is what counting working days case by
    case gives."""
    promised = CALENDAR.add_working_days(accepted, limit)
    got = deadline_level(thresholds(today, CALENDAR, reminder, start_within), state, promised, accepted)

    def working_days_after(start: date, end: date) -> int:
        return sum(CALENDAR.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))

    if promised < today:
        expected = DeadlineLevel.RED
    elif promised == today:
        expected = DeadlineLevel.YELLOW
    elif state is A and start_within > 0 and today > CALENDAR.add_working_days(accepted, start_within):
        expected = DeadlineLevel.YELLOW
    elif working_days_after(today, promised) <= reminder:
        expected = DeadlineLevel.REMINDER
    else:
        expected = DeadlineLevel.NONE
    assert got is expected, (today, accepted, promised)


def test_open_states_are_what_supervision_watches() -> None:
    assert OPEN_STATES == {A, P}
    assert isinstance(thresholds(date(2025, 9, 30), CALENDAR, 1, 1), Thresholds)
