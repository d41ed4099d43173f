"""Reference data on the wire: the hall, its windows and business types, and the
change feed that carries them (and the catalogue) to clients."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workstation.domain.workdays import InvalidCalendar, PublishedYear


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


class BusinessType(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)
    prefix: str = Field(pattern=r"^[A-Z]$", description="the ticket letter, A in A001")
    daily_quota: int = Field(ge=1, le=999)


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1, le=999)
    name: str = Field(min_length=1)
    business_types: tuple[str, ...] = Field(min_length=1)
    backup: int | None = Field(default=None, ge=1, le=999,
                               description="AB角: the window that serves this one's tickets while "
                               "it is paused or no clerk is logged in")

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
