"""Passive Authentication of eMRTD chips (ICAO Doc 9303 part 10 §4.6.2, part 11 §5.1, part 12).

The chip's EF.SOD (tag 77) is a CMS SignedData whose content is the LDSSecurityObject: a hash
algorithm and the hash of every data group. The issuing state's Document Signer (DS) signs
it; the DS certificate, inside the SOD, is signed by the state's CSCA, which the hall trusts
because IT put it in the trust list (``[passport] csca_file``: a PEM bundle, a DER
certificate, an ICAO master list, or a folder of those).

``passive_authentication(sod, data_groups, trust)`` checks, in this order:

1. EF.SOD parses (``SodError`` otherwise, never another exception: ``parse_sod``);
2. the hash of every data group read equals the SOD's (a data group the SOD does not cover
   counts as a mismatch);
3. the signed attributes' messageDigest is the hash of the LDSSecurityObject, and the DS
   certificate's key verifies the SignerInfo's signature (RSA PKCS#1 v1.5, RSASSA-PSS,
   ECDSA in X9.62 or plain r||s form);
4. a CSCA of the trust list with the DS certificate's issuer name verifies the DS
   certificate's signature.

and gives a ``ChipAuthentication``: ``TAMPERED`` when 2 or 3 fail (the data must be refused),
``UNKNOWN_CSCA`` when only 4 fails (the signature is sound, the issuer is not trusted here:
usable, with a warning), ``UNVERIFIED`` when there is no SOD, no trust list, or something
cannot be checked (an algorithm or a key this code does not support, a malformed SOD), and
``VERIFIED`` when all pass. Validity periods are not judged here (the document's own expiry is
checked on the MRZ; a DS certificate outlives its signing key by design); revocation lists
(CRLs) are not consulted. The master list's own signature is not checked: the file is trusted
because IT configured it.

Pure apart from ``TrustList.load`` reading files; nothing here logs or keeps holder data.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import algos, cms, core
from asn1crypto import pdf as _asn1_pdf  # noqa: F401  (see below)
from asn1crypto import tsp as _asn1_tsp  # noqa: F401
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from workstation.domain.identity import ChipAuthentication, ChipAuthState

__all__ = [
    "LDS_SECURITY_OBJECT_OID",
    "SecurityObject",
    "SodError",
    "TrustList",
    "TrustListError",
    "TrustListSource",
    "passive_authentication",
    "parse_sod",
]

# asn1crypto.tsp and .pdf add names to cms.CMSAttributeType and its kin when imported, but an
# OID class builds its name -> OID table once, on the first lookup by name. Imported before
# this module names any attribute, they are in that table; imported after (pyHanko signing a
# PDF later in the same process), 'signing_certificate_v2' would be an unknown name there.
LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"
CSCA_MASTER_LIST_OID = "2.23.136.1.1.2"
# Signature algorithms of 9303 part 12: OID -> (kind, hash; None: the SignerInfo's digest).
# ecdsa-plain (BSI TR-03111) carries r || s instead of a DER SEQUENCE.
_SIGNATURE_ALGORITHMS: dict[str, tuple[str, str | None]] = {
    "1.2.840.113549.1.1.1": ("rsa", None), "1.2.840.113549.1.1.5": ("rsa", "sha1"),
    "1.2.840.113549.1.1.14": ("rsa", "sha224"), "1.2.840.113549.1.1.11": ("rsa", "sha256"),
    "1.2.840.113549.1.1.12": ("rsa", "sha384"), "1.2.840.113549.1.1.13": ("rsa", "sha512"),
    "1.2.840.113549.1.1.10": ("pss", None),
    "1.2.840.10045.2.1": ("ecdsa", None), "1.2.840.10045.4.1": ("ecdsa", "sha1"),
    "1.2.840.10045.4.3.1": ("ecdsa", "sha224"), "1.2.840.10045.4.3.2": ("ecdsa", "sha256"),
    "1.2.840.10045.4.3.3": ("ecdsa", "sha384"), "1.2.840.10045.4.3.4": ("ecdsa", "sha512"),
    **{f"0.4.0.127.0.7.1.1.4.1.{i}": ("ecdsa-plain", h)
       for i, h in enumerate(("sha1", "sha224", "sha256", "sha384", "sha512"), 1)},
}
_HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
           "sha384": hashes.SHA384, "sha512": hashes.SHA512}
_PARSE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)


class SodError(ValueError):
    """EF.SOD is not the CMS SignedData over an LDSSecurityObject that 9303 defines."""


class TrustListError(ValueError):
    """The configured CSCA trust list cannot be used; the message names the file."""


# --- ASN.1 of the LDS security object (9303 part 10 §4.6.2.2) -----------------------------

class _DataGroupHash(core.Sequence):
    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]


class _DataGroupHashValues(core.SequenceOf):
    _child_spec = _DataGroupHash


class _LdsVersionInfo(core.Sequence):
    _fields = [("lds_version", core.PrintableString), ("unicode_version", core.PrintableString)]


class _LdsSecurityObject(core.Sequence):
    _fields = [("version", core.Integer), ("hash_algorithm", algos.DigestAlgorithm),
               ("data_group_hash_values", _DataGroupHashValues),
               ("lds_version_info", _LdsVersionInfo, {"optional": True})]


class _CertificateSet(core.SetOf):
    _child_spec = asn1_x509.Certificate


class _CscaMasterList(core.Sequence):
    _fields = [("version", core.Integer), ("cert_list", _CertificateSet)]


@dataclass(frozen=True)
class SecurityObject:
    """EF.SOD taken apart: what Passive Authentication needs, as bytes and names."""

    hash_algorithm: str                       # "sha256", …
    data_group_hashes: dict[int, bytes]
    lds_version: str | None
    encapsulated_content: bytes               # the DER LDSSecurityObject the signature covers
    signed_attributes: bytes | None           # DER SET OF the signed attributes, or None
    message_digest: bytes | None              # the signed attribute messageDigest
    digest_algorithm: str                     # the SignerInfo's digest algorithm
    signature_algorithm: str                  # dotted OID of the signature algorithm
    signature: bytes
    signature_parameters: object              # RSASSA-PSS parameters (asn1crypto) or None
    ds_certificate: bytes | None              # DER of the Document Signer certificate


def _hash_name(algorithm: algos.DigestAlgorithm, what: str) -> str:
    name = algorithm["algorithm"].native
    if name not in _HASHES:
        raise SodError(f"EF.SOD uses the hash algorithm {name} for {what}, which ICAO 9303 does not allow")
    return name


def _unwrap_77(data: bytes) -> bytes:
    if not data or data[0] != 0x77:
        raise SodError("EF.SOD does not start with tag 77")
    if len(data) < 2:
        raise SodError("EF.SOD is truncated")
    first = data[1]
    if first < 0x80:
        start, length = 2, first
    else:
        count = first & 0x7F
        if count == 0 or count > 3 or len(data) < 2 + count:
            raise SodError("EF.SOD has an unsupported length encoding")
        start, length = 2 + count, int.from_bytes(data[2:2 + count], "big")
    if start + length > len(data):
        raise SodError(f"EF.SOD is truncated ({len(data) - start} of {length} bytes)")
    return data[start:start + length]


def parse_sod(data: bytes) -> SecurityObject:
    """EF.SOD's content; ``SodError`` naming what is wrong for anything else."""
    try:
        return _parse_sod(bytes(data))
    except SodError:
        raise
    except _PARSE_ERRORS as exc:
        raise SodError(f"EF.SOD is malformed: {type(exc).__name__}: {str(exc)[:200]}") from None
    except RecursionError:
        raise SodError("EF.SOD is malformed: nested too deeply") from None


