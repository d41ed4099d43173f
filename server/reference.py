"""Reference data with a strictly increasing revision per change, and its change feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import ReferenceEntry, RevisionCounter
from server.records import unstorable
from workstation.domain.bundle import BundleProblem, check_against
from workstation.protocol.bundles import Bundle
from workstation.protocol.catalogue import ServiceItem
from workstation.protocol.reference import (
    BusinessType,
    ChangesPage,
    Hall,
    PublishedCalendar,
    ReferenceKind,
    Supervision,
    Window,
)
from workstation.protocol.reference import ReferenceEntry as WireEntry

SCHEMAS: dict[ReferenceKind, type[BaseModel]] = {
    ReferenceKind.HALL: Hall,
    ReferenceKind.WINDOW: Window,
    ReferenceKind.BUSINESS_TYPE: BusinessType,
    ReferenceKind.SERVICE_ITEM: ServiceItem,
    ReferenceKind.CALENDAR: PublishedCalendar,
    ReferenceKind.SUPERVISION: Supervision,
    ReferenceKind.BUNDLE: Bundle,
}

MAX_PAGE = 1000


class InvalidReference(ValueError):
    """A reference value that does not fit its schema; the message names what is wrong."""


def key_of(kind: ReferenceKind, value: BaseModel) -> str:
    if kind in (ReferenceKind.HALL, ReferenceKind.SUPERVISION):
        return "hall"
    if kind is ReferenceKind.WINDOW:
        return str(value.number)  # type: ignore[attr-defined]
    if kind is ReferenceKind.CALENDAR:
        return str(value.year)  # type: ignore[attr-defined]
    return str(value.code)  # type: ignore[attr-defined]


def cross_problems(session: Session, kind: ReferenceKind, values: list[BaseModel]) -> list[str]:
    """What `values`, valid on their own, name that the hall's current reference data does
    not have: a bundle's items, shared materials and answered situations must be in the
    catalogue. Empty when nothing is wrong."""
    if kind is not ReferenceKind.BUNDLE or not values:
        return []
    items = {}
    for payload in current(session, ReferenceKind.SERVICE_ITEM):
        item = ServiceItem.model_validate(payload)
        items[item.code] = item
    problems = []
    for bundle in values:
        try:
            check_against(bundle, items)  # type: ignore[arg-type]
        except BundleProblem as exc:
            problems.append(f"bundle {bundle.code}: {exc}")  # type: ignore[attr-defined]
    return problems


def validate(kind: ReferenceKind, payload: dict[str, Any]) -> BaseModel:
    name = payload.get("name") or payload.get("code") or payload.get("number") or "?"
    problem = unstorable(payload)
    if problem:  # what every workstation and display would pull and show
        raise InvalidReference(f"{kind.value} {name!s}: the value {problem}")
    try:
        return SCHEMAS[kind].model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(item)'}: {err['msg']}" for err in exc.errors()
        )
        raise InvalidReference(f"{kind.value} {name!s}: {problems}") from None


def _next_revision(session: Session) -> int:
    counter = session.execute(
        select(RevisionCounter).where(RevisionCounter.id == 1).with_for_update()
    ).scalar_one_or_none()
    if counter is None:
        counter = RevisionCounter(id=1, value=0)
        session.add(counter)
    counter.value += 1
    session.flush()
    return counter.value


def stored_form(kind: ReferenceKind, value: BaseModel) -> dict[str, Any]:
    """A valid value as the server keeps and serves it."""
    normalised = value.model_dump(mode="json")
    if kind is ReferenceKind.WINDOW and normalised.get("hall") is None:
        normalised.pop("hall", None)  # the first hall's windows read as they always did
    return normalised


def put(session: Session, kind: ReferenceKind, payload: dict[str, Any]) -> ReferenceEntry:
    """Store a new or changed value. An unchanged value keeps its revision, so a
    re-import of the same catalogue does not make every client pull it again."""
    value = validate(kind, payload)
    normalised = stored_form(kind, value)
    key = key_of(kind, value)
    entry = session.get(ReferenceEntry, (kind.value, key))
    if entry is not None and not entry.deleted and entry.payload == normalised:
        return entry
    revision = _next_revision(session)
    now = datetime.now(UTC)
    if entry is None:
        entry = ReferenceEntry(kind=kind.value, key=key, revision=revision, deleted=False,
                               payload=normalised, changed_at=now)
        session.add(entry)
    else:
        entry.revision, entry.deleted, entry.payload, entry.changed_at = revision, False, normalised, now
    session.flush()
    return entry


def delete(session: Session, kind: ReferenceKind, key: str) -> ReferenceEntry | None:
    """Replace a value by a tombstone, which the change feed carries to every client."""
    entry = session.get(ReferenceEntry, (kind.value, key))
    if entry is None or entry.deleted:
        return entry
    entry.revision = _next_revision(session)
    entry.deleted, entry.payload, entry.changed_at = True, None, datetime.now(UTC)
    session.flush()
    return entry


def head(session: Session) -> int:
    return session.execute(select(func.coalesce(func.max(ReferenceEntry.revision), 0))).scalar_one()


def changes(session: Session, since: int, limit: int, kinds: set[str] | None = None) -> ChangesPage:
    query = select(ReferenceEntry).where(ReferenceEntry.revision > since)
    if kinds:
        query = query.where(ReferenceEntry.kind.in_(kinds))
    rows = session.execute(query.order_by(ReferenceEntry.revision).limit(limit + 1)).scalars().all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    entries = [
        WireEntry(kind=ReferenceKind(r.kind), key=r.key, revision=r.revision, deleted=r.deleted,
                  payload=r.payload)
        for r in rows
    ]
    top = head(session)
    return ChangesPage(
        entries=entries,
        # The cursor moves only over what was sent: a change committed while this page
        # was read is never skipped.
        next_since=entries[-1].revision if entries else since,
        has_more=has_more,
        head=top,
    )


def current(session: Session, kind: ReferenceKind) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ReferenceEntry.payload).where(ReferenceEntry.kind == kind.value,
                                             ReferenceEntry.deleted.is_(False))
    ).scalars()
    return list(rows)
