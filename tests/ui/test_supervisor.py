"""The supervisor's window through the real windows and a real hall server process: a
supervisor logs in like a clerk and sees the bad-rating follow-ups, overdue ones first and
flagged, in the open, overdue, closed and all views; exports a day's ratings in the
national field set; a clerk's account is refused the supervisor's screens."""

from __future__ import annotations

import csv
import io
import threading
import time
from datetime import UTC, date, datetime

import pytest

from tests.support.screenshots import save_screen
from tests.ui.rating_fixtures import *  # noqa: F403 - the supervisor's app
from tests.ui.rating_fixtures import CaseMaker, hall_time
from tests.ui.test_shell import _log_in, start_enrolled
from workstation.domain.rating import NATIONAL_COLUMNS, FollowUpAction, Level, RatingAnswer, Reason
from workstation.protocol.ratings import ExportFormat, FollowUpFilter
from workstation.store.local import LocalStore

BAD = RatingAnswer(Level.VERY_DISSATISFIED, reasons=frozenset({Reason.NOT_DONE}), text="材料被退回三次")


@pytest.fixture
def three_tasks(sqlite_hall, tmp_path):
    """An overdue task (rated before 国庆 2025), one rated today, and one closed."""
    store = LocalStore(tmp_path / "cases.sqlite3")
    maker = CaseMaker(sqlite_hall, store)
    old = maker.case(at=hall_time(2025, 9, 29, 10))
    maker.rate(old, BAD, at=hall_time(2025, 9, 29, 10, 5))
    now = datetime.now(UTC)
    fresh = maker.case(at=now)
    maker.rate(fresh, RatingAnswer(Level.DISSATISFIED, reasons=frozenset({Reason.SLOW})), at=now)
    done = maker.case(at=hall_time(2025, 9, 30, 9))
    maker.rate(done, BAD, at=hall_time(2025, 9, 30, 9, 5))
    maker.upload()
    store.close()
    supervisor = sqlite_hall.login("supervisor")
    tasks = {t["case_number"]: t["id"] for t in supervisor.get(sqlite_hall.api("/ratings/follow-ups"),
                                                                timeout=30).json()}
    for action, note in (("contact", "已回访"), ("explain", "已解释"), ("close", "")):
        answer = supervisor.post(sqlite_hall.api(f"/ratings/follow-ups/{tasks[done.case_number]}/actions"),
                                 json={"action": action, "note": note}, timeout=30)
        assert answer.status_code == 200, answer.text
    return old, fresh, done


def _open(qtbot, supervisor_app, hall, username: str = "supervisor"):
    app = supervisor_app(hall.url)
    start_enrolled(qtbot, app, hall, None)  # a supervisor's PC serves no window
    _log_in(qtbot, app, username)
    return app


def _follow_ups(qtbot, app):
    """The follow-up screen, chosen in the supervisor's list of screens as a person would."""
    qtbot.waitUntil(lambda: app.follow_ups is not None, timeout=30000)
    window, screen = app.main_window, app.follow_ups
    row = window.screens.indexOf(screen)
    assert window.nav.item(row).text() == "差评整改回访"
    window.nav.setCurrentRow(row)
    assert window.screens.currentWidget() is screen
    return screen


def test_follow_ups_listed_overdue_first_by_view_and_exported(qtbot, sqlite_hall, three_tasks, supervisor_app,
                                                              tmp_path):
    old, fresh, done = three_tasks
    app = _open(qtbot, supervisor_app, sqlite_hall)
    screen = _follow_ups(qtbot, app)
    window = app.main_window
    assert window.person_label.text().endswith("（值班长）")  # the hall's word, as in the clerk's header
    qtbot.waitUntil(lambda: [t.case_number for t in screen.tasks] == [old.case_number, fresh.case_number],
                    timeout=30000)
    first, second = screen.tasks
    assert first.overdue and not second.overdue
    assert first.due_on == date(2025, 10, 13)
    assert screen.table.item(0, 0).foreground().color().name() == "#b3261e"
    assert screen.table.item(1, 0).foreground().color().name() != "#b3261e"
    assert screen.table.item(0, 2).text() == "非常不满意"
    qtbot.waitUntil(lambda: window.hall_label.text() == "演示区政务服务中心", timeout=30000)
    window.resize(1366, 768)  # the hall's supervisor PC: the overdue row's long state still fits
    qtbot.wait(200)
    _no_sideways_scrolling(screen.table)
    save_screen(window, tmp_path / "supervisor_list_1366x768.png")

    expected = {FollowUpFilter.OVERDUE: [old.case_number], FollowUpFilter.CLOSED: [done.case_number],
                FollowUpFilter.ALL: [old.case_number, fresh.case_number, done.case_number],
                FollowUpFilter.OPEN: [old.case_number, fresh.case_number]}
    for view, numbers in expected.items():
        with qtbot.waitSignal(screen.tasks_shown, timeout=30000):
            screen.view_buttons[view].click()
        assert [t.case_number for t in screen.tasks] == numbers, view

    # The closed task's history: who did what.
    screen.view_buttons[FollowUpFilter.CLOSED].click()
    qtbot.waitUntil(lambda: [t.case_number for t in screen.tasks] == [done.case_number], timeout=30000)
    with qtbot.waitSignal(screen.detail_shown, timeout=30000):
        screen.table.selectRow(0)
    text = screen.detail_view.toPlainText()
    assert "王丽" in text and "已回访" in text and "材料被退回三次" in text
    assert not any(button.isEnabled() for button in screen.action_buttons.values())

    # A day's ratings, in the national field set.
    path = tmp_path / "ratings.csv"
    with qtbot.waitSignal(screen.exported, timeout=30000):
        screen.export_to(path, date(2025, 9, 29), date(2025, 9, 30), ExportFormat.CSV)
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert list(rows[0]) == list(NATIONAL_COLUMNS)
    assert [(r["projectNo"], r["satisfaction"], r["pf"]) for r in rows] == [
        (old.case_number, "1", "4"), (done.case_number, "1", "4")]


