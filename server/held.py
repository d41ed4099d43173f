"""材料复用 on the hall server: the materials an applicant agreed the hall may keep, by the
keyed hash of their ID number (server.id_hash, the case index's key: never the number).

Written when a `case` record arrives (an indexer in the records upload, so what a window
saved while the hall was down arrives with the case through its outbox): a case whose
`consent.given` is true and whose decision accepted it keeps each material it marks
`kept_until`, one row per applicant and material name, a later receipt replacing an
earlier one (never the other way round, whatever order the windows' uploads come in).
No consent: nothing is written.

Read by the clerk at the window (POST /held-materials/search with the ID number in the
body): the server hashes the number and answers that applicant's rows only."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from server import audit, cases, records
from server.auth import Principal, require
from server.db import Database
from server.models import HeldMaterial, Record
from workstation.domain import case_number as case_numbers
from workstation.domain.identity import mask_id
from workstation.domain.roles import Role
from workstation.protocol import API_PREFIX
from workstation.protocol import held as wire

log = logging.getLogger(__name__)

ACCEPTED = frozenset({"accept", "accept_with_deficiency", "accept_on_commitment"})  # workstation.app.held
LONGEST_KEPT = timedelta(days=3700)  # the guide's held_months is at most 120


def _kept(row: Record, payload: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """(applicant hash, rows to keep) from a case payload; nothing without consent."""
    consent = payload.get("consent")
    if not isinstance(consent, dict) or consent.get("given") is not True:
        return "", []
    decision = payload.get("decision") or {}
    if str(decision.get("code")) not in ACCEPTED:
        return "", []
    id_number = str((payload.get("applicant") or {}).get("id_number") or "").strip()
    if not id_number:
        return "", []
    number = case_numbers.canonical(str(payload["case_number"]))[:32]
    decided = datetime.fromisoformat(str(payload["decided_at"]))
    received_on = (decided if decided.tzinfo else decided.replace(tzinfo=UTC)).astimezone(
        cases._context.settings.timezone).date()
    item_name = str((payload.get("item") or {}).get("name") or "")[:200]
    kept = []
    for material in payload.get("materials") or []:
        if not isinstance(material, dict) or not material.get("kept_until") or not material.get("received"):
            continue
        until = date.fromisoformat(str(material["kept_until"]))
        if not received_on <= until <= received_on + LONGEST_KEPT:
            log.warning("case %s: material %s kept until %s is out of range, not kept", number,
                        material.get("id"), until)
            continue
        name = str(material.get("name") or "").strip()[:200]
        if name:
            kept.append({"material_name": name, "material_id": str(material.get("id") or "")[:100],
                         "item_name": item_name, "case_number": number, "received_on": received_on,
                         "valid_until": until})
    return (cases.applicant_hash(id_number) if kept else ""), kept


def _upsert(session: Session, applicant: str, values: dict[str, Any], now: datetime) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    row = {"applicant_id_hash": applicant, **values, "created_at": now}
    statement = insert(HeldMaterial).values(**row)
    replace = {k: statement.excluded[k] for k in ("material_id", "item_name", "case_number", "received_on",
                                                  "valid_until", "created_at")}
    # A later receipt replaces an earlier one; an earlier case uploaded late does not.
    session.execute(statement.on_conflict_do_update(
        index_elements=[HeldMaterial.applicant_id_hash, HeldMaterial.material_name], set_=replace,
        where=HeldMaterial.received_on <= statement.excluded.received_on))


@records.indexer(cases.CASE_KIND)
def keep_consented(session: Session, row: Record, payload: Any) -> None:
    """A new `case` record: the materials its applicant agreed the hall may keep. A record
    this cannot read keeps nothing (logged); it never refuses the case."""
    try:
        applicant, kept = _kept(row, payload if isinstance(payload, dict) else {})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        log.warning("case record %s: held materials not kept: %s", row.uuid, exc)
        return
    if not kept:
        return
    now = datetime.now(UTC)
    try:
        with session.begin_nested():
            for values in kept:
                _upsert(session, applicant, values, now)
    except (DataError, IntegrityError, OverflowError) as exc:
        log.warning("case record %s: held materials not kept: %s", row.uuid, type(exc).__name__)
        return
    log.info("case %s: %d material(s) kept with the applicant's consent", kept[0]["case_number"], len(kept))


def search(session: Session, id_number: str) -> list[wire.HeldMaterial]:
    """What the hall keeps for the applicant with this ID number, newest receipt first."""
    rows = session.execute(select(HeldMaterial).where(HeldMaterial.applicant_id_hash == cases.applicant_hash(id_number))
                           .order_by(HeldMaterial.received_on.desc(), HeldMaterial.material_name)).scalars()
    return [wire.HeldMaterial(material_name=r.material_name, material_id=r.material_id, item_name=r.item_name,
                              case_number=r.case_number, received_on=r.received_on, valid_until=r.valid_until)
            for r in rows]


def held_router(db: Database) -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, tags=["held materials"])

    @router.post(f"{wire.HELD_PREFIX}/search", response_model=list[wire.HeldMaterial])
    def find(body: wire.HeldSearch, caller: Principal = Depends(require(Role.CLERK))) -> list[wire.HeldMaterial]:
        """材料复用: the materials the hall keeps for the applicant with this ID number (in the
        body, never in the URL), found by its keyed hash; the clerk at the counter only."""
        with db.reading() as session:
            found = search(session, body.id_number)
        # Audited like the case look-up by ID: the masked number and the keyed hash, never the number.
        audit.record(db, caller, "lookup.held_materials", mask_id(body.id_number), {
            "id_masked": mask_id(body.id_number), "id_hash": cases.applicant_hash(body.id_number),
            "materials": [h.material_name for h in found]})
        return found

    return router
