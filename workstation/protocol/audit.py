"""The hall's audit on the wire: the server's own trail (/api/v1/audit, admins only) and the
alerts raised when a workstation's uploaded audit chain breaks (/api/v1/monitoring/
audit-alerts, supervisors and admins). Entries carry masked personal data only."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

AUDIT_PREFIX = "/audit"
AUDIT_ALERTS_PATH = "/audit-alerts"  # under MONITORING_PREFIX


class AuditEventType(StrEnum):
    # {"id": n, "device_id": …, "kind": …, "seq": n}: a workstation's audit chain broke as
    # its records arrived (to supervisors and admins)
    ALERT_RAISED = "audit.alert"
    # {"id": n, "by": username}: a supervisor acknowledged an alert
    ALERT_ACKNOWLEDGED = "audit.alert_acknowledged"


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    role: str | None = None
    device_id: str | None = None
    action: str
    object: str | None = None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    entries: list[AuditEntry] = Field(description="newest first")
    next_before: int | None = Field(None, description="pass as `before` for the next (older) page")


class ChainBreak(BaseModel):
    id: int | None = Field(None, description="the entry where the chain breaks")
    kind: str = Field(description="altered, missing, relinked, truncated or head")
    detail: str


class AuditVerdict(BaseModel):
    ok: bool
    checked: int = Field(description="entries checked")
    first_id: int | None = Field(None, description="the oldest entry left (older ones may have been "
                                                   "deleted after 180 days)")
    last_id: int | None = None
    first_break: ChainBreak | None = None


class AlertKind(StrEnum):
    ALTERED = "altered"  # a record's content does not match its hash
    MISSING = "missing"  # records between the last one held and this one never arrived
    FORKED = "forked"  # a record that does not link to the last one held (replaced, restarted, repeated)
    FOREIGN = "foreign"  # a record of another device's chain
    MALFORMED = "malformed"  # an audit record without its chain fields


class AuditAlert(BaseModel):
    id: int
    raised_at: datetime
    device_id: str
    device_name: str | None = None
    window: int | None = None
    chain: str
    seq: int | None = None
    kind: AlertKind | str
    detail: str = Field(description="in English, for IT; the supervisor's view says it in Chinese")
    record_uuid: uuid.UUID | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
