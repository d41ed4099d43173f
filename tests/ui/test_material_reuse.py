"""材料复用 through the real windows and a real hall server process: on a first visit the
applicant agrees on the citizen screen that the hall keeps the materials received; the case
carries the answer and the hall keeps them by the keyed ID hash. On the second visit (another
item asking for one of the same materials) the card's number brings the held material onto
the checklist, the clerk ticks 复用 from the keyboard, and the case records the reuse with
the source case. An applicant who says 不同意 has nothing kept, neither in the window's store
(beyond the case) nor on the hall. A hall that cannot be asked: the clerk is told, paper goes on.
An expired one is shown as expired and not offered."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from PySide6.QtCore import Qt

from tests.support.screenshots import save_screen
from tests.ui.test_shell import FAST_SYNC, open_main_window
from workstation.app.held import AUDIT_MATERIAL_CONSENT, HeldMaterial
from workstation.config import RatingSettings, ServerSettings, Settings, UiSettings
from workstation.domain.checklist import Decision, MaterialStatus

LI = "11010519491231002X"
WANG = "110101199003071233"
UNEMPLOYMENT = "失业保险金申领"  # asks for 本人银行结算账户信息 (a copy, kept a year)
MATERNITY = "生育津贴申领"  # asks for it again when the applicant applies in person
INITIALS = {UNEMPLOYMENT: "sybxjsl", MATERNITY: "syjtsl"}  # typed as a clerk types them
BANK = "bank_account"


def _settings(hall) -> Settings:
    return Settings(server=ServerSettings(url=hall.url), sync=FAST_SYNC, ui=UiSettings(citizen_screen="window"),
                    rating=RatingSettings(timeout=600))


def _applicant(qtbot, window, name: str, number: str) -> None:
    window.applicant.name.setText(name)
    window.applicant.id_number.setFocus()
    qtbot.keyClicks(window.applicant.id_number, number)
    qtbot.keyClick(window.applicant.id_number, Qt.Key.Key_Return)


def _item(qtbot, panel, name: str, chosen: tuple[str, ...] = ()) -> None:
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, INITIALS[name])
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert panel.item is not None and panel.item.name == name, panel.item
    for group in panel.item.situations:
        wanted = next((o.id for o in group.options if o.id in chosen), group.options[0].id)
        panel.choose_situation(wanted)


def _receive_the_rest(panel) -> None:
    for row, material in enumerate(panel._materials):
        if panel._row_state(row)[0] == MaterialStatus.NOT_CHECKED.value:
            panel.mark(material.id, MaterialStatus.RECEIVED)


def _held_rows(hall_db) -> list[tuple]:
    with sqlite3.connect(hall_db) as connection:
        return connection.execute("SELECT applicant_id_hash, material_id, case_number, valid_until "
                                  "FROM held_materials ORDER BY material_id").fetchall()


def _accept_and_answer(qtbot, app, panel, agree: bool, screenshot=None):
    before = app.last_case
    qtbot.mouseClick(panel.buttons[Decision.ACCEPT], Qt.MouseButton.LeftButton)
    citizen = app.citizen
    qtbot.waitUntil(lambda: citizen.pages.currentWidget() is citizen.consent, timeout=10000)
    assert panel.consent_wait.isVisible() and not panel.buttons[Decision.ACCEPT].isEnabled()
    if screenshot is not None:
        save_screen(citizen, screenshot)
    qtbot.mouseClick(citizen.consent.yes if agree else citizen.consent.no, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.last_case is not before and app.last_case is not None, timeout=15000)
    return app.last_case


def test_a_material_kept_with_consent_is_reused_on_the_next_visit(qtbot, clerk_app, sqlite_hall, tmp_path):
    app = clerk_app(_settings(sqlite_hall))
    open_main_window(qtbot, app, sqlite_hall, 1)
    window, panel = app.main_window, app.main_window.materials
    window.resize(1366, 768)
    app.citizen.resize(1366, 768)
    qtbot.waitUntil(lambda: panel.snapshot is not None and len(panel.snapshot.index) >= 20, timeout=30000)
    hall_db = sqlite_hall.db_url.removeprefix("sqlite:///")

    # First visit: nothing held yet; the case is accepted and the applicant agrees.
    _applicant(qtbot, window, "李明", LI)
    qtbot.waitUntil(lambda: "没有" in panel.held_notice.text(), timeout=15000)
    _item(qtbot, panel, UNEMPLOYMENT)
    _receive_the_rest(panel)
    first = _accept_and_answer(qtbot, app, panel, agree=True,
                               screenshot=tmp_path / "citizen_consent_1366x768.png")
    assert first.payload["consent"]["given"] is True and first.payload["consent"]["how"] == "answered"
    kept = {m["id"]: m.get("kept_until") for m in first.payload["materials"]}
    assert kept[BANK] and kept["termination_proof"] and not kept["identity"] and not kept["application_form"]
    qtbot.waitUntil(lambda: len(_held_rows(hall_db)) == 2, timeout=20000)
    assert {r[1] for r in _held_rows(hall_db)} == {BANK, "termination_proof"}
    assert all(LI not in str(r) for r in _held_rows(hall_db))  # the keyed hash only
    audits = [r.payload for r in app.workstation.store.records_of(AUDIT_MATERIAL_CONSENT)]
    assert [(a["case_number"], a["given"]) for a in audits] == [(first.case_number, True)]

    # Second visit, another item: the card's number brings the held material onto the checklist.
    _applicant(qtbot, window, "李明", LI)
    _item(qtbot, panel, MATERNITY, chosen=("person", "birth"))
    qtbot.waitUntil(lambda: BANK in [m.id for m in panel._materials] and bool(panel.held), timeout=15000)
    row = next(r for r, m in enumerate(panel._materials) if m.id == BANK)
    cell = panel.table.cellWidget(row, 0)
    assert "已收取" in cell.held.text() and "有效至" in cell.held.text() and kept[BANK] in cell.held.text()
    assert not cell.reuse.isHidden() and panel.reuse_button.isVisible()
    # Tab reaches the tick; Space ticks it.
    cell.reuse.setFocus()
    assert cell.reuse.focusPolicy() & Qt.FocusPolicy.TabFocus
    qtbot.keyClick(cell.reuse, Qt.Key.Key_Space)
    combo = panel.table.cellWidget(row, 2)
    assert combo.currentData() == MaterialStatus.REUSED.value and panel.findings[row].state == "ok"
    assert dict(app.citizen.checklist_rows)[panel._materials[row].name] == "ok"
    _receive_the_rest(panel)
    save_screen(window, tmp_path / "clerk_held_material_1366x768.png")
    second = _accept_and_answer(qtbot, app, panel, agree=False)
    bank = next(m for m in second.payload["materials"] if m["id"] == BANK)
    assert bank["status"] == "reused" and bank["reused_from"] == first.case_number and bank["received"]
    assert second.payload["consent"]["given"] is False
    assert not any(m.get("kept_until") for m in second.payload["materials"])
    qtbot.waitUntil(lambda: app.workstation.store.records_of(AUDIT_MATERIAL_CONSENT).__len__() == 2, timeout=10000)
    # Refused this time: the hall still holds the first visit's, and nothing of the second.
    qtbot.waitUntil(lambda: second.case_number in str(sqlite3.connect(hall_db).execute(
        "SELECT case_number FROM cases").fetchall()), timeout=20000)
    assert {(r[1], r[2]) for r in _held_rows(hall_db)} == {(BANK, first.case_number),
                                                            ("termination_proof", first.case_number)}

    # An expired one is shown as expired and not offered.
    _item(qtbot, panel, MATERNITY, chosen=("person", "birth"))
    today = date.today()
    panel.set_held([HeldMaterial(material_name=panel._materials[row].name, material_id=BANK, item_name=UNEMPLOYMENT,
                                 case_number=first.case_number, received_on=today - timedelta(days=400),
                                 valid_until=today - timedelta(days=35))], today)
    row = next(r for r, m in enumerate(panel._materials) if m.id == BANK)
    cell, combo = panel.table.cellWidget(row, 0), panel.table.cellWidget(row, 2)
    assert "过期" in cell.held.text() and cell.reuse.isHidden() and combo.findData(MaterialStatus.REUSED.value) < 0
    assert not panel.reuse_all()


def test_without_consent_nothing_is_kept_and_an_unreachable_hall_leaves_paper(qtbot, clerk_app, sqlite_hall,
                                                                              tmp_path):
    app = clerk_app(_settings(sqlite_hall))
    open_main_window(qtbot, app, sqlite_hall, 1)
    window, panel = app.main_window, app.main_window.materials
    qtbot.waitUntil(lambda: panel.snapshot is not None and len(panel.snapshot.index) >= 20, timeout=30000)
    hall_db = sqlite_hall.db_url.removeprefix("sqlite:///")

    _applicant(qtbot, window, "王芳", WANG)
    _item(qtbot, panel, UNEMPLOYMENT)
    _receive_the_rest(panel)
    case = _accept_and_answer(qtbot, app, panel, agree=False)
    assert case.payload["consent"] == {**case.payload["consent"], "given": False, "how": "answered"}
    qtbot.waitUntil(lambda: case.case_number in str(sqlite3.connect(hall_db).execute(
        "SELECT case_number FROM cases").fetchall()), timeout=20000)
    assert _held_rows(hall_db) == []  # the hall keeps nothing
    # The window keeps nothing beyond the case: no material marked kept in any record.
    for record in app.workstation.store.every_record():
        payload = record.payload or {}
        assert not any(isinstance(m, dict) and m.get("kept_until") for m in payload.get("materials") or [])
    assert [r.payload["given"] for r in app.workstation.store.records_of(AUDIT_MATERIAL_CONSENT)] == [False]

    # The hall goes away: the clerk is told plainly and goes on with paper; nothing waits.
    sqlite_hall.stop()
    _applicant(qtbot, window, "王芳", WANG)
    qtbot.waitUntil(lambda: "纸质" in panel.held_notice.text(), timeout=30000)
    _item(qtbot, panel, UNEMPLOYMENT)
    assert all(panel.table.cellWidget(r, 0).reuse.isHidden() for r in range(len(panel._materials)))
    _receive_the_rest(panel)
    assert panel.buttons[Decision.ACCEPT].isEnabled()
