"""材料复用 on the wire: finding the materials the hall keeps for an applicant (POST, so the
ID number is never in a URL or an access log; the hall hashes it and keeps only the hash)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

HELD_PREFIX = "/held-materials"


class HeldSearch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: str = Field(min_length=1, max_length=32)

    @field_validator("id_number")
    @classmethod
    def _printable(cls, value: str) -> str:
        value = value.strip()
        if not value or not value.isprintable():
            raise ValueError("an ID number is printable characters")
        return value

    def __repr__(self) -> str:
        return "HeldSearch(id_number=***)"

    __str__ = __repr__


class HeldMaterial(BaseModel):
    """One material the hall keeps for the applicant who asked: which, from which case, until when."""

    model_config = ConfigDict(extra="forbid")

    material_name: str
    material_id: str
    item_name: str
    case_number: str
    received_on: date
    valid_until: date

    def valid_on(self, day: date) -> bool:
        """Whether it still stands in for a new copy on `day` (its last day included)."""
        return self.valid_until >= day
