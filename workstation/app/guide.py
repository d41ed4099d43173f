"""The guide at the counter: the cached catalogue with its search index, the working-day
calendar, and recording a case (办件) with its decision.

Building the index reads the local store and runs pypinyin over every item, so front ends
call `GuideDesk.load` off their GUI thread and keep the snapshot it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from workstation.domain.case_number import next_case_number
from workstation.domain.checklist import DecisionRecord, Evaluation, MaterialStatus
from workstation.domain.search import CatalogueIndex
from workstation.domain.workdays import CalendarUnknown, WorkCalendar
from workstation.protocol.catalogue import ServiceItem
from workstation.protocol.reference import PublishedCalendar, ReferenceKind
from workstation.store.local import LocalStore

HALL_TIMEZONE = ZoneInfo("Asia/Shanghai")
CASE_KIND = "case"


@dataclass(frozen=True)
class GuideSnapshot:
    """The catalogue and calendar as of one reference revision."""

    revision: int
    index: CatalogueIndex
    calendar: WorkCalendar
    region_code: str
    hall_name: str

    def item(self, code: str) -> ServiceItem | None:
        return self.index.item(code)


@dataclass(frozen=True)
class Person:
    """An applicant or agent as the case records them."""

    name: str
    id_type: str = "居民身份证"
    id_number: str = ""
    phone: str = ""
    kind: int = 1  # rater/applicant kind: 1 person, 2 legal entity

    def as_payload(self) -> dict[str, Any]:
        return {"name": self.name, "id_type": self.id_type, "id_number": self.id_number,
                "phone": self.phone, "kind": self.kind}


@dataclass(frozen=True)
class SavedCase:
    case_number: str
    display_number: str
    decision: str
    promised_date: date | None
    payload: dict[str, Any]


class GuideDesk:
    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def load(self) -> GuideSnapshot:
        """Read the cached catalogue and calendars and build the search index."""
        revision = self.store.reference_since()
        items = [ServiceItem.model_validate(v)
                 for v in self.store.reference_values(ReferenceKind.SERVICE_ITEM.value)]
        published = [PublishedCalendar.model_validate(v).to_domain()
                     for v in self.store.reference_values(ReferenceKind.CALENDAR.value)]
        halls = self.store.reference_values(ReferenceKind.HALL.value)
        hall = halls[0] if halls else {}
        return GuideSnapshot(revision=revision, index=CatalogueIndex.build(items),
                             calendar=WorkCalendar.official(published),
                             region_code=hall.get("region_code", "000000"),
                             hall_name=hall.get("name", ""))

    def save_case(self, snapshot: GuideSnapshot, item: ServiceItem, evaluation: Evaluation,
                  record: DecisionRecord, applicant: Person, agent: Person | None,
                  clerk: dict[str, str], window: int | None, device_id: str,
                  applied_at: datetime, now: datetime | None = None) -> SavedCase:
        """Give the case its 办件编号 and save it with its outbox entry for the hall."""
        now = now or datetime.now(UTC)
        local_day = now.astimezone(HALL_TIMEZONE).date()
        sequence = self.store.next_sequence(f"case:{device_id}:{local_day.isoformat()}")
        number = next_case_number(snapshot.region_code, local_day, window, device_id, sequence - 1)
        promised: date | None = None
        calendar_note = ""
        if record.decision.value in ("accept", "accept_with_deficiency", "accept_on_commitment"):
            try:
                promised = snapshot.calendar.promised_date(local_day, item.promised_limit)
            except CalendarUnknown as exc:
                # Not guessed: the case is saved and the clerk is told the date is unknown.
                calendar_note = str(exc)
        checks = {c.material_id: c for c in evaluation.checks}
        materials = []
        for material in evaluation.materials:
            check = checks[material.id]
            materials.append({
                "id": material.id, "name": material.name, "necessity": int(material.necessity),
                "status": check.status.value, "originals": check.original_count,
                "copies": check.copy_count, "reason": check.defect_reason or "",
                "received": check.status in (MaterialStatus.RECEIVED, MaterialStatus.ELECTRONIC,
                                             MaterialStatus.SHARED),
            })
        payload = {
            "case_number": str(number),
            "item": {"code": item.code, "basic_code": item.basic_code, "name": item.name,
                     "department": item.department.model_dump(), "case_type": item.case_type.value,
                     "promised_limit": item.promised_limit.model_dump(mode="json")},
            "situations": sorted(evaluation.chosen),
            "applicant": applicant.as_payload(),
            "agent": agent.as_payload() if agent else None,
            "materials": materials,
            "decision": {
                "code": record.decision.value, "label": record.label, "reason": record.reason or "",
                "deficiencies": [{"material_id": d.material_id, "material_name": d.material_name,
                                  "due": d.due.isoformat()} for d in record.deficiencies],
                "notice": [{"material_id": p.material_id, "material_name": p.material_name,
                            "problem": p.kind.value, "detail": p.detail or "",
                            "standards": list(p.standards)} for p in record.notice],
                "committed": [p.material_name for p in record.committed],
            },
            "clerk": clerk,
            "window": window,
            "device_id": device_id,
            "region_code": snapshot.region_code,
            "applied_at": applied_at.astimezone(UTC).isoformat(),
            "decided_at": now.astimezone(UTC).isoformat(),
            "promised_date": promised.isoformat() if promised else None,
            "calendar_note": calendar_note,
        }
        self.store.add_record(CASE_KIND, payload)
        return SavedCase(str(number), number.display(), record.decision.value, promised, payload)
