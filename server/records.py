"""Storing uploaded records by UUID: idempotent, and never overwriting."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from server import audit_chains
from server.db import AFTER_COMMIT as _AFTER_COMMIT
from server.db import after_commit  # noqa: F401  (indexers call records.after_commit)
from server.halls import DEFAULT_HALL
from server.models import Device, Record, RecordConflict
from workstation.protocol import records as wire

log = logging.getLogger(__name__)

# What else a new record of a kind sets off (an index, a task), in the same transaction.
Indexer = Callable[[Session, Record, Any], None]
_indexers: dict[str, list[tuple[type[BaseModel] | None, Indexer]]] = {}
_refusing: set[str] = set()  # kinds with an indexer that may raise Refused
_SURROGATE = re.compile("[\ud800-\udfff]")


class Refused(Exception):  # noqa: N818 - a verdict, like StepRefused
    """Raised by an indexer registered with `may_refuse=True`: the record is not stored
    (its own writes roll back to a savepoint, the rest of the batch is unaffected) and the
    upload answers 409 for it with `detail`, in plain words for the clerk."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def indexer(kind: str, model: type[BaseModel] | None = None,
            may_refuse: bool = False) -> Callable[[Indexer], Indexer]:
    """Registers `function(session, record, payload)` to run for every new record of
    `kind`. With a `model`, `payload` is the record's payload validated by it, and a record
    it refuses is kept all the same but not indexed (logged); without, the raw payload.
    With `may_refuse`, the function may raise Refused; such records are stored one by one,
    each in a savepoint, after the batch's other records (so a `case` and its `case.step`
    in one batch index the case first)."""

    def register(function: Indexer) -> Indexer:
        _indexers.setdefault(kind, []).append((model, function))
        if may_refuse:
            _refusing.add(kind)
        return function

    return register


def _index(session: Session, row: Record) -> None:
    for model, index in _indexers.get(row.kind, ()):
        if model is None:
            index(session, row, row.payload)
            continue
        try:
            payload = model.model_validate(row.payload)
        except ValidationError as exc:
            log.warning("%s record %s is not indexed: %s", row.kind, row.uuid, exc.errors()[0]["msg"])
            continue
        index(session, row, payload)


