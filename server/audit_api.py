"""The audit endpoints: the server's own trail and its verification under /api/v1/audit
(admins only); the alerts of broken workstation audit chains under /api/v1/monitoring/
audit-alerts (supervisors and admins), each acknowledgement audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from starlette.concurrency import run_in_threadpool

from server import audit, audit_chains
from server.auth import Principal, require
from server.db import Database
from workstation.domain.roles import Role
from workstation.protocol import API_PREFIX
from workstation.protocol import audit as wire
from workstation.protocol.monitoring import MONITORING_PREFIX

MAX_ID = 2**63 - 1


def _entry(row) -> wire.AuditEntry:
    return wire.AuditEntry(id=row.id, at=row.at, actor=row.actor, role=row.role, device_id=row.device_id,
                           action=row.action, object=row.object, details=row.details,
                           prev_hash=row.prev_hash, hash=row.hash)


def alerts_router(db: Database, bus) -> APIRouter:
    router = APIRouter(prefix=f"{API_PREFIX}{MONITORING_PREFIX}{wire.AUDIT_ALERTS_PATH}", tags=["monitoring"])
    supervising = require(Role.SUPERVISOR, Role.ADMIN)

    @router.get("", response_model=list[wire.AuditAlert])
    def alerts(open_only: Annotated[bool, Query(alias="open", description="only those not acknowledged yet")] = True,
               limit: Annotated[int, Query(ge=1, le=1000)] = 200,
               _: Principal = Depends(supervising)) -> list[wire.AuditAlert]:
        """Breaks found in the workstations' audit chains as their records arrived, newest first."""
        with db.reading() as session:
            return audit_chains.listed(session, open_only, limit)

    @router.post("/{alert_id}/acknowledge", response_model=wire.AuditAlert)
    def acknowledge(alert_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                    caller: Principal = Depends(supervising)) -> wire.AuditAlert:
        """The supervisor has seen the alert (and looked into it): it leaves the open list.
        409 when someone acknowledged it already."""
        try:
            with db.session() as session:
                done = audit_chains.acknowledge(session, alert_id, caller.username or caller.device_id)
                audit.append_for(session, caller, f"{caller.role.value}.audit_alert_acknowledge", f"alert:{alert_id}",
                                 {"device_id": done.device_id, "chain": done.chain, "seq": done.seq,
                                  "kind": str(done.kind)})
        except LookupError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        except audit_chains.AlreadyAcknowledged as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        bus.publish(wire.AuditEventType.ALERT_ACKNOWLEDGED.value, {"id": alert_id, "by": done.acknowledged_by},
                    audit_chains.SUPERVISING)
        return done

    return router


def audit_router(db: Database) -> APIRouter:
    router = APIRouter(prefix=f"{API_PREFIX}{wire.AUDIT_PREFIX}", tags=["audit"])
    admin = require(Role.ADMIN)

    @router.get("", response_model=wire.AuditPage)
    def entries(action: Annotated[str | None, Query(max_length=64, description=(
                    "an action (login.failed), or its start ending in a dot (reveal.)"))] = None,
                since: Annotated[datetime | None, Query(description="entries at or after (ISO 8601)")] = None,
                until: Annotated[datetime | None, Query(description="entries before (ISO 8601)")] = None,
                before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="entries with a smaller id")] = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                _: Principal = Depends(admin)) -> wire.AuditPage:
        """The trail newest first, a page at a time (`next_before` for the next)."""
        for moment in (since, until):
            if moment is not None and moment.tzinfo is None:
                raise HTTPException(422, "give times with their offset (e.g. 2026-12-04T08:00:00+08:00)")
            try:
                moment is not None and moment.astimezone(UTC)
            except OverflowError:
                raise HTTPException(422, f"{moment.isoformat()} is beyond the times the trail can hold") from None
        with db.reading() as session:
            rows = audit.page(session, action, since, until, before, limit)
        return wire.AuditPage(entries=[_entry(r) for r in rows],
                              next_before=rows[-1].id if len(rows) == limit else None)

    @router.get("/verify", response_model=wire.AuditVerdict)
    async def verify(_: Principal = Depends(admin)) -> wire.AuditVerdict:
        """Walk the whole chain: every entry's hash, its link to the one before, and the head."""

        def walk() -> audit.Verdict:
            with db.reading() as session:
                return audit.verify(session)

        verdict = await run_in_threadpool(walk)
        found = verdict.first_break
        return wire.AuditVerdict(ok=verdict.ok, checked=verdict.checked, first_id=verdict.first_id,
                                 last_id=verdict.last_id,
                                 first_break=wire.ChainBreak(id=found.id, kind=found.kind, detail=found.detail)
                                 if found else None)

    return router
