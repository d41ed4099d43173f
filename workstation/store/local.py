"""The local store: every record written together with its outbox entry, in one transaction."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import create_engine, delete, event, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from workstation.clock import now as hall_now
from workstation.domain.ids import new_record_id
from workstation.protocol.records import KIND_PATTERN, RecordIn
from workstation.protocol.reference import ChangesPage
from workstation.store import migrate
from workstation.store.errors import StoreError
from workstation.store.models import CachedReference, DocumentBlob, LocalRecord, OutboxEntry, SyncState

REFERENCE_CURSOR = "reference_since"


def _explain(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", exc)).lower()
    if "full" in text:
        return "the disk is full: free space on this PC, nothing already saved is lost"
    if "readonly" in text or "read-only" in text:
        return "the data folder is read-only: ask IT to check its permissions"
    if "locked" in text or "busy" in text:
        return "the local store is busy: try again"
    return f"the local store failed: {text}"


@dataclass(frozen=True)
class SavedRecord:
    uuid: uuid.UUID
    kind: str
    created_at: datetime
    payload: dict[str, Any]


def _checked(items: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    for kind, payload in items:
        if not isinstance(kind, str) or not re.fullmatch(KIND_PATTERN, kind):
            raise ValueError(f"record kind {kind!r} does not match {KIND_PATTERN}")
        if not isinstance(payload, dict):
            raise ValueError(f"the payload of a {kind} record must be a JSON object")
        if _depth(payload) > MAX_DEPTH:
            raise ValueError(f"the payload of a {kind} record is nested more than {MAX_DEPTH} levels deep")
    # Round-trip through JSON now, so what is stored is exactly what will be sent.
    return [(kind, json.loads(json.dumps(payload, ensure_ascii=False, allow_nan=False)))
            for kind, payload in items]


# Deeper than this, a payload cannot be sent (pydantic's JSON stops near 255 levels) and
# would stay in the outbox; no record of the hall's comes near it.
MAX_DEPTH = 64


def _depth(value: Any) -> int:
    """How deeply `value`'s objects and lists nest (without recursion: any depth is fine)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list | tuple):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _insert_records(session: Session, items: list[tuple[str, dict[str, Any]]]) -> list[SavedRecord]:
    saved = []
    for kind, payload in items:
        record = LocalRecord(uuid=new_record_id(), kind=kind, created_at=hall_now(),
                             payload=payload, uploaded_at=None)
        session.add(record)
        session.flush()
        session.add(OutboxEntry(record_uuid=record.uuid, attempts=0, state="pending"))
        saved.append(SavedRecord(record.uuid, kind, record.created_at, payload))
    return saved


def _outgoing(row: LocalRecord) -> RecordIn:
    """The record to send. One queued by an older version that no longer passes the wire
    schema goes as it is: the hall refuses it alone (大厅未接收) rather than its failing
    here stop the outbox."""
    fields = {"uuid": row.uuid, "kind": row.kind, "created_at": row.created_at, "payload": row.payload}
    try:
        return RecordIn(**fields)
    except ValidationError:
        return RecordIn.model_construct(**fields)


