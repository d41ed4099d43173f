"""The queue on the wire: issuing tickets, counter operations, the summary the hall
display shows, and the live events. An ID number travels only in IssueRequest; every
answer and event carries at most its masked form, and events not even that."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from workstation.domain.queue import GreenReason, PauseReason, TicketState, normalise_id_number

QUEUE_PREFIX = "/queue"
MAX_ID = 2**63 - 1  # ids are BIGINT: a larger one is refused, never sent to the database

APPOINTMENT_CODE = r"^[A-Za-z0-9\-]{4,32}$"
MOBILE = re.compile(r"1[3-9][0-9]{9}")  # a mainland mobile number, for the turn reminder (SMS)


def normalise_phone(value: str | None) -> str | None:
    """A mobile number for reminders: spaces, hyphens and a +86 or 86 prefix dropped; None
    for an empty one. Raises ValueError for anything that is not a mainland mobile."""
    if value is None:
        return None
    digits = re.sub(r"[\s\-]", "", value)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not digits:
        return None
    if not MOBILE.fullmatch(digits):
        raise ValueError("give a mainland mobile number (11 digits starting with 1) for the reminder")
    return digits


def mask_phone(phone: str) -> str:
    """The form logged and shown: `138****5678`."""
    return f"{phone[:3]}****{phone[-4:]}"


Phone = Annotated[str | None, Field(max_length=20), AfterValidator(normalise_phone)]
BUSINESS_TYPE_CODE = r"^[a-z0-9_\-]{1,32}$"


class QueueEventType(StrEnum):
    TICKET_CALLED = "ticket.called"  # a call, a recall or a call-back: the display announces it
    TICKET_STATE = "ticket.state"  # any other change of a ticket's state (issued included)
    WINDOW_STATE = "window.state"  # a window's current ticket or pause changed
    QUEUE_COUNTS = "queue.counts"  # waiting counts per business type


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IssueRequest(_In):
    """What a kiosk sends. With an appointment code the business type may be left out;
    the appointment's own is used. `appointment_by_id` checks in today's appointment of
    the person whose ID card gave `id_number` (of `business_type`, if given)."""

    business_type: str | None = Field(default=None, pattern=BUSINESS_TYPE_CODE)
    id_number: str | None = Field(default=None, max_length=32,
                                  description="the applicant's ID number; stored only as a keyed "
                                  "hash and a masked form")
    appointment_code: str | None = Field(default=None, pattern=APPOINTMENT_CODE)
    appointment_by_id: bool = Field(default=False, description="check in the ID number's appointment today")
    green_channel: bool = False
    green_reason: GreenReason | None = None
    phone: Phone = Field(default=None, description="a mobile number for the SMS reminder of the "
                         "applicant's turn; never shown or logged in full")

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str | None) -> str | None:
        return None if value is None else normalise_id_number(value)

    @model_validator(mode="after")
    def _consistent(self) -> IssueRequest:
        if self.appointment_by_id:
            if self.id_number is None:
                raise ValueError("an appointment is checked in by ID card with the card's ID number")
            if self.appointment_code is not None:
                raise ValueError("check an appointment in by its code or by ID card, not both")
        elif self.business_type is None and self.appointment_code is None:
            raise ValueError("give a business type or an appointment code")
        if self.green_channel and self.green_reason is None:
            raise ValueError("a green-channel ticket needs a reason (elderly, disabled, military)")
        if not self.green_channel and self.green_reason is not None:
            raise ValueError("a green-channel reason was given without green_channel")
        return self

    def __repr__(self) -> str:  # never show the ID number in a log or a traceback
        return f"IssueRequest(business_type={self.business_type!r}, green={self.green_channel})"

    __str__ = __repr__


class AppointmentArrival(StrEnum):
    """How an appointment's applicant arrived at the kiosk, by the hall's rules
    (reference.AppointmentPlan): in time (ahead of ordinary tickets at once), early (ahead
    once the slot starts), or late (an ordinary ticket)."""

    ON_TIME = "on_time"
    EARLY = "early"
    LATE = "late"


class Ticket(BaseModel):
    id: int
    number: str = Field(description="A001: the business type's letter and the day's sequence")
    business_type: str
    state: TicketState
    service_date: date
    arrived_at: datetime = Field(description="when it was issued; kept across a transfer")
    issued_at: datetime = Field(description="when this record was made (a transfer makes a new one)")
    green_channel: bool
    green_reason: GreenReason | None
    appointment_code: str | None
    slot_start: datetime | None = Field(description="a checked-in appointment's slot: from its start the "
                                        "ticket goes ahead of ordinary ones; none for a late arrival")
    slot_end: datetime | None
    id_masked: str | None
    window: int | None = Field(description="the window that called it (or parked it)")
    target_window: int | None = Field(description="after a transfer to a window: only it calls this")
    call_count: int = Field(description="calls in the current round (call, recalls, or a call-back)")
    called_at: datetime | None
    served_at: datetime | None
    ended_at: datetime | None
    transferred_from: int | None
    appointment_arrival: AppointmentArrival | None = Field(
        default=None, description="for an appointment's ticket: in time, early or late")


class CallRequest(_In):
    """Calling a specific ticket out of order, by id or by today's number."""

    ticket_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    number: str | None = Field(default=None, pattern=r"^[A-Z]\d{3}$")

    @model_validator(mode="after")
    def _one(self) -> CallRequest:
        if (self.ticket_id is None) == (self.number is None):
            raise ValueError("give either ticket_id or number")
        return self


