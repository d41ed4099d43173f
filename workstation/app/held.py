"""材料复用: materials the hall keeps, with the applicant's consent, so that a later visit need
not bring them again.

At the counter: after the check of an accepted case, the citizen screen asks whether the hall
may keep the materials received (`keepable`); the answer (`Consent`) goes on the case record
(`consent`, and each kept material's `kept_until`) and into the audit chain
(`audit.material_consent`). The hall server keeps the consented materials by the keyed hash of
the applicant's ID number when the case record arrives (server.held), so an outage loses
nothing: the case waits in the outbox like any record. Without consent nothing is kept, here
or there.

On the next visit `HeldDesk.find(id_number)` asks the hall for what it holds of this
applicant (online only: HallUnreachable otherwise, and the clerk takes paper); the checklist
offers each still valid one as 复用, recorded with the case that received it
(MaterialCheck.reused). Calls go over the network: front ends make them off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workstation.app.card_reading import AUDIT_MATERIAL_CONSENT, AuditTrail
from workstation.domain.checklist import (
    DecisionRecord,
    Evaluation,
    MaterialStatus,
    holdable,
)
from workstation.protocol import held as wire
from workstation.protocol.catalogue import Material

if TYPE_CHECKING:
    from workstation.app.workstation import Workstation
    from workstation.sync.cases_client import CasesClient

ACCEPTED = frozenset({"accept", "accept_with_deficiency", "accept_on_commitment"})
_KEPT_STATUSES = (MaterialStatus.RECEIVED, MaterialStatus.ELECTRONIC)


@dataclass(frozen=True)
class Consent:
    """The applicant's answer on the citizen screen. `how`: answered (they touched 同意 or
    不同意), timeout (no answer: nothing kept), clerk (the clerk went on without waiting)."""

    given: bool
    at: datetime
    how: str = "answered"

    def as_payload(self) -> dict[str, Any]:
        return {"given": self.given, "at": self.at.isoformat(), "how": self.how}


def keepable(evaluation: Evaluation, record: DecisionRecord) -> list[Material]:
    """The materials of an accepted case that the hall could keep: received whole (paper with
    the counts asked for, or electronic) and of a kind that is kept (checklist.holdable).
    Nothing for a notice or a refusal: the application was not accepted."""
    if record.decision.value not in ACCEPTED:
        return []
    checks = {c.material_id: c for c in evaluation.checks}
    problems = {p.material_id for p in evaluation.problems}
    return [m for m in evaluation.materials
            if holdable(m) and m.id not in problems and checks[m.id].status in _KEPT_STATUSES]


def keepable_names(decided: Iterable[tuple[Evaluation, DecisionRecord]]) -> list[str]:
    """The names of the materials to ask about, once each, in order (a 一件事's items share some)."""
    return list(dict.fromkeys(m.name for evaluation, record in decided for m in keepable(evaluation, record)))


# A material the hall holds for the applicant, as the checklist shows it (with `valid_on`).
HeldMaterial = wire.HeldMaterial


class HeldDesk:
    """The hall's held materials of one applicant, asked with the clerk's session."""

    def __init__(self, clients: Callable[[], CasesClient], audit: AuditTrail | None = None) -> None:
        self.clients = clients
        self.audit = audit

    @classmethod
    def for_workstation(cls, ws: Workstation) -> HeldDesk:
        from workstation.app.cases import CaseDesk

        desk = CaseDesk.for_workstation(ws)
        return cls(desk.clients, AuditTrail(ws.store, ws.device.device_id))

    def find(self, id_number: str) -> list[HeldMaterial]:
        """What the hall holds of the applicant with this ID number (any validity), newest
        first. HallUnreachable when the hall cannot be asked; HallRefused for a number the
        hall cannot read."""
        client = self.clients()
        try:
            return client.held(id_number)
        finally:
            client.close()

    def audit_consent(self, saved_cases: Iterable[Any], consent: Consent, clerk: str, window: int | None) -> None:
        """The answer in the audit chain, once per case it was asked for (no ID number in it:
        the case record carries the applicant)."""
        if self.audit is None:
            return
        for case in saved_cases:
            kept = [m["name"] for m in case.payload.get("materials", []) if m.get("kept_until")]
            self.audit.append(AUDIT_MATERIAL_CONSENT, {
                "event": "material_consent", "at": consent.at.isoformat(), "clerk": clerk, "window": window,
                "case_number": case.case_number, "given": consent.given, "how": consent.how, "kept": kept,
            })
