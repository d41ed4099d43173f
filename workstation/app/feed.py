"""Following the hall's event stream on a thread of its own: the loop the hall display's
HallFeed and the supervisor's SupervisorFeed share.

The feed opens a stream, hands each event it has a parser for to `on_update` (on the
feed's thread), and on a break reconnects with exponential backoff (with jitter, up to
`max_backoff`), asking for what it missed with Last-Event-ID. What a feed reports when
the stream opens and breaks, and from which event it resumes, is its own."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from workstation.sync.errors import HallRefused, HallUnreachable

log = logging.getLogger(__name__)


class _Stream(Protocol):
    def events(self, last_id: int | None, *, read_timeout: float, on_open: Callable[[], None]) -> Any: ...

    def abort_events(self) -> None: ...

    def close(self) -> None: ...


class EventFeed:
    """A stream follower; subclasses give `parsers`, `label` and the hooks below."""

    label = "events"  # the thread's name and the log's word for this feed
    parsers: Mapping[str, Callable[[dict], Any]] = {}

    def __init__(self, *, first_backoff: float, max_backoff: float, read_timeout: float) -> None:
        self.first_backoff, self.max_backoff, self.read_timeout = first_backoff, max_backoff, read_timeout
        self._stop = threading.Event()
        self._stream: _Stream | None = None
        self._thread: threading.Thread | None = None

    # -- hooks ---------------------------------------------------------------------------

    def _new_stream(self) -> _Stream:
        """A new client to open the stream with (one per connection)."""
        raise NotImplementedError

    def _resume_from(self, last_id: int | None) -> int | None:
        """The Last-Event-ID to ask for on (re)connecting."""
        return last_id

    def _opened(self, on_update: Callable[[Any], None]) -> None:
        """The stream is open; may raise (the stream is then given up and retried)."""

    def _broken(self, reason: str, retry_in: float) -> Any:
        """What to report when the stream broke and is retried in `retry_in` seconds."""
        raise NotImplementedError

    def _stopped(self) -> None:
        """After the thread is joined: release what the feed holds."""

    # -- following -----------------------------------------------------------------------

    def run(self, on_update: Callable[[Any], None]) -> None:
        """Follow the stream until `stop`, calling `on_update` on this thread."""
        last_id: int | None = None
        delay = self.first_backoff
        while not self._stop.is_set():
            stream = self._new_stream()
            self._stream = stream
            if self._stop.is_set():
                stream.close()
                break

            def opened() -> None:
                nonlocal delay
                self._opened(on_update)
                delay = self.first_backoff

            reason = "the event stream ended"
            try:
                for event in stream.events(self._resume_from(last_id), read_timeout=self.read_timeout,
                                           on_open=opened):
                    last_id = event.id
                    parse = self.parsers.get(event.type)
                    if parse is None:
                        continue
                    try:
                        update = parse(event.data)
                    except (ValueError, KeyError, TypeError):
                        log.warning("ignoring a malformed %s event %s", event.type, event.id)
                        continue
                    on_update(update)
            except (HallUnreachable, HallRefused) as exc:
                reason = str(exc)
            finally:
                stream.close()
                self._stream = None
            if self._stop.is_set():
                break
            wait = delay * random.uniform(0.8, 1.2)
            log.info("%s: %s; reconnecting in %.1f s", self.label, reason, wait)
            on_update(self._broken(reason, wait))
            self._stop.wait(wait)
            delay = min(self.max_backoff, delay * 2)

    def start(self, on_update: Callable[[Any], None]) -> None:
        """Follow the stream on a thread of its own, named after `label`."""
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            try:
                self.run(on_update)
            except Exception:  # a listener's bug must not end the updates silently
                log.exception("the %s feed stopped", self.label)

        self._thread = threading.Thread(target=loop, name=self.label, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """End the stream and join the thread (not on the GUI thread: it may wait)."""
        self._stop.set()
        stream = self._stream
        if stream is not None:
            stream.abort_events()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        self._stopped()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

