"""A counter window without a window: the workstation core the clerk's GUI drives
(LocalStore, SyncEngine, GuideDesk, DocumentDesk, RatingDesk, the audit chain), wired the
way ui/clerk/app.py wires them, for processes that play a clerk (the crash tests'
writer, the simulated day's clerks).

Every record the core reports saved is told as `SAVED <uuid> <kind> <sha256>` (the
SHA-256 of its canonical payload, `digest`): what the window would have shown the clerk,
so whoever runs the process can check that exactly that reached the hall."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.app.card_reading import AuditTrail
from workstation.app.documents import DocumentDesk, HallSeal
from workstation.app.guide import GuideDesk
from workstation.app.rating import RatingDesk
from workstation.clock import HALL_CLOCK
from workstation.config import SyncSettings
from workstation.store.local import LocalStore
from workstation.sync.engine import SyncEngine

DEMO_HALL = Path(__file__).resolve().parents[2] / "resources" / "demo_hall"


def digest(payload: dict) -> str:
    """The SHA-256 of a payload's canonical JSON (what the hall's copy must hash to)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode()).hexdigest()


def saved_line(record) -> str:
    return f"SAVED {record.uuid} {record.kind} {digest(record.payload)}"


def said(record) -> None:
    print(saved_line(record), flush=True)


@dataclass
class Counter:
    """One window's store, its sync engine and the desks over them."""

    store_path: Path
    url: str
    device_token: str
    device: str
    hall: dict[str, Any] = field(default_factory=lambda: {"name": "演示区政务服务中心", "check_url": ""})
    seal: HallSeal = field(default_factory=lambda: HallSeal(None, "no seal"))
    sync: SyncSettings = field(default_factory=lambda: SyncSettings(batch_size=7, max_backoff=0.5,
                                                                    poll_interval=0.5))
    timeout: float = 5.0
    on_status: Callable | None = None

    def __post_init__(self) -> None:
        self.store = LocalStore(Path(self.store_path))  # opening it is the first check: a clean open every time
        self.engine = SyncEngine(self.store, self.url, self.device_token, self.sync, timeout=self.timeout,
                                 on_status=self.on_status)
        self.audit = AuditTrail(self.store, self.device)
        self.guide = GuideDesk(self.store)
        self.ratings = RatingDesk(self.store)
        self.documents = DocumentDesk(self.store, lambda: self.hall, self.seal, self.audit)

    def start(self, wait: float = 10.0) -> bool:
        """Start syncing and wait (up to `wait` s) for the hall's clock, as a window connects
        before the clerk works. False when the hall did not answer in time."""
        self.engine.start()
        deadline = time.monotonic() + wait
        while not HALL_CLOCK.seen and time.monotonic() < deadline:
            time.sleep(0.05)
        return HALL_CLOCK.seen

    def wait_for_reference(self, kind: str, wait: float = 30.0) -> bool:
        """Until the store's reference cache holds `kind` (the first pull), up to `wait` s."""
        deadline = time.monotonic() + wait
        while not self.store.reference_values(kind):
            if time.monotonic() > deadline:
                return False
            self.engine.request_pull()
            time.sleep(0.1)
        return True

    def drain(self, wait: float) -> int:
        """Until the outbox is empty or `wait` s passed; returns what is still pending."""
        deadline = time.monotonic() + wait
        while self.store.pending_count() and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.store.pending_count()

    def stop(self) -> None:
        self.engine.stop()

