"""Fixtures of the hostile-input tests: one real hall server process (demo hall on SQLite)
for the module, and a bearer token for each role a caller can act in."""

from __future__ import annotations

import pytest
import requests

from tests.support.hall_server import HallServer

ROLES = ("anonymous", "kiosk", "display", "clerk", "supervisor", "admin")


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_hall_seed):
    folder = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{folder / 'hall.sqlite3'}"
    demo_hall_seed.fill_sqlite(url)
    hall = HallServer(url, demo=True, home=folder / "home").start()
    yield hall
    hall.stop()


def _token(session: requests.Session) -> str:
    return session.headers["Authorization"].split(" ", 1)[1]


@pytest.fixture(scope="module")
def tokens(server) -> dict[str, str | None]:
    """role -> bearer token (None for anonymous). The clerk is clerk1 at window 1."""
    found: dict[str, str | None] = {"anonymous": None}
    found["kiosk"] = server.enrol("kiosk", None)
    found["display"] = server.enrol("display", None)
    found["clerk"] = _token(server.login("clerk1"))
    found["supervisor"] = _token(server.login("supervisor"))
    found["admin"] = _token(server.login("admin"))
    return found


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}
