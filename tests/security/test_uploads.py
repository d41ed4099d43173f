"""Hostile uploads on a real hall server: records, document PDFs and the admin's reference
changes sent malformed, oversized, in the wrong encoding, twice, or with NUL characters.
Each is refused with a 4xx JSON error that says why (or, sent twice, acknowledged as the
harmless resend it is), and nothing stored before is lost or changed: every test ends by
reading back what was there."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

import pytest
import requests

from tests.security.conftest import DATABASES, auth, start_hall
from tests.security.test_fuzz import refusal_problem

TIMEOUT = 60
MAX_BODY = 16 * 1024 * 1024  # server.app.MAX_BODY
KIND = "hostile.note"  # a kind no indexer reads: stored as it came


def refused(response: requests.Response, *statuses: int) -> str:
    """The plain message of a refusal with one of `statuses`."""
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert refusal_problem(response) is None, response.text[:300]
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else "; ".join(d["msg"] for d in detail)


def record(payload: dict | None = None, kind: str = KIND, **fields) -> dict:
    return {"uuid": str(uuid.uuid4()), "kind": kind, "created_at": datetime.now(UTC).isoformat(),
            "payload": payload if payload is not None else {"note": "窗口受理 一件", "n": 1}, **fields}


@pytest.fixture(scope="module", params=DATABASES)
def server(request, tmp_path_factory, demo_hall_seed):
    """On both database systems: they differ in what they refuse (PostgreSQL: NUL in text)."""
    yield from start_hall(request, tmp_path_factory, demo_hall_seed, request.param)


@pytest.fixture(scope="module")
def device(server) -> dict[str, str]:
    return auth(server.device_token())


@pytest.fixture(scope="module")
def supervisor(tokens) -> dict[str, str]:
    return auth(tokens["supervisor"])


@pytest.fixture(scope="module")
def admin(tokens) -> dict[str, str]:
    return auth(tokens["admin"])


def post_records(server, headers, body: bytes, content_type: str = "application/json") -> requests.Response:
    return requests.post(server.api("/records"), data=body, timeout=TIMEOUT,
                         headers={**headers, "Content-Type": content_type})


def stored(server, supervisor) -> dict[str, dict]:
    """Every record of KIND the server holds, by UUID."""
    found, after = {}, None
    while True:
        params = {"kind": KIND, "limit": 5000, **({"after": after} if after else {})}
        page = requests.get(server.api("/records"), params=params, headers=supervisor, timeout=TIMEOUT)
        assert page.status_code == 200, page.text
        body = page.json()
        found.update({r["uuid"]: r for r in body["records"]})
        if not body["next_after"]:
            return found
        after = body["next_after"]


@pytest.fixture(scope="module")
def saved(server, device, supervisor) -> dict[str, dict]:
    """Records stored before the hostile ones: they must all be there, unchanged, after."""
    batch = [record({"note": f"已保存 {i}", "list": [i, "二"]}) for i in range(5)]
    response = requests.post(server.api("/records"), json={"records": batch}, headers=device, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == [201] * 5
    return {r["uuid"]: r for r in batch}


def assert_nothing_lost(server, supervisor, saved) -> None:
    now = stored(server, supervisor)
    for key, sent in saved.items():
        assert key in now, f"record {key} was lost"
        assert now[key]["payload"] == sent["payload"], f"record {key} changed"


# -- records ---------------------------------------------------------------------------------

MALFORMED = {
    "truncated": b'{"records": [{"uuid": "',
    "not JSON": b"records=1&kind=case",
    "empty": b"",
    "a list": b"[]",
    "null": b"null",
    "a bare NUL byte": b'{"records": [\x00]}',
    "a NUL byte in a string": b'{"records": [{"uuid": "1\x00"}]}',
    "no records": b'{"records": []}',
    "a record without uuid": json.dumps({"records": [{"kind": KIND, "created_at": "2026-01-01T00:00:00Z",
                                                      "payload": {}}]}).encode(),
    "a wrong kind": json.dumps({"records": [record(kind="Case; DROP TABLE records")]}).encode(),
    "a NUL in the kind": json.dumps({"records": [record(kind="case\u0000")]}).encode(),
    "a payload that is a list": json.dumps({"records": [record(payload=[1, 2])]}).encode(),  # type: ignore[arg-type]
    "a date that is not one": json.dumps({"records": [record(created_at="2026-02-30T25:00:00Z")]}).encode(),
    "too deep": b'{"records": [{"payload": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}]}",
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_record_uploads_are_refused_plainly(server, device, supervisor, saved, name):
    refused(post_records(server, device, MALFORMED[name]), 400, 422)
    assert_nothing_lost(server, supervisor, saved)


def test_too_many_records_in_one_batch_are_refused(server, device, supervisor, saved):
    batch = json.dumps({"records": [record() for _ in range(1001)]}).encode()
    assert "at most 1000" in refused(post_records(server, device, batch), 422)
    assert_nothing_lost(server, supervisor, saved)


def test_an_oversized_body_is_refused_before_it_is_read(server, device, supervisor, saved):
    big = json.dumps({"records": [record({"blob": "x" * (MAX_BODY + 1)})]}).encode()
    assert refused(post_records(server, device, big), 413) == "request body too large"
    assert_nothing_lost(server, supervisor, saved)


def test_an_oversized_body_without_a_length_is_cut_off(server, device, supervisor, saved):
    def chunks():  # chunked transfer: no Content-Length for the middleware to read first
        yield b'{"records": [{"uuid": "' + str(uuid.uuid4()).encode() + b'", "payload": {"blob": "'
        for _ in range(MAX_BODY // 65536 + 2):
            yield b"x" * 65536
        yield b'"}}]}'

    response = requests.post(server.api("/records"), data=chunks(), timeout=TIMEOUT,
                             headers={**device, "Content-Type": "application/json"})
    assert refused(response, 413) == "request body too large"
    assert_nothing_lost(server, supervisor, saved)



def test_gbk_bytes_declared_utf8_are_refused(server, device, supervisor, saved):
    body = json.dumps({"records": [record({"note": "受理窗口"})]}, ensure_ascii=False).encode("gbk")
    refused(post_records(server, device, body, "application/json; charset=utf-8"), 400, 422)
    assert_nothing_lost(server, supervisor, saved)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_json_in_another_unicode_form_is_stored_as_meant_or_refused(server, device, supervisor, saved,
                                                                   encoding):
    sent = record({"note": "受理窗口 ①"})
    body = json.dumps({"records": [sent]}, ensure_ascii=False).encode(encoding)
    response = post_records(server, device, body)
    if response.status_code == 200:  # the JSON standard's own detection: the same text exactly
        assert response.json()["results"][0]["status"] == 201
        assert stored(server, supervisor)[sent["uuid"]]["payload"] == sent["payload"]
    else:
        refused(response, 400, 415, 422)
    assert_nothing_lost(server, supervisor, saved)


def test_the_same_batch_twice_is_a_harmless_resend(server, device, supervisor, saved):
    batch = {"records": [record({"note": f"重发 {i}"}) for i in range(3)]}
    first = requests.post(server.api("/records"), json=batch, headers=device, timeout=TIMEOUT)
    again = requests.post(server.api("/records"), json=batch, headers=device, timeout=TIMEOUT)
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert [r["status"] for r in first.json()["results"]] == [201] * 3
    assert [r["status"] for r in again.json()["results"]] == [200] * 3
    now = stored(server, supervisor)
    assert all(now[r["uuid"]]["payload"] == r["payload"] for r in batch["records"])
    assert_nothing_lost(server, supervisor, saved)


def test_a_record_twice_in_one_batch_is_stored_once(server, device, supervisor, saved):
    one = record({"note": "一次"})
    response = requests.post(server.api("/records"), json={"records": [one, one]}, headers=device,
                             timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == [200, 201] or \
        sorted(r["status"] for r in response.json()["results"]) == [200, 201]
    assert stored(server, supervisor)[one["uuid"]]["payload"] == one["payload"]


def test_a_stored_uuid_with_other_content_never_overwrites(server, device, supervisor, saved):
    key, original = next(iter(saved.items()))
    forged = {**original, "payload": {"note": "篡改"}}
    response = requests.post(server.api("/records"), json={"records": [forged]}, headers=device,
                             timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    result = response.json()["results"][0]
    assert result["status"] == 409 and "already stored" in result["detail"]
    assert_nothing_lost(server, supervisor, saved)


@pytest.mark.parametrize(("name", "payload", "why"), [
    ("NUL", {"note": "a\u0000b"}, "NUL character"),
    ("NUL in a key", {"\u0000key": ["x"]}, "NUL character"),
    ("NUL deep down", {"a": [{"b": ["c", "\u0000"]}]}, "NUL character"),
    ("a lone surrogate", {"note": "\ud800"}, "surrogate"),
])
def test_a_record_the_database_cannot_hold_is_refused_alone(server, device, supervisor, saved,
                                                             name, payload, why):
    """Refused per record (422 REFUSED with the reason), on both database systems, while the rest
    of its batch is stored: a whole batch refused would be resent for ever."""
    bad, good = record(payload), record({"note": f"同批 {name}"})
    body = json.dumps({"records": [bad, good]}).encode()  # JSON escapes: \u0000, \ud800
    response = post_records(server, device, body)
    assert response.status_code == 200, response.text
    results = {r["uuid"]: r for r in response.json()["results"]}
    assert results[bad["uuid"]]["status"] == 422 and why in results[bad["uuid"]]["detail"]
    assert results[good["uuid"]]["status"] == 201
    now = stored(server, supervisor)
    assert bad["uuid"] not in now and now[good["uuid"]]["payload"] == good["payload"]
    assert_nothing_lost(server, supervisor, saved)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_creation_time_past_the_calendar_is_refused(server, device, supervisor, saved, moment):
    response = requests.post(server.api("/records"), json={"records": [record(created_at=moment)]},
                             headers=device, timeout=TIMEOUT)
    refused(response, 422)
    assert_nothing_lost(server, supervisor, saved)


@pytest.mark.parametrize("kind", ["case", "case.step", "document", "rating"])
@pytest.mark.parametrize("payload", [
    {},
    {"case_number": None, "decided_at": "0001-01-01T00:00:00+08:00", "rated_at": "0001-01-01T00:00:00+08:00",
     "issued_at": "0001-01-01T00:00:00+08:00", "at": "0001-01-01T00:00:00+08:00"},
    {"case_number": "x" * 10_000, "decision": {"deficiencies": "not a list"}, "level": 10**30},
    {"case_number": ["a"], "decided_at": 5, "step": {"x": 1}, "sha256": "\u0000" * 64},
])
def test_indexed_kinds_with_hostile_payloads_never_fail_the_server(server, device, supervisor, saved,
                                                                   kind, payload):
    """A record whose payload its indexer cannot read is kept unindexed or refused, per
    record or as a whole, but the upload never answers 5xx."""
    sent = record(payload, kind=kind)
    response = requests.post(server.api("/records"), json={"records": [sent]}, headers=device,
                             timeout=TIMEOUT)
    if response.status_code == 200:
        assert response.json()["results"][0]["status"] in (201, 422), response.text
    else:
        refused(response, 422)
    assert_nothing_lost(server, supervisor, saved)


def indexed_payload(kind: str, at: str) -> dict:
    """A payload its indexer reads through to the time `at` (schema-valid where a model
    reads it)."""
    number = "HOSTILE" + uuid.uuid4().hex[:12].upper()
    if kind == "case":
        return {"case_number": number, "decided_at": at, "decision": {"code": "accept"},
                "item": {"code": "x", "name": "x", "department": {"name": "d"},
                         "promised_limit": {"value": 5}}}
    if kind == "case.step":
        return {"case_number": number, "step": "start", "at": at, "actor": {"username": "clerk1"}}
    if kind == "document":
        return {"case_number": number, "kind": "accept", "title": "受理通知书", "sha256": "0" * 64,
                "size": 1, "applicant_signed": True, "hall_signed": True, "issued_at": at}
    assert kind == "rating"
    return {"case_number": number, "region_code": "110101", "item_code": "x", "item_name": "x",
            "case_status": 3, "case_type": "即办件", "accepted_at": at, "clerk": {"username": "clerk1"},
            "channel": 5, "rater": {"masked_name": "张*", "masked_id": "1101**", "kind": 1},
            "level": 1, "rated_at": at}


@pytest.mark.parametrize("kind", ["case", "case.step", "document", "rating"])
@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00",
                                "2026-12-04T09:00:00+08:00"])
def test_indexed_records_with_times_at_the_calendars_ends_never_fail_the_server(
        server, device, supervisor, saved, kind, at):
    """A time that has no UTC form (or no hall-time form) is a payload its indexer cannot
    read: kept unindexed or refused, never a 500 that would block the outbox for ever."""
    sent = record(indexed_payload(kind, at), kind=kind)
    response = requests.post(server.api("/records"), json={"records": [sent]}, headers=device,
                             timeout=TIMEOUT)
    if response.status_code == 200:
        assert response.json()["results"][0]["status"] in (201, 422), response.text
    else:
        refused(response, 422)
    assert_nothing_lost(server, supervisor, saved)


def test_records_are_only_for_workstations(server, tokens, saved):
    for role in ("anonymous", "kiosk", "display"):
        response = requests.post(server.api("/records"), json={"records": [record()]}, timeout=TIMEOUT,
                                 headers=auth(tokens[role]))
        refused(response, 401, 403)


# -- documents ------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n% hostile upload test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def put_document(server, headers, body: bytes, sha: str | None = None) -> requests.Response:
    return requests.put(server.api(f"/documents/{sha or hashlib.sha256(body).hexdigest()}"), data=body,
                        headers={**headers, "Content-Type": "application/pdf"}, timeout=TIMEOUT)


@pytest.fixture(scope="module")
def saved_pdf(server, device) -> bytes:
    response = put_document(server, device, PDF)
    assert response.status_code in (200, 201), response.text
    return PDF


def assert_pdf_kept(server, supervisor, pdf: bytes) -> None:
    response = requests.get(server.api(f"/documents/{hashlib.sha256(pdf).hexdigest()}"), headers=supervisor,
                            timeout=TIMEOUT)
    assert response.status_code == 200 and response.content == pdf


@pytest.mark.parametrize(("name", "body", "sha"), [
    ("not a PDF", "受理回执".encode("gbk"), None),
    ("empty", b"", None),
    ("the address names other bytes", PDF + b"tampered", hashlib.sha256(PDF).hexdigest()),
    ("NUL bytes", b"\x00" * 1024, None),
    ("a PDF behind a NUL", b"\x00" + PDF, None),
    ("not a SHA-256 in the address", PDF, "ABC"),
    ("upper-case hex", PDF, hashlib.sha256(PDF).hexdigest().upper()),
])
def test_hostile_document_uploads_are_refused_plainly(server, device, supervisor, saved_pdf, name, body, sha):
    refused(put_document(server, device, body, sha), 404, 422)
    assert_pdf_kept(server, supervisor, saved_pdf)


def test_an_oversized_document_is_refused(server, device, supervisor, saved_pdf):
    big = PDF + b"0" * MAX_BODY
    assert refused(put_document(server, device, big), 413) == "request body too large"
    assert_pdf_kept(server, supervisor, saved_pdf)


def test_the_same_document_twice_is_stored_once(server, device, supervisor, saved_pdf):
    again = put_document(server, device, saved_pdf)
    assert again.status_code == 200 and again.json()["created"] is False, again.text
    assert_pdf_kept(server, supervisor, saved_pdf)


# -- the admin's reference changes ----------------------------------------------------------


def window(server, number: int) -> dict:
    page = requests.get(server.api("/reference/changes"), params={"kind": "window", "limit": 1000},
                        headers=auth(server.device_token()), timeout=TIMEOUT).json()
    entries = [e for e in page["entries"] if e["key"] == str(number)]
    return entries[-1]


@pytest.fixture(scope="module")
def window_3(server) -> dict:
    return window(server, 3)


def put_reference(server, admin, kind: str, key: str, body: bytes,
                  content_type: str = "application/json") -> requests.Response:
    return requests.put(server.api(f"/reference/{kind}/{key}"), data=body, timeout=TIMEOUT,
                        headers={**admin, "Content-Type": content_type})


def assert_window_kept(server, before: dict) -> None:
    now = window(server, 3)
    assert (now["revision"], now["payload"]) == (before["revision"], before["payload"])


@pytest.mark.parametrize("name", ["truncated", "not JSON", "empty", "a list", "null", "a bare NUL byte"])
def test_malformed_reference_changes_are_refused(server, admin, window_3, name):
    refused(put_reference(server, admin, "window", "3", MALFORMED[name]), 400, 422)
    assert_window_kept(server, window_3)


@pytest.mark.parametrize("payload", [
    {"number": 3},
    {"number": 4, "name": "3号窗口", "business_types": ["general"]},  # the address names 3
    {"number": 3, "name": "3号窗口", "business_types": ["general"], "backup": 10**30},
    {"number": 10**30, "name": "x", "business_types": ["general"]},
    {"number": "3", "name": "", "business_types": []},
])
def test_invalid_reference_values_are_refused_whole(server, admin, window_3, payload):
    body = json.dumps({"payload": payload}, ensure_ascii=False).encode()
    refused(put_reference(server, admin, "window", "3", body), 422)
    assert_window_kept(server, window_3)


def test_a_reference_change_in_gbk_is_refused(server, admin, window_3):
    payload = {**window_3["payload"], "name": "三号窗口 社保"}
    body = json.dumps({"payload": payload}, ensure_ascii=False).encode("gbk")
    refused(put_reference(server, admin, "window", "3", body, "application/json; charset=utf-8"), 400, 422)
    assert_window_kept(server, window_3)


def test_an_oversized_reference_change_is_refused(server, admin, window_3):
    body = json.dumps({"payload": {**window_3["payload"], "name": "x" * (MAX_BODY + 1)}}).encode()
    assert refused(put_reference(server, admin, "window", "3", body), 413) == "request body too large"
    assert_window_kept(server, window_3)


def test_the_same_reference_value_twice_changes_nothing(server, admin, window_3):
    body = json.dumps({"payload": window_3["payload"]}, ensure_ascii=False).encode()
    response = put_reference(server, admin, "window", "3", body)
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == window_3["revision"]  # no new revision: no client pulls again
    assert_window_kept(server, window_3)


def test_reference_changes_of_an_unknown_kind_are_refused(server, admin, window_3):
    body = json.dumps({"payload": window_3["payload"]}).encode()
    refused(put_reference(server, admin, "accounts", "admin", body), 422)
    refused(put_reference(server, admin, "window\u0000", "3", body), 404, 422)
    assert_window_kept(server, window_3)


# -- the admin's file imports (`server import KIND FILE`) --------------------------------------


@pytest.fixture(scope="module")
def windows_file(server, tmp_path_factory) -> bytes:
    """The hall's windows as `server export` writes them (UTF-8, no BOM)."""
    path = tmp_path_factory.mktemp("export") / "windows.json"
    result = server.run_cli("export", "window", str(path))
    assert result.returncode == 0, result.stderr
    return path.read_bytes()


