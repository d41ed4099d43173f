"""Where the hall server keeps its files: $COUNTER_HOME/data/hall, else the user data
folder of the product (the same name as the workstation's, workstation.paths)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from workstation.paths import APP_NAME


def data_folder() -> Path:
    """The hall server's data folder: $COUNTER_HOME/data/hall, else the user data folder."""
    base = os.environ.get("COUNTER_HOME")
    if base:
        return Path(base) / "data" / "hall"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "hall"
