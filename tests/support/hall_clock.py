"""A hall time zone in which it is mid-morning now, for tests of appointment slots and the
kiosk's early and late rules: the demo hall's plan opens 09:00-11:30, and a slot of 30
minutes before or after now must fall on the same hall day, whatever hour the tests run.
The server takes it as COUNTER_HALL_TIMEZONE (a real setting); the screens read it too
(ui.hall_time)."""

from __future__ import annotations

from datetime import UTC, datetime


def morning_zone(hour: int = 10, now: datetime | None = None) -> str:
    """An IANA Etc/GMT zone name in which the local hour is `hour` now."""
    utc_hour = (now or datetime.now(UTC)).astimezone(UTC).hour
    offset = (hour - utc_hour + 12) % 24 - 12  # -12 … +11, each of which Etc/ has
    if offset == 0:
        return "Etc/GMT"
    # Etc/ names count the other way: Etc/GMT-8 is UTC+8.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
