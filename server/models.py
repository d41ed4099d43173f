"""The hall server's tables."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from server.halls import DEFAULT_HALL


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime}


class Account(Base):
    """A person who logs in: admin, supervisor or clerk."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AccountHall(Base):
    """A hall a supervisor or admin works in (server.halls): with any row, the account
    sees exactly the halls its rows name; with none, its device's hall."""

    __tablename__ = "account_halls"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    hall: Mapped[str] = mapped_column(String(16), primary_key=True)


class EnrolmentCode(Base):
    """A one-time code IT gives a new device. Only its hash is kept."""

    __tablename__ = "enrolment_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_kind: Mapped[str] = mapped_column(String(16))
    window: Mapped[int | None] = mapped_column(Integer)
    hall: Mapped[str] = mapped_column(String(16), server_default=DEFAULT_HALL)  # the device's hall
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[str | None] = mapped_column(String(36))


class Device(Base):
    """An enrolled workstation, display or kiosk, known by the hash of its token."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    window: Mapped[int | None] = mapped_column(Integer)
    # The hall it was enrolled to (server.halls): it sees that hall's queue and records only.
    hall: Mapped[str] = mapped_column(String(16), server_default=DEFAULT_HALL)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # When, by whom and why an admin revoked it (a stolen PC): its token stops working.
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revoked_reason: Mapped[str | None] = mapped_column(String(200))


class LoginSession(Base):
    """A person logged in at a device."""

    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # When the session was last used (to the minute or so): unused for the server's idle
    # limit (COUNTER_SESSION_IDLE_MINUTES), it ends. None: not used since login.
    last_seen_at: Mapped[datetime | None]


class LoginFailure(Base):
    """A login refused for a wrong username or password, kept for the lockout count (per
    account name and per device) and the security log. `cleared_at`: no longer counted (the
    account logged in, was locked for these failures, or an admin unlocked it)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username", "username", "failed_at"),
                      Index("ix_login_failures_device", "device_id", "failed_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(36))
    failed_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]


