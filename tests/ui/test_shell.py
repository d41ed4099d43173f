"""The workstation shell through its real windows: enrol, log in, the main window with the
server connection and the upload count, and the citizen screen."""

from __future__ import annotations

import shiboken6

from tests.support.screenshots import save_screen
from ui.clerk.app import ClerkApp
from workstation.config import ServerSettings, Settings, SyncSettings, UiSettings

FAST_SYNC = SyncSettings(batch_size=100, max_backoff=0.5, poll_interval=1.0)


def _log_in(qtbot, app: ClerkApp, username: str = "clerk1", password: str = "demo2026") -> None:
    start = app.start_window
    qtbot.waitUntil(lambda: start.pages.currentIndex() == 0 and start.login_button.isEnabled(),
                    timeout=60000)
    qtbot.keyClicks(start.username, username)
    qtbot.keyClick(start.username, "\r")
    qtbot.keyClicks(start.password, password)
    qtbot.keyClick(start.password, "\r")


def start_enrolled(qtbot, app: ClerkApp, hall, window: int) -> None:
    """Start the app on a new PC, type IT's one-time code for `window`, reach the login page."""
    app.start()
    start = app.start_window
    qtbot.waitUntil(lambda: start.pages.currentIndex() == 1, timeout=30000)
    qtbot.keyClicks(start.code, hall.enrol_code(window=window))
    qtbot.keyClick(start.code, "\r")


def open_main_window(qtbot, app: ClerkApp, hall, window: int, username: str = "clerk1") -> None:
    """Enrol for `window`, log in as `username` and wait for the main window."""
    start_enrolled(qtbot, app, hall, window)
    _log_in(qtbot, app, username)
    qtbot.waitUntil(lambda: app.main_window is not None, timeout=30000)


def test_enrol_login_main_window_online_with_nothing_pending(qtbot, clerk_app, sqlite_hall, tmp_path):
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="window"))
    app = clerk_app(settings)
    app.start()
    start = app.start_window

    # A new PC: the enrolment page, then IT's one-time code.
    qtbot.waitUntil(lambda: start.pages.currentIndex() == 1, timeout=30000)
    assert "一次性登记码" in start.enrol_explanation.text()
    qtbot.keyClicks(start.code, sqlite_hall.enrol_code(window=3))
    qtbot.keyClick(start.code, "\r")
    qtbot.waitUntil(lambda: start.pages.currentIndex() == 0, timeout=30000)
    assert start.window_label.text() == "3 号窗口"

    _log_in(qtbot, app)
    qtbot.waitUntil(lambda: app.main_window is not None and app.main_window.isVisible(), timeout=30000)
    window = app.main_window
    assert not start.isVisible()
    assert "窗口人员" in window.clerk_label.text()

    # The status bar: server online and zero records waiting.
    qtbot.waitUntil(lambda: window.status.connection.text() == "● 大厅服务器已连接", timeout=30000)
    qtbot.waitUntil(lambda: window.status.pending.text() == "待上传：0 条", timeout=30000)
    assert window.status.reader.text() == "读卡器：未配置"

    # The citizen screen greets in large Chinese text, with the hall's own words.
    citizen = app.citizen
    qtbot.waitUntil(lambda: citizen.isVisible() and "欢迎来到演示区政务服务中心" in citizen.welcome.text(),
                    timeout=30000)
    assert citizen.hall.text() == "演示区政务服务中心"
    assert citizen.window_number.text() == "3 号窗口"
    assert citizen.welcome.font().pointSize() >= 36 or citizen.welcome.fontInfo().pixelSize() >= 40
    assert window.hall_label.text() == "演示区政务服务中心"

    qtbot.wait(200)
    save_screen(window, tmp_path / "main_window.png")
    save_screen(citizen, tmp_path / "citizen_screen.png")
    assert (tmp_path / "main_window.png").stat().st_size > 10_000
    assert (tmp_path / "citizen_screen.png").stat().st_size > 10_000

    # Logging out: back to the login page; the main window is gone, not hidden and polling
    # on; the next clerk gets a window of their own.
    window.logout_requested.emit()
    qtbot.waitUntil(lambda: start.isVisible() and start.pages.currentIndex() == 0, timeout=30000)
    assert app.main_window is None and not citizen.isVisible()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5000)
    _log_in(qtbot, app, "clerk2")
    qtbot.waitUntil(lambda: app.main_window is not None and app.main_window.isVisible(), timeout=30000)
    assert "李娜" in app.main_window.clerk_label.text()


def test_status_bar_says_offline_and_counts_what_waits(qtbot, clerk_app, sqlite_hall):
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="off"))
    app = clerk_app(settings)
    open_main_window(qtbot, app, sqlite_hall, 2)
    status = app.main_window.status
    qtbot.waitUntil(lambda: status.connection.text() == "● 大厅服务器已连接", timeout=30000)

    sqlite_hall.stop()
    for i in range(3):
        app.workstation.record("test.note", {"n": i})
    qtbot.waitUntil(lambda: status.connection.property("state") == "offline", timeout=30000)
    qtbot.waitUntil(lambda: status.pending.text() == "待上传：3 条", timeout=30000)

    sqlite_hall.start()
    qtbot.waitUntil(lambda: status.pending.text() == "待上传：0 条", timeout=60000)
    assert status.connection.text() == "● 大厅服务器已连接"


def test_wrong_password_is_refused_plainly(qtbot, clerk_app, sqlite_hall):
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="off"))
    app = clerk_app(settings)
    start_enrolled(qtbot, app, sqlite_hall, 1)
    start = app.start_window
    _log_in(qtbot, app, password="wrong-password")
    qtbot.waitUntil(lambda: start.message.text() == "账号或密码错误。", timeout=30000)
    assert app.main_window is None
    assert start.password.text() == ""


def test_embedded_demo_hall_enrols_itself(qtbot, clerk_app, tmp_path, monkeypatch):
    """No hall server configured: the workstation starts the demo hall and enrols itself."""
    monkeypatch.setenv("COUNTER_HOME", str(tmp_path / "embedded-home"))
    settings = Settings(sync=FAST_SYNC, ui=UiSettings(citizen_screen="off"))
    app = clerk_app(settings)
    app.start()
    start = app.start_window
    qtbot.waitUntil(lambda: start.pages.currentIndex() == 0 and start.login_button.isEnabled(),
                    timeout=60000)
    assert start.window_label.text() == "1 号窗口"
    _log_in(qtbot, app, "supervisor")
    qtbot.waitUntil(lambda: app.main_window is not None, timeout=30000)
    assert "值班长" in app.main_window.clerk_label.text()
    assert app.workstation.embedded is not None
