"""Times on screen are the hall's wall clock (Asia/Shanghai, or COUNTER_HALL_TIMEZONE as the
server has it), whatever zone this PC is set to: a server's UTC moment shown in the PC's
zone read 01:41 for a ticket called at 09:41."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import lru_cache

from workstation.domain.queue import DEFAULT_TIMEZONE, hall_zone


def _zone():
    # The hall server's own setting, where a PC is given it (a hall outside China, a test);
    # read each time (a dictionary look-up), so a changed setting is never shadowed by a
    # zone remembered from before.
    return _named_zone(os.environ.get("COUNTER_HALL_TIMEZONE") or DEFAULT_TIMEZONE)


@lru_cache(maxsize=8)
def _named_zone(name: str):
    try:
        return hall_zone(name)
    except ValueError:
        return hall_zone()


def in_hall(moment: datetime) -> datetime:
    """`moment` (UTC when it carries no zone) on the hall's clock."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(_zone())


def hall_time(moment: datetime | None, fmt: str = "%H:%M") -> str:
    """`moment` as the hall's clock shows it, in `fmt`; — for none."""
    return in_hall(moment).strftime(fmt) if moment else "—"


def wall_clock(qt_format: str) -> str:
    """The hall's time now in a Qt date format, with the UI language's day names
    (yyyy-MM-dd dddd HH:mm → 2026-12-04 星期五 10:56): the screens' clocks."""
    from PySide6.QtCore import QDateTime, QLocale

    return QLocale().toString(QDateTime(in_hall(datetime.now(UTC)).replace(tzinfo=None)), qt_format)
