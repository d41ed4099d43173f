"""The hall schema's migrations, on SQLite and PostgreSQL: up, down and up again, and
the head revision matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool

from server import migrate, models


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _differences(url: str) -> list:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, models.Base.metadata)
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(db_url):
    model_tables = set(models.Base.metadata.tables)
    assert _tables(db_url) == set()

    migrate.upgrade(db_url)
    assert _tables(db_url) == model_tables | {"alembic_version"}

    migrate.downgrade(db_url, "base")
    assert _tables(db_url) <= {"alembic_version"}

    migrate.upgrade(db_url)
    assert _tables(db_url) == model_tables | {"alembic_version"}
    # Upgrading a database already at head is a no-op.
    migrate.upgrade(db_url)


def test_head_matches_the_models(db_url):
    migrate.upgrade(db_url)
    assert _differences(db_url) == []
