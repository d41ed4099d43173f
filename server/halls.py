"""More than one hall on one server (a city centre with branch halls).

Every device is enrolled to one hall (its enrolment code names it) and works in that hall
only: its queue, its windows, its records and cases. A supervisor or admin may be given
several halls (account_halls); without any they work in their device's hall. A database
from before halls existed has everything in DEFAULT_HALL, and a server that never names a
hall runs as it always did.

Window numbers are unique on the server (a branch hall numbers its windows in a range of
its own): the reference data keys windows by number, and each window's entry names its
hall (`hall`, DEFAULT_HALL when left out)."""

from __future__ import annotations

import re

from workstation.protocol.halls import DEFAULT_HALL, HALL_CODE

__all__ = ["DEFAULT_HALL", "HALL_CODE", "hall_code", "window_hall"]
_CODE = re.compile(HALL_CODE)


def hall_code(value: str) -> str:
    """`value` as a hall code (lower case letters, digits, - and _, up to 16), or ValueError."""
    code = (value or "").strip().lower()
    if not _CODE.match(code):
        raise ValueError(f"{value!r} is not a hall code: give up to 16 lower-case letters, digits, - or _")
    return code


def window_hall(config: dict | None) -> str:
    """The hall a window's reference entry names."""
    return (config or {}).get("hall") or DEFAULT_HALL
