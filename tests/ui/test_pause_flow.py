"""A window pauses with its whereabouts (去向公开) through the real screens and a real hall
server: the clerk presses F9, chooses where they go in the keyboard-driven dialog and
presses Enter; the hall display and the window's citizen screen show
「暂停服务 · 会议 · 预计 HH:MM 返回」 until the clerk resumes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from tests.support.screenshots import save_screen
from tests.ui.queue_fixtures import *  # noqa: F403 - the fixtures
from ui.bridge import HubBridge
from ui.citizen.citizen_screen import CitizenScreen
from ui.clerk.call_panel import CALL_NEXT, CallPanel, PauseDialog
from ui.display.window import DisplayWindow
from ui.tasks import wait_for_background
from workstation.app.queue_desk import HALL_ZONE
from workstation.domain.queue import PauseReason


def _grab(qtbot, widget, path) -> None:
    qtbot.wait(200)  # let pending layouts settle
    save_screen(widget, path)
    assert path.stat().st_size > 5_000


def _dialog(qtbot, panel: CallPanel) -> PauseDialog:
    panel.activateWindow()  # off screen, a closed dialog does not hand the focus back by itself
    qtbot.waitUntil(panel.isActiveWindow, timeout=5000)
    qtbot.keyClick(panel, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: isinstance(panel._dialog, PauseDialog) and panel._dialog.isVisible(), timeout=10000)
    return panel._dialog


def test_pause_with_whereabouts_shown_in_the_hall_and_to_the_applicant(qtbot, queue_chinese, sqlite_hall,
                                                                        display_feed, clerk_side, tmp_path):
    display = DisplayWindow(display_feed, None)
    qtbot.addWidget(display)
    display.resize(1920, 1080)
    display.show()
    display.start()
    qtbot.waitUntil(lambda: display.connected and 3 in display.pause_labels, timeout=30000)

    clerk = clerk_side(3, "clerk3")
    panel = CallPanel(clerk.desk, refresh_ms=600_000)  # no polling: the hall's events refresh it
    qtbot.addWidget(panel)
    panel.resize(640, 560)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(lambda: panel.isActiveWindow() and panel.state is not None, timeout=30000)
    bridge = HubBridge(clerk.workstation.hub)
    bridge.server_event.connect(panel.on_server_event)
    citizen = CitizenScreen()
    qtbot.addWidget(citizen)
    citizen.resize(1024, 640)
    citizen.show_welcome("演示区政务服务中心", None, 3)
    citizen.show()
    panel.pause_changed.connect(citizen.show_pause)

    # F9: where to? The first choice is a meeting, back in half an hour by the hall's clock.
    dialog = _dialog(qtbot, panel)
    assert dialog.windowTitle() == "暂停叫号"
    assert [dialog.reasons.item(i).text() for i in range(dialog.reasons.count())] == [
        "1  会议", "2  外出办事", "3  休息", "4  培训", "5  其他"]
    assert dialog.reason() is PauseReason.MEETING and not dialog.note.isEnabled()
    expected = datetime.now(UTC) + timedelta(minutes=30)
    assert abs((dialog.until_moment() - expected).total_seconds()) < 90
    _grab(qtbot, dialog, tmp_path / "pause_dialog.png")

    # Esc: nothing happens.
    qtbot.keyClick(dialog.reasons, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.wait(300)
    assert not panel.state.window.paused

    # Again, and Enter: paused for a meeting.
    dialog = _dialog(qtbot, panel)
    until = dialog.until_moment()
    back = until.astimezone(HALL_ZONE).strftime("%H:%M")
    qtbot.keyClick(dialog.reasons, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.state.window.paused, timeout=30000)
    pause = panel.state.window.pause
    assert pause.reason is PauseReason.MEETING and pause.until == until
    line = f"暂停服务 · 会议 · 预计 {back} 返回"
    assert panel.paused_label.text() == line and not panel.buttons[CALL_NEXT].isEnabled()
    qtbot.waitUntil(lambda: display.pause_labels[3].text() == line, timeout=30000)
    assert display.pause_labels[3].isVisible() and not display.pause_labels[4].isVisible()
    # The window's own citizen screen says the same in large words, and where else to go.
    qtbot.waitUntil(lambda: citizen.pages.currentWidget() is citizen.paused_notice, timeout=10000)
    assert citizen.paused_notice.line.text() == line
    assert citizen.paused_notice.hint.text() == "暂停期间，您可以到 6 号窗口办理。"
    _grab(qtbot, display, tmp_path / "display_paused.png")
    _grab(qtbot, citizen, tmp_path / "citizen_paused.png")
    _grab(qtbot, panel, tmp_path / "call_panel_paused.png")

    # Resume (F9): the notice goes away everywhere.
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=5000)
    qtbot.keyClick(panel, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: not panel.state.window.paused, timeout=30000)
    qtbot.waitUntil(lambda: not display.pause_labels[3].isVisibleTo(display), timeout=30000)
    assert citizen.pages.currentIndex() == 0

    # Somewhere else: 5 chooses "other", whose words are required.
    dialog = _dialog(qtbot, panel)
    qtbot.keyClick(dialog.reasons, Qt.Key.Key_5)
    assert dialog.reason() is PauseReason.OTHER and dialog.note.isEnabled()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.problem.text() == "请写明去向。"
    dialog.note.setText("去档案室调卷")  # typed in Chinese through an input method
    back = dialog.until_moment().astimezone(HALL_ZONE).strftime("%H:%M")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.state.window.paused, timeout=30000)
    other = f"暂停服务 · 去档案室调卷 · 预计 {back} 返回"
    qtbot.waitUntil(lambda: display.pause_labels[3].text() == other, timeout=30000)
    assert citizen.paused_notice.line.text() == other
    display.close()
    wait_for_background()
