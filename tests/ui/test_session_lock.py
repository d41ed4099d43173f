"""The clerk's screen locks after ui.lock_minutes idle and the citizen screen then shows
nothing personal; the password opens it, five wrong ones log out; a session the server
ended for idleness sends the clerk back to the login window saying why. Real windows, a
real hall server process."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from tests.support.hall_server import HallServer
from tests.ui.test_shell import open_main_window
from workstation.config import ServerSettings, Settings, SyncSettings, UiSettings

FAST_SYNC = SyncSettings(batch_size=100, max_backoff=0.5, poll_interval=1.0)
LOCK_MINUTES = 0.03  # 1.8 s without input
SERVER_IDLE_MINUTES = 0.1  # 6 s: the idle server's session limit


def _settings(server: HallServer, lock_minutes: float = LOCK_MINUTES) -> Settings:
    return Settings(server=ServerSettings(url=server.url), sync=FAST_SYNC,
                    ui=UiSettings(citizen_screen="window", lock_minutes=lock_minutes))


def _shown_texts(widget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


def _unlock_with(qtbot, app, password: str) -> None:
    qtbot.keyClicks(app.lock_window.password, password)
    qtbot.keyClick(app.lock_window.password, "\r")


def test_the_idle_screen_locks_hides_the_applicant_and_opens_with_the_password(qtbot, clerk_app,
                                                                                 sqlite_hall):
    app = clerk_app(_settings(sqlite_hall))
    open_main_window(qtbot, app, sqlite_hall, 2)
    citizen = app.citizen
    citizen.show_applicant("张*三")
    citizen.show_checklist("居民身份证换领", [("户口簿", "ok"), ("照片", "missing")])
    assert "张*三" in _shown_texts(citizen)

    qtbot.waitUntil(lambda: app.lock_window is not None and app.lock_window.isVisible(), timeout=30000)
    assert not app.main_window.isVisible()
    assert citizen.locked
    shown = _shown_texts(citizen)
    assert "张*三" not in shown and "户口簿" not in shown and "居民身份证换领" not in shown
    assert "请稍候" in shown

    _unlock_with(qtbot, app, "not-my-password")
    qtbot.waitUntil(lambda: "还可尝试 4 次" in app.lock_window.message.text(), timeout=30000)
    assert app.lock_window.isVisible() and not app.main_window.isVisible()

    _unlock_with(qtbot, app, "demo2026")
    qtbot.waitUntil(lambda: app.main_window.isVisible(), timeout=30000)
    assert not app.lock_window.isVisible() and not citizen.locked
    assert "张*三" in _shown_texts(citizen)  # the applicant's view is back as it was


def test_five_wrong_passwords_at_the_locked_screen_log_out(qtbot, clerk_app, sqlite_hall):
    app = clerk_app(_settings(sqlite_hall))
    open_main_window(qtbot, app, sqlite_hall, 2)
    qtbot.waitUntil(lambda: app.lock_window is not None and app.lock_window.isVisible(), timeout=30000)
    for n in range(5):
        _unlock_with(qtbot, app, f"wrong-{n}")
        if n < 4:
            qtbot.waitUntil(lambda n=n: f"还可尝试 {4 - n} 次" in app.lock_window.message.text(), timeout=30000)
    qtbot.waitUntil(lambda: app.main_window is None and app.start_window.isVisible(), timeout=30000)
    assert app.lock_window is None
    qtbot.waitUntil(lambda: app.workstation.clerk is None, timeout=30000)  # logged out in the background


@pytest.fixture
def idle_hall(tmp_path):
    server = HallServer(f"sqlite:///{tmp_path / 'idle-hall.sqlite3'}", demo=True, home=tmp_path / "idle-home",
                        env={"COUNTER_SESSION_IDLE_MINUTES": str(SERVER_IDLE_MINUTES)}).start()
    yield server
    server.stop()


def test_a_session_the_server_ended_for_idleness_returns_to_login_saying_why(qtbot, clerk_app, idle_hall):
    app = clerk_app(_settings(idle_hall))
    open_main_window(qtbot, app, idle_hall, 2)
    qtbot.waitUntil(lambda: app.lock_window is not None and app.lock_window.isVisible(), timeout=30000)
    # Locked, the window does not read the queue: the session idles out on the server.
    qtbot.wait(int((SERVER_IDLE_MINUTES * 60 + 3) * 1000))
    _unlock_with(qtbot, app, "demo2026")
    qtbot.waitUntil(lambda: app.main_window is None and app.start_window.isVisible(), timeout=30000)
    assert "长时间未操作，已自动退出登录" in app.start_window.message.text()
    assert app.start_window.message.property("error")