class LoginLockout(Base):
    """An account name or a device that may not log in until `locked_until`, after too many
    failed logins; an admin may lift it sooner (`unlocked_at`, `unlocked_by`)."""

    __tablename__ = "login_lockouts"
    __table_args__ = (Index("ix_login_lockouts_subject", "scope", "subject", "locked_until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(8))  # account (subject: the username) or device (its id)
    subject: Mapped[str] = mapped_column(String(64))
    locked_at: Mapped[datetime]
    locked_until: Mapped[datetime]
    failures: Mapped[int] = mapped_column(Integer)
    unlocked_at: Mapped[datetime | None]
    unlocked_by: Mapped[str | None] = mapped_column(String(64))


class RevisionCounter(Base):
    """The one row that hands out reference revisions. Taking it under a row lock
    makes revisions commit in the order they are given, so a client that has seen
    revision N can never later miss a smaller one."""

    __tablename__ = "revision_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class ReferenceEntry(Base):
    """The current value of one piece of reference data, or its tombstone."""

    __tablename__ = "reference_entries"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, unique=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    changed_at: Mapped[datetime]


class Record(Base):
    """A record a workstation created, stored once by its UUID."""

    __tablename__ = "records"

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    hall: Mapped[str] = mapped_column(String(16), server_default=DEFAULT_HALL)  # the uploading device's
    created_at: Mapped[datetime]
    received_at: Mapped[datetime]
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_records_hall_kind_uuid", "hall", "kind", "uuid"),)


class RecordConflict(Base):
    """A record offered again under a known UUID with other content. The stored record
    stays as it was; this row keeps what was offered, for a supervisor to look at."""

    __tablename__ = "record_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime]
    stored_hash: Mapped[str] = mapped_column(String(64))
    offered_hash: Mapped[str] = mapped_column(String(64))
    offered_payload: Mapped[dict[str, Any]] = mapped_column(JSON)


# ---------------------------------------------------------------------------------------
# The queue (排队叫号). States and operations are defined in workstation.domain.queue.
# ---------------------------------------------------------------------------------------


class Ticket(Base):
    """A queue ticket. A transfer ends this record (state transferred) and starts a new
    waiting one with the same number and arrival time (`transferred_from`)."""

    __tablename__ = "queue_tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The hall whose queue it is in (server.halls): numbers, quotas and calls are per hall.
    hall: Mapped[str] = mapped_column(String(16), server_default=DEFAULT_HALL)
    service_date: Mapped[date] = mapped_column(Date)
    business_type: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(8))
    sequence: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    arrived_at: Mapped[datetime]
    issued_at: Mapped[datetime]
    green_channel: Mapped[bool] = mapped_column(Boolean, default=False)
    green_reason: Mapped[str | None] = mapped_column(String(16))
    appointment_code: Mapped[str | None] = mapped_column(String(32))
    slot_start: Mapped[datetime | None]
    slot_end: Mapped[datetime | None]
    # A keyed hash of the ID number (the key is kept outside the database) and its masked
    # form; the number itself is never stored.
    id_hash: Mapped[str | None] = mapped_column(String(64))
    id_masked: Mapped[str | None] = mapped_column(String(24))
    # A mobile number for the turn reminder (server.reminders), cleared once it is sent;
    # reminded_at: when it was sent, so it goes once (a restart does not send it again).
    phone: Mapped[str | None] = mapped_column(String(20))
    reminded_at: Mapped[datetime | None]
    # The device (kiosk) that issued it: a kiosk reads and cancels only its own tickets.
    issued_by: Mapped[str | None] = mapped_column(String(36))
    window: Mapped[int | None] = mapped_column(Integer)
    target_window: Mapped[int | None] = mapped_column(Integer)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    called_at: Mapped[datetime | None]
    served_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    transferred_from: Mapped[int | None] = mapped_column(ForeignKey("queue_tickets.id"))
    # For the supervisor's statistics, fixed when they happen: who called it (the clerk's
    # username), seconds from arrival to the first call, and from start to the end.
    clerk: Mapped[str | None] = mapped_column(String(64))
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    service_seconds: Mapped[int | None] = mapped_column(Integer)

    # Calling next reads, per business type, the first few waiting tickets of each group
    # in arrival order: each group is an index range, never a scan of everyone waiting.
    __table_args__ = (
        Index("ix_queue_tickets_next", "hall", "service_date", "state", "business_type", "green_channel",
              "arrived_at"),
        Index("ix_queue_tickets_appointment", "hall", "service_date", "state", "business_type", "green_channel",
              "arrived_at", sqlite_where=text("slot_start IS NOT NULL"),
              postgresql_where=text("slot_start IS NOT NULL")),
        Index("ix_queue_tickets_target", "target_window", "state", "arrived_at",
              sqlite_where=text("target_window IS NOT NULL"), postgresql_where=text("target_window IS NOT NULL")),
        Index("ix_queue_tickets_window", "window", "state"),
        Index("ix_queue_tickets_id_hash", "id_hash"),
        # The supervisor's statistics (server.monitoring): a month of a large hall is one
        # range of this index, in the order they group by, without reading a table row.
        Index("ix_queue_tickets_statistics", "service_date", "business_type", "window", "clerk", "state",
              "transferred_from", "wait_seconds", "service_seconds"),
    )


class DailyCounter(Base):
    """The last number given out today for one business type. Taking this row under a
    lock is what makes numbers unique and the quota exact."""

    __tablename__ = "queue_counters"

    hall: Mapped[str] = mapped_column(String(16), primary_key=True, server_default=DEFAULT_HALL)
    service_date: Mapped[date] = mapped_column(Date, primary_key=True)
    business_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class WindowState(Base):
    """A window's live state. Its row is the lock every counter operation at the window
    takes first, so a window never holds two tickets at its counter."""

    __tablename__ = "queue_windows"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime]
    # 去向公开: where the clerk went (workstation.domain.queue.PauseReason), their words,
    # and when they said they would be back; set while paused.
    pause_reason: Mapped[str | None] = mapped_column(String(16))
    pause_note: Mapped[str | None] = mapped_column(String(100))
    pause_until: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]


