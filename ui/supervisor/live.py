"""What the monitoring screens share: the supervisor's live feed brought onto the GUI
thread, re-reads that never pile up, and the words for durations and states.

The screens re-read the hall server when an event says something changed; while the
stream is down they fall back to a slow poll and say so (LiveFeed.live is False)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from ui.hall_time import hall_time
from ui.tasks import run_in_background
from ui.words import fill
from workstation.app.monitoring import FeedConnected, FeedDisconnected, SupervisorFeed

log = logging.getLogger(__name__)

translate = QCoreApplication.translate  # the name lupdate looks for

FALLBACK_POLL_MS = 30000  # while the stream is down: a slow re-read, never while it is up


class LiveFeed(QObject):
    """Carries a SupervisorFeed's updates from its thread to the GUI thread (the signal is
    queued), and knows whether the stream is up."""

    update = Signal(object)  # a workstation.app.monitoring.FeedUpdate
    live_changed = Signal(bool)
    _arrived = Signal(object)

    def __init__(self, feed: SupervisorFeed | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.feed = feed
        self.live = False
        self._arrived.connect(self._on_arrived)

    def start(self) -> None:
        if self.feed is not None:
            self.feed.start(self._arrived.emit)  # the feed's thread; queued to the GUI thread

    def stop(self) -> None:
        feed, self.feed = self.feed, None
        if feed is not None:
            run_in_background(feed.stop)  # joins its thread: not on the GUI thread

    @Slot(object)
    def _on_arrived(self, update: Any) -> None:
        if isinstance(update, FeedConnected):
            self._set_live(True)
        elif isinstance(update, FeedDisconnected):
            self._set_live(False)
        self.update.emit(update)

    def _set_live(self, live: bool) -> None:
        if live != self.live:
            self.live = live
            self.live_changed.emit(live)


class Reader(QObject):
    """One screen's re-read of the hall: `request()` reads now, or once more after the read
    in flight (however many requests came meanwhile). While the feed is down it polls
    every `fallback_ms`; while it is up, never."""

    def __init__(self, owner: QObject, fetch: Callable[[], Any], on_done: Callable[[Any], None],
                 on_failed: Callable[[BaseException], None], live: LiveFeed | None,
                 fallback_ms: int = FALLBACK_POLL_MS) -> None:
        super().__init__(owner)
        self.fetch, self.on_done, self.on_failed = fetch, on_done, on_failed
        self.in_flight = False
        self.pending = False
        self.reads = 0  # finished reads, for tests and diagnostics
        self._fallback = QTimer(self)
        self._fallback.setInterval(fallback_ms)
        self._fallback.timeout.connect(self.request)
        self.live = live
        if live is not None:
            live.live_changed.connect(self._live_changed)
            self._live_changed(live.live)

    @Slot(bool)
    def _live_changed(self, live: bool) -> None:
        if live:
            self._fallback.stop()
        else:
            self._fallback.start()

    @Slot()
    def request(self) -> None:
        if self.in_flight:
            self.pending = True
            return
        self.in_flight, self.pending = True, False
        run_in_background(self.fetch, self._alive(self._done), self._alive(self._failed))

    def _alive(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            if shiboken6.isValid(self):
                fn(value)

        return call

    def _done(self, value: Any) -> None:
        self.in_flight = False
        self.reads += 1
        self.on_done(value)
        if self.pending:
            self.request()

    def _failed(self, exc: BaseException) -> None:
        self.in_flight = False
        self.on_failed(exc)
        if self.pending:
            self.request()


# -- words --------------------------------------------------------------------------------


def minutes(seconds: float | None) -> str:
    """A wait or a service time in whole minutes as the hall says them: 「12 分钟」; under a
    minute 「<1 分钟」; none 「—」."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return translate("Durations", "<1 min")
    return fill(translate("Durations", "%1 min"), int(round(seconds / 60)))


def clock(moment: datetime | None) -> str:
    """A moment as the hall's wall clock shows it (HH:MM, Asia/Shanghai whatever the PC's zone)."""
    return hall_time(moment, "%H:%M") if moment else "—"


def stream_words(live: bool) -> str:
    return (translate("LiveFeed", "Live") if live else
            translate("LiveFeed", "Live updates interrupted — reconnecting; refreshing every 30 s meanwhile"))