def _parse_sod(data: bytes) -> SecurityObject:
    info = cms.ContentInfo.load(_unwrap_77(data), strict=True)
    if info["content_type"].dotted != "1.2.840.113549.1.7.2":
        raise SodError(f"EF.SOD holds CMS content {info['content_type'].dotted}, not SignedData")
    signed = info["content"]
    encap = signed["encap_content_info"]
    if encap["content_type"].dotted != LDS_SECURITY_OBJECT_OID:
        raise SodError(f"EF.SOD signs content {encap['content_type'].dotted}, not an LDS security object")
    content = encap["content"]
    if not isinstance(content, core.OctetString | core.ParsableOctetString) or content.native is None:
        raise SodError("EF.SOD has no LDS security object inside")
    econtent = content.native if isinstance(content.native, bytes) else content.contents
    lds = _LdsSecurityObject.load(econtent, strict=True)
    hash_algorithm = _hash_name(lds["hash_algorithm"], "the data groups")
    hashes_: dict[int, bytes] = {}
    for item in lds["data_group_hash_values"]:
        number = item["data_group_number"].native
        if not isinstance(number, int) or not 1 <= number <= 16:
            raise SodError(f"EF.SOD lists a data group number {number} outside 1..16")
        if number in hashes_:
            raise SodError(f"EF.SOD lists DG{number} twice")
        hashes_[number] = item["data_group_hash_value"].native
    version_info = lds["lds_version_info"]
    lds_version = None if isinstance(version_info, core.Void) else version_info["lds_version"].native

    signers = signed["signer_infos"]
    if len(signers) != 1:
        raise SodError(f"EF.SOD has {len(signers)} signer infos, not 1")
    signer = signers[0]
    digest_algorithm = _hash_name(signer["digest_algorithm"], "its signature")
    attributes = signer["signed_attrs"]
    signed_attributes = message_digest = None
    if not isinstance(attributes, core.Void):
        raw = attributes.dump()
        signed_attributes = b"\x31" + raw[1:]      # signed as a SET OF, not as [0] IMPLICIT
        for attribute in attributes:
            if attribute["type"].native == "message_digest":
                message_digest = attribute["values"][0].native
        if message_digest is None:
            raise SodError("EF.SOD's signed attributes have no messageDigest")
    algorithm = signer["signature_algorithm"]
    parameters = algorithm["parameters"] if algorithm["algorithm"].dotted == "1.2.840.113549.1.1.10" else None
    if parameters is not None:
        _ = parameters.native     # parse now: a malformed one is a SodError here, not later

    certificates = signed["certificates"]
    der_certs = [] if isinstance(certificates, core.Void) else \
        [choice.chosen for choice in certificates if choice.name == "certificate"]
    ds = _match_signer(der_certs, signer["sid"])
    return SecurityObject(
        hash_algorithm=hash_algorithm, data_group_hashes=hashes_, lds_version=lds_version,
        encapsulated_content=econtent, signed_attributes=signed_attributes, message_digest=message_digest,
        digest_algorithm=digest_algorithm, signature_algorithm=algorithm["algorithm"].dotted,
        signature=signer["signature"].native, signature_parameters=parameters,
        ds_certificate=ds.dump() if ds is not None else None)


