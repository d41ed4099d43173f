"""#15 operations: the backup and restore that docs/operations.md tells IT to run, on a
real hall. A PostgreSQL hall server takes records through the API; `pg_dump -Fc` backs
its database up; `pg_restore` puts it into a new, empty database; a second hall server
on that database serves every record, and the devices and accounts of the first still
work there (the hall continues from where it was)."""

from __future__ import annotations

import shutil

import pytest
import requests

from tests.server.test_api import note, upload
from tests.support.hall_server import HallServer
from tests.support.postgres import SUPERUSER, PostgresCluster

TIMEOUT = 30


def all_records(server: HallServer, session: requests.Session) -> dict[str, dict]:
    records, after = {}, None
    while True:
        params = {"limit": 5000, **({"after": after} if after else {})}
        page = session.get(server.api("/records"), params=params, timeout=TIMEOUT)
        assert page.status_code == 200, page.text
        records.update({r["uuid"]: r for r in page.json()["records"]})
        after = page.json()["next_after"]
        if not after:
            return records


def _pg(cluster: PostgresCluster, *args: str) -> None:
    """A PostgreSQL client program of the cluster's own binaries (tests/support/postgres
    finds them; run as the postgres user when the tests run as root)."""
    result = cluster._run(*args, "-h", str(cluster.socketdir), "-p", str(cluster.port), "-U", SUPERUSER)
    assert result.returncode == 0, result.stdout


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_pg_dump_and_pg_restore_into_a_new_database_keep_the_hall(pg, tmp_path):
    source_url = pg.create_database("hall_backed_up")
    first = HallServer(source_url, demo=True, home=tmp_path / "first").start()
    try:
        device = first.device_token()
        clerk = first.login("clerk1", device_token=device)
        sent = [note(i) for i in range(1, 121)]
        for start in range(0, len(sent), 40):
            assert {r["status"] for r in upload(clerk, first, sent[start:start + 40])} == {201}
        before = all_records(first, first.login("supervisor", device_token=device))
        assert {r["uuid"] for r in sent} <= set(before)

        # The backup, as docs/operations.md has it (the server may keep running: pg_dump
        # reads one consistent snapshot).
        dump = pg.root / "hall.dump"  # a folder the postgres user may write
        _pg(pg, "pg_dump", "-Fc", "-f", str(dump), "-d", pg.database_of(source_url))
    finally:
        first.stop()

    # The restore: a new, empty database, then pg_restore into it.
    restored_url = pg.create_database("hall_restored")
    _pg(pg, "pg_restore", "--no-owner", "--exit-on-error", "-d", pg.database_of(restored_url), str(dump))
    # The ID-number key lives beside the database, not in it: it is restored with it.
    key = tmp_path / "first" / "data" / "hall" / "id-hash.key"
    if key.exists():
        (tmp_path / "second" / "data" / "hall").mkdir(parents=True)
        shutil.copy2(key, tmp_path / "second" / "data" / "hall" / "id-hash.key")

    second = HallServer(restored_url, demo=False, home=tmp_path / "second").start()
    try:
        ready = requests.get(second.api("/ready"), timeout=TIMEOUT)
        assert ready.status_code == 200, ready.text
        # The first hall's workstation and accounts: enrolled and logged in as before.
        supervisor = second.login("supervisor", device_token=device)
        after = all_records(second, supervisor)
        assert after.keys() == before.keys()
        assert all(after[u]["payload"] == before[u]["payload"] for u in before)
        clerk = second.login("clerk1", device_token=device)
        assert [r["status"] for r in upload(clerk, second, [note(500)])] == [201]
        assert len(all_records(second, supervisor)) == len(before) + 1
        assert "Traceback" not in second.stderr(), second.stderr()[-3000:]
        print(f"\npg_dump -Fc → pg_restore into a new database: {len(before)} records, "
              f"the device and the logins of the first server work on the second")
    finally:
        second.stop()
        pg.drop_database(pg.database_of(source_url))
        pg.drop_database(pg.database_of(restored_url))
