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