def test_a_clerk_may_not_open_the_supervisor_screens(qtbot, sqlite_hall, supervisor_app):
    app = _open(qtbot, supervisor_app, sqlite_hall, "clerk2")
    start = app.start_window
    refused = app.tr("This account may not use the supervisor screens.")
    qtbot.waitUntil(lambda: start.message.text() == refused, timeout=30000)
    assert app.main_window is None and start.isVisible()


def test_an_answer_fetched_before_an_action_never_shows_over_it(qtbot, sqlite_hall, three_tasks, supervisor_app):
    """A poll's fetch of the task may come back after the supervisor's own action (a slow
    link to the hall): the screen keeps showing the action's result, not the older state."""
    old, _, _ = three_tasks
    app = _open(qtbot, supervisor_app, sqlite_hall)
    qtbot.waitUntil(lambda: app.follow_ups is not None, timeout=30000)
    screen = app.follow_ups
    qtbot.waitUntil(lambda: any(t.case_number == old.case_number for t in screen.tasks), timeout=30000)
    task_id = next(t.id for t in screen.tasks if t.case_number == old.case_number)
    with qtbot.waitSignal(screen.detail_shown, timeout=30000):
        screen.table.selectRow(screen.row_of(task_id))
    assert screen.detail.state.value == "open"

    desk, fetched, lagged = screen.desk, threading.Event(), threading.Event()

    class SlowLink:
        """The real desk, whose task answers reach the screen three seconds late."""

        def __getattr__(self, name):
            return getattr(desk, name)

        def task(self, wanted):
            detail = desk.task(wanted)
            fetched.set()
            time.sleep(3.0)
            lagged.set()
            return detail

    screen.desk = SlowLink()
    screen.open_task(task_id)  # as the poll does; it reads "open", then lags
    assert fetched.wait(10)
    screen.act(task_id, FollowUpAction.CONTACT, "已回访")
    qtbot.waitUntil(lambda: screen.detail.state.value == "contacted", timeout=30000)
    assert not lagged.is_set()  # the action's answer came first: the race this is about
    assert lagged.wait(10)
    qtbot.wait(500)  # the lagging answer reaches the GUI thread
    assert screen.detail.state.value == "contacted"
    assert screen.action_buttons[FollowUpAction.RECTIFY].isEnabled()
    assert "已回访" in screen.detail_view.toPlainText()  # the step just taken, in the history


CALLBACK_PHONE = "13812345678"


def _note_png() -> bytes:
    """A handwritten note as the citizen screen's pad makes one (strokes on transparency)."""
    from ui.citizen.signature_pad import render_png
    from workstation.documents.signature import Point

    strokes = (tuple(Point(10 + 6 * i, 40 + (i % 5) * 4, 10 * i, 0.6) for i in range(40)),
               tuple(Point(30 + 5 * i, 80 - (i % 7) * 3, 500 + 10 * i, 0.5) for i in range(30)))
    return render_png(strokes)


@pytest.fixture
def callback_task(styled_qapp, sqlite_hall, tmp_path):
    """A bad rating whose applicant asked to be called back and wrote a note by hand; and a
    second one, without a call-back."""
    store = LocalStore(tmp_path / "cases.sqlite3")
    maker = CaseMaker(sqlite_hall, store)
    now = datetime.now(UTC)
    wanted = maker.case(at=now)
    maker.rate(wanted, RatingAnswer(Level.VERY_DISSATISFIED, reasons=frozenset({Reason.NOT_DONE}),
                                    text="材料被退回三次", note_png=_note_png(), callback=True,
                                    phone=CALLBACK_PHONE), at=now)
    other = maker.case(at=now)
    maker.rate(other, RatingAnswer(Level.DISSATISFIED, reasons=frozenset({Reason.SLOW})), at=now)
    maker.upload()
    store.close()
    return wanted, other


def _no_sideways_scrolling(table) -> None:
    table.viewport().update()
    header = table.horizontalHeader()
    last = header.count() - 1
    assert not table.horizontalScrollBar().isVisible()
    assert table.horizontalScrollBar().maximum() == 0
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= table.viewport().width()
    for row in range(table.rowCount()):  # the case number, last, is whole
        text = table.item(row, last).text()
        assert table.fontMetrics().horizontalAdvance(text) < header.sectionSize(last), text


