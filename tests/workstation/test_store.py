"""The local store: a record and its outbox entry are saved together, the outbox hands out
records in the order they were written, and a full disk loses nothing already saved."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from workstation.store.local import LocalStore, StoreError

CHINESE = {
    "applicant": "张三丰",
    "rare": "𠀀𪚥龘",  # outside the Basic Multilingual Plane
    "address": "北京市东城区景山前街４号（故宫博物院）",
    "note": "材料齐全，准予受理。请于５个工作日内领取《营业执照》。",
    "items": ["居民身份证", "户口簿", {"名称": "结婚证", "份数": 1}],
    "mixed": "A001号 ✓ 已办结 😀",
    "empty": "",
}


def _raw_counts(path: Path) -> tuple[int, int]:
    """(records, outbox entries) as the file on disk holds them, read past the store."""
    with sqlite3.connect(path) as conn:
        records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        outbox = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    return records, outbox


def test_a_record_is_queued_for_upload_in_the_order_written(store):
    first = store.add_record("case.accepted", {"case": 1})
    second, third = store.add_records([("material.check", {"case": 1, "ok": True}),
                                       ("rating", {"case": 1, "stars": 5})])
    assert store.pending_count() == 3
    assert store.conflict_count() == 0
    assert _raw_counts(store.path) == (3, 3)

    batch = store.next_batch(10)
    assert [r.uuid for r in batch] == [first.uuid, second.uuid, third.uuid]
    assert [(r.kind, r.payload) for r in batch] == [
        ("case.accepted", {"case": 1}), ("material.check", {"case": 1, "ok": True}),
        ("rating", {"case": 1, "stars": 5})]
    assert [r.uuid for r in store.next_batch(2)] == [first.uuid, second.uuid]

    # Acknowledged records leave the outbox but stay in the store.
    store.acknowledge([first.uuid, second.uuid])
    assert store.pending_count() == 1
    assert [r.uuid for r in store.next_batch(10)] == [third.uuid]
    assert store.record(first.uuid) == first
    assert _raw_counts(store.path) == (3, 1)

    # A conflict is set aside: counted, never offered again, never lost.
    store.mark_conflict(third.uuid, "a record with this UUID and other content is already stored")
    assert store.pending_count() == 0
    assert store.conflict_count() == 1
    assert store.next_batch(10) == []
    assert store.record(third.uuid).payload == {"case": 1, "stars": 5}


def test_many_records_come_out_in_batches_in_write_order(store):
    saved = store.add_records([("audit", {"n": n}) for n in range(700)])
    saved += [store.add_record("audit", {"n": n}) for n in range(700, 760)]
    sent = []
    while batch := store.next_batch(250):
        assert len(batch) <= 250
        sent += batch
        store.acknowledge([r.uuid for r in batch])
    assert [r.uuid for r in sent] == [r.uuid for r in saved]
    assert [r.payload["n"] for r in sent] == list(range(760))
    assert len({r.uuid for r in sent}) == 760
    assert store.pending_count() == 0


def test_failed_uploads_are_counted_and_the_records_stay_queued(store):
    saved = store.add_records([("audit", {"n": n}) for n in range(3)])
    store.note_failure([r.uuid for r in saved[:2]], "hall server error 503")
    store.note_failure([saved[0].uuid], "connection refused")
    assert store.pending_count() == 3
    with sqlite3.connect(store.path) as conn:
        rows = conn.execute("SELECT attempts, last_error FROM outbox ORDER BY id").fetchall()
    assert rows == [(2, "connection refused"), (1, "hall server error 503"), (0, None)]
    assert [r.uuid for r in store.next_batch(10)] == [r.uuid for r in saved]


def test_what_is_saved_survives_closing_and_reopening(tmp_path):
    path = tmp_path / "data" / "workstation.sqlite3"
    local = LocalStore(path)
    saved = local.add_records([("case.accepted", {"n": n, **CHINESE}) for n in range(5)])
    local.acknowledge([saved[0].uuid])
    local.set_state("login:clerk1", "cached")
    local.close()

    reopened = LocalStore(path)
    try:
        assert reopened.pending_count() == 4
        assert [r.uuid for r in reopened.next_batch(10)] == [r.uuid for r in saved[1:]]
        assert reopened.record(saved[0].uuid) == saved[0]
        assert reopened.get_state("login:clerk1") == "cached"
    finally:
        reopened.close()


def test_chinese_text_round_trips_exactly(store, tmp_path):
    saved = store.add_record("case.accepted", CHINESE)
    assert saved.payload == CHINESE
    assert store.record(saved.uuid).payload == CHINESE
    (queued,) = store.next_batch(1)
    assert queued.payload == CHINESE
    # What goes on the wire decodes to the same text.
    wire = queued.model_dump_json()
    assert type(queued).model_validate_json(wire).payload == CHINESE

    store.set_state("hall", "政务服务中心")
    assert store.get_state("hall") == "政务服务中心"


def test_the_payload_saved_is_what_will_be_sent(store):
    """A payload is saved as its JSON form at once: later changes to the caller's dict
    do not reach the record, and tuples come back as the lists the server will see."""
    payload = {"materials": ("身份证", "户口簿"), "count": 2}
    saved = store.add_record("material.check", payload)
    payload["count"] = 99
    assert saved.payload == {"materials": ["身份证", "户口簿"], "count": 2}
    assert store.record(saved.uuid).payload == {"materials": ["身份证", "户口簿"], "count": 2}


@pytest.mark.parametrize("kind, payload", [
    ("Case Accepted", {"n": 2}),
    ("案件", {"n": 2}),
    ("", {"n": 2}),
    ("a" * 65, {"n": 2}),
    ("case.accepted", ["not", "an", "object"]),
    ("case.accepted", {"fee": float("nan")}),
])
def test_a_record_the_hall_would_refuse_is_refused_at_once(store, kind, payload):
    """Queued, such a record would be refused by the hall server at every try and hold
    up everything behind it; the clerk's screen hears of it at once instead."""
    good = store.add_record("case.accepted", {"n": 1})
    with pytest.raises(ValueError):
        store.add_records([("case.accepted", {"n": 2}), (kind, payload)])
    assert store.pending_count() == 1
    assert [r.uuid for r in store.next_batch(10)] == [good.uuid]
    assert _raw_counts(store.path) == (1, 1)


