"""The material check (材料核验) and the five acceptance decisions it allows.

The clerk picks the item's situations (办事情形), which fixes the list of applicable
materials; then records, per material, what the applicant handed over (`MaterialCheck`).
`evaluate` turns that into an `Evaluation`: for each `Decision` whether the rules allow it
and why, and the problems a notice must list. `decide` turns an evaluation into a
`DecisionRecord`, refusing anything the rules forbid.

The rules, where the regulations leave room, are chosen as follows (and tested):

* Only REQUIRED (必要) and DEFERRABLE (容缺后补) materials count. OPTIONAL (非必要) ones
  never block a decision and never appear in a notice.
* A material "passes" when it is RECEIVED with the counts the guide asks for, ELECTRONIC,
  SHARED (免提交) or REUSED (材料复用: the hall holds it from an earlier case, with the
  applicant's consent, and it is still valid; the check names that case). RECEIVED with too few originals or copies is a problem of kind
  INSUFFICIENT, treated like a defect, whose detail says what is short.
* NOT_CHECKED on a counted material blocks every decision except 不予受理, including
  一次性告知: 行政许可法 §32 wants everything in *one* notice, and a notice written before
  the check is finished could miss a problem and need a second one.
* An unanswered situation group (no option chosen) leaves the material list unknown, so it
  blocks the same decisions as an unchecked material.
* 受理: no problem and nothing unchecked.
* 容缺受理: every REQUIRED material passes, and at least one DEFERRABLE material is missing
  or defective (national practice lets 容缺 cover secondary materials missing or with minor
  defects). Each of them needs a due date.
* 告知承诺: the item allows it, every counted FORM-type material (申请表格文书) passes, at
  least one problem exists and every problem is a CERTIFICATE-type material (证件证书证明),
  which is what a commitment may replace. With nothing missing there is nothing to commit.
* 一次性告知: at least one counted material is missing or defective; the notice lists all
  of them with the standards each must meet.
* 不予受理: always allowed, but only with a specific reason.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from workstation.domain.catalogue import (
    MaterialForm,
    MaterialSource,
    MaterialType,
    Necessity,
    OriginalOrCopy,
)
from workstation.protocol.catalogue import Material, ServiceItem, SituationGroup

# The materials whose state decides anything; OPTIONAL ones are recorded but never block.
COUNTED = frozenset({Necessity.REQUIRED, Necessity.DEFERRABLE})

_MAX_COUNT = 99  # the guide's own limit on 原件份数 / 复印件份数


# ---------------------------------------------------------------------------------------
# Situations
# ---------------------------------------------------------------------------------------


def validate_situations(item: ServiceItem, chosen: Iterable[str]) -> frozenset[str]:
    """Check the chosen situation option ids against the item's groups and return them.

    Raises ValueError for an option the item does not have, and for two options chosen
    in a single-choice group. A group with nothing chosen is not an error here: the check
    is merely incomplete (see `unanswered_groups`)."""
    chosen = frozenset(chosen)
    known = {option.id for group in item.situations for option in group.options}
    unknown = sorted(chosen - known)
    if unknown:
        raise ValueError(f"事项「{item.name}」没有这些办事情形：{'、'.join(unknown)}")
    for group in item.situations:
        picked = [option.name for option in group.options if option.id in chosen]
        if not group.multiple and len(picked) > 1:
            raise ValueError(f"办事情形「{group.name}」只能选一项，选了：{'、'.join(picked)}")
    return chosen


def unanswered_groups(item: ServiceItem, chosen: Iterable[str]) -> tuple[SituationGroup, ...]:
    """The situation groups in which nothing is chosen yet (validates `chosen` first)."""
    chosen = validate_situations(item, chosen)
    return tuple(g for g in item.situations if not any(o.id in chosen for o in g.options))


def applicable_materials(item: ServiceItem, chosen: Iterable[str]) -> list[Material]:
    """The materials that apply under the chosen situations, in the guide's order.

    A material applies when its `applies_when` is empty or names a chosen option. The
    guide never asks for anything outside this list. Raises ValueError for an invalid
    choice (see `validate_situations`)."""
    chosen = validate_situations(item, chosen)
    return [m for m in item.materials if not m.applies_when or chosen.intersection(m.applies_when)]


# ---------------------------------------------------------------------------------------
# One material's check
# ---------------------------------------------------------------------------------------


class MaterialStatus(StrEnum):
    """What the clerk found for one material."""

    RECEIVED = "received"  # paper, originals and/or copies counted
    ELECTRONIC = "electronic"  # provided electronically
    SHARED = "shared"  # fetched by data sharing, 免提交
    REUSED = "reused"  # 材料复用: held by the hall from an earlier case (reused_from names it)
    MISSING = "missing"
    DEFECTIVE = "defective"  # handed over but fails a standard; the reason says which
    NOT_CHECKED = "not_checked"

    @property
    def label(self) -> str:
        """The status in the clerk's words (已收取, 缺少, …)."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    MaterialStatus.RECEIVED: "已收取",
    MaterialStatus.ELECTRONIC: "电子材料",
    MaterialStatus.SHARED: "共享免提交",
    MaterialStatus.REUSED: "复用",
    MaterialStatus.MISSING: "缺少",
    MaterialStatus.DEFECTIVE: "不符合要求",
    MaterialStatus.NOT_CHECKED: "未核验",
}

