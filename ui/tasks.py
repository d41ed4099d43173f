"""The one way the UI runs work off the GUI thread.

`run_in_background(fn, on_done, on_failed)` runs `fn` on Qt's thread pool and calls back on
the GUI thread. Widgets never start threads of their own."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; the worker's signals reach it queued."""

    finished = Signal(bool, object)

    def __init__(self, on_done: Callable[[Any], None] | None,
                 on_failed: Callable[[BaseException], None] | None) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_failed = on_failed
        self.finished.connect(self._deliver)

    @Slot(bool, object)
    def _deliver(self, ok: bool, value: object) -> None:
        _pending.discard(self)
        if ok and self._on_done is not None:
            self._on_done(value)
        elif not ok:
            if self._on_failed is not None:
                self._on_failed(value)  # type: ignore[arg-type]
            else:
                log.error("background task failed: %s", value)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # reported to the GUI thread, never lost
            log.debug("task failed:\n%s", traceback.format_exc())
            self._relay.finished.emit(False, exc)
        else:
            self._relay.finished.emit(True, result)


_pending: set[_Relay] = set()


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
                      on_failed: Callable[[BaseException], None] | None = None) -> None:
    relay = _Relay(on_done, on_failed)
    _pending.add(relay)
    QThreadPool.globalInstance().start(_Task(fn, relay))


def wait_for_background(timeout_ms: int = 30000) -> bool:
    """For shutdown and tests: wait until every background task has finished."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def while_alive(widget: QObject, fn: Callable[..., None]) -> Callable[..., None]:
    """`fn`, skipped once `widget` is deleted: a background answer may come back after its
    widget closed (a logout, a closed window)."""

    def call(*args: Any) -> None:
        if shiboken6.isValid(widget):
            fn(*args)

    return call
