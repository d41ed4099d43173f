"""A case after the counter, at the window (办结, 领取/送达, 容缺后补, 告知承诺核查).

CaseDesk is what a clerk's screen builds on:

- `record_step(...)` saves a `case.step` record through the outbox, like every other
  record: offline the step is saved at once and uploaded later. It returns the record's
  UUID; `outcome(uuid)` says later whether the hall has it (stored), still waits for it
  (pending), or refused it (refused, with the hall's plain words, e.g. "case 3201… was
  concluded at window 2 by 王** at 10:32").
- `find(case_number)` asks the hall for a case with its history and the steps allowed
  now; offline it answers from this window's own saved `case` records and steps, and
  says so (`FoundCase.online` false, with a note).
- `search_by_id(id_number)` finds an applicant's cases by the ID card read at the window;
  online only (HallUnreachable otherwise): the hall holds every window's cases, this
  window holds no searchable ID numbers of others.

Every method but `record_step`/`outcome` may wait on the network: front ends call them off
their GUI thread (ui.tasks.run_in_background). Errors from the hall are those of the
client: HallUnreachable, HallRefused (404: no such case; 422: not a valid ID number).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from workstation.clock import now as hall_now
from workstation.domain import case_number as case_numbers
from workstation.domain.case import (
    OPEN_STATES,
    STEP_KIND,
    CaseFacts,
    CaseState,
    DeadlineLevel,
    Delivery,
    Result,
    Step,
    StepRefused,
    Verification,
    allowed_steps,
    deadline_level,
    initial_state,
    next_state,
    thresholds,
)
from workstation.domain.identity import mask_id, mask_name
from workstation.domain.workdays import CalendarUnknown, WorkCalendar
from workstation.protocol import cases as wire
from workstation.protocol.reference import PublishedCalendar, ReferenceKind, Supervision
from workstation.store.local import LocalStore
from workstation.sync.errors import HallRefused, HallUnreachable

if TYPE_CHECKING:
    from workstation.app.workstation import Workstation
    from workstation.sync.cases_client import CasesClient

CASE_KIND = "case"  # workstation.app.guide.CASE_KIND

__all__ = ["CaseDesk", "FoundCase", "HallRefused", "HallUnreachable", "OnlyAtHall", "Outcome", "StepOutcome"]


class OnlyAtHall(LookupError):
    """This window accepted the case, but its copy here was purged after the hall confirmed
    it ([privacy] keep_days): the hall server alone holds it now."""


class Outcome(StrEnum):
    PENDING = "pending"  # saved here, not yet acknowledged by the hall
    STORED = "stored"  # the hall has it (a resend is acknowledged again: harmless)
    REFUSED = "refused"  # the hall refused it (409): another window was first, or not allowed


@dataclass(frozen=True)
class StepOutcome:
    outcome: Outcome
    detail: str = ""  # REFUSED: the hall's words; PENDING: the last upload error, if any


@dataclass(frozen=True)
class FoundCase:
    case: wire.CaseDetail
    online: bool  # False: built from this window's own records (other windows' steps unknown)
    note: str = ""


class CaseDesk:
    """Steps and look-ups of cases at one window.

    `clients` makes a CasesClient carrying the logged-in person's session token (or
    raises HallUnreachable when there is none); `clerk` gives the person logged in now as
    (username, display name); `window` is this workstation's window number."""

    def __init__(self, store: LocalStore, clients: Callable[[], CasesClient],
                 clerk: Callable[[], tuple[str, str] | None], window: int | None,
                 wake: Callable[[], None] | None = None, timezone: Any = None) -> None:
        self.store = store
        self.clients = clients
        self.clerk = clerk
        self.window = window
        self.wake = wake
        from workstation.app.guide import HALL_TIMEZONE

        self.timezone = timezone or HALL_TIMEZONE

    @classmethod
    def for_workstation(cls, ws: Workstation) -> CaseDesk:
        """The desk of a connected, enrolled workstation: the session token of whoever is
        logged in, the window the device was enrolled for, the sync engine woken."""
        assert ws.store is not None and ws.device is not None and ws.url is not None

        def clients() -> CasesClient:
            from workstation.sync.cases_client import CasesClient  # requests loads off the GUI thread

            token = ws.credentials.session_token() if ws.credentials else None
            if not token:
                raise HallUnreachable("nobody is logged in at the hall (offline login)")
            return CasesClient(ws.url, token, ws.settings.server.timeout)

        def clerk() -> tuple[str, str] | None:
            return (ws.clerk.username, ws.clerk.display_name) if ws.clerk else None

        return cls(ws.store, clients, clerk, ws.device.window,
                   wake=ws.sync.wake if ws.sync is not None else None)

    # -- steps -----------------------------------------------------------------------------

    def record_step(self, case_number: str, step: Step, *, result: Result | None = None,
                    method: Delivery | None = None, material_id: str | None = None,
                    material_name: str = "", outcome: Verification | None = None, note: str = "",
                    at: datetime | None = None) -> uuid.UUID:
        """Save one step for the hall (a `case.step` record in the outbox) and return the
        record's UUID. The payload is checked here (ValueError, e.g. a conclusion without
        its result); whether the case allows the step is for the hall to say, since other
        windows may have moved it on: see `outcome`. Raises StoreError when the disk fails."""
        who = self.clerk()
        if who is None:
            raise ValueError("log in before recording a step")
        number = case_numbers.canonical(case_number)
        body = wire.CaseStepRecord(
            case_number=number, step=step, at=at or hall_now(),
            actor=wire.Actor(username=who[0], name=who[1]), window=self.window, result=result,
            method=method, material_id=material_id, material_name=material_name, outcome=outcome,
            note=note.strip())
        saved = self.store.add_record(STEP_KIND, body.model_dump(mode="json"))
        if self.wake is not None:
            self.wake()  # add_record tells the store's listeners too; this is for a desk without one
        return saved.uuid

    def outcome(self, record_uuid: uuid.UUID) -> StepOutcome:
        """What became of a step saved here (no network: the outbox's state). LookupError
        for a UUID this window never saved."""
        state = self.store.outbox_state(record_uuid)
        if state is None:
            raise LookupError(f"no record {record_uuid} at this window")
        kind, detail = state
        if kind == "sent":
            return StepOutcome(Outcome.STORED)
        if kind in ("refused", "conflict"):
            return StepOutcome(Outcome.REFUSED, detail or "refused by the hall")
        return StepOutcome(Outcome.PENDING, detail or "")

    # -- look-ups --------------------------------------------------------------------------

    def find(self, case_number: str) -> FoundCase:
        """The case by its 办件编号 (as printed, typed or scanned). Online: the hall's
        view. Hall unreachable: this window's own view, or LookupError when this window
        did not accept the case. HallRefused 404: the hall knows no such case."""
        number = case_numbers.canonical(case_number)
        try:
            client = self.clients()
            try:
                return FoundCase(client.case(number), online=True)
            finally:
                client.close()
        except HallUnreachable as exc:
            if self.only_at_hall(number):
                raise OnlyAtHall(f"the hall is unreachable ({exc}); this window's copy of case {number} was "
                                 "removed after the hall confirmed it, the hall server alone holds it now") from exc
            local = self.local_case(number)
            if local is None:
                raise LookupError(f"the hall is unreachable ({exc}) and this window has no case {number}") \
                    from exc
            return FoundCase(local, online=False,
                             note="the hall is unreachable: shown as this window recorded it; "
                                  "steps taken at other windows are not shown")

    def bundle(self, bundle_number: str) -> list[wire.CaseSummary]:
        """The item cases of a 一件事 by the bundle's 办件编号, in sub-number order (online
        only: HallUnreachable; HallRefused 404 when no case carries the number)."""
        client = self.clients()
        try:
            return client.bundle(case_numbers.canonical(bundle_number))
        finally:
            client.close()

    def search_by_id(self, id_number: str) -> list[wire.CaseSummary]:
        """The applicant's cases at the hall, newest first (online only: HallUnreachable).
        ValueError for a number that is not a valid ID number."""
        wire.CaseSearch(id_number=id_number)  # ValueError (ValidationError) before any I/O
        client = self.clients()
        try:
            return client.search(id_number)
        finally:
            client.close()

    # -- this window's own view ------------------------------------------------------------

    def only_at_hall(self, case_number: str) -> bool:
        """This window accepted the case and its record here is purged (no I/O but the store)."""
        found = self.store.records_of(CASE_KIND, case_number=case_numbers.canonical(case_number))
        return bool(found) and found[0].payload is None

    def local_case(self, case_number: str, today: date | None = None) -> wire.CaseDetail | None:
        """The case as this window's own records tell it: its `case` record and the steps
        saved here that the hall has not refused, applied with the domain's table."""
        number = case_numbers.canonical(case_number)
        found = self.store.records_of(CASE_KIND, case_number=number)
        if not found or found[0].payload is None:  # purged: see only_at_hall
            return None
        payload = found[0].payload
        item, decision = payload["item"], payload["decision"]
        accepted_at = datetime.fromisoformat(payload["decided_at"])
        promised = date.fromisoformat(payload["promised_date"]) if payload.get("promised_date") else None
        deficiencies = {d["material_id"]: d for d in decision.get("deficiencies", [])}
        received: set[str] = set()
        state = initial_state(decision["code"])
        commitment = Verification.PENDING if decision["code"] == "accept_on_commitment" else None
        state_at, result = accepted_at, None
        history: list[wire.CaseStepOut] = []
        steps = [s for s in self.store.records_of(STEP_KIND, case_number=number)
                 if s.payload is not None and self.outcome(s.uuid).outcome is not Outcome.REFUSED]
        for saved in sorted(steps, key=lambda s: s.payload["at"]):
            step = wire.CaseStepRecord.model_validate(saved.payload)
            facts = CaseFacts(state, frozenset(deficiencies) - received, commitment)
            try:
                after = next_state(step.step, facts, step.material_id)
            except StepRefused:
                continue  # the hall will refuse it too
            detail = {k: v for k, v in step.model_dump(mode="json", include={
                "result", "method", "material_id", "material_name", "outcome", "note"}).items() if v}
            history.append(wire.CaseStepOut(step=step.step, at=step.at, actor_name=step.actor.name,
                                            window=step.window, from_state=state, to_state=after,
                                            detail=detail))
            if step.step is Step.SUPPLEMENT and step.material_id:
                received.add(step.material_id)
            if step.step is Step.VERIFY:
                commitment = step.outcome
            if step.step is Step.CONCLUDE:
                result = step.result
            if after is not state:
                state, state_at = after, step.at
        outstanding = frozenset(deficiencies) - received
        due = min((date.fromisoformat(deficiencies[m]["due"]) for m in outstanding), default=None)
        facts = CaseFacts(state, outstanding, commitment)
        applicant = payload.get("applicant") or {}
        clerk = payload.get("clerk") or {}
        return wire.CaseDetail(
            case_number=number, item_name=item["name"], department_code=item["department"].get("code", ""),
            department_name=item["department"]["name"], decision=decision["code"],
            clerk_name=clerk.get("name", ""), window=payload.get("window"),
            applicant=mask_name(applicant.get("name", "")), applicant_id=mask_id(applicant.get("id_number", "")),
            accepted_at=accepted_at, promised_date=promised, state=state, state_at=state_at,
            level=self._level(state, promised, accepted_at, due, today), result=result, deficiency_due=due,
            commitment=commitment, history=history,
            deficiencies=[wire.Deficiency(material_id=m, material_name=d["material_name"],
                                          due=date.fromisoformat(d["due"]) if d.get("due") else None,
                                          received=m in received) for m, d in deficiencies.items()],
            allowed=list(allowed_steps(facts)))

    def _level(self, state: CaseState, promised: date | None, accepted_at: datetime, due: date | None,
               today: date | None) -> DeadlineLevel:
        """The level by the hall's settings as cached here; NONE when they cannot tell."""
        if state not in OPEN_STATES:
            return DeadlineLevel.NONE
        settings = self.store.reference_values(ReferenceKind.SUPERVISION.value)
        supervision = Supervision.model_validate(settings[0]) if settings else Supervision()
        published = [PublishedCalendar.model_validate(v).to_domain()
                     for v in self.store.reference_values(ReferenceKind.CALENDAR.value)]
        today = today or hall_now().astimezone(self.timezone).date()
        try:
            t = thresholds(today, WorkCalendar.official(published), supervision.reminder_days,
                           supervision.start_within_days)
        except CalendarUnknown:
            return DeadlineLevel.NONE
        return deadline_level(t, state, promised, accepted_at.astimezone(self.timezone).date(), due)
