"""Shared fixtures. Tests go through real parts: a real hall server process, real SQLite
files and a real PostgreSQL cluster that the tests start themselves."""

from __future__ import annotations

import os

# Before anything imports Qt: widgets render off screen, also on a CI runner without X.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from tests.support.hall_server import DemoHallSeed, HallServer  # noqa: E402
from tests.support.postgres import PostgresCluster, PostgresUnavailable  # noqa: E402

# ---------------------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg():
    """The session's private PostgreSQL cluster, started on first use. Missing binaries
    fail the test: the PostgreSQL half of the suite must never pass silently."""
    problem = None
    try:
        cluster = PostgresCluster().start()
    except PostgresUnavailable as exc:
        problem = str(exc)
    if problem:
        pytest.fail(problem, pytrace=False)
    yield cluster
    cluster.stop()


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path):
    """The URL of a fresh, empty database: a SQLite file or a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hall.sqlite3'}"
        return
    cluster: PostgresCluster = request.getfixturevalue("pg")
    url = cluster.create_database(request.node.name)
    yield url
    cluster.drop_database(cluster.database_of(url))


# ---------------------------------------------------------------------------------------
# The hall server
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_hall_seed(tmp_path_factory):
    """The demo hall seeded once per database system, for `hall_server` to copy."""
    return DemoHallSeed(tmp_path_factory.mktemp("demo-hall-seed"))


@pytest.fixture
def hall_server(request, db_url, tmp_path, demo_hall_seed):
    """A hall server process on `db_url` with the demo hall; stopped after the test.

    The database starts as a copy of the demo hall that a real server seeded once in
    this session (HALL_TESTS_SEED_EACH=1: let every server seed its own)."""
    if not os.environ.get("HALL_TESTS_SEED_EACH"):
        if db_url.startswith("sqlite"):
            demo_hall_seed.fill_sqlite(db_url)
        else:
            demo_hall_seed.fill_postgres(request.getfixturevalue("pg"), db_url)
    server = HallServer(db_url, demo=True, home=tmp_path / "home").start()
    yield server
    server.stop()


# ---------------------------------------------------------------------------------------
# Workstation side: keyring and Qt fixtures go below this line.
# ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _a_memory_keyring_for_every_test():
    """Every test starts with a fresh in-memory keyring in this process, so a workstation
    store made by any test (its key goes to the keyring) never falls to whatever backend
    keyring picked at its first use in the session (once, a FileKeyring whose file a
    finished test had taken away: KeyError in every later store). Fixtures of tests/ui and
    tests/workstation set their own on top; child processes choose theirs by environment."""
    import keyring

    from tests.support.keyring_backend import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)