def test_call_back_phone_masked_until_revealed_and_the_reveal_audited(qtbot, sqlite_hall, callback_task,
                                                                       supervisor_app, tmp_path):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QColor, QTextDocument

    from tests.ui.rating_fixtures import records
    from ui.supervisor.follow_ups import COL_CASE
    from workstation.app.rating import AUDIT_PHONE_REVEAL
    from workstation.domain.audit import verify_chain

    wanted, other = callback_task
    app = _open(qtbot, supervisor_app, sqlite_hall)
    screen, window = _follow_ups(qtbot, app), app.main_window
    window.resize(1366, 768)  # the hall's supervisor PC
    qtbot.waitUntil(lambda: {t.case_number for t in screen.tasks} == {wanted.case_number, other.case_number},
                    timeout=30000)
    qtbot.waitUntil(lambda: window.hall_label.text() == "演示区政务服务中心", timeout=30000)
    qtbot.wait(200)
    assert window.width() == 1366
    _no_sideways_scrolling(screen.table)

    with qtbot.waitSignal(screen.detail_shown, timeout=30000):
        screen.table.selectRow(screen.row_of(next(t.id for t in screen.tasks if t.case_number == wanted.case_number)))
    text = screen.detail_view.toPlainText()
    assert "138****5678" in text and CALLBACK_PHONE not in text
    assert screen.reveal_button.text() == "显示完整号码" and screen.reveal_button.isEnabled()
    # The handwritten note: on white, in a frame, under its label.
    assert "手写意见" in text
    note = screen.detail_view.document().resource(QTextDocument.ResourceType.ImageResource, QUrl("note.png"))
    assert note.pixelColor(note.width() // 2, 6) == QColor("white")  # paper between frame and ink
    assert note.pixelColor(note.width() // 2, 1) == QColor("#8a99ad")  # the frame
    qtbot.wait(200)
    save_screen(window, tmp_path / "supervisor_1366x768_masked.png")

    # Revealing asks why; the answer shows the number and is audited on this PC's chain.
    screen.reveal_button.click()
    dialog = screen._dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("回访申请人，核实诉求")
    with qtbot.waitSignal(screen.phone_revealed, timeout=30000):
        dialog.accept()
    assert CALLBACK_PHONE in screen.detail_view.toPlainText()
    assert not screen.reveal_button.isEnabled()
    local = app.workstation.store.records_of(AUDIT_PHONE_REVEAL)
    assert len(local) == 1
    payload = local[0].payload
    assert payload["phone_masked"] == "138****5678" and payload["case_number"] == wanted.case_number
    assert payload["clerk"] == "supervisor" and payload["reason"] == "回访申请人，核实诉求"
    assert CALLBACK_PHONE not in str(payload)
    assert verify_chain([payload]) == []
    qtbot.wait(200)
    save_screen(window, tmp_path / "supervisor_1366x768_revealed.png")

    # The record reaches the hall through the outbox: the supervisor's records there.
    session = sqlite_hall.login("supervisor")
    qtbot.waitUntil(lambda: len(records(sqlite_hall, session, AUDIT_PHONE_REVEAL)) == 1, timeout=30000)
    on_hall = records(sqlite_hall, session, AUDIT_PHONE_REVEAL)[0]
    assert on_hall["payload"] == payload
    # The hall checked this PC's chain as it arrived: intact, no alert. The detail it sent
    # (the phone in full) is in the hall's own audit trail.
    assert session.get(sqlite_hall.api("/monitoring/audit-alerts"), timeout=30).json() == []
    trail = sqlite_hall.admin_session().get(sqlite_hall.api("/audit"), params={"action": "reveal.follow_up"},
                                            timeout=30).json()["entries"]
    assert trail and {e["details"]["case_number"] for e in trail} == {wanted.case_number}

    # The poll keeps it shown; another task, and back, shows it masked again.
    with qtbot.waitSignal(screen.tasks_shown, timeout=30000):
        screen.refresh()
    qtbot.wait(300)
    assert CALLBACK_PHONE in screen.detail_view.toPlainText()
    with qtbot.waitSignal(screen.detail_shown, timeout=30000):
        screen.table.selectRow(screen.row_of(next(t.id for t in screen.tasks if t.case_number == other.case_number)))
    assert not screen.reveal_button.isEnabled()  # no call-back wanted: nothing to reveal
    with qtbot.waitSignal(screen.detail_shown, timeout=30000):
        screen.table.selectRow(screen.row_of(next(t.id for t in screen.tasks if t.case_number == wanted.case_number)))
    assert "138****5678" in screen.detail_view.toPlainText()

    window.resize(1920, 1080)
    qtbot.wait(300)
    _no_sideways_scrolling(screen.table)
    assert screen.table.horizontalHeader().sectionSize(COL_CASE) > 0
    save_screen(window, tmp_path / "supervisor_1920x1080.png")
