"""The workstation store's schema migrations (Alembic), run from code."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

SCRIPTS = Path(__file__).resolve().parent / "migrations"


def config(url: str, sealer=None) -> Config:
    """`sealer`: the store's workstation.store.crypto.Sealer, which the migrations that
    seal or open stored values use (none: values are written plain, format 0)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["url"] = url
    cfg.attributes["sealer"] = sealer
    return cfg


def upgrade(url: str, revision: str = "head", sealer=None) -> None:
    command.upgrade(config(url, sealer), revision)


def downgrade(url: str, revision: str = "base", sealer=None) -> None:
    command.downgrade(config(url, sealer), revision)