class LocalStore:
    """SQLite in WAL mode, schema by Alembic at open. Safe to use from several threads:
    each call runs in its own short transaction, writers take the lock at BEGIN."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        url = f"sqlite:///{path}"
        try:
            migrate.upgrade(url)
        except SQLAlchemyError as exc:
            raise StoreError(_explain(exc)) from exc
        self.engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(self.engine, "connect")
        def _pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")  # a saved record survives a power cut
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(self.engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def close(self) -> None:
        self.engine.dispose()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` (from the writing thread) after records are added or acknowledged."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        try:
            with self._sessions() as session, session.begin():
                yield session
        except OperationalError as exc:
            raise StoreError(_explain(exc)) from exc

    # records and the outbox

    def add_record(self, kind: str, payload: dict[str, Any]) -> SavedRecord:
        """Save a record and queue it for upload, both or neither."""
        return self.add_records([(kind, payload)])[0]

    def add_records(self, items: list[tuple[str, dict[str, Any]]]) -> list[SavedRecord]:
        """Save records and queue them, all or none. A record the hall server would refuse
        (a malformed kind, a payload that is not a JSON object) raises ValueError and saves
        nothing: queued, it would block the outbox forever."""
        items = _checked(items)
        with self._transaction() as session:
            saved = _insert_records(session, items)
        self._changed()
        return saved

    def add_document(self, content: bytes, items: list[tuple[str, dict[str, Any]]]) -> list[SavedRecord]:
        """Keep a document's bytes by their SHA-256 and save the records about it (its
        `document` record, the signature given for it…), all in one transaction."""
        items = _checked(items)
        digest = hashlib.sha256(content).hexdigest()
        with self._transaction() as session:
            if session.get(DocumentBlob, digest) is None:
                session.add(DocumentBlob(sha256=digest, content=content, created_at=datetime.now(UTC)))
            saved = _insert_records(session, items)
        self._changed()
        return saved

    def document(self, sha256: str) -> bytes | None:
        with self._transaction() as session:
            row = session.get(DocumentBlob, sha256)
            return bytes(row.content) if row else None

    def records_of(self, kind: str, **match: Any) -> list[SavedRecord]:
        """This window's records of a kind whose payload has the given values, oldest first."""
        with self._transaction() as session:
            query = select(LocalRecord).where(LocalRecord.kind == kind)
            for key, value in match.items():
                query = query.where(LocalRecord.payload[key].as_string() == str(value))
            rows = session.execute(query.order_by(LocalRecord.created_at)).scalars().all()
            return [SavedRecord(r.uuid, r.kind, r.created_at, r.payload) for r in rows]

    def record(self, record_uuid: uuid.UUID) -> SavedRecord | None:
        with self._transaction() as session:
            row = session.get(LocalRecord, record_uuid)
            return SavedRecord(row.uuid, row.kind, row.created_at, row.payload) if row else None

    def outbox_state(self, record_uuid: uuid.UUID) -> tuple[str, str | None] | None:
        """Where one of this window's records stands: ("pending", last error or None) while
        it waits for the hall, ("refused", the server's words) when the hall refused it,
        ("conflict", …) when the hall holds other content under its UUID,
        ("sent", None) once acknowledged; None when this window holds no such record."""
        with self._transaction() as session:
            row = session.execute(
                select(LocalRecord.uploaded_at, OutboxEntry.state, OutboxEntry.last_error)
                .outerjoin(OutboxEntry, OutboxEntry.record_uuid == LocalRecord.uuid)
                .where(LocalRecord.uuid == record_uuid)
            ).one_or_none()
        if row is None:
            return None
        uploaded_at, state, last_error = row
        if state is None:  # the entry is deleted on acknowledgement
            return ("sent", None)
        return (state, last_error)

    def pending_count(self) -> int:
        with self._transaction() as session:
            return session.execute(
                select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "pending")
            ).scalar_one()

    def refused_count(self) -> int:
        with self._transaction() as session:
            return session.execute(
                select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "refused")
            ).scalar_one()

    def conflict_count(self) -> int:
        with self._transaction() as session:
            return session.execute(
                select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "conflict")
            ).scalar_one()

    def next_batch(self, limit: int) -> list[RecordIn]:
        """The oldest pending records, in the order they were written."""
        with self._transaction() as session:
            rows = session.execute(
                select(LocalRecord)
                .join(OutboxEntry, OutboxEntry.record_uuid == LocalRecord.uuid)
                .where(OutboxEntry.state == "pending")
                .order_by(OutboxEntry.id)
                .limit(limit)
            ).scalars().all()
            return [_outgoing(r) for r in rows]

    def acknowledge(self, uuids: list[uuid.UUID]) -> None:
        if not uuids:
            return
        now = datetime.now(UTC)
        with self._transaction() as session:
            session.execute(delete(OutboxEntry).where(OutboxEntry.record_uuid.in_(uuids)))
            session.execute(update(LocalRecord).where(LocalRecord.uuid.in_(uuids)).values(uploaded_at=now))
        self._changed()

    def mark_refused(self, record_uuid: uuid.UUID, detail: str) -> None:
        """The hall refused the record (its reason in `detail`): kept, never sent again."""
        with self._transaction() as session:
            session.execute(update(OutboxEntry).where(OutboxEntry.record_uuid == record_uuid)
                            .values(state="refused", last_error=detail))
        self._changed()

    def mark_conflict(self, record_uuid: uuid.UUID, detail: str) -> None:
        with self._transaction() as session:
            session.execute(update(OutboxEntry).where(OutboxEntry.record_uuid == record_uuid)
                            .values(state="conflict", last_error=detail))
        self._changed()

    def note_failure(self, uuids: list[uuid.UUID], error: str) -> None:
        if not uuids:
            return
        with self._transaction() as session:
            session.execute(update(OutboxEntry).where(OutboxEntry.record_uuid.in_(uuids))
                            .values(attempts=OutboxEntry.attempts + 1, last_error=error[:500]))

    # reference data

    def reference_since(self) -> int:
        value = self.get_state(REFERENCE_CURSOR)
        return int(value) if value else 0

    def apply_reference_page(self, page: ChangesPage) -> int:
        """Apply one page of the change feed and move the cursor, in one transaction:
        an interruption leaves the cache at a page boundary, from which the pull resumes."""
        # One bulk upsert for the page: merging row by row cost a SELECT per item.
        latest = {}
        for entry in page.entries:  # in revision order: a later entry for a key wins
            latest[(entry.kind.value, entry.key)] = entry
        upserts = [{"kind": kind, "key": key, "revision": e.revision, "payload": e.payload or {}}
                   for (kind, key), e in latest.items() if not e.deleted]
        deletions = [(kind, key) for (kind, key), e in latest.items() if e.deleted]
        with self._transaction() as session:
            for kind, key in deletions:
                session.execute(delete(CachedReference).where(
                    CachedReference.kind == kind, CachedReference.key == key))
            if upserts:
                statement = sqlite_insert(CachedReference).values(upserts)
                session.execute(statement.on_conflict_do_update(
                    index_elements=["kind", "key"],
                    set_={"revision": statement.excluded.revision, "payload": statement.excluded.payload}))
            self._set_state(session, REFERENCE_CURSOR, str(page.next_since))
        return len(page.entries)

    def reference_values(self, kind: str) -> list[dict[str, Any]]:
        with self._transaction() as session:
            return [row for row in session.execute(
                select(CachedReference.payload).where(CachedReference.kind == kind)
                .order_by(CachedReference.key)).scalars()]

    def reference_snapshot(self) -> dict[tuple[str, str], dict[str, Any]]:
        with self._transaction() as session:
            return {(r.kind, r.key): r.payload for r in session.execute(select(CachedReference)).scalars()}

    # small state

    def get_state(self, key: str) -> str | None:
        with self._transaction() as session:
            row = session.get(SyncState, key)
            return row.value if row else None

    def set_state(self, key: str, value: str) -> None:
        with self._transaction() as session:
            self._set_state(session, key, value)

    def next_sequence(self, name: str) -> int:
        """1, 2, 3… per `name`, never the same number twice, even across threads."""
        with self._transaction() as session:
            row = session.get(SyncState, f"seq:{name}")
            value = int(row.value) + 1 if row else 1
            self._set_state(session, f"seq:{name}", str(value))
            return value

    @staticmethod
    def _set_state(session: Session, key: str, value: str) -> None:
        session.merge(SyncState(key=key, value=value))
