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
from workstation.documents.signing import PadesSigner, demo_pki
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



def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, timeout=30)
    return "".join(done.stdout.decode("utf-8").split())


def pdfsig(pdf: bytes, ca, tmp_path) -> str:
    nss = tmp_path / "nss"
    if not nss.exists():
        nss.mkdir()
        subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{nss}"], check=True, capture_output=True)
        subprocess.run(["certutil", "-A", "-n", "demo-ca", "-t", "CT,C,C", "-i", str(ca), "-d", f"sql:{nss}"],
                       check=True, capture_output=True)
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True, timeout=30)
    return done.stdout + done.stderr


def test_the_sealed_document_prints_the_seal_signer_and_time_it_was_signed_with(store, pki, tmp_path):
    ca, p12, _ = pki
    seal = hall_seal("", lambda _: None, demo_folder=p12.parent)
    assert seal.image is not None and (p12.parent / "hall-seal.png").exists()  # the demo hall's own seal
    documents = desk(store, seal)
    draft = documents.prepare(saved_case())
    assert "签章人" not in pdf_text(draft.pdf)  # the applicant reads it before the hall signs
    issued = documents.issue(draft, a_signature(), now=datetime(2026, 3, 2, 1, 45, 30, tzinfo=UTC))
    text = pdf_text(issued.pdf)
    assert "签章人：演示区政务服务中心文书签章(demo)" in text and "签章时间：2026-03-0209:45" in text
    out = tmp_path / "sealed.pdf"
    out.write_bytes(issued.pdf)
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert [row.split()[2] for row in images.splitlines()[2:]].count("image") == 2  # seal and signature
    # The printed seal is inside what the hall signed: the signature stays valid over it.
    report = pdfsig(issued.pdf, ca, tmp_path)
    assert "Signature is Valid" in report and "Total document signed" in report, report


def test_the_seal_picture_comes_from_config_and_a_bad_one_is_named(pki, tmp_path):
    _, p12, password = pki
    save_hall_signing_password(str(p12), password)
    picture = tmp_path / "hall-seal.png"
    Image.new("RGBA", (64, 64), (200, 20, 30, 200)).save(picture)
    seal = hall_seal(str(p12), hall_signing_password, demo_folder=None, seal_image=str(picture))
    assert seal.signer is not None and seal.image == picture.read_bytes() and seal.note == ""
    missing = hall_seal(str(p12), hall_signing_password, demo_folder=None, seal_image=str(tmp_path / "no.png"))
    assert missing.signer is not None and missing.image is None  # still signed; the seal said in words
    assert "[documents] seal_image" in missing.note and "does not exist" in missing.note
    (tmp_path / "text.png").write_text("not a picture")
    broken = hall_seal(str(p12), hall_signing_password, demo_folder=None, seal_image=str(tmp_path / "text.png"))
    assert broken.image is None and "cannot be used" in broken.note


def test_a_sealed_document_without_a_picture_says_who_signed(store, pki, tmp_path):
    ca, p12, password = pki
    documents = desk(store, HallSeal(PadesSigner(p12, password)))
    issued = documents.issue(documents.prepare(saved_case("reject")), None,
                             now=datetime(2026, 3, 2, 1, 45, tzinfo=UTC))
    assert issued.hall_signed
    text = pdf_text(issued.pdf)
    assert "已加盖电子签章" in text and "签章时间：2026-03-0209:45" in text
    assert "Signature is Valid" in pdfsig(issued.pdf, ca, tmp_path)


def test_a_failed_seal_prints_no_seal(store):
    class Broken:
        signer_name = "某中心"

        def sign(self, pdf: bytes) -> bytes:
            raise RuntimeError("token removed")

    documents = desk(store, HallSeal(Broken(), image=None))
    issued = documents.issue(documents.prepare(saved_case()), a_signature())
    assert not issued.hall_signed and "签章人" not in pdf_text(issued.pdf)


def test_the_seal_image_setting_is_checked_by_name(tmp_path):
    from workstation.config import ConfigError, load

    path = tmp_path / "config.toml"
    path.write_text('[documents]\nseal_image = "/etc/counter/hall-seal.png"\n', encoding="utf-8")
    assert load(path).documents.seal_image == "/etc/counter/hall-seal.png"
    assert load(tmp_path / "absent.toml").documents.seal_image == ""
    path.write_text("[documents]\nseal_image = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"documents\.seal_image must be a str"):
        load(path)
