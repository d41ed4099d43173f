"""The supervisor's monitoring screens through the real windows on a real hall server
process: the hall now follows a pause (with the whereabouts the clerk gave) from the
hall's event and shows a killed workstation offline; the statistics show what the server
counts and export a real XLSX and CSV; the load advice is applied after a confirmation;
and every screen is photographed at 1366×768, the big board at 1920×1080."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.support.hall_server import DEMO_PASSWORD, REPO, HallServer
from tests.support.screenshots import save_screen
from tests.ui.queue_fixtures import *  # noqa: F403 - the kiosk
from tests.ui.queue_fixtures import call_next_at, window_session
from tests.ui.rating_fixtures import *  # noqa: F403 - the supervisor's app
from tests.ui.test_shell import _log_in, start_enrolled
from workstation.app.queue_desk import QueueDesk
from workstation.app.workstation import Workstation
from workstation.config import ServerSettings, Settings, SyncSettings, UiSettings
from workstation.domain.queue import PauseReason
from workstation.paths import Paths
from workstation.protocol.monitoring import ExportFormat

HALL_ZONE = ZoneInfo("Asia/Shanghai")
SHOTS = os.environ.get("SCREENSHOT_DIR")
FAST_SYNC = SyncSettings(batch_size=100, max_backoff=0.5, poll_interval=1.0)

# A clerk's workstation as a process of its own (the workstation core: enrolment, login,
# the sync engine following the hall's stream), so that a test can kill it. Prints
# "ready" once logged in; with "call", calls the next ticket and starts serving it.
WORKSTATION = """
import sys, time
from pathlib import Path
from workstation.app.queue_desk import QueueDesk
from workstation.app.workstation import Workstation
from workstation.config import ServerSettings, Settings, SyncSettings, UiSettings
from workstation.paths import Paths
url, code, user, root = sys.argv[1:5]
root = Path(root)
settings = Settings(server=ServerSettings(url=url, timeout=5),
                    sync=SyncSettings(batch_size=100, max_backoff=0.5, poll_interval=1.0),
                    ui=UiSettings(citizen_screen="off"))
ws = Workstation(settings, Paths(root / "config", root / "data", root / "logs"))
ws.connect()
ws.enrol(code)
ws.login(user, "demo2026")
if "call" in sys.argv[5:]:
    desk = QueueDesk.for_workstation(ws)
    ticket = desk.call_next()
    desk.start(ticket.id)
print("ready", flush=True)
time.sleep(900)
"""


def shot(widget, tmp_path: Path, name: str) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    QApplication.processEvents()
    save_screen(widget, path)
    return path


@pytest.fixture
def clerk_process(sqlite_hall, tmp_path):
    """start(window, *actions): a clerk's workstation process at `window` (clerk N at window
    N), logged in and following the hall's stream; returns the process."""
    started: list[subprocess.Popen] = []

    def start(window: int, *actions: str) -> subprocess.Popen:
        root = tmp_path / f"process-{window}"
        process = subprocess.Popen(
            [sys.executable, "-c", WORKSTATION, sqlite_hall.url, sqlite_hall.new_code("workstation", window),
             f"clerk{window}", str(root), *actions],
            cwd=REPO, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
        started.append(process)
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line == b"ready", f"workstation process of window {window} said {line!r}"
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture
def window_three(sqlite_hall, tmp_path):
    """Window 3's workstation in this process (clerk3, 刘洋), following the stream."""
    root = tmp_path / "window-3"
    settings = Settings(server=ServerSettings(url=sqlite_hall.url, timeout=5), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="off"))
    workstation = Workstation(settings, Paths(root / "config", root / "data", root / "logs"))
    workstation.connect()
    workstation.enrol(sqlite_hall.new_code("workstation", 3))
    workstation.login("clerk3", DEMO_PASSWORD)
    desk = QueueDesk.for_workstation(workstation)
    yield desk
    desk.close()
    workstation.shutdown()