def _match_signer(certs: list[asn1_x509.Certificate], sid: cms.SignerIdentifier):
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            if cert.issuer == sid.chosen["issuer"] and cert.serial_number == sid.chosen["serial_number"].native:
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return certs[0] if len(certs) == 1 else None


# --- the trust list -----------------------------------------------------------------------

_CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der", ".ml")


class TrustList:
    """CSCA certificates IT imported. ``problems`` names files (or certificates in them) that
    could not be used; they are left out rather than failing the whole list."""

    def __init__(self, certificates: list[x509.Certificate], source: str = "", problems: tuple[str, ...] = ()):
        self.certificates = certificates
        self.source = source
        self.problems = problems
        self._by_subject: dict[bytes, list[x509.Certificate]] = {}
        for cert in certificates:
            self._by_subject.setdefault(cert.subject.public_bytes(), []).append(cert)

    def __len__(self) -> int:
        return len(self.certificates)

    def issuers_of(self, cert: x509.Certificate) -> list[x509.Certificate]:
        return self._by_subject.get(cert.issuer.public_bytes(), [])

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TrustList:
        """Every certificate of a PEM bundle, a DER certificate, an ICAO master list (.ml), or
        a folder of such files. ``TrustListError`` when none can be had."""
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _CERT_SUFFIXES)
        elif path.exists():
            files = [path]
        else:
            raise TrustListError(f"the CSCA trust list {path} does not exist")
        certificates: list[x509.Certificate] = []
        problems: list[str] = []
        for file in files:
            try:
                certificates += _certificates_in(file.read_bytes())
            except (OSError, ValueError) as exc:
                problems.append(f"{file.name}: {exc}")
        if not certificates:
            detail = f" ({'; '.join(problems[:3])})" if problems else ""
            raise TrustListError(f"the CSCA trust list {path} holds no usable certificate{detail}")
        return cls(certificates, str(path), tuple(problems))


