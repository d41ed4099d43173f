"""Ratings in the core: the levels and their standard wording, what an answer may hold,
the follow-up's state machine, when a case gets the default rating, and the rating
record a window saves (one per case) with the national report's fields."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from tests.ui.rating_fixtures import ON_THE_SPOT, demo_item, hall_time
from workstation.app.guide import GuideDesk, GuideSnapshot, Person
from workstation.app.rating import AlreadyRated, RatingDesk
from workstation.domain.catalogue import CaseType
from workstation.domain.checklist import Decision, MaterialCheck, decide, evaluate
from workstation.domain.rating import (
    NATIONAL_COLUMNS,
    CaseStatus,
    FollowUpAction,
    FollowUpRefused,
    FollowUpState,
    Indicator,
    InvalidRating,
    Level,
    RatingAnswer,
    Reason,
    allowed_actions,
    case_status,
    default_rating_due,
    follow_up,
    is_overdue,
)
from workstation.domain.search import CatalogueIndex
from workstation.domain.workdays import WorkCalendar
from workstation.protocol.ratings import RatingRecord

CALENDAR = WorkCalendar.official()


def test_the_five_levels_and_their_standard_wording():
    assert [(int(level), level.wording) for level in Level] == [
        (5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")]
    assert [level for level in Level if level.bad] == [Level.DISSATISFIED, Level.VERY_DISSATISFIED]
    assert [i.wording for i in Indicator] == ["服务效率", "服务水平", "服务态度"]


def test_what_an_answer_may_hold():
    bad = RatingAnswer(Level.VERY_DISSATISFIED, reasons=frozenset({Reason.SLOW, Reason.NOT_DONE}),
                       callback=True, phone="13900001111")
    assert bad.all_indicators == {Indicator.EFFICIENCY}
    with pytest.raises(InvalidRating):  # reasons belong to a bad rating
        RatingAnswer(Level.SATISFIED, reasons=frozenset({Reason.SLOW}))
    with pytest.raises(InvalidRating):
        RatingAnswer(Level.DISSATISFIED, callback=True, phone="")
    with pytest.raises(InvalidRating):
        RatingAnswer(Level.DISSATISFIED, phone="13900001111")
    with pytest.raises(InvalidRating):
        RatingAnswer(Level.DISSATISFIED, text="字" * 501)


def test_the_follow_up_goes_open_contacted_rectified_or_explained_closed():
    assert allowed_actions(FollowUpState.OPEN) == (FollowUpAction.CONTACT,)
    assert allowed_actions(FollowUpState.CONTACTED) == (FollowUpAction.CONTACT, FollowUpAction.RECTIFY,
                                                        FollowUpAction.EXPLAIN)
    assert allowed_actions(FollowUpState.CLOSED) == ()
    state = follow_up(FollowUpState.OPEN, FollowUpAction.CONTACT, "called")
    assert follow_up(state, FollowUpAction.RECTIFY, "fixed") is FollowUpState.RECTIFIED
    state = follow_up(state, FollowUpAction.EXPLAIN, "explained")
    assert follow_up(state, FollowUpAction.CLOSE) is FollowUpState.CLOSED
    with pytest.raises(FollowUpRefused, match="open: cannot close"):
        follow_up(FollowUpState.OPEN, FollowUpAction.CLOSE)
    with pytest.raises(FollowUpRefused, match="note"):
        follow_up(FollowUpState.OPEN, FollowUpAction.CONTACT, " ")
    assert is_overdue(FollowUpState.CONTACTED, date(2025, 10, 13), date(2025, 10, 14))
    assert not is_overdue(FollowUpState.CONTACTED, date(2025, 10, 13), date(2025, 10, 13))
    assert not is_overdue(FollowUpState.CLOSED, date(2025, 10, 13), date(2025, 10, 20))
    assert not is_overdue(FollowUpState.OPEN, None, date(2025, 10, 20))


def test_the_default_rating_comes_once_the_last_working_day_has_ended():
    # Monday 2026-11-16: the fifth working day after it is Monday 2026-11-23.
    assert not default_rating_due(date(2026, 11, 16), date(2026, 11, 23), 5, CALENDAR)
    assert default_rating_due(date(2026, 11, 16), date(2026, 11, 24), 5, CALENDAR)
    # Across 国庆 2025 (Oct 1–8 off, Saturday Oct 11 worked): from Sept 30 to Oct 14.
    assert not default_rating_due(date(2025, 9, 30), date(2025, 10, 14), 5, CALENDAR)
    assert default_rating_due(date(2025, 9, 30), date(2025, 10, 15), 5, CALENDAR)


def test_case_status_follows_the_decision():
    assert case_status("accept", CaseType.ON_THE_SPOT) is CaseStatus.FINISHED
    assert case_status("accept_with_deficiency", CaseType.PROMISED) is CaseStatus.IN_PROGRESS
    assert case_status("notify_once", CaseType.PROMISED) is CaseStatus.PENDING
    assert case_status("reject", CaseType.PROMISED) is CaseStatus.FINISHED


def test_one_rating_per_case_saved_with_the_national_fields(store):
    item = demo_item(ON_THE_SPOT)
    chosen = {"individual", "self"}
    evaluation = evaluate(item, chosen, [MaterialCheck.received(m, originals=1) for m in
                                         ("application", "operator_id")] + [
        MaterialCheck.received("premises_proof", copies=1)])
    snapshot = GuideSnapshot(0, CatalogueIndex.build([item]), CALENDAR, "110105", "演示区政务服务中心")
    case = GuideDesk(store).save_case(
        snapshot, item, evaluation, decide(evaluation, Decision.ACCEPT),
        Person("欧阳娜娜", id_number="11010519491231002X"), None, {"username": "clerk1", "name": "张伟"}, 3,
        "device-1", applied_at=hall_time(2026, 11, 23, 9), now=hall_time(2026, 11, 23, 9, 30))
    desk = RatingDesk(store)
    assert not desk.is_rated(case.case_number)
    answer = RatingAnswer(Level.DISSATISFIED, reasons=frozenset({Reason.ATTITUDE}), text="态度不好")
    saved = desk.rate(case, answer, now=hall_time(2026, 11, 23, 9, 35))
    with pytest.raises(AlreadyRated):
        desk.rate(case, RatingAnswer(Level.VERY_SATISFIED))
    assert store.pending_count() == 2  # the case and its one rating wait for the hall

    record = RatingRecord.model_validate(saved.payload)
    assert saved.kind == "rating" and record.case_number == case.case_number
    assert record.rater.masked_name == "欧***" and "49123" not in record.rater.masked_id
    row = record.national_row(ZoneInfo("Asia/Shanghai"))
    assert tuple(row) == NATIONAL_COLUMNS
    assert row["pf"] == 4 and row["satisfaction"] == 2 and row["evaluateDetail"] == "3"
    assert row["assessTime"] == "2026-11-23 09:35:00" and row["acceptDate"] == "2026-11-23 09:30:00"
    assert row["proStatus"] == 3 and row["projectType"] == 1 and row["proManager"] == "张伟"
