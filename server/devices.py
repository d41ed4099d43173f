"""Enrolled devices for the admin, revoking one (a stolen PC), and the quarantine: what a
revoked device uploads afterwards is refused and kept here for review, never stored as
the hall's records.

A revoked device's token, and every login session at it, is refused from the moment the
revocation commits (server.auth.resolve): each server process drops what it cached of
them at the `devices.revoked` notice (server.app), and the leader also notices a device
revoked outside the API (the command line, on a SQLite hall too) within WATCH_SECONDS."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.models import Device, LoginSession, QuarantinedUpload
from workstation.domain.roles import DeviceKind
from workstation.protocol import API_PREFIX
from workstation.protocol.devices import DeviceOut, QuarantinedOut, RevokeResult

log = logging.getLogger("hall.devices")

# What one revoked device may leave in the quarantine: past it, its uploads are refused all
# the same but no longer kept (a stolen PC's token must not fill the hall's disk).
QUARANTINE_MAX_BYTES = 256 * 1024 * 1024
WATCH_SECONDS = 5.0
MAX_PAGE = 1000


def is_upload(method: str, path: str) -> bool:
    """The requests whose bodies are the hall's data (the outbox's records, documents' PDFs):
    kept when a revoked device sends them. Nothing else is kept: a login's body holds a
    password, a search's an ID number."""
    return ((method == "POST" and path == f"{API_PREFIX}/records")
            or (method == "PUT" and path.startswith(f"{API_PREFIX}/documents/")))


def device_out(device: Device, last_seen: datetime | None = None, quarantined: int = 0) -> DeviceOut:
    return DeviceOut(device_id=device.id, name=device.name, kind=DeviceKind(device.kind), window=device.window,
                     hall=device.hall, enrolled_at=device.enrolled_at, last_seen_at=last_seen, revoked=bool(device.revoked),
                     revoked_at=device.revoked_at, revoked_by=device.revoked_by,
                     revoked_reason=device.revoked_reason, quarantined=quarantined)


def listing(session: Session) -> list[DeviceOut]:
    """Every enrolled device, by kind, window and name."""
    seen = dict(session.execute(
        select(LoginSession.device_id, func.max(func.coalesce(LoginSession.last_seen_at, LoginSession.created_at)))
        .group_by(LoginSession.device_id)).all())
    kept = dict(session.execute(select(QuarantinedUpload.device_id, func.count())
                                .group_by(QuarantinedUpload.device_id)).all())
    devices = session.execute(select(Device).order_by(Device.kind, Device.window, Device.name, Device.id)).scalars()
    return [device_out(d, _aware(seen.get(d.id)), kept.get(d.id, 0)) for d in devices]


def _aware(moment: datetime | None) -> datetime | None:
    """An aggregate's datetime: SQLite hands it back as text or naive (it is UTC)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def revoke(session: Session, device_id: str, by: str, reason: str) -> tuple[RevokeResult, list[str]]:
    """Revoke a device: its token and its login sessions are refused from the commit on.
    Idempotent: a device revoked before keeps its first when, by whom and why (its open
    sessions, if any, end all the same). Returns the answer and the token hashes to drop
    from every process's cache. LookupError for an unknown device."""
    device = session.execute(select(Device).where(Device.id == device_id).with_for_update()).scalar_one_or_none()
    if device is None:
        raise LookupError(f"no device {device_id!r}")
    already = bool(device.revoked)
    now = datetime.now(UTC)
    if not already:
        device.revoked, device.revoked_at = True, now
        device.revoked_by, device.revoked_reason = by[:64], reason.strip()[:200]
    ended = list(session.execute(select(LoginSession.token_hash).where(
        LoginSession.device_id == device_id, LoginSession.ended_at.is_(None),
        LoginSession.expires_at > now)).scalars())
    if ended:
        session.execute(update(LoginSession).where(LoginSession.token_hash.in_(ended)).values(ended_at=now))
    log.warning("device %s (%s, window %s) %s by %s: %s; %d sessions ended", device.id, device.kind,
                device.window, "was already revoked, asked again" if already else "revoked", by,
                device.revoked_reason, len(ended))
    return RevokeResult(device=device_out(device), already_revoked=already, sessions_ended=len(ended)), \
        [device.token_hash, *ended]


def revoked_ids(session: Session) -> set[str]:
    return set(session.execute(select(Device.id).where(Device.revoked.is_(True))).scalars())


def quarantine(db, device_id: str, method: str, path: str, content_type: str | None, body: bytes,
               reason: str) -> bool:
    """Keep what a revoked device sent (its body, as it came): the same body again counts
    on its row. False when it was not kept (the device's quarantine is full)."""
    digest = hashlib.sha256(body).hexdigest()
    now = datetime.now(UTC)
    for attempt in range(2):
        try:
            with db.session() as session:
                again = session.execute(update(QuarantinedUpload).where(
                    QuarantinedUpload.device_id == device_id, QuarantinedUpload.body_sha256 == digest)
                    .values(attempts=QuarantinedUpload.attempts + 1, last_received_at=now)).rowcount
                if again:
                    log.warning("revoked device %s sent the same %d bytes to %s %s again: counted", device_id,
                                len(body), method, path)
                    return True
                used = session.execute(select(func.coalesce(func.sum(QuarantinedUpload.size), 0))
                                       .where(QuarantinedUpload.device_id == device_id)).scalar_one()
                if used + len(body) > QUARANTINE_MAX_BYTES:
                    log.error("revoked device %s sent %d bytes to %s %s: refused and NOT kept, its quarantine "
                              "holds %d bytes already", device_id, len(body), method, path, used)
                    return False
                session.add(QuarantinedUpload(
                    device_id=device_id, received_at=now, last_received_at=now, attempts=1, method=method[:8],
                    path=path[:300], content_type=(content_type or None) and content_type[:100],
                    body_sha256=digest, size=len(body), body=body, reason=reason[:300]))
            log.warning("revoked device %s sent %d bytes to %s %s: refused and kept for review (sha256 %s)",
                        device_id, len(body), method, path, digest)
            return True
        except IntegrityError:
            # The same body from another request at the same moment: counted on its row next time round.
            if attempt:
                raise
    return True  # pragma: no cover - the loop returns or raises


def quarantined(session: Session, device_id: str | None, limit: int) -> list[QuarantinedOut]:
    """The kept uploads, newest first, without their bodies."""
    columns = [c for c in QuarantinedUpload.__table__.columns if c.name != "body"]
    query = select(*columns).order_by(QuarantinedUpload.last_received_at.desc(), QuarantinedUpload.id.desc())
    if device_id is not None:
        query = query.where(QuarantinedUpload.device_id == device_id)
    return [QuarantinedOut(id=r.id, device_id=r.device_id, received_at=_aware(r.received_at),
                           last_received_at=_aware(r.last_received_at), attempts=r.attempts, method=r.method,
                           path=r.path, content_type=r.content_type, body_sha256=r.body_sha256, size=r.size,
                           reason=r.reason)
            for r in session.execute(query.limit(limit)).all()]


def quarantined_body(session: Session, upload_id: int) -> QuarantinedUpload | None:
    return session.get(QuarantinedUpload, upload_id)
