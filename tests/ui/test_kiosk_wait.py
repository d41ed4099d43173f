"""The ticket machine as the applicant uses it, on its 1080×1920 portrait screen, against a
real hall server process: each business shows how many wait and, once today's service
times are known, about how long; the ticket carries the same estimate. A Help page in
plain words closes by itself; large text enlarges every word and lasts until the kiosk
goes idle."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt

from tests.support.screenshots import save_screen
from tests.ui.queue_fixtures import *  # noqa: F403 - the fixtures
from tests.ui.queue_fixtures import call_next_at, window_session
from ui.kiosk.window import HELP, HOME, LARGE, RESULT, KioskWindow
from workstation.devices.printer import make_printer, spool_file

SERVICE_SECONDS = 4.5  # how long each of the day's first applicants takes at window 3
WAITING = 30


def _kiosk(qtbot, desk, printer=None, **kwargs) -> KioskWindow:
    kiosk = KioskWindow(desk, printer, **kwargs)
    qtbot.addWidget(kiosk)
    kiosk.resize(1080, 1920)  # the hall's portrait touch screen
    kiosk.show()
    kiosk.start()
    qtbot.waitUntil(lambda: "social" in kiosk.business_buttons and kiosk.hall.text() == "演示区政务服务中心",
                    timeout=30000)
    return kiosk


def _grab(qtbot, widget, path) -> None:
    qtbot.wait(300)  # let pending layouts settle
    save_screen(widget, path)
    assert widget.grab().size().width() == 1080 and widget.grab().size().height() == 1920


def _serve(hall, session, seconds: float) -> None:
    """The clerk calls the next ticket, serves the applicant for `seconds`, and finishes."""
    ticket = call_next_at(hall, session)
    for step in ("start", "finish"):
        if step == "finish":
            time.sleep(seconds)
        answer = session.post(hall.api(f"/queue/tickets/{ticket['id']}/{step}"), timeout=10)
        assert answer.status_code == 200, answer.text


def test_each_business_shows_its_estimated_wait_and_the_ticket_carries_it(qtbot, queue_chinese, sqlite_hall,
                                                                          kiosk_desk, tmp_path):
    # Window 3 (社保医保, 民政残联) is the only one staffed: it serves the day's first two.
    clerk = window_session(sqlite_hall, 3, "clerk3")
    for _ in range(2):
        kiosk_desk.issue("social")
        _serve(sqlite_hall, clerk, SERVICE_SECONDS)
    for _ in range(WAITING):
        kiosk_desk.issue("social")
    kiosk_desk.issue("general")  # no service time yet today: no estimate to give

    spool = tmp_path / "printer.bin"
    kiosk = _kiosk(qtbot, kiosk_desk, make_printer(spool_file(spool)), return_after=60)
    summary = {t.code: t for t in kiosk_desk.business_types()}
    social = summary["social"]
    assert social.waiting == WAITING
    assert abs(social.average_service_seconds - SERVICE_SECONDS) <= 1.0
    # Everyone ahead, at today's mean service time, by the one open window, rounded up.
    expected = math.ceil(WAITING * social.average_service_seconds / 60 / 1)
    assert social.estimated_wait_minutes == expected and expected >= 2
    button = kiosk.business_buttons["social"]
    qtbot.waitUntil(lambda: button.wait.text() == f"约等 {expected} 分钟", timeout=30000)
    assert button.count.text() == f"前面 {WAITING} 人" and not button.wait.isHidden()
    general = kiosk.business_buttons["general"]
    assert general.count.text() == "前面 1 人" and general.wait.isHidden()
    assert kiosk.business_buttons["fund"].count.text() == "无人等候"
    _grab(qtbot, kiosk, tmp_path / "kiosk_1080x1920_estimates.png")

    with qtbot.waitSignal(kiosk.ticket_printed, timeout=30000) as printed:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    issued, problem = printed.args
    assert problem == "" and kiosk.pages.currentIndex() == RESULT
    assert issued.ticket.number == f"B{WAITING + 3:03d}"
    assert issued.waiting_ahead == WAITING and issued.estimated_wait_minutes == expected
    assert kiosk.result_ahead.text() == f"前面还有 {WAITING} 人等候"
    assert kiosk.result_wait.text() == f"预计等候约 {expected} 分钟" and not kiosk.result_wait.isHidden()
    data = spool.read_bytes()
    assert f"预计等候约 {expected} 分钟".encode("gb18030") in data
    assert data.index(f"预计等候约 {expected} 分钟".encode("gb18030")) > data.index(issued.ticket.number.encode())
    _grab(qtbot, kiosk, tmp_path / "kiosk_1080x1920_result.png")


def _font_px(label) -> int:
    return label.fontInfo().pixelSize()


def test_help_in_plain_words_and_large_text_until_idle(qtbot, queue_chinese, sqlite_hall, kiosk_desk, tmp_path):
    kiosk_desk.issue("social")
    kiosk = _kiosk(qtbot, kiosk_desk, return_after=2, idle_after=3, help_after=3)
    assert kiosk.help_button.text() == "帮助" and kiosk.large_button.text() == "大字"
    _grab(qtbot, kiosk, tmp_path / "kiosk_1080x1920_normal.png")
    social = kiosk.business_buttons["social"]
    readable = [social.name, social.count, kiosk.home_title, kiosk.hall, kiosk.clock]
    normal = [_font_px(label) for label in readable]
    normal_buttons = [_font_px(b) for b in (kiosk.green_button, kiosk.help_button)]

    # Large text: every word larger, and still whole on its button.
    qtbot.mouseClick(kiosk.large_button, Qt.MouseButton.LeftButton)
    assert kiosk.large_text and kiosk.large_button.text() == "标准字"
    qtbot.wait(200)
    for before, label in zip(normal, readable, strict=True):
        assert _font_px(label) >= before * (LARGE - 0.1), label.text()
    for before, b in zip(normal_buttons, (kiosk.green_button, kiosk.help_button), strict=True):
        assert _font_px(b) >= before * (LARGE - 0.1), b.text()
    for button in kiosk.business_buttons.values():
        assert button.name.fontMetrics().horizontalAdvance(button.name.text()) <= button.width(), button.name.text()
    assert kiosk.green_button.fontMetrics().horizontalAdvance(kiosk.green_button.text()) <= kiosk.green_button.width()
    _grab(qtbot, kiosk, tmp_path / "kiosk_1080x1920_large.png")

    # Help: plain words, a large Close with its countdown; large text stays after it.
    qtbot.mouseClick(kiosk.help_button, Qt.MouseButton.LeftButton)
    assert kiosk.pages.currentIndex() == HELP and not kiosk.help_button.isEnabled()
    words = kiosk.help_text.text()
    assert "70 岁" in words and "残疾人" in words and "军人" in words and "预约码" in words and "咨询台" in words
    assert kiosk.help_close.text() == "关闭（3）"
    assert kiosk.help_close.height() >= 80
    _grab(qtbot, kiosk, tmp_path / "kiosk_1080x1920_help_large.png")
    qtbot.mouseClick(kiosk.help_close, Qt.MouseButton.LeftButton)
    assert kiosk.pages.currentIndex() == HOME and kiosk.large_text

    # Nobody touches the start in large text: it goes idle, back to normal text.
    qtbot.waitUntil(lambda: not kiosk.large_text, timeout=10000)
    assert kiosk.large_button.text() == "大字" and not kiosk.large_button.isChecked()
    assert [_font_px(label) for label in readable] == normal

    # Help closes by itself.
    qtbot.mouseClick(kiosk.help_button, Qt.MouseButton.LeftButton)
    assert kiosk.pages.currentIndex() == HELP
    _grab(qtbot, kiosk, tmp_path / "kiosk_1080x1920_help.png")
    qtbot.waitUntil(lambda: kiosk.pages.currentIndex() == HOME, timeout=10000)

    # A ticket in large text: the result is large; the next applicant finds normal text.
    qtbot.mouseClick(kiosk.large_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.ticket_printed, timeout=30000):
        qtbot.mouseClick(kiosk.business_buttons["social"], Qt.MouseButton.LeftButton)
    assert kiosk.pages.currentIndex() == RESULT and kiosk.large_text
    qtbot.waitUntil(lambda: kiosk.pages.currentIndex() == HOME, timeout=10000)
    assert not kiosk.large_text


def test_a_landscape_kiosk_in_large_text_keeps_every_page_on_its_screen(qtbot, queue_chinese, sqlite_hall,
                                                                         kiosk_desk, tmp_path):
    """A 1280×1024 kiosk: three columns of businesses, help and large text in the header,
    and in large text no page is taller than the screen nor cuts the help's words."""
    from ui.kiosk.window import APPOINTMENT, GREEN

    for code in ("social", "general", "fund"):
        kiosk_desk.issue(code)
    kiosk = KioskWindow(kiosk_desk)
    qtbot.addWidget(kiosk)
    kiosk.resize(1280, 1024)
    kiosk.show()
    kiosk.start()
    qtbot.waitUntil(lambda: "social" in kiosk.business_buttons, timeout=30000)
    qtbot.mouseClick(kiosk.large_button, Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    grid = kiosk.grid
    assert grid.columnCount() == 3 and grid.rowCount() == 3  # seven businesses
    assert kiosk.help_button.geometry().bottom() < kiosk.pages.geometry().top()  # in the header
    pages = {"home": HOME, "green": GREEN, "appointment": APPOINTMENT, "help": HELP}
    for name, page in pages.items():
        if page == HELP:
            kiosk.show_help()
        else:
            kiosk.pages.setCurrentIndex(page)
            kiosk.keypads.setCurrentIndex(1)  # the letters: the taller keypad
        qtbot.wait(200)
        assert (kiosk.width(), kiosk.height()) == (1280, 1024), name
        save_screen(kiosk, tmp_path / f"kiosk_1280x1024_large_{name}.png")
    text = kiosk.help_text
    assert text.heightForWidth(text.width()) <= text.height()  # the last section is whole
