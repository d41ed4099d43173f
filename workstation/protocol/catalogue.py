"""The guide catalogue's wire form: a service item with its materials and situations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workstation.domain.catalogue import (
    ApplicantKind,
    CaseType,
    ItemType,
    MaterialForm,
    MaterialSource,
    MaterialType,
    Necessity,
    OriginalOrCopy,
    TimeUnit,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Department(_Strict):
    name: str = Field(min_length=1)
    code: str = Field(default="", max_length=32)


class TimeLimit(_Strict):
    value: int = Field(ge=0, le=3650)
    unit: TimeUnit = TimeUnit.WORKING_DAYS


class FeeItem(_Strict):
    name: str = Field(min_length=1)
    standard: str = Field(min_length=1)
    basis: str = ""
    waivable: bool = False


class Fees(_Strict):
    charged: bool = False
    items: tuple[FeeItem, ...] = ()

    @model_validator(mode="after")
    def _items_when_charged(self) -> Fees:
        if self.charged and not self.items:
            raise ValueError("charged is true but no fee item is listed")
        return self


class Question(_Strict):
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)


class Material(_Strict):
    """申请材料: one document the applicant brings, with what the clerk checks."""

    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)
    type: MaterialType = MaterialType.CERTIFICATE
    form: MaterialForm = MaterialForm.PAPER
    original_or_copy: OriginalOrCopy = OriginalOrCopy.ORIGINAL
    original_count: int = Field(default=1, ge=0, le=99)
    copy_count: int = Field(default=0, ge=0, le=99)
    necessity: Necessity = Necessity.REQUIRED
    source: MaterialSource = MaterialSource.APPLICANT
    # 免提交: the hall can fetch it by data sharing instead of asking the applicant.
    shareable: bool = False
    # 材料复用: months a received one may be kept for reuse with the applicant's consent;
    # 0: never kept; None: the default (domain.checklist.held_months: a year, except forms
    # and identity documents, which are never kept).
    held_months: int | None = Field(default=None, ge=0, le=120)
    filling_notes: str = ""
    # 受理标准: what the clerk checks; a defect is recorded against one of these.
    acceptance_standards: tuple[str, ...] = Field(min_length=1)
    blank_form: str | None = None
    sample: str | None = None
    # Situation option ids; the material applies when any of them is chosen (empty: always).
    applies_when: tuple[str, ...] = ()


class SituationOption(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)


class SituationGroup(_Strict):
    """办事情形: one question whose answer changes the material list."""

    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1)
    options: tuple[SituationOption, ...] = Field(min_length=2)
    multiple: bool = False


class ServiceItem(_Strict):
    """事项 with its 办事指南."""

    code: str = Field(min_length=1, max_length=36, description="实施编码")
    basic_code: str = Field(min_length=1, max_length=12, description="基本编码")
    handling_code: str = Field(default="", max_length=40, description="业务办理项编码")
    name: str = Field(min_length=1, max_length=200)
    item_type: ItemType
    version: str = "1"
    department: Department
    applicant_kinds: tuple[ApplicantKind, ...] = Field(min_length=1)
    business_type: str = Field(min_length=1, description="the queue business type that serves it")
    conditions: str = Field(min_length=1, description="受理条件")
    basis: tuple[str, ...] = Field(default=(), description="设定依据")
    legal_limit: TimeLimit
    promised_limit: TimeLimit
    case_type: CaseType
    commitment_allowed: bool = False
    fees: Fees = Fees()
    procedure: tuple[str, ...] = Field(min_length=1)
    place: str = Field(min_length=1)
    hours: str = Field(min_length=1)
    phone: str = Field(min_length=1)
    complaint_phone: str = Field(min_length=1)
    faq: tuple[Question, ...] = ()
    situations: tuple[SituationGroup, ...] = ()
    materials: tuple[Material, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ServiceItem:
        material_ids = [m.id for m in self.materials]
        if len(set(material_ids)) != len(material_ids):
            raise ValueError("material ids repeat")
        option_ids = [o.id for g in self.situations for o in g.options]
        if len(set(option_ids)) != len(option_ids):
            raise ValueError("situation option ids repeat")
        known = set(option_ids)
        for material in self.materials:
            unknown = set(material.applies_when) - known
            if unknown:
                raise ValueError(
                    f"material {material.id} applies when unknown situation {sorted(unknown)}"
                )
        if self.case_type is CaseType.ON_THE_SPOT and self.promised_limit.value > 1:
            raise ValueError("an on-the-spot item (即办件) cannot promise more than one day")
        if self.promised_limit.unit == self.legal_limit.unit and (
            self.promised_limit.value > self.legal_limit.value
        ):
            raise ValueError("the promised limit exceeds the legal limit")
        return self
