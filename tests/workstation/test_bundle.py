"""一件事: the demo hall's bundles fit its catalogue, the merged checklist asks each shared
material once, and each item inside the bundle is decided by its own rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workstation.domain import bundle as B
from workstation.domain.checklist import Decision, MaterialCheck, MaterialStatus
from workstation.protocol.bundles import Bundle
from workstation.protocol.catalogue import ServiceItem

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo_hall"


@pytest.fixture(scope="module")
def items() -> dict[str, ServiceItem]:
    values = json.loads((DEMO / "catalogue.json").read_text(encoding="utf-8"))
    return {v["code"]: ServiceItem.model_validate(v) for v in values}


@pytest.fixture(scope="module")
def bundles() -> dict[str, Bundle]:
    values = json.loads((DEMO / "bundles.json").read_text(encoding="utf-8"))
    return {v["code"]: Bundle.model_validate(v) for v in values}


def test_every_demo_bundle_fits_the_catalogue(items, bundles):
    assert len(bundles) >= 3
    for bundle in bundles.values():
        B.check_against(bundle, items)


def test_a_bundle_naming_what_the_catalogue_lacks_is_refused_plainly(items, bundles):
    flat = bundles["ershoufang-zhuanyi"]
    broken = flat.model_copy(update={"items": (*flat.items[:2], flat.items[2].model_copy(update={"item": "NOPE"}))})
    with pytest.raises(B.BundleProblem, match="事项 NOPE 不在事项目录中"):
        B.check_against(broken, items)


def test_two_options_of_a_single_choice_are_refused(bundles):
    flat = bundles["ershoufang-zhuanyi"]
    with pytest.raises(B.BundleProblem, match="只能选一项"):
        B.applicable_items(flat, {"loan", "cash"})


def _pass_all(evaluation_rows, skip=()):
    checks = []
    for row in evaluation_rows:
        if row.key in skip:
            continue
        originals, copies = row.material.original_count, row.material.copy_count
        checks.append(MaterialCheck(row.key, MaterialStatus.RECEIVED, originals, copies) if originals or copies
                      else MaterialCheck(row.key, MaterialStatus.RECEIVED, 1, 0))
    return checks


def test_shared_materials_are_asked_once_and_reach_every_item(items, bundles):
    flat = bundles["ershoufang-zhuanyi"]
    chosen = {"loan", "fund_yes", "agent"}
    assert len(B.applicable_items(flat, chosen)) == 3
    rows = B.merged_materials(flat, items, chosen)
    keys = [r.key for r in rows]
    assert len(keys) == len(set(keys))
    agent = next(r for r in rows if r.key == "agent_id")
    assert len(agent.items) == 3  # one ID card of the agent for all three items
    evaluation = B.evaluate_bundle(flat, items, chosen, _pass_all(rows))
    assert evaluation.complete
    for code, item_eval in evaluation.items.items():
        assert item_eval.allowed(Decision.ACCEPT), (items[code].name, item_eval.verdict(Decision.ACCEPT))


def test_one_item_may_be_accepted_while_another_is_notified_once(items, bundles):
    flat = bundles["ershoufang-zhuanyi"]
    chosen = {"loan", "fund_yes", "self"}
    rows = B.merged_materials(flat, items, chosen)
    loan = next(r for r in rows if r.key.endswith("/loan_contract"))  # only the mortgage needs it
    checks = [*_pass_all(rows, skip={loan.key}), MaterialCheck.missing(loan.key)]
    evaluation = B.evaluate_bundle(flat, items, chosen, checks)
    decisions = {items[code].name: e.allowed(Decision.ACCEPT) for code, e in evaluation.items.items()}
    assert decisions == {"国有建设用地使用权及房屋所有权转移登记": True, "不动产抵押权首次登记": False,
                         "住房公积金提取": True}
    mortgage = next(e for code, e in evaluation.items.items() if items[code].name == "不动产抵押权首次登记")
    assert mortgage.allowed(Decision.NOTIFY_ONCE)
    assert [p.material_id for p in mortgage.notice] == ["loan_contract"]


def test_a_missing_shared_material_is_missing_for_every_item_that_needs_it(items, bundles):
    flat = bundles["ershoufang-zhuanyi"]
    chosen = {"cash", "fund_yes", "self"}
    rows = B.merged_materials(flat, items, chosen)
    checks = [*_pass_all(rows, skip={"sale_contract"}), MaterialCheck.missing("sale_contract")]
    evaluation = B.evaluate_bundle(flat, items, chosen, checks)
    assert all(not e.allowed(Decision.ACCEPT) for e in evaluation.items.values())


def test_a_status_the_row_does_not_offer_is_refused(items, bundles):
    flat = bundles["ershoufang-zhuanyi"]
    chosen = {"cash", "fund_no", "self"}
    rows = B.merged_materials(flat, items, chosen)
    contract = next(r for r in rows if r.key == "sale_contract")
    assert MaterialStatus.SHARED not in contract.statuses
    with pytest.raises(ValueError, match="不能记为"):
        B.evaluate_bundle(flat, items, chosen, [MaterialCheck.shared("sale_contract")])