def test_an_unknown_record_is_none(store):
    assert store.record(uuid.uuid4()) is None


# ---------------------------------------------------------------------------------------
# A full disk
# ---------------------------------------------------------------------------------------


class SmallDisk:
    """A store whose disk can fill up: a real tmpfs of a few MB when this process may mount
    one (root, as in the container and in CI), else SQLite's own page limit on every
    connection of the store's engine. `grow()` frees space again."""

    def __init__(self, tmp_path: Path) -> None:
        self.folder = tmp_path / "small-disk"
        self.folder.mkdir()
        self.mounted = False
        self.page_limit: int | None = None
        if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount"):
            result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs",
                                     str(self.folder)], capture_output=True, text=True)
            self.mounted = result.returncode == 0
        self.store = LocalStore(self.folder / "workstation.sqlite3")
        if not self.mounted:
            self._limit_pages(extra=200)

    @property
    def how(self) -> str:
        return "tmpfs of 2 MB" if self.mounted else f"max_page_count {self.page_limit}"

    def _limit_pages(self, extra: int) -> None:
        with sqlite3.connect(self.store.path) as conn:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
        self.page_limit = pages + extra
        if not hasattr(self, "_listening"):
            @event.listens_for(self.store.engine, "connect")
            def _limit(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute(f"PRAGMA max_page_count={self.page_limit}")
                cursor.close()

            self._listening = True
        self.store.engine.dispose()  # pooled connections reconnect with the limit

    def grow(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,size=64m", str(self.folder)], check=True)
        else:
            self._limit_pages(extra=100_000)

    def close(self) -> None:
        self.store.close()
        if self.mounted:
            if subprocess.run(["umount", str(self.folder)]).returncode != 0:
                subprocess.run(["umount", "-l", str(self.folder)])


@pytest.fixture
def small_disk(tmp_path) -> Iterator[SmallDisk]:
    disk = SmallDisk(tmp_path)
    yield disk
    disk.close()


def test_a_full_disk_is_reported_and_loses_nothing_saved(small_disk):
    store = small_disk.store
    saved = store.add_records([("case.accepted", {"n": n, **CHINESE}) for n in range(20)])
    store.acknowledge([r.uuid for r in saved[:5]])  # some already reached the server

    note = {"note": "材料齐全，准予受理。" * 60}
    error = None
    for n in range(100_000):
        try:
            saved.append(store.add_record("case.note", {"n": n, **note}))
        except StoreError as exc:
            error = exc
            break
    assert error is not None, f"the disk never filled ({small_disk.how})"
    assert "disk is full" in str(error), str(error)
    assert "database or disk is full" in str(error.__cause__)

    # Everything saved before is still there, and still queued unless acknowledged.
    assert store.pending_count() == len(saved) - 5
    assert [r.uuid for r in store.next_batch(100_000)] == [r.uuid for r in saved[5:]]
    for record in saved:
        assert store.record(record.uuid) == record
    assert _raw_counts(store.path) == (len(saved), len(saved) - 5)

    # A batch that does not fit is saved not at all: never a record without its outbox entry.
    with pytest.raises(StoreError, match="disk is full"):
        store.add_records([("case.note", {"n": n, **note}) for n in range(200)])
    assert store.pending_count() == len(saved) - 5
    assert _raw_counts(store.path) == (len(saved), len(saved) - 5)

    # Once space is freed, the clerk saves again without restarting.
    small_disk.grow()
    more = store.add_records([("case.note", {"n": n, **note}) for n in range(200)])
    assert store.pending_count() == len(saved) - 5 + 200
    assert [r.uuid for r in store.next_batch(100_000)] == [r.uuid for r in saved[5:] + more]