class TransferRequest(_In):
    """Where a ticket goes: another business type's queue, a particular window, or both."""

    business_type: str | None = Field(default=None, pattern=BUSINESS_TYPE_CODE)
    window: int | None = Field(default=None, ge=1, le=999)

    @model_validator(mode="after")
    def _somewhere(self) -> TransferRequest:
        if self.business_type is None and self.window is None:
            raise ValueError("give a business type or a window to transfer to")
        return self


class BookingChannel(StrEnum):
    """How an appointment was booked."""

    COUNTER = "counter"  # by the clerk, for the applicant at the window
    PHONE = "phone"  # by the clerk, for an applicant on the phone
    IMPORT = "import"  # from the province's booking platform (JSON)
    ADMIN = "admin"  # one by one by the admin (POST /queue/appointments)


IdNumber = Annotated[str, Field(max_length=32), AfterValidator(normalise_id_number)]


def _plausible(moment: datetime) -> datetime:
    """An appointment's time: years 2000 to 2100 (beyond, a zone's offset may overflow)."""
    if not 2000 <= moment.year <= 2100:
        raise ValueError("an appointment's time is between the years 2000 and 2100")
    return moment


SlotTime = Annotated[datetime, AfterValidator(_plausible)]


class AppointmentIn(_In):
    """An appointment booked elsewhere (online, by phone), checked in at the kiosk with
    its code or the applicant's ID card. A slot given without a zone is in the hall's local
    time. The ID number is stored only as a keyed hash and a masked form."""

    code: str = Field(pattern=APPOINTMENT_CODE)
    business_type: str = Field(pattern=BUSINESS_TYPE_CODE)
    slot_start: SlotTime
    slot_end: SlotTime
    id_number: IdNumber | None = Field(default=None, description="the applicant's, for check-in by ID card")
    phone: Phone = Field(default=None, description="a mobile number for the turn reminder of the "
                         "ticket checked in with this appointment")

    @model_validator(mode="after")
    def _slot(self) -> AppointmentIn:
        if (self.slot_start.tzinfo is None) != (self.slot_end.tzinfo is None):
            raise ValueError("give both slot times with a zone, or both without")
        if self.slot_end <= self.slot_start:
            raise ValueError("the slot ends before it starts")
        return self

    def __repr__(self) -> str:  # the ID and phone numbers stay out of logs and tracebacks
        return f"AppointmentIn(code={self.code!r}, business_type={self.business_type!r})"

    __str__ = __repr__


MAX_IMPORT = 5000


class AppointmentImport(_In):
    """The province's booking platform's appointments for this hall, imported whole or not
    at all. A row already here with the same content is left as it is."""

    appointments: list[AppointmentIn] = Field(max_length=MAX_IMPORT)


