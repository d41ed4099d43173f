"""Qt fixtures: the real windows, off screen, with the zh_CN translation and our font."""

from __future__ import annotations

import keyring
import pytest

from tests.support.keyring_backend import MemoryKeyring
from tests.support.qt_apps import close_front
from ui.clerk.app import ClerkApp
from ui.tasks import collect_garbage_on_gui_thread
from workstation.app.workstation import Workstation
from workstation.config import Settings
from workstation.paths import Paths


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch):
    """A headless keyring, fresh for each test; child processes get their own."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyring_backend.MemoryKeyring")
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def styled_qapp(qapp):
    from ui.style import install_fonts, install_style, install_translator

    collect_garbage_on_gui_thread(qapp)
    install_fonts(qapp)
    install_style(qapp)
    assert install_translator(qapp, "zh_CN")
    yield qapp
    install_translator(qapp, "en")


@pytest.fixture
def sqlite_hall(tmp_path):
    from tests.support.hall_server import HallServer

    server = HallServer(f"sqlite:///{tmp_path / 'hall.sqlite3'}", demo=True, home=tmp_path / "hall-home").start()
    yield server
    server.stop()


def _paths(tmp_path) -> Paths:
    root = tmp_path / "workstation"
    return Paths(root / "config", root / "data", root / "logs")


@pytest.fixture
def clerk_app(styled_qapp, tmp_path, request):
    apps = []

    def make(settings: Settings) -> ClerkApp:
        workstation = Workstation(settings, _paths(tmp_path))
        app = ClerkApp(workstation, settings)
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_front(app)


