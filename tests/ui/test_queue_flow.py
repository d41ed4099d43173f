"""The hall's queue through its real screens and a real hall server process: the kiosk
issues a ticket, a clerk's CallPanel calls it with F2, the hall display shows it
highlighted and says it; a burst of calls is said in order, never two at once; refusals
and an unreachable server are told plainly."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from tests.support.screenshots import save_screen
from tests.ui.queue_fixtures import *  # noqa: F403 - the fixtures
from tests.ui.queue_fixtures import call_next_at, window_session
from ui.bridge import HubBridge
from ui.clerk.call_panel import CALL_NEXT, FINISH, RECALL, START, CallPanel
from ui.display.announcer import Announcer
from ui.display.window import DisplayWindow
from ui.kiosk.window import HOME, RESULT, KioskWindow
from ui.tasks import wait_for_background
from workstation.devices.printer import make_printer, spool_file


def _panel(qtbot, desk, **kwargs) -> CallPanel:
    panel = CallPanel(desk, **kwargs)
    qtbot.addWidget(panel)
    panel.resize(640, 560)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(lambda: panel.isActiveWindow(), timeout=5000)
    qtbot.waitUntil(lambda: panel.state is not None, timeout=30000)
    return panel


def _grab(qtbot, widget, path) -> None:
    qtbot.wait(200)  # let pending layouts settle
    save_screen(widget, path)
    assert path.stat().st_size > 10_000


def test_ticket_from_kiosk_called_at_window_shown_and_said(qtbot, queue_chinese, sqlite_hall, kiosk_desk,
                                                          display_feed, clerk_side, tmp_path):
    # The kiosk: a portrait touch screen; the applicant touches 社保医保.
    spool = tmp_path / "printer.bin"
    kiosk = KioskWindow(kiosk_desk, make_printer(spool_file(spool)), return_after=3)
    qtbot.addWidget(kiosk)
    kiosk.resize(1080, 1920)
    kiosk.show()
    kiosk.start()
    qtbot.waitUntil(lambda: "social" in kiosk.business_buttons and kiosk.hall.text() == "演示区政务服务中心",
                    timeout=30000)
    social = kiosk.business_buttons["social"]
    assert social.name.text() == "社保医保" and social.count.text() == "无人等候"
    assert kiosk.green_button.text() == "绿色通道 优先办理"
    _grab(qtbot, kiosk, tmp_path / "kiosk_home.png")

    with qtbot.waitSignal(kiosk.ticket_printed, timeout=30000) as printed:
        qtbot.mouseClick(social, Qt.MouseButton.LeftButton)
    issued, problem = printed.args
    assert problem == ""
    assert kiosk.pages.currentIndex() == RESULT
    assert kiosk.result_number.text() == "B001" == issued.ticket.number
    assert kiosk.result_ahead.text() == "前面没有人等候"
    assert kiosk.result_print.text() == "请取走您的号票。"
    data = spool.read_bytes()
    assert data.startswith(b"\x1b@\x1c&") and b"B001" in data and "社保医保".encode("gb18030") in data
    assert "您的号码".encode("gb18030") in data and data.endswith(b"\x1dV\x00")
    _grab(qtbot, kiosk, tmp_path / "kiosk_result.png")
    qtbot.waitUntil(lambda: kiosk.pages.currentIndex() == HOME, timeout=10000)  # back by itself

    # The hall display, following the stream; no speakers here, so the Announcer keeps time.
    announcer = Announcer(audio=False, pace=0.05)
    display = DisplayWindow(display_feed, announcer, highlight_seconds=4)
    qtbot.addWidget(display)
    display.resize(1920, 1080)
    display.show()
    display.start()
    qtbot.waitUntil(lambda: display.connected and display.count_labels.get("social") is not None
                    and display.count_labels["social"].text() == "1 人", timeout=30000)
    # Nobody called yet: the TV says what to do, and its clock is the hall's (the PC runs in UTC here).
    assert display.calls_hint.isVisible() and display.calls_hint.text() == "请取号后留意屏幕叫号"
    hours = {datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%H")}
    display._tick()
    hours.add(datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%H"))
    assert display.clock.text()[-5:-3] in hours, display.clock.text()

    # The clerk at window 3 presses F2.
    clerk = clerk_side(3, "clerk3")
    panel = _panel(qtbot, clerk.desk)
    # Nobody is logged in at window 6, its AB角 partner: window 3 serves its business too.
    assert panel.waiting.text() == "等候：社保医保 1　民政残联 0　公安户政 0"
    assert panel.covering_label.text() == "AB角：兼办 6 号窗口"
    assert panel.buttons[CALL_NEXT].text() == "呼叫下一位  F2"
    with qtbot.waitSignal(panel.current_ticket_changed, timeout=30000,
                          check_params_cb=lambda t: t is not None and t.number == "B001") as sig:
        qtbot.keyClick(panel, Qt.Key.Key_F2)
    ticket = sig.args[0]
    assert ticket.state == "called" and ticket.window == 3
    assert panel.number.text() == "B001"
    assert panel.buttons[START].isEnabled() and panel.buttons[RECALL].isEnabled()
    assert not panel.buttons[FINISH].isEnabled() and not panel.buttons[CALL_NEXT].isEnabled()

    qtbot.waitUntil(lambda: display.highlighted() is not None and display.highlighted().number == "B001",
                    timeout=30000)
    row = display.call_rows[0]
    assert row.number.text() == "B001" and row.window.text() == "请到 3 号窗口"
    assert row.property("highlight") is True
    qtbot.waitUntil(lambda: display.window_labels[3][1].text() == "B001", timeout=10000)
    qtbot.waitUntil(lambda: display.count_labels["social"].text() == "0 人", timeout=10000)
    qtbot.waitUntil(lambda: any(what == "played" and item.number == "B001"
                                for what, _, item in announcer.timeline), timeout=30000)
    assert not display.calls_hint.isVisible()
    _grab(qtbot, display, tmp_path / "display_one_call.png")

    # A burst: three windows call within a few milliseconds of each other.
    for code in ("general", "fund", "police"):
        kiosk_desk.issue(code)
    sessions = [window_session(sqlite_hall, 1, "clerk1"), window_session(sqlite_hall, 4, "clerk4"),
                window_session(sqlite_hall, 6, "clerk6")]
    called = [call_next_at(sqlite_hall, session)["number"] for session in sessions]
    assert called == ["A001", "C001", "F001"]
    qtbot.waitUntil(lambda: [c.number for c in display.recent[:3]] == ["F001", "C001", "A001"], timeout=30000)
    assert display.highlighted().number == "F001"
    qtbot.waitUntil(lambda: announcer.pending == 0, timeout=60000)
    said = [(item.number, item.window) for what, _, item in announcer.timeline if what == "played"]
    assert said == [("B001", 3), ("A001", 1), ("C001", 4), ("F001", 6)]
    # Never two at once: each starts after the one before it was said.
    timeline = [(what, at, item.number) for what, at, item in announcer.timeline]
    assert [w for w, _, _ in timeline] == ["started", "played"] * 4
    for (_, start, a), (_, end, b) in zip(timeline[::2], timeline[1::2], strict=True):
        assert a == b and end - start >= 0.05 * 5  # at the test's pace, a call lasts seconds / 20
    for (_, end, _), (_, start, _) in zip(timeline[1::2], timeline[2::2], strict=False):
        assert start >= end
    for number, window in ((1, "A001"), (4, "C001"), (6, "F001")):
        qtbot.waitUntil(lambda n=number, w=window: display.window_labels[n][1].text() == w, timeout=10000)
    _grab(qtbot, display, tmp_path / "display_burst.png")
    qtbot.waitUntil(lambda: display.highlighted() is None, timeout=10000)  # the highlight ends
    assert all(row.property("highlight") is False for row in display.call_rows)
    display.close()
    wait_for_background()


def test_keys_pressed_in_quick_succession_are_each_acted_on(qtbot, queue_chinese, sqlite_hall, kiosk_desk,
                                                            clerk_side):
    """A clerk who knows the flow presses F2, F4, F6 without waiting for the screen: each
    key is done, in order, once the one before it is answered; none is lost (under load
    the answer comes late, and a key pressed meanwhile used to be dropped)."""
    first, second = kiosk_desk.issue("social").ticket, kiosk_desk.issue("social").ticket
    clerk = clerk_side(3, "clerk3")
    panel = _panel(qtbot, clerk.desk, refresh_ms=600_000)
    bridge = HubBridge(clerk.workstation.hub)
    bridge.server_event.connect(panel.on_server_event)
    for key in (Qt.Key.Key_F2, Qt.Key.Key_F4, Qt.Key.Key_F6, Qt.Key.Key_F2):  # call, start, park, call
        qtbot.keyClick(panel, key)
    qtbot.waitUntil(lambda: panel.state.ticket is not None and panel.state.ticket.id == second.id
                    and panel.parked.count() == 1, timeout=30000)
    assert panel.parked.item(0).data(Qt.ItemDataRole.UserRole) == first.id
    assert not panel._pending and panel.message.property("error") is not True

    # A refused step: the keys pressed after it are not done, and the clerk is told so.
    for key in (Qt.Key.Key_F5, Qt.Key.Key_F6):  # finish before start is refused; park counted on it
        qtbot.keyClick(panel, key)
    qtbot.waitUntil(lambda: panel.message.property("error") is True, timeout=30000)
    assert "之后按的键未执行" in panel.message.text()
    qtbot.waitUntil(lambda: panel.state.ticket is not None and panel.state.ticket.state == "called", timeout=30000)
    assert panel.parked.count() == 1 and not panel._pending
    wait_for_background()


def test_refusals_are_told_plainly(qtbot, queue_chinese, sqlite_hall, kiosk_desk, clerk_side, tmp_path):
    kiosk_desk.issue("social")
    clerk = clerk_side(3, "clerk3")
    panel = _panel(qtbot, clerk.desk, refresh_ms=600_000)  # no polling: the hall's events refresh it
    bridge = HubBridge(clerk.workstation.hub)
    bridge.server_event.connect(panel.on_server_event)
    assert panel.waiting.text() == "等候：社保医保 1　民政残联 0　公安户政 0"  # window 6's too (AB角)
    kiosk_desk.issue("civil")
    qtbot.waitUntil(lambda: panel.waiting.text() == "等候：社保医保 1　民政残联 1　公安户政 0", timeout=30000)
    with qtbot.waitSignal(panel.current_ticket_changed, timeout=30000,
                          check_params_cb=lambda t: t is not None and t.number == "B001"):
        qtbot.keyClick(panel, Qt.Key.Key_F2)

    # Finish before start: the F-key asks the server, which refuses; the clerk reads why.
    qtbot.keyClick(panel, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: panel.message.property("error") is True, timeout=30000)
    assert panel.message.text() == ("B001 号已呼叫，尚未开始办理，现在不能“办结”。"
                                    "申请人到窗口后请先按“开始办理”。")
    # Calling again while B001 is at the counter.
    qtbot.keyClick(panel, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: "仍在本窗口" in panel.message.text(), timeout=30000)
    assert panel.message.text() == "B001 号仍在本窗口。请先办结、挂起或标记过号。"

    # Start (F4), park (F6): the window is free; the parked ticket is listed and called back (Shift+F6).
    qtbot.keyClick(panel, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: panel.state.ticket is not None and panel.state.ticket.state == "serving",
                    timeout=30000)
    assert panel.timer_label.text().startswith("已办理")
    qtbot.keyClick(panel, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: panel.state.ticket is None and panel.parked.count() == 1, timeout=30000)
    assert panel.parked.item(0).text() == "B001  社保医保"
    with qtbot.waitSignal(panel.current_ticket_changed, timeout=30000,
                          check_params_cb=lambda t: t is not None and t.number == "B001"):
        qtbot.keyClick(panel, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    # No-show (F7), then the next one; pause (F9) refuses calls plainly.
    qtbot.keyClick(panel, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: panel.state.ticket is None and panel.parked.count() == 0, timeout=30000)
    qtbot.keyClick(panel, Qt.Key.Key_F9)  # asks where the clerk goes: Enter takes the first, a meeting
    qtbot.waitUntil(lambda: panel._dialog is not None and panel._dialog.isVisible(), timeout=10000)
    qtbot.keyClick(panel._dialog.reasons, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.state.window.paused, timeout=30000)
    assert panel.paused_label.isVisible() and panel.buttons["pause"].text() == "恢复叫号  F9"
    assert not panel.buttons[CALL_NEXT].isEnabled()
    panel.activateWindow()  # off screen, the closed dialog does not hand the focus back by itself
    qtbot.waitUntil(panel.isActiveWindow, timeout=5000)
    qtbot.keyClick(panel, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: panel.message.text() == "本窗口已暂停。请先按“恢复叫号”再呼叫。", timeout=30000)
    qtbot.keyClick(panel, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: not panel.state.window.paused, timeout=30000)
    with qtbot.waitSignal(panel.current_ticket_changed, timeout=30000,
                          check_params_cb=lambda t: t is not None and t.number == "G001"):
        qtbot.keyClick(panel, Qt.Key.Key_F2)
    _grab(qtbot, panel, tmp_path / "call_panel.png")


def test_server_stopped_calling_disabled_with_a_message(qtbot, queue_chinese, sqlite_hall, kiosk_desk,
                                                       clerk_side):
    kiosk_desk.issue("social")
    clerk = clerk_side(3, "clerk3")
    panel = _panel(qtbot, clerk.desk, retry_ms=500)
    qtbot.waitUntil(lambda: panel.buttons[CALL_NEXT].isEnabled(), timeout=30000)

    sqlite_hall.stop()
    with qtbot.waitSignal(panel.online_changed, timeout=30000, check_params_cb=lambda online: not online):
        qtbot.keyClick(panel, Qt.Key.Key_F2)
    assert not panel.buttons[CALL_NEXT].isEnabled()
    assert all(not button.isEnabled() for button in panel.buttons.values())
    assert panel.message.text().startswith("无法连接大厅服务器，暂时不能叫号。")
    assert panel.message.property("error") is True
    assert panel.current_ticket_changed is not None  # the panel itself keeps running
    # F2 while offline says so again, without waiting on the network.
    panel.say("")
    qtbot.keyClick(panel, Qt.Key.Key_F2)
    assert panel.message.text().startswith("无法连接大厅服务器")

    sqlite_hall.start()
    with qtbot.waitSignal(panel.online_changed, timeout=60000, check_params_cb=lambda online: online):
        pass
    qtbot.waitUntil(lambda: panel.buttons[CALL_NEXT].isEnabled(), timeout=30000)
    assert panel.message.text() == "已重新连接大厅服务器，可以叫号了。"
    with qtbot.waitSignal(panel.current_ticket_changed, timeout=30000,
                          check_params_cb=lambda t: t is not None and t.number == "B001"):
        qtbot.keyClick(panel, Qt.Key.Key_F2)


def test_kiosk_green_channel_and_appointment_check_in(qtbot, queue_chinese, sqlite_hall, kiosk_desk,
                                                     tmp_path):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    admin = sqlite_hall.admin_session()
    response = admin.post(sqlite_hall.api("/queue/appointments"), timeout=10, json={
        "code": "8812-3456", "business_type": "estate",
        "slot_start": (now - timedelta(minutes=30)).isoformat(),
        "slot_end": (now + timedelta(hours=1)).isoformat()})
    assert response.status_code == 201, response.text

    kiosk = KioskWindow(kiosk_desk, None, return_after=30)
    qtbot.addWidget(kiosk)
    kiosk.resize(1080, 1920)
    kiosk.show()
    kiosk.start()
    qtbot.waitUntil(lambda: "general" in kiosk.business_buttons, timeout=30000)

    # The green channel: the reason first, then the business.
    qtbot.mouseClick(kiosk.green_button, Qt.MouseButton.LeftButton)
    assert kiosk.green_choices[next(iter(kiosk.green_choices))].text() == "老年人（70岁以上）"
    _grab(qtbot, kiosk, tmp_path / "kiosk_green.png")
    from workstation.domain.queue import GreenReason

    qtbot.mouseClick(kiosk.green_choices[GreenReason.ELDERLY], Qt.MouseButton.LeftButton)
    assert kiosk.pages.currentIndex() == HOME and kiosk.banner.text() == "优先办理：老年人（70岁以上）"
    with qtbot.waitSignal(kiosk.ticket_issued, timeout=30000) as issued:
        qtbot.mouseClick(kiosk.business_buttons["general"], Qt.MouseButton.LeftButton)
    ticket = issued.args[0].ticket
    assert ticket.number == "A001" and ticket.green_channel and ticket.green_reason == "elderly"
    assert kiosk.result_business.text() == "综合受理 · 优先办理"
    assert kiosk.result_print.text() in ("正在打印号票…", "请记住您的号码。")  # no printer here
    qtbot.waitUntil(lambda: kiosk.result_print.text() == "请记住您的号码。", timeout=10000)
    qtbot.mouseClick(kiosk.done_button, Qt.MouseButton.LeftButton)
    assert kiosk.pages.currentIndex() == HOME and kiosk.green_reason is None

    # An appointment, checked in on the on-screen keypad.
    qtbot.mouseClick(kiosk.appointment_button, Qt.MouseButton.LeftButton)
    assert not kiosk.confirm_button.isEnabled()
    for key in "8812-3457":
        qtbot.mouseClick(kiosk.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.delete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.keys["6"], Qt.MouseButton.LeftButton)
    assert kiosk.code_label.text() == "8812-3456" and kiosk.confirm_button.isEnabled()
    _grab(qtbot, kiosk, tmp_path / "kiosk_appointment.png")
    with qtbot.waitSignal(kiosk.ticket_issued, timeout=30000) as issued:
        qtbot.mouseClick(kiosk.confirm_button, Qt.MouseButton.LeftButton)
    assert issued.args[0].ticket.number == "D001" and kiosk.result_number.text() == "D001"
    assert kiosk.result_business.text() == "不动产登记 · 预约已签到"

    # The same code again: told plainly, and back to the start by itself.
    kiosk.return_after = 1
    qtbot.mouseClick(kiosk.done_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.appointment_button, Qt.MouseButton.LeftButton)
    for key in "8812-3456":
        qtbot.mouseClick(kiosk.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.message.text() == "这个预约已经签到过了。", timeout=30000)
    _grab(qtbot, kiosk, tmp_path / "kiosk_message.png")
    qtbot.waitUntil(lambda: kiosk.pages.currentIndex() == HOME, timeout=10000)


class _QuietFeed:
    """A feed that never connects: the test hands the display its updates itself."""

    def start(self, on_update) -> None:
        pass

    def stop(self) -> None:
        pass

    def hall_name(self) -> str | None:
        return None


def test_a_broken_voice_still_shows_the_call(qtbot, queue_chinese, tmp_path):
    import shutil

    from workstation.app.voice import Voice, default_folder
    from workstation.protocol import queue as wire

    clips = tmp_path / "zh"
    shutil.copytree(default_folder(), clips)
    (clips / "chuangkou_banli.wav").unlink()
    announcer = Announcer(Voice(clips), audio=False, pace=0.05)
    display = DisplayWindow(_QuietFeed(), announcer)
    qtbot.addWidget(display)
    display.resize(1280, 720)
    display.show()
    call = wire.TicketCalled(ticket_id=7, number="E012", window=2, window_name="2号窗口 企业开办",
                             business_type="market", business_type_name="企业开办", call_count=1, recall=False)
    with qtbot.waitSignal(announcer.failed, timeout=10000) as failed:
        display.apply(call)
    item, message = failed.args
    assert item.number == "E012" and "chuangkou_banli" in message and "missing" in message
    assert display.highlighted().number == "E012"
    assert display.call_rows[0].number.text() == "E012" and display.call_rows[0].window.text() == "请到 2 号窗口"
    assert display.status.isVisibleTo(display) and "语音播报故障" in display.status.text()
    assert "chuangkou_banli" in display.status.text()
    assert announcer.pending == 0  # the queue goes on
