"""Live events pushed by the hall server as Server-Sent Events."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class EventType(StrEnum):
    REFERENCE_CHANGED = "reference.changed"
    RECORDS_STORED = "records.stored"
    RECORD_CONFLICT = "records.conflict"


class Event(BaseModel):
    id: int
    type: str
    data: dict[str, Any]
