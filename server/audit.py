"""The hall server's own audit trail: append-only and hash-chained (table server_audit).

What is recorded: every change an admin or a supervisor makes (the `Recorder` middleware
notes each of their successful non-GET requests; the actions that matter write an entry of
their own with what they changed, in the same transaction), every answer that reveals
personal data (a follow-up's call-back phone, raw records, a document's PDF, a case looked
up), every export, failed logins and lockouts, and the admin commands IT runs (`actor`
"cli"). No entry holds a raw ID number: a lookup by ID number notes its masked form and its
keyed hash (server.id_hash).

The chain. Entry n (its `id`, 1, 2, 3…) carries `prev_hash`, the hash of entry n-1 (64
zeros for the first), and

    hash = SHA-256 of canonical_json({"id", "at", "actor", "role", "device_id", "action",
                                      "object", "details", "prev_hash"})

where `at` is the entry's UTC time in ISO 8601 with microseconds and "+00:00", and canonical_json is the
workstations' (workstation.domain.audit: keys sorted, no spaces, UTF-8, no NaN). So a
changed entry breaks its own hash, a removed one the run of ids and the next prev_hash,
and a removed tail shows against server_audit_head, the one row every append locks first
(SELECT … FOR UPDATE on PostgreSQL; on SQLite the write transaction, BEGIN IMMEDIATE,
already admits one writer at a time). Appends from several server processes (--workers)
therefore wait for each other and the chain never forks. Call `append` last in a
transaction, so the head row's lock is held for the commit only.

Database triggers (migration 0019) refuse UPDATE, TRUNCATE, and a DELETE of an entry less
than 180 days old. Entries older than that may be deleted from the oldest on: `verify`
then starts at the first entry left (and says which).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import ServerAudit, ServerAuditHead
from workstation.domain.audit import GENESIS, canonical_json

log = logging.getLogger("hall.audit")

KEEP_DAYS = 180
HEAD_ID = 1
CLI = "cli"  # the actor of the admin commands IT runs on the server
SERVER = "server"  # the actor of what the server does by itself


def entry_hash(entry: Mapping[str, Any]) -> str:
    """The hash of an entry given as a mapping of its columns (prev_hash included, hash not)."""
    at = entry["at"]
    if isinstance(at, str):  # as the API answers it (…Z)
        at = datetime.fromisoformat(at)
    at = at.astimezone(UTC).isoformat(timespec="microseconds")  # 2026-12-04T08:00:00.000000+00:00
    body = {"id": entry["id"], "at": at, "actor": entry["actor"], "role": entry["role"],
            "device_id": entry["device_id"], "action": entry["action"], "object": entry["object"],
            "details": entry["details"], "prev_hash": entry["prev_hash"]}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def _row_hash(row: ServerAudit) -> str:
    return entry_hash({"id": row.id, "at": row.at, "actor": row.actor, "role": row.role,
                       "device_id": row.device_id, "action": row.action, "object": row.object,
                       "details": row.details, "prev_hash": row.prev_hash})


# -- the request being served ------------------------------------------------------------


@dataclass
class RequestNote:
    """What the Recorder middleware knows of the request it serves: who calls (set by
    server.auth.principal) and whether the handler wrote an entry of its own."""

    method: str
    path: str
    caller: Any = None  # server.auth.Principal
    audited: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


_request: contextvars.ContextVar[RequestNote | None] = contextvars.ContextVar("audit_request", default=None)


def current_request() -> RequestNote | None:
    return _request.get()


def begin_request(note: RequestNote) -> contextvars.Token:
    return _request.set(note)


def end_request(token: contextvars.Token) -> None:
    _request.reset(token)


def note_caller(caller: Any) -> None:
    note = _request.get()
    if note is not None:
        note.caller = caller


# -- appending ------------------------------------------------------------------------------


def _clip(value: str | None, size: int) -> str | None:
    return None if value is None else str(value)[:size]


def append(session: Session, actor: str, role: str | None, device_id: str | None, action: str,
           object: str | None = None, details: Mapping[str, Any] | None = None) -> ServerAudit:
    """Append one entry in the session's transaction (which must be a writing one:
    Database.session), chained under the head row's lock. Committed or rolled back with
    what the transaction does, so an action and its entry stand or fall together."""
    head = session.execute(select(ServerAuditHead).where(ServerAuditHead.id == HEAD_ID)
                           .with_for_update().execution_options(populate_existing=True)).scalar_one()
    # Round-trip the details so what is hashed is exactly what the JSON column gives back.
    stored = json.loads(canonical_json(dict(details or {})))
    row = ServerAudit(id=head.seq + 1, at=datetime.now(UTC), actor=_clip(actor, 100) or SERVER,
                      role=_clip(role, 16), device_id=_clip(device_id, 36), action=_clip(action, 64),
                      object=_clip(object, 200), details=stored, prev_hash=head.hash, hash="")
    row.hash = _row_hash(row)
    session.add(row)
    head.seq, head.hash = row.id, row.hash
    session.flush()
    note = _request.get()
    if note is not None:
        note.audited = True
    return row


def append_for(session: Session, caller: Any, action: str, object: str | None = None,
               details: Mapping[str, Any] | None = None) -> ServerAudit:
    """`append` for a request's caller (server.auth.Principal): the person logged in, or the
    device itself."""
    role = caller.role.value if getattr(caller, "role", None) is not None else None
    actor = caller.username or f"device:{caller.device_id}"
    return append(session, actor, role, caller.device_id, action, object, details)


def record(db, caller: Any, action: str, object: str | None = None,
           details: Mapping[str, Any] | None = None) -> None:
    """An entry of its own transaction: for a read that reveals personal data, written
    (and committed) before the answer leaves."""
    with db.session() as session:
        append_for(session, caller, action, object, details)


# -- reading and verifying ---------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    id: int | None
    kind: str  # altered, missing, relinked, truncated, head
    detail: str


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    first_id: int | None
    last_id: int | None
    first_break: Break | None


def verify(session: Session, chunk: int = 2000) -> Verdict:
    """Walk the chain from its first entry left: ids run on by one, each entry links to the
    one before and its hash is right, and the last entry is the head's. The first break
    found, if any."""
    head = session.get(ServerAuditHead, HEAD_ID)
    checked, first_id, previous = 0, None, None  # previous: (id, hash)
    after = 0
    while True:
        rows = session.execute(select(ServerAudit).where(ServerAudit.id > after)
                               .order_by(ServerAudit.id).limit(chunk)).scalars().all()
        if not rows:
            break
        for row in rows:
            checked += 1
            if first_id is None:
                first_id = row.id
                if row.id == 1 and row.prev_hash != GENESIS:
                    return _broken(checked, first_id, row.id, "relinked",
                                   "the first entry does not start from the genesis hash")
            elif row.id != previous[0] + 1:
                return _broken(checked, first_id, row.id, "missing",
                               f"entries #{previous[0] + 1}–#{row.id - 1} are missing")
            elif row.prev_hash != previous[1]:
                return _broken(checked, first_id, row.id, "relinked",
                               f"entry #{row.id} does not link to entry #{previous[0]}")
            if _row_hash(row) != row.hash:
                return _broken(checked, first_id, row.id, "altered",
                               f"entry #{row.id} does not match its hash: it was changed")
            previous = (row.id, row.hash)
        after = rows[-1].id
        session.expunge_all()
    last_id = previous[0] if previous else None
    if head is None:
        return _broken(checked, first_id, None, "head", "the chain's head row is missing", last_id)
    if previous is None:
        if head.seq != 0:
            return _broken(0, None, head.seq, "truncated",
                           f"the head names entry #{head.seq} but there are no entries", None)
    elif head.seq != previous[0] or head.hash != previous[1]:
        if head.seq > previous[0]:
            return _broken(checked, first_id, head.seq, "truncated",
                           f"the head names entry #{head.seq}, the last entry is #{previous[0]}: "
                           "entries were removed from the end", last_id)
        return _broken(checked, first_id, previous[0], "head",
                       f"the last entry #{previous[0]} is not the one the head names (#{head.seq})", last_id)
    return Verdict(True, checked, first_id, last_id, None)


def _broken(checked: int, first_id: int | None, at: int | None, kind: str, detail: str,
            last_id: int | None = None) -> Verdict:
    return Verdict(False, checked, first_id, last_id, Break(at, kind, detail))


def page(session: Session, action: str | None = None, since: datetime | None = None,
         until: datetime | None = None, before: int | None = None, limit: int = 100) -> list[ServerAudit]:
    """Entries newest first, `before` an id (for the next page), within the filters; `action`
    matches exactly or, ending in '.', as a prefix ("reveal.")."""
    query = select(ServerAudit)
    if action:
        query = query.where(ServerAudit.action.startswith(action, autoescape=True) if action.endswith(".")
                            else ServerAudit.action == action)
    if since is not None:
        query = query.where(ServerAudit.at >= since)
    if until is not None:
        query = query.where(ServerAudit.at < until)
    if before is not None:
        query = query.where(ServerAudit.id < before)
    return list(session.execute(query.order_by(ServerAudit.id.desc()).limit(limit)).scalars())


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(ServerAudit)).scalar_one()
