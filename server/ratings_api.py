"""The ratings' HTTP endpoints, under /api/v1/ratings, for supervisors and admins: the
bad-rating follow-up tasks and the export in the national field set. Ratings themselves
arrive as `rating` records through POST /records."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status

from server import audit, ratings
from server.auth import Principal, require
from server.db import Database
from server.events import EventBus
from workstation.domain.rating import FollowUpRefused
from workstation.domain.roles import Role
from workstation.protocol import API_PREFIX
from workstation.protocol import ratings as wire

TaskId = Annotated[int, Path(ge=1, le=2**63 - 1)]  # BIGINT: a larger id is refused, not overflowed
MEDIA_TYPES = {wire.ExportFormat.CSV: "text/csv; charset=utf-8", wire.ExportFormat.JSON: "application/json"}


def ratings_router(db: Database, bus: EventBus, settings: ratings.RatingSettings) -> APIRouter:
    """The ratings endpoints over one database, the app's event bus and the hall's rating
    settings (which the records upload's rating index uses too)."""
    ratings.configure(settings)
    router = APIRouter(prefix=f"{API_PREFIX}{wire.RATINGS_PREFIX}", tags=["ratings"])
    supervising = require(Role.SUPERVISOR, Role.ADMIN)

    @router.get("/follow-ups", response_model=list[wire.FollowUpSummary])
    def follow_ups(view: wire.FollowUpFilter = wire.FollowUpFilter.OPEN,
                   limit: Annotated[int, Query(ge=1, le=2000)] = 500,
                   _: Principal = Depends(supervising)) -> list[wire.FollowUpSummary]:
        """Open tasks (overdue ones first and flagged), only the overdue, the closed, or all."""
        with db.reading() as session:
            return ratings.follow_ups(session, view, settings.today(), limit)

    @router.get("/follow-ups/{task_id}", response_model=wire.FollowUpDetail)
    def follow_up(task_id: TaskId, caller: Principal = Depends(supervising)) -> wire.FollowUpDetail:
        with db.reading() as session:
            try:
                found = ratings.follow_up_detail(session, task_id, settings.today())
            except LookupError as exc:
                raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        # The answer carries the applicant's call-back phone in full (the desk masks it
        # until the supervisor reveals it, auditing that in its own chain).
        audit.record(db, caller, "reveal.follow_up", f"follow-up:{task_id}", {
            "case_number": found.case_number, "phone": bool(found.rating.phone)})
        return found

    @router.post("/follow-ups/{task_id}/actions", response_model=wire.FollowUpDetail)
    def act(task_id: TaskId, body: wire.FollowUpActionIn,
            caller: Principal = Depends(supervising)) -> wire.FollowUpDetail:
        """contact (回访, with the call's notes; may be repeated), then rectify or explain
        (with what was done or said), then close. 409 names the state when not allowed."""
        try:
            return ratings.act(db, task_id, body.action, body.note, caller, bus)
        except LookupError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        except FollowUpRefused as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None

    @router.get("/export", response_class=Response,
                responses={200: {"content": {"text/csv": {}, "application/json": {}}}})
    def export(first: Annotated[date, Query(alias="from")], last: Annotated[date, Query(alias="to")],
               fmt: Annotated[wire.ExportFormat, Query(alias="format")] = wire.ExportFormat.CSV,
               caller: Principal = Depends(supervising)) -> Response:
        """The ratings given on the days from…to (inclusive, hall time) in the national
        field set: CSV (UTF-8 with a byte order mark) or JSON."""
        with db.reading() as session:
            try:
                rows = ratings.export_rows(session, first, last, settings.timezone)
            except ValueError as exc:
                raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
        name = f"ratings-{first.isoformat()}-{last.isoformat()}.{fmt.value}"
        audit.record(db, caller, "export.ratings", name, {
            "from": first.isoformat(), "to": last.isoformat(), "format": fmt.value, "rows": len(rows)})
        return Response(wire.render_export(rows, fmt), media_type=MEDIA_TYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return router
