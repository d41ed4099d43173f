"""一件事一次办: one application for a bundle of items, each shared material handed over once.

The clerk answers the bundle's situations once (`applicable_items` says which items they
bring in, `item_choices` which of each item's own situation options they answer), answers
whatever item situation group the bundle leaves open, and checks one merged list
(`merged_materials`): a material that several items ask for (the bundle's `shared` groups)
is one row, marked with every item that needs it. `evaluate_bundle` hands each row's
finding to every item that needs it and evaluates each item by the ordinary rules
(`checklist.evaluate`), so the five decisions stay per item: one item may be 受理 while
another is 一次性告知.

A shared row asks for what its strictest member asks: the highest necessity (必要 before
容缺后补 before 非必要), the most originals and copies, an original and a copy when one item
keeps the original and another a copy; it offers only the statuses every
member allows (共享免提交 only when every member may be fetched).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from workstation.domain.catalogue import Necessity, OriginalOrCopy
from workstation.domain.checklist import (
    Evaluation,
    MaterialCheck,
    MaterialStatus,
    allowed_statuses,
    applicable_materials,
    evaluate,
    validate_situations,
)
from workstation.domain.search import normalise, pinyin_forms
from workstation.protocol.bundles import Bundle, MaterialRef
from workstation.protocol.catalogue import Material, ServiceItem

_STRICTNESS = {Necessity.REQUIRED: 0, Necessity.DEFERRABLE: 1, Necessity.OPTIONAL: 2}


class BundleProblem(ValueError):
    """A bundle that does not fit the catalogue, or a choice it does not allow; the message
    says what in plain words."""


def check_against(bundle: Bundle, items: Mapping[str, ServiceItem]) -> None:
    """Raise BundleProblem naming everything in `bundle` the catalogue `items` (by 实施编码)
    does not have: items, materials of shared groups, answered situation options."""
    problems = []
    for entry in bundle.items:
        item = items.get(entry.item)
        if item is None:
            problems.append(f"事项 {entry.item} 不在事项目录中")
            continue
        for option in entry.answers:
            if option not in {o.id for g in item.situations for o in g.options}:
                problems.append(f"「{item.name}」没有办事情形 {option}")
    for situation in bundle.situations:
        for option in situation.options:
            for answer in option.implies:
                item = items.get(answer.item)
                if item is not None and answer.option not in {o.id for g in item.situations for o in g.options}:
                    problems.append(f"情形「{option.name}」对应的「{item.name}」办事情形 {answer.option} 不存在")
    for group in bundle.shared:
        for member in group.members:
            item = items.get(member.item)
            if item is not None and member.material not in {m.id for m in item.materials}:
                problems.append(f"共用材料「{group.name}」：「{item.name}」没有材料 {member.material}")
    if problems:
        raise BundleProblem(f"一件事「{bundle.name}」：" + "；".join(problems))


def _validate_choice(bundle: Bundle, chosen: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(chosen)
    known = {o.id for s in bundle.situations for o in s.options}
    unknown = sorted(chosen - known)
    if unknown:
        raise BundleProblem(f"一件事「{bundle.name}」没有这些情形：{'、'.join(unknown)}")
    for situation in bundle.situations:
        picked = [o.name for o in situation.options if o.id in chosen]
        if not situation.multiple and len(picked) > 1:
            raise BundleProblem(f"情形「{situation.name}」只能选一项，选了：{'、'.join(picked)}")
    return chosen


def unanswered(bundle: Bundle, chosen: Iterable[str]) -> tuple[str, ...]:
    """The names of the bundle's situations with nothing chosen yet."""
    chosen = _validate_choice(bundle, chosen)
    return tuple(s.name for s in bundle.situations if not any(o.id in chosen for o in s.options))


