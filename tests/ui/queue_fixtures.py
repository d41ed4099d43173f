"""Fixtures of the queue's UI tests: the kiosk, display and clerk sides of one real hall
server process, each enrolled as its own device, and the queue screens' Chinese.

Import the fixtures into a test module with `from tests.ui.queue_fixtures import *`."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.support.hall_server import DEMO_PASSWORD, HallServer
from workstation.app.queue_desk import HallFeed, KioskDesk, QueueDesk
from workstation.app.workstation import Workstation
from workstation.config import ServerSettings, Settings, SyncSettings, UiSettings
from workstation.paths import Paths

__all__ = ["ClerkSide", "call_next_at", "clerk_side", "display_feed", "kiosk_desk", "queue_chinese",
           "window_session"]

REPO = Path(__file__).resolve().parents[2]
# The queue screens' strings, until they are merged into workstation_zh_CN.ts.
QUEUE_TS = REPO / "resources" / "translations" / "queue_zh_CN.ts"
FAST_SYNC = SyncSettings(batch_size=100, max_backoff=0.5, poll_interval=1.0)


@pytest.fixture
def queue_chinese(styled_qapp, tmp_path):
    """The zh_CN translation with the queue screens' strings (compiled from their own .ts
    while that is not merged into the workstation's)."""
    from PySide6.QtCore import QTranslator

    if not QUEUE_TS.exists():
        yield styled_qapp
        return
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    qm = tmp_path / "queue_zh_CN.qm"
    subprocess.run([str(lrelease), str(QUEUE_TS), "-qm", str(qm)], check=True, capture_output=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    styled_qapp.installTranslator(translator)
    yield styled_qapp
    styled_qapp.removeTranslator(translator)


@pytest.fixture
def kiosk_desk(sqlite_hall):
    desk = KioskDesk(sqlite_hall.url, sqlite_hall.enrol("kiosk", None), timeout=5)
    yield desk
    desk.close()


@pytest.fixture
def display_feed(sqlite_hall):
    feed = HallFeed(sqlite_hall.url, sqlite_hall.enrol("display", None), timeout=5, first_backoff=0.2,
                    max_backoff=1.0)
    yield feed
    feed.stop()


@dataclass
class ClerkSide:
    workstation: Workstation
    desk: QueueDesk


@pytest.fixture
def clerk_side(sqlite_hall, tmp_path):
    """make(window, username): a workstation enrolled for `window` through its own enrolment
    code, the clerk logged in through Workstation.login, and the QueueDesk over them."""
    made: list[ClerkSide] = []

    def make(window: int = 3, username: str = "clerk3") -> ClerkSide:
        root = tmp_path / f"workstation-{window}-{username}"
        settings = Settings(server=ServerSettings(url=sqlite_hall.url, timeout=5), sync=FAST_SYNC,
                            ui=UiSettings(citizen_screen="off"))
        workstation = Workstation(settings, Paths(root / "config", root / "data", root / "logs"))
        workstation.connect()
        workstation.enrol(sqlite_hall.new_code("workstation", window))
        workstation.login(username, DEMO_PASSWORD)
        side = ClerkSide(workstation, QueueDesk.for_workstation(workstation))
        made.append(side)
        return side

    yield make
    for side in made:
        side.desk.close()
        side.workstation.shutdown()


def window_session(server: HallServer, window: int, username: str) -> requests.Session:
    """A clerk logged in at a workstation of `window`, as a plain HTTP session."""
    return server.login(username, device_token=server.enrol("workstation", window))


def call_next_at(server: HallServer, session: requests.Session) -> dict:
    response = session.post(server.api("/queue/call-next"), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()
