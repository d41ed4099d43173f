"""The sync's state as front ends show it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SyncStatus:
    online: bool
    pending: int
    conflicts: int
    revision: int
    stream: bool
    detail: str = ""
