"""The supervisor's monitoring view on the wire (/api/v1/monitoring, supervisors and
admins only): the hall now, statistics for a date range, and the window load advice.
Nothing here carries an applicant's personal data."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from workstation.protocol.queue import PauseInfo

MONITORING_PREFIX = "/monitoring"


class MonitoringEventType(StrEnum):
    # {"window": n, "online": bool}: a window's workstation connected to or left the hall's
    # event stream (to supervisors and admins)
    WINDOW_PRESENCE = "window.presence"


class WindowActivity(StrEnum):
    SERVING = "serving"  # a ticket at the counter (called or being served)
    IDLE = "idle"  # open, nobody at the counter
    PAUSED = "paused"  # with the whereabouts the clerk gave (去向公开)
    OFFLINE = "offline"  # no workstation of this window connected to the hall
    CLOSED = "closed"  # nobody logged in at this window


class WindowNow(BaseModel):
    number: int
    name: str
    business_types: list[str]
    activity: WindowActivity
    clerk_name: str | None = None
    ticket_number: str | None = None
    since: datetime | None = Field(default=None, description="serving the ticket since / paused since")
    pause: PauseInfo | None = None
    parked: int = 0
    served_today: int = 0
    backup: int | None = Field(default=None, description="the AB角 window that covers this one")
    covering: list[int] = Field(default_factory=list, description="windows this one covers now")


class BusinessTypeNow(BaseModel):
    code: str
    name: str
    waiting: int
    longest_wait_seconds: int | None = None
    average_wait_seconds: float | None = Field(default=None, description="today, called tickets")
    average_service_seconds: float | None = Field(default=None, description="today, finished tickets")
    served_today: int = 0
    windows_open: int = 0


class LongWait(BaseModel):
    """A ticket waiting longer than the hall's limit (highlighted on the board)."""

    number: str
    business_type: str
    waited_seconds: int


class HallNow(BaseModel):
    at: datetime
    service_date: date
    wait_limit_minutes: int
    windows: list[WindowNow]
    business_types: list[BusinessTypeNow]
    long_waits: list[LongWait]


class GroupBy(StrEnum):
    BUSINESS_TYPE = "business_type"
    WINDOW = "window"
    CLERK = "clerk"


class GroupFigures(BaseModel):
    key: str
    name: str
    issued: int
    served: int
    no_shows: int
    transfers: int
    wait_average_seconds: float | None
    wait_p90_seconds: float | None
    service_average_seconds: float | None
    service_p90_seconds: float | None


class RatingFigures(BaseModel):
    total: int
    levels: dict[int, int] = Field(description="level 1–5 -> count")
    bad: int
    bad_rate: float | None = Field(description="bad ÷ total; None without ratings")
    follow_ups_open: int
    follow_ups_overdue: int


class CaseFigures(BaseModel):
    """The cases decided on the days (at every window): how many, how many a hall helper did
    with the applicant (帮办), how many were items of a 一件事."""

    decided: int = 0
    helped: int = 0
    bundle_items: int = 0


class Statistics(BaseModel):
    first: date
    last: date
    totals: GroupFigures
    by_business_type: list[GroupFigures]
    by_window: list[GroupFigures]
    by_clerk: list[GroupFigures]
    by_day: list[GroupFigures] = Field(description="key: the ISO date")
    ratings: RatingFigures
    cases: CaseFigures = Field(default_factory=CaseFigures)


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


class Advice(BaseModel):
    """动态调整: open `window` for `business_type` as well."""

    business_type: str
    business_type_name: str
    window: int
    window_name: str
    wait_now_minutes: float
    wait_after_minutes: float
    waiting: int
    average_service_seconds: float
    windows_now: int
    window_wait_now_minutes: float = Field(description="the chosen window's own queue, before")
    window_wait_after_minutes: float = Field(description="the chosen window's own queue, after")
    reasoning: str = Field(description="the arithmetic, in the hall's words")


class LoadAdvice(BaseModel):
    at: datetime
    advice: list[Advice]
    note: str = Field(default="", description="why there is no advice, when there is none")


class ApplyAdvice(BaseModel):
    """A supervisor applies advice: the window serves these business types from now on."""

    model_config = ConfigDict(extra="forbid")

    window: int = Field(ge=1, le=999)
    business_types: list[str] = Field(min_length=1, max_length=32)