class Appointment(Base):
    """A booked slot, checked in at the kiosk with its code or the applicant's ID card."""

    __tablename__ = "queue_appointments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    hall: Mapped[str] = mapped_column(String(16), server_default=DEFAULT_HALL)  # checked in at its kiosks only
    business_type: Mapped[str] = mapped_column(String(32))
    slot_start: Mapped[datetime]
    slot_end: Mapped[datetime]
    checked_in: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_in_at: Mapped[datetime | None]
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    phone: Mapped[str | None] = mapped_column(String(20))  # for the checked-in ticket's reminder
    # How it was booked (workstation.protocol.queue.BookingChannel; none: before 0020) and
    # by whom (the clerk's or admin's username); the applicant's ID number as the keyed
    # hash and its masked form, never the number; the hall day of the slot.
    channel: Mapped[str | None] = mapped_column(String(8))
    booked_by: Mapped[str | None] = mapped_column(String(64))
    id_hash: Mapped[str | None] = mapped_column(String(64))
    id_masked: Mapped[str | None] = mapped_column(String(24))
    service_date: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_queue_appointments_slot", "business_type", "slot_start"),
        Index("ix_queue_appointments_person", "id_hash", "service_date"),
    )


# ---------------------------------------------------------------------------------------
# Documents (receipts and notices): the PDFs themselves, by SHA-256, and an index by
# 办件编号 for the check the document's QR code points to.
# ---------------------------------------------------------------------------------------


class DocumentBlob(Base):
    """A document's bytes, stored once under the SHA-256 of those bytes."""

    __tablename__ = "document_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    device_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime]


class IssuedDocument(Base):
    """A document handed to an applicant, as its `document` record described it."""

    __tablename__ = "issued_documents"

    record_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    applicant_signed: Mapped[bool] = mapped_column(Boolean)
    hall_signed: Mapped[bool] = mapped_column(Boolean)
    issued_at: Mapped[datetime]
    received_at: Mapped[datetime]


# ---------------------------------------------------------------------------------------
# Ratings (好差评): an index of the `case` and `rating` records for the default-rating job
# and the report, and the follow-up tasks of bad ratings with their history.
# ---------------------------------------------------------------------------------------


class RatedCase(Base):
    """A case (办件) the hall holds, by 办件编号: what the default-rating job looks at."""

    __tablename__ = "rating_cases"

    case_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_uuid: Mapped[uuid.UUID] = mapped_column(Uuid)
    device_id: Mapped[str] = mapped_column(String(36))
    accepted_at: Mapped[datetime] = mapped_column(index=True)


class Rating(Base):
    """A `rating` record, indexed for the report and the default-rating job."""

    __tablename__ = "ratings"

    record_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    rated_at: Mapped[datetime] = mapped_column(index=True)
    level: Mapped[int] = mapped_column(Integer)
    channel: Mapped[int] = mapped_column(Integer)


class FollowUp(Base):
    """The follow-up of one bad rating (回访 → 整改 or 解释 → 办结)."""

    __tablename__ = "rating_follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rating_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    opened_at: Mapped[datetime]
    # None while the working-day calendar of its year is unpublished; the rating job fills it in.
    due_on: Mapped[date | None] = mapped_column(Date)
    changed_at: Mapped[datetime]


class FollowUpStep(Base):
    """One step of a follow-up: who did what, when, and their note."""

    __tablename__ = "rating_follow_up_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("rating_follow_ups.id"), index=True)
    at: Mapped[datetime]
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(2000))  # workstation.domain.rating.MAX_STEP_NOTE


# ---------------------------------------------------------------------------------------
# Cases (办件) after the counter: an index of the `case` records and the steps that move
# each case on (`case.step` records), for the window that hands a result over and for the
# supervisor's deadline supervision (电子监察).
# ---------------------------------------------------------------------------------------


