"""The 办件 screen at the window, against a real hall server process: a case accepted at
window 1 is found at window 2 by its number (scanned from the notice's QR code) and by
the applicant's ID card (the simulated certified reader on a pseudo-terminal), concluded
and handed over there; a second window concluding the same case is refused in plain
words; a step taken while the hall server is down is saved and reaches it when it is
back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from tests.support.hall_server import DEMO_PASSWORD
from tests.support.screenshots import save_screen
from tests.ui.rating_fixtures import ON_THE_SPOT, PROMISED, CaseMaker, demo_item
from tests.ui.test_shell import FAST_SYNC, open_main_window
from workstation.app.cases import CaseDesk, Outcome
from workstation.app.guide import HALL_TIMEZONE, Person, SavedCase
from workstation.app.workstation import Workstation
from workstation.config import ServerSettings, Settings, UiSettings
from workstation.documents.builder import check_url
from workstation.domain.case import Result, Step
from workstation.domain.checklist import (
    Decision,
    MaterialCheck,
    applicable_materials,
    decide,
    evaluate,
    required_counts,
)
from workstation.paths import Paths
from workstation.simulation.sim_reader import ResidentCard, SimulatedReader, card
from workstation.store.local import LocalStore

NUMBER = "110101199003071233"  # the simulated card's: 张三
TIMEOUT = 30000


@pytest.fixture
def sim():
    with SimulatedReader(card(ResidentCard())) as reader:
        yield reader


@pytest.fixture
def accepted_case(sqlite_hall, tmp_path):
    """A case of 张三 accepted at window 1 through the workstation's own code, uploaded."""
    store = LocalStore(tmp_path / "window1.sqlite3")
    maker = CaseMaker(sqlite_hall, store, sqlite_hall.enrol("workstation", 1))
    case = maker.case(PROMISED, at=datetime.now(UTC),
                      applicant=Person("张三", id_number=NUMBER, phone="13812345678"))
    maker.upload()
    store.close()
    return case


@pytest.fixture
def other_window(sqlite_hall, tmp_path):
    """make(window, username): another window's workstation, logged in, and its CaseDesk
    (the server's URL spelled differently: the keyring keeps one device per URL)."""
    made = []

    def make(window: int, username: str) -> CaseDesk:
        root = tmp_path / f"window{window}"
        settings = Settings(server=ServerSettings(url=sqlite_hall.url.replace("127.0.0.1", "localhost"),
                                                  timeout=5), sync=FAST_SYNC, ui=UiSettings(citizen_screen="off"))
        workstation = Workstation(settings, Paths(root / "config", root / "data", root / "logs"))
        workstation.connect()
        workstation.enrol(sqlite_hall.new_code("workstation", window))
        workstation.login(username, DEMO_PASSWORD)
        made.append(workstation)
        return CaseDesk.for_workstation(workstation)

    yield make
    for workstation in made:
        workstation.shutdown()


def _open(qtbot, clerk_app, hall, window: int, username: str, reader_port: str | None = None):
    settings = Settings(server=ServerSettings(url=hall.url, timeout=5), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="off"),
                        card={"backend": "serial", "port": reader_port, "timeout": 2.0} if reader_port else None)
    app = clerk_app(settings)
    open_main_window(qtbot, app, hall, window, username)
    app.main_window.resize(1366, 768)
    qtbot.waitUntil(lambda: app.main_window.status.connection.property("state") == "online", timeout=TIMEOUT)
    app.main_window.toggle_cases()  # Ctrl+K
    panel = app.main_window.cases
    assert app.main_window.tabs.currentWidget() is panel
    return app, panel


def _find_by_scan(qtbot, panel, hall, case) -> None:
    """What a QR scanner does: types the check address printed on the notice, then Enter."""
    url = check_url({"check_url": hall.api("/documents/check/{case_number}")}, case.case_number)
    panel.number.clear()
    qtbot.keyClicks(panel.number, url)
    qtbot.keyClick(panel.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.case_number == case.case_number,
                    timeout=TIMEOUT)


