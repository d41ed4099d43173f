"""The local store: every record written together with its outbox entry, in one transaction.

What it holds about applicants (records' payloads, the PDFs) is sealed with AES-GCM under
a key of this store kept in the OS keyring (workstation.store.crypto, credentials.StoreKeys),
and purged some days after the hall confirmed it (`purge`, run by workstation.store.purge)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
from workstation.store.crypto import Sealer, Unreadable, is_plain, new_key
from workstation.store.errors import StoreError, StoreKeyUnavailable
from workstation.store.models import CachedReference, DocumentBlob, LocalRecord, OutboxEntry, SyncState

log = logging.getLogger(__name__)

REFERENCE_CURSOR = "reference_since"
KEY_STATE = "store.key_id"  # the id of the key this store's values are sealed with
# Payload fields kept in clear columns, so that look-ups by them work after the purge:
# identifiers of a case and of a PDF, nothing about the person.
LOOKUP_FIELDS = ("case_number", "sha256")


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
    # None once purged: the hall has it, this window no longer does (see `purged_at`).
    payload: dict[str, Any] | None
    purged_at: datetime | None = None


@dataclass(frozen=True)
class SetAside:
    """A store found sealed with a key the keyring no longer has (wiped, PC re-imaged):
    moved aside to `path` unread, `unsent` of its records never reached the hall."""

    path: Path
    unsent: int


@dataclass(frozen=True)
class Purged:
    """What one purge removed: records' payloads by kind, and PDFs."""

    records: dict[str, int]
    documents: int

    @property
    def total(self) -> int:
        return sum(self.records.values())


