"""Issued documents on the hall server, over real HTTP on SQLite and PostgreSQL: the PDF
uploaded by its SHA-256, the `document` record indexed by 办件编号, and the public check
that a printed document's QR code opens."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

import pytest
import requests

from workstation.domain.case_number import CaseNumber, parse

TIMEOUT = 30
PDF = b"%PDF-1.4\n% a receipt\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
SHA = hashlib.sha256(PDF).hexdigest()


def case_number(sequence: int = 1) -> str:
    return str(CaseNumber("110101", datetime(2026, 11, 23).date(), 1, "ABCD", sequence))


def document_record(number: str, sha: str = SHA, kind: str = "accept") -> dict:
    return {"uuid": str(uuid.uuid4()), "kind": "document", "created_at": datetime.now(UTC).isoformat(),
            "payload": {"case_number": number, "kind": kind, "title": "受理通知书",
                        "sha256": sha, "size": len(PDF), "applicant_signed": True, "hall_signed": True,
                        "issued_at": datetime.now(UTC).isoformat(), "signed_content_sha256": "0" * 64}}


@pytest.fixture
def device(hall_server) -> requests.Session:
    return hall_server.session(hall_server.device_token())


def test_upload_by_hash_then_check_by_case_number(hall_server, device):
    number = case_number()
    check = hall_server.api(f"/documents/check/{number}")
    assert requests.get(check, timeout=TIMEOUT).status_code == 404

    first = device.put(hall_server.api(f"/documents/{SHA}"), data=PDF, timeout=TIMEOUT)
    assert first.status_code == 201, first.text
    again = device.put(hall_server.api(f"/documents/{SHA}"), data=PDF, timeout=TIMEOUT)
    assert again.status_code == 200 and again.json()["created"] is False

    stored = device.post(hall_server.api("/records"), json={"records": [document_record(number)]},
                         timeout=TIMEOUT)
    assert stored.status_code == 200 and stored.json()["results"][0]["status"] == 201

    # Anyone holding the paper may check it, with no login; hyphens as printed are fine.
    printed = parse(number).display()
    assert printed != number
    answer = requests.get(hall_server.api(f"/documents/check/{printed}"), timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert answer.json()["case_number"] == number
    [doc] = answer.json()["documents"]
    assert doc["sha256"] == SHA and doc["stored"] is True and doc["title"] == "受理通知书"
    # Nothing about the person: only what the document is and its hash.
    assert set(doc) == {"kind", "title", "sha256", "applicant_signed", "hall_signed", "issued_at", "stored"}

    supervisor = hall_server.login("supervisor")
    pdf = supervisor.get(hall_server.api(f"/documents/{SHA}"), timeout=TIMEOUT)
    assert pdf.status_code == 200 and pdf.content == PDF
    assert device.get(hall_server.api(f"/documents/{SHA}"), timeout=TIMEOUT).status_code == 403


def test_a_record_before_its_pdf_shows_as_not_stored(hall_server, device):
    number = case_number(2)
    other = hashlib.sha256(b"%PDF-later").hexdigest()
    device.post(hall_server.api("/records"), json={"records": [document_record(number, other)]},
                timeout=TIMEOUT).raise_for_status()
    [doc] = requests.get(hall_server.api(f"/documents/check/{number}"), timeout=TIMEOUT).json()["documents"]
    assert doc["stored"] is False


def test_bad_uploads_are_refused_and_store_nothing(hall_server, device):
    url = hall_server.api(f"/documents/{SHA}")
    wrong = device.put(url, data=PDF + b"x", timeout=TIMEOUT)
    assert wrong.status_code == 422 and "SHA-256" in wrong.json()["detail"]
    not_pdf = b"<html>hello</html>"
    html = device.put(hall_server.api(f"/documents/{hashlib.sha256(not_pdf).hexdigest()}"), data=not_pdf,
                      timeout=TIMEOUT)
    assert html.status_code == 422 and "PDF" in html.json()["detail"]
    assert requests.put(url, data=PDF, timeout=TIMEOUT).status_code == 401
    kiosk = hall_server.device_session("kiosk", None)
    assert kiosk.put(url, data=PDF, timeout=TIMEOUT).status_code == 403
    assert device.put(hall_server.api("/documents/not-a-hash"), data=PDF, timeout=TIMEOUT).status_code in (404, 422)
    supervisor = hall_server.login("supervisor")
    assert supervisor.get(url, timeout=TIMEOUT).status_code == 404


def test_a_malformed_document_record_is_kept_but_not_indexed(hall_server, device):
    record = document_record(case_number(3))
    record["payload"]["sha256"] = "not a hash"
    response = device.post(hall_server.api("/records"), json={"records": [record]}, timeout=TIMEOUT)
    assert response.json()["results"][0]["status"] == 201
    assert requests.get(hall_server.api(f"/documents/check/{case_number(3)}"),
                        timeout=TIMEOUT).status_code == 404
