"""Fixtures of the hostile-input tests: one real hall server process (demo hall on SQLite)
for the module, and a bearer token for each role a caller can act in."""

from __future__ import annotations

import pytest
import requests

from tests.support.hall_server import HallServer

ROLES = ("anonymous", "kiosk", "display", "clerk", "supervisor", "admin")


def start_hall(request, tmp_path_factory, demo_hall_seed, database: str = "sqlite"):
    """A demo hall server on a fresh SQLite file or PostgreSQL database; a generator for
    a fixture to yield from."""
    folder = tmp_path_factory.mktemp("hostile")
    cluster = None
    if database == "sqlite":
        url = f"sqlite:///{folder / 'hall.sqlite3'}"
        demo_hall_seed.fill_sqlite(url)
    else:
        cluster = request.getfixturevalue("pg")
        url = cluster.create_database(f"hostile_{folder.name}")
        demo_hall_seed.fill_postgres(cluster, url)
    hall = HallServer(url, demo=True, home=folder / "home").start()
    yield hall
    hall.stop()
    if cluster is not None:
        cluster.drop_database(cluster.database_of(url))


# For a module's own `server` fixture over both database systems.
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module")
def server(request, tmp_path_factory, demo_hall_seed):
    yield from start_hall(request, tmp_path_factory, demo_hall_seed)


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
