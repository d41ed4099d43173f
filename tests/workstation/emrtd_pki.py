"""A test issuing state's PKI for the test eMRTD chip: a CSCA, a Document Signer certificate it
issues, and EF.SOD (ICAO 9303 part 10 §4.6.2) signed by the Document Signer over the chip's
data groups, built here with `cryptography` (keys, certificates, signatures) and asn1crypto
(the CMS structure), independently of the workstation's parser.

    state = IssuingState.make("UT")                 # CSCA (ECDSA P-256) + DS (RSA 2048)
    sod = state.sign_sod({1: dg1, 2: dg2})          # the bytes of EF.SOD (tag 77)
    state.csca_pem()                                # what IT puts in [passport] csca_file
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from asn1crypto import algos, cms, core
from asn1crypto import pdf as _asn1_pdf  # noqa: F401  (their names, before a lookup by name;
from asn1crypto import tsp as _asn1_tsp  # noqa: F401   see workstation/devices/passive_auth.py)
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

__all__ = ["IssuingState", "build_sod"]

LDS_SECURITY_OBJECT = "2.23.136.1.1.1"


class DataGroupHash(core.Sequence):
    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]


class DataGroupHashValues(core.SequenceOf):
    _child_spec = DataGroupHash


class LdsSecurityObject(core.Sequence):
    _fields = [("version", core.Integer), ("hash_algorithm", algos.DigestAlgorithm),
               ("data_group_hash_values", DataGroupHashValues)]


def _name(country: str, common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, country),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Utopia Passport Office"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass
class IssuingState:
    csca_key: ec.EllipticCurvePrivateKey
    csca: x509.Certificate
    ds_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    ds: x509.Certificate

    @classmethod
    def make(cls, country: str = "UT", csca_name: str = "CSCA Utopia", *, ds_ec: bool = False) -> IssuingState:
        now = dt.datetime.now(dt.UTC)
        csca_key = ec.generate_private_key(ec.SECP256R1())
        csca_subject = _name(country, csca_name)
        csca = (x509.CertificateBuilder().subject_name(csca_subject).issuer_name(csca_subject)
                .public_key(csca_key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=365)).not_valid_after(now + dt.timedelta(days=15 * 365))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                               critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(csca_key.public_key()), critical=False)
                .sign(csca_key, hashes.SHA256()))
        ds_key = ec.generate_private_key(ec.SECP384R1()) if ds_ec else \
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ds = (x509.CertificateBuilder().subject_name(_name(country, "Document Signer 0042"))
              .issuer_name(csca_subject).public_key(ds_key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=10 * 365))
              .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                             critical=True)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(csca_key.public_key()),
                             critical=False)
              .sign(csca_key, hashes.SHA256()))
        return cls(csca_key, csca, ds_key, ds)

    def csca_pem(self) -> bytes:
        return self.csca.public_bytes(serialization.Encoding.PEM)

    def sign_sod(self, data_groups: dict[int, bytes], **options) -> bytes:
        return build_sod(data_groups, self.ds_key, self.ds, **options)


def build_sod(data_groups: dict[int, bytes], ds_key, ds: x509.Certificate, *,
              hash_name: str = "sha256", pss: bool = False, plain_ecdsa: bool = False) -> bytes:
    """EF.SOD over `data_groups` (number -> the file's bytes), signed by `ds_key` (RSA:
    PKCS#1 v1.5 or `pss`; EC: ECDSA, as r || s with `plain_ecdsa`) with signed attributes, the
    DS certificate included, as 9303 part 10 describes it."""
    lds = LdsSecurityObject({
        "version": 0, "hash_algorithm": {"algorithm": hash_name},
        "data_group_hash_values": [{"data_group_number": n, "data_group_hash_value": hashlib.new(hash_name, c).digest()}
                                   for n, c in sorted(data_groups.items())]}).dump()
    signed_attrs = cms.CMSAttributes([
        {"type": "content_type", "values": [LDS_SECURITY_OBJECT]},
        {"type": "message_digest", "values": [hashlib.new(hash_name, lds).digest()]},
    ])
    to_sign = signed_attrs.dump()                     # a SET OF: what the signature covers
    chosen = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512(),
              "sha1": hashes.SHA1(), "sha224": hashes.SHA224()}[hash_name]
    if isinstance(ds_key, ec.EllipticCurvePrivateKey):
        signature = ds_key.sign(to_sign, ec.ECDSA(chosen))
        algorithm = {"algorithm": f"{hash_name}_ecdsa"}
        if plain_ecdsa:                   # BSI TR-03111 ecdsa-plain-SHA*
            r, s = decode_dss_signature(signature)
            size = (ds_key.curve.key_size + 7) // 8
            signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
            index = ("sha1", "sha224", "sha256", "sha384", "sha512").index(hash_name) + 1
            algorithm = {"algorithm": f"0.4.0.127.0.7.1.1.4.1.{index}"}
    elif pss:
        signature = ds_key.sign(to_sign, padding.PSS(padding.MGF1(chosen), chosen.digest_size), chosen)
        algorithm = {"algorithm": "rsassa_pss", "parameters": {
            "hash_algorithm": {"algorithm": hash_name},
            "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": hash_name}},
            "salt_length": chosen.digest_size, "trailer_field": "trailer_field_bc"}}
    else:
        signature = ds_key.sign(to_sign, padding.PKCS1v15(), chosen)
        algorithm = {"algorithm": f"{hash_name}_rsa"}
    cert = asn1_x509.Certificate.load(ds.public_bytes(serialization.Encoding.DER))
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
            {"issuer": cert.issuer, "serial_number": cert.serial_number})}),
        "digest_algorithm": {"algorithm": hash_name},
        "signed_attrs": signed_attrs,
        "signature_algorithm": algorithm,
        "signature": signature,
    })
    signed = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [{"algorithm": hash_name}],
        "encap_content_info": {"content_type": LDS_SECURITY_OBJECT, "content": lds},
        "certificates": [cert],
        "signer_infos": [signer],
    })
    content = cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()
    return b"\x77" + _length(len(content)) + content


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return b"\x81" + bytes([n])
    return b"\x82" + n.to_bytes(2, "big")
