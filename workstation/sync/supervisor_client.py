"""The hall server's endpoints a supervisor's window uses (/api/v1/ratings …), over
HallClient's plumbing. Errors as HallClient's: HallUnreachable, HallRefused (with the
server's own words, e.g. the 409 naming a follow-up task's state)."""

from __future__ import annotations

from datetime import date

from workstation.protocol import ratings as wire
from workstation.sync.client import HallClient

R = wire.RATINGS_PREFIX


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