def run_import(server, tmp_path, content: bytes):
    path = tmp_path / "windows.json"
    path.write_bytes(content)
    return server.run_cli("import", "window", str(path))


def test_an_import_saved_with_a_bom_is_read(server, tmp_path, windows_file, window_3):
    """Notepad on the hall's Windows PCs saves UTF-8 with a byte order mark."""
    result = run_import(server, tmp_path, "\ufeff".encode() + windows_file)
    assert result.returncode == 0, result.stderr
    assert_window_kept(server, window_3)  # the same values again: nothing changed


@pytest.mark.parametrize("name", ["gbk", "utf-16 without a BOM", "truncated", "a NUL byte", "empty"])
def test_an_unreadable_import_file_is_refused_whole(server, tmp_path, windows_file, window_3, name):
    text = windows_file.decode()
    content = {
        "gbk": text.replace("3号窗口", "三号窗口").encode("gbk"),
        "utf-16 without a BOM": text.encode("utf-16-le"),
        "truncated": windows_file[: len(windows_file) // 2],
        "a NUL byte": windows_file[:10] + b"\x00" + windows_file[10:],
        "empty": b"",
    }[name]
    result = run_import(server, tmp_path, content)
    assert result.returncode != 0
    assert "nothing was changed" in result.stderr and "not valid UTF-8 JSON" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert_window_kept(server, window_3)


@pytest.mark.parametrize("text", ["3号\u0000窗口", "3号\ud800窗口"])
def test_an_import_naming_what_no_database_holds_is_refused_whole(server, tmp_path, windows_file,
                                                                  window_3, text):
    values = json.loads(windows_file)
    for value in values:
        if value["number"] == 3:
            value["name"] = text
    result = run_import(server, tmp_path, json.dumps(values).encode())
    assert result.returncode != 0
    assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert_window_kept(server, window_3)


@pytest.mark.parametrize("text", ["3号\u0000窗口", "3号\ud800窗口"])
def test_a_reference_change_naming_what_no_database_holds_is_refused(server, admin, window_3, text):
    body = json.dumps({"payload": {**window_3["payload"], "name": text}}).encode()
    assert "window 3" in refused(put_reference(server, admin, "window", "3", body), 422)
    assert_window_kept(server, window_3)
