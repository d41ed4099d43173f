"""#14: the hall's database fails under the server. PostgreSQL stopped mid-load: the
server answers 503 with a plain message (never a 500 or a hang) while it is down, and
works again by itself once it is back, with no restart; everything committed before is
there, and the windows' outboxes resend what was refused meanwhile."""

from __future__ import annotations

import time

import pytest
import requests

from tests.faults.crash_writer import digest
from tests.faults.test_workstation_crash import Writer, all_records
from tests.support.hall_server import HallServer
from tests.support.postgres import PostgresCluster


@pytest.fixture
def own_postgres():
    cluster = PostgresCluster().start()  # its own: stopping it must not touch other tests' databases
    yield cluster
    cluster.stop()


@pytest.mark.timeout(300)
def test_postgresql_down_is_a_plain_503_and_the_server_recovers_by_itself(own_postgres, tmp_path):
    url = own_postgres.create_database("hall")
    server = HallServer(url, demo=True, home=tmp_path / "hall-home").start()
    try:
        store = tmp_path / "window" / "store.sqlite3"
        token = server.enrol("workstation", 1)
        writer = Writer(str(store), server.url, token, "--cases", "100000", "--pace", "0.2")
        assert writer.ready.wait(60), writer.process.stderr.read()
        time.sleep(3)
        supervisor = server.login("supervisor")
        before = {r["uuid"] for r in all_records(server, supervisor)}
        assert before

        own_postgres.halt()
        answers = [requests.get(server.api("/health"), timeout=30),
                   supervisor.get(server.api("/records"), params={"limit": 10}, timeout=30),
                   requests.post(server.api("/login"), json={"username": "clerk1", "password": "x"},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=30)]
        for answer in answers:
            assert answer.status_code == 503, (answer.request.url, answer.status_code, answer.text)
            assert "database" in answer.json()["detail"] and answer.headers.get("Retry-After")
        time.sleep(3)  # the window keeps working; its uploads are refused with 503 and wait
        own_postgres.resume()

        deadline = time.monotonic() + 60
        while requests.get(server.api("/health"), timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "the server did not recover by itself"
            time.sleep(0.5)
        assert server.running, "the server process lived through it"
        time.sleep(2)
        writer.kill()
        drain = Writer(str(store), server.url, token, "--drain")
        assert drain.finish(120) == 0, drain.lines
        on_server = {r["uuid"]: r for r in all_records(server, server.login("supervisor"))}
        saved = writer.saved()
        assert before <= set(on_server)  # what was committed before is all there
        assert all(u in on_server and digest(on_server[u]["payload"]) == sha for u, _, sha in saved)
        assert "Traceback" not in server.stderr(), server.stderr()[-3000:]
        print(f"\nPostgreSQL down ~4 s mid-load: 503 with a plain message; recovered without a restart; "
              f"{len(saved)} records saved by the window, all on the server once")
    finally:
        server.stop()
