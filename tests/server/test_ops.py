"""#15 operations: what a load balancer asks a hall server process. /live: the process
answers (no database); /ready: the database answers and its schema is at this server's
head, else 503 with a plain reason. Both anonymous; on a real server process."""

from __future__ import annotations

import time

import pytest
import requests

from server import migrate
from tests.support.hall_server import HallServer
from tests.support.postgres import PostgresCluster

TIMEOUT = 30


def test_live_and_ready_answer_anonymously(hall_server):
    live = requests.get(hall_server.api("/live"), timeout=TIMEOUT)
    assert live.status_code == 200 and live.json() == {"status": "alive"}
    ready = requests.get(hall_server.api("/ready"), timeout=TIMEOUT)
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
    assert set(ready.json()["revision"].split(", ")) == migrate.heads()


@pytest.fixture
def own_postgres():
    cluster = PostgresCluster().start()  # its own: halting it must not touch other tests' databases
    yield cluster
    cluster.stop()


def _ready(server: HallServer) -> requests.Response:
    return requests.get(server.api("/ready"), timeout=TIMEOUT)


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_ready_is_503_with_a_reason_while_postgresql_is_down_or_behind(own_postgres, tmp_path):
    url = own_postgres.create_database("hall")
    server = HallServer(url, demo=True, home=tmp_path / "hall-home").start()
    try:
        assert _ready(server).status_code == 200

        own_postgres.halt()
        down = _ready(server)
        assert down.status_code == 503, down.text
        assert down.json()["status"] == "not ready"
        assert "database cannot be reached" in down.json()["reason"], down.json()
        assert down.headers.get("Retry-After")
        live = requests.get(server.api("/live"), timeout=TIMEOUT)
        assert live.status_code == 200, "the process answers while its database is down"

        own_postgres.resume()
        deadline = time.monotonic() + 60
        while _ready(server).status_code != 200:
            assert time.monotonic() < deadline, "ready did not come back with the database"
            time.sleep(0.5)

        # A database at another schema (restored from an older backup, say): not ready.
        database = own_postgres.database_of(url)
        with own_postgres.connect(database, autocommit=True) as conn:
            (head,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            conn.execute("UPDATE alembic_version SET version_num = '0001'")
        behind = _ready(server)
        assert behind.status_code == 503, behind.text
        assert "schema is at 0001" in behind.json()["reason"] and "migrate" in behind.json()["reason"]
        with own_postgres.connect(database, autocommit=True) as conn:
            conn.execute("UPDATE alembic_version SET version_num = %s", (head,))
        assert _ready(server).status_code == 200
        assert server.running and "Traceback" not in server.stderr(), server.stderr()[-3000:]
    finally:
        server.stop()
