"""Signing the hall's documents so anyone can verify them with a standard PDF verifier.

`DocumentSigner` is the interface (PDF bytes in, signed PDF bytes out); `PadesSigner` signs
with pyHanko as PAdES baseline B (an invisible signature field "HallSeal") from a PKCS#12
file. A Chinese e-seal (SM2, GB/T 38540) can come later as another DocumentSigner.

`demo_pki` makes a demo CA and a hall certificate once in a folder and reuses them: for
demonstrations and tests only, never for a real hall."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SIGNATURE_FIELD = "HallSeal"
# id-kp-documentSigning (RFC 9336).
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")


def content_hash(pdf: bytes) -> str:
    """The SHA-256 of a document, in hex."""
    return hashlib.sha256(pdf).hexdigest()


@runtime_checkable
class DocumentSigner(Protocol):
    """Signs a PDF; the result is the whole signed PDF."""

    def sign(self, pdf_bytes: bytes) -> bytes: ...


def signer_name(signer: object) -> str:
    """Who a signer signs as (its certificate's subject), for the printed seal; empty when
    the signer does not say."""
    return str(getattr(signer, "signer_name", "") or "")


class PadesSigner:
    """PAdES baseline B signature with the certificate and key of a PKCS#12 file."""

    def __init__(self, p12_path: str | os.PathLike[str], password: str | bytes | None, *,
                 field_name: str = SIGNATURE_FIELD, reason: str = "政务服务中心受理文书",
                 location: str = "") -> None:
        from pyhanko.sign import signers

        secret = password.encode("utf-8") if isinstance(password, str) else password
        signer = signers.SimpleSigner.load_pkcs12(str(p12_path), passphrase=secret)
        if signer is None:
            raise ValueError(f"could not load the signing key and certificate from {p12_path}")
        self._signer = signer
        subject = signer.signing_cert.subject.native
        # The seal's name: the certificate's common name, else its organisation.
        self.signer_name = str(subject.get("common_name") or subject.get("organization_name") or "")
        self.field_name = field_name
        self.reason = reason
        self.location = location

    def sign(self, pdf_bytes: bytes) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name=self.field_name, subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256", reason=self.reason, location=self.location or None,
        )
        out = signers.sign_pdf(writer, meta, signer=self._signer,
                               new_field_spec=fields.SigFieldSpec(self.field_name))
        return out.getvalue()


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "演示区政务服务中心 (demo)"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def demo_pki(folder: str | os.PathLike[str]) -> tuple[Path, Path, str]:
    """(CA certificate PEM, hall PKCS#12, its password) in `folder`, made on first use."""
    folder = Path(folder)
    ca_path, p12_path, password_path = folder / "demo-ca.pem", folder / "hall.p12", folder / "hall.p12.password"
    if ca_path.exists() and p12_path.exists() and password_path.exists():
        return ca_path, p12_path, password_path.read_text(encoding="utf-8").strip()
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name("Demo Hall Root CA")
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder().subject_name(_name("演示区政务服务中心 文书签章 (demo)"))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        # Document signing (RFC 9336) and, for verifiers built on NSS (poppler's pdfsig),
        # which check a PDF signer as an e-mail signer, e-mail protection.
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    password = secrets.token_urlsafe(18)
    p12 = pkcs12.serialize_key_and_certificates(
        b"hall-seal", key, cert, [ca_cert],
        serialization.BestAvailableEncryption(password.encode("utf-8")))
    _write_private(p12_path, p12)
    _write_private(password_path, password.encode("utf-8"))
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return ca_path, p12_path, password


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
