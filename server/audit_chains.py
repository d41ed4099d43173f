"""The workstations' audit chains, verified as their records arrive (server.records calls
`arrived` for every new `audit.*` record of an upload, in the upload's transaction).

Each chain's last link the hall holds is its row in audit_chain_heads. A new record must
continue it: the next seq, a prev_hash equal to the head's hash, and a hash of its own
that is right (workstation.domain.audit.chain_hash over its fields). Anything else raises
one audit_alerts row for that record, and an `audit.alert` event to supervisors once the
upload commits:

    altered    the record's content does not match its hash
    missing    seq jumps: the records in between never reached the hall
    forked     the record does not link to the head (a record replaced, a chain restarted,
               a seq the hall holds already)
    foreign    the chain's head belongs to another device
    malformed  no chain, seq, prev_hash or hash

The record is stored all the same (nothing is lost), and the head moves on to it (unless
it is foreign or behind the head), so one break raises one alert and the records after it
are checked against it: a record removed shows once, at the next one; a record changed
once, at itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import AuditAlert, AuditChainHead, Device, Record
from workstation.domain.audit import CHAIN_KEYS, GENESIS, chain_hash
from workstation.domain.roles import Role
from workstation.protocol import audit as wire

log = logging.getLogger("hall.audit")

KIND_PREFIX = "audit."
SUPERVISING = frozenset({Role.SUPERVISOR, Role.ADMIN})
_bus: list[Any] = []


def configure(bus) -> None:
    """The event bus alerts are announced on (server.app)."""
    _bus[:] = [bus]


def _well_formed(payload: Any) -> bool:
    return (isinstance(payload, dict) and all(k in payload for k in CHAIN_KEYS)
            and isinstance(payload["chain"], str) and bool(payload["chain"])
            and isinstance(payload["seq"], int) and not isinstance(payload["seq"], bool) and payload["seq"] >= 1
            and isinstance(payload["prev_hash"], str) and isinstance(payload["hash"], str))


def _own_hash_right(payload: dict[str, Any]) -> bool:
    fields = {k: v for k, v in payload.items() if k not in ("prev_hash", "hash")}
    try:
        return chain_hash(payload["prev_hash"], fields) == payload["hash"]
    except (TypeError, ValueError):
        return False


def _problem(head: AuditChainHead, device_id: str, payload: dict[str, Any]) -> tuple[str, str] | None:
    seq = payload["seq"]
    if head.device_id != device_id:
        return wire.AlertKind.FOREIGN, f"chain {head.chain} is device {head.device_id}'s; {device_id} sent #{seq}"
    if not _own_hash_right(payload):
        return wire.AlertKind.ALTERED, f"record #{seq}'s content does not match its hash: it was changed"
    if seq <= head.seq:
        return wire.AlertKind.FORKED, (f"record #{seq} arrived again with other content or under another id: "
                                       f"the hall holds the chain up to #{head.seq}")
    if seq > head.seq + 1:
        gap = f"#{head.seq + 1}" if seq == head.seq + 2 else f"#{head.seq + 1}–#{seq - 1}"
        return wire.AlertKind.MISSING, f"record {gap} never reached the hall (the next one held is #{seq})"
    if payload["prev_hash"] != head.hash:
        what = "the genesis hash" if head.seq == 0 else f"record #{head.seq}"
        return wire.AlertKind.FORKED, (f"record #{seq} does not link to {what}: "
                                       "a record was replaced or the chain started again")
    return None


def arrived(session: Session, device_id: str, rows: Iterable[Record]) -> list[AuditAlert]:
    """Check the new audit records of one upload against their chains' heads, in seq order
    per chain; move the heads on, add an alert per break. Returns the alerts added."""
    now = datetime.now(UTC)
    alerts: list[AuditAlert] = []
    ordered: list[tuple[str, int, Record]] = []
    for row in rows:
        payload = row.payload
        if not _well_formed(payload):
            chain = payload.get("chain") if isinstance(payload, dict) else None
            alerts.append(AuditAlert(raised_at=now, device_id=device_id, chain=str(chain or device_id)[:64],
                                     seq=None, kind=wire.AlertKind.MALFORMED.value,
                                     detail=f"{row.kind} record {row.uuid} lacks its chain, seq, prev_hash or hash",
                                     record_uuid=row.uuid, acknowledged_at=None, acknowledged_by=None))
            continue
        ordered.append((payload["chain"][:64], payload["seq"], row))
    ordered.sort(key=lambda item: (item[0], item[1]))
    heads: dict[str, AuditChainHead] = {}
    for chain, seq, row in ordered:
        head = heads.get(chain)
        if head is None:
            head = session.execute(select(AuditChainHead).where(AuditChainHead.chain == chain)
                                   .with_for_update()).scalar_one_or_none()
            if head is None:
                head = AuditChainHead(chain=chain, device_id=device_id, seq=0, hash=GENESIS,
                                      record_uuid=None, updated_at=now)
                session.add(head)
            heads[chain] = head
        found = _problem(head, device_id, row.payload)
        if found is not None:
            kind, detail = found
            log.warning("audit chain %s of device %s: %s: %s", chain, device_id, kind, detail)
            alerts.append(AuditAlert(raised_at=now, device_id=device_id, chain=chain, seq=seq, kind=str(kind),
                                     detail=detail[:500], record_uuid=row.uuid, acknowledged_at=None,
                                     acknowledged_by=None))
        if kind_moves_head(found) and seq > head.seq:
            head.seq, head.hash, head.record_uuid, head.updated_at = seq, row.payload["hash"][:64], row.uuid, now
    if alerts:
        session.add_all(alerts)
        session.flush()
        _announce(session, alerts)
    return alerts


def kind_moves_head(found: tuple[str, str] | None) -> bool:
    return found is None or found[0] != wire.AlertKind.FOREIGN


def _announce(session: Session, alerts: list[AuditAlert]) -> None:
    if not _bus:
        return
    from server.db import after_commit

    bus = _bus[0]
    items = [(wire.AuditEventType.ALERT_RAISED.value,
              {"id": a.id, "device_id": a.device_id, "kind": a.kind, "seq": a.seq}, SUPERVISING) for a in alerts]
    after_commit(session, lambda: bus.publish_all(items))


# -- the supervisor's view ---------------------------------------------------------------------


def listed(session: Session, open_only: bool, limit: int) -> list[wire.AuditAlert]:
    query = (select(AuditAlert, Device.name, Device.window)
             .outerjoin(Device, Device.id == AuditAlert.device_id))
    if open_only:
        query = query.where(AuditAlert.acknowledged_at.is_(None))
    rows = session.execute(query.order_by(AuditAlert.raised_at.desc(), AuditAlert.id.desc()).limit(limit)).all()
    return [_out(alert, name, window) for alert, name, window in rows]


def _out(alert: AuditAlert, name: str | None, window: int | None) -> wire.AuditAlert:
    return wire.AuditAlert(id=alert.id, raised_at=alert.raised_at, device_id=alert.device_id, device_name=name,
                           window=window, chain=alert.chain, seq=alert.seq, kind=alert.kind, detail=alert.detail,
                           record_uuid=alert.record_uuid, acknowledged_at=alert.acknowledged_at,
                           acknowledged_by=alert.acknowledged_by)


class AlreadyAcknowledged(Exception):
    pass


def acknowledge(session: Session, alert_id: int, by: str) -> wire.AuditAlert:
    """LookupError: no such alert; AlreadyAcknowledged: someone did already."""
    alert = session.execute(select(AuditAlert).where(AuditAlert.id == alert_id).with_for_update()).scalar_one_or_none()
    if alert is None:
        raise LookupError(f"no audit alert {alert_id}")
    if alert.acknowledged_at is not None:
        raise AlreadyAcknowledged(f"audit alert {alert_id} was acknowledged by {alert.acknowledged_by} "
                                  f"at {alert.acknowledged_at:%Y-%m-%d %H:%M} UTC")
    alert.acknowledged_at, alert.acknowledged_by = datetime.now(UTC), by[:64]
    device = session.get(Device, alert.device_id)
    return _out(alert, device.name if device else None, device.window if device else None)
