"""Issued documents: their PDFs kept by SHA-256, an index by 办件编号 filled from the
`document` records workstations upload, and the public check a document's QR code opens."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from server import audit, records
from server.auth import Principal, require
from server.db import Database
from server.models import Device, DocumentBlob, IssuedDocument, Record
from workstation.domain import case_number as case_numbers
from workstation.domain.roles import DeviceKind, Role
from workstation.protocol import API_PREFIX
from workstation.protocol import documents as wire

PDF_MAGIC = b"%PDF-"


@records.indexer(wire.RECORD_KIND, wire.DocumentRecord)
def index_document(session: Session, row: Record, doc: wire.DocumentRecord) -> None:
    """A new `document` record: remembered under its 办件编号 for the check."""
    session.add(IssuedDocument(
        record_uuid=row.uuid, case_number=doc.case_number, kind=doc.kind, title=doc.title,
        sha256=doc.sha256, applicant_signed=doc.applicant_signed,
        hall_signed=doc.hall_signed, issued_at=doc.issued_at.astimezone(UTC), received_at=row.received_at))


def store_blob(db: Database, sha256: str, content: bytes, device_id: str) -> wire.BlobStored:
    if hashlib.sha256(content).hexdigest() != sha256:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            "the body's SHA-256 is not the one in the address")
    if not content.startswith(PDF_MAGIC):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "the body is not a PDF")
    try:
        with db.session() as session:
            if session.get(DocumentBlob, sha256) is not None:
                return wire.BlobStored(sha256=sha256, size=len(content), created=False)
            session.add(DocumentBlob(sha256=sha256, size=len(content), content=content,
                                     device_id=device_id, received_at=datetime.now(UTC)))
    except IntegrityError:
        # The same bytes arrived from another upload at the same moment: stored all the same.
        return wire.BlobStored(sha256=sha256, size=len(content), created=False)
    return wire.BlobStored(sha256=sha256, size=len(content), created=True)


def check(session: Session, case_number: str) -> wire.CheckAnswer:
    rows = session.execute(
        select(IssuedDocument, DocumentBlob.sha256.is_not(None))
        .outerjoin(DocumentBlob, DocumentBlob.sha256 == IssuedDocument.sha256)
        .where(IssuedDocument.case_number == case_number)
        .order_by(IssuedDocument.issued_at)
    ).all()
    return wire.CheckAnswer(case_number=case_number, documents=[
        wire.CheckedDocument(kind=doc.kind, title=doc.title, sha256=doc.sha256,
                             applicant_signed=doc.applicant_signed, hall_signed=doc.hall_signed,
                             issued_at=doc.issued_at, stored=bool(stored))
        for doc, stored in rows])


def documents_router(db: Database) -> APIRouter:
    router = APIRouter(prefix=f"{API_PREFIX}{wire.DOCUMENTS_PREFIX}", tags=["documents"])
    workstation_device = require(devices=(DeviceKind.WORKSTATION,))
    supervising = require(Role.SUPERVISOR, Role.ADMIN)
    sha_path = Path(pattern=wire.SHA256_PATTERN)

    # The body is the PDF's bytes, read by hand; described here so that clients and the
    # API fuzz know to send one.
    @router.put("/{sha256}", response_model=wire.BlobStored, openapi_extra={"requestBody": {
        "required": True, "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
    async def upload(request: Request, response: Response, sha256: str = sha_path,
                     device: Principal = Depends(workstation_device)) -> wire.BlobStored:
        content = await request.body()
        stored = await run_in_threadpool(store_blob, db, sha256, content, device.device_id)
        response.status_code = status.HTTP_201_CREATED if stored.created else status.HTTP_200_OK
        return stored

    @router.get("/{sha256}", response_class=Response,
                responses={200: {"content": {"application/pdf": {}}}})
    def download(sha256: str = sha_path, caller: Principal = Depends(supervising)) -> Response:
        with db.reading() as session:
            blob = session.get(DocumentBlob, sha256)
            if blob is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no document with this SHA-256")
            # A hall's document, by the hall of the device that uploaded it (server.halls).
            hall = session.execute(select(Device.hall).where(Device.id == blob.device_id)).scalar_one_or_none()
            if hall is not None and not caller.may_see(hall):
                raise HTTPException(status.HTTP_403_FORBIDDEN, f"this document belongs to hall {hall!r}: this "
                                    f"device works in hall {', '.join(sorted(caller.halls))} only")
            content = blob.content
            numbers = list(session.execute(select(IssuedDocument.case_number)
                                           .where(IssuedDocument.sha256 == sha256)).scalars())
        # The PDF as issued: the applicant's name and number in full.
        audit.record(db, caller, "reveal.document", sha256, {"case_numbers": numbers, "size": len(content)})
        return Response(content, media_type="application/pdf")

    # Public: this is what the QR code on a printed document opens. It tells which
    # documents exist under a 办件编号 and their hashes, and nothing about the applicant.
    @router.get("/check/{case_number}", response_model=wire.CheckAnswer)
    def check_case(case_number: str = Path(min_length=1, max_length=48, pattern=r"^[0-9A-Za-z -]+$")
                   ) -> wire.CheckAnswer:
        with db.reading() as session:
            answer = check(session, case_numbers.canonical(case_number))
        if not answer.documents:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no document was issued under this number")
        return answer

    return router
