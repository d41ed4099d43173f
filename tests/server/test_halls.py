"""More than one hall on one server (issue #15), over real HTTP on SQLite and PostgreSQL: the
demo hall ("main", windows 1–6) and a branch hall ("east", windows 101–102, imported by
IT with `import window FILE --hall east`), a kiosk, a display and a workstation in each.

A device of the branch hall cannot read or act on the main hall's queue, tickets, windows,
records or cases: 403 on every queue and record endpoint, the list taken from the server's
own /openapi.json so that a new endpoint cannot escape; its own queue numbers from A001
as the main hall's does; its display never sees the main hall's calls; a supervisor given
both halls sees both."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

import pytest
import requests

from tests.security.test_role_matrix import ROLE_TABLE, spec_operations
from tests.server.test_cases import APPLICANT, Window
from tests.ui.rating_fixtures import hall_time

TIMEOUT = 30
BRANCH = "east"
BRANCH_WINDOWS = [
    {"number": 101, "name": "101号窗口 综合受理", "business_types": ["general", "market"], "backup": 102},
    {"number": 102, "name": "102号窗口 企业开办", "business_types": ["market", "general"], "backup": 101},
]
# The endpoints a hall's device may be refused on for another hall: the queue's and the records'.
SCOPED = ("/queue", "/records", "/cases", "/documents", "/monitoring/hall", "/monitoring/advice")
# Public by design: what a printed document's QR code opens names no applicant (test_documents.py).
PUBLIC = {("GET", "/documents/check/{case_number}")}
PDF = b"%PDF-1.7 the main hall's receipt"
# Who of the branch hall calls each endpoint: the first of these the role table lets through.
ROLES = ("clerk", "kiosk", "display", "supervisor", "admin")


def _json(response: requests.Response, status: int = 200):
    assert response.status_code == status, f"{response.request.method} {response.url}: " \
                                           f"{response.status_code} {response.text}"
    return response.json()


def _code(admin: requests.Session, server, kind: str, window: int | None, hall: str) -> str:
    return _json(admin.post(server.api("/admin/enrolment-codes"), timeout=TIMEOUT,
                            json={"kind": kind, "window": window, "hall": hall}))["code"]


class Hall:
    """One hall's devices and people: a kiosk, a display, a workstation at `window` with
    `clerk` logged in, and the supervisor and admin logged in at that workstation."""

    def __init__(self, server, admin, hall: str, window: int, clerk: str) -> None:
        self.server, self.hall, self.window = server, hall, window
        self.kiosk = server.session(server.enrol("kiosk", None, code=_code(admin, server, "kiosk", None, hall)))
        self.display = server.session(server.enrol("display", None,
                                                   code=_code(admin, server, "display", None, hall)))
        self.token = server.enrol("workstation", window, code=_code(admin, server, "workstation", window, hall))
        self.workstation = server.session(self.token)
        self.clerk = server.login(clerk, device_token=self.token)
        self.supervisor = server.login("supervisor", device_token=self.token)
        self.admin = server.login("admin", device_token=self.token)

    def caller(self, role: str) -> requests.Session:
        return getattr(self, role)

    def issue(self, business_type: str = "general") -> dict:
        return _json(self.kiosk.post(self.server.api("/queue/tickets"), json={"business_type": business_type},
                                     timeout=TIMEOUT), 201)


@pytest.fixture
def halls(hall_server, tmp_path):
    """(main, branch): the demo hall and the branch hall "east" on one server, a ticket
    issued in each, and in the main hall a case and a record conflict."""
    windows = tmp_path / "east-windows.json"
    windows.write_text(json.dumps(BRANCH_WINDOWS, ensure_ascii=False), encoding="utf-8")
    imported = hall_server.run_cli("import", "window", str(windows), "--hall", BRANCH)
    assert imported.returncode == 0, imported.stderr
    admin = hall_server.admin_session()
    main = Hall(hall_server, admin, "main", 1, "clerk1")
    branch = Hall(hall_server, admin, BRANCH, 101, "clerk2")
    # The main hall's records: a case made by the workstation's own code, and a conflict.
    counter = Window(hall_server, tmp_path, 3, ("clerk3", "王强"))
    main.case = counter.case(at=hall_time(2025, 9, 25, 10), applicant=APPLICANT)
    counter.upload()
    note = {"uuid": str(uuid.uuid4()), "kind": "test.note", "created_at": datetime.now(UTC).isoformat()}
    for text in ("first", "second"):
        answer = _json(counter.session.post(hall_server.api("/records"), timeout=TIMEOUT,
                                            json={"records": [{**note, "payload": {"text": text}}]}))
    assert answer["results"][0]["status"] == 409  # a conflict, kept for review
    main.note = note["uuid"]
    main.document = hashlib.sha256(PDF).hexdigest()
    _json(counter.session.put(hall_server.api(f"/documents/{main.document}"), data=PDF, timeout=TIMEOUT), 201)
    main.ticket, branch.ticket = main.issue(), branch.issue()
    yield main, branch
    counter.close()


def _other_halls_object(path: str, main: Hall) -> dict[str, str]:
    return {"ticket_id": str(main.ticket["id"]), "number": str(main.window), "sha256": main.document,
            "case_number": main.case.case_number, "bundle_number": main.case.case_number}


# The operations that name another hall's ticket or window in their body.
NAMED_IN_BODY = {
    "/queue/call": lambda main: {"ticket_id": main.ticket["id"]},
    "/monitoring/advice/apply": lambda main: {"window": main.window, "business_types": ["general"]},
}
# Required query parameters, and bodies that pass validation: what answers is the hall check, not a 422.
QUERY = {"business_type": "general"}


def required_query(operation: dict) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query" and p.get("required")]



BODIES = {
    "/queue/tickets": {"business_type": "general"},
    "/queue/tickets/{ticket_id}/transfer": {"business_type": "market"},
    "/queue/call": None,  # the main hall's ticket id, filled in below
    "/queue/appointments": {"code": "H2026120401", "business_type": "general",
                            "slot_start": "2030-01-02T09:00:00", "slot_end": "2030-01-02T09:30:00"},
    "/cases/search": {"id_number": APPLICANT.id_number},
    "/records": {"records": []},
    "/queue/window/pause": None,
}


def test_a_device_of_one_hall_is_refused_on_every_queue_and_record_endpoint_of_another(hall_server, halls):
    main, branch = halls
    api = hall_server.api
    # Each hall numbers its own queue: both first tickets are A001.
    assert main.ticket["number"] == branch.ticket["number"] == "A001"
    assert main.ticket["id"] != branch.ticket["id"]

    wrong: list[str] = []
    checked = 0
    operations = [(m, p, o) for m, p, o in spec_operations(hall_server)
                  if p.startswith(SCOPED) and (m, p) not in PUBLIC]
    assert len(operations) >= 20, operations
    for method, path, operation in operations:
        role = next((r for r in ROLES if r in ROLE_TABLE[method, path]), None)
        assert role is not None, f"{method} {path}: no caller of the branch hall may use it"
        caller = branch.caller(role)
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        values = _other_halls_object(path, main)
        filled = path
        for name in names:
            filled = filled.replace("{" + name + "}", values[name])
        body = BODIES.get(path, {} if operation.get("requestBody", {}).get("required") else None)
        if path in NAMED_IN_BODY:
            body = NAMED_IN_BODY[path](main)
        takes_hall = any(p["name"] == "hall" and p["in"] == "query" for p in operation.get("parameters", []))
        if (method, path) in OWN_HALL_ONLY:
            pass  # names another hall's object only to add to the caller's own hall (below)
        elif names or path in NAMED_IN_BODY:
            # The main hall's ticket, window or case, named by a branch device: refused.
            answer = caller.request(method, api(filled), json=body, timeout=TIMEOUT)
            # A bundle is looked up by its own number: the main hall's case is none (404), which
            # says as little; a case looked up by its number is refused.
            expected = (403, 404) if "bundle_number" in names else (403,)
            if answer.status_code not in expected or (answer.status_code == 403 and "hall" not in answer.text):
                wrong.append(f"{method} {filled} as the branch {role}: {answer.status_code} {answer.text[:200]}")
        elif takes_hall:
            query = {name: QUERY[name] for name in required_query(operation)}
            answer = caller.request(method, api(filled), params={**query, "hall": "main"}, json=body,
                                    timeout=TIMEOUT)
            if answer.status_code != 403 or "hall" not in answer.text:
                wrong.append(f"{method} {filled}?hall=main as the branch {role}: {answer.status_code} "
                             f"{answer.text[:200]}")
        if (method, path) in OWN_HALL_ONLY or not (names or path in NAMED_IN_BODY or takes_hall):
            answer = caller.request(method, api(filled), json=body, timeout=TIMEOUT)
            text = answer.text
            leaks = [what for what in (main.case.case_number, main.note, f'"ticket_id":{main.ticket["id"]}')
                     if what in text]
            if answer.status_code >= 500 or leaks:
                wrong.append(f"{method} {filled} as the branch {role}: {answer.status_code}, shows the main "
                             f"hall's {leaks}")
            if (method, path) not in OWN_HALL_ONLY:
                wrong.append(f"{method} {path}: a queue or record endpoint this test does not know; say how "
                             "it keeps to the caller's hall (OWN_HALL_ONLY) or give it a hall parameter")
        checked += 1
    print(f"\nhalls: {checked} queue and record operations called by a branch hall's device")
    assert not wrong, "\n".join(wrong)

    # What the branch's endpoints without another hall's object do keep to the branch.
    summary = _json(branch.clerk.get(api("/queue/summary"), timeout=TIMEOUT))
    assert [w["number"] for w in summary["windows"]] == [101, 102]
    board = _json(branch.supervisor.get(api("/monitoring/hall"), timeout=TIMEOUT))
    assert [w["number"] for w in board["windows"]] == [101, 102]
    assert [w["number"] for w in _json(main.supervisor.get(api("/monitoring/hall"), timeout=TIMEOUT))["windows"]] \
        == [1, 2, 3, 4, 5, 6]
    main_summary = _json(main.clerk.get(api("/queue/summary"), timeout=TIMEOUT))
    assert [w["number"] for w in main_summary["windows"]] == [1, 2, 3, 4, 5, 6]
    assert {t["code"]: t["waiting"] for t in main_summary["business_types"]}["general"] == 1
    # The branch clerk's call-next took the branch's own ticket, never the main hall's.
    assert _json(main.clerk.get(api(f"/queue/tickets/{main.ticket['id']}"), timeout=TIMEOUT))["state"] == "waiting"
    assert _json(branch.supervisor.get(api(f"/queue/tickets/{branch.ticket['id']}"),
                                       timeout=TIMEOUT))["window"] == 101
    called = _json(main.clerk.post(api("/queue/call-next"), timeout=TIMEOUT))
    assert called["id"] == main.ticket["id"] and called["window"] == 1
    # The main hall's supervisor does not see the branch's records; the branch's sees none of the main's.
    assert _json(branch.supervisor.get(api("/records/conflicts"), timeout=TIMEOUT)) == []
    assert [c["uuid"] for c in _json(main.supervisor.get(api("/records/conflicts"), timeout=TIMEOUT))] == [main.note]
    assert _json(branch.clerk.post(api("/cases/search"), json={"id_number": APPLICANT.id_number},
                                   timeout=TIMEOUT)) == []
    found = _json(main.clerk.post(api("/cases/search"), json={"id_number": APPLICANT.id_number}, timeout=TIMEOUT))
    assert [c["case_number"] for c in found] == [main.case.case_number]
    me = _json(branch.kiosk.get(api("/me"), timeout=TIMEOUT))
    assert me["hall"] == BRANCH and me["halls"] == [BRANCH]


# The queue and record endpoints that name no ticket, window or case and take no hall:
# each works in the caller's own hall only (checked above for what they show).
OWN_HALL_ONLY = {
    ("POST", "/queue/call-next"),  # the clerk's window, in the device's hall
    ("POST", "/queue/window/pause"),  # the clerk's own window
    ("POST", "/queue/window/resume"),
    ("POST", "/records"),  # stored as the uploading device's hall's
    ("GET", "/records"),  # the caller's halls' records only
    ("GET", "/records/conflicts"),  # offered by the caller's halls' devices only
    ("POST", "/cases/search"),  # the caller's halls' cases only
    # Stores the same bytes under their hash for the caller's upload; shows nothing back.
    ("PUT", "/documents/{sha256}"),
}


def _events(stream: requests.Response):
    """(type, data) of each event of an SSE stream, as they come."""
    kind = None
    for line in stream.iter_lines(decode_unicode=True):
        if line.startswith("event: "):
            kind = line[len("event: "):]
        elif line.startswith("data: ") and kind is not None:
            yield kind, json.loads(line[len("data: "):])["data"]
            kind = None


def test_calls_in_one_hall_never_reach_another_halls_display(hall_server, halls):
    main, branch = halls
    api = hall_server.api
    with branch.display.get(api("/events"), stream=True, timeout=TIMEOUT) as stream:
        assert stream.status_code == 200
        events = _events(stream)
        _json(main.clerk.post(api("/queue/call-next"), timeout=TIMEOUT))  # main's call first
        _json(branch.clerk.post(api("/queue/call-next"), timeout=TIMEOUT))  # then the branch's
        seen = []
        for kind, data in events:
            seen.append((kind, data))
            if kind == "ticket.called":
                break
    # The stream is in order: the main hall's call, made first, would have come first.
    assert [d["window"] for k, d in seen if k == "ticket.called"] == [101]
    assert all(d.get("hall") == BRANCH for _, d in seen if "hall" in d), seen
    assert not [d for k, d in seen if k == "window.state" and d["number"] == 1]


def test_a_supervisor_given_both_halls_sees_both(hall_server, halls):
    main, branch = halls
    api = hall_server.api
    given = hall_server.run_cli("account-halls", "supervisor", "main", BRANCH)
    assert given.returncode == 0, given.stderr
    supervisor = hall_server.login("supervisor", device_token=branch.token)
    assert _json(supervisor.get(api("/me"), timeout=TIMEOUT))["halls"] == [BRANCH, "main"]
    assert [w["number"] for w in _json(supervisor.get(api("/queue/summary"), params={"hall": "main"},
                                                      timeout=TIMEOUT))["windows"]] == [1, 2, 3, 4, 5, 6]
    assert [w["number"] for w in _json(supervisor.get(api("/queue/summary"), params={"hall": BRANCH},
                                                      timeout=TIMEOUT))["windows"]] == [101, 102]
    for ticket in (main.ticket, branch.ticket):
        assert _json(supervisor.get(api(f"/queue/tickets/{ticket['id']}"), timeout=TIMEOUT))["id"] == ticket["id"]
    assert _json(supervisor.get(api("/queue/windows/1/parked"), timeout=TIMEOUT)) == []
    assert _json(supervisor.get(api(f"/cases/{main.case.case_number}"), timeout=TIMEOUT))["case_number"] \
        == main.case.case_number
    assert [c["uuid"] for c in _json(supervisor.get(api("/records/conflicts"), timeout=TIMEOUT))] == [main.note]
    # A clerk is given no halls: they work at their workstation's.
    refused = hall_server.run_cli("account-halls", "clerk2", "main")
    assert refused.returncode == 2 and "clerk" in refused.stderr


def test_an_import_names_its_hall_and_window_numbers_stay_unique(hall_server, tmp_path):
    clash = tmp_path / "clash.json"
    clash.write_text(json.dumps([{**BRANCH_WINDOWS[0], "number": 1}], ensure_ascii=False), encoding="utf-8")
    refused = hall_server.run_cli("import", "window", str(clash), "--hall", BRANCH)
    assert refused.returncode == 2 and "window 1 is hall 'main'" in refused.stderr, refused.stderr
    other = hall_server.run_cli("import", "business_type", str(clash), "--hall", BRANCH)
    assert other.returncode == 2 and "--hall" in other.stderr
    bad = hall_server.run_cli("enrol-code", "--kind", "kiosk", "--hall", "East Side")
    assert bad.returncode == 2 and "hall code" in bad.stderr
