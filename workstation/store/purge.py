"""The purge of applicants' data at rest: a thread of its own (never the GUI's) that runs
LocalStore.purge at start and then every `interval` seconds; with keep_days 0 also soon
after the hall confirms records. It logs counts by kind, never a payload."""

from __future__ import annotations

import logging
import threading

from workstation.store.errors import StoreError
from workstation.store.local import LocalStore, Purged

log = logging.getLogger(__name__)

INTERVAL = 3600.0  # an hour: a day's limit is kept to the hour


class Purger:
    def __init__(self, store: LocalStore, keep_days: float, interval: float = INTERVAL) -> None:
        self.store = store
        self.keep_days = keep_days
        self.interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.last: Purged | None = None
        self.runs = 0
        if keep_days == 0:
            store.on_change(self._wake.set)  # "as soon as uploaded": after each acknowledgement

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="store-purge", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_once(self) -> Purged | None:
        try:
            purged = self.store.purge(self.keep_days)
        except StoreError as exc:
            log.warning("purge of the local store failed, tried again later: %s", exc)
            return None
        self.last, self.runs = purged, self.runs + 1
        if purged.total or purged.documents:
            kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(purged.records.items()))
            log.info("purged %d records (%s) and %d documents the hall confirmed more than %g days ago",
                     purged.total, kinds, purged.documents, self.keep_days)
        return purged

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            self.run_once()
            self._wake.wait(self.interval)
