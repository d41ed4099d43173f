"""The guide at the counter: the cached catalogue with its search index, the working-day
calendar, and recording a case (办件) with its decision.

Building the index reads the local store and runs pypinyin over every item, so front ends
call `GuideDesk.load` off their GUI thread and keep the snapshot it returns."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from workstation.app.held import Consent, keepable
from workstation.clock import now as hall_now
from workstation.domain.bundle import BundleEvaluation, BundleIndex, BundleProblem, check_against
from workstation.domain.case_number import next_case_number
from workstation.domain.checklist import DecisionRecord, Evaluation, MaterialStatus, held_until
from workstation.domain.search import CatalogueIndex
from workstation.domain.workdays import CalendarUnknown, WorkCalendar
from workstation.protocol.bundles import Bundle
from workstation.protocol.catalogue import ServiceItem
from workstation.protocol.reference import PublishedCalendar, ReferenceKind
from workstation.store.local import LocalStore

HALL_TIMEZONE = ZoneInfo("Asia/Shanghai")
CASE_KIND = "case"
BUNDLE_DOCUMENT = "bundle"  # the document kind of a bundle's one receipt

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GuideSnapshot:
    """The catalogue and calendar as of one reference revision."""

    revision: int
    index: CatalogueIndex
    calendar: WorkCalendar
    region_code: str
    hall_name: str
    bundles: tuple[Bundle, ...] = ()  # 一件事 whose every item is in the catalogue
    # Cached entries this version cannot read (a newer hall's, say), each "kind key: why":
    # left out, so that one does not take the whole guide away; the window says so.
    unreadable: tuple[str, ...] = ()

    def item(self, code: str) -> ServiceItem | None:
        return self.index.item(code)

    def bundle(self, code: str) -> Bundle | None:
        return next((b for b in self.bundles if b.code == code), None)

    def __post_init__(self) -> None:
        # Built with the snapshot (off the GUI thread), not at each keystroke.
        object.__setattr__(self, "_bundle_index", BundleIndex(self.bundles))

    def search_bundles(self, query: str, limit: int = 5) -> list[Bundle]:
        return self._bundle_index.search(query, limit)

    def bundle_items(self, bundle: Bundle) -> dict[str, ServiceItem]:
        """The catalogue items `bundle` names, by 实施编码 (all there: see GuideDesk.load)."""
        return {entry.item: item for entry in bundle.items if (item := self.item(entry.item)) is not None}


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
        unreadable: list[str] = []
        items = _readable(self.store.reference_values(ReferenceKind.SERVICE_ITEM.value), ServiceItem, unreadable)
        published = [c.to_domain() for c in _readable(self.store.reference_values(ReferenceKind.CALENDAR.value),
                                                       PublishedCalendar, unreadable)]
        halls = self.store.reference_values(ReferenceKind.HALL.value)
        hall = halls[0] if halls and isinstance(halls[0], dict) else {}
        index = CatalogueIndex.build(items)
        return GuideSnapshot(revision=revision, index=index,
                             calendar=WorkCalendar.official(published),
                             region_code=str(hall.get("region_code") or "000000"),
                             hall_name=str(hall.get("name") or ""),
                             bundles=self._bundles(index), unreadable=tuple(unreadable))

    def _bundles(self, index: CatalogueIndex) -> tuple[Bundle, ...]:
        """The cached bundles the cached catalogue can serve. The server refuses a bundle
        naming a missing item, but an item withdrawn later leaves it behind: such a bundle
        is left out (and logged) rather than offered half."""
        usable = []
        for value in self.store.reference_values(ReferenceKind.BUNDLE.value):
            try:
                bundle = Bundle.model_validate(value)
                check_against(bundle, {e.item: i for e in bundle.items if (i := index.item(e.item))})
            except (ValueError, BundleProblem) as exc:
                log.warning("bundle %s left out: %s", _code(value), exc)
                continue
            usable.append(bundle)
        return tuple(sorted(usable, key=lambda b: b.name))

    def _next_number(self, snapshot: GuideSnapshot, window: int | None, device_id: str, local_day: date):
        sequence = self.store.next_sequence(f"case:{device_id}:{local_day.isoformat()}")
        return next_case_number(snapshot.region_code, local_day, window, device_id, sequence - 1)

    def save_case(self, snapshot: GuideSnapshot, item: ServiceItem, evaluation: Evaluation,
                  record: DecisionRecord, applicant: Person, agent: Person | None,
                  clerk: dict[str, str], window: int | None, device_id: str,
                  applied_at: datetime, now: datetime | None = None, helper: dict | None = None,
                  consent: Consent | None = None) -> SavedCase:
        """Give the case its 办件编号 and save it with its outbox entry for the hall. `helper`:
        the hall's helper (帮办员) who did it with the applicant, {kind, name}, or None.
        `consent`: the applicant's answer to keeping the materials (材料复用), or None when
        not asked; with consent given each kept material carries its `kept_until`."""
        now = now or hall_now()
        local_day = now.astimezone(HALL_TIMEZONE).date()
        number = self._next_number(snapshot, window, device_id, local_day)
        payload = _case_payload(snapshot, item, evaluation, record, applicant, agent, clerk, window,
                                device_id, applied_at, now, str(number), consent)
        return self._store_case(number, record, payload, helper)

    def _store_case(self, number, record: DecisionRecord, payload: dict[str, Any], helper: dict | None,
                    bundle: dict[str, Any] | None = None) -> SavedCase:
        """Save one case's record (with its helper and 一件事 part, if any) with its outbox entry."""
        if helper:
            payload["helper"] = dict(helper)
        if bundle:
            payload["bundle"] = bundle
        self.store.add_record(CASE_KIND, payload)
        return SavedCase(str(number), number.display(), record.decision.value,
                         date.fromisoformat(payload["promised_date"]) if payload["promised_date"] else None,
                         payload)

    def save_bundle(self, snapshot: GuideSnapshot, bundle: Bundle, chosen: Sequence[str],
                    evaluation: BundleEvaluation, decided: Sequence[tuple[ServiceItem, Evaluation, DecisionRecord]],
                    applicant: Person, agent: Person | None, clerk: dict[str, str], window: int | None,
                    device_id: str, applied_at: datetime, now: datetime | None = None,
                    helper: dict | None = None, consent: Consent | None = None) -> SavedBundle:
        """One application for a bundle (一件事): one 办件编号 for the bundle and, per item in
        the bundle's order, a case of its own (its sub-number 01, 02 … and its own 办件编号,
        so the deadline scan, pickup and ratings treat it like any case), each saved with
        its outbox entry in one transaction-free sequence. Returns the bundle's receipt
        (a SavedCase of document kind `bundle`) and the item cases."""
        now = now or hall_now()
        local_day = now.astimezone(HALL_TIMEZONE).date()
        bundle_number = self._next_number(snapshot, window, device_id, local_day)
        cases: list[SavedCase] = []
        for index, (item, item_evaluation, record) in enumerate(decided, start=1):
            number = self._next_number(snapshot, window, device_id, local_day)
            payload = _case_payload(snapshot, item, item_evaluation, record, applicant, agent, clerk, window,
                                    device_id, applied_at, now, str(number), consent)
            cases.append(self._store_case(number, record, payload, helper, bundle={
                "code": bundle.code, "name": bundle.name, "number": str(bundle_number),
                "sub_number": f"{index:02d}", "items": len(decided), "situations": sorted(chosen)}))
        promised = [c.promised_date for c in cases if c.promised_date]
        receipt = {
            "case_number": str(bundle_number),
            "item": {"code": bundle.code, "name": bundle.name, "department": {"name": "、".join(dict.fromkeys(
                c.payload["item"]["department"]["name"] for c in cases))}, "case_type": "一件事",
                     "promised_limit": {}},
            "bundle": {"code": bundle.code, "name": bundle.name, "number": str(bundle_number),
                       "situations": sorted(chosen), "items": [_receipt_line(c) for c in cases]},
            "applicant": applicant.as_payload(),
            "agent": agent.as_payload() if agent else None,
            **({"helper": dict(helper)} if helper else {}),
            "materials": [_merged_line(row, evaluation) for row in evaluation.rows],
            "decision": {"code": BUNDLE_DOCUMENT, "label": "一件事", "reason": "", "deficiencies": [],
                         "notice": [], "committed": []},
            "clerk": clerk, "window": window, "device_id": device_id, "region_code": snapshot.region_code,
            "applied_at": applied_at.astimezone(UTC).isoformat(),
            "decided_at": now.astimezone(UTC).isoformat(),
            "promised_date": max(promised).isoformat() if promised else None,
            "calendar_note": "",
        }
        saved = SavedCase(str(bundle_number), bundle_number.display(), BUNDLE_DOCUMENT,
                          max(promised) if promised else None, receipt)
        return SavedBundle(saved, tuple(cases))


