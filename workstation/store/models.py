"""The workstation's local store: its own records, their outbox, and cached reference data."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime}


class LocalRecord(Base):
    """A record this window created (a case, a check, an audit entry, a rating…).

    Its payload is kept sealed (workstation.store.crypto: AES-GCM under the store's key,
    bound to the UUID). Some days after the hall confirmed it (`[privacy] keep_days`) the
    payload is purged; what stays names the record and what it was, nothing about the
    person: UUID, kind, times, the hall's content hash, and the case number and PDF hash
    that the window's look-ups (rated already? which print copy?) go by."""

    __tablename__ = "records"

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once purged
    # SHA-256 of canonical JSON of kind, created_at and payload: the hall's content hash.
    content_sha256: Mapped[str] = mapped_column(String(64))
    case_number: Mapped[str | None] = mapped_column(String(64), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    uploaded_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]


class OutboxEntry(Base):
    """A record still to reach the hall server. Written in the same transaction as the
    record, deleted when the server acknowledges it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_uuid: Mapped[uuid.UUID] = mapped_column(ForeignKey("records.uuid"), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # "pending"; "refused" when the hall refused the record (its reason in last_error);
    # "conflict" when the server holds other content under the UUID.
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    last_error: Mapped[str | None] = mapped_column(Text)


class DocumentBlob(Base):
    """A document this window issued (a PDF), kept by the SHA-256 of its bytes, sealed
    like a record's payload (bound to that SHA-256). The `document` record that names it
    goes through the outbox; the uploader sends these bytes first. Deleted by the purge
    once no unpurged `document` record names it."""

    __tablename__ = "document_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class CachedReference(Base):
    """The latest value of one piece of reference data pulled from the hall server."""

    __tablename__ = "reference_cache"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class SyncState(Base):
    """Small named values the sync keeps between runs (the reference cursor…)."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
