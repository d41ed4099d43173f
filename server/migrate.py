"""The hall server's schema migrations (Alembic), run from code."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

SCRIPTS = Path(__file__).resolve().parent / "migrations"


def config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["url"] = url
    return cfg


class MigrationRefused(RuntimeError):
    """The schema is behind and this database role may not change it; says who must."""


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema to `revision`. The hall server may run as a role that can read and
    write rows but not change the schema (docs/operations.md, "PostgreSQL roles"): then a
    schema that is behind is MigrationRefused with a message naming the command and who
    must run it, instead of a traceback."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ProgrammingError

    try:
        command.upgrade(config(url), revision)
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        role = make_url(url).username or "this role"
        raise MigrationRefused(
            f"the hall's database schema is behind this server ({', '.join(sorted(heads()))}) and the "
            f"database role {role} may not change it. Run `python main.py server --db <URL of the "
            f"schema's owner role> migrate` as the owner, then start the server again.") from None


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(config(url), revision)


def heads() -> frozenset[str]:
    """The revisions a database must be at for this server: the scripts' heads."""
    return frozenset(ScriptDirectory.from_config(config("")).get_heads())
