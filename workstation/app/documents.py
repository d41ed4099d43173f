"""Issuing a case's document: build it, have the applicant sign it, seal it with the
hall's certificate, keep it, and audit every printed copy.

    draft = desk.prepare(case)          # the PDF the applicant is shown (no signature yet)
    issued = desk.issue(draft, sig)     # signed by the applicant (or None: on paper),
                                        # sealed by the hall when it has a certificate,
                                        # stored by SHA-256 with its records, in one go
    desk.printed(issued, clerk, window, printer)  # audit.document_print, copy 1, 2, …

Building and signing take tens to hundreds of milliseconds: call them off the GUI thread."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workstation.app.card_reading import AUDIT_DOCUMENT_PRINT, AuditTrail
from workstation.app.guide import SavedCase
from workstation.clock import now as hall_now
from workstation.documents.builder import SealMark, build_document, document_titles
from workstation.documents.seal import demo_seal, load_seal_image
from workstation.documents.signature import Signature, signature_payload
from workstation.documents.signing import DocumentSigner, PadesSigner, content_hash, demo_pki, signer_name
from workstation.protocol.documents import RECORD_KIND, SIGNATURE_KIND, DocumentRecord
from workstation.store.local import LocalStore

log = logging.getLogger(__name__)

SIGNING_SECRET = "hall-signing"


@dataclass(frozen=True)
class Draft:
    """A document as the applicant is shown it, before they sign."""

    case: SavedCase
    kind: str
    titles: tuple[str, ...]
    pdf: bytes
    sha256: str

    @property
    def title(self) -> str:
        return " + ".join(self.titles)


@dataclass(frozen=True)
class Issued:
    case_number: str
    kind: str
    title: str
    pdf: bytes
    sha256: str
    applicant_signed: bool
    hall_signed: bool
    record_uuid: str
    # Why the hall's seal is missing, when it is (no certificate, a wrong password…).
    seal_note: str = ""


@dataclass(frozen=True)
class HallSeal:
    """The hall's signer, or why there is none, and the seal picture printed where the hall
    signs (None: the seal area says who signed and when in words)."""

    signer: DocumentSigner | None
    note: str = ""
    image: bytes | None = None


def _seal_image(seal_image: str) -> tuple[bytes | None, str]:
    """The configured seal picture, or None and why (the document is still signed)."""
    if not seal_image:
        return None, ""
    path = os.path.expanduser(seal_image)
    if not os.path.exists(path):
        return None, f"the seal image {path} does not exist ([documents] seal_image)"
    try:
        return load_seal_image(path), ""
    except (OSError, ValueError) as exc:
        return None, f"the seal image {path} cannot be used ([documents] seal_image): {exc}"


def hall_seal(p12_path: str, password: Callable[[str], str | None], *, demo_folder: Path | None,
              seal_image: str = "") -> HallSeal:
    """The hall's signer from the PKCS#12 named in config, its password from the keyring
    (`password(path)`), and the seal picture of `[documents] seal_image`. With no file
    configured, the embedded demo hall (`demo_folder`) makes its own demo CA, hall
    certificate and demo seal picture on first use."""
    image, image_note = _seal_image(seal_image)
    if not p12_path:
        if demo_folder is None:
            return HallSeal(None, "no hall certificate is configured ([documents] signing_p12)")
        _, demo_p12, demo_password = demo_pki(demo_folder)
        if image is None and not image_note:
            image = demo_seal(demo_folder).read_bytes()
        return HallSeal(PadesSigner(demo_p12, demo_password), image_note, image)
    path = os.path.expanduser(p12_path)
    if not os.path.exists(path):
        return HallSeal(None, f"the hall certificate {path} does not exist")
    secret = password(path)
    if secret is None:
        return HallSeal(None, f"the password of {path} is not in the keyring "
                              "(python main.py document set-password --p12 FILE)")
    try:
        return HallSeal(PadesSigner(path, secret), image_note, image)
    except Exception as exc:  # a wrong password or a damaged file: documents go out unsealed
        return HallSeal(None, f"the hall certificate {path} cannot be opened: {exc}")


class DocumentDesk:
    def __init__(self, store: LocalStore, hall: Callable[[], dict[str, Any] | None], seal: HallSeal,
                 audit: AuditTrail, *, mask_applicant: bool = True) -> None:
        self.store = store
        self._hall = hall
        self.seal = seal
        self.audit = audit
        self.mask_applicant = mask_applicant

    def _hall_data(self) -> dict[str, Any]:
        return dict(self._hall() or {})

    def prepare(self, case: SavedCase) -> Draft:
        kind = case.decision
        pdf = build_document(kind, case.payload, self._hall_data(), mask_applicant=self.mask_applicant)
        return Draft(case, kind, document_titles(kind), pdf, content_hash(pdf))

    def issue(self, draft: Draft, signature: Signature | None, *, now: datetime | None = None) -> Issued:
        """The final document: with the applicant's signature (None when they sign the
        paper copy instead), sealed by the hall when it can be, stored by SHA-256 together
        with its `document` record and the `signature` record, all or nothing."""
        case = draft.case
        moment = now or hall_now()

        def build(seal: SealMark | None) -> bytes:
            return build_document(draft.kind, case.payload, self._hall_data(), mask_applicant=self.mask_applicant,
                                  signature_png=signature.png if signature else None,
                                  signed_at=signature.signed_at if signature else None, seal=seal)

        seal_note = self.seal.note
        hall_signed = False
        signer = self.seal.signer
        if signer is None:
            pdf = build(None)
        else:
            # The printed seal (who signs, when) goes on the very bytes the hall then signs,
            # so the paper shows what the signature proves and the signature covers it.
            pdf = build(SealMark(signer_name(signer) or str(self._hall_data().get("name") or ""), moment,
                                 self.seal.image))
            try:
                pdf = signer.sign(pdf)
                hall_signed = True
            except Exception as exc:  # the applicant still gets the document; the clerk is told
                log.exception("sealing %s failed", case.case_number)
                seal_note = f"the hall's signature failed: {exc}"
                pdf = build(None)  # no printed seal that no signature backs
        items: list[tuple[str, dict[str, Any]]] = []
        if signature is not None:
            items.append((SIGNATURE_KIND, signature_payload(
                signature, case_number=case.case_number, document_kind=draft.kind,
                document_sha256=draft.sha256)))
        digest = content_hash(pdf)
        record = DocumentRecord(
            case_number=case.case_number, kind=draft.kind, title=draft.title, sha256=digest, size=len(pdf),
            applicant_signed=signature is not None, hall_signed=hall_signed,
            issued_at=moment,
            signed_content_sha256=draft.sha256 if signature is not None else None)
        items.append((RECORD_KIND, record.model_dump(mode="json")))
        saved = self.store.add_document(pdf, items)
        return Issued(case.case_number, draft.kind, draft.title, pdf, digest, signature is not None,
                      hall_signed, str(saved[-1].uuid), seal_note)

    def printed(self, issued: Issued, clerk: str, window: int | None, printer: str) -> int:
        """Audit one printed copy; returns its number (1 for the first, then reprints)."""
        earlier = len(self.store.records_of(AUDIT_DOCUMENT_PRINT, sha256=issued.sha256))
        copy = earlier + 1
        self.audit.append(AUDIT_DOCUMENT_PRINT, {
            "event": "document_print" if copy == 1 else "document_reprint",
            "at": hall_now().isoformat(), "clerk": clerk, "window": window,
            "case_number": issued.case_number, "kind": issued.kind, "sha256": issued.sha256,
            "copy": copy, "printer": printer,
        })
        return copy

    def issued_for(self, case_number: str) -> list[dict[str, Any]]:
        """The `document` records of a case that this window still holds, oldest first
        (a purged one is at the hall only: `only_at_hall`)."""
        return [r.payload for r in self.store.records_of(RECORD_KIND, case_number=case_number)
                if r.payload is not None]

    def pdf(self, sha256: str) -> bytes | None:
        """The PDF's bytes, or None: never issued here, or purged (`only_at_hall`)."""
        return self.store.document(sha256)

    def only_at_hall(self, sha256: str) -> bool:
        """This window issued the document and purged it after the hall confirmed it."""
        found = self.store.records_of(RECORD_KIND, sha256=sha256)
        return bool(found) and all(r.payload is None for r in found)
