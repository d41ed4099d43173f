"""Small helpers for the words every screen shows."""

from __future__ import annotations

import re


def fill(template: str, *values: object) -> str:
    """Qt's %1, %2… placeholders filled in, in one pass (a value may itself hold %2)."""
    return re.sub(r"%(\d)", lambda m: str(values[int(m.group(1)) - 1]), template)