def content_sha256(kind: str, created_at: datetime, payload: dict[str, Any]) -> str:
    """The hall's content hash of a record (server.records.content_hash)."""
    canonical = json.dumps({"kind": kind, "created_at": created_at.astimezone(UTC).isoformat(),
                            "payload": payload}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lookup(payload: dict[str, Any], field: str) -> str | None:
    value = payload.get(field)
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


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


def _insert_records(session: Session, sealer: Sealer,
                    items: list[tuple[str, dict[str, Any]]]) -> list[SavedRecord]:
    saved = []
    for kind, payload in items:
        record_uuid, created_at = new_record_id(), hall_now()
        plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        session.add(LocalRecord(
            uuid=record_uuid, kind=kind, created_at=created_at, sealed=sealer.seal(plain, record_uuid.bytes),
            content_sha256=content_sha256(kind, created_at, payload), case_number=_lookup(payload, "case_number"),
            sha256=_lookup(payload, "sha256"), uploaded_at=None, purged_at=None))
        session.flush()
        session.add(OutboxEntry(record_uuid=record_uuid, attempts=0, state="pending"))
        saved.append(SavedRecord(record_uuid, kind, created_at, payload))
    return saved


def _outgoing(row: LocalRecord, payload: dict[str, Any] | None) -> RecordIn:
    """The record to send. One queued by an older version that no longer passes the wire
    schema goes as it is: the hall refuses it alone (大厅未接收) rather than its failing
    here stop the outbox."""
    fields = {"uuid": row.uuid, "kind": row.kind, "created_at": row.created_at, "payload": payload}
    try:
        return RecordIn(**fields)
    except ValidationError:
        return RecordIn.model_construct(**fields)


def _state_of(path: Path) -> tuple[str | None, str | None, int]:
    """(schema revision, key id, outbox entries) of an existing store file, read past
    SQLAlchemy and before any migration; (None, None, 0) for a new one."""
    if not path.exists() or path.stat().st_size == 0:
        return None, None, 0
    conn = sqlite3.connect(path, timeout=30)
    try:
        def one(sql: str, *args):
            try:
                row = conn.execute(sql, args).fetchone()
            except sqlite3.OperationalError:  # no such table: an older or empty store
                return None
            return row[0] if row else None

        return (one("SELECT version_num FROM alembic_version"),
                one("SELECT value FROM sync_state WHERE key = ?", KEY_STATE),
                one("SELECT count(*) FROM outbox") or 0)
    finally:
        conn.close()


def _set_aside(path: Path, unsent: int) -> SetAside:
    """Move a store whose key is gone (and its -wal/-shm) out of the way, unread."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.no-key-{stamp}")
    for suffix in ("-wal", "-shm", ""):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{target}{suffix}"))
    log.error("the local store's key is not in this PC's keyring: the store was moved to %s unread "
              "(%d records in it had not reached the hall); a new store is started", target, unsent)
    return SetAside(target, unsent)


def _open_key(path: Path, keys) -> tuple[Sealer, SetAside | None, str | None]:
    """The sealer of the store at `path`, its key from the keyring or, for a store that
    has none yet, a new key put in the keyring before anything is sealed with it."""
    from keyring.errors import KeyringError

    revision, key_id, unsent = _state_of(path)
    set_aside = None
    try:
        if key_id is not None:
            if not keys.usable:
                raise StoreKeyUnavailable(
                    "this PC's keyring is not available, and the local store is encrypted with a key kept "
                    "there: nothing is lost; start the workstation again once the keyring works (IT: see "
                    "docs/operations.md, the local store's key)")
            key = keys.get(key_id)
            if key is not None:
                return Sealer(key), None, revision
            set_aside, revision = _set_aside(path, unsent), None
        if not keys.usable:
            log.info("no usable OS keyring: applicants' data in the local store is kept unencrypted")
            return Sealer(None), set_aside, revision
        key = new_key()
        sealer = Sealer(key)
        keys.put(sealer.key_id, key)  # before the store names it: never a value sealed with a lost key
        return sealer, set_aside, revision
    except KeyringError as exc:
        raise StoreKeyUnavailable(f"this PC's keyring failed ({exc}); the local store's key is kept "
                                  "there: start the workstation again once the keyring works") from exc


class LocalStore:
    """SQLite in WAL mode, schema by Alembic at open. Safe to use from several threads:
    each call runs in its own short transaction, writers take the lock at BEGIN."""

    def __init__(self, path: Path, keys=None) -> None:
        """`keys`: where the store's key is kept (workstation.credentials.StoreKeys, the OS
        keyring, by default). Raises StoreKeyUnavailable when the keyring cannot be read
        and the store is encrypted; a store whose key the keyring no longer holds is moved
        aside (`set_aside` says where) and a new one started."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        if keys is None:
            from workstation.credentials import StoreKeys

            keys = StoreKeys()
        self.sealer, self.set_aside, revision = _open_key(path, keys)
        # A store from before encryption (0001, 0002) is sealed by the upgrade, then rebuilt.
        self._legacy = revision in ("0001", "0002")
        url = f"sqlite:///{path}"
        try:
            migrate.upgrade(url, sealer=self.sealer)
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
            cursor.execute("PRAGMA secure_delete=ON")  # a purged or rewritten value leaves no trace
            cursor.close()

        @event.listens_for(self.engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._adopt_key()

    @property
    def encrypted(self) -> bool:
        """False only where this PC has no OS keyring: the start window says so."""
        return self.sealer.encrypting

    def _adopt_key(self) -> None:
        """Name the key in the store, and seal whatever is still plain (written where there
        was no keyring), then rebuild the file so that no plain copy stays in free pages."""
        if not self.sealer.encrypting:
            return
        with self._transaction() as session:
            named = session.get(SyncState, KEY_STATE)
            if named is not None and named.value != self.sealer.key_id:
                raise StoreKeyUnavailable("the local store is encrypted with another key than the one "
                                          "found for it in the keyring")
            if named is None:
                self._set_state(session, KEY_STATE, self.sealer.key_id)
            plain = [row for row in session.execute(select(LocalRecord.uuid, LocalRecord.sealed)).all()
                     if row.sealed is not None and is_plain(row.sealed)]
            for row in plain:
                session.execute(update(LocalRecord).where(LocalRecord.uuid == row.uuid).values(
                    sealed=self.sealer.seal(row.sealed[1:], row.uuid.bytes)))
            blobs = [row for row in session.execute(select(DocumentBlob.sha256, DocumentBlob.content)).all()
                     if is_plain(row.content)]
            for row in blobs:
                session.execute(update(DocumentBlob).where(DocumentBlob.sha256 == row.sha256).values(
                    content=self.sealer.seal(row.content[1:], row.sha256.encode())))
        if plain or blobs or self._legacy:
            log.info("local store encrypted: %d records and %d documents sealed", len(plain), len(blobs))
            self.compact()

    def compact(self) -> None:
        """VACUUM and truncate the WAL: rebuilt, the file holds no freed page with old content."""
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        except sqlite3.Error as exc:
            log.warning("the local store could not be compacted: %s", exc)
        finally:
            connection.close()

    def close(self) -> None:
        self.engine.dispose()

    # sealing

    def _payload(self, record: LocalRecord) -> dict[str, Any] | None:
        if record.sealed is None:
            return None
        try:
            return json.loads(self.sealer.open(record.sealed, record.uuid.bytes))
        except Unreadable as exc:
            raise StoreError(f"record {record.uuid} in the local store cannot be read: {exc}") from exc

    def _saved(self, record: LocalRecord) -> SavedRecord:
        return SavedRecord(record.uuid, record.kind, record.created_at, self._payload(record), record.purged_at)

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
            saved = _insert_records(session, self.sealer, items)
        self._changed()
        return saved

    def add_document(self, content: bytes, items: list[tuple[str, dict[str, Any]]]) -> list[SavedRecord]:
        """Keep a document's bytes by their SHA-256 and save the records about it (its
        `document` record, the signature given for it…), all in one transaction."""
        items = _checked(items)
        digest = hashlib.sha256(content).hexdigest()
        with self._transaction() as session:
            if session.get(DocumentBlob, digest) is None:
                session.add(DocumentBlob(sha256=digest, content=self.sealer.seal(content, digest.encode()),
                                         created_at=datetime.now(UTC)))
            saved = _insert_records(session, self.sealer, items)
        self._changed()
        return saved

    def document(self, sha256: str) -> bytes | None:
        """The PDF's bytes; None when this window never held it or the purge removed it."""
        with self._transaction() as session:
            row = session.get(DocumentBlob, sha256)
            if row is None:
                return None
            try:
                return self.sealer.open(row.content, sha256.encode())
            except Unreadable as exc:
                raise StoreError(f"document {sha256[:16]}… in the local store cannot be read: {exc}") from exc

    def records_of(self, kind: str, **match: Any) -> list[SavedRecord]:
        """This window's records of a kind whose payload has the given values, oldest first.
        Purged records (payload None) are among them when matched by case_number or sha256
        only, the fields kept after the purge; a match on any other field needs the payload."""
        with self._transaction() as session:
            query = select(LocalRecord).where(LocalRecord.kind == kind)
            for key in LOOKUP_FIELDS:
                if key in match:
                    query = query.where(getattr(LocalRecord, key) == str(match[key]))
            rows = session.execute(query.order_by(LocalRecord.created_at)).scalars().all()
            found = [self._saved(r) for r in rows]
        rest = {k: str(v) for k, v in match.items() if k not in LOOKUP_FIELDS}
        if rest:
            found = [r for r in found if r.payload is not None
                     and all(str(r.payload.get(k)) == v for k, v in rest.items())]
        return found

    def every_record(self) -> list[SavedRecord]:
        """Every record this window holds, oldest first (purged ones with payload None)."""
        with self._transaction() as session:
            rows = session.execute(select(LocalRecord).order_by(LocalRecord.created_at)).scalars().all()
            return [self._saved(r) for r in rows]

    def newest_of(self, kinds: tuple[str, ...], limit: int) -> list[SavedRecord]:
        """The newest `limit` records of these kinds, newest first."""
        with self._transaction() as session:
            rows = session.execute(select(LocalRecord).where(LocalRecord.kind.in_(kinds))
                                   .order_by(LocalRecord.created_at.desc()).limit(limit)).scalars().all()
            return [self._saved(r) for r in rows]

    def record(self, record_uuid: uuid.UUID) -> SavedRecord | None:
        with self._transaction() as session:
            row = session.get(LocalRecord, record_uuid)
            return self._saved(row) if row else None

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
            return [_outgoing(r, self._payload(r)) for r in rows]

    def acknowledge(self, uuids: list[uuid.UUID]) -> None:
        if not uuids:
            return
        now = datetime.now(UTC)
        with self._transaction() as session:
            session.execute(delete(OutboxEntry).where(OutboxEntry.record_uuid.in_(uuids)))
            session.execute(update(LocalRecord).where(LocalRecord.uuid.in_(uuids)).values(uploaded_at=now))
        self._changed()

    def purge(self, keep_days: float, now: datetime | None = None) -> Purged:
        """Remove the payloads of records the hall confirmed more than `keep_days` ago (0:
        every confirmed one), and the PDFs no unpurged `document` record names. A record
        the hall has not confirmed (pending, refused, conflict) is never touched, however
        old. What stays of a record: UUID, kind, times, content hash, case number, PDF hash."""
        moment = now or datetime.now(UTC)
        cutoff = moment - timedelta(days=keep_days)
        queued = select(OutboxEntry.record_uuid)
        with self._transaction() as session:
            due = (LocalRecord.uploaded_at.is_not(None), LocalRecord.uploaded_at <= cutoff,
                   LocalRecord.purged_at.is_(None), LocalRecord.uuid.not_in(queued))
            counts = dict(session.execute(select(LocalRecord.kind, func.count()).where(*due)
                                          .group_by(LocalRecord.kind)).all())
            if counts:
                session.execute(update(LocalRecord).where(*due).values(sealed=None, purged_at=moment))
            # A PDF goes once every record naming it is purged (its document record, its
            # print audits), never while one of them still waits for the hall.
            named = select(LocalRecord.sha256).where(LocalRecord.sha256.is_not(None))
            kept = named.where(LocalRecord.purged_at.is_(None))
            gone = named.where(LocalRecord.purged_at.is_not(None))
            documents = session.execute(delete(DocumentBlob).where(
                DocumentBlob.sha256.in_(gone), DocumentBlob.sha256.not_in(kept))).rowcount
        return Purged(counts, documents or 0)

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
