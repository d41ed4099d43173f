"""The hall's time on this PC: the server's clock is authoritative.

A counter PC's clock can be wrong by hours (a dead CMOS battery, a hand-set clock, a PC
that never reaches a time server). What the workstation writes — the time a case was
applied for and decided, a step, a rating, a record's creation — decides deadlines and
statistics on the server, so it is written in the hall's time: this PC's clock corrected
by the offset seen on every answer of the hall server (its HTTP `Date` header, taken at
the middle of the request). An offset within `TOLERANCE` is the `Date` header's own
one-second resolution and is ignored; beyond it the status bar says so. Offline, the last
offset seen stays in force (it was measured; the PC's clock drifts slowly).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

TOLERANCE = timedelta(seconds=5)  # below this the PC's own clock is used as it is
WARN = timedelta(minutes=2)  # beyond this the clerk is told the PC's clock is wrong


class HallClock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._observed = False

    def observe(self, server_time: datetime, sent: datetime, received: datetime) -> None:
        """One answer of the hall server: its `Date` (aware) against this PC's clock."""
        local = sent + (received - sent) / 2
        offset = server_time - local
        with self._lock:
            self._offset = offset if abs(offset) > TOLERANCE else timedelta(0)
            self._observed = True

    @property
    def seen(self) -> bool:
        """Whether an answer of the hall server has been seen since the program started."""
        with self._lock:
            return self._observed

    @property
    def offset(self) -> timedelta:
        """The hall's time minus this PC's (zero while within TOLERANCE or never seen)."""
        with self._lock:
            return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def wrong_by(self) -> timedelta | None:
        """How far this PC's clock is off when that is worth telling (beyond WARN), else None."""
        offset = self.offset
        return offset if abs(offset) > WARN else None


HALL_CLOCK = HallClock()


def now() -> datetime:
    """The hall's time now (UTC): what records are stamped with."""
    return HALL_CLOCK.now()
