"""电子监察 end to end, on a real hall server process with a test calendar (its "today" read
from a file at every deadline scan, scans every half second): a case accepted at window 1
shows on the supervisor's 电子监察 screen; the day moves to the promised date and the row
turns yellow, past it red, with no refresh by anyone; the case's history opens with Enter;
the conclusion and the pickup recorded at window 2 take it off the open list."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from tests.support.hall_server import DEMO_PASSWORD, HallServer
from tests.support.screenshots import save_screen
from tests.ui.conftest import memory_keyring, styled_qapp  # noqa: F401 - the Qt fixtures
from tests.ui.rating_fixtures import PROMISED, CaseMaker, supervisor_app  # noqa: F401
from tests.ui.test_shell import _log_in, start_enrolled
from ui.supervisor.deadlines import COL_ACCEPTED, COL_APPLICANT, LEVEL_COLOURS
from workstation.app.cases import CaseDesk
from workstation.app.workstation import Workstation
from workstation.config import ServerSettings, Settings, SyncSettings, UiSettings
from workstation.domain.case import DeadlineLevel, Delivery, Result, Step
from workstation.paths import Paths
from workstation.store.local import LocalStore

HALL_ZONE = ZoneInfo("Asia/Shanghai")
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(widget, tmp_path: Path, name: str) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    save_screen(widget, path)
    return path


@pytest.fixture
def drill_hall(tmp_path):
    """A hall server whose deadline scan takes "today" from a file (starting at the real
    day) and rescans every half second."""
    today = tmp_path / "supervision-today.txt"
    today.write_text(datetime.now(HALL_ZONE).date().isoformat(), encoding="utf-8")
    server = HallServer(f"sqlite:///{tmp_path / 'hall.sqlite3'}", demo=True, home=tmp_path / "hall-home",
                        env={"COUNTER_SUPERVISION_TODAY_FILE": str(today), "COUNTER_DEADLINE_INTERVAL": "0.5"})
    server.start()
    yield server, today
    server.stop()


@pytest.fixture
def window_two(drill_hall, tmp_path):
    """A workstation of window 2 with clerk2 logged in (the workstation core, its sync engine
    uploading what the desk records)."""
    server, _ = drill_hall
    root = tmp_path / "window-2"
    settings = Settings(server=ServerSettings(url=server.url, timeout=5),
                        sync=SyncSettings(batch_size=100, max_backoff=0.5, poll_interval=1.0),
                        ui=UiSettings(citizen_screen="off"))
    workstation = Workstation(settings, Paths(root / "config", root / "data", root / "logs"))
    workstation.connect()
    workstation.enrol(server.new_code("workstation", 2))
    workstation.login("clerk2", DEMO_PASSWORD)
    yield workstation
    workstation.shutdown()


def test_a_case_turns_yellow_then_red_live_and_leaves_when_picked_up(qtbot, drill_hall, window_two,
                                                                     supervisor_app, tmp_path):  # noqa: F811
    server, today_file = drill_hall
    store = LocalStore(tmp_path / "window-1.sqlite3")
    maker = CaseMaker(server, store)
    case = maker.case(PROMISED, at=datetime.now(UTC))
    maker.upload()
    store.close()

    # The supervisor's own PC (its URL spelled differently: one keyring device per URL).
    app = supervisor_app(server.url.replace("127.0.0.1", "localhost"))
    start_enrolled(qtbot, app, server, None)
    _log_in(qtbot, app, "supervisor")
    qtbot.waitUntil(lambda: app.deadlines is not None, timeout=30000)
    window, screen = app.main_window, app.deadlines
    window.resize(1366, 768)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # Ctrl+2: 电子监察
    assert window.screens.currentWidget() is screen
    # On its first day the case is open and on time: counted, not listed among the warnings.
    qtbot.waitUntil(lambda: screen.board is not None and screen.board.totals.open == 1, timeout=30000)
    qtbot.waitUntil(lambda: app.live.live, timeout=30000)
    assert screen.row_of(case.case_number) < 0
    desk = CaseDesk.for_workstation(window_two)
    promised = desk.find(case.case_number).case.promised_date  # the hall's own calendar
    assert promised is not None and promised > datetime.now(HALL_ZONE).date()
    shot(window, tmp_path, "deadlines_on_time")

    # The test calendar reaches the promised date: yellow, by the server's event alone.
    reads = screen.reader.reads
    today_file.write_text(promised.isoformat(), encoding="utf-8")
    qtbot.waitUntil(lambda: screen.level_of(case.case_number) is DeadlineLevel.YELLOW, timeout=15000)
    assert screen.level_colour(case.case_number) == LEVEL_COLOURS[DeadlineLevel.YELLOW][0]
    assert screen.reader.reads > reads  # re-read because of the event (nothing here asked)
    listed = next(c for c in screen.board.cases if c.case_number == case.case_number)
    assert listed.window == 1 and listed.promised_date == promised
    assert listed.applicant == "李*" and listed.applicant_id == "110105********002X"  # masked, as everywhere
    # On the hall's clock (Asia/Shanghai), whatever this PC's zone: the row shows the acceptance as the hall saw it.
    row = screen.row_of(case.case_number)
    hall = listed.accepted_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M")
    assert screen.table.item(row, COL_ACCEPTED).text() == hall
    assert screen.table.item(row, COL_APPLICANT).text() == "李*"
    shot(window, tmp_path, "deadlines_yellow")

    # A day past it: red, announced on the screen and counted in the list of screens.
    today_file.write_text((promised + timedelta(days=1)).isoformat(), encoding="utf-8")
    qtbot.waitUntil(lambda: screen.level_of(case.case_number) is DeadlineLevel.RED, timeout=15000)
    assert screen.level_colour(case.case_number) == LEVEL_COLOURS[DeadlineLevel.RED][0]
    qtbot.waitUntil(lambda: screen.banner.isVisible(), timeout=5000)
    assert case.case_number in screen.banner.text() and "红牌" in screen.banner.text()
    assert window.nav.item(window.screens.indexOf(screen)).text() == "电子监察（红牌 1）"
    assert screen.board.totals.red == 1
    clerk_counts = {c.name: (c.open, c.red) for c in screen.board.by_clerk}
    assert clerk_counts["张伟"] == (1, 1)
    shot(window, tmp_path, "deadlines_red")

    # The case's history, one key away.
    screen.table.setFocus()
    screen.table.selectRow(screen.row_of(case.case_number))
    with qtbot.waitSignal(screen.case_opened, timeout=30000) as opened:
        qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert opened.args[0].case_number == case.case_number
    history = screen.dialog.view.toPlainText()
    assert "窗口受理" in history and "失业保险金申领" in history and "110105********002X" in history
    screen.dialog.resize(820, 560)
    shot(screen.dialog, tmp_path, "case_history")
    screen.dialog.close()

    # Window 2 concludes it and the applicant picks the result up there.
    desk.record_step(case.case_number, Step.CONCLUDE, result=Result.APPROVED)
    desk.record_step(case.case_number, Step.DELIVER, method=Delivery.PICKUP)
    qtbot.waitUntil(lambda: screen.board is not None and all(c.case_number != case.case_number
                                                              for c in screen.board.cases), timeout=30000)
    assert screen.row_of(case.case_number) < 0
    qtbot.waitUntil(lambda: window.nav.item(window.screens.indexOf(screen)).text() == "电子监察", timeout=5000)
    # The board leaves the case at the conclusion; the pickup may reach the hall a moment later.
    qtbot.waitUntil(lambda: [s.step for s in desk.find(case.case_number).case.history][-2:]
                    == [Step.CONCLUDE, Step.DELIVER], timeout=30000)
