"""Values at the edge of their type that the fuzz found answered with 500: each is now a
422 that says what is wrong, on a real hall server."""

from __future__ import annotations

import pytest
import requests

from tests.security.conftest import auth

TIMEOUT = 30
TOO_BIG = 2**64 - 1  # past BIGINT: the SQLite driver overflowed on it


def refused_plainly(response: requests.Response) -> str:
    assert response.status_code == 422, (response.status_code, response.text)
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else "; ".join(d["msg"] for d in detail)


@pytest.mark.parametrize(("role", "method", "path"), [
    ("kiosk", "GET", f"/queue/tickets/{TOO_BIG}"),
    ("kiosk", "POST", f"/queue/tickets/{TOO_BIG}/cancel"),
    ("clerk", "POST", f"/queue/tickets/{TOO_BIG}/recall"),
    ("clerk", "POST", f"/queue/tickets/{TOO_BIG}/finish"),
    ("supervisor", "GET", f"/queue/windows/{TOO_BIG}/parked"),
    ("supervisor", "GET", f"/queue/windows/{TOO_BIG}"),
    ("supervisor", "GET", f"/ratings/follow-ups/{TOO_BIG}"),
])
def test_an_id_past_bigint_is_refused_not_overflowed(server, tokens, role, method, path):
    response = requests.request(method, server.api(path), headers=auth(tokens[role]), timeout=TIMEOUT)
    assert "less than or equal" in refused_plainly(response)


def test_a_transfer_or_call_of_an_impossible_ticket_is_refused(server, tokens):
    clerk = auth(tokens["clerk"])
    response = requests.post(server.api(f"/queue/tickets/{TOO_BIG}/transfer"), headers=clerk,
                             json={"window": 2, "business_type": None}, timeout=TIMEOUT)
    assert "less than or equal" in refused_plainly(response)
    response = requests.post(server.api("/queue/call"), headers=clerk, json={"ticket_id": TOO_BIG},
                             timeout=TIMEOUT)
    assert "less than or equal" in refused_plainly(response)


@pytest.mark.parametrize("path", ["/monitoring/statistics", "/monitoring/statistics/export",
                                  "/ratings/export"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_at_the_end_of_the_calendar_is_refused_plainly(server, tokens, path, day):
    response = requests.get(server.api(path), params={"from": day, "to": day},
                            headers=auth(tokens["supervisor"]), timeout=TIMEOUT)
    assert refused_plainly(response) == "days from 1900-01-01 to 9998-12-31 only"


def test_ordinary_days_and_ids_still_answer(server, tokens):
    supervisor = auth(tokens["supervisor"])
    response = requests.get(server.api("/monitoring/statistics"), headers=supervisor,
                            params={"from": "2026-01-01", "to": "2026-01-31"}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    response = requests.get(server.api("/queue/tickets/999999"), headers=supervisor, timeout=TIMEOUT)
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("body", [
    '{"code": "\\ud800", "name": "x"}',  # passes validation, then hashed
    '{"code": ["\\ud800"], "name": "x"}',  # refused, and the refusal echoes the input
    '{"code": "ABCD-EFGH-JKLM", "name": "\\udfff"}',
])
def test_a_lone_surrogate_is_refused_plainly(server, body):
    """JSON's escapes can carry half a UTF-16 pair, which no text encoding holds."""
    response = requests.post(server.api("/enrol"), data=body, headers={"Content-Type": "application/json"},
                             timeout=TIMEOUT)
    assert response.status_code in (403, 422), (response.status_code, response.text)
    assert response.json()["detail"]
