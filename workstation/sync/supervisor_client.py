"""The hall server's endpoints a supervisor's window uses (/api/v1/ratings, /monitoring,
/cases …), over HallClient's plumbing. Errors as HallClient's: HallUnreachable, HallRefused (with the
server's own words, e.g. the 409 naming a follow-up task's state)."""

from __future__ import annotations

from datetime import date
from typing import Any

import requests

from workstation.protocol import API_PREFIX, cases
from workstation.protocol import monitoring as mon
from workstation.protocol import ratings as wire
from workstation.sync.client import HallClient
from workstation.sync.errors import HallRefused, HallUnreachable

R = wire.RATINGS_PREFIX
M = mon.MONITORING_PREFIX


class SupervisorClient(HallClient):
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
        return self._raw("GET", f"{M}/statistics/export", params=params)

    def advice(self) -> mon.LoadAdvice:
        return mon.LoadAdvice.model_validate(self._call("GET", f"{M}/advice"))

    def apply_advice(self, window: int, business_types: list[str]) -> Any:
        body = mon.ApplyAdvice(window=window, business_types=business_types).model_dump(mode="json")
        return self._call("POST", f"{M}/advice/apply", body=body)

    def deadlines(self) -> cases.DeadlineBoard:
        return cases.DeadlineBoard.model_validate(self._call("GET", f"{M}/deadlines"))

    def case(self, number: str) -> cases.CaseDetail:
        return cases.CaseDetail.model_validate(self._call("GET", f"{cases.CASES_PREFIX}/{number}"))

    def _raw(self, method: str, path: str, params: dict[str, Any] | None = None) -> bytes:
        """A call whose answer is a file, not JSON; errors as _call's."""
        try:
            response = self._http.request(method, f"{self.base_url}{API_PREFIX}{path}", params=params,
                                          headers=self._headers(None), timeout=self.timeout)
        except requests.RequestException as exc:
            raise HallUnreachable(str(exc)) from exc
        if response.status_code >= 500:
            raise HallUnreachable(f"hall server error {response.status_code}")
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise HallRefused(response.status_code, detail if isinstance(detail, str) else str(detail))
        return response.content
