"""一件事: the demo hall's bundles fit its catalogue, the merged checklist asks each shared
material once, and each item inside the bundle is decided by its own rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

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


def _save_flat_bundle(items, bundles, store, now=None, helper=None):
    """二手房转移登记 saved at window 5: transfer and 公积金 accepted, the mortgage notified once."""
    from datetime import UTC, datetime

    from workstation.app.guide import GuideDesk, GuideSnapshot, Person
    from workstation.domain.checklist import decide
    from workstation.domain.search import CatalogueIndex
    from workstation.domain.workdays import WorkCalendar

    flat = bundles["ershoufang-zhuanyi"]
    chosen = {"loan", "fund_yes", "self"}
    rows = B.merged_materials(flat, items, chosen)
    loan = next(r for r in rows if r.key.endswith("/loan_contract"))
    evaluation = B.evaluate_bundle(flat, items, chosen, [*_pass_all(rows, skip={loan.key}),
                                                          MaterialCheck.missing(loan.key)])
    decided = []
    for code, item_evaluation in evaluation.items.items():
        decision = Decision.ACCEPT if item_evaluation.allowed(Decision.ACCEPT) else Decision.NOTIFY_ONCE
        decided.append((items[code], item_evaluation, decide(item_evaluation, decision)))
    snapshot = GuideSnapshot(0, CatalogueIndex.build(items.values()), WorkCalendar.official(), "110105",
                             "演示区政务服务中心", bundles=(flat,))
    now = now or datetime.now(UTC)
    saved = GuideDesk(store).save_bundle(
        snapshot, flat, sorted(chosen), evaluation, decided, Person("王小明", id_number="11010519491231002X"),
        None, {"username": "clerk5", "name": "赵敏"}, 5, "device-5", applied_at=now, now=now, helper=helper)
    return snapshot, flat, loan, saved


def test_the_bundle_is_saved_as_one_number_with_a_case_per_item_and_one_receipt(items, bundles, store, tmp_path):
    """二手房转移登记 with a loan, 公积金 and the owner in person: the transfer and the 公积金
    are accepted, the mortgage lacks its loan contract and is notified once. Each item is a
    case of its own with its own 办件编号 and sub-number under the bundle's number; the one
    receipt lists each item's decision and promised date (read back with pdftotext)."""
    import subprocess
    from datetime import UTC, datetime

    from workstation.app.guide import BUNDLE_DOCUMENT
    from workstation.documents.builder import build_document

    snapshot, flat, loan, saved = _save_flat_bundle(items, bundles, store, datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    assert snapshot.search_bundles("esfzy") == [flat] and snapshot.search_bundles("二手房") == [flat]

    records = [r for r in store.next_batch(100) if r.kind == "case"]
    assert [r.payload["case_number"] for r in records] == [c.case_number for c in saved.cases]
    assert len({saved.receipt.case_number, *(c.case_number for c in saved.cases)}) == 4  # all distinct
    assert [r.payload["bundle"]["sub_number"] for r in records] == ["01", "02", "03"]
    assert {r.payload["bundle"]["number"] for r in records} == {saved.receipt.case_number}
    assert [r.payload["decision"]["code"] for r in records] == ["accept", "notify_once", "accept"]
    assert saved.receipt.decision == BUNDLE_DOCUMENT

    pdf = build_document(BUNDLE_DOCUMENT, saved.receipt.payload, {"name": "演示区政务服务中心"})
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True, timeout=30).stdout.decode()
    flat_text = "".join(text.split())
    assert "一件事受理回执" in flat_text and "二手房转移登记" in flat_text
    for case in saved.cases:
        assert case.display_number in flat_text
    assert "不动产抵押权首次登记" in flat_text and "一次性告知" in flat_text
    promised = saved.cases[0].promised_date
    assert promised and f"{promised.year}年{promised.month}月{promised.day}日" in flat_text
    assert "借款合同" in flat_text or loan.material.name in flat_text  # what the mortgage still needs


def test_a_row_one_item_wants_as_original_and_another_as_copy_asks_for_both(items, bundles):
    """二手房: the transfer keeps the original 买卖合同, the 公积金 a copy: the one row asks
    for the original and a copy, and receiving only the original is short for the 公积金."""
    from workstation.domain.checklist import required_counts

    flat = bundles["ershoufang-zhuanyi"]
    chosen = {"cash", "fund_yes", "self"}
    rows = B.merged_materials(flat, items, chosen)
    sale = next(r for r in rows if r.key == "sale_contract")
    assert required_counts(sale.material) == (1, 1)
    short = [MaterialCheck(r.key, MaterialStatus.RECEIVED, 1, 0) if r.key == "sale_contract" else c
             for r, c in zip(rows, _pass_all(rows), strict=True)]
    evaluation = B.evaluate_bundle(flat, items, chosen, short)
    names = {items[code].name: e.allowed(Decision.ACCEPT) for code, e in evaluation.items.items()}
    assert names == {"国有建设用地使用权及房屋所有权转移登记": True, "住房公积金提取": False}


def test_the_hall_indexes_each_item_case_under_its_bundle(items, bundles, store, hall_server, make_engine, wait):
    """Uploaded through the outbox, the three item cases are on the server's case index with
    the bundle's number, name and their sub-numbers; the bundle's number lists them."""
    _, flat, _, saved = _save_flat_bundle(items, bundles, store, helper={"kind": "hall_helper", "name": "周帮办"})
    make_engine(hall_server, store)
    wait(lambda: store.pending_count() == 0, "the bundle's cases are uploaded")
    clerk = hall_server.login("clerk1")
    answer = clerk.get(hall_server.api(f"/cases/bundles/{saved.receipt.display_number}"), timeout=30)
    assert answer.status_code == 200, answer.text
    listed = [(c["sub_number"], c["case_number"], c["decision"]) for c in answer.json()]
    assert listed == [(c.payload["bundle"]["sub_number"], c.case_number, c.decision) for c in saved.cases]
    one = clerk.get(hall_server.api(f"/cases/{saved.cases[1].case_number}"), timeout=30).json()
    assert (one["bundle_number"], one["bundle_name"], one["sub_number"]) == (
        saved.receipt.case_number, flat.name, "02")
    missing = clerk.get(hall_server.api("/cases/bundles/110105-20261123-005-PJKE-9999-0"), timeout=30)
    assert missing.status_code == 404 and "一件事" in missing.json()["detail"]
    # The day's statistics count the three item cases, each helped, each an item of a bundle.
    supervisor = hall_server.login("supervisor")
    day = requests.get(hall_server.api("/health"), timeout=30).json()["hall_date"]
    figures = supervisor.get(hall_server.api("/monitoring/statistics"), params={"from": day, "to": day},
                             timeout=30).json()["cases"]
    assert figures == {"decided": 3, "helped": 3, "bundle_items": 3}
