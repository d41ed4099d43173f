"""The material check and the decision rules: worked examples on real items of the demo
catalogue, and properties over random checks of real and generated items, compared with
the rules re-derived here in the plainest way."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workstation.domain.catalogue import MaterialForm, MaterialSource, MaterialType, Necessity, OriginalOrCopy
from workstation.domain.checklist import (
    DECISION_LABELS,
    Decision,
    DecisionNotAllowed,
    MaterialCheck,
    MaterialStatus,
    ProblemKind,
    allowed_statuses,
    applicable_materials,
    decide,
    evaluate,
    requirement_text,
    unanswered_groups,
)
from workstation.protocol.catalogue import Material, ServiceItem

CATALOGUE = Path(__file__).resolve().parents[2] / "resources" / "demo_hall" / "catalogue.json"
ITEMS = [ServiceItem.model_validate(raw) for raw in json.loads(CATALOGUE.read_text(encoding="utf-8"))]
BY_NAME = {item.name: item for item in ITEMS}
FUND = BY_NAME["住房公积金提取"]
SOLE_TRADER = BY_NAME["个体工商户设立登记"]
PROPERTIES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ok(material: Material) -> MaterialCheck:
    """A check that passes `material` the plainest way."""
    if material.form is MaterialForm.ELECTRONIC:
        return MaterialCheck.electronic(material.id)
    # At least one of each: enough whatever the guide's original/copy rule says.
    return MaterialCheck.received(material.id, originals=max(material.original_count, 1),
                                  copies=max(material.copy_count, 1))


def all_ok(item: ServiceItem, chosen: set[str], **overrides: MaterialCheck) -> list[MaterialCheck]:
    return [overrides.get(m.id) or ok(m) for m in applicable_materials(item, chosen)]


# ---------------------------------------------------------------------------------------
# Worked examples on real items
# ---------------------------------------------------------------------------------------


def test_decision_labels_are_the_halls_words() -> None:
    assert [d.label for d in Decision] == ["受理", "容缺受理", "告知承诺", "一次性告知", "不予受理"]
    assert DECISION_LABELS[Decision.ACCEPT_WITH_DEFICIENCY] == "容缺受理"


def test_fund_withdrawal_for_rent_lists_only_the_rent_materials() -> None:
    ids = [m.id for m in applicable_materials(FUND, {"rent", "self"})]
    assert ids == ["applicant_id", "bank_card", "lease_contract"]
    ids = [m.id for m in applicable_materials(FUND, {"rent", "agent"})]
    assert ids == ["applicant_id", "bank_card", "lease_contract", "power_of_attorney", "agent_id"]


def test_fund_withdrawal_for_rent_is_accepted_without_the_optional_lease() -> None:
    checks = [MaterialCheck.shared("applicant_id"), MaterialCheck.received("bank_card", originals=1),
              MaterialCheck.missing("lease_contract")]  # 非必要: never blocks
    evaluation = evaluate(FUND, {"rent", "self"}, checks)
    assert evaluation.allowed_decisions == (Decision.ACCEPT, Decision.REJECT)
    assert evaluation.verdict(Decision.ACCEPT).reason == "所有必要材料齐全"
    assert evaluation.problems == ()
    assert evaluation.verdict(Decision.NOTIFY_ONCE).reason == "材料齐全，无需一次性告知"
    record = decide(evaluation, Decision.ACCEPT)
    assert record.decision is Decision.ACCEPT and record.item_code == FUND.code
    assert {c.material_id: c.status for c in record.checks} == {
        "applicant_id": MaterialStatus.SHARED, "bank_card": MaterialStatus.RECEIVED,
        "lease_contract": MaterialStatus.MISSING}


def test_fund_withdrawal_by_an_agent_without_the_agents_id_is_notified_once() -> None:
    checks = [MaterialCheck.shared("applicant_id"), MaterialCheck.received("bank_card", originals=1),
              MaterialCheck.defective("power_of_attorney", "委托人亲笔签名"),
              MaterialCheck.missing("agent_id")]
    evaluation = evaluate(FUND, {"rent", "agent"}, checks)  # lease_contract left unchecked: optional
    assert evaluation.allowed_decisions == (Decision.NOTIFY_ONCE, Decision.REJECT)
    assert evaluation.verdict(Decision.ACCEPT_WITH_DEFICIENCY).reason == "缺少非容缺材料：授权委托书、代理人居民身份证"
    assert evaluation.verdict(Decision.ACCEPT_ON_COMMITMENT).reason == "本事项不实行告知承诺制"
    record = decide(evaluation, Decision.NOTIFY_ONCE)
    assert [(p.material_name, p.kind, p.detail) for p in record.notice] == [
        ("授权委托书", ProblemKind.DEFECTIVE, "委托人亲笔签名"),
        ("代理人居民身份证", ProblemKind.MISSING, None)]
    assert record.notice[1].standards == ("在有效期内", "与到场代理人本人一致")
    assert record.notice[1].requirement == "原件 1 份"
    with pytest.raises(DecisionNotAllowed, match="不予受理的具体理由"):
        decide(evaluation, Decision.REJECT, reason="  ")
    rejected = decide(evaluation, Decision.REJECT, reason="申请人未在本市缴存住房公积金")
    assert rejected.reason == "申请人未在本市缴存住房公积金"


def test_fund_withdrawal_for_a_purchase_needs_original_and_copy() -> None:
    checks = all_ok(FUND, {"purchase", "self"},
                    purchase_contract=MaterialCheck.received("purchase_contract", originals=1))
    evaluation = evaluate(FUND, {"purchase", "self"}, checks)
    (problem,) = evaluation.notice
    assert problem.material_id == "purchase_contract" and problem.kind is ProblemKind.INSUFFICIENT
    assert problem.detail == "份数不足：复印件需 1 份，收到 0 份"
    assert problem.requirement == "原件 1 份、复印件 1 份"
    assert evaluation.allowed_decisions == (Decision.NOTIFY_ONCE, Decision.REJECT)


def test_sole_trader_by_an_agent_may_bring_the_premises_proof_later() -> None:
    chosen = {"individual", "agent"}
    assert [m.id for m in applicable_materials(SOLE_TRADER, chosen)] == [
        "application", "operator_id", "premises_proof", "power_of_attorney", "agent_id"]
    checks = all_ok(SOLE_TRADER, chosen, operator_id=MaterialCheck.shared("operator_id"),
                    premises_proof=MaterialCheck.missing("premises_proof"))
    evaluation = evaluate(SOLE_TRADER, chosen, checks)
    assert evaluation.allowed_decisions == (Decision.ACCEPT_WITH_DEFICIENCY, Decision.NOTIFY_ONCE, Decision.REJECT)
    assert evaluation.verdict(Decision.ACCEPT_WITH_DEFICIENCY).reason == "仅容缺后补材料待补：经营场所使用证明"
    # The item allows 告知承诺, but a premises proof is not a certificate a commitment replaces.
    assert evaluation.verdict(Decision.ACCEPT_ON_COMMITMENT).reason == "以下材料不能以承诺代替：经营场所使用证明"
    assert [p.material_id for p in evaluation.deferred] == ["premises_proof"]
    assert evaluation.open_problems == ()

    with pytest.raises(DecisionNotAllowed, match="须约定补交日期：经营场所使用证明"):
        decide(evaluation, Decision.ACCEPT_WITH_DEFICIENCY)
    with pytest.raises(DecisionNotAllowed, match="不是待补的容缺材料"):
        decide(evaluation, Decision.ACCEPT_WITH_DEFICIENCY,
               deficiency_due={"premises_proof": date(2025, 3, 10), "agent_id": date(2025, 3, 10)})
    with pytest.raises(DecisionNotAllowed, match="今天之后"):
        decide(evaluation, Decision.ACCEPT_WITH_DEFICIENCY, deficiency_due={"premises_proof": date(2025, 3, 3)},
               today=date(2025, 3, 3))
    with pytest.raises(DecisionNotAllowed, match="不能作出受理决定"):
        decide(evaluation, Decision.ACCEPT)
    record = decide(evaluation, Decision.ACCEPT_WITH_DEFICIENCY,
                    deficiency_due={"premises_proof": date(2025, 3, 10)}, today=date(2025, 3, 3))
    assert [(d.material_name, d.due) for d in record.deficiencies] == [("经营场所使用证明", date(2025, 3, 10))]
    with pytest.raises(DecisionNotAllowed, match="只有容缺受理"):
        decide(evaluation, Decision.NOTIFY_ONCE, deficiency_due={"premises_proof": date(2025, 3, 10)})


def test_sole_trader_may_commit_instead_of_a_missing_certificate() -> None:
    chosen = {"family", "agent"}
    checks = all_ok(SOLE_TRADER, chosen, family_relation_proof=MaterialCheck.missing("family_relation_proof"))
    evaluation = evaluate(SOLE_TRADER, chosen, checks)
    assert evaluation.allowed_decisions == (Decision.ACCEPT_ON_COMMITMENT, Decision.NOTIFY_ONCE, Decision.REJECT)
    record = decide(evaluation, Decision.ACCEPT_ON_COMMITMENT)
    assert [p.material_name for p in record.committed] == ["家庭成员关系证明"]
    # Without the application form (申请表格文书) no commitment helps.
    checks = all_ok(SOLE_TRADER, chosen, family_relation_proof=MaterialCheck.missing("family_relation_proof"),
                    application=MaterialCheck.missing("application"))
    evaluation = evaluate(SOLE_TRADER, chosen, checks)
    assert evaluation.verdict(Decision.ACCEPT_ON_COMMITMENT).reason == \
        "申请表格文书不齐全：个体工商户登记（备案）申请书"


def test_sole_trader_check_unfinished_blocks_all_but_rejection() -> None:
    chosen = {"individual", "agent"}
    checks = [MaterialCheck.received("application", originals=1), MaterialCheck.missing("agent_id")]
    evaluation = evaluate(SOLE_TRADER, chosen, checks)
    assert not evaluation.complete
    assert evaluation.allowed_decisions == (Decision.REJECT,)
    assert evaluation.verdict(Decision.NOTIFY_ONCE).reason == (
        "尚有材料未核验：经营者身份证明、经营场所使用证明、授权委托书（一次性告知须列明全部问题）")
    assert [p.material_id for p in evaluation.open_problems] == ["operator_id", "power_of_attorney", "agent_id"]
    assert [p.material_id for p in evaluation.unchecked] == ["operator_id", "premises_proof", "power_of_attorney"]
    with pytest.raises(DecisionNotAllowed, match="尚有材料未核验"):
        decide(evaluation, Decision.NOTIFY_ONCE)


def test_situations_are_validated() -> None:
    with pytest.raises(ValueError, match="只能选一项"):
        applicable_materials(SOLE_TRADER, {"individual", "family"})
    with pytest.raises(ValueError, match="没有这些办事情形：nonsense"):
        applicable_materials(SOLE_TRADER, {"individual", "nonsense"})
    assert [g.id for g in unanswered_groups(SOLE_TRADER, {"agent"})] == ["form"]
    evaluation = evaluate(SOLE_TRADER, {"agent"}, all_ok(SOLE_TRADER, {"agent"}))
    assert evaluation.unanswered == ("组成形式",)
    assert evaluation.allowed_decisions == (Decision.REJECT,)
    assert evaluation.verdict(Decision.ACCEPT).reason == "请先选择办事情形：组成形式"
    # A multiple-choice group takes several options.
    subsidy = BY_NAME["困难残疾人生活补贴和重度残疾人护理补贴申请"]
    assert "subsistence_proof" in [m.id for m in applicable_materials(subsidy, {"living", "care", "self"})]


def test_checks_that_do_not_fit_are_refused() -> None:
    chosen = {"individual", "self"}
    with pytest.raises(ValueError, match="不适用于所选办事情形"):
        evaluate(SOLE_TRADER, chosen, [MaterialCheck.missing("agent_id")])
    with pytest.raises(ValueError, match="没有材料"):
        evaluate(SOLE_TRADER, chosen, [MaterialCheck.missing("no_such_material")])
    with pytest.raises(ValueError, match="checked twice"):
        evaluate(SOLE_TRADER, chosen, [MaterialCheck.missing("application")] * 2)
    with pytest.raises(ValueError, match="不能记为「电子材料」"):  # paper only
        evaluate(SOLE_TRADER, chosen, [MaterialCheck.electronic("operator_id")])
    with pytest.raises(ValueError, match="不能记为「共享免提交」"):  # brought by the applicant
        evaluate(SOLE_TRADER, chosen, [MaterialCheck.shared("premises_proof")])
    evaluate(SOLE_TRADER, chosen, [MaterialCheck.electronic("application")])  # paper or electronic


def test_material_check_is_self_consistent() -> None:
    with pytest.raises(ValueError, match="at least one original or copy"):
        MaterialCheck.received("a")
    with pytest.raises(ValueError, match="needs the reason"):
        MaterialCheck.defective("a", " ")
    with pytest.raises(ValueError, match="no paper counts"):
        MaterialCheck("a", MaterialStatus.MISSING, original_count=1)
    with pytest.raises(ValueError, match="only a defective material"):
        MaterialCheck("a", MaterialStatus.MISSING, defect_reason="x")
    with pytest.raises(ValueError, match="from 0 to 99"):
        MaterialCheck.received("a", originals=-1)
    with pytest.raises(ValueError):
        MaterialCheck("a", "nonsense")  # type: ignore[arg-type]
    assert MaterialCheck.defective("a", " 已过期 ", copies=1).defect_reason == "已过期"


def test_requirement_text() -> None:
    driver = next(m for m in BY_NAME["道路货物运输经营许可（普通货运）"].materials if m.id == "driver_documents")
    assert requirement_text(driver) == "原件 1 份、复印件 1 份"
    termination = next(m for m in BY_NAME["失业保险金申领"].materials if m.id == "termination_proof")
    assert requirement_text(termination) == "原件 1 份或复印件 1 份"
    form = SOLE_TRADER.materials[0]
    assert requirement_text(form) == "原件 1 份（或电子材料）"


# ---------------------------------------------------------------------------------------
# Properties: the rules re-derived plainly
# ---------------------------------------------------------------------------------------


def plain_rules(item: ServiceItem, chosen: set[str], checks: list[MaterialCheck]) -> tuple[set[Decision], set[str]]:
    """The allowed decisions and the ids a 一次性告知 must list, worked out the simplest way."""
    given_checks = {c.material_id: c for c in checks}
    unanswered = any(not any(o.id in chosen for o in g.options) for g in item.situations)
    bad: list[Material] = []
    unchecked = False
    for m in item.materials:
        if m.applies_when and not set(m.applies_when) & chosen:
            continue
        if m.necessity == Necessity.OPTIONAL:
            continue
        c = given_checks.get(m.id)
        if c is None or c.status == MaterialStatus.NOT_CHECKED:
            unchecked = True
        elif c.status == MaterialStatus.RECEIVED:
            enough_originals = c.original_count >= max(m.original_count, 1)
            enough_copies = c.copy_count >= max(m.copy_count, 1)
            enough = {
                OriginalOrCopy.ORIGINAL: enough_originals,
                OriginalOrCopy.COPY: enough_copies,
                OriginalOrCopy.ORIGINAL_AND_COPY: enough_originals and enough_copies,
                OriginalOrCopy.ORIGINAL_OR_COPY: enough_originals or enough_copies,
            }[m.original_or_copy]
            if not enough:
                bad.append(m)
        elif c.status in (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE):
            bad.append(m)
    allowed = {Decision.REJECT}
    if not unanswered and not unchecked:
        if not bad:
            allowed.add(Decision.ACCEPT)
        else:
            allowed.add(Decision.NOTIFY_ONCE)
            if all(m.necessity == Necessity.DEFERRABLE for m in bad):
                allowed.add(Decision.ACCEPT_WITH_DEFICIENCY)
            if item.commitment_allowed and all(m.type == MaterialType.CERTIFICATE for m in bad):
                allowed.add(Decision.ACCEPT_ON_COMMITMENT)
    return allowed, {m.id for m in bad}


@st.composite
def chosen_situations(draw: st.DrawFn, item: ServiceItem) -> set[str]:
    chosen: set[str] = set()
    for group in item.situations:
        ids = [o.id for o in group.options]
        if group.multiple:
            chosen |= set(draw(st.lists(st.sampled_from(ids), max_size=len(ids))))
        elif draw(st.integers(0, 9)):  # now and then a group is left unanswered
            chosen.add(draw(st.sampled_from(ids)))
    return chosen


@st.composite
def material_checks(draw: st.DrawFn, item: ServiceItem, chosen: set[str]) -> list[MaterialCheck]:
    checks = []
    for material in applicable_materials(item, chosen):
        if draw(st.integers(0, 11)) == 0:
            continue  # not touched: counts as not checked
        status = draw(st.sampled_from(allowed_statuses(material)))
        if status is MaterialStatus.RECEIVED:
            originals, copies = draw(st.integers(0, 3)), draw(st.integers(0, 3))
            if originals + copies == 0:
                originals = 1
            checks.append(MaterialCheck.received(material.id, originals=originals, copies=copies))
        elif status is MaterialStatus.DEFECTIVE:
            reason = draw(st.sampled_from(material.acceptance_standards) | st.text(min_size=1).filter(str.strip))
            checks.append(MaterialCheck.defective(material.id, reason))
        elif status is MaterialStatus.REUSED:
            checks.append(MaterialCheck.reused(material.id, "11010520261012001WXZA0001C"))
        else:
            checks.append(MaterialCheck(material.id, status))
    return draw(st.permutations(checks))


@st.composite
def generated_items(draw: st.DrawFn) -> ServiceItem:
    groups = []
    for g in range(draw(st.integers(0, 3))):
        options = [{"id": f"g{g}o{o}", "name": f"情形{g}-{o}"} for o in range(draw(st.integers(2, 4)))]
        groups.append({"id": f"g{g}", "name": f"情形组{g}", "options": options, "multiple": draw(st.booleans())})
    option_ids = [o["id"] for g in groups for o in g["options"]]
    materials = []
    for i in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(list(OriginalOrCopy)))
        materials.append({
            "id": f"m{i}", "name": f"材料{i}",
            "type": draw(st.sampled_from(list(MaterialType))),
            "form": draw(st.sampled_from(list(MaterialForm))),
            "original_or_copy": kind,
            "original_count": draw(st.integers(0, 3)),
            "copy_count": draw(st.integers(0, 3)),
            "necessity": draw(st.sampled_from(list(Necessity))),
            "source": draw(st.sampled_from(list(MaterialSource))),
            "shareable": draw(st.booleans()),
            "acceptance_standards": [f"标准{i}-{k}" for k in range(draw(st.integers(1, 3)))],
            "applies_when": draw(st.lists(st.sampled_from(option_ids), unique=True, max_size=2))
            if option_ids else [],
        })
    raw: dict[str, Any] = {
        "code": "G1", "basic_code": "G1", "name": "生成事项", "item_type": "公共服务",
        "department": {"name": "演示局"}, "applicant_kinds": [1], "business_type": "general",
        "conditions": "无", "legal_limit": {"value": 20}, "promised_limit": {"value": 5},
        "case_type": "承诺件", "commitment_allowed": draw(st.booleans()), "procedure": ["受理"],
        "place": "大厅", "hours": "工作日", "phone": "1", "complaint_phone": "2",
        "situations": groups, "materials": materials,
    }
    return ServiceItem.model_validate(raw)


@st.composite
def cases(draw: st.DrawFn) -> tuple[ServiceItem, set[str], list[MaterialCheck]]:
    item = draw(st.sampled_from(ITEMS) | generated_items())
    chosen = draw(chosen_situations(item))
    return item, chosen, draw(material_checks(item, chosen))


@PROPERTIES
@given(cases())
def test_evaluation_allows_exactly_what_the_rules_allow(case) -> None:
    item, chosen, checks = case
    evaluation = evaluate(item, chosen, checks)
    allowed, must_notify = plain_rules(item, chosen, checks)
    assert set(evaluation.allowed_decisions) == allowed
    for decision in Decision:
        verdict = evaluation.verdict(decision)
        assert verdict.reason, "every verdict says why"
        assert verdict.needs_reason is (decision is Decision.REJECT)
    # The notice (whenever it may be given) lists every missing or defective material, and
    # each entry carries the standards it must meet.
    if Decision.NOTIFY_ONCE in allowed:
        assert {p.material_id for p in evaluation.notice} == must_notify
        by_id = {m.id: m for m in item.materials}
        for problem in evaluation.notice:
            assert problem.standards == by_id[problem.material_id].acceptance_standards
            assert problem.necessity in (Necessity.REQUIRED, Necessity.DEFERRABLE)
            if problem.kind is not ProblemKind.MISSING:
                assert problem.detail


@PROPERTIES
@given(cases(), st.data())
def test_decide_refuses_what_the_rules_forbid(case, data) -> None:
    item, chosen, checks = case
    evaluation = evaluate(item, chosen, checks)
    allowed, must_notify = plain_rules(item, chosen, checks)
    for decision in Decision:
        if decision not in allowed:
            with pytest.raises(DecisionNotAllowed):
                decide(evaluation, decision, reason="理由", deficiency_due={
                    p.material_id: date(2030, 1, 1) for p in evaluation.deferred})
            continue
        if decision is Decision.REJECT:
            with pytest.raises(DecisionNotAllowed):
                decide(evaluation, decision)
            record = decide(evaluation, decision, reason="不属于本中心受理范围")
        elif decision is Decision.ACCEPT_WITH_DEFICIENCY:
            assert evaluation.deferred
            with pytest.raises(DecisionNotAllowed):
                decide(evaluation, decision)
            due = {p.material_id: date(2030, 1, data.draw(st.integers(1, 28))) for p in evaluation.deferred}
            record = decide(evaluation, decision, deficiency_due=due)
            assert {d.material_id: d.due for d in record.deficiencies} == due
        else:
            record = decide(evaluation, decision)
        assert record.decision is decision
        if decision is Decision.NOTIFY_ONCE:
            assert {p.material_id for p in record.notice} == must_notify
        if decision is Decision.ACCEPT_ON_COMMITMENT:
            assert {p.material_id for p in record.committed} == must_notify
            assert all(p.material_type is MaterialType.CERTIFICATE for p in record.committed)


@PROPERTIES
@given(st.sampled_from(ITEMS) | generated_items(), st.data())
def test_a_complete_check_with_everything_passing_is_accepted(item, data) -> None:
    chosen = data.draw(chosen_situations(item))
    if unanswered_groups(item, chosen):
        chosen |= {g.options[0].id for g in unanswered_groups(item, chosen)}
    evaluation = evaluate(item, chosen, all_ok(item, chosen))
    assert evaluation.allowed_decisions == (Decision.ACCEPT, Decision.REJECT)
