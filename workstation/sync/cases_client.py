"""The hall server's case endpoints (/api/v1/cases, /api/v1/monitoring/deadlines), over
HallClient's plumbing. Called with a person's session token: a clerk may look cases up,
only supervisors and admins read the deadline board (403 otherwise).

Errors as HallClient's: HallUnreachable (no answer, a server error), HallRefused (4xx,
with the server's own words: 404 for an unknown 办件编号, 422 for a malformed ID number).
One instance per thread, like HallClient."""

from __future__ import annotations

from urllib.parse import quote

from workstation.domain.case import DeadlineLevel
from workstation.protocol import cases as wire
from workstation.protocol import held as held_wire
from workstation.protocol.monitoring import MONITORING_PREFIX
from workstation.sync.client import HallClient

C = wire.CASES_PREFIX


class CasesClient(HallClient):
    def case(self, case_number: str) -> wire.CaseDetail:
        """One case with its history; the number as printed (hyphens, lower case) is fine."""
        return wire.CaseDetail.model_validate(self._call("GET", f"{C}/{quote(case_number.strip(), safe='')}"))

    def bundle(self, bundle_number: str) -> list[wire.CaseSummary]:
        """The item cases of a 一件事 by the bundle's 办件编号, in sub-number order."""
        answer = self._call("GET", f"{C}/bundles/{quote(bundle_number.strip(), safe='')}")
        return [wire.CaseSummary.model_validate(c) for c in answer]

    def search(self, id_number: str) -> list[wire.CaseSummary]:
        """The cases of the applicant with this ID number, newest first. The number goes
        in the body as bytes built here (never in a URL, never logged)."""
        data = wire.CaseSearch(id_number=id_number).model_dump_json().encode()
        return [wire.CaseSummary.model_validate(c) for c in self._call("POST", f"{C}/search", data=data)]

    def held(self, id_number: str) -> list[held_wire.HeldMaterial]:
        """材料复用: what the hall keeps for the applicant with this ID number (clerks only),
        the number in the body as bytes built here (never in a URL, never logged)."""
        data = held_wire.HeldSearch(id_number=id_number).model_dump_json().encode()
        return [held_wire.HeldMaterial.model_validate(h)
                for h in self._call("POST", f"{held_wire.HELD_PREFIX}/search", data=data)]

    def deadlines(self, level: DeadlineLevel | None = None, department: str | None = None,
                  clerk: str | None = None) -> wire.DeadlineBoard:
        """电子监察's board: open cases worst first, with the counts (supervisors, admins)."""
        params = {k: v for k, v in (("level", level.value if level else None), ("department", department),
                                    ("clerk", clerk)) if v}
        return wire.DeadlineBoard.model_validate(
            self._call("GET", f"{MONITORING_PREFIX}/deadlines", params=params or None))
