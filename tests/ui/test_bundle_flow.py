"""一件事 at the counter through the real windows on a real hall server: the clerk finds
二手房转移登记 by its pinyin initials, answers its questions once, checks one merged list
(the agent's ID card once for all three items), decides each item by its own rules (the
transfer and the 公积金 accepted, the mortgage notified once), and records the bundle: one
receipt to sign, a case per item with its sub-number on the server, and the citizen
screen showing the merged checklist."""

from __future__ import annotations

import subprocess
import time

import pytest
from PySide6.QtCore import Qt

from tests.support.screenshots import save_screen
from tests.ui.test_shell import FAST_SYNC, open_main_window
from workstation.config import ServerSettings, Settings, UiSettings
from workstation.domain.checklist import Decision, MaterialStatus

BUNDLE = "二手房转移登记"
TRANSFER, MORTGAGE, FUND = "国有建设用地使用权及房屋所有权转移登记", "不动产抵押权首次登记", "住房公积金提取"


@pytest.fixture
def logged_in(qtbot, clerk_app, sqlite_hall):
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="window"))
    app = clerk_app(settings)
    open_main_window(qtbot, app, sqlite_hall, 5)
    panel = app.main_window.materials
    qtbot.waitUntil(lambda: panel.snapshot is not None and len(panel.snapshot.bundles) >= 3, timeout=30000)
    return app


def _decisions(panel, row: int) -> list[str]:
    combo = panel.bundle_items.cellWidget(row, 2)
    return [combo.itemData(i) for i in range(combo.count())]


