"""The case endpoints: a case by its 办件编号 and an applicant's cases by ID number (for the
window that hands a result over: clerks, supervisors, admins), and 电子监察's deadline
board under /api/v1/monitoring (supervisors and admins only). Steps themselves arrive as
`case.step` records through POST /records. Answers carry masked personal data only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status

from server import audit, cases
from server.auth import Principal, require
from server.db import Database
from server.events import EventBus
from workstation.domain.case import DeadlineLevel
from workstation.domain.identity import mask_id
from workstation.domain.roles import Role
from workstation.protocol import API_PREFIX
from workstation.protocol import cases as wire
from workstation.protocol.monitoring import MONITORING_PREFIX


def cases_router(db: Database, bus: EventBus, job: cases.DeadlineJob) -> APIRouter:
    """The endpoints over one database; the records upload's case indexers publish on `bus`
    and ask `job` for a scan after a change."""
    # With several processes the leader's job scans: the others tell it over the bus.
    cases.configure(job.settings, bus, (lambda: bus.notice("jobs.deadline")) if bus.shared else job.poke)
    router = APIRouter(prefix=API_PREFIX, tags=["cases"])
    at_the_counter = require(Role.CLERK, Role.SUPERVISOR, Role.ADMIN)
    supervising = require(Role.SUPERVISOR, Role.ADMIN)

    @router.get(f"{wire.CASES_PREFIX}/{{case_number}}", response_model=wire.CaseDetail)
    def case_detail(case_number: str = Path(min_length=1, max_length=48, pattern=r"^[0-9A-Za-z -]+$"),
                    caller: Principal = Depends(at_the_counter)) -> wire.CaseDetail:
        """The case with its history and the steps a window may take now; the number as
        printed (hyphens, spaces, lower case) is read the way the document check reads it."""
        with db.reading() as session:
            try:
                found = cases.detail(session, case_number, caller.halls)
            except cases.OtherHall as exc:
                raise HTTPException(status.HTTP_403_FORBIDDEN, str(exc)) from None
            except LookupError as exc:
                raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        audit.record(db, caller, "lookup.case", found.case_number, {"by": "case_number"})
        return found

    @router.get(f"{wire.CASES_PREFIX}/bundles/{{bundle_number}}", response_model=list[wire.CaseSummary])
    def bundle(bundle_number: str = Path(min_length=1, max_length=48, pattern=r"^[0-9A-Za-z -]+$"),
               caller: Principal = Depends(at_the_counter)) -> list[wire.CaseSummary]:
        """The item cases of a 一件事 by the bundle's 办件编号 (as on its receipt), in sub-number order."""
        with db.reading() as session:
            try:
                found = cases.bundle_cases(session, bundle_number, caller.halls)
            except cases.OtherHall as exc:
                raise HTTPException(status.HTTP_403_FORBIDDEN, str(exc)) from None
            except LookupError as exc:
                raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        audit.record(db, caller, "lookup.bundle", bundle_number, {"cases": [c.case_number for c in found]})
        return found

    @router.post(f"{wire.CASES_PREFIX}/search", response_model=list[wire.CaseSummary])
    def search(body: wire.CaseSearch, caller: Principal = Depends(at_the_counter)) -> list[wire.CaseSummary]:
        """The applicant's cases, newest first, found by the keyed hash of the ID number
        (in the body, never in the URL)."""
        with db.reading() as session:
            found = cases.search(session, body.id_number, halls=caller.halls)
        # Never the number itself: its masked form, and the keyed hash the case index keeps
        # (so "who looked this applicant up" can be answered from the hash).
        audit.record(db, caller, "lookup.cases_by_id", mask_id(body.id_number), {
            "id_masked": mask_id(body.id_number), "id_hash": cases.applicant_hash(body.id_number),
            "cases": [c.case_number for c in found]})
        return found

    @router.get(f"{MONITORING_PREFIX}/deadlines", response_model=wire.DeadlineBoard)
    def deadlines(level: DeadlineLevel | None = None,
                  department: Annotated[str | None, Query(max_length=64)] = None,
                  clerk: Annotated[str | None, Query(max_length=64)] = None,
                  limit: Annotated[int, Query(ge=1, le=cases.MAX_LISTED)] = cases.MAX_LISTED,
                  caller: Principal = Depends(supervising)) -> wire.DeadlineBoard:
        """The open cases with a deadline level (or of `level`), worst first, and the
        counts per department (code) and clerk (username), within the filters given."""
        with db.reading() as session:
            return cases.board(session, job.settings.today(), level, department, clerk, limit, caller.halls)

    return router