def _step(qtbot, panel, step: Step, choice: int = 0, receiver: str = "", note: str = "") -> None:
    button = panel.step_buttons[step]
    qtbot.waitUntil(lambda: button.isVisible() and button.isEnabled(), timeout=TIMEOUT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = panel._dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.choice.setCurrentIndex(choice)
    dialog.receiver.setText(receiver)
    dialog.note.setPlainText(note)
    dialog.accept_input()


def _screen_text(panel) -> str:
    parts = [panel.title.text(), panel.state.text(), panel.message.text(), panel.found_title.text()]
    parts += [label.text() for label in panel.fields.values()]
    parts += [panel.found_list.item(i).text() for i in range(panel.found_list.count())]
    parts += [panel.history.item(r, c).text() for r in range(panel.history.rowCount()) for c in range(4)
              if panel.history.item(r, c) is not None]
    return "\n".join(parts)


def _server_case(hall, number: str) -> dict:
    response = hall.login("supervisor").get(hall.api(f"/cases/{number}"), timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_found_by_scan_and_by_card_concluded_and_handed_over(qtbot, clerk_app, sqlite_hall, sim, accepted_case,
                                                           tmp_path):
    case = accepted_case
    app, panel = _open(qtbot, clerk_app, sqlite_hall, 2, "clerk2", sim.port)

    # Scanned from the notice: the number comes out of the check address.
    _find_by_scan(qtbot, panel, sqlite_hall, case)
    assert panel.number.text() == case.display_number
    assert panel.title.text() == PROMISED
    assert panel.state.text() == "已受理，待办理"
    assert panel.fields["applicant"].text().split() == ["张*", "110101********1233"]
    assert panel.fields["promised"].text() == case.promised_date.isoformat()
    assert "1 号窗口" in panel.fields["accepted"].text()
    visible = {s for s, b in panel.step_buttons.items() if b.isVisible()}
    assert visible == {Step.START, Step.CONCLUDE}

    # 办结: approved; the screen says recorded, then uploaded, and shows the case moved on.
    _step(qtbot, panel, Step.CONCLUDE, choice=0, note="材料齐全，准予")
    assert panel.message.text() == "已记录，正在上传…"
    qtbot.waitUntil(lambda: panel.message.text().startswith("已上传"), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: panel.state.text() == "已办结，待领取", timeout=TIMEOUT)
    assert panel.fields["result"].text() == "准予"
    assert {s for s, b in panel.step_buttons.items() if b.isVisible()} == {Step.DELIVER}

    # The applicant comes back: the clerk reads their ID card and finds the case waiting.
    panel.show_case(None)
    panel.number.clear()
    # F11, as on the counter tab: here it is this screen's (the hidden counter tab's F11 is idle).
    app.main_window.activateWindow()
    qtbot.waitUntil(app.main_window.isActiveWindow, timeout=5000)
    qtbot.keyClick(app.main_window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: panel.found_list.count() == 1, timeout=TIMEOUT)
    assert app.main_window.applicant.name.text() == ""
    assert "张*" in panel.found_title.text() and "110101********1233" in panel.found_title.text()
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.case_number == case.case_number,
                    timeout=TIMEOUT)
    assert case.display_number in panel.found_list.item(0).text()
    assert "已办结" in panel.found_list.item(0).text()

    # 领取: collected at the window by the applicant.
    _step(qtbot, panel, Step.DELIVER, choice=0, receiver="申请人本人")
    qtbot.waitUntil(lambda: panel.message.text().startswith("已上传"), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: panel.state.text() == "已领取", timeout=TIMEOUT)
    assert not any(b.isVisible() for b in panel.step_buttons.values())
    assert panel.found_list.item(0).text().endswith("已领取")
    history = [panel.history.item(r, 1).text() for r in range(panel.history.rowCount())]
    assert history == ["受理", "办结", "领取/送达"]
    text = _screen_text(panel)
    assert NUMBER not in text and "张三" not in text

    answer = _server_case(sqlite_hall, case.case_number)
    assert answer["state"] == "delivered" and answer["result"] == "approved"
    steps = [(h["step"], h["window"]) for h in answer["history"] if h["step"] in ("conclude", "deliver")]
    assert steps == [("conclude", 2), ("deliver", 2)]
    assert answer["history"][-1]["detail"]["method"] == "pickup"
    qtbot.wait(100)
    save_screen(app.main_window, tmp_path / "case_pickup.png")


def test_a_second_window_concluding_the_same_case_is_refused_plainly(qtbot, clerk_app, sqlite_hall, accepted_case,
                                                                   other_window, tmp_path):
    case = accepted_case
    app, panel = _open(qtbot, clerk_app, sqlite_hall, 2, "clerk2")
    _find_by_scan(qtbot, panel, sqlite_hall, case)
    assert panel.step_buttons[Step.CONCLUDE].isVisible()

    # Window 3 concludes the case first (its screen is not needed: its desk, as its screen would).
    desk3 = other_window(3, "clerk3")
    first = desk3.record_step(case.case_number, Step.CONCLUDE, result=Result.APPROVED)
    qtbot.waitUntil(lambda: desk3.outcome(first).outcome is Outcome.STORED, timeout=TIMEOUT)

    # Window 2 still shows the case as it was, and concludes it too.
    _step(qtbot, panel, Step.CONCLUDE, choice=1, note="材料不符合法定形式")
    qtbot.waitUntil(lambda: panel.message.property("tone") == "error", timeout=TIMEOUT)
    message = panel.message.text()
    assert "另一窗口已先办结此件" in message and "3 号窗口" in message, message
    assert "409" not in message and "concluded" not in message
    # The screen shows the case as the hall has it now: concluded at window 3, approved.
    qtbot.waitUntil(lambda: panel.state.text() == "已办结，待领取", timeout=TIMEOUT)
    assert panel.fields["result"].text() == "准予"
    assert any("3 号窗口" in panel.history.item(r, 2).text() for r in range(panel.history.rowCount()))
    answer = _server_case(sqlite_hall, case.case_number)
    assert answer["result"] == "approved"
    assert [h["window"] for h in answer["history"] if h["step"] == "conclude"] == [3]
    # The status bar counts the refused step calmly: no conflict for the supervisor, no resend.
    status = app.main_window.status.pending
    qtbot.waitUntil(lambda: "大厅未接收 1 条" in status.text(), timeout=TIMEOUT)
    assert "冲突" not in status.text() and "待上传：0 条" in status.text()
    qtbot.wait(100)
    save_screen(app.main_window, tmp_path / "case_refused.png")


def test_offline_the_window_works_on_its_own_case_and_the_step_reaches_the_hall_later(qtbot, clerk_app,
                                                                                     sqlite_hall):
    app, panel = _open(qtbot, clerk_app, sqlite_hall, 2, "clerk2")
    status = app.main_window.status
    # A case this window accepted (through the core, into its own store; its sync uploads it).
    own = CaseMaker(sqlite_hall, app.workstation.store, app.workstation.device.token).case(
        PROMISED, at=datetime.now(UTC), applicant=Person("张三", id_number=NUMBER, phone="13812345678"))
    qtbot.waitUntil(lambda: status.pending.text() == "待上传：0 条", timeout=TIMEOUT)

    sqlite_hall.stop()
    qtbot.waitUntil(lambda: status.connection.property("state") == "offline", timeout=TIMEOUT)
    qtbot.keyClicks(panel.number, own.display_number)
    qtbot.keyClick(panel.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.case_number == own.case_number,
                    timeout=TIMEOUT)
    assert panel.message.text().startswith("离线：按本窗口的记录显示")
    assert panel.state.text() == "已受理，待办理"

    button = panel.step_buttons[Step.START]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert panel.message.text() == "已记录，正在上传…"
    qtbot.waitUntil(lambda: panel.message.text() == "已保存，联网后自动上传。", timeout=TIMEOUT)
    assert status.pending.text() == "待上传：1 条"
    # The window's own copy has the step: the case is being handled, and can be concluded.
    qtbot.waitUntil(lambda: panel.state.text() == "办理中", timeout=TIMEOUT)
    assert panel.step_buttons[Step.CONCLUDE].isVisible() and not panel.step_buttons[Step.START].isVisible()

    sqlite_hall.start()
    qtbot.waitUntil(lambda: panel.message.text().startswith("已上传"), timeout=60000)
    assert "开始办理" in panel.message.text()
    qtbot.waitUntil(lambda: status.pending.text() == "待上传：0 条", timeout=TIMEOUT)
    answer = _server_case(sqlite_hall, own.case_number)
    assert answer["state"] == "in_progress"
    assert [h["window"] for h in answer["history"] if h["step"] == "start"] == [2]


def test_offline_a_case_purged_here_is_said_to_be_at_the_hall_only(qtbot, clerk_app, sqlite_hall):
    """#14: a case this window accepted, whose local copy the purge removed once the hall had
    it, is not "not accepted here" when the hall is down: the screen says it is at the hall."""
    app, panel = _open(qtbot, clerk_app, sqlite_hall, 2, "clerk2")
    status = app.main_window.status
    store = app.workstation.store
    own = CaseMaker(sqlite_hall, store, app.workstation.device.token).case(
        PROMISED, at=datetime.now(UTC), applicant=Person("张三", id_number=NUMBER, phone="13812345678"))
    (record,) = store.records_of("case", case_number=own.case_number)
    qtbot.waitUntil(lambda: store.outbox_state(record.uuid) == ("sent", None), timeout=TIMEOUT)
    assert store.purge(0).records.get("case") == 1

    sqlite_hall.stop()
    qtbot.waitUntil(lambda: status.connection.property("state") == "offline", timeout=TIMEOUT)
    qtbot.keyClicks(panel.number, own.display_number)
    qtbot.keyClick(panel.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.message.text().startswith("连不上大厅服务器。此件是本窗口受理的"), timeout=TIMEOUT)
    assert "只有大厅服务器上有此件" in panel.message.text()
    assert panel.detail is None


def test_by_keyboard_a_typed_number_in_the_printed_form_and_a_wrong_one(qtbot, clerk_app, sqlite_hall,
                                                                       accepted_case):
    case = accepted_case
    app, panel = _open(qtbot, clerk_app, sqlite_hall, 2, "clerk2")
    window = app.main_window
    [action] = [a for a in window.menuBar().actions()[0].menu().actions() if a.objectName() == "casesAction"]
    assert action.shortcut().toString() == "Ctrl+K" and action.text().startswith("办件")

    # Ctrl+K goes back to the counter and again to the 办件 screen, ready to type.
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 0
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is panel
    qtbot.waitUntil(panel.number.hasFocus, timeout=5000)
    qtbot.keyClicks(panel.number, case.display_number.lower())
    qtbot.keyClick(panel.number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.case_number == case.case_number,
                    timeout=TIMEOUT)
    # Ctrl+1: 开始办理, no dialog.
    qtbot.keyClick(panel.number, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.message.text().startswith("已上传"), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: panel.state.text() == "办理中", timeout=TIMEOUT)

    # One character mistyped: the check character catches it before asking the hall.
    wrong = case.case_number[:-3] + ("1" if case.case_number[-3] != "1" else "2") + case.case_number[-2:]
    panel.number.clear()
    qtbot.keyClicks(panel.number, wrong)
    qtbot.keyClick(panel.number, Qt.Key.Key_Return)
    assert panel.message.property("tone") == "error"
    assert "校验不符" in panel.message.text()


def _save(maker: CaseMaker, decision: Decision, missing: str, at: datetime, due=None) -> SavedCase:
    """A case of 个体工商户设立登记 decided `decision` with the material `missing` not
    handed over (容缺: due on `due`), saved by the workstation's own GuideDesk."""
    item = demo_item(ON_THE_SPOT)
    chosen = {group.options[0].id for group in item.situations}
    checks = []
    for material in applicable_materials(item, chosen):
        originals, copies = required_counts(material)
        checks.append(MaterialCheck.missing(material.id) if material.id == missing
                      else MaterialCheck.received(material.id, originals=originals, copies=copies))
    evaluation = evaluate(item, chosen, checks)
    record = decide(evaluation, decision, deficiency_due={missing: due} if due else None)
    return maker.guide.save_case(maker.snapshot(item), item, evaluation, record,
                                 Person("张三", id_number=NUMBER, phone="13812345678"), None,
                                 {"username": "clerk1", "name": "张伟"}, maker.window, maker.device_id,
                                 applied_at=at - timedelta(minutes=10), now=at)


def test_a_deferred_material_arrives_late_and_a_commitment_is_found_false(qtbot, clerk_app, sqlite_hall,
                                                                          tmp_path):
    store = LocalStore(tmp_path / "window1.sqlite3")
    maker = CaseMaker(sqlite_hall, store, sqlite_hall.enrol("workstation", 1))
    today = datetime.now(HALL_TIMEZONE).date()
    deficient = _save(maker, Decision.ACCEPT_WITH_DEFICIENCY, "premises_proof",
                      at=datetime.now(UTC) - timedelta(days=7), due=today - timedelta(days=2))
    committed = _save(maker, Decision.ACCEPT_ON_COMMITMENT, "operator_id", at=datetime.now(UTC))
    maker.upload()
    store.close()
    app, panel = _open(qtbot, clerk_app, sqlite_hall, 2, "clerk2")

    # 容缺受理: the material is two days overdue; the case cannot be concluded before it arrives.
    _find_by_scan(qtbot, panel, sqlite_hall, deficient)
    assert panel.fields["decision"].text() == "容缺受理"
    assert panel.deficiencies_box.isVisible()
    overdue = (today - timedelta(days=2)).isoformat()
    assert panel.deficiencies.item(0).text() == f"经营场所使用证明 —— 应于 {overdue} 前补齐，已逾期"
    assert {s for s, b in panel.step_buttons.items() if b.isVisible()} == {Step.START, Step.SUPPLEMENT}
    _step(qtbot, panel, Step.SUPPLEMENT)
    qtbot.waitUntil(lambda: panel.message.text().startswith("已上传"), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: panel.deficiencies.item(0).text() == "经营场所使用证明 —— 已补齐", timeout=TIMEOUT)
    assert panel.step_buttons[Step.CONCLUDE].isVisible()
    answer = _server_case(sqlite_hall, deficient.case_number)
    assert [(d["material_id"], d["received"]) for d in answer["deficiencies"]] == [("premises_proof", True)]

    # 告知承诺: verified false, which needs what was found.
    _find_by_scan(qtbot, panel, sqlite_hall, committed)
    assert panel.fields["decision"].text() == "告知承诺"
    assert panel.fields["commitment"].text() == "待核查"
    verify = panel.step_buttons[Step.VERIFY]
    qtbot.waitUntil(lambda: verify.isVisible() and verify.isEnabled(), timeout=TIMEOUT)
    qtbot.mouseClick(verify, Qt.MouseButton.LeftButton)
    dialog = panel._dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.step is Step.VERIFY
    dialog.choice.setCurrentIndex(1)  # 不实
    dialog.accept_input()
    assert dialog.isVisible() and dialog.problem.text() == "承诺不实须在备注中写明核查情况。"
    dialog.note.setPlainText("经现场核查，经营者身份证明与承诺不符")
    dialog.accept_input()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: panel.message.text().startswith("已上传"), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: panel.fields["commitment"].text() == "已核查：承诺不实", timeout=TIMEOUT)
    assert not panel.step_buttons[Step.VERIFY].isVisible()
    assert _server_case(sqlite_hall, committed.case_number)["commitment"] == "false"
    qtbot.wait(100)
    save_screen(app.main_window, tmp_path / "case_commitment.png")
