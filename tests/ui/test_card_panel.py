"""Reading an ID card at the counter through the real serial backend and a simulated
certified reader on a pseudo-terminal: the applicant panel fills in one action, masked;
revealing the number is audited; the citizen screen shows the masked name."""

from __future__ import annotations

import pytest

from tests.support.screenshots import save_screen
from tests.ui.test_shell import FAST_SYNC, open_main_window
from workstation.config import ServerSettings, Settings, UiSettings
from workstation.simulation.sim_reader import ResidentCard, SimulatedReader, card

NUMBER = "110101199003071233"


@pytest.fixture
def sim():
    with SimulatedReader(card(ResidentCard())) as reader:
        yield reader


def _audits(app, kind):
    return [r for r in app.workstation.store.next_batch(10_000) if r.kind == kind]


def test_card_read_fills_the_panel_masked_and_reveal_is_audited(qtbot, clerk_app, sqlite_hall, sim, tmp_path):
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="window"),
                        card={"backend": "serial", "port": sim.port, "timeout": 2.0})
    app = clerk_app(settings)
    open_main_window(qtbot, app, sqlite_hall, 4)
    panel = app.main_window.applicant
    assert panel.read_button.isEnabled()

    # Stop the uploader from emptying the outbox under us: we read the audit records from it.
    app.workstation.sync.stop()
    panel.read_button.click()
    qtbot.waitUntil(lambda: panel.name.text() == "张*", timeout=15000)
    assert panel.id_number.text() == "110101********1233"
    assert panel.id_number.isReadOnly()
    # What is shown and the reveal control agree: masked, so it offers to show the number.
    assert panel.reveal_button.isEnabled() and panel.reveal_button.text() == "显示完整号码"
    assert "北京市公安局东城分局" in panel.details.text()
    assert NUMBER not in panel.details.text()
    assert "张*" in app.citizen.applicant.text()
    assert "张三" not in app.citizen.applicant.text()
    assert panel.message.text() == "证件已读取。"
    assert app.main_window.status.reader.text().startswith("读卡器：")

    reads = _audits(app, "audit.card_read")
    assert len(reads) == 1 and reads[0].payload["outcome"] == "ok"
    assert reads[0].payload["id_masked"] == "110101********1233"
    assert NUMBER not in str(reads[0].payload)

    panel.reveal("核对户籍信息")
    qtbot.waitUntil(lambda: panel.id_number.text() == NUMBER, timeout=10000)
    assert panel.name.text() == "张三"
    reveals = _audits(app, "audit.id_reveal")
    assert len(reveals) == 1 and reveals[0].payload["reason"] == "核对户籍信息"
    assert reveals[0].payload["clerk"] == "clerk1" and reveals[0].payload["window"] == 4
    # Shown whole: the control now hides it again, which needs no reason and no audit.
    assert panel.reveal_button.isEnabled() and panel.reveal_button.text() == "隐藏完整号码"
    panel.reveal_button.click()
    assert panel.id_number.text() == "110101********1233" and panel.name.text() == "张*"
    assert panel.reveal_button.text() == "显示完整号码"
    assert len(_audits(app, "audit.id_reveal")) == 1

    # The case takes the full data from the card, whatever the screen shows.
    person = panel.applicant()
    assert person.id_number == NUMBER and person.name == "张三"

    # No card on the reader: a plain message, and the failed attempt is audited too.
    sim.card = None
    panel.clear()
    panel.read_button.click()
    qtbot.waitUntil(lambda: "未能读取证件" in panel.message.text(), timeout=20000)
    outcomes = [r.payload["outcome"] for r in _audits(app, "audit.card_read")]
    assert len(outcomes) == 2 and outcomes[-1] != "ok"
    qtbot.wait(100)
    save_screen(app.main_window, tmp_path / "card_panel.png")


def test_diagnostics_shows_the_reader_and_a_masked_test_read(qtbot, clerk_app, sqlite_hall, sim):
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="off"),
                        card={"backend": "serial", "port": sim.port, "timeout": 2.0})
    app = clerk_app(settings)
    open_main_window(qtbot, app, sqlite_hall, 5)
    dialog = app.show_diagnostics()
    qtbot.waitUntil(lambda: '"backend": "serial"' in dialog.text.toPlainText(), timeout=15000)
    assert sim.port in dialog.text.toPlainText()
    assert '"reader_status"' in dialog.text.toPlainText()
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "110101********1233" in dialog.text.toPlainText(), timeout=15000)
    assert NUMBER not in dialog.text.toPlainText()
    sim.unplug()
    dialog.test_button.click()
    qtbot.waitUntil(lambda: '"last_error": "' in dialog.text.toPlainText(), timeout=20000)
    dialog.close()
