"""The workstation store's schema (SQLite, by Alembic): up, down and up again, and the head
revision matches the models exactly, so an upgraded PC has the schema a new one gets."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, pool

from workstation.store import migrate
from workstation.store.models import Base


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def _differences(url: str) -> list:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'workstation.sqlite3'}"
    model_tables = set(Base.metadata.tables)
    head = ScriptDirectory.from_config(migrate.config(url)).get_current_head()
    assert _tables(url) == set()

    migrate.upgrade(url)
    assert _tables(url) == model_tables | {"alembic_version"}
    assert _revision(url) == head

    migrate.downgrade(url, "base")
    assert _tables(url) <= {"alembic_version"}
    assert _revision(url) is None

    migrate.upgrade(url)
    assert _tables(url) == model_tables | {"alembic_version"}
    # Upgrading a store already at head changes nothing.
    migrate.upgrade(url)
    assert _revision(url) == head


def test_head_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'workstation.sqlite3'}"
    migrate.upgrade(url)
    assert _differences(url) == []



def _legacy_store(path) -> list[dict]:
    """A store as a workstation of before 0003 left it: plain JSON payloads, a plain PDF,
    some records uploaded, some still in the outbox."""
    import json
    import sqlite3
    import uuid

    migrate.upgrade(f"sqlite:///{path}", "0002")
    rows = [{"uuid": uuid.uuid4(), "kind": "case", "created_at": "2026-11-30 02:03:04.123456",
             "payload": {"case_number": "3201052026113000001", "applicant": {
                 "name": "欧阳娜娜", "id_number": "11010519491231002X", "phone": "13912345678"}}},
            {"uuid": uuid.uuid4(), "kind": "document", "created_at": "2026-11-30 02:03:05.000000",
             "payload": {"case_number": "3201052026113000001", "sha256": "ab" * 32}},
            {"uuid": uuid.uuid4(), "kind": "rating", "created_at": "2026-11-30 02:03:06.000000",
             "payload": {"case_number": "3201052026113000001", "rater_id": "11010519491231002X"}}]
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        for n, row in enumerate(rows):
            conn.execute("INSERT INTO records (uuid, kind, created_at, payload, uploaded_at) VALUES (?, ?, ?, ?, ?)",
                         (row["uuid"].hex, row["kind"], row["created_at"], json.dumps(row["payload"]),
                          "2026-11-30 03:00:00.000000" if n == 0 else None))
            if n:
                conn.execute("INSERT INTO outbox (record_uuid, attempts, state) VALUES (?, 0, 'pending')",
                             (row["uuid"].hex,))
        conn.execute("INSERT INTO document_blobs (sha256, content, created_at) VALUES (?, ?, ?)",
                     ("ab" * 32, b"%PDF-1.7 11010519491231002X 13912345678", "2026-11-30 02:03:05.000000"))
    return rows


def test_an_older_store_is_encrypted_by_the_upgrade_and_keeps_everything(tmp_path, memory_keyring):
    from datetime import UTC, datetime

    from server.records import content_hash
    from tests.workstation.test_store_at_rest import traces
    from workstation.store.local import LocalStore

    path = tmp_path / "workstation.sqlite3"
    rows = _legacy_store(path)
    assert traces(path) == ["id number", "phone", "name"]  # the old file shows them (the test can fail)

    store = LocalStore(path)
    try:
        assert store.encrypted and _revision(f"sqlite:///{path}") == "0003"
        for row in rows:
            saved = store.record(row["uuid"])
            assert (saved.kind, saved.payload) == (row["kind"], row["payload"])
        assert [r.uuid for r in store.next_batch(10)] == [rows[1]["uuid"], rows[2]["uuid"]]
        assert store.document("ab" * 32) == b"%PDF-1.7 11010519491231002X 13912345678"
        assert len(store.records_of("case", case_number="3201052026113000001")) == 1
        created = datetime(2026, 11, 30, 2, 3, 4, 123456, tzinfo=UTC)
        import sqlite3

        with sqlite3.connect(path) as conn:
            (hashed,) = conn.execute("SELECT content_sha256 FROM records WHERE kind = 'case'").fetchone()
        assert hashed == content_hash("case", created, rows[0]["payload"])
    finally:
        store.close()
    # No plain copy left behind in the file, its free pages or its WAL.
    assert traces(path) == []

    # Down again (with the key), the payloads are plain JSON once more.
    migrate.downgrade(f"sqlite:///{path}", "0002", sealer=store.sealer)
    assert traces(path) == ["id number", "phone", "name"]
    migrate.upgrade(f"sqlite:///{path}", sealer=store.sealer)
    assert _differences(f"sqlite:///{path}") == []