def _certificates_in(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN CERTIFICATE-----" in data:
        return x509.load_pem_x509_certificates(data)
    try:
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        pass
    try:
        return _master_list(data)
    except _PARSE_ERRORS as exc:
        raise ValueError(f"neither a certificate nor an ICAO master list ({type(exc).__name__})") from None


def _master_list(data: bytes) -> list[x509.Certificate]:
    info = cms.ContentInfo.load(data, strict=True)
    encap = info["content"]["encap_content_info"]
    if encap["content_type"].dotted != CSCA_MASTER_LIST_OID:
        raise ValueError("not a CSCA master list")
    content = encap["content"]
    raw = content.native if isinstance(content.native, bytes) else content.contents
    master = _CscaMasterList.load(raw, strict=True)
    return [x509.load_der_x509_certificate(cert.dump()) for cert in master["cert_list"]]


class TrustListSource:
    """The configured trust list, loaded on first use (on the reader's thread, not the GUI's)
    and again whenever its files change, so IT's update applies at the next read."""

    def __init__(self, path: str | os.PathLike[str] | None):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._stamp: object = None
        self._loaded: TrustList | TrustListError | None = None

    def _fingerprint(self) -> object:
        assert self.path is not None
        try:
            if self.path.is_dir():
                return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                                    for p in self.path.iterdir() if p.is_file()))
            stat = self.path.stat()
            return (stat.st_mtime_ns, stat.st_size)
        except OSError as exc:
            return ("error", str(exc))

    def summary(self) -> dict[str, object]:
        """For IT's diagnostics: the path, how many CSCAs were loaded and of which states, the
        files left out, or why the list cannot be used."""
        if self.path is None:
            return {"configured": False}
        try:
            trust = self.get()
        except TrustListError as exc:
            return {"configured": True, "path": str(self.path), "error": str(exc)}
        assert trust is not None
        countries = sorted({a.value for c in trust.certificates
                            for a in c.subject.get_attributes_for_oid(x509.NameOID.COUNTRY_NAME)
                            if isinstance(a.value, str)})
        return {"configured": True, "path": str(self.path), "certificates": len(trust),
                "countries": countries, "problems": list(trust.problems)}

    def get(self) -> TrustList | None:
        """The trust list; None when none is configured; ``TrustListError`` when it cannot be
        used."""
        if self.path is None:
            return None
        with self._lock:
            stamp = self._fingerprint()
            if stamp != self._stamp or self._loaded is None:
                try:
                    self._loaded = TrustList.load(self.path)
                except (TrustListError, OSError) as exc:
                    self._loaded = exc if isinstance(exc, TrustListError) else TrustListError(
                        f"the CSCA trust list {self.path} cannot be read: {exc}")
                self._stamp = stamp
            if isinstance(self._loaded, TrustListError):
                raise self._loaded
            return self._loaded


# --- the checks ---------------------------------------------------------------------------

def _result(state: ChipAuthState, detail: str) -> ChipAuthentication:
    return ChipAuthentication(state, detail)


def _verify_signature(sod: SecurityObject, key: object) -> None:
    """Raise InvalidSignature when the SOD's signature does not verify, ValueError /
    UnsupportedAlgorithm when it cannot be checked."""
    data = sod.signed_attributes if sod.signed_attributes is not None else sod.encapsulated_content
    oid = sod.signature_algorithm
    kind, hash_name = _SIGNATURE_ALGORITHMS.get(oid, (None, None))
    if kind is None:
        raise ValueError(f"the signature algorithm {oid} is not one ICAO 9303 uses")
    if kind == "pss":
        if not isinstance(key, rsa.RSAPublicKey):
            raise ValueError("an RSASSA-PSS signature with a key that is not an RSA key")
        params = sod.signature_parameters
        hash_name = params["hash_algorithm"]["algorithm"].native
        mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
        if hash_name not in _HASHES or mgf_hash not in _HASHES:
            raise ValueError(f"RSASSA-PSS with {hash_name} / MGF1 with {mgf_hash}")
        key.verify(sod.signature, data, padding.PSS(padding.MGF1(_HASHES[mgf_hash]()),
                                                    params["salt_length"].native), _HASHES[hash_name]())
        return
    chosen = _HASHES[hash_name or sod.digest_algorithm]()
    if kind == "rsa":
        if not isinstance(key, rsa.RSAPublicKey):
            raise ValueError("an RSA signature with a key that is not an RSA key")
        key.verify(sod.signature, data, padding.PKCS1v15(), chosen)
        return
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("an ECDSA signature with a key that is not an EC key")
    signature = sod.signature
    if kind == "ecdsa-plain":
        if not signature or len(signature) % 2:
            raise InvalidSignature("a plain ECDSA signature of odd length")
        half = len(signature) // 2
        signature = encode_dss_signature(int.from_bytes(signature[:half], "big"),
                                         int.from_bytes(signature[half:], "big"))
    key.verify(signature, data, ec.ECDSA(chosen))


