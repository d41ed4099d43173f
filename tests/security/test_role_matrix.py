"""The role matrix: every path x method of the server's own /openapi.json, called by every
kind of caller, answered allowed or refused (401/403) exactly as the table below says.

The operations come from the OpenAPI, so an endpoint added to the server and not to ROLE
TABLE fails this test ("new endpoint not in the role table"), and an entry left in the
table for an endpoint that is gone fails it too. "Allowed" is any answer but 401 and 403:
a 404 for a ticket that is not there, or a 422 for the deliberately empty body `{}` that
every operation with a body gets, still means the caller got past the door. FastAPI checks
the caller before it validates the body or the path, so `{}` never hides a refusal.

The callers: nobody; a kiosk; a hall display; a window's workstation with nobody logged
in; clerk1 logged in at window 1's workstation; the supervisor; the admin; a revoked
device; a session at a device revoked after the login; a logged-out session; an expired
session. The demo hall's values fill the paths: the clerk's window is 1, and a window's
parked list is asked for window 2 (a clerk sees only their own window's, checked apart)."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
import requests

from tests.security.conftest import auth

TIMEOUT = 30
API = "/api/v1"

PEOPLE = ("clerk", "supervisor", "admin")
DEVICES = ("kiosk", "display", "workstation")
BROKEN = ("revoked device", "revoked device's session", "logged-out session", "expired session")
CALLERS = ("anonymous", *DEVICES, *PEOPLE, *BROKEN)

EVERYONE = frozenset(CALLERS)  # the endpoint reads no token
ENROLLED = frozenset((*DEVICES, *PEOPLE))  # any valid token
AT_A_WORKSTATION = frozenset(("workstation", *PEOPLE))  # people log in at workstations only
ADMIN = frozenset({"admin"})
SUPERVISING = frozenset({"supervisor", "admin"})
AT_THE_COUNTER = frozenset(PEOPLE)
CLERK = frozenset({"clerk"})  # the clerk at their window: the counter's operations
KIOSK_OR_ADMIN = frozenset({"kiosk", "admin"})
QUEUE_READERS = frozenset({"kiosk", "display", *PEOPLE})
# A kiosk past these doors still reads and cancels only the tickets it issued itself (the
# matrix's ticket is the kiosk's own; another kiosk's is refused, checked apart below).
TICKET_READERS = frozenset({"kiosk", *PEOPLE})

# Which callers may use each operation: the hall's role policy, written out.
ROLE_TABLE: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/health"): EVERYONE,
    ("GET", "/live"): EVERYONE,  # for a load balancer: the process answers
    ("GET", "/ready"): EVERYONE,  # for a load balancer: the database answers, its schema at head
    ("POST", "/enrol"): EVERYONE,  # the one-time code is the credential
    ("POST", "/admin/enrolment-codes"): ADMIN,
    ("POST", "/login"): AT_A_WORKSTATION,  # the device token is required; a session is told to use it
    ("POST", "/admin/accounts/{username}/unlock"): ADMIN,
    ("POST", "/admin/accounts/{username}/password"): ADMIN,
    ("POST", "/admin/devices/{device_id}/unlock"): ADMIN,
    ("GET", "/devices"): ADMIN,
    ("POST", "/devices/{device_id}/revoke"): ADMIN,  # the matrix's id names no device: 404
    ("GET", "/quarantine"): ADMIN,  # what revoked devices sent, without the bodies
    ("GET", "/quarantine/{upload_id}"): ADMIN,  # one body as it came
    ("POST", "/logout"): ENROLLED,
    ("GET", "/me"): ENROLLED,
    ("GET", "/reference/changes"): ENROLLED,
    ("PUT", "/reference/{kind}/{key}"): ADMIN,
    ("DELETE", "/reference/{kind}/{key}"): ADMIN,
    ("POST", "/records"): AT_A_WORKSTATION,  # the outbox uploads with whoever is (or was) logged in
    ("GET", "/records"): SUPERVISING,
    ("GET", "/records/conflicts"): SUPERVISING,
    ("GET", "/events"): ENROLLED,  # each sees only its role's events
    ("POST", "/queue/tickets"): KIOSK_OR_ADMIN,
    ("GET", "/queue/tickets/{ticket_id}"): TICKET_READERS,  # a kiosk: its own tickets only
    ("POST", "/queue/tickets/{ticket_id}/cancel"): KIOSK_OR_ADMIN,  # a kiosk: its own tickets only
    ("POST", "/queue/call-next"): CLERK,
    ("POST", "/queue/call"): CLERK,
    ("POST", "/queue/tickets/{ticket_id}/recall"): CLERK,
    ("POST", "/queue/tickets/{ticket_id}/start"): CLERK,
    ("POST", "/queue/tickets/{ticket_id}/no-show"): CLERK,
    ("POST", "/queue/tickets/{ticket_id}/park"): CLERK,
    ("POST", "/queue/tickets/{ticket_id}/call-back"): CLERK,
    ("POST", "/queue/tickets/{ticket_id}/finish"): CLERK,
    ("POST", "/queue/tickets/{ticket_id}/transfer"): CLERK,
    ("POST", "/queue/window/pause"): CLERK,
    ("POST", "/queue/window/resume"): CLERK,
    ("GET", "/queue/summary"): QUEUE_READERS,
    ("GET", "/queue/windows/{number}"): QUEUE_READERS,
    ("GET", "/queue/windows/{number}/parked"): SUPERVISING,  # window 2's: not clerk1's (window 1)
    ("POST", "/queue/appointments"): ADMIN,
    ("GET", "/queue/appointments/slots"): frozenset({"kiosk", *PEOPLE}),  # who books, and the kiosk
    ("POST", "/queue/appointments/book"): AT_THE_COUNTER,  # a clerk books at the counter or by phone
    ("POST", "/queue/appointments/import"): ADMIN,  # the province's booking platform's JSON
    ("GET", "/ratings/follow-ups"): SUPERVISING,
    ("GET", "/ratings/follow-ups/{task_id}"): SUPERVISING,
    ("POST", "/ratings/follow-ups/{task_id}/actions"): SUPERVISING,
    ("GET", "/ratings/export"): SUPERVISING,
    ("PUT", "/documents/{sha256}"): AT_A_WORKSTATION,
    ("GET", "/documents/{sha256}"): SUPERVISING,
    ("GET", "/documents/check/{case_number}"): EVERYONE,  # what a document's QR code opens
    ("GET", "/cases/{case_number}"): AT_THE_COUNTER,
    ("GET", "/cases/bundles/{bundle_number}"): AT_THE_COUNTER,  # 一件事: the receipt's number lists its items
    ("POST", "/cases/search"): AT_THE_COUNTER,
    ("POST", "/held-materials/search"): CLERK,  # 材料复用: the clerk at the counter, by the applicant's ID number
    ("GET", "/monitoring/deadlines"): SUPERVISING,
    ("GET", "/monitoring/hall"): SUPERVISING,
    ("GET", "/monitoring/statistics"): SUPERVISING,
    ("GET", "/monitoring/statistics/export"): SUPERVISING,
    ("GET", "/monitoring/advice"): SUPERVISING,
    ("POST", "/monitoring/advice/apply"): SUPERVISING,
    ("GET", "/audit"): ADMIN,  # the server's own trail: who did, saw and exported what
    ("GET", "/audit/verify"): ADMIN,
    ("GET", "/monitoring/audit-alerts"): SUPERVISING,  # breaks in the workstations' audit chains
    ("POST", "/monitoring/audit-alerts/{alert_id}/acknowledge"): SUPERVISING,
}

# Plausible values for path and required query parameters, by name: the demo hall's.
PATH_VALUES = {
    "ticket_id": None,  # the ticket the kiosk issues first (filled by the fixture)
    "number": "2",
    "task_id": "1",
    "sha256": hashlib.sha256(b"no such document").hexdigest(),
    "case_number": "20260101000001",
    "bundle_number": "20260101000001",
    "kind": "window",
    "key": "999",  # no window 999: the admin's DELETE finds nothing to delete
    "username": "clerk6",
    "device_id": "00000000-0000-4000-8000-000000000000",
    "upload_id": "1",
    "alert_id": "1",
}
QUERY_VALUES = {"from": "2026-01-01", "to": "2026-01-31", "business_type": "general"}
LAST = {("POST", "/logout")}  # ends the caller's session: after every other cell


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _database(server) -> sqlite3.Connection:
    assert server.db_url.startswith("sqlite:///")
    return sqlite3.connect(server.db_url.split(":///", 1)[1], timeout=30)


@pytest.fixture(scope="module")
def callers(server, tokens) -> dict[str, str | None]:
    """caller -> bearer token. The broken ones are made unusable in the database the way
    the server would (a device's revoked flag, a session's end and expiry) before their
    first use, so no cache of the server has seen them valid."""
    found = dict(tokens)
    found["workstation"] = server.enrol("workstation", 1)
    found["revoked device"] = server.enrol("workstation", 4)
    at_revoked = server.enrol("workstation", 5)
    found["revoked device's session"] = server.login("clerk5", device_token=at_revoked) \
        .headers["Authorization"].split(" ", 1)[1]
    logged_out = server.login("clerk4").headers["Authorization"].split(" ", 1)[1]
    assert requests.get(server.api("/me"), headers=auth(logged_out), timeout=TIMEOUT).status_code == 200
    assert requests.post(server.api("/logout"), headers=auth(logged_out), timeout=TIMEOUT).status_code == 204
    found["logged-out session"] = logged_out
    found["expired session"] = server.login("clerk3").headers["Authorization"].split(" ", 1)[1]
    with _database(server) as db:
        for token in (found["revoked device"], at_revoked):
            assert db.execute("UPDATE devices SET revoked = 1 WHERE token_hash = ?",
                              (_token_hash(token),)).rowcount == 1
        assert db.execute("UPDATE login_sessions SET expires_at = created_at WHERE token_hash = ?",
                          (_token_hash(found["expired session"]),)).rowcount == 1
    db.close()
    return found


@pytest.fixture(scope="module")
def ticket_id(server, tokens) -> str:
    response = requests.post(server.api("/queue/tickets"), json={"business_type": "general"},
                             headers=auth(tokens["kiosk"]), timeout=TIMEOUT)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def spec_operations(server) -> list[tuple[str, str, dict]]:
    spec = requests.get(f"{server.url}/openapi.json", timeout=TIMEOUT).json()
    found = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method in ("get", "post", "put", "delete", "patch"):
                assert path.startswith(API), path
                found.append((method.upper(), path[len(API):], operation))
    return found


def request_for(path: str, operation: dict, ticket_id: str) -> tuple[str, dict, dict | None]:
    """The path filled in, the required query parameters, and the body (`{}` where the
    operation takes one)."""
    values = {**PATH_VALUES, "ticket_id": ticket_id}
    query = {}
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] == "path":
            assert name in values, f"no plausible value for the path parameter {name!r} of {path}"
            path = path.replace("{" + name + "}", values[name])
        elif parameter["in"] == "query" and parameter.get("required"):
            assert name in QUERY_VALUES, f"no plausible value for the query parameter {name!r} of {path}"
            query[name] = QUERY_VALUES[name]
    body = operation.get("requestBody")
    return path, query, ({} if body and body.get("required", False) else None)


def call(server, method: str, path: str, query: dict, body: dict | None, token: str | None) -> int:
    url = server.api(path)
    if path == "/events":  # a stream that never ends for an allowed caller: the status line is enough
        with requests.get(url, headers=auth(token), stream=True, timeout=TIMEOUT) as response:
            return response.status_code
    return requests.request(method, url, params=query, json=body, headers=auth(token),
                            timeout=TIMEOUT).status_code


def test_every_operation_answers_every_caller_as_the_table_says(server, callers, ticket_id):
    operations = spec_operations(server)
    in_spec = {(method, path) for method, path, _ in operations}
    missing = sorted(in_spec - ROLE_TABLE.keys())
    assert not missing, f"new endpoint not in the role table: {missing}"
    stale = sorted(ROLE_TABLE.keys() - in_spec)
    assert not stale, f"the role table names endpoints the server no longer has: {stale}"

    wrong: list[str] = []
    cells = 0
    for method, path, operation in sorted(operations, key=lambda op: (op[0], op[1]) in LAST):
        allowed = ROLE_TABLE[method, path]
        filled, query, body = request_for(path, operation, ticket_id)
        for caller in CALLERS:
            status = call(server, method, filled, query, body, callers[caller])
            cells += 1
            refused = status in (401, 403)
            if refused == (caller in allowed):
                wrong.append(f"{method} {filled} as {caller}: {status}, "
                             f"{'refused' if refused else 'allowed'} but the table says "
                             f"{'allowed' if caller in allowed else 'refused'}")
            if status >= 500:
                wrong.append(f"{method} {filled} as {caller}: {status}")
    print(f"\nrole matrix: {len(operations)} operations x {len(CALLERS)} callers = {cells} cells checked, "
          f"{len(wrong)} wrong")
    assert not wrong, "\n".join(wrong)


def test_refusals_say_why(server, callers):
    """Nobody, a broken token and a caller in the wrong role are told so in plain words."""
    def detail(caller: str) -> tuple[int, str]:
        response = requests.get(server.api("/records"), headers=auth(callers[caller]), timeout=TIMEOUT)
        return response.status_code, response.json()["detail"]

    assert detail("anonymous") == (401, "a bearer token is required")
    assert detail("kiosk") == (403, "this role may not do that")
    for caller in BROKEN:
        status, why = detail(caller)
        if caller.startswith("revoked device"):  # known, and refused saying so (tests/server/test_revoke.py)
            assert status == 403 and "此设备已被管理员停用" in why and "revoked by an administrator" in why, \
                (caller, status, why)
        else:
            assert status == 401 and why, (caller, status, why)


def test_a_clerk_reads_the_parked_tickets_of_their_own_window_only(server):
    clerk = dict(server.login("clerk1").headers)  # at window 1 (the matrix logged its first session out)
    own = requests.get(server.api("/queue/windows/1/parked"), headers=clerk, timeout=TIMEOUT)
    other = requests.get(server.api("/queue/windows/2/parked"), headers=clerk, timeout=TIMEOUT)
    assert own.status_code == 200, own.text
    assert other.status_code == 403 and "their own window" in other.json()["detail"]


def test_a_clerk_cannot_operate_a_ticket_at_another_window(server, tokens):
    """Past the door, the queue keeps a clerk to their own window: a ticket called at
    window 2 is refused to window 1's clerk for every counter operation, and stays as it was."""
    kiosk = auth(tokens["kiosk"])
    issued = requests.post(server.api("/queue/tickets"), json={"business_type": "general"}, headers=kiosk,
                           timeout=TIMEOUT)
    assert issued.status_code == 201, issued.text
    at_window_2 = dict(server.login("clerk2", device_token=server.enrol("workstation", 2)).headers)
    called = None
    while called is None or called["id"] != issued.json()["id"]:  # earlier tickets of the module first
        answer = requests.post(server.api("/queue/call-next"), headers=at_window_2, timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text
        called = answer.json()
        if called["id"] != issued.json()["id"]:
            finished = requests.post(server.api(f"/queue/tickets/{called['id']}/finish"), headers=at_window_2,
                                     timeout=TIMEOUT)
            assert finished.status_code == 200, finished.text
    ticket = called["id"]
    at_window_1 = dict(server.login("clerk1").headers)
    for operation in ("recall", "start", "no-show", "park", "call-back", "finish"):
        response = requests.post(server.api(f"/queue/tickets/{ticket}/{operation}"), headers=at_window_1,
                                 timeout=TIMEOUT)
        assert response.status_code in (403, 409), (operation, response.status_code, response.text)
        assert response.json()["detail"], operation
    response = requests.post(server.api(f"/queue/tickets/{ticket}/transfer"), headers=at_window_1,
                             json={"window": 1}, timeout=TIMEOUT)
    assert response.status_code in (403, 409), response.text
    response = requests.post(server.api("/queue/call"), headers=at_window_1, json={"ticket_id": ticket},
                             timeout=TIMEOUT)
    assert response.status_code in (403, 409), response.text
    now = requests.get(server.api(f"/queue/tickets/{ticket}"), headers=at_window_2, timeout=TIMEOUT).json()
    assert (now["state"], now["window"]) == (called["state"], 2)


def test_a_kiosk_cannot_read_or_cancel_another_kiosks_ticket(server, tokens):
    """Ticket ids count up, so any kiosk could end anybody's turn by trying numbers: a kiosk
    sees and cancels only the tickets it issued itself. The ticket stays waiting until its
    own kiosk (or the admin) cancels it."""
    kiosk_a = auth(tokens["kiosk"])
    kiosk_b = auth(server.enrol("kiosk", None))
    issued = requests.post(server.api("/queue/tickets"), json={"business_type": "general"}, headers=kiosk_a,
                           timeout=TIMEOUT)
    assert issued.status_code == 201, issued.text
    ticket = issued.json()
    for method, path in (("GET", f"/queue/tickets/{ticket['id']}"), ("POST", f"/queue/tickets/{ticket['id']}/cancel")):
        response = requests.request(method, server.api(path), headers=kiosk_b, timeout=TIMEOUT)
        assert response.status_code == 403, (method, response.status_code, response.text)
        assert "not issued by this kiosk" in response.json()["detail"], response.text
    assert requests.get(server.api(f"/queue/tickets/{ticket['id']}"), headers=kiosk_a,
                        timeout=TIMEOUT).json()["state"] == "waiting"
    own = requests.post(server.api("/queue/tickets/{}/cancel".format(ticket["id"])), headers=kiosk_a,
                        timeout=TIMEOUT)
    assert own.status_code == 200 and own.json()["state"] == "cancelled", own.text
    # Kiosk B's own ticket is its to cancel.
    mine = requests.post(server.api("/queue/tickets"), json={"business_type": "general"}, headers=kiosk_b,
                         timeout=TIMEOUT).json()
    assert requests.post(server.api(f"/queue/tickets/{mine['id']}/cancel"), headers=kiosk_b,
                         timeout=TIMEOUT).status_code == 200
