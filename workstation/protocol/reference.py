"""Reference data on the wire: the hall, its windows and business types, and the
change feed that carries them (and the catalogue) to clients."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workstation.domain.workdays import InvalidCalendar, PublishedYear
from workstation.protocol.halls import HALL_CODE


class ReferenceKind(StrEnum):
    HALL = "hall"
    WINDOW = "window"
    BUSINESS_TYPE = "business_type"
    SERVICE_ITEM = "service_item"
    CALENDAR = "calendar"
    SUPERVISION = "supervision"
    BUNDLE = "bundle"  # 一件事: items of the catalogue applied for together


class Hall(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    region_code: str = Field(pattern=r"^\d{6}$")
    address: str = ""
    phone: str = ""
    welcome: str = Field(min_length=1, description="the citizen screen's greeting")
    check_url: str = Field(default="", description="where a QR code sends a case check")


_PERIOD = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class AppointmentPlan(BaseModel):
    """How a business type takes appointments (预约): the hall's opening periods cut into
    slots of `slot_minutes`, each taking `capacity` bookings; and the hall's rules at the
    kiosk: check-in opens `early_minutes` before the slot (an early arrival's ticket goes
    ahead of ordinary ones once its slot starts), and an arrival up to `late_minutes` after
    the slot's end still goes ahead; later, it is an ordinary ticket. Times are the hall's
    wall clock. Settings, not code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    periods: tuple[str, ...] = Field(min_length=1, max_length=8,
                                     description='opening periods, "09:00-11:30", in order')
    slot_minutes: int = Field(default=30, ge=5, le=240)
    capacity: int = Field(ge=1, le=999, description="bookings per slot")
    early_minutes: int = Field(default=30, ge=0, le=240, description="check-in opens this long before the slot")
    late_minutes: int = Field(default=15, ge=0, le=240,
                              description="an arrival this long after the slot's end keeps its priority")
    days_ahead: int = Field(default=14, ge=0, le=90, description="how many days ahead may be booked")

    @model_validator(mode="after")
    def _valid_periods(self) -> AppointmentPlan:
        last = -1
        for period in self.periods:
            match = _PERIOD.match(period)
            if match is None:
                raise ValueError(f"a period is HH:MM-HH:MM, not {period!r}")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            start, end = h1 * 60 + m1, h2 * 60 + m2
            if end - start < self.slot_minutes:
                raise ValueError(f"the period {period} is shorter than one slot of {self.slot_minutes} minutes")
            if start < last:
                raise ValueError(f"the period {period} overlaps or precedes the one before it")
            last = end
        return self

    def slots(self, day: date, zone: tzinfo) -> list[tuple[datetime, datetime]]:
        """The day's slots as aware datetimes in `zone` (the hall's), in order; a period's
        remainder shorter than a slot is not offered."""
        found: list[tuple[datetime, datetime]] = []
        step = timedelta(minutes=self.slot_minutes)
        for period in self.periods:
            h1, m1, h2, m2 = (int(g) for g in _PERIOD.match(period).groups())  # type: ignore[union-attr]
            start = datetime.combine(day, time(h1, m1), zone)
            end = datetime.combine(day, time(h2, m2), zone)
            while start + step <= end:
                found.append((start, start + step))
                start += step
        return found


class BusinessType(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)
    prefix: str = Field(pattern=r"^[A-Z]$", description="the ticket letter, A in A001")
    daily_quota: int = Field(ge=1, le=999)
    appointments: AppointmentPlan | None = Field(
        default=None, description="its appointment slots and the kiosk's rules; none: not bookable")


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1, le=999)
    name: str = Field(min_length=1)
    business_types: tuple[str, ...] = Field(min_length=1)
    backup: int | None = Field(default=None, ge=1, le=999,
                               description="AB角: the window that serves this one's tickets while "
                               "it is paused or no clerk is logged in")
    hall: str | None = Field(default=None, pattern=HALL_CODE,
                             description="the hall it is in (a server with branch halls); none: the "
                             "server's first hall. Window numbers are unique on the server")

    @model_validator(mode="after")
    def _not_own_backup(self) -> Window:
        if self.backup == self.number:
            raise ValueError("a window cannot be its own backup")
        return self


class Supervision(BaseModel):
    """The hall's settings for the supervisor's screens (one entry, key "hall"): the three
    deadline levels of 电子监察 and the long-wait highlight. Settings, not code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reminder_days: int = Field(default=1, ge=0, le=30,
                               description="remind this many working days before the promised date")
    start_within_days: int = Field(default=1, ge=0, le=30,
                                   description="a case not started (办理中) this many working days "
                                   "after acceptance has overrun its first step: yellow")
    wait_limit_minutes: int = Field(default=30, ge=1, le=600,
                                    description="a ticket waiting longer is highlighted")


class PublishedCalendar(BaseModel):
    """A year of the official working-day calendar (holidays and 调休 make-up workdays),
    published by the hall for years the bundled calendar does not know yet."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int = Field(ge=1900, le=9999)
    holidays: tuple[str, ...]
    workdays: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _valid_year(self) -> PublishedCalendar:
        try:
            PublishedYear.from_dict(self.model_dump(mode="json"))
        except InvalidCalendar as exc:
            raise ValueError(str(exc)) from None
        return self

    def to_domain(self) -> PublishedYear:
        return PublishedYear.from_dict(self.model_dump(mode="json"))


class ReferenceEntry(BaseModel):
    """One change in the feed: the whole new value, or a tombstone (deleted, no payload)."""

    kind: ReferenceKind
    key: str
    revision: int
    deleted: bool = False
    payload: dict[str, Any] | None = None


class ChangesPage(BaseModel):
    """A page of the change feed in revision order. A client applies it, remembers
    `next_since` and asks again while `has_more`; stopping anywhere and asking again
    from the remembered revision ends identical to one full pull."""

    entries: list[ReferenceEntry]
    next_since: int
    has_more: bool
    head: int


class ReferenceChange(BaseModel):
    """What an admin sends to change one entry."""

    payload: dict[str, Any]


class ChangeAck(BaseModel):
    kind: ReferenceKind
    key: str
    revision: int
    changed_at: datetime | None = None
