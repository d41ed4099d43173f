"""Enrolled devices as the admin sees them, revoking one (a stolen PC), and the uploads a
revoked device sent afterwards, kept on the server for review (its quarantine)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from workstation.domain.roles import DeviceKind

DEVICES_PREFIX = "/devices"
QUARANTINE_PREFIX = "/quarantine"
# Every refusal of a revoked device's request carries this header (value "revoked"), so a
# workstation tells it from any other refusal: it stops sending and says so.
DEVICE_REVOKED_HEADER = "X-Device-Revoked"


def revoked_words(reason: str | None, kept: bool | None = None) -> str:
    """What a revoked device is told, in Chinese and English. `kept`: for an upload, whether
    its body was kept on the server for review (None: a read, nothing to keep)."""
    why = (reason or "").strip() or "未注明原因 / no reason given"
    zh = f"此设备已被管理员停用（{why}）"
    en = f"this device was revoked by an administrator ({why})"
    if kept is True:
        zh += "，上传的数据已留存在服务器待审核"
        en += "; what it uploaded is kept on the server for review"
    elif kept is False:
        zh += "，上传的数据未能留存（本设备的待审核数据已达上限）"
        en += "; what it uploaded was not kept (this device's quarantine is full)"
    return f"{zh} / {en}"


class RevokeRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=200, description="why, for the record (a stolen PC, say)")


class DeviceOut(BaseModel):
    device_id: str
    name: str
    kind: DeviceKind
    window: int | None
    hall: str = "main"  # workstation.protocol.halls.DEFAULT_HALL
    enrolled_at: datetime
    last_seen_at: datetime | None = Field(
        None, description="the last use of a login session at it or the last record it uploaded, if any")
    revoked: bool
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoked_reason: str | None = None
    quarantined: int = Field(0, description="uploads refused after its revocation and kept for review")


class RevokeResult(BaseModel):
    device: DeviceOut
    already_revoked: bool = Field(description="it was revoked before: nothing changed but its sessions ending")
    sessions_ended: int


class QuarantinedOut(BaseModel):
    id: int
    device_id: str
    received_at: datetime
    last_received_at: datetime
    attempts: int = Field(description="how many times this same body arrived")
    method: str
    path: str
    content_type: str | None
    body_sha256: str
    size: int
    reason: str
