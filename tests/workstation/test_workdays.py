"""Working days on the official calendar: the bundled years agree with chinesecalendar,
promised dates across the 2025 and 2026 Spring Festival and National Day holidays and
their make-up working weekends, unknown years refused, published years merged."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.catalogue import TimeUnit
from workstation.domain.workdays import CalendarUnknown, InvalidCalendar, PublishedYear, WorkCalendar
from workstation.protocol.catalogue import TimeLimit

CALENDAR = WorkCalendar.official()
D = date.fromisoformat

# What the State Council published, as this test's author read it; each date is checked
# against chinesecalendar's own data below before any promised date relies on it.
MAKE_UP_WORKDAYS = ["2025-01-26", "2025-02-08", "2025-09-28", "2025-10-11", "2026-02-14", "2026-02-28"]
HOLIDAY_RUNS = [("2025-01-28", "2025-02-04"), ("2025-10-01", "2025-10-08"), ("2026-02-15", "2026-02-23")]

# A 2027 calendar as the hall server would publish it. Invented for the test: the real
# arrangement is whatever the State Council announces.
PUBLISHED_2027 = {
    "year": 2027,
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03", "2027-02-06", "2027-02-07", "2027-02-08",
                 "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12", "2027-02-13", "2027-02-14"],
    "workdays": ["2027-01-30", "2027-02-20"],
}


def test_the_expected_dates_are_what_chinesecalendar_says() -> None:
    for text in MAKE_UP_WORKDAYS:
        day = D(text)
        assert day.weekday() >= 5, f"{text} is a weekend day"
        assert chinese_calendar.is_workday(day), f"chinesecalendar says {text} is a rest day"
        assert CALENDAR.is_working_day(day)
    for first, last in HOLIDAY_RUNS:
        day = D(first)
        while day <= D(last):
            assert chinese_calendar.is_holiday(day) and day in chinese_calendar.holidays
            assert not CALENDAR.is_working_day(day)
            day += timedelta(days=1)
        assert chinese_calendar.is_workday(D(last) + timedelta(days=1)) or (D(last) + timedelta(days=1)).weekday() >= 5


def test_every_bundled_day_agrees_with_chinesecalendar() -> None:
    assert CALENDAR.known_years[0] == 2004 and CALENDAR.known_years[-1] >= 2026
    day = date(CALENDAR.known_years[0], 1, 1)
    end = date(CALENDAR.known_years[-1], 12, 31)
    while day <= end:
        assert CALENDAR.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@pytest.mark.parametrize(("start", "n", "expected"), [
    # 2025 Spring Festival: 01-28..02-04 off, Sunday 01-26 and Saturday 02-08 working.
    ("2025-01-24", 0, "2025-01-24"),
    ("2025-01-24", 1, "2025-01-26"),
    ("2025-01-24", 2, "2025-01-27"),
    ("2025-01-24", 3, "2025-02-05"),
    ("2025-01-24", 6, "2025-02-08"),
    ("2025-01-24", 7, "2025-02-10"),
    ("2025-01-24", 15, "2025-02-20"),
    ("2025-01-25", 1, "2025-01-26"),  # accepted on a Saturday: the day itself never counts
    # 2025 National Day: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 working.
    ("2025-09-26", 1, "2025-09-28"),
    ("2025-09-26", 3, "2025-09-30"),
    ("2025-09-26", 4, "2025-10-09"),
    ("2025-09-26", 6, "2025-10-11"),
    ("2025-09-26", 7, "2025-10-13"),
    # 2026 Spring Festival: 02-15..02-23 off, Saturdays 02-14 and 02-28 working.
    ("2026-02-12", 2, "2026-02-14"),
    ("2026-02-12", 3, "2026-02-24"),
    ("2026-02-12", 7, "2026-02-28"),
    ("2026-02-13", 7, "2026-03-02"),
    ("2026-02-10", 20, "2026-03-16"),
    # Across a year end into 元旦 2026 (01-01..01-03 off, Sunday 01-04 working).
    ("2025-12-31", 1, "2026-01-04"),
])
def test_add_working_days(start: str, n: int, expected: str) -> None:
    assert CALENDAR.add_working_days(D(start), n) == D(expected)
    assert CALENDAR.working_days_between(D(start), D(expected)) == n


def test_promised_dates_by_the_items_unit() -> None:
    fifteen = TimeLimit(value=15, unit=TimeUnit.WORKING_DAYS)
    assert CALENDAR.promised_date(D("2025-01-24"), fifteen) == D("2025-02-20")
    assert CALENDAR.promised_date(datetime(2025, 9, 26, 16, 30), TimeLimit(value=5)) == D("2025-10-10")
    on_the_spot = TimeLimit(value=0)
    assert CALENDAR.promised_date(D("2025-10-11"), on_the_spot) == D("2025-10-11")
    # 自然日 count holidays too; a period ending on a rest day ends on the next working day.
    ten_days = TimeLimit(value=10, unit=TimeUnit.CALENDAR_DAYS)
    assert CALENDAR.add_calendar_days(D("2025-09-21"), 10) == D("2025-10-01")
    assert CALENDAR.promised_date(D("2025-09-21"), ten_days) == D("2025-10-09")
    assert CALENDAR.promised_date(D("2026-02-05"), ten_days) == D("2026-02-24")
    assert CALENDAR.promised_date(D("2025-09-18"), ten_days) == D("2025-09-28")  # a make-up Sunday
    assert CALENDAR.promised_date(D("2025-03-03"), ten_days) == D("2025-03-13")


def test_working_days_between() -> None:
    assert CALENDAR.working_days_between(D("2025-09-30"), D("2025-10-31")) == 18
    assert CALENDAR.working_days_between(D("2025-10-31"), D("2025-09-30")) == -18
    assert CALENDAR.working_days_between(D("2025-10-01"), D("2025-10-08")) == 0
    assert CALENDAR.add_working_days(D("2025-10-09"), -1) == D("2025-09-30")


def test_a_year_beyond_the_calendar_is_refused() -> None:
    last = CALENDAR.known_years[-1]
    with pytest.raises(CalendarUnknown) as raised:
        CALENDAR.is_working_day(date(last + 1, 3, 1))
    assert raised.value.year == last + 1
    assert str(last + 1) in str(raised.value) and "发布" in str(raised.value)
    with pytest.raises(CalendarUnknown):
        CALENDAR.add_working_days(date(last, 12, 31), 1)
    with pytest.raises(CalendarUnknown):
        CALENDAR.promised_date(date(last, 12, 20), TimeLimit(value=30, unit=TimeUnit.CALENDAR_DAYS))
    with pytest.raises(CalendarUnknown):
        CALENDAR.is_working_day(date(2003, 12, 31))


def test_a_published_calendar_extends_the_known_years() -> None:
    published = PublishedYear.from_dict(PUBLISHED_2027)
    assert published.to_dict() == PUBLISHED_2027
    calendar = WorkCalendar.official([published])
    assert calendar.known_years[-1] == 2027
    assert calendar.is_working_day(D("2027-01-30"))  # a Saturday made a working day
    assert not calendar.is_working_day(D("2027-02-08"))  # a Monday off
    assert calendar.add_working_days(D("2027-02-05"), 1) == D("2027-02-15")
    # Crossing from a bundled year into the published one.
    assert calendar.add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert calendar.known_years[:-1] == CALENDAR.known_years  # the bundled years untouched


def test_a_published_year_replaces_the_bundled_one() -> None:
    bundled = CALENDAR.year(2026).to_dict()
    corrected = dict(bundled, holidays=[*bundled["holidays"], "2026-03-02"])
    calendar = CALENDAR.merged([PublishedYear.from_dict(corrected)])
    assert CALENDAR.is_working_day(D("2026-03-02"))
    assert not calendar.is_working_day(D("2026-03-02"))
    with pytest.raises(ValueError, match="published twice"):
        CALENDAR.merged([PublishedYear.from_dict(PUBLISHED_2027)] * 2)


@pytest.mark.parametrize(("change", "message"), [
    ({"holidays": ["2026-12-31"]}, "2026-12-31 outside the year"),
    ({"workdays": ["2027-03-08"]}, "must be Saturdays or Sundays, not 2027-03-08 \\(Monday\\)"),
    ({"workdays": ["2027-01-02"]}, "2027-01-02 listed as both holiday and workday"),
    ({"holidays": ["2027-02-30"]}, "'2027-02-30' is not a valid date"),
    ({"holidays": ["2027-2-3"]}, "'2027-2-3' is not a date written YYYY-MM-DD"),
    ({"holidays": [20270101]}, "is not a date written YYYY-MM-DD"),
    ({"holidays": "2027-01-01"}, "holidays must be a list of dates"),
    ({"holidays": ["2027-01-01", "2027-01-01"]}, "lists 2027-01-01 twice"),
    ({"holidays": []}, "no holidays listed"),
    ({"year": "2027"}, "year must be a whole number"),
    ({"year": True}, "year must be a whole number"),
    ({"note": "x"}, "unexpected \\['note'\\]"),
])
def test_invalid_published_calendars_are_refused(change: dict, message: str) -> None:
    with pytest.raises(InvalidCalendar, match=message):
        PublishedYear.from_dict({**PUBLISHED_2027, **change})


def test_malformed_published_shapes_are_refused() -> None:
    with pytest.raises(InvalidCalendar, match="missing \\['workdays'\\]"):
        PublishedYear.from_dict({"year": 2027, "holidays": ["2027-01-01"]})
    with pytest.raises(InvalidCalendar, match="is an object"):
        PublishedYear.from_dict(["2027-01-01"])  # type: ignore[arg-type]
    with pytest.raises(InvalidCalendar, match="not a date"):
        PublishedYear(2027, frozenset({datetime(2027, 1, 1)}), frozenset())
    with pytest.raises(ValueError, match="given twice"):
        WorkCalendar([CALENDAR.year(2025), CALENDAR.year(2025)])


@settings(max_examples=200, deadline=None)
@given(st.dates(date(2005, 1, 1), date(2025, 12, 31)), st.integers(0, 60))
def test_counting_forward_and_measuring_agree(start: date, n: int) -> None:
    end = CALENDAR.add_working_days(start, n)
    assert CALENDAR.working_days_between(start, end) == n
    if n:
        assert CALENDAR.is_working_day(end)
        assert CALENDAR.add_working_days(end, -n) <= start
    assert end >= start + timedelta(days=n)  # never fewer natural days than working days


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_published_years_round_trip(data) -> None:
    year = data.draw(st.integers(1900, 2100))
    days = st.dates(date(year, 1, 1), date(year, 12, 31))
    holidays = data.draw(st.sets(days, min_size=1, max_size=30))
    workdays = data.draw(st.sets(days.filter(lambda d: d.weekday() >= 5), max_size=8)) - holidays
    published = PublishedYear(year, frozenset(holidays), frozenset(workdays))
    assert PublishedYear.from_dict(published.to_dict()) == published