# Statuses that may carry paper counts: a defective paper material was handed over too.
_COUNTED_STATUSES = frozenset({MaterialStatus.RECEIVED, MaterialStatus.DEFECTIVE})


@dataclass(frozen=True)
class MaterialCheck:
    """The clerk's finding for one material. Self-consistent on construction; whether it
    fits the material (form, sharing, counts) is judged by `assess`."""

    material_id: str
    status: MaterialStatus
    original_count: int = 0
    copy_count: int = 0
    defect_reason: str | None = None
    reused_from: str | None = None  # REUSED: the 办件编号 of the case that received the material

    def __post_init__(self) -> None:
        if not self.material_id:
            raise ValueError("a material check needs the material id")
        object.__setattr__(self, "status", MaterialStatus(self.status))
        for name in ("original_count", "copy_count"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COUNT:
                raise ValueError(f"{name} must be a whole number from 0 to {_MAX_COUNT}, got {value!r}")
        if self.status not in _COUNTED_STATUSES and (self.original_count or self.copy_count):
            raise ValueError(f"a {self.status.value} material has no paper counts")
        if self.status is MaterialStatus.RECEIVED and not (self.original_count or self.copy_count):
            raise ValueError("a received material needs at least one original or copy counted")
        if self.status is MaterialStatus.DEFECTIVE:
            if self.defect_reason is None or not self.defect_reason.strip():
                raise ValueError("a defective material needs the reason (the standard it fails)")
            object.__setattr__(self, "defect_reason", self.defect_reason.strip())
        elif self.defect_reason is not None:
            raise ValueError(f"only a defective material has a defect reason, not a {self.status.value} one")
        if self.status is MaterialStatus.REUSED:
            if not (self.reused_from or "").strip():
                raise ValueError("a reused material needs the case that received it")
            object.__setattr__(self, "reused_from", self.reused_from.strip())
        elif self.reused_from is not None:
            raise ValueError(f"only a reused material names an earlier case, not a {self.status.value} one")

    @classmethod
    def received(cls, material_id: str, *, originals: int = 0, copies: int = 0) -> MaterialCheck:
        """Paper received: how many originals and copies."""
        return cls(material_id, MaterialStatus.RECEIVED, originals, copies)

    @classmethod
    def electronic(cls, material_id: str) -> MaterialCheck:
        """Provided electronically."""
        return cls(material_id, MaterialStatus.ELECTRONIC)

    @classmethod
    def shared(cls, material_id: str) -> MaterialCheck:
        """Fetched by data sharing (免提交)."""
        return cls(material_id, MaterialStatus.SHARED)

    @classmethod
    def reused(cls, material_id: str, case_number: str) -> MaterialCheck:
        """Held by the hall from case `case_number` (材料复用), not asked again."""
        return cls(material_id, MaterialStatus.REUSED, reused_from=case_number)

    @classmethod
    def missing(cls, material_id: str) -> MaterialCheck:
        """Not brought."""
        return cls(material_id, MaterialStatus.MISSING)

    @classmethod
    def defective(cls, material_id: str, reason: str, *, originals: int = 0, copies: int = 0) -> MaterialCheck:
        """Handed over but failing `reason` (one of the material's standards, or typed)."""
        return cls(material_id, MaterialStatus.DEFECTIVE, originals, copies, reason)

    @classmethod
    def not_checked(cls, material_id: str) -> MaterialCheck:
        """Not looked at yet."""
        return cls(material_id, MaterialStatus.NOT_CHECKED)


def allowed_statuses(material: Material) -> tuple[MaterialStatus, ...]:
    """The statuses the clerk may record for `material` (what the check screen offers)."""
    statuses = [MaterialStatus.NOT_CHECKED]
    if material.form is not MaterialForm.ELECTRONIC:
        statuses.append(MaterialStatus.RECEIVED)
    if material.form is not MaterialForm.PAPER:
        statuses.append(MaterialStatus.ELECTRONIC)
    if may_share(material):
        statuses.append(MaterialStatus.SHARED)
    if holdable(material):  # offered at the window only while the hall holds a valid one
        statuses.append(MaterialStatus.REUSED)
    statuses += [MaterialStatus.MISSING, MaterialStatus.DEFECTIVE]
    return tuple(statuses)


# 材料复用: how long a received material stands in for a new one when the applicant agrees
# that the hall keeps it. The guide may say (Material.held_months, 0: never kept); else a
# year, except what is read or filled in anew each time: identity documents (身份证, 身份证明,
# 护照: the card is read at every visit), forms (申请表, 委托书: written for one application)
# and what the guide asks to be recent (近期…照片).
DEFAULT_HELD_MONTHS = 12
_READ_EACH_TIME = ("身份证", "护照", "通行证", "近期")


def held_months(material: Material) -> int:
    """The months a received `material` may be kept for reuse (0: never kept)."""
    if material.held_months is not None:
        return material.held_months
    if material.type is MaterialType.FORM or any(word in material.name for word in _READ_EACH_TIME):
        return 0
    return DEFAULT_HELD_MONTHS


def holdable(material: Material) -> bool:
    """Whether the hall may keep `material` for reuse, with the applicant's consent."""
    return held_months(material) > 0


def held_until(material: Material, received_on: date) -> date:
    """The last day a `material` received on `received_on` stands in for a new one: the
    same day `held_months` later (the month's last day when it has no such day), less one."""
    months = held_months(material)
    if months <= 0:
        raise ValueError(f"材料「{material.name}」不保存")
    month = received_on.month - 1 + months
    year, month = received_on.year + month // 12, month % 12 + 1
    day = min(received_on.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def may_share(material: Material) -> bool:
    """免提交 applies to what another government body issued or the guide marks shareable."""
    return material.shareable or material.source is MaterialSource.GOVERNMENT


def required_counts(material: Material) -> tuple[int, int]:
    """(originals, copies) the guide asks for. A kind that asks for an original (or a
    copy) asks for at least one, even where the guide's count says 0."""
    kind = material.original_or_copy
    originals = max(material.original_count, 1) if kind is not OriginalOrCopy.COPY else 0
    copies = max(material.copy_count, 1) if kind is not OriginalOrCopy.ORIGINAL else 0
    return originals, copies


def requirement_text(material: Material) -> str:
    """What the applicant must bring, in words for a notice: 「原件 1 份、复印件 1 份」."""
    if material.form is MaterialForm.ELECTRONIC:
        return "电子材料"
    originals, copies = required_counts(material)
    text = {
        OriginalOrCopy.ORIGINAL: f"原件 {originals} 份",
        OriginalOrCopy.COPY: f"复印件 {copies} 份",
        OriginalOrCopy.ORIGINAL_AND_COPY: f"原件 {originals} 份、复印件 {copies} 份",
        OriginalOrCopy.ORIGINAL_OR_COPY: f"原件 {originals} 份或复印件 {copies} 份",
    }[material.original_or_copy]
    return text + ("（或电子材料）" if material.form is MaterialForm.EITHER else "")


def _shortfall(material: Material, check: MaterialCheck) -> str | None:
    """Why a received material's counts fall short, or None when they suffice."""
    originals, copies = required_counts(material)
    short_original = check.original_count < originals
    short_copy = check.copy_count < copies
    kind = material.original_or_copy
    if kind is OriginalOrCopy.ORIGINAL_OR_COPY:
        if short_original and short_copy:
            return (f"份数不足：需原件 {originals} 份或复印件 {copies} 份，"
                    f"收到原件 {check.original_count} 份、复印件 {check.copy_count} 份")
        return None
    parts = []
    if short_original:
        parts.append(f"原件需 {originals} 份，收到 {check.original_count} 份")
    if short_copy:
        parts.append(f"复印件需 {copies} 份，收到 {check.copy_count} 份")
    return "份数不足：" + "；".join(parts) if parts else None


class ProblemKind(StrEnum):
    MISSING = "missing"
    DEFECTIVE = "defective"
    INSUFFICIENT = "insufficient"  # received, but fewer originals/copies than the guide asks
    NOT_CHECKED = "not_checked"

    @property
    def label(self) -> str:
        """The problem in the words of a notice."""
        return {"missing": "缺少", "defective": "不符合要求", "insufficient": "份数不足",
                "not_checked": "未核验"}[self.value]


@dataclass(frozen=True)
class Problem:
    """One counted material that does not pass, with what it must meet."""

    material_id: str
    material_name: str
    necessity: Necessity
    material_type: MaterialType
    kind: ProblemKind
    detail: str | None  # the defect reason or the shortfall; None for missing / not checked
    requirement: str  # 「原件 1 份」 etc.
    standards: tuple[str, ...]  # 受理标准, all of them

    @property
    def in_notice(self) -> bool:
        """Whether a notice lists it: missing, defective and short materials; not unchecked ones."""
        return self.kind is not ProblemKind.NOT_CHECKED


def assess(material: Material, check: MaterialCheck) -> Problem | None:
    """The problem `check` leaves for `material`, or None when the material passes.

    Raises ValueError when the check does not fit the material: another material's id,
    electronic for a paper-only material, paper for an electronic-only one, or 免提交
    for a material neither shareable nor issued by government."""
    if check.material_id != material.id:
        raise ValueError(f"the check is for {check.material_id}, not for {material.id}")
    status = check.status
    if status not in allowed_statuses(material):
        raise ValueError(f"材料「{material.name}」不能记为「{status.label}」")
    if status in (MaterialStatus.ELECTRONIC, MaterialStatus.SHARED, MaterialStatus.REUSED):
        return None
    detail: str | None = None
    if status is MaterialStatus.RECEIVED:
        detail = _shortfall(material, check)
        if detail is None:
            return None
        kind = ProblemKind.INSUFFICIENT
    elif status is MaterialStatus.DEFECTIVE:
        kind, detail = ProblemKind.DEFECTIVE, check.defect_reason
    elif status is MaterialStatus.MISSING:
        kind = ProblemKind.MISSING
    else:
        kind = ProblemKind.NOT_CHECKED
    return Problem(material.id, material.name, material.necessity, material.type, kind, detail,
                   requirement_text(material), material.acceptance_standards)


# ---------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------


class Decision(StrEnum):
    """The clerk's five possible decisions on an application."""

    ACCEPT = "accept"
    ACCEPT_WITH_DEFICIENCY = "accept_with_deficiency"
    ACCEPT_ON_COMMITMENT = "accept_on_commitment"
    NOTIFY_ONCE = "notify_once"
    REJECT = "reject"

    @property
    def label(self) -> str:
        """The decision's name in the hall's words (受理, 容缺受理, …)."""
        return DECISION_LABELS[self]


DECISION_LABELS: Mapping[Decision, str] = MappingProxyType({
    Decision.ACCEPT: "受理",
    Decision.ACCEPT_WITH_DEFICIENCY: "容缺受理",
    Decision.ACCEPT_ON_COMMITMENT: "告知承诺",
    Decision.NOTIFY_ONCE: "一次性告知",
    Decision.REJECT: "不予受理",
})


class DecisionNotAllowed(ValueError):
    """The rules forbid the decision (or it lacks what it needs); the message says why."""

    def __init__(self, decision: Decision, reason: str) -> None:
        super().__init__(f"不能作出{decision.label}决定：{reason}")
        self.decision = decision
        self.reason = reason


@dataclass(frozen=True)
class Verdict:
    """Whether one decision is allowed and why, in a short sentence for the clerk."""

    decision: Decision
    allowed: bool
    reason: str
    needs_reason: bool = False  # the clerk must write the specific reason (不予受理)


def _names(problems: Iterable[Problem]) -> str:
    return "、".join(p.material_name for p in problems)


@dataclass(frozen=True)
class Evaluation:
    """The outcome of a material check: every decision's verdict and the problems."""

    item_code: str
    item_name: str
    commitment_allowed: bool
    chosen: frozenset[str]
    unanswered: tuple[str, ...]  # names of situation groups with nothing chosen
    materials: tuple[Material, ...]  # the applicable ones, in the guide's order
    checks: tuple[MaterialCheck, ...]  # one per applicable material (NOT_CHECKED filled in)
    problems: tuple[Problem, ...]  # counted materials that do not pass, in the guide's order
    verdicts: Mapping[Decision, Verdict] = field(repr=False)

    @property
    def open_problems(self) -> tuple[Problem, ...]:
        """REQUIRED materials missing, defective, short or not checked."""
        return tuple(p for p in self.problems if p.necessity is Necessity.REQUIRED)

    @property
    def deferred(self) -> tuple[Problem, ...]:
        """DEFERRABLE materials missing or defective: what 容缺受理 lets the applicant bring later."""
        return tuple(p for p in self.problems if p.necessity is Necessity.DEFERRABLE and p.in_notice)

    @property
    def unchecked(self) -> tuple[Problem, ...]:
        """Counted materials the clerk has not checked yet."""
        return tuple(p for p in self.problems if not p.in_notice)

    @property
    def notice(self) -> tuple[Problem, ...]:
        """Everything a 一次性告知 lists: every counted material missing or defective."""
        return tuple(p for p in self.problems if p.in_notice)

    @property
    def complete(self) -> bool:
        """Every situation answered and every counted material checked."""
        return not self.unanswered and not self.unchecked

    def verdict(self, decision: Decision) -> Verdict:
        """Whether `decision` is allowed, and why (or why not)."""
        return self.verdicts[decision]

    def allowed(self, decision: Decision) -> bool:
        """Whether the rules allow `decision`."""
        return self.verdicts[decision].allowed

    @property
    def allowed_decisions(self) -> tuple[Decision, ...]:
        """The allowed decisions, in the order of `Decision`."""
        return tuple(d for d in Decision if self.verdicts[d].allowed)


def _collect_checks(materials: list[Material], checks: Iterable[MaterialCheck],
                    item: ServiceItem) -> dict[str, MaterialCheck]:
    """One check per applicable material; ValueError for a duplicate or a foreign one."""
    applicable = {m.id for m in materials}
    all_ids = {m.id for m in item.materials}
    by_id: dict[str, MaterialCheck] = {}
    for check in checks:
        if check.material_id in by_id:
            raise ValueError(f"material {check.material_id} is checked twice")
        if check.material_id not in all_ids:
            raise ValueError(f"事项「{item.name}」没有材料 {check.material_id}")
        if check.material_id not in applicable:
            # A check left over from another situation: the guide must not ask for it.
            raise ValueError(f"材料 {check.material_id} 不适用于所选办事情形")
        by_id[check.material_id] = check
    return {m.id: by_id.get(m.id) or MaterialCheck.not_checked(m.id) for m in materials}


def evaluate(item: ServiceItem, chosen: Iterable[str], checks: Iterable[MaterialCheck]) -> Evaluation:
    """Judge a material check: which decisions the rules allow and why, and the problems.

    `checks` may omit materials (they count as NOT_CHECKED) but must not name a material
    outside the applicable list, name one twice, or use a status the material does not
    allow (ValueError). The rules are in this module's docstring."""
    chosen = validate_situations(item, chosen)
    unanswered = tuple(g.name for g in unanswered_groups(item, chosen))
    materials = applicable_materials(item, chosen)
    by_id = _collect_checks(materials, checks, item)
    problems = []
    for material in materials:
        problem = assess(material, by_id[material.id])
        if problem is not None and material.necessity in COUNTED:
            problems.append(problem)
    evaluation = Evaluation(
        item_code=item.code, item_name=item.name, commitment_allowed=item.commitment_allowed,
        chosen=chosen, unanswered=unanswered, materials=tuple(materials),
        checks=tuple(by_id.values()), problems=tuple(problems), verdicts={})
    return replace(evaluation, verdicts=MappingProxyType({d: _judge(evaluation, d) for d in Decision}))


def _incomplete(evaluation: Evaluation) -> str | None:
    """Why the check is not finished, or None."""
    if evaluation.unanswered:
        return f"请先选择办事情形：{'、'.join(evaluation.unanswered)}"
    if evaluation.unchecked:
        return f"尚有材料未核验：{_names(evaluation.unchecked)}"
    return None


def _judge(ev: Evaluation, decision: Decision) -> Verdict:
    if decision is Decision.REJECT:
        return Verdict(decision, True, "须写明不予受理的具体理由", needs_reason=True)
    incomplete = _incomplete(ev)
    if incomplete is not None:
        if decision is Decision.NOTIFY_ONCE:
            incomplete += "（一次性告知须列明全部问题）"
        return Verdict(decision, False, incomplete)
    required = [p for p in ev.notice if p.necessity is Necessity.REQUIRED]
    if decision is Decision.ACCEPT:
        if ev.notice:
            return Verdict(decision, False, f"缺少或不符合要求的材料：{_names(ev.notice)}")
        return Verdict(decision, True, "所有必要材料齐全")
    if decision is Decision.ACCEPT_WITH_DEFICIENCY:
        if required:
            return Verdict(decision, False, f"缺少非容缺材料：{_names(required)}")
        if not ev.deferred:
            return Verdict(decision, False, "材料齐全，无需容缺，可直接受理")
        return Verdict(decision, True, f"仅容缺后补材料待补：{_names(ev.deferred)}")
    if decision is Decision.ACCEPT_ON_COMMITMENT:
        if not ev.commitment_allowed:
            return Verdict(decision, False, "本事项不实行告知承诺制")
        forms = [p for p in ev.notice if p.material_type is MaterialType.FORM]
        if forms:
            return Verdict(decision, False, f"申请表格文书不齐全：{_names(forms)}")
        if not ev.notice:
            return Verdict(decision, False, "材料齐全，无需告知承诺，可直接受理")
        others = [p for p in ev.notice if p.material_type is not MaterialType.CERTIFICATE]
        if others:
            return Verdict(decision, False, f"以下材料不能以承诺代替：{_names(others)}")
        return Verdict(decision, True, f"以承诺代替：{_names(ev.notice)}")
    # NOTIFY_ONCE
    if not ev.notice:
        return Verdict(decision, False, "材料齐全，无需一次性告知")
    return Verdict(decision, True, f"需一次性告知 {len(ev.notice)} 项材料：{_names(ev.notice)}")


@dataclass(frozen=True)
class Deficiency:
    """A 容缺 material the applicant promises to bring by `due`."""

    material_id: str
    material_name: str
    due: date


@dataclass(frozen=True)
class DecisionRecord:
    """The clerk's decision with everything the document for the applicant needs."""

    decision: Decision
    item_code: str
    item_name: str
    chosen: frozenset[str]
    checks: tuple[MaterialCheck, ...]
    reason: str | None = None  # 不予受理's specific reason; a remark for the others
    deficiencies: tuple[Deficiency, ...] = ()  # 容缺受理: each missing material and its due date
    committed: tuple[Problem, ...] = ()  # 告知承诺: the certificates the commitment replaces
    notice: tuple[Problem, ...] = ()  # 一次性告知: every missing or defective material

    @property
    def label(self) -> str:
        """The decision's name (受理, 容缺受理, …)."""
        return self.decision.label


def decide(evaluation: Evaluation, decision: Decision, *, reason: str | None = None,
           deficiency_due: Mapping[str, date] | None = None, today: date | None = None) -> DecisionRecord:
    """Record `decision` on `evaluation`, or raise DecisionNotAllowed saying why not.

    容缺受理 needs `deficiency_due` with a due date for exactly the deferred materials
    (after `today` when given); 不予受理 needs a non-blank `reason`. A due date given for
    any other decision is refused rather than silently dropped."""
    decision = Decision(decision)
    verdict = evaluation.verdict(decision)
    if not verdict.allowed:
        raise DecisionNotAllowed(decision, verdict.reason)
    reason = reason.strip() if reason is not None else None
    if decision is Decision.REJECT and not reason:
        raise DecisionNotAllowed(decision, "须写明不予受理的具体理由")
    deficiencies: tuple[Deficiency, ...] = ()
    if decision is Decision.ACCEPT_WITH_DEFICIENCY:
        deficiencies = _deficiencies(evaluation, deficiency_due or {}, today)
    elif deficiency_due:
        raise DecisionNotAllowed(decision, "只有容缺受理才约定材料补交日期")
    return DecisionRecord(
        decision=decision, item_code=evaluation.item_code, item_name=evaluation.item_name,
        chosen=evaluation.chosen, checks=evaluation.checks, reason=reason or None,
        deficiencies=deficiencies,
        committed=evaluation.notice if decision is Decision.ACCEPT_ON_COMMITMENT else (),
        notice=evaluation.notice if decision is Decision.NOTIFY_ONCE else ())


def _deficiencies(evaluation: Evaluation, due: Mapping[str, date], today: date | None) -> tuple[Deficiency, ...]:
    decision = Decision.ACCEPT_WITH_DEFICIENCY
    deferred = {p.material_id: p for p in evaluation.deferred}
    extra = sorted(set(due) - set(deferred))
    if extra:
        raise DecisionNotAllowed(decision, f"这些材料不是待补的容缺材料：{'、'.join(extra)}")
    undated = [p for p in evaluation.deferred if p.material_id not in due]
    if undated:
        raise DecisionNotAllowed(decision, f"须约定补交日期：{_names(undated)}")
    result = []
    for problem in evaluation.deferred:
        when = due[problem.material_id]
        if not isinstance(when, date):
            raise DecisionNotAllowed(decision, f"「{problem.material_name}」的补交日期不是日期")
        if today is not None and when <= today:
            raise DecisionNotAllowed(decision, f"「{problem.material_name}」的补交日期须在今天之后")
        result.append(Deficiency(problem.material_id, problem.material_name, when))
    return tuple(result)