@dataclass(frozen=True)
class SavedBundle:
    receipt: SavedCase  # the bundle's 办件编号 and its one receipt (document kind `bundle`)
    cases: tuple[SavedCase, ...] = field(default_factory=tuple)  # one per item, sub-numbers 01, 02 …


def _code(value: Any) -> str:
    found = value.get("code") if isinstance(value, dict) else None
    return str(found if found is not None else (value.get("year", "?") if isinstance(value, dict) else "?"))[:40]


def _readable(values: list[Any], model: type, unreadable: list[str]) -> list[Any]:
    """`values` read by `model`; each one it refuses named in `unreadable` and logged."""
    read = []
    for value in values:
        try:
            read.append(model.model_validate(value))
        except ValueError as exc:  # pydantic's ValidationError is one
            errors = exc.errors() if hasattr(exc, "errors") else []
            why = (".".join(str(p) for p in errors[0]["loc"]) + ": " + errors[0]["msg"]) if errors else str(exc)
            log.warning("cached %s %s left out: %s", model.__name__, _code(value), why)
            unreadable.append(f"{_code(value)}: {why[:200]}")
    return read


def _receipt_line(case: SavedCase) -> dict[str, Any]:
    p = case.payload
    return {"sub_number": p["bundle"]["sub_number"], "case_number": case.case_number,
            "item": p["item"]["name"], "department": p["item"]["department"]["name"],
            "decision": p["decision"]["code"], "label": p["decision"]["label"],
            "promised_date": p["promised_date"],
            "notice": [{"material_name": n["material_name"], "problem": n["problem"], "detail": n["detail"]}
                       for n in p["decision"]["notice"]],
            "reason": p["decision"]["reason"]}


