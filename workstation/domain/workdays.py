"""Working days (工作日) on the official Chinese calendar, for promised completion dates.

Every year the State Council publishes the statutory holidays and the make-up working days
(调休: a Saturday or Sunday that is a working day). Those are data, not rules, so the
calendar is built from data: the chinesecalendar package's tables for the years it knows,
merged with calendars the hall server publishes (`PublishedYear`) for the others. A
published year replaces the bundled one, so a late correction reaches the halls without
a release. A date in a year nobody published raises `CalendarUnknown`: a promised date
is a commitment to a citizen and is never guessed from weekends alone.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from workstation.domain.catalogue import TimeUnit
from workstation.protocol.catalogue import TimeLimit

_SATURDAY = 5


class CalendarUnknown(LookupError):
    """The working-day calendar of `year` is not known (neither bundled nor published)."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"没有 {year} 年的节假日安排，无法计算工作日，请联系管理员发布 {year} 年工作日历"
            f" (no working-day calendar for {year}; the hall server must publish it)")
        self.year = year


class InvalidCalendar(ValueError):
    """A published calendar is malformed or inconsistent; the message says where."""


@dataclass(frozen=True)
class PublishedYear:
    """One year's official arrangement: statutory holidays (any day of the week) and
    make-up working days (weekend days only). Every other weekday works, every other
    weekend day rests.

    Wire shape: {"year": 2027, "holidays": ["2027-01-01", …], "workdays": ["2027-02-…", …]}."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not 1900 <= self.year <= 9999:
            raise InvalidCalendar(f"year must be a whole number from 1900 to 9999, got {self.year!r}")
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        for kind, days in (("holiday", self.holidays), ("workday", self.workdays)):
            for day in days:
                if type(day) is not date:  # a datetime would compare unequal to its date
                    raise InvalidCalendar(f"{self.year}: {kind} {day!r} is not a date")
            outside = sorted(d for d in days if d.year != self.year)
            if outside:
                raise InvalidCalendar(
                    f"{self.year}: {kind} {', '.join(d.isoformat() for d in outside)} outside the year")
        if not self.holidays:
            # Every real year has 元旦 at least; an empty list is a publishing mistake that
            # would silently turn every holiday into a working day.
            raise InvalidCalendar(f"{self.year}: no holidays listed")
        both = sorted(self.holidays & self.workdays)
        if both:
            raise InvalidCalendar(
                f"{self.year}: {', '.join(d.isoformat() for d in both)} listed as both holiday and workday")
        weekdays = sorted(d for d in self.workdays if d.weekday() < _SATURDAY)
        if weekdays:
            raise InvalidCalendar(
                f"{self.year}: make-up workdays must be Saturdays or Sundays, not "
                + ", ".join(f"{d.isoformat()} ({d.strftime('%A')})" for d in weekdays))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PublishedYear:
        """Read the wire shape, refusing anything malformed with InvalidCalendar."""
        if not isinstance(data, Mapping):
            raise InvalidCalendar(f"a published calendar is an object, got {type(data).__name__}")
        keys = set(data)
        if keys != {"year", "holidays", "workdays"}:
            missing, extra = sorted({"year", "holidays", "workdays"} - keys), sorted(keys - {"year", "holidays", "workdays"})
            raise InvalidCalendar(f"a published calendar has exactly year, holidays, workdays"
                                  f" (missing {missing}, unexpected {extra})")
        year = data["year"]
        if isinstance(year, bool) or not isinstance(year, int):
            raise InvalidCalendar(f"year must be a whole number, got {year!r}")
        return cls(year, _read_days(year, "holidays", data["holidays"]),
                   _read_days(year, "workdays", data["workdays"]))

    def to_dict(self) -> dict[str, Any]:
        """The wire shape, dates sorted."""
        return {"year": self.year,
                "holidays": [d.isoformat() for d in sorted(self.holidays)],
                "workdays": [d.isoformat() for d in sorted(self.workdays)]}

    def is_working_day(self, day: date) -> bool:
        """Whether `day` (in this year) is a working day by this arrangement."""
        if day.year != self.year:
            raise ValueError(f"{day.isoformat()} is not in {self.year}")
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < _SATURDAY


def _read_days(year: int, name: str, values: Any) -> frozenset[date]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise InvalidCalendar(f"{year}: {name} must be a list of dates (YYYY-MM-DD)")
    days: list[date] = []
    for value in values:
        if not isinstance(value, str) or len(value) != 10:
            raise InvalidCalendar(f"{year}: {name} entry {value!r} is not a date written YYYY-MM-DD")
        try:
            days.append(date.fromisoformat(value))
        except ValueError:
            raise InvalidCalendar(f"{year}: {name} entry {value!r} is not a valid date") from None
    repeated = sorted(d for d, times in Counter(days).items() if times > 1)
    if repeated:
        raise InvalidCalendar(f"{year}: {name} lists {', '.join(d.isoformat() for d in repeated)} twice")
    return frozenset(days)


@functools.cache
def bundled_years() -> tuple[PublishedYear, ...]:
    """The years chinesecalendar knows (2004 to its last published year), as PublishedYear."""
    from chinese_calendar import constants  # imported late: only callers of the calendar pay for it

    holidays: dict[int, set[date]] = {}
    workdays: dict[int, set[date]] = {}
    for day in constants.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in constants.workdays:
        workdays.setdefault(day.year, set()).add(day)
    # chinesecalendar itself treats every year between its first and last holiday as known.
    first, last = min(holidays), max(holidays)
    return tuple(PublishedYear(year, frozenset(holidays.get(year, ())), frozenset(workdays.get(year, ())))
                 for year in range(first, last + 1))


class WorkCalendar:
    """Working days over the years it knows; any other year raises CalendarUnknown."""

    def __init__(self, years: Iterable[PublishedYear]) -> None:
        self._years: dict[int, PublishedYear] = {}
        for year in years:
            if year.year in self._years:
                raise ValueError(f"the calendar of {year.year} is given twice")
            self._years[year.year] = year

    @classmethod
    def official(cls, published: Iterable[PublishedYear] = ()) -> WorkCalendar:
        """chinesecalendar's years, with `published` ones added or replacing them."""
        return cls(bundled_years()).merged(published)

    def merged(self, published: Iterable[PublishedYear]) -> WorkCalendar:
        """A new calendar where each of `published` adds or replaces its year."""
        years = dict(self._years)
        seen: set[int] = set()
        for year in published:
            if year.year in seen:
                raise ValueError(f"the calendar of {year.year} is published twice")
            seen.add(year.year)
            years[year.year] = year
        return WorkCalendar(years.values())

    @property
    def known_years(self) -> tuple[int, ...]:
        """The years this calendar can count in, ascending."""
        return tuple(sorted(self._years))

    def year(self, year: int) -> PublishedYear:
        """The arrangement of `year`, or CalendarUnknown."""
        try:
            return self._years[year]
        except KeyError:
            raise CalendarUnknown(year) from None

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day: a weekday that is not a holiday, or a make-up day."""
        return self.year(day.year).is_working_day(_as_date(day))

    def add_working_days(self, start: date, n: int) -> date:
        """The day on which the n-th working day after `start` falls: the date by which
        n working days are complete. `start` itself never counts (acceptance day); n=0
        gives `start` without consulting the calendar. A negative n counts backwards."""
        start = _as_date(start)
        step = 1 if n >= 0 else -1
        day, left = start, abs(n)
        while left:
            day += timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b (negative when b is before a), so that
        working_days_between(a, add_working_days(a, n)) == n."""
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a
        while day < b:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    @staticmethod
    def add_calendar_days(start: date, n: int) -> date:
        """`start` plus n natural days (自然日), holidays included."""
        return _as_date(start) + timedelta(days=n)

    def promised_date(self, accepted_on: date, limit: TimeLimit) -> date:
        """The promised completion date (承诺办结时间) for a case accepted on `accepted_on`.

        工作日: `add_working_days`. 自然日: the natural days, except that a period whose last
        day is a rest day ends on the next working day instead (the rule of 民法典 §203 and
        the procedure laws for periods ending on 法定休假日), so the deadline never falls
        on a day the hall is closed. A limit of 0 is the acceptance day itself."""
        if limit.value == 0:
            return _as_date(accepted_on)
        if limit.unit is TimeUnit.WORKING_DAYS:
            return self.add_working_days(accepted_on, limit.value)
        day = self.add_calendar_days(accepted_on, limit.value)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


def _as_date(day: date) -> date:
    """A datetime is a date too; counting must use its calendar day only."""
    return date(day.year, day.month, day.day) if type(day) is not date else day
