"""Waiting for something a real process does: never a timing assertion, the deadline is
only there so a broken build fails instead of hanging."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest


def wait_for(predicate: Callable[[], Any], what: str, timeout: float = 30.0, step: float = 0.05) -> Any:
    """Poll until `predicate()` is truthy and return its value; fail naming `what` when the
    deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting ({timeout:.0f} s) until {what}; last value {value!r}")
        time.sleep(step)