def open_supervisor(qtbot, supervisor_app, hall: HallServer):
    """The supervisor's application on its own PC (the URL spelled differently from the
    clerks' workstations: the keyring keeps one device per URL), logged in, live."""
    app = supervisor_app(hall.url.replace("127.0.0.1", "localhost"))
    start_enrolled(qtbot, app, hall, None)
    _log_in(qtbot, app, "supervisor")
    qtbot.waitUntil(lambda: app.hall_board is not None and app.hall_board.hall is not None, timeout=30000)
    qtbot.waitUntil(lambda: app.live.live, timeout=30000)
    app.main_window.resize(1366, 768)
    return app


def tile_state(app, window: int) -> str:
    return app.hall_board.tiles[window].state.text()


def test_a_pause_shows_its_whereabouts_and_a_killed_workstation_offline(
        qtbot, sqlite_hall, supervisor_app, window_three, clerk_process, tmp_path):
    app = open_supervisor(qtbot, supervisor_app, sqlite_hall)
    board = app.hall_board
    assert app.main_window.screens.currentWidget() is board  # the hall now comes first
    qtbot.waitUntil(lambda: tile_state(app, 3) == "空闲", timeout=15000)
    assert board.tiles[3].clerk.text() == "刘洋"
    assert tile_state(app, 4) == "无人登录"

    until = (datetime.now(HALL_ZONE) + timedelta(minutes=30)).replace(second=0, microsecond=0)
    window_three.pause(PauseReason.MEETING, "", until)
    expected = f"暂停服务 · 会议 · 预计 {until.astimezone(HALL_ZONE).strftime('%H:%M')} 返回"  # the hall's clock
    # Followed from the hall's event, not a poll (see the end); how fast is bench/'s business.
    qtbot.waitUntil(lambda: tile_state(app, 3) == expected, timeout=5000)
    # Window 3's AB角 is window 6, where nobody is logged in.
    qtbot.waitUntil(lambda: board.tiles[3].extra.text() == "AB角：6 号窗口", timeout=5000)
    assert tile_state(app, 6) == "无人登录"

    # Window 4's workstation comes, then dies.
    process = clerk_process(4)
    qtbot.waitUntil(lambda: tile_state(app, 4) == "空闲", timeout=15000)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    qtbot.waitUntil(lambda: tile_state(app, 4) == "离线", timeout=10000)
    assert tile_state(app, 3) == expected  # still where the clerk said
    qtbot.wait(1500)  # the events of the kill settle
    qtbot.waitUntil(lambda: not board.reader.in_flight, timeout=5000)
    reads = board.reader.reads
    qtbot.wait(2000)
    assert board.reader.reads == reads  # nothing moved in the hall: nothing read (no polling)
    shot(app.main_window, tmp_path, "hall_now_paused_offline")


def _a_zone_on_another_day() -> str:
    """A time zone whose date differs from this PC's UTC date now (for the next hour at
    least): +14 h from 10:00 UTC on, −11 h before 11:00 UTC."""
    return "Pacific/Kiritimati" if datetime.now(UTC).hour >= 10 else "Pacific/Pago_Pago"


@pytest.fixture
def hall_on_another_day(tmp_path):
    """A hall whose today is not this PC's today: its server runs in another time zone."""
    server = HallServer(f"sqlite:///{tmp_path / 'hall.sqlite3'}", demo=True, home=tmp_path / "hall-home",
                        env={"COUNTER_HALL_TIMEZONE": _a_zone_on_another_day()}).start()
    yield server
    server.stop()


