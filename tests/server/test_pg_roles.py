"""#15 operations: the PostgreSQL roles docs/operations.md tells IT to make. The schema's
owner (`hall_owner`) migrates; the hall server runs as `hall_app`, which may read and write
rows but not change the schema; reports read as `hall_report`, which may only read, on a
streaming replica that follows the hall as it works. A server started as `hall_app` on a
schema that is behind stops with a plain message saying who must migrate, instead of a
traceback."""

from __future__ import annotations

import subprocess
import time

import psycopg
import pytest
from psycopg import sql

from tests.server.test_api import note, upload
from tests.support.hall_server import REPO, HallServer
from tests.support.postgres import PostgresCluster

# What docs/operations.md ("PostgreSQL roles") has IT run as the superuser, word for word.
ROLES = """
CREATE ROLE hall_owner LOGIN;
CREATE ROLE hall_app LOGIN;
CREATE ROLE hall_report LOGIN;
"""
GRANTS = """
GRANT CONNECT ON DATABASE {db} TO hall_app, hall_report;
GRANT USAGE ON SCHEMA public TO hall_app, hall_report;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO hall_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO hall_app;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO hall_report;
ALTER DEFAULT PRIVILEGES FOR ROLE hall_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO hall_app;
ALTER DEFAULT PRIVILEGES FOR ROLE hall_owner IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO hall_app;
ALTER DEFAULT PRIVILEGES FOR ROLE hall_owner IN SCHEMA public
    GRANT SELECT ON TABLES TO hall_report;
"""


def as_role(url: str, role: str) -> str:
    return url.replace("postgresql+psycopg://postgres@", f"postgresql+psycopg://{role}@", 1)


def _database(pg: PostgresCluster, name: str) -> str:
    with pg.connect(autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'hall_owner'").fetchone() is None:
            conn.execute(ROLES)
    url = pg.create_database(name)
    with pg.connect(autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO hall_owner").format(sql.Identifier(pg.database_of(url))))
    with pg.connect(pg.database_of(url), autocommit=True) as conn:
        conn.execute("ALTER SCHEMA public OWNER TO hall_owner")
    return url


def _grant(pg: PostgresCluster, url: str) -> None:
    db = pg.database_of(url)
    with pg.connect(db, autocommit=True) as conn:
        conn.execute("SET ROLE hall_owner")  # default privileges are the owner's
        conn.execute(sql.SQL(GRANTS).format(db=sql.Identifier(db)))


def _migrate(url: str, home) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HallServer(url, home=home).command("migrate")], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env=HallServer(url, home=home).env())


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_the_server_runs_as_a_role_that_cannot_change_the_schema(pg, tmp_path):
    url = _database(pg, "hall_roles")
    migrated = _migrate(as_role(url, "hall_owner"), tmp_path / "owner")
    assert migrated.returncode == 0, migrated.stderr
    _grant(pg, url)

    server = HallServer(as_role(url, "hall_app"), demo=True, home=tmp_path / "app").start()
    try:
        clerk = server.login("clerk1", device_token=server.device_token())
        sent = [note(i) for i in range(1, 21)]
        assert {r["status"] for r in upload(clerk, server, sent)} == {201}
    finally:
        server.stop()

    db = pg.database_of(url)
    with pg.connect(db, autocommit=True) as conn:
        conn.execute("SET ROLE hall_app")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DROP TABLE records")
    with pg.connect(db, autocommit=True) as conn:
        conn.execute("SET ROLE hall_report")
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] >= 20
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM records")


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_a_schema_behind_tells_who_must_migrate(pg, tmp_path):
    url = _database(pg, "hall_unmigrated")
    _grant(pg, url)
    server = HallServer(as_role(url, "hall_app"), demo=True, home=tmp_path / "app", startup_timeout=60)
    with pytest.raises(Exception) as refused:
        server.start()
    words = str(refused.value)
    assert "migrate" in words and "hall_app" in words and "owner" in words
    assert "Traceback" not in words


def _replica_count(replica: PostgresCluster, db: str) -> int:
    with psycopg.connect(host=str(replica.socketdir), port=replica.port, user="hall_report", dbname=db) as conn:
        return conn.execute("SELECT count(*) FROM records").fetchone()[0]


def _until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_reports_read_a_replica_that_follows_the_hall(pg, tmp_path):
    url = _database(pg, "hall_replicated")
    assert _migrate(as_role(url, "hall_owner"), tmp_path / "owner").returncode == 0
    _grant(pg, url)
    db = pg.database_of(url)
    server = HallServer(as_role(url, "hall_app"), demo=True, home=tmp_path / "app").start()
    replica = None
    try:
        clerk = server.login("clerk1", device_token=server.device_token())
        assert {r["status"] for r in upload(clerk, server, [note(i) for i in range(1, 21)])} == {201}
        replica = pg.standby()  # pg_basebackup -R, as docs/operations.md has it
        _until(lambda: _replica_count(replica, db) == 20)
        # The hall goes on working; the replica follows without anyone copying anything.
        assert {r["status"] for r in upload(clerk, server, [note(i) for i in range(21, 31)])} == {201}
        _until(lambda: _replica_count(replica, db) == 30)
        with psycopg.connect(host=str(replica.socketdir), port=replica.port, user="hall_report",
                             dbname=db, autocommit=True) as conn:
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                conn.execute("DELETE FROM records")
    finally:
        server.stop()
        if replica is not None:
            replica.stop()