# What counts as received: on paper, electronically, fetched by data sharing, or held by the
# hall from an earlier case (材料复用).
_HANDED_OVER = (MaterialStatus.RECEIVED, MaterialStatus.ELECTRONIC, MaterialStatus.SHARED, MaterialStatus.REUSED)


def _merged_line(row, evaluation: BundleEvaluation) -> dict[str, Any]:
    """A merged material as the receipt lists it: its finding as the items recorded it."""
    check = next((c for ref in row.needed_by if ref.item in evaluation.items
                  for c in evaluation.items[ref.item].checks if c.material_id == ref.material), None)
    status = check.status if check else MaterialStatus.NOT_CHECKED
    return {"id": row.key, "name": row.material.name, "necessity": int(row.material.necessity),
            "status": status.value, "originals": check.original_count if check else 0,
            "copies": check.copy_count if check else 0, "reason": (check.defect_reason or "") if check else "",
            "received": status in _HANDED_OVER, "needed_by": list(row.items),
            **({"reused_from": check.reused_from} if check is not None and check.reused_from else {})}


def _case_payload(snapshot: GuideSnapshot, item: ServiceItem, evaluation: Evaluation, record: DecisionRecord,
                  applicant: Person, agent: Person | None, clerk: dict[str, str], window: int | None,
                  device_id: str, applied_at: datetime, now: datetime, number: str,
                  consent: Consent | None = None) -> dict[str, Any]:
    local_day = now.astimezone(HALL_TIMEZONE).date()
    # 材料复用: with the applicant's consent, what the hall keeps and until when; else nothing.
    kept = {m.id: held_until(m, local_day) for m in keepable(evaluation, record)} if consent and consent.given \
        else {}
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
            "received": check.status in _HANDED_OVER,
            **({"reused_from": check.reused_from} if check.reused_from else {}),
            **({"kept_until": kept[material.id].isoformat()} if material.id in kept else {}),
        })
    return {
        "case_number": number,
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
        **({"consent": consent.as_payload()} if consent is not None else {}),
    }
