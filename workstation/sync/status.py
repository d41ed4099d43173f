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
    refused: int = 0  # records the hall refused (a step another window took first): told where they were made