def test_a_bundle_is_checked_once_decided_per_item_and_saved_as_one(qtbot, logged_in, sqlite_hall, tmp_path):
    app = logged_in
    window, panel, citizen = app.main_window, app.main_window.materials, app.citizen
    window.resize(1366, 768)

    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "esf")  # 二手房…: the bundle comes first, marked as 一件事
    assert panel.results.item(0).text().startswith(f"【一件事】{BUNDLE}")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert panel.bundle is not None and panel.bundle.name == BUNDLE and panel.item is None
    assert not panel.decision_bar.isVisible() and panel.bundle_items.isVisible()
    assert [panel.bundle_items.item(r, 0).text() for r in range(3)] == [
        f"① {TRANSFER}", f"② {MORTGAGE}", f"③ {FUND}"]
    assert not panel.bundle_save.isEnabled()

    # The questions once for the bundle: with a loan, 公积金 drawn, through an agent.
    for option in ("loan", "fund_yes", "agent"):
        panel.choose_situation(option)
    names = [m.name for m in panel._materials]
    assert len(names) == len(set(names)), "each material is asked once"
    agent_row = next(r for r, m in enumerate(panel._materials) if m.id == "agent_id")
    assert "①②③" in panel.table.cellWidget(agent_row, 0).label.text()  # one card for all three

    # Every material received but the mortgage's own loan contract.
    loan = next(m.id for m in panel._materials if m.id.endswith("/loan_contract"))
    for material in panel._materials:
        if material.id != loan:
            panel.mark(material.id, MaterialStatus.RECEIVED)
    panel.mark(loan, MaterialStatus.MISSING)
    assert Decision.ACCEPT.value in _decisions(panel, 0) and Decision.ACCEPT.value in _decisions(panel, 2), \
        panel.problems.text()
    assert Decision.ACCEPT.value not in _decisions(panel, 1)
    assert Decision.NOTIFY_ONCE.value in _decisions(panel, 1)
    assert panel.bundle_items.item(1, 1).text() == "材料缺少或不符合要求"
    assert f"② {panel._materials[[m.id for m in panel._materials].index(loan)].name}" in panel.problems.text()

    # The citizen screen shows the merged checklist, the missing contract as missing.
    assert BUNDLE in citizen.checklist_title.text()
    rows = dict(citizen.checklist_rows)
    assert len(rows) == len(panel._materials) and list(rows.values()).count("missing") == 1

    panel.choose_bundle_decision(0, Decision.ACCEPT)
    panel.choose_bundle_decision(1, Decision.NOTIFY_ONCE)
    panel.choose_bundle_decision(2, Decision.ACCEPT)
    assert panel.bundle_save.isEnabled()
    window.applicant.name.setText("王小明")
    window.applicant.agent_name.setText("王芳")
    for field, number in ((window.applicant.id_number, "11010519491231002X"),
                          (window.applicant.agent_id, "110101199003071233")):
        field.setFocus()
        qtbot.keyClicks(field, number)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.applicant.id_number.text() == "110105********002X"
    window.applicant.helper.setText("周帮办")  # 帮办: the hall's helper did it with them
    qtbot.wait(100)
    save_screen(window, tmp_path / "clerk_bundle_1366x768.png")
    citizen.resize(1920, 1080)
    save_screen(citizen, tmp_path / "citizen_bundle_checklist_1920x1080.png")
    before = app.last_case
    qtbot.mouseClick(panel.bundle_save, Qt.MouseButton.LeftButton)
    # 材料复用: an applicant with an ID number is asked first whether the hall may keep what was received.
    qtbot.waitUntil(lambda: app.citizen.consent.active or app.last_case is not before, timeout=10000)
    if app.citizen.consent.active:
        qtbot.mouseClick(app.citizen.consent.no, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.last_case is not None, timeout=30000)
    receipt = app.last_case
    assert receipt.decision == "bundle" and receipt.display_number in panel.result.text()
    assert f"02 {MORTGAGE}：一次性告知" in panel.result.text()

    # One receipt to sign: 一件事受理回执 with each item's decision.
    qtbot.waitUntil(lambda: citizen.pages.currentWidget() is citizen.signing, timeout=30000)
    qtbot.waitUntil(lambda: app.documents.draft is not None, timeout=30000)
    draft = app.documents.draft
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=draft.pdf, capture_output=True,
                          check=True, timeout=30).stdout.decode()
    flat = "".join(text.split())
    assert "一件事受理回执" in flat and BUNDLE in flat and "一次性告知" in flat
    assert "帮办人周帮办（本中心帮办员）" in flat

    # Each item reaches the hall server as a case of its own under the bundle's number.
    supervisor = sqlite_hall.login("supervisor")
    deadline, found = time.monotonic() + 30, []
    while time.monotonic() < deadline and len(found) < 3:
        page = supervisor.get(sqlite_hall.api("/records"), params={"kind": "case"}, timeout=10).json()
        found = [r["payload"] for r in page["records"]
                 if (r["payload"].get("bundle") or {}).get("number") == receipt.case_number]
        time.sleep(0.3)
    assert sorted((p["bundle"]["sub_number"], p["item"]["name"], p["decision"]["code"]) for p in found) == [
        ("01", TRANSFER, "accept"), ("02", MORTGAGE, "notify_once"), ("03", FUND, "accept")]
    assert all(p["agent"]["name"] == "王芳" for p in found)
    assert all(p["helper"] == {"kind": "hall_helper", "name": "周帮办"} for p in found)
    assert window.applicant.helper.text() == ""  # cleared for the next applicant

    # At pickup, the receipt's number lists the bundle's cases by sub-number; each opens.
    window.toggle_cases()  # Ctrl+K
    cases = window.cases
    cases.number.clear()
    qtbot.keyClicks(cases.number, receipt.display_number)
    qtbot.keyClick(cases.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cases.found_list.count() == 3, timeout=30000)
    assert cases.found_title.text() == f"一件事 {BUNDLE}（{receipt.display_number}）：3 个事项"
    assert cases.found_list.item(1).text().startswith("子件 02 · ")
    qtbot.waitUntil(lambda: cases.detail is not None, timeout=30000)  # the first opens by itself
    assert cases.title.text() == f"{TRANSFER}（一件事 {BUNDLE} · 子件 01）"
    save_screen(window, tmp_path / "clerk_bundle_pickup_1366x768.png")
