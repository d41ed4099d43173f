"""The one way the UI runs work off the GUI thread.

`run_in_background(fn, on_done, on_failed)` runs `fn` on Qt's thread pool and calls back on
the GUI thread. Widgets never start threads of their own."""

from __future__ import annotations

import gc
import itertools
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Job:
    fn: Callable[[], Any]
    on_done: Callable[[Any], None] | None
    on_failed: Callable[[BaseException], None] | None
    outcome: tuple[bool, Any] | None = None


# Every job from its start until the GUI thread has delivered its outcome. The GUI thread
# adds and removes them; a worker only reads its own. So the function, the callbacks and
# what they hold (often widgets) are let go on the GUI thread, never on a worker: a Qt
# object whose last reference drops on a worker thread is destroyed there, and crashes.
_jobs: dict[int, _Job] = {}
_keys = itertools.count(1)


class _Dispatcher(QObject):
    """Lives on the GUI thread; the workers' signals reach it queued."""

    finished = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver)

    @Slot(int)
    def _deliver(self, key: int) -> None:
        job = _jobs.pop(key)
        assert job.outcome is not None
        ok, value = job.outcome
        if ok:
            if job.on_done is not None:
                job.on_done(value)
        elif job.on_failed is not None:
            job.on_failed(value)
        else:
            log.error("background task failed: %s", value)


_dispatcher: _Dispatcher | None = None


class _Task(QRunnable):
    def __init__(self, key: int) -> None:
        super().__init__()
        self._key = key

    def run(self) -> None:
        job = _jobs[self._key]
        try:
            job.outcome = (True, job.fn())
        except Exception as exc:  # reported to the GUI thread, never lost
            log.debug("task failed:\n%s", traceback.format_exc())
            job.outcome = (False, exc)
        del job  # hold nothing once the GUI thread may have it
        assert _dispatcher is not None
        _dispatcher.finished.emit(self._key)


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
                      on_failed: Callable[[BaseException], None] | None = None) -> None:
    """Called on the GUI thread; `on_done(result)` or `on_failed(exception)` run there too."""
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    key = next(_keys)
    _jobs[key] = _Job(fn, on_done, on_failed)
    QThreadPool.globalInstance().start(_Task(key))


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


class _GuiThreadCollector(QObject):
    """Python's cycle collector runs in whichever thread allocates past its threshold. A
    cycle holding a widget, collected on a worker thread, destroys the widget there and
    crashes the program. So automatic collection is off, and this collects on the GUI
    thread, generation by generation as the thresholds would."""

    def __init__(self, parent: QObject, interval_ms: int) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    @Slot()
    def check(self) -> None:
        counts = gc.get_count()
        if counts[0] <= self.threshold[0]:
            return
        generation = 2 if counts[2] > self.threshold[2] else 1 if counts[1] > self.threshold[1] else 0
        gc.collect(generation)


def collect_garbage_on_gui_thread(app: QObject, interval_ms: int = 500) -> None:
    """Once per application, before any worker starts."""
    if app.findChild(_GuiThreadCollector) is None:
        _GuiThreadCollector(app, interval_ms)
