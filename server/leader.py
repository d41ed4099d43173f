"""Which server process runs the hall's background jobs.

With several server processes over one PostgreSQL (`main.py server --workers N`), the
jobs that must run once per hall (the deadline scan, the default ratings, the turn
reminders, the waiting counts, pruning the events table) run in one of them: the one
holding a session-level advisory lock on a connection of its own. The others try again
every few seconds, so when the leader dies (its connection closes with it, and the lock
with the connection) another takes over. A leader that loses its connection (a database
restart) takes the lock again on a new one, or stops leading if another process was
quicker. On SQLite the one process leads from the start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("hall.leader")

LEADER_LOCK = (0x4841, 0x4C44)  # advisory lock (class, key): "HA", "LD"
RETRY_SECONDS = 3.0


class Leadership:
    """`run()` on the app's loop: calls `lead()` once this process holds the lock, and
    `follow()` (awaited) if it loses it."""

    def __init__(self, db: Any, lead: Callable[[], None], follow: Callable[[], Awaitable[None]]) -> None:
        self._db, self._lead, self._follow = db, lead, follow
        self._conn: Any = None
        self.leading = False

    def _connect(self) -> Any:
        return self._db.own_connection()

    def _hold(self) -> bool:
        """Whether this process holds the lock now (taking it when free), on the thread pool."""
        import psycopg

        try:
            if self._conn is not None:
                if self.leading:
                    self._conn.execute("SELECT 1")  # the lock lives as long as this connection
                    return True
            else:
                self._conn = self._connect()
            return bool(self._conn.execute("SELECT pg_try_advisory_lock(%s, %s)", LEADER_LOCK).fetchone()[0])
        except psycopg.Error as exc:
            log.warning("leadership: the database is away (%s)", str(exc).splitlines()[0] if str(exc) else exc)
            self._close()
            return False

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    async def run(self) -> None:
        try:
            while True:
                holding = await asyncio.to_thread(self._hold)
                if holding and not self.leading:
                    self.leading = True
                    log.info("this process runs the hall's background jobs")
                    self._lead()
                elif not holding and self.leading:
                    self.leading = False
                    log.warning("this process lost the lead of the background jobs")
                    await self._follow()
                await asyncio.sleep(RETRY_SECONDS)
        finally:
            self._close()
