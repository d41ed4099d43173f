"""How the core tells front ends what happened, without knowing any of them.

A front end subscribes callbacks; they are called on the thread that emits, so a Qt
front end re-emits them as signals to reach its GUI thread (ui/bridge.py)."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Hub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[str, list[Callable[..., None]]] = defaultdict(list)

    def subscribe(self, name: str, callback: Callable[..., None]) -> None:
        with self._lock:
            self._listeners[name].append(callback)

    def emit(self, name: str, *args: Any) -> None:
        with self._lock:
            listeners = list(self._listeners.get(name, ()))
        for callback in listeners:
            try:
                callback(*args)
            except Exception:  # a broken listener must not stop the core
                log.exception("listener for %s failed", name)
