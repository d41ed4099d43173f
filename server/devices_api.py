"""The admin's device endpoints: the enrolled devices, revoking one (a stolen PC), and the
quarantine of what revoked devices sent afterwards (its list without bodies, and one body)."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import Response

from server import audit, devices
from server.auth import Principal, PrincipalCache, require
from server.db import Database
from server.events import EventBus
from workstation.domain.roles import Role
from workstation.protocol import API_PREFIX
from workstation.protocol import devices as wire

REVOKED_NOTICE = "devices.revoked"
DROPPED_NOTICE = "devices.revoked.dropped"  # a process's word that it dropped a revoked device's tokens
# How long a revocation waits for every other server process's word before it answers (a
# process restarting has nothing cached; what one has caches 10 s at most).
DROPPED_WAIT_SECONDS = 3.0

log = logging.getLogger("hall.devices")


class _Words:
    """The other processes' words that they dropped a revocation's tokens, by revocation."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._heard: dict[str, set[int]] = {}

    def expect(self, key: str) -> None:
        with self._changed:
            self._heard[key] = set()

    def heard(self, key: str, pid: int) -> None:
        with self._changed:
            if key in self._heard:
                self._heard[key].add(pid)
                self._changed.notify_all()

    def wait(self, key: str, count: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: len(self._heard[key]) >= count, timeout)
            return len(self._heard.pop(key))


def devices_router(db: Database, bus: EventBus, principals: PrincipalCache, processes: int = 1) -> APIRouter:
    """The endpoints, and every process's part of a revocation: at the notice it drops the
    device's tokens from its cache (`principals`) and ends its streams; with several
    `processes`, it says so, and the revoking request answers once each other one has."""
    router = APIRouter(prefix=API_PREFIX, tags=["devices"])
    admin_only = require(Role.ADMIN)
    words = _Words()

    def revoked(data: dict) -> None:
        digests = data.get("digests")
        if digests is None:  # revoked outside the API: which sessions it had is not said
            principals.clear()
        else:
            for digest in digests:
                principals.drop(digest)
        bus.close_device(str(data.get("device_id", "")))
        if data.get("key") and data.get("from") != os.getpid():
            bus.notice(DROPPED_NOTICE, {"key": data["key"], "pid": os.getpid()})

    bus.on_notice(REVOKED_NOTICE, revoked)
    bus.on_notice(DROPPED_NOTICE, lambda data: words.heard(str(data.get("key")), int(data.get("pid", 0))))

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
        others = processes - 1 if bus.shared else 0
        key = uuid.uuid4().hex
        if others:
            words.expect(key)
        bus.notice(REVOKED_NOTICE, {"device_id": device_id, "digests": digests, "key": key, "from": os.getpid()})
        if others:
            # Answered once no process can still let the device in from its cache.
            heard = words.wait(key, others, DROPPED_WAIT_SECONDS)
            if heard < others:
                log.warning("device %s revoked: %d of the %d other server processes said they dropped its "
                            "tokens within %.0f s (a process restarting has none cached)", device_id, heard,
                            others, DROPPED_WAIT_SECONDS)
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