class Case(Base):
    """A case by its 办件编号, as its `case` record and its steps left it."""

    __tablename__ = "cases"

    case_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    device_id: Mapped[str] = mapped_column(String(36))
    hall: Mapped[str] = mapped_column(String(16), server_default=DEFAULT_HALL)  # its `case` record's
    item_code: Mapped[str] = mapped_column(String(64))
    item_name: Mapped[str] = mapped_column(String(200))
    department_code: Mapped[str] = mapped_column(String(64), index=True)
    department_name: Mapped[str] = mapped_column(String(200))
    case_type: Mapped[str] = mapped_column(String(16))  # 即办件 / 承诺件 (the item's case_type)
    decision: Mapped[str] = mapped_column(String(32))  # workstation.domain.checklist.Decision
    clerk_username: Mapped[str] = mapped_column(String(64), index=True)
    clerk_name: Mapped[str] = mapped_column(String(100))
    window: Mapped[int | None] = mapped_column(Integer)
    applicant_masked_name: Mapped[str] = mapped_column(String(100))
    applicant_masked_id: Mapped[str] = mapped_column(String(40))
    # A keyed hash of the applicant's ID number (the queue's key): the pickup window
    # finds the case by reading the card; the number itself is not kept here.
    applicant_id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    accepted_at: Mapped[datetime] = mapped_column(index=True)
    promised_date: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))  # workstation.domain.case.CaseState
    state_at: Mapped[datetime]
    result: Mapped[str | None] = mapped_column(String(16))  # the conclusion (准予 / 不予 …)
    concluded_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    # The earliest due date of a 容缺 material still missing; None once all arrived.
    deficiency_due: Mapped[date | None] = mapped_column(Date)
    # 告知承诺 verification: pending, confirmed or false; None when not on commitment.
    commitment: Mapped[str | None] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16), default="none")  # domain.case.DeadlineLevel
    level_at: Mapped[datetime | None]
    # 一件事: the bundle's 办件编号 and this item's sub-number (01, 02 …); None for a case on its own.
    bundle_number: Mapped[str | None] = mapped_column(String(32), index=True)
    bundle_name: Mapped[str | None] = mapped_column(String(100))
    sub_number: Mapped[str | None] = mapped_column(String(4))
    # 帮办: the hall's helper named on the case (None: the applicant or their agent alone).
    helper_name: Mapped[str | None] = mapped_column(String(100))

    # `level` and `level_at` are in no index: the deadline scan rewrites thousands of them on
    # a day's first scan, and on PostgreSQL an update that changes no indexed column is a
    # heap-only one (the table keeps free room for it, migration 0011), not an entry in
    # each of the table's eight indexes. Which cases the scan looks at: case_deadlines.
    __table_args__ = (Index("ix_cases_open", "state", "promised_date"),)


class CaseDeadline(Base):
    """When an open case's deadline level next needs looking at (server.cases): the first
    day on which it may change, computed with the hall calendar and supervision settings
    when the scan last set it; a new case, a step, or a change of calendar or settings
    makes it due at once. A day's first scan reads only the cases due, through the index,
    instead of every open case. A closed case has no row."""

    __tablename__ = "case_deadlines"
    # On SQLite the rows are kept in case-number order (no separate rowid to look up).
    __table_args__ = {"sqlite_with_rowid": False}

    case_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)


class CaseDeadlineBasis(Base):
    """What the case_deadlines days were computed with (one row, id 1): a digest of the
    hall calendar, the supervision settings and the hall's time zone, and the last day
    scanned. A scan whose basis differs, or whose day is earlier, looks at every open
    case; so does the first scan of a database without the row."""

    __tablename__ = "case_deadline_basis"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    basis: Mapped[str] = mapped_column(String(64))
    scanned_on: Mapped[date] = mapped_column(Date)


class CaseStep(Base):
    """One step of a case after the counter, from its `case.step` record. A step whose
    case has not arrived yet waits (applied false) and is applied when it does."""

    __tablename__ = "case_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    step: Mapped[str] = mapped_column(String(24))  # workstation.domain.case.CaseStep
    at: Mapped[datetime]
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(100))
    window: Mapped[int | None] = mapped_column(Integer)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]]
    applied: Mapped[bool] = mapped_column(Boolean, default=True)


# ---------------------------------------------------------------------------------------
# The supervisor's statistics (server.monitoring): the figures of each closed service day,
# kept once computed, so that a month's statistics read some 2,400 small rows instead of
# its 150,000 tickets.
# ---------------------------------------------------------------------------------------


class StatisticsDay(Base):
    """One closed service day's figures for one group: the day's total (grouping `total`,
    key ''), a business type (`type`), a window (`window`, its number as text) or a clerk
    (`clerk`). `waits` and `services`: every measured wait and service time of the group
    that day, in seconds, sorted, as little-endian 32-bit integers, so that percentiles
    over any range of days stay exact. `generation`: the day's statistics_stamps
    generation these were computed from (0 when the day had none)."""

    __tablename__ = "statistics_days"

    service_date: Mapped[date] = mapped_column(Date, primary_key=True)
    grouping: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)
    issued: Mapped[int] = mapped_column(Integer)
    served: Mapped[int] = mapped_column(Integer)
    no_shows: Mapped[int] = mapped_column(Integer)
    transfers: Mapped[int] = mapped_column(Integer)
    wait_sum: Mapped[int] = mapped_column(BigInteger)
    service_sum: Mapped[int] = mapped_column(BigInteger)
    waits: Mapped[bytes] = mapped_column(LargeBinary)
    services: Mapped[bytes] = mapped_column(LargeBinary)


