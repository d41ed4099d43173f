"""Records that a workstation creates and uploads: cases, checks, audits, ratings…"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

MAX_BATCH = 1000

KIND_PATTERN = r"^[a-z][a-z0-9_.]{0,63}$"


class RecordIn(BaseModel):
    uuid: uuid.UUID
    kind: str = Field(pattern=KIND_PATTERN)
    created_at: datetime
    payload: dict[str, Any]

    @field_validator("created_at")
    @classmethod
    def _has_a_utc_time(cls, value: datetime) -> datetime:
        # The server hashes and stores the time in UTC: 0001-01-01T00:00+05:00 has none.
        try:
            (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
        except OverflowError:
            raise ValueError("the time is out of range once in UTC") from None
        return value


class UploadBatch(BaseModel):
    records: list[RecordIn] = Field(min_length=1, max_length=MAX_BATCH)


STORED = 201  # new on the server
ALREADY_STORED = 200  # the same UUID with the same content: acknowledged again
CONFLICT = 409  # the same UUID with other content: recorded, never overwritten


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
