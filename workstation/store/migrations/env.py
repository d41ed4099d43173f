"""Alembic environment for the workstation store; run through workstation.store.migrate, never a .ini file."""

from alembic import context
from sqlalchemy import create_engine, pool

from workstation.store.models import Base

config = context.config
url = config.attributes["url"]
connection = config.attributes.get("connection")


def _run(conn) -> None:
    context.configure(connection=conn, target_metadata=Base.metadata,
                      render_as_batch=conn.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
