"""Cases after the counter on the wire: the `case.step` record a window uploads through
its outbox, and what the hall server answers about a case (for the pickup window and
the supervisor's deadline board). An applicant's ID number travels only in CaseSearch;
every answer carries at most masked forms."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workstation.domain.case import CaseState, DeadlineLevel, Delivery, Result, Step, Verification
from workstation.domain.queue import normalise_id_number
from workstation.protocol.records import RecordTime

CASES_PREFIX = "/cases"
STEP_KIND = "case.step"  # workstation.domain.case.STEP_KIND


class CaseEventType(StrEnum):
    DEADLINE = "case.deadline"  # CaseDeadlineEvent: a case's level changed
    CHANGED = "case.changed"  # CaseChangedEvent: a case was indexed or moved on


class Actor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=100)


class CaseStepRecord(BaseModel):
    """The payload of a `case.step` record: one step taken at a window. A resend (same
    record UUID) is acknowledged again; a step the case no longer allows (another window
    concluded it first) is refused with 409 naming who did what."""

    model_config = ConfigDict(extra="forbid")

    case_number: str = Field(min_length=1, max_length=32)
    step: Step
    at: RecordTime
    actor: Actor
    window: int | None = Field(default=None, ge=1, le=999)
    result: Result | None = None  # CONCLUDE
    method: Delivery | None = None  # DELIVER
    material_id: str | None = Field(default=None, max_length=64)  # SUPPLEMENT
    material_name: str = Field(default="", max_length=200)
    outcome: Verification | None = None  # VERIFY: confirmed or false
    note: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _complete(self) -> CaseStepRecord:
        needed = {Step.CONCLUDE: ("result", self.result), Step.DELIVER: ("method", self.method),
                  Step.SUPPLEMENT: ("material_id", self.material_id), Step.VERIFY: ("outcome", self.outcome)}
        if self.step in needed and needed[self.step][1] is None:
            raise ValueError(f"a {self.step.value} step needs its {needed[self.step][0]}")
        if self.outcome is Verification.PENDING:
            raise ValueError("a verification is confirmed or false")
        return self


class CaseSearch(BaseModel):
    """Finding an applicant's cases by the ID card read at the window (POST, so the
    number is never in a URL or an access log)."""

    model_config = ConfigDict(extra="forbid")

    id_number: str = Field(max_length=32)

    @field_validator("id_number")
    @classmethod
    def _valid(cls, value: str) -> str:
        return normalise_id_number(value)

    def __repr__(self) -> str:
        return "CaseSearch(id_number=***)"

    __str__ = __repr__


class CaseStepOut(BaseModel):
    step: Step
    at: datetime
    actor_name: str
    window: int | None
    from_state: CaseState | None
    to_state: CaseState | None
    detail: dict[str, Any]


class Deficiency(BaseModel):
    material_id: str
    material_name: str
    due: date | None
    received: bool


class CaseSummary(BaseModel):
    case_number: str
    item_name: str
    department_code: str
    department_name: str
    decision: str
    clerk_name: str
    window: int | None
    applicant: str = Field(description="the applicant's masked name")
    applicant_id: str = Field(description="the masked ID number")
    accepted_at: datetime
    promised_date: date | None
    state: CaseState
    state_at: datetime
    level: DeadlineLevel
    result: Result | None = None
    deficiency_due: date | None = None
    commitment: Verification | None = None
    # 一件事: the bundle's 办件编号, its name and this item's sub-number (None on its own).
    bundle_number: str | None = None
    bundle_name: str | None = None
    sub_number: str | None = None


class CaseDetail(CaseSummary):
    history: list[CaseStepOut]
    deficiencies: list[Deficiency]
    allowed: list[Step] = Field(description="the steps a window may take now")


class LevelCounts(BaseModel):
    key: str = Field(description="department code or clerk username")
    name: str
    open: int
    reminder: int
    yellow: int
    red: int


class DeadlineBoard(BaseModel):
    """电子监察: the open cases with a level (worst first), counted per department and clerk."""

    today: date
    cases: list[CaseSummary]
    totals: LevelCounts
    by_department: list[LevelCounts]
    by_clerk: list[LevelCounts]


class CaseDeadlineEvent(BaseModel):
    """`case.deadline`: a case's level changed (to supervisors and admins)."""

    case_number: str
    level: DeadlineLevel
    previous: DeadlineLevel
    item_name: str
    window: int | None


class CaseChangedEvent(BaseModel):
    """`case.changed`: a step moved a case on (to supervisors and admins)."""

    case_number: str
    state: CaseState
    step: Step | None
