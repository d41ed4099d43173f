"""Screenshots the UI tests take, for a person to look at.

Every test that photographs a screen does it through `save_screen`, at the size the person
uses it (a 1366×768 counter PC, a 1920×1080 citizen screen, a 1080×1920 kiosk, a TV). The
picture lands where the test asked (usually its tmp_path) and, when SCREENSHOT_DIR is set,
also in that folder under the same name, so one run gathers every screen in one place:

    SCREENSHOT_DIR=/tmp/shots python -m pytest tests/ui tests/e2e
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget


def save_screen(widget: QWidget, path: Path | str) -> Path:
    """`widget` as drawn now, saved as PNG at `path` (and in SCREENSHOT_DIR when set)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    assert widget.grab().save(str(path)), f"could not save {path}"
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder and Path(folder).resolve() != path.parent.resolve():
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(folder) / path.name)
    return path
