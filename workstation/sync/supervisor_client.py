"""The hall server's endpoints a supervisor's window uses (/api/v1/ratings, /monitoring,
/cases …), over HallClient's plumbing; the case calls are CasesClient's. Errors as
HallClient's: HallUnreachable, HallRefused (with the server's own words, e.g. the 409
naming a follow-up task's state)."""

from __future__ import annotations

from datetime import date
from typing import Any

from workstation.protocol import audit as audit_wire
from workstation.protocol import monitoring as mon
from workstation.protocol import ratings as wire
from workstation.sync.cases_client import CasesClient

R = wire.RATINGS_PREFIX
M = mon.MONITORING_PREFIX


class SupervisorClient(CasesClient):
    def follow_ups(self, view: wire.FollowUpFilter = wire.FollowUpFilter.OPEN) -> list[wire.FollowUpSummary]:
        answer = self._call("GET", f"{R}/follow-ups", params={"view": view.value})
        return [wire.FollowUpSummary.model_validate(t) for t in answer]

    def follow_up(self, task_id: int) -> wire.FollowUpDetail:
        return wire.FollowUpDetail.model_validate(self._call("GET", f"{R}/follow-ups/{task_id}"))

    def act(self, task_id: int, action: wire.FollowUpAction, note: str = "") -> wire.FollowUpDetail:
        body = wire.FollowUpActionIn(action=action, note=note).model_dump(mode="json")
        return wire.FollowUpDetail.model_validate(self._call("POST", f"{R}/follow-ups/{task_id}/actions",
                                                             body=body))

    def export(self, first: date, last: date, fmt: wire.ExportFormat) -> bytes:
        """The ratings of the days first…last (hall time) in the national field set, as the
        file's bytes, made the way the server's own export makes them."""
        rows = self._call("GET", f"{R}/export", params={"from": first.isoformat(), "to": last.isoformat(),
                                                        "format": wire.ExportFormat.JSON.value})
        return wire.render_export(rows, fmt)

    # -- the monitoring view (/api/v1/monitoring, /api/v1/cases) --------------------------

    def hall_now(self) -> mon.HallNow:
        return mon.HallNow.model_validate(self._call("GET", f"{M}/hall"))

    def statistics(self, first: date, last: date) -> mon.Statistics:
        params = {"from": first.isoformat(), "to": last.isoformat()}
        return mon.Statistics.model_validate(self._call("GET", f"{M}/statistics", params=params))

    def export_statistics(self, first: date, last: date, fmt: mon.ExportFormat) -> bytes:
        """The statistics of first…last as the server renders them (XLSX or CSV bytes)."""
        params = {"from": first.isoformat(), "to": last.isoformat(), "format": fmt.value}
        return self._request("GET", f"{M}/statistics/export", params=params).content

    def advice(self) -> mon.LoadAdvice:
        return mon.LoadAdvice.model_validate(self._call("GET", f"{M}/advice"))

    def audit_alerts(self, open_only: bool = True) -> list[audit_wire.AuditAlert]:
        """Breaks in the workstations' audit chains, newest first (only the open ones by default)."""
        answer = self._call("GET", f"{M}{audit_wire.AUDIT_ALERTS_PATH}",
                            params={"open": "true" if open_only else "false"})
        return [audit_wire.AuditAlert.model_validate(a) for a in answer]

    def acknowledge_alert(self, alert_id: int) -> audit_wire.AuditAlert:
        return audit_wire.AuditAlert.model_validate(
            self._call("POST", f"{M}{audit_wire.AUDIT_ALERTS_PATH}/{alert_id}/acknowledge"))

    def apply_advice(self, window: int, business_types: list[str]) -> Any:
        body = mon.ApplyAdvice(window=window, business_types=business_types).model_dump(mode="json")
        return self._call("POST", f"{M}/advice/apply", body=body)
