"""What the start window says when the hall server would be reached unsafely: plain http://
to another PC is refused before anything is sent, and a server whose certificate is not
signed by the hall's CA is sent nothing. Real windows; the HTTPS server is a real process."""

from __future__ import annotations

from tests.security.test_tls import make_ca, make_server_cert
from tests.support.hall_server import HallServer
from workstation.config import ServerSettings, Settings, SyncSettings, UiSettings

FAST_SYNC = SyncSettings(batch_size=100, max_backoff=0.5, poll_interval=1.0)


def _error_shown(start) -> bool:
    return bool(start.message.property("error"))


def test_plain_http_to_another_pc_is_refused_in_the_start_window(qtbot, clerk_app):
    settings = Settings(server=ServerSettings(url="http://10.255.0.1:8765"), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="off"))
    app = clerk_app(settings)
    app.start()
    start = app.start_window
    qtbot.waitUntil(lambda: _error_shown(start), timeout=30000)
    text = start.message.text()
    assert "不连接 http://10.255.0.1:8765" in text and "server.allow_plain_http = true" in text
    assert not start.login_button.isEnabled()
    assert app.workstation.store is None  # nothing opened, nothing sent


def test_a_server_with_a_certificate_of_another_ca_is_named_untrusted(qtbot, clerk_app, tmp_path):
    hall_ca, ca_key, ca_cert = make_ca(tmp_path, "hall-ca")
    other_ca, _, _ = make_ca(tmp_path, "other-ca")
    certfile, keyfile = make_server_cert(tmp_path, ca_key, ca_cert)
    server = HallServer(f"sqlite:///{tmp_path / 'hall.sqlite3'}", demo=True, home=tmp_path / "home",
                        verify=str(hall_ca), args=("--certfile", str(certfile), "--keyfile", str(keyfile)))
    server.start()
    try:
        settings = Settings(server=ServerSettings(url=server.url, ca_file=str(other_ca)), sync=FAST_SYNC,
                            ui=UiSettings(citizen_screen="off"))
        app = clerk_app(settings)
        app.start()
        start = app.start_window
        qtbot.waitUntil(lambda: _error_shown(start), timeout=30000)
        assert start.pages.currentIndex() == 1  # the enrolment page: no code can be sent
        assert "not trusted" in start.message.text() and "other-ca.pem" in start.message.text()
    finally:
        server.stop()
