"""Fixtures of the fault tests: real processes, broken on purpose."""

from __future__ import annotations

import pytest

from tests.support.hall_server import HallServer


@pytest.fixture
def sqlite_hall(tmp_path, demo_hall_seed):
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    demo_hall_seed.fill_sqlite(url)
    server = HallServer(url, demo=True, home=tmp_path / "hall-home").start()
    yield server
    server.stop()