class TestAHallOnAnotherDay:
    """The hall here runs in a time zone on another date, as a PC with a wrong clock would
    see it: 今日 must be the hall's today by the server's clock."""

    @pytest.fixture
    def sqlite_hall(self, hall_on_another_day):
        return hall_on_another_day

    def test_statistics_show_the_servers_figures_and_export_xlsx_and_csv(
            self, qtbot, sqlite_hall, supervisor_app, kiosk_desk, tmp_path):
        hall_today = requests.get(sqlite_hall.api("/health"), timeout=10).json()["hall_date"]
        assert hall_today != datetime.now(UTC).date().isoformat()
        tickets = [kiosk_desk.issue("general").ticket for _ in range(3)]
        kiosk_desk.issue("social")
        clerk = window_session(sqlite_hall, 1, "clerk1")
        for done in range(2):
            ticket = call_next_at(sqlite_hall, clerk)
            assert ticket["id"] == tickets[done].id
            for step in ("start", "finish"):
                answer = clerk.post(sqlite_hall.api(f"/queue/tickets/{ticket['id']}/{step}"), timeout=10)
                assert answer.status_code == 200, answer.text
        ticket = call_next_at(sqlite_hall, clerk)
        assert clerk.post(sqlite_hall.api(f"/queue/tickets/{ticket['id']}/no-show"), timeout=10).status_code == 200

        app = open_supervisor(qtbot, supervisor_app, sqlite_hall)
        window, screen = app.main_window, app.statistics
        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # Ctrl+4: 统计报表
        assert window.screens.currentWidget() is screen
        with qtbot.waitSignal(screen.statistics_shown, timeout=30000):
            screen.range_buttons["today"].click()
        day = screen.statistics.first
        assert day.isoformat() == hall_today == screen.first.date().toPython().isoformat()
        server = sqlite_hall.login("supervisor").get(sqlite_hall.api("/monitoring/statistics"), timeout=30,
                                                     params={"from": day.isoformat(), "to": day.isoformat()}).json()
        totals = server["totals"]
        assert (totals["issued"], totals["served"], totals["no_shows"]) == (4, 2, 1)
        assert screen.statistics.totals.model_dump(mode="json") == totals
        assert "取号 4 · 办结 2 · 过号 1" in screen.totals.text()
        general = next(r for r in range(screen.by_type.rowCount()) if screen.by_type.item(r, 0).text() == "综合受理")
        assert [screen.by_type.item(general, c).text() for c in (1, 2, 3)] == ["3", "2", "1"]
        assert screen.wait_chart.chart().series() and screen.rating_chart.chart().series()
        shot(window, tmp_path, "statistics_today")

        xlsx = tmp_path / "report.xlsx"
        with qtbot.waitSignal(screen.exported, timeout=30000):
            screen.export_to(xlsx, ExportFormat.XLSX)
        book = openpyxl.load_workbook(xlsx)
        rows = [list(r) for r in book["按业务类型"].iter_rows(values_only=True)]
        row = next(r for r in rows if r[0] == "general")
        assert row[1:6] == ["综合受理", 3, 2, 1, 0]
        summary = [list(r) for r in book["合计"].iter_rows(values_only=True)]
        assert summary[2][2:5] == [4, 2, 1]

        path = tmp_path / "report.csv"
        with qtbot.waitSignal(screen.exported, timeout=30000):
            screen.export_to(path, ExportFormat.CSV)
        lines = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
        assert next(r for r in lines if r[:2] == ["按业务类型", "general"])[2:7] == ["综合受理", "3", "2", "1", "0"]
        assert not list(tmp_path.glob("*.part"))


def _served_earlier(db_url: str, day, business_type: str, count: int, service_seconds: int) -> None:
    """Finished tickets of today with a known service time, written into the hall's
    database: a test cannot spend ten minutes at a counter (as tests/server does)."""
    from sqlalchemy import create_engine, pool

    from server.models import Ticket

    engine = create_engine(db_url, poolclass=pool.NullPool)
    now = datetime.now(UTC) - timedelta(hours=1)
    with engine.begin() as conn:
        conn.execute(Ticket.__table__.insert(), [{
            "service_date": day, "business_type": business_type, "number": f"Z{900 + n}", "sequence": 900 + n,
            "state": "finished", "arrived_at": now, "issued_at": now, "green_channel": False, "window": 5,
            "call_count": 1, "called_at": now, "served_at": now, "ended_at": now + timedelta(seconds=service_seconds),
            "clerk": "clerk5", "wait_seconds": 0, "service_seconds": service_seconds} for n in range(count)])
    engine.dispose()