class StatisticsStamp(Base):
    """How often the tickets of a past service day were written after that day: bumped by
    a database trigger on queue_tickets (migration 0010) for every row inserted, changed
    or deleted whose service day is more than a day behind the database's UTC date. A
    statistics_days row whose generation differs is stale and computed again."""

    __tablename__ = "statistics_stamps"

    service_date: Mapped[date] = mapped_column(Date, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)


class HallEvent(Base):
    """The events the hall's streams carry, on PostgreSQL (server.events.SharedEventBus):
    written in the transaction of the change they announce, read by every server process
    after a NOTIFY, in id order. Ids are given under a lock held to the commit, so they
    commit in order: a reader that has seen id N has seen everything before it.
    `audience`: the roles that see it, comma-separated, and for a hall's event `@` and the
    hall (server.halls), whose streams alone see it."""

    __tablename__ = "hall_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HallEventCounter(Base):
    """The last id given to a hall event (one row). Taking the next ids updates the row,
    which holds its lock to the commit: events commit in the order of their ids."""

    __tablename__ = "hall_event_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(BigInteger)


class HeldMaterial(Base):
    """材料复用: a material the hall keeps for an applicant who agreed to it on the citizen
    screen (server.held), by the keyed hash of their ID number (never the number), with the
    case that received it and how long it may stand in for a new copy. One row per
    applicant and material name: a later consent replaces an earlier one."""

    __tablename__ = "held_materials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    applicant_id_hash: Mapped[str] = mapped_column(String(64))
    material_name: Mapped[str] = mapped_column(String(200))
    material_id: Mapped[str] = mapped_column(String(100))
    item_name: Mapped[str] = mapped_column(String(200))
    case_number: Mapped[str] = mapped_column(String(32))
    received_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_held_materials_applicant", "applicant_id_hash", "material_name", unique=True),)


# ---------------------------------------------------------------------------------------
# Security (server.audit, server.devices_api): the uploads of revoked devices kept for
# review, the server's own append-only audit chain, and the workstations' audit chains as
# verified on arrival.
# ---------------------------------------------------------------------------------------


class QuarantinedUpload(Base):
    """An upload (records, a document) a revoked device sent, refused and kept for review.
    The same body sent again is counted on its row (`attempts`, `last_received_at`)."""

    __tablename__ = "quarantined_uploads"
    __table_args__ = (Index("ix_quarantined_uploads_body", "device_id", "body_sha256", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime]
    last_received_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str | None] = mapped_column(String(100))
    body_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    reason: Mapped[str] = mapped_column(String(300))


class ServerAudit(Base):
    """One entry of the server's audit trail: append-only and hash-chained (server.audit).
    `id` is the entry's place in the chain (1, 2, 3…), given under the lock of
    server_audit_head; `hash` is SHA-256 over the canonical JSON of the previous hash and
    every other column. Database triggers refuse any UPDATE, and a DELETE of an entry less
    than 180 days old (migration 0019)."""

    __tablename__ = "server_audit"
    __table_args__ = (Index("ix_server_audit_at", "at"), Index("ix_server_audit_action", "action", "at"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))  # an account's username, a device's id, or the server/CLI
    role: Mapped[str | None] = mapped_column(String(16))
    device_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(64))
    object: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ServerAuditHead(Base):
    """The one row (id 1) every append to server_audit locks first: the last entry's id
    and hash. Appends wait for each other here, so the chain never forks; a tail removed
    from server_audit shows against it."""

    __tablename__ = "server_audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The last link of a workstation's audit chain the hall holds, verified on arrival."""

    __tablename__ = "audit_chain_heads"

    chain: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    record_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime]


class AuditAlert(Base):
    """A break found in a workstation's audit chain as its records arrived (a link
    missing, changed or out of order): shown to the supervisor until acknowledged."""

    __tablename__ = "audit_alerts"
    __table_args__ = (Index("ix_audit_alerts_open", "acknowledged_at", "raised_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raised_at: Mapped[datetime]
    device_id: Mapped[str] = mapped_column(String(36))
    chain: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(500))
    record_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
