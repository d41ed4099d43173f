"""Fixtures of the workstation core's tests: a memory keyring, a local store in a temporary
folder, and sync engines and workstations pointed at a real hall server process, with
settings that retry quickly so the tests stay fast."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
import requests

from tests.support.hall_server import HallServer
from tests.support.keyring_backend import MemoryKeyring
from tests.support.waiting import wait_for
from workstation.app.workstation import Workstation
from workstation.config import ServerSettings, Settings, SyncSettings
from workstation.paths import Paths
from workstation.store.local import LocalStore
from workstation.sync.client import HallClient
from workstation.sync.engine import SyncEngine

# Retries every half second at most; polls the catalogue every second without a live stream.
FAST_SYNC = SyncSettings(batch_size=500, max_backoff=0.5, poll_interval=1.0)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Secrets of in-process workstations go to memory, never to the OS keyring of the PC
    running the tests."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    """A fresh local store (a real SQLite file) in the test's folder."""
    local = LocalStore(tmp_path / "workstation.sqlite3")
    yield local
    local.close()


@pytest.fixture
def wait() -> Callable[..., Any]:
    """wait(predicate, what, timeout=30): poll until `predicate()` is truthy and return
    its value; fail naming `what` when the deadline passes. Never a timing assertion:
    the deadline is only there so a broken build fails instead of hanging."""

    return wait_for


@pytest.fixture
def make_engine() -> Iterator[Callable[..., SyncEngine]]:
    """make_engine(server, store, token=None, start=True, on_event=None, on_status=None,
    **sync settings) -> SyncEngine on a real hall server; `token` defaults to a newly
    enrolled workstation's. Stopped after the test."""
    engines: list[SyncEngine] = []

    def _make(server: HallServer, local: LocalStore, token: str | None = None, start: bool = True,
              on_event=None, on_status=None, **settings: Any) -> SyncEngine:
        options = {"batch_size": FAST_SYNC.batch_size, "max_backoff": FAST_SYNC.max_backoff,
                   "poll_interval": FAST_SYNC.poll_interval, **settings}
        assert server.url is not None
        engine = SyncEngine(local, server.url, token or server.enrol("workstation", 1),
                            SyncSettings(**options), timeout=5.0, on_event=on_event,
                            on_status=on_status)
        engines.append(engine)
        if start:
            engine.start()
        return engine

    yield _make
    for engine in engines:
        engine.stop()


@pytest.fixture
def make_client() -> Iterator[Callable[..., HallClient]]:
    """make_client(server, token) -> a HallClient closed after the test."""
    clients: list[HallClient] = []

    def _make(server: HallServer, token: str | None = None) -> HallClient:
        assert server.url is not None
        client = HallClient(server.url, token, timeout=10.0)
        clients.append(client)
        return client

    yield _make
    for client in clients:
        client.close()


@pytest.fixture
def workstation_settings() -> Callable[[HallServer], Settings]:
    def _settings(server: HallServer) -> Settings:
        assert server.url is not None
        return Settings(server=ServerSettings(url=server.url, timeout=5.0), sync=FAST_SYNC)

    return _settings


@pytest.fixture
def make_workstation(tmp_path: Path, workstation_settings) -> Iterator[Callable[..., Workstation]]:
    """make_workstation(server, name="ws") -> a Workstation configured for `server`, its
    folders under the test's folder (the same name gives the same folders: a restart)."""
    made: list[Workstation] = []

    def _make(server: HallServer, name: str = "ws") -> Workstation:
        root = tmp_path / name
        workstation = Workstation(workstation_settings(server),
                                  Paths(root / "config", root / "data", root / "logs"))
        made.append(workstation)
        return workstation

    yield _make
    for workstation in made:
        workstation.shutdown()


def server_records(server: HallServer, kind: str, page_size: int = 300) -> list[dict[str, Any]]:
    """Every record of `kind` the hall server holds, read as a supervisor, page by page."""
    session = server.login("supervisor")
    records: list[dict[str, Any]] = []
    after = None
    try:
        while True:
            params: dict[str, Any] = {"kind": kind, "limit": page_size}
            if after is not None:
                params["after"] = after
            response = session.get(server.api("/records"), params=params, timeout=30)
            assert response.status_code == 200, response.text
            page = response.json()
            records += page["records"]
            after = page["next_after"]
            if after is None:
                return records
    finally:
        session.close()


@pytest.fixture
def list_server_records() -> Callable[..., list[dict[str, Any]]]:
    return server_records


@pytest.fixture
def admin(hall_server: HallServer) -> Iterator[requests.Session]:
    session = hall_server.admin_session()
    yield session
    session.close()
