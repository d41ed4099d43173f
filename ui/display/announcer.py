"""Says the calls aloud, one after another, never two at once.

The display queues every call here; the Announcer joins its clips into one WAV off the
GUI thread (workstation.app.voice) and plays it with QMediaPlayer. Where there is no audio
output (a display PC without speakers, offscreen tests) it steps through the queue all the
same, taking each announcement's own duration, so the order and the timing are those a
hall would hear. Each announcement is reported as started, then played (or failed, with a
message naming the broken clip; the display shows the call regardless)."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot

from ui.tasks import run_in_background
from workstation.app.voice import Voice
from workstation.domain.announce import Announcement, NotAnnounceable, announcement

log = logging.getLogger(__name__)

GRACE = 3.0  # seconds a playing sound may overrun its length before it is given up


def audio_available() -> bool:
    """Whether Qt Multimedia is installed and sees an audio output."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        log.warning("PySide6 Qt Multimedia (PySide6-Addons) is not installed: calls are not spoken")
        return False
    return bool(QMediaDevices.audioOutputs())


@dataclass(frozen=True)
class _Rendered:
    path: Path | None
    duration: float


class Announcer(QObject):
    started = Signal(object)  # Announcement
    played = Signal(object)  # Announcement
    failed = Signal(object, str)  # Announcement, what is wrong (a missing clip names it)

    def __init__(self, voice: Voice | None = None, parent: QObject | None = None, *,
                 audio: bool | None = None, pace: float = 1.0) -> None:
        """`audio`: None finds out; False never plays sound. `pace` scales the silent
        stand-in's timing (tests run it faster); real sound always takes its own time."""
        super().__init__(parent)
        self.voice = voice or Voice()
        self.audio = audio_available() if audio is None else audio
        self.pace = pace
        self._queue: deque[Announcement] = deque()
        self._current: Announcement | None = None
        self._folder: Path | None = None
        self._player = None
        self._rendered: _Rendered | None = None
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._finished)
        self._silent = QTimer(self)
        self._silent.setSingleShot(True)
        self._silent.timeout.connect(self._finished)
        self._closed = False
        self.timeline: list[tuple[str, float, Announcement]] = []  # ("started"|"played", monotonic, …)

    # -- the queue ------------------------------------------------------------------------

    def announce(self, number: str, window: int) -> Announcement | None:
        """Queue the call of ticket `number` to `window`; None when it cannot be said."""
        try:
            item = announcement(number, window)
        except NotAnnounceable as exc:
            log.warning("not announced: %s", exc)
            return None
        self._queue.append(item)
        if self._current is None:
            self._next()
        return item

    @property
    def pending(self) -> int:
        """Announcements waiting, the one being said included."""
        return len(self._queue) + (self._current is not None)

    def close(self) -> None:
        self._closed = True
        self._queue.clear()
        self._silent.stop()
        self._watchdog.stop()
        if self._player is not None:
            self._player.stop()
        folder = self._folder
        if folder is not None:
            run_in_background(lambda: shutil.rmtree(folder, ignore_errors=True))

    def _next(self) -> None:
        if self._closed or self._current is not None or not self._queue:
            return
        item = self._current = self._queue.popleft()
        run_in_background(lambda: self._render(item), self._alive(lambda result: self._play(item, result)),
                          self._alive(lambda exc: self._broken(item, exc)))

    def _alive(self, fn):
        """`fn`, skipped once this object is deleted (an answer may come back after that)."""

        def call(*args) -> None:
            if shiboken6.isValid(self):
                fn(*args)

        return call

    def _render(self, item: Announcement) -> _Rendered:
        """Off the GUI thread: the WAV file (with sound) or only its length (without)."""
        if not self.audio:
            return _Rendered(None, self.voice.duration(item))
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="announcements-"))
        path = self._folder / f"{time.monotonic_ns()}-{item.number}-{item.window}.wav"
        return _Rendered(path, self.voice.write(item, path))

    # -- saying one -----------------------------------------------------------------------

    def _play(self, item: Announcement, rendered: _Rendered) -> None:
        if self._closed:
            return
        self._mark("started", item)
        self.started.emit(item)
        self._rendered = rendered
        if rendered.path is None:
            self._silent.start(max(1, round(rendered.duration * 1000 * self.pace)))
            return
        # QMediaPlayer rather than QSoundEffect: its FFmpeg backend converts the clips' rate
        # and layout to whatever the device takes (QSoundEffect refuses formats a WASAPI or
        # ALSA device does not take as they are).
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        player = self._player
        if player is None:
            player = self._player = QMediaPlayer(self)
            player.setAudioOutput(QAudioOutput(player))
            player.mediaStatusChanged.connect(self._status_changed)
            player.errorOccurred.connect(self._error)
        self._watchdog.start(round((rendered.duration + GRACE) * 1000))
        player.setSource(QUrl.fromLocalFile(str(rendered.path)))
        player.play()

    @Slot()
    def _status_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        player = self._player
        if player is None or self._current is None or self._silent.isActive():
            return
        status = player.mediaStatus()
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._finished()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._error()

    @Slot()
    def _error(self) -> None:
        if self._current is None or self._silent.isActive():
            return
        # The device went away or refused the sound: keep the hall's order and timing.
        log.warning("sound output failed (%s); announcing %s silently",
                    self._player.errorString() if self._player else "", self._current.number)
        self._watchdog.stop()
        if self._player is not None:
            self._player.stop()
        duration = self._rendered.duration if self._rendered else 0.0
        self._silent.start(max(1, round(duration * 1000)))

    @Slot()
    def _finished(self) -> None:
        item = self._current
        if item is None:
            return
        self._watchdog.stop()
        self._silent.stop()
        if self._player is not None:
            self._player.stop()
        self._current = None
        rendered, self._rendered = self._rendered, None
        if rendered is not None and rendered.path is not None:
            path = rendered.path
            run_in_background(lambda: path.unlink(missing_ok=True))
        self._mark("played", item)
        self.played.emit(item)
        self._next()

    def _broken(self, item: Announcement, exc: BaseException) -> None:
        log.error("cannot announce %s at window %s: %s", item.number, item.window, exc)
        self._current = None
        self.failed.emit(item, str(exc))
        self._next()

    def _mark(self, what: str, item: Announcement) -> None:
        self.timeline.append((what, time.monotonic(), item))
        del self.timeline[:-200]
