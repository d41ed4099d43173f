"""Passive Authentication without a reader: the EF.SOD parser fuzzed (whatever the chip sends,
a SecurityObject or a SodError, and a verdict, never another exception), the trust list's
forms (PEM bundle, folder, ICAO master list), and the algorithms 9303 allows. The reads
through pcscd are in test_passport_pcsc.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.workstation.emrtd_card import Holder, build_dg1, build_dg2
from tests.workstation.emrtd_pki import IssuingState
from workstation.devices.passive_auth import (
    SecurityObject,
    SodError,
    TrustList,
    TrustListError,
    TrustListSource,
    parse_sod,
    passive_authentication,
)
from workstation.domain.identity import ChipAuthState

FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
STATE = IssuingState.make("UT", "CSCA Utopia")
GROUPS = {1: build_dg1(Holder()), 2: build_dg2()}
SOD = STATE.sign_sod(GROUPS)


def _trust(tmp_path: Path, *states: IssuingState) -> TrustList:
    path = tmp_path / "csca.pem"
    path.write_bytes(b"".join(s.csca_pem() for s in states))
    return TrustList.load(path)


def test_the_sod_is_taken_apart(tmp_path: Path) -> None:
    sod = parse_sod(SOD)
    assert sod.hash_algorithm == "sha256" and sorted(sod.data_group_hashes) == [1, 2]
    assert sod.ds_certificate and sod.signed_attributes and sod.message_digest
    assert passive_authentication(SOD, GROUPS, _trust(tmp_path, STATE)).state is ChipAuthState.VERIFIED


@pytest.mark.parametrize("options", [{"hash_name": "sha512", "pss": True}, {"hash_name": "sha1"},
                                     {"hash_name": "sha384"}])
def test_the_hashes_and_signature_schemes_9303_allows(tmp_path: Path, options) -> None:
    sod = STATE.sign_sod(GROUPS, **options)
    assert passive_authentication(sod, GROUPS, _trust(tmp_path, STATE)).state is ChipAuthState.VERIFIED
    assert passive_authentication(sod, {1: GROUPS[1] + b"\0"}, None).state is ChipAuthState.TAMPERED


@pytest.mark.parametrize("plain", [False, True])
def test_an_ecdsa_document_signer_in_x962_and_plain_form(tmp_path: Path, plain: bool) -> None:
    state = IssuingState.make("EC", "CSCA Eclipse", ds_ec=True)
    sod = state.sign_sod(GROUPS, hash_name="sha384", plain_ecdsa=plain)
    assert passive_authentication(sod, GROUPS, _trust(tmp_path, state)).state is ChipAuthState.VERIFIED
    broken = bytearray(sod)
    broken[-2] ^= 0x01                  # inside s
    assert passive_authentication(bytes(broken), GROUPS, _trust(tmp_path, state)).state is ChipAuthState.TAMPERED


def test_a_data_group_the_sod_does_not_cover_is_tampering() -> None:
    sod = STATE.sign_sod({1: GROUPS[1]})
    result = passive_authentication(sod, GROUPS, None)
    assert result.state is ChipAuthState.TAMPERED and "DG2 is not covered" in result.detail


def test_an_icao_master_list_and_a_folder_are_trust_lists(tmp_path: Path) -> None:
    from asn1crypto import cms, core
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    class CertSet(core.SetOf):
        _child_spec = asn1_x509.Certificate

    class MasterList(core.Sequence):
        _fields = [("version", core.Integer), ("cert_list", CertSet)]

    other = IssuingState.make("AT", "CSCA Atlantis")
    certs = [asn1_x509.Certificate.load(s.csca.public_bytes(serialization.Encoding.DER)) for s in (other, STATE)]
    content = MasterList({"version": 0, "cert_list": certs}).dump()
    signed = cms.SignedData({"version": "v3", "digest_algorithms": [{"algorithm": "sha256"}],
                             "encap_content_info": {"content_type": "2.23.136.1.1.2", "content": content},
                             "signer_infos": []})
    folder = tmp_path / "csca"
    folder.mkdir()
    (folder / "ICAO_ml.ml").write_bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump())
    (folder / "readme.txt").write_text("not looked at")
    (folder / "junk.cer").write_bytes(b"\x30\x03\x02\x01")
    trust = TrustList.load(folder)
    assert len(trust) == 2 and trust.problems and "junk.cer" in trust.problems[0]
    assert passive_authentication(SOD, GROUPS, trust).state is ChipAuthState.VERIFIED


def test_a_trust_list_that_cannot_be_used_is_named(tmp_path: Path) -> None:
    with pytest.raises(TrustListError, match="does not exist"):
        TrustList.load(tmp_path / "missing.pem")
    (tmp_path / "empty").mkdir()
    with pytest.raises(TrustListError, match="no usable certificate"):
        TrustList.load(tmp_path / "empty")
    source = TrustListSource(tmp_path / "missing.pem")
    with pytest.raises(TrustListError):
        source.get()
    assert TrustListSource(None).get() is None
    result = passive_authentication(SOD, GROUPS, TrustListError("the CSCA trust list x holds nothing"))
    assert result.state is ChipAuthState.UNVERIFIED and "holds nothing" in result.detail


# --- fuzzing ------------------------------------------------------------------------------

@st.composite
def mutated_sod(draw) -> bytes:
    """A genuine EF.SOD with bytes flipped, cut, inserted or deleted somewhere."""
    data = bytearray(SOD)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete", "length"]))
        at = draw(st.integers(0, len(data) - 1)) if data else 0
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif kind == "length" and data:
            data[at] = draw(st.sampled_from([0x00, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0xFF]))
    return bytes(data)


@FUZZ
@given(st.one_of(st.binary(max_size=400), st.binary(max_size=300).map(lambda b: b"\x77\x82\x01\x00" + b),
                 mutated_sod()))
def test_a_malformed_sod_is_a_clear_error_never_a_crash(data: bytes) -> None:
    try:
        result = parse_sod(data)
    except SodError as exc:
        assert str(exc)
    else:
        assert isinstance(result, SecurityObject)
    verdict = passive_authentication(data, GROUPS, TrustList([STATE.csca]))
    assert verdict.state in ChipAuthState and verdict.detail
    if verdict.state is ChipAuthState.VERIFIED:   # only a change outside what the signature covers
        assert parse_sod(data).encapsulated_content == parse_sod(SOD).encapsulated_content


def test_the_config_names_the_trust_list_next_to_itself(tmp_path: Path) -> None:
    from workstation.config import ConfigError, load

    config = tmp_path / "config.toml"
    config.write_text('[passport]\ncsca_file = "csca/master.ml"\n', encoding="utf-8")
    assert load(config).passport.csca_file == str(tmp_path / "csca" / "master.ml")
    config.write_text("[passport]\ncsca_file = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="passport.csca_file must be a str"):
        load(config)


def test_the_workstations_passport_reader_gets_the_configured_trust_list(tmp_path: Path, store) -> None:
    from types import SimpleNamespace

    from workstation.app.workstation import Workstation
    from workstation.config import PassportSettings, Settings
    from workstation.paths import Paths

    (tmp_path / "csca.pem").write_bytes(STATE.csca_pem())
    settings = Settings(card={"backend": "pcsc-passport", "port": "Virtual PCD 00 00"},
                        passport=PassportSettings(csca_file=str(tmp_path / "csca.pem")))
    workstation = Workstation(settings, Paths(tmp_path / "c", tmp_path / "d", tmp_path / "l"))
    workstation.store, workstation.device = store, SimpleNamespace(device_id="ws-1")   # as after enrolment
    reading = workstation.card_reading()
    try:
        trust = reading.reader.trust.get()
        assert trust is not None and [c.subject for c in trust.certificates] == [STATE.csca.subject]
    finally:
        reading.close()


def test_it_sees_what_the_trust_list_holds(tmp_path: Path) -> None:
    bundle = tmp_path / "csca.pem"
    bundle.write_bytes(STATE.csca_pem() + IssuingState.make("AT", "CSCA Atlantis").csca_pem())
    summary = TrustListSource(bundle).summary()
    assert summary["certificates"] == 2 and summary["countries"] == ["AT", "UT"] and not summary["problems"]
    assert "does not exist" in TrustListSource(tmp_path / "gone").summary()["error"]
    assert TrustListSource(None).summary() == {"configured": False}
