"""电子证照: the licences the hall can obtain by data sharing (免提交), looked up by the
applicant's ID number instead of asking for paper.

`LicenceLookup` is the interface a hall plugs its province's licence service into;
`HttpLicenceLookup` speaks a small JSON protocol (POST {url}/licences/search with
{"id_number": …} → {"licences": [{type, number, holder, issued_by, valid_until}]}), which
the demo and the tests' simulator (tests/support/licence_service.py) serve. A service that
does not answer is `LicenceUnavailable` with a plain reason: the clerk takes paper, nothing
waits. Calls go over the network: front ends make them off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from workstation.protocol.catalogue import Material


@dataclass(frozen=True)
class Licence:
    type: str  # 营业执照, 居民户口簿, 结婚证, 不动产权证书 …
    number: str
    holder: str
    issued_by: str = ""
    valid_until: date | None = None  # None: no end

    def valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class LicenceUnavailable(RuntimeError):
    """The licence service cannot be asked now; the message says why, plainly."""


class LicenceLookup(Protocol):
    def find(self, id_number: str) -> list[Licence]: ...


class HttpLicenceLookup:
    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url, self.timeout = url.rstrip("/"), timeout

    def find(self, id_number: str) -> list[Licence]:
        import requests  # loaded off the GUI thread, as every network call

        try:
            answer = requests.post(f"{self.url}/licences/search", json={"id_number": id_number},
                                   timeout=self.timeout)
        except requests.RequestException as exc:
            raise LicenceUnavailable(f"the licence service does not answer ({type(exc).__name__})") from None
        if answer.status_code != 200:
            raise LicenceUnavailable(f"the licence service answered {answer.status_code}")
        try:
            return [Licence(type=str(v["type"]), number=str(v["number"]), holder=str(v.get("holder") or ""),
                            issued_by=str(v.get("issued_by") or ""),
                            valid_until=date.fromisoformat(v["valid_until"]) if v.get("valid_until") else None)
                    for v in answer.json()["licences"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise LicenceUnavailable(f"the licence service's answer cannot be read ({exc})") from None


def lookup_from(url: str, timeout: float) -> LicenceLookup | None:
    """The configured service ([licences] url), or None: paper only."""
    return HttpLicenceLookup(url, timeout) if url else None


def licence_for(material: Material, licences: list[Licence], today: date) -> Licence | None:
    """The valid licence that stands for `material`: a 免提交 material whose name names the
    licence's type (营业执照 for 「营业执照或者其他主体资格证明文件」)."""
    if not material.shareable:
        return None
    return next((lic for lic in licences if lic.type and lic.type in material.name and lic.valid_on(today)), None)