def applicable_items(bundle: Bundle, chosen: Iterable[str]) -> tuple[str, ...]:
    """The item codes the chosen bundle options bring in, in the bundle's order."""
    chosen = _validate_choice(bundle, chosen)
    return tuple(i.item for i in bundle.items if not i.applies_when or chosen.intersection(i.applies_when))


def item_choices(bundle: Bundle, chosen: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each applicable item's situation options answered by the chosen bundle options."""
    chosen = _validate_choice(bundle, chosen)
    applicable = set(applicable_items(bundle, chosen))
    answers: dict[str, set[str]] = {i.item: set(i.answers) for i in bundle.items if i.item in applicable}
    for situation in bundle.situations:
        for option in situation.options:
            if option.id in chosen:
                for answer in option.implies:
                    if answer.item in answers:
                        answers[answer.item].add(answer.option)
    return {code: frozenset(options) for code, options in answers.items()}


@dataclass(frozen=True)
class MergedMaterial:
    """One row of the merged checklist."""

    key: str  # the shared group's id, or "item code/material id" for a material of one item
    material: Material  # what the row asks for (the strictest member, under the row's name)
    statuses: tuple[MaterialStatus, ...]  # what every member allows the clerk to record
    needed_by: tuple[MaterialRef, ...]  # each item (and its material id) the finding goes to

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(ref.item for ref in self.needed_by)


def _row(key: str, name: str, members: list[tuple[MaterialRef, Material]]) -> MergedMaterial:
    first = members[0][1]
    strictest = min((m for _, m in members), key=lambda m: _STRICTNESS[m.necessity])
    kinds = {m.original_or_copy for _, m in members}
    needs_original = bool(kinds & {OriginalOrCopy.ORIGINAL, OriginalOrCopy.ORIGINAL_AND_COPY})
    needs_copy = bool(kinds & {OriginalOrCopy.COPY, OriginalOrCopy.ORIGINAL_AND_COPY})
    # One item keeps the original, another a copy: the row asks for both.
    kind = (OriginalOrCopy.ORIGINAL_AND_COPY if needs_original and needs_copy else OriginalOrCopy.ORIGINAL
            if needs_original else OriginalOrCopy.COPY if needs_copy else OriginalOrCopy.ORIGINAL_OR_COPY)
    material = first.model_copy(update={
        "name": name,
        "necessity": strictest.necessity,
        "original_or_copy": kind,
        "original_count": max(m.original_count for _, m in members),
        "copy_count": max(m.copy_count for _, m in members),
        "shareable": all(m.shareable for _, m in members),
        "acceptance_standards": tuple(dict.fromkeys(s for _, m in members for s in m.acceptance_standards)),
    })
    statuses = [s for s in allowed_statuses(first) if all(s in allowed_statuses(m) for _, m in members)]
    return MergedMaterial(key, material, tuple(statuses), tuple(ref for ref, _ in members))


def merged_materials(bundle: Bundle, items: Mapping[str, ServiceItem], chosen: Iterable[str],
                     extra: Mapping[str, Iterable[str]] | None = None) -> list[MergedMaterial]:
    """The merged checklist under the chosen bundle options plus, per item code, the item
    situation options the clerk answered beyond the bundle's (`extra`). Rows come in the
    order of their first appearance; a shared group one item alone still needs is a row
    of its own under the group's name. BundleProblem / ValueError for invalid choices."""
    group_of = {(m.item, m.material): g for g in bundle.shared for m in g.members}
    rows: dict[str, tuple[str, list[tuple[MaterialRef, Material]]]] = {}
    for code, options in _choices(bundle, chosen, extra).items():
        for material in applicable_materials(items[code], options):
            ref = MaterialRef(item=code, material=material.id)
            group = group_of.get((code, material.id))
            key, name = (group.id, group.name) if group else (f"{code}/{material.id}", material.name)
            rows.setdefault(key, (name, []))[1].append((ref, material))
    return [_row(key, name, members) for key, (name, members) in rows.items()]


def _choices(bundle: Bundle, chosen: Iterable[str],
             extra: Mapping[str, Iterable[str]] | None) -> dict[str, frozenset[str]]:
    answers = item_choices(bundle, chosen)
    for code, options in (extra or {}).items():
        if code not in answers:
            raise BundleProblem(f"事项 {code} 不在本次申请的一件事中")
        answers[code] = answers[code] | frozenset(options)
    return answers


@dataclass(frozen=True)
class BundleEvaluation:
    """Each applicable item's evaluation, in the bundle's order, and what is still open."""

    bundle_code: str
    unanswered: tuple[str, ...]  # bundle situations with nothing chosen
    rows: tuple[MergedMaterial, ...]
    items: Mapping[str, Evaluation]

    @property
    def complete(self) -> bool:
        return not self.unanswered and all(e.complete for e in self.items.values())


def evaluate_bundle(bundle: Bundle, items: Mapping[str, ServiceItem], chosen: Iterable[str],
                    checks: Iterable[MaterialCheck], extra: Mapping[str, Iterable[str]] | None = None,
                    ) -> BundleEvaluation:
    """Judge the merged check: `checks` are findings per row, their `material_id` the row's
    `key`. Each finding goes to every item that needs the row, under that item's material id,
    and each item is evaluated by `checklist.evaluate`. A finding whose status the row does
    not offer, or for a row not on the list, is a ValueError."""
    chosen = frozenset(chosen)
    rows = merged_materials(bundle, items, chosen, extra)
    by_key = {row.key: row for row in rows}
    per_item: dict[str, list[MaterialCheck]] = {}
    for check in checks:
        row = by_key.get(check.material_id)
        if row is None:
            raise ValueError(f"材料 {check.material_id} 不在本次一件事的材料清单中")
        if check.status not in row.statuses:
            raise ValueError(f"「{row.material.name}」不能记为{check.status.label}")
        for ref in row.needed_by:
            per_item.setdefault(ref.item, []).append(
                MaterialCheck(ref.material, check.status, check.original_count, check.copy_count, check.defect_reason,
                              check.reused_from))
    answers = _choices(bundle, chosen, extra)
    evaluations = {code: evaluate(items[code], validate_situations(items[code], options), per_item.get(code, ()))
                   for code, options in answers.items()}
    return BundleEvaluation(bundle.code, unanswered(bundle, chosen), tuple(rows), MappingProxyType(evaluations))


class BundleIndex:
    """The bundles as the item search finds them: the name exactly, as a prefix, its pinyin
    initials or full pinyin (开办餐饮店: kbcyd, kaiban), a substring of the name or of the life
    event. The pinyin is worked out once here (GuideDesk.load, off the GUI thread), so a
    keystroke only compares strings; a hall holds tens of bundles, each simply scored."""

    def __init__(self, bundles: Iterable[Bundle]) -> None:
        self._entries = [(bundle, normalise(bundle.name), *pinyin_forms(bundle.name), normalise(bundle.code),
                          normalise(bundle.description)) for bundle in bundles]

    def search(self, query: str, limit: int = 5) -> list[Bundle]:
        """The matching bundles, best first; ties by pinyin, then name."""
        q = normalise(query) if isinstance(query, str) else ""
        if not q:
            return []
        scored = []
        for bundle, name, full, initials, first, code, description in self._entries:
            if q == name:
                score = 100
            elif name.startswith(q):
                score = 90
            elif initials.startswith(q) or first.startswith(q):
                score = 80
            elif q in name:
                score = 70
            elif full.startswith(q):
                score = 65
            elif q in initials or q in first:
                score = 60
            elif len(q) > 1 and q in full:
                score = 55
            elif code.startswith(q):
                score = 40
            elif len(q) > 1 and q in description:
                score = 30
            else:
                continue
            scored.append((-score, full, bundle.name, bundle))
        scored.sort(key=lambda entry: entry[:3])
        return [entry[3] for entry in scored[:limit]]
