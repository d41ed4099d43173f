"""Issuing a case's document at the counter (workstation.app.documents): the applicant's
signature tied to the content they were shown, the hall's seal from a PKCS#12 whose
password is in the keyring, the PDF kept by SHA-256 with its records, and printed copies
audited in the device's chain."""

from __future__ import annotations

import base64
import hashlib
import io
import subprocess
from datetime import UTC, datetime

import pytest
import requests
from PIL import Image

from workstation.app.card_reading import AUDIT_DOCUMENT_PRINT, AuditTrail
from workstation.app.documents import DocumentDesk, HallSeal, hall_seal
from workstation.app.guide import SavedCase
from workstation.credentials import hall_signing_password, save_hall_signing_password
from workstation.documents.builder import build_document
from workstation.documents.cli import demo_hall, sample_case
from workstation.documents.signature import Point, Signature, enough_ink, strokes_from_payload
from workstation.documents.signing import demo_pki
from workstation.domain.audit import verify_chain

DEVICE = "0f3c2a9e-0000-4000-8000-000000000001"


def saved_case(decision: str = "accept") -> SavedCase:
    payload = sample_case(decision)
    return SavedCase(payload["case_number"], payload["case_number"], decision, None, payload)


def a_signature() -> Signature:
    stroke = tuple(Point(20 + i * 9.5, 60 + (i % 7) * 6, i * 12, 0.2 + (i % 10) / 14) for i in range(40))
    image = Image.new("RGBA", (420, 140), (0, 0, 0, 0))
    for p in stroke:
        image.putpixel((int(p.x), int(p.y)), (10, 10, 60, 255))
    png = io.BytesIO()
    image.save(png, format="PNG")
    return Signature((stroke,), 420, 140, png.getvalue(), datetime(2026, 11, 23, 2, 15, tzinfo=UTC), "tablet")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return demo_pki(tmp_path_factory.mktemp("pki"))


def desk(store, seal: HallSeal) -> DocumentDesk:
    return DocumentDesk(store, demo_hall, seal, AuditTrail(store, DEVICE))


def test_a_tap_is_not_a_signature():
    dot = [[Point(10, 10, 0, 0.5), Point(11, 10, 5, 0.5)]]
    assert not enough_ink(dot, 400, 150)
    assert enough_ink([a_signature().strokes[0]], 420, 140)


def test_issue_stores_the_signed_and_sealed_pdf_with_its_records(store, pki, tmp_path):
    ca, p12, password = pki
    documents = desk(store, hall_seal("", lambda _: None, demo_folder=p12.parent))
    draft = documents.prepare(saved_case())
    signature = a_signature()
    issued = documents.issue(draft, signature)

    assert issued.applicant_signed and issued.hall_signed and issued.seal_note == ""
    assert store.document(issued.sha256) == issued.pdf
    assert hashlib.sha256(issued.pdf).hexdigest() == issued.sha256
    batch = store.next_batch(10)
    assert [r.kind for r in batch] == ["signature", "document"]
    sig, doc = batch[0].payload, batch[1].payload
    # The signature is tied to the very content the applicant was shown: rebuilding the
    # unsigned document from the case gives the same hash.
    unsigned = build_document("accept", draft.case.payload, demo_hall())
    assert sig["document_sha256"] == hashlib.sha256(unsigned).hexdigest() == doc["signed_content_sha256"]
    [kept] = strokes_from_payload(sig)
    [drawn] = signature.strokes
    assert [(p.x, p.y, p.t) for p in kept] == [(p.x, p.y, p.t) for p in drawn]
    assert [p.pressure for p in kept] == pytest.approx([p.pressure for p in drawn], abs=1e-3)
    assert base64.b64decode(sig["png"]) == signature.png
    assert doc["sha256"] == issued.sha256 and doc["hall_signed"] is True

    out = tmp_path / "issued.pdf"
    out.write_bytes(issued.pdf)
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert "smask" in images  # the signature, transparency kept


def test_printed_copies_are_counted_and_audited(store):
    documents = desk(store, HallSeal(None, "no hall certificate"))
    issued = documents.issue(documents.prepare(saved_case("reject")), None)
    assert not issued.hall_signed and issued.seal_note == "no hall certificate"
    assert [documents.printed(issued, "clerk1", 1, "HP LaserJet") for _ in range(3)] == [1, 2, 3]
    audits = store.records_of(AUDIT_DOCUMENT_PRINT)
    assert [a.payload["event"] for a in audits] == ["document_print", "document_reprint", "document_reprint"]
    assert all(a.payload["sha256"] == issued.sha256 for a in audits)
    assert verify_chain([a.payload for a in audits]) == []


def test_the_hall_seal_password_comes_from_the_keyring(pki, tmp_path):
    _, p12, password = pki
    missing = hall_seal(str(p12), hall_signing_password, demo_folder=None)
    assert missing.signer is None and "keyring" in missing.note
    save_hall_signing_password(str(p12), password)
    assert hall_seal(str(p12), hall_signing_password, demo_folder=None).signer is not None
    save_hall_signing_password(str(p12), "wrong")
    wrong = hall_seal(str(p12), hall_signing_password, demo_folder=None)
    assert wrong.signer is None and "cannot be opened" in wrong.note
    absent = hall_seal(str(tmp_path / "nope.p12"), hall_signing_password, demo_folder=None)
    assert "does not exist" in absent.note


def test_set_password_command_checks_the_password_first(pki, monkeypatch, capsys):
    from workstation.documents import cli

    _, p12, password = pki
    monkeypatch.setattr("sys.stdin", io.StringIO("not it\n"))
    assert cli.main(["set-password", "--p12", str(p12), "--stdin"]) == 1
    assert hall_signing_password(str(p12)) is None
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert cli.main(["set-password", "--p12", str(p12), "--stdin"]) == 0
    assert hall_signing_password(str(p12)) == password


def test_a_failing_seal_still_issues_the_document(store):
    class Broken:
        def sign(self, pdf: bytes) -> bytes:
            raise RuntimeError("token removed")

    documents = desk(store, HallSeal(Broken()))
    issued = documents.issue(documents.prepare(saved_case()), a_signature())
    assert issued.applicant_signed and not issued.hall_signed
    assert "token removed" in issued.seal_note
    assert store.document(issued.sha256) is not None


def test_documents_reach_the_server_and_the_check_answers(hall_server, store, make_engine, wait):
    documents = desk(store, HallSeal(None))
    issued = documents.issue(documents.prepare(saved_case()), a_signature())
    make_engine(hall_server, store)
    wait(lambda: store.pending_count() == 0, "the outbox to empty")
    answer = requests.get(hall_server.api(f"/documents/check/{issued.case_number}"), timeout=30).json()
    assert [(d["sha256"], d["stored"]) for d in answer["documents"]] == [(issued.sha256, True)]

