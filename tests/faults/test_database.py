"""#14: the hall's database fails under the server. PostgreSQL stopped mid-load: the
server answers 503 with a plain message (never a 500 or a hang) while it is down, and
works again by itself once it is back, with no restart; everything committed before is
there, and the windows' outboxes resend what was refused meanwhile."""

from __future__ import annotations

import time

import pytest
import requests

from tests.faults.test_workstation_crash import Writer, all_records
from tests.support.hall_server import HallServer
from tests.support.postgres import PostgresCluster
from workstation.simulation.counter import digest


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


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MB tmpfs volume, mounted for the test (CI runs as root, as a hall server does)."""
    import subprocess

    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs for the full-disk test (run as root): {mounted.stderr}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder, name: str = "filler") -> None:
    """Fill the volume to its last byte."""
    import os

    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


def _batch(n: int, size: int) -> dict:
    import uuid
    from datetime import UTC, datetime

    import uuid6

    return {"records": [{"uuid": str(uuid6.uuid7()), "kind": "note", "created_at": datetime.now(UTC).isoformat(),
                         "payload": {"text": "记" * size, "n": i, "id": str(uuid.uuid4())}} for i in range(n)]}


@pytest.mark.timeout(300)
def test_a_full_disk_on_a_sqlite_server_is_a_plain_503_and_loses_nothing(small_disk, demo_hall_seed, tmp_path):
    url = f"sqlite:///{small_disk / 'hall.sqlite3'}"
    demo_hall_seed.fill_sqlite(url)
    server = HallServer(url, demo=True, home=tmp_path / "hall-home").start()
    try:
        device = {"Authorization": f"Bearer {server.enrol('workstation', 1)}"}
        first = _batch(20, 200)
        assert requests.post(server.api("/records"), json=first, headers=device, timeout=30).status_code == 200
        _fill(small_disk)
        refused = []
        for _ in range(5):  # the disk is full: each big batch is refused plainly, never half-stored
            batch = _batch(50, 4000)
            answer = requests.post(server.api("/records"), json=batch, headers=device, timeout=30)
            assert answer.status_code in (200, 503), (answer.status_code, answer.text)
            if answer.status_code == 503:
                assert "disk is full" in answer.json()["detail"] and answer.headers.get("Retry-After")
                refused.append(batch)
        assert refused, "a full disk refused nothing"
        assert requests.get(server.api("/health"), timeout=30).status_code in (200, 503)  # reads may still work
        (small_disk / "filler").unlink()
        again = requests.post(server.api("/records"), json=refused[0], headers=device, timeout=30)
        assert again.status_code == 200 and {r["status"] for r in again.json()["results"]} == {201}
        held = {r["uuid"] for r in all_records(server, server.login("supervisor"))}
        assert {r["uuid"] for r in first["records"]} <= held  # nothing committed before was lost
        assert not ({r["uuid"] for b in refused[1:] for r in b["records"]} & held)  # nothing half-stored
        assert server.running and "Traceback" not in server.stderr(), server.stderr()[-3000:]
        print(f"\nSQLite on a full 24 MB volume: {len(refused)} of 5 batches refused with 503 'disk is full'; "
              "after space was freed the resend was stored; nothing lost or half-stored")
    finally:
        server.stop()


def test_each_database_trouble_is_named_plainly():
    """The reasons the API gives (unit: server.db.database_trouble over the drivers' words)."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from server.db import database_trouble

    def trouble(message: str) -> str:
        return database_trouble(OperationalError("INSERT …", {}, sqlite3.OperationalError(message)))

    assert "busy" in trouble("database is locked")
    assert "disk is full" in trouble("database or disk is full")
    assert "disk is full" in trouble('could not extend file "base/16384/2619": No space left on device')
    assert "read-only" in trouble("attempt to write a readonly database")
    assert "cannot be reached" in trouble("connection to server on socket failed: No such file or directory")