class ImportAnswer(BaseModel):
    """What an import did. With any row over its slot's capacity nothing is added (409)
    and `over_capacity` names those rows' codes."""

    added: int
    unchanged: int
    over_capacity: list[str] = Field(default_factory=list)
    detail: str | None = None


class BookingRequest(_In):
    """A clerk books for an applicant at the counter or on the phone: one of the business
    type's slots (its start; without a zone, the hall's local time)."""

    business_type: str = Field(pattern=BUSINESS_TYPE_CODE)
    slot_start: SlotTime
    id_number: IdNumber
    phone: Phone = Field(default=None, description="for the turn reminder once checked in")
    channel: BookingChannel = BookingChannel.COUNTER

    @field_validator("channel")
    @classmethod
    def _by_a_clerk(cls, value: BookingChannel) -> BookingChannel:
        if value not in (BookingChannel.COUNTER, BookingChannel.PHONE):
            raise ValueError("a clerk books at the counter or on the phone")
        return value

    def __repr__(self) -> str:
        return f"BookingRequest(business_type={self.business_type!r}, channel={self.channel.value!r})"

    __str__ = __repr__


class Slot(BaseModel):
    start: datetime
    end: datetime
    capacity: int
    booked: int
    free: int = Field(description="places left; 0 also for a slot that has ended")


class SlotsPage(BaseModel):
    """A business type's slots on one day of the hall, with what is booked."""

    business_type: str
    business_type_name: str
    day: date
    today: date
    days_ahead: int
    late_minutes: int
    early_minutes: int
    slots: list[Slot]


class Appointment(BaseModel):
    code: str
    business_type: str
    slot_start: datetime
    slot_end: datetime
    checked_in: bool
    checked_in_at: datetime | None
    ticket_id: int | None
    channel: BookingChannel | None = None
    id_masked: str | None = None


class PauseRequest(_In):
    """Pausing a window: where the clerk goes (去向公开) and when they expect to be back.
    `note` is the clerk's own words (required for `other`); `until` without a zone is
    the hall's local time."""

    reason: PauseReason = PauseReason.OTHER
    note: str = Field(default="", max_length=100)
    until: datetime | None = None

    @model_validator(mode="after")
    def _said(self) -> PauseRequest:
        if self.reason is PauseReason.OTHER and not self.note.strip():
            raise ValueError("say where you are going")
        return self


class PauseInfo(BaseModel):
    """A paused window's whereabouts, as the display and the citizen screen show them."""

    reason: PauseReason
    note: str = ""
    until: datetime | None = None
    since: datetime | None = None


class CurrentTicket(BaseModel):
    """The ticket at a window's counter, as a display may show it."""

    id: int
    number: str
    business_type: str
    state: TicketState
    call_count: int


class WindowState(BaseModel):
    number: int
    name: str
    business_types: list[str]
    paused: bool
    ticket: CurrentTicket | None
    parked: int = Field(description="how many tickets are parked at this window")
    pause: PauseInfo | None = Field(default=None, description="while paused: where the clerk went")
    backup: int | None = Field(default=None, description="the AB角 window that covers this one")
    covering: list[int] = Field(default_factory=list,
                                description="paused or unstaffed windows whose tickets this one serves now")


class BusinessTypeCount(BaseModel):
    code: str
    name: str
    prefix: str
    waiting: int
    issued: int = Field(description="numbers given out today")
    daily_quota: int
    average_service_seconds: float | None = Field(
        default=None, description="today's mean service time; None before the first is finished")
    estimated_wait_minutes: int | None = Field(
        default=None, description="for a ticket taken now: waiting × service time ÷ open windows")


class QueueSummary(BaseModel):
    service_date: date
    business_types: list[BusinessTypeCount]
    windows: list[WindowState]


# -- live event payloads (never an ID number, not even masked) ---------------------------


class TicketCalled(BaseModel):
    ticket_id: int
    number: str
    window: int
    window_name: str
    business_type: str
    business_type_name: str
    call_count: int
    recall: bool = Field(description="a repeat call of the same ticket")


class TicketStateChanged(BaseModel):
    ticket_id: int
    number: str
    business_type: str
    state: TicketState
    window: int | None


class QueueCounts(BaseModel):
    service_date: date
    waiting: dict[str, int] = Field(description="business type code -> waiting tickets")