def _name(cert: x509.Certificate, which: str = "subject") -> str:
    try:
        return getattr(cert, which).rfc4514_string()[:200]
    except ValueError:
        return "(a name that cannot be read)"


def passive_authentication(sod_bytes: bytes | None, data_groups: dict[int, bytes],
                           trust: TrustList | TrustListError | None) -> ChipAuthentication:
    """Passive Authentication of the data groups read (number -> the file's bytes as read)
    against EF.SOD and the trust list (None: none configured; a TrustListError: configured
    but unusable). Never raises for anything the chip or the files hold."""
    if sod_bytes is None:
        return _result(ChipAuthState.UNVERIFIED, "the chip has no security object (EF.SOD)")
    try:
        sod = parse_sod(sod_bytes)
    except SodError as exc:
        return _result(ChipAuthState.UNVERIFIED, f"the chip's security object cannot be checked: {exc}")

    for number, content in sorted(data_groups.items()):
        expected = sod.data_group_hashes.get(number)
        if expected is None:
            return _result(ChipAuthState.TAMPERED, f"DG{number} is not covered by the chip's security object")
        if hashlib.new(sod.hash_algorithm, content).digest() != expected:
            return _result(ChipAuthState.TAMPERED,
                           f"the {sod.hash_algorithm.upper()} hash of DG{number} does not match the one the "
                           f"issuing state signed")

    if sod.signed_attributes is not None and \
            hashlib.new(sod.digest_algorithm, sod.encapsulated_content).digest() != sod.message_digest:
        return _result(ChipAuthState.TAMPERED, "the signed digest does not match the data-group hashes")
    if sod.ds_certificate is None:
        return _result(ChipAuthState.UNVERIFIED, "the security object carries no Document Signer certificate")
    try:
        ds = x509.load_der_x509_certificate(sod.ds_certificate)
        key = ds.public_key()
    except (ValueError, UnsupportedAlgorithm) as exc:
        return _result(ChipAuthState.UNVERIFIED, f"the Document Signer certificate cannot be used here: {exc}")
    try:
        _verify_signature(sod, key)
    except InvalidSignature:
        return _result(ChipAuthState.TAMPERED, "the Document Signer's signature over the data-group hashes "
                                               "does not verify")
    except (ValueError, TypeError, KeyError, UnsupportedAlgorithm) as exc:
        return _result(ChipAuthState.UNVERIFIED, f"the security object's signature cannot be checked here: {exc}")

    if trust is None:
        return _result(ChipAuthState.UNVERIFIED, "no CSCA trust list is configured ([passport] csca_file); "
                                                 "the chip's signature checks out but its issuer is not known")
    if isinstance(trust, TrustListError):
        return _result(ChipAuthState.UNVERIFIED, f"{trust}; the chip's signature checks out but its issuer "
                                                 f"cannot be checked")
    candidates = trust.issuers_of(ds)
    for csca in candidates:
        try:
            ds.verify_directly_issued_by(csca)
        except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
            continue
        return _result(ChipAuthState.VERIFIED, f"signed by {_name(ds)}, issued by the trusted CSCA {_name(csca)}")
    if candidates:
        return _result(ChipAuthState.UNKNOWN_CSCA,
                       f"the Document Signer certificate names {_name(ds, 'issuer')} as its issuer, but none of "
                       f"the {len(candidates)} CSCA certificate(s) of that name in the trust list signed it")
    return _result(ChipAuthState.UNKNOWN_CSCA,
                   f"the issuer of the Document Signer certificate, {_name(ds, 'issuer')}, is not in the CSCA "
                   f"trust list")
