"""A counter PC the admin revokes while a clerk works at it: the window says plainly, in
Chinese, that this PC was disabled and to call IT (a red banner and the status bar), and
after a restart the start window says the same and lets nobody log in. Real windows, a real
hall server process."""

from __future__ import annotations

from tests.ui.conftest import _paths
from tests.ui.test_shell import _log_in, open_main_window
from workstation.app.workstation import Workstation
from workstation.config import ServerSettings, Settings, SyncSettings, UiSettings

FAST_SYNC = SyncSettings(batch_size=100, max_backoff=0.5, poll_interval=1.0)
WORDS = "本机已被管理员停用，请联系信息科"


def test_the_clerk_is_told_plainly_that_this_pc_was_revoked(qtbot, clerk_app, sqlite_hall):
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="off"))
    app = clerk_app(settings)
    open_main_window(qtbot, app, sqlite_hall, 3, "clerk3")
    window = app.main_window
    assert not window.revoked_banner.isVisible()
    admin = sqlite_hall.admin_session()
    device_id = app.workstation.device.device_id
    answer = admin.post(sqlite_hall.api(f"/devices/{device_id}/revoke"), json={"reason": "被盗"}, timeout=30)
    assert answer.status_code == 200, answer.text

    qtbot.waitUntil(lambda: window.revoked_banner.isVisible(), timeout=30000)
    assert window.revoked_banner.text().startswith(WORDS)
    assert WORDS in window.status.connection.text()
    assert "被盗" in window.status.connection.toolTip()
    assert window.status.connection.property("state") == "revoked"


def test_after_a_restart_the_start_window_says_so_and_nobody_logs_in(qtbot, clerk_app, sqlite_hall, tmp_path):
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="off"))
    # The PC worked at window 3 (no window needed for that), was switched off, then stolen.
    before = Workstation(settings, _paths(tmp_path))
    before.connect()
    device_id = before.enrol(sqlite_hall.new_code("workstation", 3)).device_id
    before.login("clerk3", "demo2026")
    before.shutdown()
    admin = sqlite_hall.admin_session()
    assert admin.post(sqlite_hall.api(f"/devices/{device_id}/revoke"), json={"reason": "被盗"},
                      timeout=30).status_code == 200

    again = clerk_app(settings)  # switched on again, the hall in reach
    again.start()
    start = again.start_window
    qtbot.waitUntil(lambda: WORDS in start.message.text(), timeout=30000)
    assert start.message.property("error") and "被盗" in start.message.text()
    start.message.clear()
    _log_in(qtbot, again, "clerk3")
    qtbot.waitUntil(lambda: WORDS in start.message.text(), timeout=30000)
    assert again.main_window is None
