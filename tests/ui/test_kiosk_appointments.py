"""Appointments (预约) through the real screens against a real hall server process: the clerk
books a slot for the applicant from the call panel (Ctrl+B, keyboard only, the code shown
to read out), and the kiosk checks appointments in by code or ID card and tells the
applicant in plain words what the hall's rules made of the arrival; a checked-in
appointment is called before an ordinary ticket issued earlier.

The hall runs in a time zone where it is mid-morning (tests/support/hall_clock), so slots
before and after now fall on one hall day at whatever hour the tests run; the screens are
told the same zone (ui.hall_time reads COUNTER_HALL_TIMEZONE)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from tests.support.hall_clock import morning_zone
from tests.support.hall_server import HallServer
from tests.support.screenshots import save_screen
from tests.ui.queue_fixtures import *  # noqa: F403 - the fixtures
from tests.ui.queue_fixtures import call_next_at, window_session
from ui.clerk.booking import BookingDialog
from ui.clerk.call_panel import CallPanel
from ui.kiosk.window import APPOINTMENT, MESSAGE, RESULT, KioskWindow
from workstation.domain.queue import id_check_character

APPLICANT = "11010119800515432" + id_check_character("11010119800515432")
CARD_HOLDER = "44030519851120456" + id_check_character("44030519851120456")


@pytest.fixture
def zone(monkeypatch) -> ZoneInfo:
    name = morning_zone()
    monkeypatch.setenv("COUNTER_HALL_TIMEZONE", name)  # ui.hall_time reads it each time
    return ZoneInfo(name)


@pytest.fixture
def sqlite_hall(tmp_path, zone):
    """The demo hall (the queue fixtures' server) in a time zone where it is mid-morning."""
    server = HallServer(f"sqlite:///{tmp_path / 'hall.sqlite3'}", demo=True, home=tmp_path / "hall-home",
                        env={"COUNTER_HALL_TIMEZONE": zone.key}).start()
    yield server
    server.stop()


def test_the_clerk_books_a_slot_from_the_call_panel_by_keyboard(qtbot, queue_chinese, sqlite_hall, clerk_side,
                                                                 zone, tmp_path):
    side = clerk_side(1, "clerk1")
    panel = CallPanel(side.desk)
    qtbot.addWidget(panel)
    panel.applicant = lambda: (APPLICANT, "13800138000")  # the card read at the counter
    panel.show()
    qtbot.waitUntil(lambda: panel.state is not None, timeout=15000)
    assert "Ctrl+B" in panel.buttons["book"].text() and "预约" in panel.buttons["book"].text()
    panel.resize(420, 560)
    save_screen(panel, tmp_path / "call_panel_book.png")

    qtbot.keyClick(panel, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(panel._dialog, BookingDialog), timeout=5000)
    dialog: BookingDialog = panel._dialog
    dialog.resize(620, 640)
    qtbot.waitUntil(lambda: dialog.page is not None and not dialog.busy, timeout=15000)
    assert dialog.business.currentText().endswith("综合受理")
    assert [dialog.business.itemData(i) for i in range(dialog.business.count())] == ["general", "social", "estate"]
    assert dialog.id_number.text() == "110101********" + APPLICANT[-4:] and dialog.id_number.isReadOnly()
    today = dialog.page.day
    # It is about ten: 09:00 and 09:30 have passed and cannot be chosen.
    assert "已过" in dialog.slots.item(0).text() and not dialog.slots.item(0).flags() & Qt.ItemFlag.ItemIsEnabled
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)  # tomorrow: every slot free
    qtbot.waitUntil(lambda: dialog.page.day == today + timedelta(days=1) and not dialog.busy, timeout=15000)
    assert "（今天）" not in dialog.day.text()
    assert dialog.slots.currentItem().text().startswith("09:00–09:30") and "余 3 / 共 3" in dialog.slots.item(0).text()
    qtbot.keyClick(dialog.slots, Qt.Key.Key_Down)  # 09:30
    save_screen(dialog, tmp_path / "booking_dialog.png")
    qtbot.keyClick(dialog.slots, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.appointment is not None, timeout=15000)
    code = dialog.appointment.code
    assert dialog.code.text() == f"预约码 {code}" and len(code) == 8
    assert "09:30–10:00" in dialog.result.text() and "09:00 起凭预约码或身份证在取号机签到" in dialog.result.text()
    qtbot.waitUntil(lambda: "余 2 / 共 3" in dialog.slots.item(1).text(), timeout=15000)  # the place taken
    save_screen(dialog, tmp_path / "booking_done.png")
    slip = dialog.slip()  # what Ctrl+P prints
    assert dialog.print_button.isVisible() and slip.save(str(tmp_path / "booking_slip.png"))
    if os.environ.get("SCREENSHOT_DIR"):
        slip.save(os.path.join(os.environ["SCREENSHOT_DIR"], "booking_slip.png"))
    qtbot.keyClick(dialog.slots, Qt.Key.Key_Return)  # Enter again closes it
    qtbot.waitUntil(lambda: panel._dialog is None, timeout=5000)
    assert code in panel.message.text()

    # The hall has it, booked by this clerk at the counter, with the masked number only.
    page = sqlite_hall.admin_session().get(sqlite_hall.api("/queue/appointments/slots"), timeout=10, params={
        "business_type": "general", "day": (today + timedelta(days=1)).isoformat()}).json()
    assert [s["booked"] for s in page["slots"][:2]] == [0, 1]

    # Again for the same person and day (the panel's button this time): the hall's own words.
    panel.buttons["book"].click()
    qtbot.waitUntil(lambda: isinstance(panel._dialog, BookingDialog), timeout=5000)
    again: BookingDialog = panel._dialog
    again.resize(620, 640)
    qtbot.waitUntil(lambda: again.page is not None and not again.busy, timeout=15000)
    qtbot.keyClick(again, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: again.page.day == today + timedelta(days=1) and not again.busy, timeout=15000)
    qtbot.keyClick(again.slots, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已有预约" in again.problem.text() and not again.busy, timeout=15000)
    assert again.appointment is None and code in again.problem.text()
    save_screen(again, tmp_path / "booking_refused.png")
    qtbot.keyClick(again, Qt.Key.Key_Escape)


def _kiosk(qtbot, desk) -> KioskWindow:
    kiosk = KioskWindow(desk)
    qtbot.addWidget(kiosk)
    kiosk.resize(1080, 1920)
    kiosk.show()
    kiosk.start()
    qtbot.waitUntil(lambda: "general" in kiosk.business_buttons, timeout=30000)
    return kiosk


def _enter(qtbot, kiosk: KioskWindow, code: str) -> None:
    kiosk.appointment_button.click()
    assert kiosk.pages.currentIndex() == APPOINTMENT
    for key in code:
        if key.isalpha():
            kiosk.letters_button.click()
        elif key.isdigit():
            kiosk.digits_button.click()
        kiosk.keys[key].click()
    kiosk.confirm_button.click()


def test_the_kiosk_checks_appointments_in_and_says_what_the_halls_rules_made_of_it(
        qtbot, queue_chinese, sqlite_hall, kiosk_desk, zone, tmp_path):
    admin = sqlite_hall.admin_session()
    now = datetime.now(zone)
    for code, minutes, person in (("ONTIME1", -10, None), ("CARD", -5, CARD_HOLDER), ("EARLY1", 20, None),
                                  ("SOON", 50, None), ("PASSED", -60, None)):
        start = now + timedelta(minutes=minutes)
        body = {"code": code, "business_type": "general", "slot_start": start.isoformat(),
                "slot_end": (start + timedelta(minutes=30)).isoformat()}
        if person:
            body["id_number"] = person
        assert admin.post(sqlite_hall.api("/queue/appointments"), json=body, timeout=10).status_code == 201
    ordinary = kiosk_desk.issue("general")  # before any appointment arrives
    kiosk = _kiosk(qtbot, kiosk_desk)

    # In time, by code: ahead of ordinary numbers.
    with qtbot.waitSignal(kiosk.ticket_issued, timeout=15000) as issued:
        _enter(qtbot, kiosk, "ONTIME1")
    on_time = issued.args[0].ticket
    assert kiosk.pages.currentIndex() == RESULT
    assert kiosk.result_appointment.text() == "预约已签到，您将优先叫号。"
    assert "预约已签到" in kiosk.result_business.text() and not kiosk.result_ahead.isVisible()
    save_screen(kiosk, tmp_path / "kiosk_appointment_on_time.png")

    # By ID card: the card on the reader while the appointment page is open checks it in.
    kiosk.go_home()
    kiosk.appointment_button.click()
    with qtbot.waitSignal(kiosk.ticket_issued, timeout=15000) as issued:
        kiosk.use_id_card(CARD_HOLDER)
    assert issued.args[0].ticket.appointment_code == "CARD"
    assert kiosk.result_appointment.text() == "预约已签到，您将优先叫号。"

    # Early: a number now, ahead once the slot starts.
    kiosk.go_idle()
    with qtbot.waitSignal(kiosk.ticket_issued, timeout=15000) as issued:
        _enter(qtbot, kiosk, "EARLY1")
    start = (now + timedelta(minutes=20)).strftime("%H:%M")
    assert kiosk.result_appointment.text() == f"您来早了。您的预约时段 {start} 开始，到时将优先叫号。"
    save_screen(kiosk, tmp_path / "kiosk_appointment_early.png")

    # Too early: when to come back, no number.
    kiosk.go_idle()
    _enter(qtbot, kiosk, "SOON")
    qtbot.waitUntil(lambda: kiosk.pages.currentIndex() == MESSAGE, timeout=15000)
    back = (now + timedelta(minutes=20)).strftime("%H:%M")
    assert "现在签到太早" in kiosk.message.text() and f"请在 {back} 以后再来签到" in kiosk.message.text()
    save_screen(kiosk, tmp_path / "kiosk_appointment_too_early.png")

    # Late: an ordinary number, said plainly.
    kiosk.go_idle()
    with qtbot.waitSignal(kiosk.ticket_issued, timeout=15000) as issued:
        _enter(qtbot, kiosk, "PASSED")
    assert kiosk.result_appointment.text() == "预约已过时段，按普通号排队。"
    assert "预约已签到" not in kiosk.result_business.text() and kiosk.result_ahead.isVisible()
    save_screen(kiosk, tmp_path / "kiosk_appointment_late.png")

    # A card without an appointment today.
    kiosk.go_idle()
    kiosk.appointment_button.click()
    kiosk.use_id_card(APPLICANT)
    qtbot.waitUntil(lambda: kiosk.pages.currentIndex() == MESSAGE, timeout=15000)
    assert "没有查到这张身份证今天的预约" in kiosk.message.text()

    # The appointment checked in gets its slot's priority: called before the ordinary
    # ticket issued before it arrived.
    clerk = window_session(sqlite_hall, 1, "clerk1")
    assert call_next_at(sqlite_hall, clerk)["id"] == on_time.id
    assert ordinary.ticket.id != on_time.id


def test_the_main_window_opens_the_booking_with_the_applicant_at_the_counter(qtbot, clerk_app, sqlite_hall,
                                                                              tmp_path):
    from PySide6.QtGui import QAction

    from tests.ui.test_shell import FAST_SYNC, open_main_window
    from workstation.config import ServerSettings, Settings, UiSettings

    app = clerk_app(Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                             ui=UiSettings(citizen_screen="off")))
    open_main_window(qtbot, app, sqlite_hall, 1)
    window = app.main_window
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: getattr(window, "call_panel", None) is not None
                    and window.call_panel.buttons["book"].isEnabled(), timeout=30000)
    window.applicant.id_number.setFocus()
    qtbot.keyClicks(window.applicant.id_number, APPLICANT)  # typed, as when no card is read
    qtbot.keyClick(window.applicant.id_number, Qt.Key.Key_Return)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.call_panel._dialog, BookingDialog), timeout=5000)
    dialog: BookingDialog = window.call_panel._dialog
    assert dialog._card_number == APPLICANT and dialog.id_number.text().endswith(APPLICANT[-4:])
    dialog.reject()
    qtbot.waitUntil(lambda: window.call_panel._dialog is None, timeout=5000)
    # The Workstation menu's entry opens the same dialog.
    window.findChild(QAction, "bookAction").trigger()
    qtbot.waitUntil(lambda: isinstance(window.call_panel._dialog, BookingDialog), timeout=5000)
    save_screen(window, tmp_path / "main_window_booking.png")
    window.call_panel._dialog.reject()
