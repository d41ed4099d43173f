"""Records that a workstation creates and uploads: cases, checks, audits, ratings…"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

MAX_BATCH = 1000

KIND_PATTERN = r"^[a-z][a-z0-9_.]{0,63}$"
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, tzinfo=UTC)


def check_time(value: datetime) -> datetime:
    """`value` if it lies within EARLIEST…LATEST (naive: UTC), else ValueError. The server
    stores times in UTC and reads them in the hall's zone: 0001-01-01T00:00+08:00 has no UTC
    form and 9999-12-31T20:00Z no hall-time form, and no record of a hall is from then."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        inside = EARLIEST <= aware.astimezone(UTC) <= LATEST
    except OverflowError:
        inside = False
    if not inside:
        raise ValueError(f"the time is not between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    return value


# A time in a record (its creation, or one its payload names that the server indexes).
RecordTime = Annotated[datetime, AfterValidator(check_time)]


class RecordIn(BaseModel):
    uuid: uuid.UUID
    kind: str = Field(pattern=KIND_PATTERN)
    created_at: RecordTime
    payload: dict[str, Any]


class UploadBatch(BaseModel):
    records: list[RecordIn] = Field(min_length=1, max_length=MAX_BATCH)


STORED = 201  # new on the server
ALREADY_STORED = 200  # the same UUID with the same content: acknowledged again
CONFLICT = 409  # the same UUID with other content: recorded, never overwritten
# The hall refused the record itself (a case step another window took first, a value it
# cannot store): not stored, the reason in `detail`; the window keeps it and stops sending.
REFUSED = 422


class RecordResult(BaseModel):
    uuid: uuid.UUID
    status: int
    detail: str = ""


class UploadResult(BaseModel):
    results: list[RecordResult]


class RecordOut(BaseModel):
    uuid: uuid.UUID
    kind: str
    created_at: datetime
    received_at: datetime
    device_id: str
    payload: dict[str, Any]


class RecordsPage(BaseModel):
    records: list[RecordOut]
    next_after: uuid.UUID | None


class ConflictOut(BaseModel):
    uuid: uuid.UUID
    device_id: str
    received_at: datetime
    stored_hash: str
    offered_hash: str
    offered_payload: dict[str, Any]
