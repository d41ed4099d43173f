"""The monitoring endpoints, under /api/v1/monitoring, for supervisors and admins only:
the hall now, statistics and their export, and the window load advice (动态调整). The
queries are server.monitoring's; 电子监察's deadlines are server.cases'."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from starlette.concurrency import run_in_threadpool

from server import audit, monitoring, reference
from server.auth import Principal, require
from server.db import Database
from server.events import EVERYONE, EventBus
from server.halls import window_hall
from server.queue import QueueService
from server.queue_api import HallCode, in_hall
from workstation.domain import load
from workstation.domain.roles import Role
from workstation.protocol import API_PREFIX
from workstation.protocol import monitoring as wire
from workstation.protocol.events import EventType
from workstation.protocol.reference import ChangeAck, ReferenceKind

MEDIA_TYPES = {
    wire.ExportFormat.CSV: "text/csv; charset=utf-8",
    wire.ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def monitoring_router(db: Database, bus: EventBus, queue: QueueService) -> APIRouter:
    """The monitoring endpoints over the hall's database, event bus (which knows the
    windows' presence) and queue service (its clock and the hall's time zone)."""
    router = APIRouter(prefix=f"{API_PREFIX}{wire.MONITORING_PREFIX}", tags=["monitoring"])
    supervising = require(Role.SUPERVISOR, Role.ADMIN)
    zone = queue.settings.timezone

    def read_hall(hall: str) -> wire.HallNow:
        now = queue.now()
        with db.reading() as session:
            return monitoring.hall_now(session.connection(), now, queue.today(now), bus.online_windows(), hall)

    def read_statistics(first: date, last: date) -> wire.Statistics:
        try:
            monitoring.check_range(first, last)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        with db.reading() as session:
            return monitoring.statistics(session.connection(), first, last, zone, queue.today(queue.now()))

    @router.get("/hall", response_model=wire.HallNow)
    async def hall(hall: HallCode = None, caller: Principal = Depends(supervising)) -> wire.HallNow:
        """Every window (clerk, serving/idle/paused with its whereabouts/offline/closed,
        AB角), each business type's queue and today's averages, and the tickets waiting
        past the hall's limit (supervision.wait_limit_minutes). Cheap enough to read again
        on every event. One hall: the device's, or `hall` if the caller is given it."""
        return await run_in_threadpool(read_hall, in_hall(caller, hall))

    @router.get("/statistics", response_model=wire.Statistics)
    async def statistics(first: Annotated[date, Query(alias="from")], last: Annotated[date, Query(alias="to")],
                         _: Principal = Depends(supervising)) -> wire.Statistics:
        """The service days from…to (hall time, inclusive; at most 366 days)."""
        return await run_in_threadpool(read_statistics, first, last)

    @router.get("/statistics/export", response_class=Response,
                responses={200: {"content": {MEDIA_TYPES[wire.ExportFormat.XLSX]: {}, "text/csv": {}}}})
    async def export(first: Annotated[date, Query(alias="from")], last: Annotated[date, Query(alias="to")],
                     fmt: Annotated[wire.ExportFormat, Query(alias="format")] = wire.ExportFormat.XLSX,
                     caller: Principal = Depends(supervising)) -> Response:
        """The same figures as the hall's monthly report: XLSX (a sheet per grouping) or
        CSV (UTF-8 with a byte order mark)."""
        stats = await run_in_threadpool(read_statistics, first, last)
        body = await run_in_threadpool(monitoring.render, stats, fmt)
        name = f"statistics-{first.isoformat()}-{last.isoformat()}.{fmt.value}"
        await run_in_threadpool(audit.record, db, caller, "export.statistics", name, {
            "from": first.isoformat(), "to": last.isoformat(), "format": fmt.value, "bytes": len(body)})
        return Response(body, media_type=MEDIA_TYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @router.get("/advice", response_model=wire.LoadAdvice)
    async def advice(threshold_minutes: Annotated[float, Query(ge=1, le=600)] = load.DEFAULT_THRESHOLD_MINUTES,
                     hall: HallCode = None, caller: Principal = Depends(supervising)) -> wire.LoadAdvice:
        """动态调整: which business type needs another window (estimated wait over
        `threshold_minutes`) and which open window of the hall could take it, with the arithmetic."""
        hall_now = await run_in_threadpool(read_hall, in_hall(caller, hall))
        return monitoring.advice(hall_now, threshold_minutes)

    def apply(body: wire.ApplyAdvice, caller: Principal) -> ChangeAck:
        with db.session() as session:
            current = {e["number"]: e for e in reference.current(session, ReferenceKind.WINDOW)}
            window = current.get(body.window)
            if window is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, f"no window {body.window}")
            if not caller.may_see(window_hall(window)):
                raise HTTPException(status.HTTP_403_FORBIDDEN, f"window {body.window} belongs to hall "
                                    f"{window_hall(window)!r}: this device works in hall "
                                    f"{', '.join(sorted(caller.halls))} only")
            known = {e["code"] for e in reference.current(session, ReferenceKind.BUSINESS_TYPE)}
            unknown = [code for code in body.business_types if code not in known]
            if unknown:
                raise HTTPException(422,
                                    f"no business type {', '.join(unknown)}")
            before = reference.head(session)
            types = list(dict.fromkeys(body.business_types))
            entry = reference.put(session, ReferenceKind.WINDOW, {**window, "business_types": types})
            audit.append_for(session, caller, f"{caller.role.value}.advice_apply", f"window/{body.window}", {
                "before": window.get("business_types", []), "after": types, "revision": entry.revision})
        ack = ChangeAck(kind=ReferenceKind.WINDOW, key=entry.key, revision=entry.revision,
                        changed_at=entry.changed_at)
        if entry.revision > before:
            # Workstations pull the change; the queue reads the new value at its next operation.
            bus.publish(EventType.REFERENCE_CHANGED, {"kind": entry.kind, "key": entry.key,
                                                      "revision": entry.revision}, EVERYONE)
        return ack

    @router.post("/advice/apply", response_model=ChangeAck)
    async def apply_advice(body: wire.ApplyAdvice, caller: Principal = Depends(supervising)) -> ChangeAck:
        """The window serves these business types from now on: its reference entry changes
        (a new revision, `reference.changed`), so its next call serves them and the clerk's
        workstation follows."""
        return await run_in_threadpool(apply, body, caller)

    return router
