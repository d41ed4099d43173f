"""免提交 through the licence service (a simulator run as a real HTTP process): the clerk
asks it for the applicant's licences, the 营业执照 row becomes 共享免提交 and counts as
received on both screens; then the service is stopped: the clerk is told plainly, nothing
on the check changes, and the case goes on with paper."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from tests.support.hall_server import REPO
from tests.support.screenshots import save_screen
from tests.ui.test_shell import FAST_SYNC, open_main_window
from workstation.config import LicenceSettings, ServerSettings, Settings, UiSettings
from workstation.domain.checklist import Decision, MaterialStatus

ID_NUMBER = "11010519491231002X"
LICENCES = {ID_NUMBER: [{"type": "营业执照", "number": "91110105MA01ABCD2X", "holder": "北京李明餐饮有限公司",
                         "issued_by": "演示区市场监督管理局", "valid_until": "2046-05-31"},
                        {"type": "结婚证", "number": "J110105-2010-001234", "holder": "李明"}]}


@pytest.fixture
def licence_service(tmp_path):
    data = tmp_path / "licences.json"
    data.write_text(json.dumps(LICENCES, ensure_ascii=False), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "tests.support.licence_service", str(data)], cwd=REPO,
                               stdout=subprocess.PIPE, text=True)
    port = process.stdout.readline().split()[1]
    yield process, f"http://127.0.0.1:{port}"
    process.kill()
    process.wait(10)


def test_a_shareable_material_is_fetched_and_a_stopped_service_leaves_paper(qtbot, clerk_app, sqlite_hall,
                                                                          licence_service, tmp_path):
    process, url = licence_service
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="window"), licences=LicenceSettings(url=url, timeout=2.0))
    app = clerk_app(settings)
    open_main_window(qtbot, app, sqlite_hall, 1)
    window, panel = app.main_window, app.main_window.materials
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: panel.snapshot is not None and len(panel.snapshot.index) >= 20, timeout=30000)
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "spjyxk")  # 食品经营许可, by its initials
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert panel.item is not None and panel.licence_button.isVisible() and panel.licence_button.isEnabled()
    for option in panel.item.situations:
        panel.choose_situation(option.options[0].id)

    # No ID yet: the clerk is told what is needed first.
    qtbot.mouseClick(panel.licence_button, Qt.MouseButton.LeftButton)
    assert "身份证号码" in panel.result.text()
    window.applicant.name.setText("李明")
    window.applicant.id_number.setFocus()
    qtbot.keyClicks(window.applicant.id_number, ID_NUMBER)
    qtbot.keyClick(window.applicant.id_number, Qt.Key.Key_Return)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(panel, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Ctrl+L, as the button
    qtbot.waitUntil(lambda: "营业执照" in panel.result.text(), timeout=15000)
    row = next(r for r, m in enumerate(panel._materials) if m.id == "business_licence")
    combo = panel.table.cellWidget(row, 2)
    assert combo.currentData() == MaterialStatus.SHARED.value and "91110105MA01ABCD2X" in combo.toolTip()
    assert panel.findings[row].state == "ok"
    assert dict(app.citizen.checklist_rows)[panel._materials[row].name] == "ok"
    save_screen(window, tmp_path / "clerk_licence_fetched_1366x768.png")

    # The service goes away: the clerk is told, the check stays as it was, paper goes on.
    process.kill()
    process.wait(10)
    before = [panel._row_state(r) for r in range(len(panel._materials))]
    panel._licences_clicked()
    qtbot.waitUntil(lambda: "纸质" in panel.result.text(), timeout=15000)
    assert "电子证照" in panel.result.text()
    assert [panel._row_state(r) for r in range(len(panel._materials))] == before
    for material in panel._materials:
        if material.id != "business_licence":
            panel.mark(material.id, MaterialStatus.RECEIVED)
    assert panel.buttons[Decision.ACCEPT].isEnabled()


def test_the_embedded_demo_hall_has_its_own_licence_service(qtbot, clerk_app, tmp_path, monkeypatch):
    """No hall server and no licence service configured: the demo hall runs its demo
    service, so 查电子证照 works out of the box: the 居民户口簿 of 居民身份证换领 is fetched
    for the typed ID number and counts as received, marked as the demo's."""
    from tests.ui.test_shell import _log_in

    monkeypatch.setenv("COUNTER_HOME", str(tmp_path / "embedded-home"))
    app = clerk_app(Settings(sync=FAST_SYNC, ui=UiSettings(citizen_screen="off")))
    app.start()
    _log_in(qtbot, app)
    qtbot.waitUntil(lambda: app.main_window is not None, timeout=30000)
    window, panel = app.main_window, app.main_window.materials
    qtbot.waitUntil(lambda: panel.snapshot is not None and len(panel.snapshot.index) >= 20, timeout=30000)
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "jmsfzhl")  # 居民身份证换领
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert panel.item is not None and panel.item.name == "居民身份证换领"
    assert panel.licence_button.isVisible() and panel.licence_button.isEnabled()
    for option in panel.item.situations:
        panel.choose_situation(option.options[0].id)
    window.applicant.id_number.setFocus()
    qtbot.keyClicks(window.applicant.id_number, ID_NUMBER)
    qtbot.keyClick(window.applicant.id_number, Qt.Key.Key_Return)
    qtbot.mouseClick(panel.licence_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "居民户口簿" in panel.result.text(), timeout=15000)
    row = next(r for r, m in enumerate(panel._materials) if m.id == "household_register")
    combo = panel.table.cellWidget(row, 2)
    assert combo.currentData() == MaterialStatus.SHARED.value and "演示" in combo.toolTip()
    assert panel.findings[row].state == "ok"
