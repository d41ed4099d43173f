"""The material check through the real windows: find the item by pinyin initials, answer
its situations, mark the materials, see exactly the decisions the rules allow, save the
case and find it on the hall server; the citizen screen shows the same checklist."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from tests.support.screenshots import save_screen
from tests.ui.test_document_flow import press_accept
from tests.ui.test_shell import FAST_SYNC, open_main_window
from workstation.config import ServerSettings, Settings, UiSettings
from workstation.domain.case_number import parse, validate
from workstation.domain.checklist import (
    Decision,
    MaterialCheck,
    MaterialStatus,
    applicable_materials,
    evaluate,
)

ITEM = "个体工商户设立登记"


@pytest.fixture
def logged_in(qtbot, clerk_app, sqlite_hall):
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="window"))
    app = clerk_app(settings)
    open_main_window(qtbot, app, sqlite_hall, 2)
    panel = app.main_window.materials
    qtbot.waitUntil(lambda: panel.snapshot is not None and len(panel.snapshot.index) >= 20, timeout=30000)
    return app


def _enabled(panel) -> set[Decision]:
    return {d for d, button in panel.buttons.items() if button.isEnabled()}


def test_search_check_decide_and_sync_a_case(qtbot, logged_in, sqlite_hall, tmp_path):
    app = logged_in
    window = app.main_window
    panel = window.materials

    # The clerk types the pinyin initials; the item comes first and Enter picks it.
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "gtgshsldj")
    assert panel.results.isVisible()
    assert panel.results.item(0).text().startswith(ITEM)
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert panel.item is not None and panel.item.name == ITEM

    # Situations not yet answered: nothing but 不予受理 may be recorded.
    assert _enabled(panel) == {Decision.REJECT}
    panel.choose_situation("individual")
    panel.choose_situation("agent")
    expected = [m.id for m in applicable_materials(panel.item, {"individual", "agent"})]
    assert [m.id for m in panel._materials] == expected
    assert "power_of_attorney" in expected and "family_members_id" not in expected

    # Everything required received; the 容缺 material (经营场所使用证明) missing.
    for material_id in ("application", "operator_id", "power_of_attorney", "agent_id"):
        panel.mark(material_id, MaterialStatus.RECEIVED)
    panel.mark("premises_proof", MaterialStatus.MISSING)
    chosen = {"individual", "agent"}
    received = [MaterialCheck.received(m, originals=o, copies=c) for m, o, c in (
        ("application", 1, 0), ("operator_id", 1, 0), ("power_of_attorney", 1, 0), ("agent_id", 1, 0))]
    rules = evaluate(panel.item, chosen, [*received, MaterialCheck.missing("premises_proof")])
    assert _enabled(panel) == set(rules.allowed_decisions)
    assert Decision.ACCEPT_WITH_DEFICIENCY in _enabled(panel)
    assert Decision.ACCEPT not in _enabled(panel)

    # A required material defective: no acceptance, the notice lists it.
    panel.mark("agent_id", MaterialStatus.DEFECTIVE, reason="证件已过有效期")
    rules = evaluate(panel.item, chosen, [*received[:3], MaterialCheck.missing("premises_proof"),
                                          MaterialCheck.defective("agent_id", "证件已过有效期", originals=1)])
    assert _enabled(panel) == set(rules.allowed_decisions)
    assert Decision.ACCEPT not in _enabled(panel)
    assert Decision.ACCEPT_WITH_DEFICIENCY not in _enabled(panel)
    assert "委托代理人身份证明" in panel.problems.text()

    # The citizen screen mirrors the checklist in large text.
    citizen = app.citizen
    assert citizen.pages.currentIndex() == 1
    assert ITEM in citizen.checklist_title.text()
    assert dict(citizen.checklist_rows) == {
        "个体工商户登记（备案）申请书": "ok", "经营者身份证明": "ok", "经营场所使用证明": "missing",
        "授权委托书": "ok", "委托代理人身份证明": "problem"}
    citizen.resize(1920, 1080)  # the citizen screen's own size
    qtbot.wait(100)
    save_screen(citizen, tmp_path / "citizen_checklist.png")

    # Fixed: all in order, the clerk may accept; a forbidden decision is refused if forced,
    # and the greyed-out button says why when clicked.
    panel.mark("agent_id", MaterialStatus.RECEIVED)
    panel.mark("premises_proof", MaterialStatus.RECEIVED)
    assert Decision.ACCEPT in _enabled(panel)
    assert panel.result.text() == ""
    assert not panel.record_decision(Decision.NOTIFY_ONCE)
    assert "一次性告知" in panel.result.text()
    panel.mark("premises_proof", MaterialStatus.RECEIVED, copies=2)  # a change: the refusal goes
    assert panel.result.text() == ""
    qtbot.mouseClick(panel.buttons[Decision.NOTIFY_ONCE], Qt.MouseButton.LeftButton)
    assert panel.result.text() == "不能作出一次性告知决定：材料齐全，无需一次性告知"

    # The applicant and the agent have no card with them: the clerk types their numbers,
    # which show masked once entered.
    window.resize(1366, 768)  # the counter PC's screen
    window.applicant.name.setText("李明")
    window.applicant.agent_name.setText("王芳")
    for field, number in ((window.applicant.id_number, "11010519491231002X"),
                          (window.applicant.agent_id, "110101199003071233")):
        field.setFocus()
        qtbot.keyClicks(field, number)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.applicant.id_number.text() == "110105********002X"
    assert window.applicant.agent_id.text() == "110101********1233"
    qtbot.wait(100)  # let the new rows and situation boxes show before the picture
    save_screen(window, tmp_path / "material_check.png")
    before = app.last_case
    qtbot.mouseClick(panel.buttons[Decision.ACCEPT], Qt.MouseButton.LeftButton)
    # 材料复用: an applicant with an ID number is asked first whether the hall may keep what was received.
    qtbot.waitUntil(lambda: app.citizen.consent.active or app.last_case is not before, timeout=10000)
    if app.citizen.consent.active:
        qtbot.mouseClick(app.citizen.consent.no, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.last_case is not None, timeout=30000)
    saved = app.last_case
    assert validate(saved.case_number)
    assert parse(saved.case_number).window == 2
    assert saved.display_number in panel.result.text()
    assert saved.promised_date is not None  # 即办件: promised on the day (or the next working day)
    assert window.applicant.name.text() == ""  # ready for the next applicant
    # The applicant is asked to sign the receipt (tests/ui/test_document_flow.py goes on).
    qtbot.waitUntil(lambda: citizen.pages.currentWidget() is citizen.signing, timeout=30000)

    # The case reaches the hall server with its materials and decision.
    supervisor = sqlite_hall.login("supervisor")
    deadline = time.monotonic() + 30
    found = []
    while time.monotonic() < deadline and not found:
        page = supervisor.get(sqlite_hall.api("/records"), params={"kind": "case"}).json()
        found = [r for r in page["records"] if r["payload"]["case_number"] == saved.case_number]
        time.sleep(0.3)
    assert found, "the case did not reach the hall server"
    payload = found[0]["payload"]
    assert payload["decision"]["code"] == "accept"
    assert payload["item"]["name"] == ITEM
    assert payload["applicant"]["name"] == "李明"
    assert payload["agent"]["name"] == "王芳"
    assert {m["id"] for m in payload["materials"]} == set(expected)
    assert all(m["received"] for m in payload["materials"])


def test_an_invalid_id_number_stops_the_case(qtbot, logged_in):
    panel = logged_in.main_window.materials
    press_accept(qtbot, logged_in, id_number="110105194912310021")  # wrong check digit
    qtbot.waitUntil(lambda: "不是有效的居民身份证号码" in panel.result.text(), timeout=5000)
    assert logged_in.last_case is None
