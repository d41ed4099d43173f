"""The admin's device endpoints: the enrolled devices, revoking one (a stolen PC), and the
quarantine of what revoked devices sent afterwards (its list without bodies, and one body)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import Response

from server import audit, devices
from server.auth import Principal, require
from server.db import Database
from server.events import EventBus
from workstation.domain.roles import Role
from workstation.protocol import API_PREFIX
from workstation.protocol import devices as wire

REVOKED_NOTICE = "devices.revoked"


def devices_router(db: Database, bus: EventBus) -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, tags=["devices"])
    admin_only = require(Role.ADMIN)

    @router.get(wire.DEVICES_PREFIX, response_model=list[wire.DeviceOut])
    def list_devices(_: Principal = Depends(admin_only)) -> list[wire.DeviceOut]:
        """Every enrolled device: its kind, window, enrolment, last use of a login session at
        it, and whether, when, by whom and why it was revoked."""
        with db.reading() as session:
            return devices.listing(session)

    @router.post(f"{wire.DEVICES_PREFIX}/{{device_id}}/revoke", response_model=wire.RevokeResult)
    def revoke(body: wire.RevokeRequest, device_id: Annotated[str, Path(min_length=1, max_length=36)],
               admin: Principal = Depends(admin_only)) -> wire.RevokeResult:
        """Revoke a device (a stolen PC): its token and its login sessions are refused at once
        in every server process, its open event streams end, and what it uploads from now
        on is refused and kept for review. Asked again, nothing changes."""
        if device_id == admin.device_id:
            raise HTTPException(status.HTTP_409_CONFLICT,
                                "this is the device you are calling from: revoke it from another PC "
                                "or with `main.py server revoke-device`")
        try:
            with db.session() as session:
                result, digests = devices.revoke(session, device_id, admin.username or "admin", body.reason)
                audit.append_for(session, admin, "admin.device_revoke", device_id, {
                    "reason": body.reason, "already_revoked": result.already_revoked,
                    "sessions_ended": result.sessions_ended})
        except LookupError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        bus.notice(REVOKED_NOTICE, {"device_id": device_id, "digests": digests})
        return result

    @router.get(wire.QUARANTINE_PREFIX, response_model=list[wire.QuarantinedOut])
    def list_quarantine(device_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
                        limit: Annotated[int, Query(ge=1, le=devices.MAX_PAGE)] = 200,
                        _: Principal = Depends(admin_only)) -> list[wire.QuarantinedOut]:
        """What revoked devices sent after their revocation, newest first: metadata and the
        body's SHA-256, not the bodies."""
        with db.reading() as session:
            return devices.quarantined(session, device_id, limit)

    @router.get(f"{wire.QUARANTINE_PREFIX}/{{upload_id}}", response_class=Response,
                responses={200: {"content": {"application/octet-stream": {}}}})
    def quarantined_body(upload_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                         admin: Principal = Depends(admin_only)) -> Response:
        """One kept upload's body, byte for byte as it came (as application/octet-stream; the
        content type it came with in X-Original-Content-Type)."""
        with db.reading() as session:
            row = devices.quarantined_body(session, upload_id)
            if row is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, f"no quarantined upload {upload_id}")
        # As the device sent it: records with applicants' data in full.
        audit.record(db, admin, "reveal.quarantined_upload", f"upload:{upload_id}", {
            "device_id": row.device_id, "path": row.path, "sha256": row.body_sha256})
        # Never served as what the device said it was (text/html from a thief, say).
        return Response(row.body, media_type="application/octet-stream",
                        headers={"X-Body-SHA256": row.body_sha256, "X-Content-Type-Options": "nosniff",
                                 "X-Original-Content-Type": (row.content_type or "").encode(
                                     "ascii", "replace").decode(),
                                 "Content-Disposition": f'attachment; filename="quarantined-{row.id}"'})

    return router
