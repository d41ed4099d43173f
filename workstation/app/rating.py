"""Ratings' use cases: the applicant's rating of a case at the counter (saved through the
outbox like every record of the window), and a supervisor's follow-up of bad ratings on
the hall server.

The follow-up shows the applicant's call-back phone masked; revealing it in full writes an
`audit.phone_reveal` record into the supervisor's device's audit hash chain (as revealing
an ID number writes `audit.id_reveal`), which reaches the hall through the outbox.

Every method may wait on the disk or the network; front ends call them off their GUI
thread (ui/tasks.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TypeVar

from workstation.app.card_reading import AUDIT_PHONE_REVEAL, AuditTrail
from workstation.app.supervising import SupervisorCalls, session_token
from workstation.clock import now as hall_now
from workstation.domain.identity import redact
from workstation.domain.rating import RECORD_KIND, Channel, RatingAnswer
from workstation.protocol import ratings as wire

if TYPE_CHECKING:
    from workstation.app.guide import SavedCase
    from workstation.app.workstation import Workstation
    from workstation.store.local import LocalStore, SavedRecord

T = TypeVar("T")


def mask_phone(phone: str) -> str:
    """`13812345678` → `138****5678`: the first 3 and last 4 digits shown, as every screen
    shows a phone number until it is revealed."""
    phone = (phone or "").strip()
    if len(phone) > 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


class AlreadyRated(RuntimeError):
    """The case was rated at this window already: one rating per case per visit."""


class RatingDesk:
    """Rating cases at one window."""

    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def is_rated(self, case_number: str) -> bool:
        return bool(self.store.records_of(RECORD_KIND, case_number=case_number))

    def rate(self, case: SavedCase, answer: RatingAnswer, now: datetime | None = None) -> SavedRecord:
        """Save the applicant's rating of `case` with its outbox entry; AlreadyRated when
        the case has its rating. The record carries the national report's fields, taken
        from the case (region, department and item codes, clerk, acceptance time)."""
        if self.is_rated(case.case_number):
            raise AlreadyRated(f"case {case.display_number} is rated already")
        record = wire.RatingRecord.from_case(case.payload, answer, Channel.EVALUATOR, now or hall_now())
        return self.store.add_record(RECORD_KIND, record.model_dump(mode="json"))


class FollowUpDesk(SupervisorCalls):
    """The bad-rating follow-up, for a supervisor logged in at a workstation."""

    def __init__(self, url: str, session_token: str, timeout: float = 10.0, *,
                 audit: AuditTrail | None = None, supervisor: str = "",
                 now: Callable[[], datetime] = lambda: hall_now()) -> None:
        super().__init__(url, session_token, timeout)
        self.audit, self.supervisor, self._now = audit, supervisor, now

    @classmethod
    def for_workstation(cls, workstation: Workstation) -> FollowUpDesk:
        """The desk of the person logged in at `workstation` (after connect and login),
        auditing into that workstation's own chain."""
        token = session_token(workstation)
        audit = None
        if workstation.store is not None and workstation.device is not None:
            audit = AuditTrail(workstation.store, workstation.device.device_id)
        supervisor = workstation.clerk.username if workstation.clerk else ""
        return cls(workstation.url, token, workstation.settings.server.timeout, audit=audit,
                   supervisor=supervisor)

    @property
    def can_reveal(self) -> bool:
        """A phone can be revealed only where the reveal can be audited."""
        return self.audit is not None

    def reveal_phone(self, detail: wire.FollowUpDetail, reason: str) -> str:
        """The applicant's full call-back phone of `detail`, after auditing who saw it, for
        which task and why. The record carries the phone masked only."""
        phone = detail.rating.phone
        if not (detail.rating.callback and phone):
            raise ValueError("this rating has no call-back phone")
        reason = (reason or "").strip()
        if not reason:
            raise ValueError("revealing a phone number needs a reason")
        if self.audit is None:
            raise RuntimeError("this desk has no audit trail: the phone stays masked")
        self.audit.append(AUDIT_PHONE_REVEAL, {
            "event": "phone_reveal", "at": self._now().astimezone(UTC).isoformat(),
            "clerk": self.supervisor, "window": None, "follow_up": detail.id,
            "case_number": detail.case_number, "phone_masked": mask_phone(phone),
            "reason": redact(reason.replace(phone, mask_phone(phone)))})
        return phone

    def tasks(self, view: wire.FollowUpFilter) -> list[wire.FollowUpSummary]:
        return self._with_client(lambda c: c.follow_ups(view))

    def task(self, task_id: int) -> wire.FollowUpDetail:
        return self._with_client(lambda c: c.follow_up(task_id))

    def act(self, task_id: int, action: wire.FollowUpAction, note: str) -> wire.FollowUpDetail:
        return self._with_client(lambda c: c.act(task_id, action, note))

    def export(self, first: date, last: date, fmt: wire.ExportFormat) -> bytes:
        return self._with_client(lambda c: c.export(first, last, fmt))

