"""Where the workstation keeps its config, data and logs.

Never the install folder: the per-user folders of each platform (platformdirs), or one
folder named by COUNTER_HOME (tests, portable installs)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "counter-workstation"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def store_file(self) -> Path:
        return self.data_dir / "workstation.sqlite3"

    def ensure(self) -> Paths:
        for folder in (self.config_dir, self.data_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def default_paths() -> Paths:
    base = os.environ.get("COUNTER_HOME")
    if base:
        root = Path(base)
        return Paths(root / "config", root / "data", root / "logs")
    return Paths(
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def resources_dir() -> Path:
    """resources/ beside the code, also inside a PyInstaller bundle."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "resources" if bundle else Path(__file__).resolve().parents[1] / "resources"
