"""Issued documents on the wire: the `document` record a workstation uploads for every
receipt or notice it hands out, the PDF itself (uploaded by its SHA-256), and the answer
to a check by 办件编号, which is where a document's QR code points."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from workstation.protocol.records import RecordTime

DOCUMENTS_PREFIX = "/documents"
RECORD_KIND = "document"
SIGNATURE_KIND = "signature"
PRINT_KIND = "document.print"

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class DocumentRecord(BaseModel):
    """The payload of a `document` record."""

    case_number: str = Field(min_length=1, max_length=32)
    # The decision the document is for (workstation.documents.builder.KINDS), or bundle: a 一件事 receipt.
    kind: str = Field(pattern=r"^(accept|accept_with_deficiency|accept_on_commitment|notify_once|reject|bundle)$")
    title: str = Field(max_length=64)
    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=1)
    applicant_signed: bool
    hall_signed: bool
    issued_at: RecordTime
    # The SHA-256 of the content the applicant was shown and signed for (before their
    # signature and the hall's were added): their `signature` record carries the same.
    signed_content_sha256: str | None = Field(default=None, pattern=SHA256_PATTERN)


class CheckedDocument(BaseModel):
    kind: str
    title: str
    sha256: str
    applicant_signed: bool
    hall_signed: bool
    issued_at: datetime
    # The PDF itself has reached the hall server (a document record may arrive first).
    stored: bool


class CheckAnswer(BaseModel):
    """What anyone holding a document learns from its 办件编号: which documents the hall
    issued under it, and their hashes. Nothing about the applicant."""

    case_number: str
    documents: list[CheckedDocument]


class BlobStored(BaseModel):
    sha256: str
    size: int
    created: bool