def test_every_screen_as_a_supervisor_sees_it_and_advice_applied(
        qtbot, sqlite_hall, supervisor_app, kiosk_desk, window_three, clerk_process, tmp_path):
    """A busy hall: windows serving, one paused, one never staffed, a queue for 不动产登记
    long enough for advice. Photographs every screen; applies the advice."""
    issued = [kiosk_desk.issue(code).ticket for code in ("general", "general", "police", "market")]
    estate = [kiosk_desk.issue("estate").ticket for _ in range(6)]
    _served_earlier(sqlite_hall.db_url, estate[0].service_date, "estate", 3, 600)
    assert issued
    for window in (1, 2, 6):
        clerk_process(window, "call")
    clerk_process(5)  # 不动产登记's own window: logged in, not calling (its queue grows)
    window_three.pause(PauseReason.BREAK, "", None)

    app = open_supervisor(qtbot, supervisor_app, sqlite_hall)
    window = app.main_window
    qtbot.waitUntil(lambda: tile_state(app, 1).startswith("服务中 A001"), timeout=15000)
    qtbot.waitUntil(lambda: tile_state(app, 3) == "暂停服务 · 休息", timeout=15000)
    qtbot.waitUntil(lambda: tile_state(app, 5) == "空闲", timeout=15000)
    assert tile_state(app, 4) == "无人登录"
    estate_row = next(bt for bt in app.hall_board.hall.business_types if bt.code == "estate")
    assert estate_row.waiting == 6
    shot(window, tmp_path, "1_hall_now")

    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: app.deadlines.board is not None, timeout=15000)
    shot(window, tmp_path, "2_deadlines")

    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    advice = app.advice
    assert window.screens.currentWidget() is advice
    qtbot.waitUntil(lambda: advice.advice is not None and bool(advice.cards), timeout=20000)
    card = advice.cards[0]
    assert card.advice.business_type == "estate"
    assert card.headline.text().startswith(f"开启 {card.advice.window} 号窗口办理 不动产登记：预计等候从")
    assert card.reasoning.text()
    shot(window, tmp_path, "3_advice")
    chosen = card.advice
    # The same move again with other figures, as a queue change brings it: the card under
    # the supervisor's pointer stays and shows the new figures.
    moved = chosen.model_copy(update={"waiting": chosen.waiting + 1})
    advice.show_advice(advice.advice.model_copy(update={"advice": [moved, *advice.advice.advice[1:]]}))
    assert advice.cards[0] is card and card.facts.text().startswith(f"{chosen.waiting + 1} ")
    chosen = card.advice

    card.apply_button.click()
    box = advice._box
    qtbot.waitUntil(lambda: box.isVisible(), timeout=5000)
    shot(box, tmp_path, "3b_advice_confirm")
    with qtbot.waitSignal(advice.applied, timeout=30000):
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "estate" in next(w for w in app.hall_board.hall.windows
                                             if w.number == chosen.window).business_types, timeout=15000)

    window.activateWindow()  # the confirmation was the active window
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.screens.currentWidget() is app.statistics
    qtbot.waitUntil(lambda: app.statistics.statistics is not None, timeout=15000)
    shot(window, tmp_path, "4_statistics")

    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.screens.currentWidget() is app.follow_ups
    shot(window, tmp_path, "5_follow_ups")

    # The wall TV: F11 shows the hall now full screen; Esc leaves.
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    big = app.big_board
    assert big is not None and big.isFullScreen()
    big.showNormal()  # the off-screen platform's screen is smaller than the hall's TV
    big.resize(1920, 1080)
    qtbot.waitUntil(lambda: big.board.shown is not None and 1 in big.board.tiles, timeout=5000)
    assert big.board.tiles[3].state.text() == "暂停服务 · 休息"
    shot(big, tmp_path, "6_big_board")
    qtbot.keyClick(big, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: app.big_board is None, timeout=5000)