def content_hash(kind: str, created_at: datetime, payload: dict[str, Any]) -> str:
    """The hash that decides 'same content': canonical JSON of what the record says."""
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    canonical = json.dumps(
        {"kind": kind, "created_at": created_at.astimezone(UTC).isoformat(), "payload": payload},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def unstorable(value: Any) -> str | None:
    """Why a payload cannot be stored as it came ("holds …"), or None: PostgreSQL's JSON holds no
    U+0000 and no lone surrogate (JSON text may escape both). Refused on SQLite too, so a
    hall answers the same whichever database it runs on."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return "holds a NUL character (U+0000), which the hall's database cannot store"
            if _SURROGATE.search(item):
                return "holds a lone UTF-16 surrogate, which is no character"
    return None


def store_batch(session: Session, device_id: str, batch: wire.UploadBatch,
                hall: str = DEFAULT_HALL) -> tuple[wire.UploadResult, int, int]:
    """Store a batch of a device of `hall` (the records are that hall's); returns the per-record results, the count stored and of conflicts.
    A record an indexer refuses (Refused) is not stored and answered 422 (REFUSED) with the
    reason, as is a record the database cannot take; the same UUID with other content is a
    conflict (409), kept for review;
    a resend of a stored record is answered 200 before any indexer sees it."""
    now = datetime.now(UTC)
    offered: dict[uuid.UUID, tuple[wire.RecordIn, str]] = {}
    results: list[wire.RecordResult] = []
    for record in batch.records:
        problem = unstorable(record.payload)
        if problem:
            # Refused alone (409 with the reason, as an indexer refuses): were the whole
            # batch refused, the window would resend it for ever and its outbox stall.
            log.warning("record %s from device %s is refused: it %s", record.uuid, device_id, problem)
            results.append(wire.RecordResult(uuid=record.uuid, status=wire.REFUSED,
                                             detail=f"the record {problem}"))
            continue
        digest = content_hash(record.kind, record.created_at, record.payload)
        if record.uuid in offered:
            earlier = offered[record.uuid][1]
            status = wire.ALREADY_STORED if earlier == digest else wire.CONFLICT
            results.append(wire.RecordResult(uuid=record.uuid, status=status,
                                             detail="repeated in the batch"))
            continue
        offered[record.uuid] = (record, digest)
    known = {
        row.uuid: row.content_hash
        for row in session.execute(
            select(Record.uuid, Record.content_hash).where(Record.uuid.in_(list(offered)))
        )
    }
    stored = conflicts = 0
    new_rows, refusable = [], []
    for record_uuid, (record, digest) in offered.items():
        if record_uuid not in known:
            row = Record(uuid=record_uuid, kind=record.kind, device_id=device_id, hall=hall,
                         created_at=record.created_at, received_at=now,
                         content_hash=digest, payload=record.payload)
            result = wire.RecordResult(uuid=record_uuid, status=wire.STORED)
            (refusable if record.kind in _refusing else new_rows).append((row, result))
            results.append(result)
            stored += 1
        elif known[record_uuid] == digest:
            results.append(wire.RecordResult(uuid=record_uuid, status=wire.ALREADY_STORED))
        else:
            session.add(RecordConflict(uuid=record_uuid, device_id=device_id, received_at=now,
                                       stored_hash=known[record_uuid], offered_hash=digest,
                                       offered_payload=record.payload))
            results.append(wire.RecordResult(
                uuid=record_uuid, status=wire.CONFLICT,
                detail="a record with this UUID and other content is already stored"))
            conflicts += 1
    callbacks = session.info.setdefault(_AFTER_COMMIT, [])
    before = len(callbacks)
    try:
        with session.begin_nested():
            session.add_all([row for row, _ in new_rows])
            session.flush()
            for row, _ in new_rows:
                _index(session, row)
    except UNHOLDABLE:
        # A value of one record the database cannot hold (a window number beyond its
        # integers, say): each record alone, so that one is refused and the rest stored,
        # else the window would resend the batch for ever and its outbox stall.
        del callbacks[before:]
        refusable = [(_fresh(row), result) for row, result in new_rows] + refusable
        new_rows = []  # rolled back: each is in `refusable` now
    for row, result in refusable:
        before = len(callbacks)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
                _index(session, row)
        except (Refused, *UNHOLDABLE) as exc:
            del callbacks[before:]
            result.status, result.detail = wire.REFUSED, _refusal(row, exc)
            stored -= 1
    chained = [row for row, result in (*new_rows, *refusable)
               if result.status == wire.STORED and row.kind.startswith(audit_chains.KIND_PREFIX)]
    if chained:
        # The workstations' audit chains, checked as they arrive: a break is an alert for the
        # supervisor; the records are stored all the same.
        audit_chains.arrived(session, device_id, chained)
    return wire.UploadResult(results=results), stored, conflicts


# What the database (or its driver) raises for a value it cannot hold: PostgreSQL's
# DataError (integer out of range, text too long), sqlite3's OverflowError (an integer
# beyond 64 bits).
UNHOLDABLE = (DataError, OverflowError)


def _fresh(row: Record) -> Record:
    """A new instance of `row`, whose own was rolled back with a savepoint."""
    return Record(uuid=row.uuid, kind=row.kind, device_id=row.device_id, hall=row.hall, created_at=row.created_at,
                  received_at=row.received_at, content_hash=row.content_hash, payload=row.payload)


def _refusal(row: Record, exc: Exception) -> str:
    if isinstance(exc, Refused):
        return exc.detail
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
    log.warning("%s record %s is refused: the database cannot hold it (%s)", row.kind, row.uuid, reason)
    return f"the hall's database cannot hold a value of this {row.kind} record ({reason}); it is not stored"


def page(session: Session, kind: str | None, after: uuid.UUID | None, limit: int,
         halls: Iterable[str] = (DEFAULT_HALL,)) -> wire.RecordsPage:
    """The records of `halls`, by UUID."""
    query = select(Record).where(Record.hall.in_(sorted(halls)))
    if kind:
        query = query.where(Record.kind == kind)
    if after:
        query = query.where(Record.uuid > after)
    rows = session.execute(query.order_by(Record.uuid).limit(limit)).scalars().all()
    return wire.RecordsPage(
        records=[wire.RecordOut(uuid=r.uuid, kind=r.kind, created_at=r.created_at,
                                received_at=r.received_at, device_id=r.device_id,
                                payload=r.payload) for r in rows],
        next_after=rows[-1].uuid if len(rows) == limit else None,
    )


def conflicts(session: Session, limit: int, halls: Iterable[str] = (DEFAULT_HALL,)) -> list[wire.ConflictOut]:
    """The conflicts offered by devices of `halls`, newest first."""
    rows = session.execute(select(RecordConflict).join(Device, Device.id == RecordConflict.device_id)
                           .where(Device.hall.in_(sorted(halls)))
                           .order_by(RecordConflict.id.desc()).limit(limit)).scalars()
    return [wire.ConflictOut(uuid=r.uuid, device_id=r.device_id, received_at=r.received_at,
                             stored_hash=r.stored_hash, offered_hash=r.offered_hash,
                             offered_payload=r.offered_payload) for r in rows]
