"""Fuzzing what a passport and a vendor ID-card library hand the workstation: the MRZ a
scanner or a clerk types, the chip's data groups (BER-TLV: EF.COM, DG1, DG2) and the termb
library's getter texts. Whatever comes in, the answer is a result or the module's own error
(MrzError / TlvError for the MRZ module, CardDataError for the passport reader, a
ProtocolError for the vendor library), with a message that says what is wrong, never
another exception: a clerk's window would show a traceback or the read would die."""

from __future__ import annotations

import ctypes
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workstation.devices.idcard import ProtocolError, ReaderError
from workstation.devices.mrz import (
    TD3_LINE_LENGTH,
    BacKey,
    MrzError,
    Td3Mrz,
    TlvError,
    check_digit,
    iter_tlv,
    parse_dg1,
    parse_td3,
    read_tlv,
)
from workstation.devices.passport import CardDataError, _parse_ef_com, _tlv_total_length, extract_face_image
from workstation.devices.vendor_lib import TERMB_GETTERS, TERMB_OPTIONAL, TermbReader
from workstation.domain.identity import IdentityDocument, document_problems, expiry

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ICAO 9303 Part 3 Appendix A's specimen passport (Anna Maria Eriksson, Utopia).
SPECIMEN = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10")

MRZ_CHARS = string.ascii_uppercase + string.digits + "<"


def tlv(tag: int, value: bytes) -> bytes:
    """One BER-TLV (short or long length form)."""
    head = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    else:
        size = (n.bit_length() + 7) // 8
        length = bytes([0x80 | size]) + n.to_bytes(size, "big")
    return head + length + value


def dg1(text: str) -> bytes:
    return tlv(0x61, tlv(0x5F1F, text.encode("ascii")))


def assert_plain(exc: Exception) -> None:
    message = str(exc)
    assert message and "Traceback" not in message, repr(exc)


# --- the typed or scanned MRZ -----------------------------------------------------------------

def mrz_lines():
    """Two lines of MRZ characters of about the right length, or the specimen with a few
    characters changed: past the length checks, into the check digits and the dates."""
    line = st.text(alphabet=MRZ_CHARS, min_size=TD3_LINE_LENGTH - 1, max_size=TD3_LINE_LENGTH + 1)
    patched = st.tuples(st.integers(0, 2 * TD3_LINE_LENGTH - 1), st.sampled_from(MRZ_CHARS))
    damaged = st.lists(patched, max_size=4).map(lambda edits: _patch("".join(SPECIMEN), edits))
    return st.one_of(st.tuples(line, line).map("\n".join), damaged,
                     st.text(max_size=200), st.text(alphabet=MRZ_CHARS + " \n\r«‹＜", max_size=120))


def _patch(text: str, edits: list[tuple[int, str]]) -> str:
    chars = list(text)
    for position, char in edits:
        chars[position] = char
    return "".join(chars[:TD3_LINE_LENGTH]) + "\n" + "".join(chars[TD3_LINE_LENGTH:])


@FUZZ
@given(mrz_lines())
@example("P" + "<" * 43 + "\n" + "<" * 44)  # nothing but fillers
@example(SPECIMEN[0] + "\n" + SPECIMEN[1].replace("7408122", "7413322"))  # month 13
@example(SPECIMEN[0] + "\n" + SPECIMEN[1][:20] + "\u0661" + SPECIMEN[1][21:])  # an Arabic-Indic digit
def test_an_mrz_gives_a_passport_or_an_mrz_error_naming_the_field(text):
    try:
        mrz = parse_td3(text)
    except MrzError as exc:
        assert exc.field and isinstance(exc.field, str)
        assert_plain(exc)
        return
    assert isinstance(mrz, Td3Mrz)
    # What a parsed MRZ meets next must hold up too.
    _ = mrz.birth_date_value, mrz.expiry_date_value
    key = mrz.bac_key
    assert len(key.mrz_information) == 24
    repr(key), repr(mrz)


def test_the_specimen_parses():
    mrz = parse_td3("\n".join(SPECIMEN))
    assert (mrz.surname, mrz.given_names, mrz.document_number) == ("ERIKSSON", "ANNA MARIA", "L898902C3")


@FUZZ
@given(st.text(max_size=20), st.text(max_size=12), st.text(max_size=12),
       st.one_of(st.none(), st.text(max_size=3)), st.one_of(st.none(), st.text(max_size=3)))
@example("L898902C3", "7408122", "120415", None, None)  # a date of 7 digits
@example("²", "740812", "120415", None, None)  # a superscript two: str.isdigit says yes
@example("L898902C3", "740812", "120415", "6", "²")
@example("L898902C3", "٧٤٠٨١٢", "120415", None, None)  # Arabic-Indic digits: \d matches them
def test_typed_bac_fields_give_a_key_or_an_mrz_error(number, birth, expiry_date, number_check, birth_check):
    try:
        key = BacKey.from_fields(number, birth, expiry_date, document_number_check=number_check,
                                 birth_date_check=birth_check)
    except MrzError as exc:
        assert exc.field in ("document_number", "birth_date", "expiry_date")
        assert_plain(exc)
        return
    assert len(key.mrz_information) == 24
    assert check_digit(key.birth_date) in string.digits


# --- the chip's data groups -------------------------------------------------------------------

def tlv_ish(depth: int = 2):
    """BER-TLV that is mostly well formed: known tags, nested, with a length now and then
    that lies."""
    tags = st.sampled_from([0x60, 0x61, 0x75, 0x5F1F, 0x5F01, 0x5C, 0x7F61, 0x7F60, 0x5F2E, 0x7F2E, 0x02, 0xA1])
    leaf = st.builds(tlv, tags, st.binary(max_size=40))
    node = leaf if depth == 0 else st.builds(tlv, tags, st.lists(tlv_ish(depth - 1), max_size=3).map(b"".join))
    lying = st.tuples(node, st.integers(0, 4)).map(lambda t: t[0][:-t[1]] if t[1] else t[0])
    return st.one_of(node, lying, st.binary(max_size=60))


@FUZZ
@given(st.one_of(st.binary(max_size=200), tlv_ish()))
@example(b"\x5f")  # a multi-byte tag cut off
@example(b"\x61\x84\xff\xff\xff\xff")  # four bytes of length, far beyond the data
@example(b"\x61\x80")  # the indefinite length form
def test_tlv_reading_gives_values_or_a_tlv_error(data):
    try:
        tag, value, end = read_tlv(data)
        assert 0 < end <= len(data) and len(value) <= len(data)
        list(iter_tlv(data))
    except TlvError as exc:
        assert_plain(exc)


@FUZZ
@given(st.one_of(st.binary(max_size=200), tlv_ish(),
                 st.text(alphabet=MRZ_CHARS, min_size=80, max_size=96).map(dg1),
                 st.binary(min_size=88, max_size=88).map(lambda b: tlv(0x61, tlv(0x5F1F, b)))))
@example(dg1("".join(SPECIMEN)))
@example(dg1("".join(SPECIMEN)[:-1] + "\x00"))
def test_dg1_gives_an_mrz_or_an_mrz_error(data):
    try:
        mrz = parse_dg1(data)
    except MrzError as exc:
        assert_plain(exc)
        return
    assert isinstance(mrz, Td3Mrz)


@FUZZ
@given(st.one_of(st.binary(max_size=300), tlv_ish(3),
                 st.binary(max_size=200).map(lambda b: tlv(0x75, tlv(0x7F61, tlv(0x7F60, tlv(0x5F2E, b))))),
                 st.binary(max_size=200).map(lambda b: tlv(0x75, tlv(0x7F61, tlv(0x7F60, tlv(
                     0x5F2E, b"FAC\0010\0" + bytes(6) + b)))))))
@example(tlv(0x75, tlv(0x7F61, tlv(0x7F60, tlv(0x5F2E, b"FAC\x00010\x00" + bytes(6) + b"\xff\xff\xff\xff"
                                               + b"\xff\xff" + bytes(14) + b"\xff\xd8\xff")))))
def test_dg2_gives_a_face_or_a_card_data_error(data):
    try:
        image, kind = extract_face_image(data)
    except CardDataError as exc:
        assert isinstance(exc, ReaderError)
        assert_plain(exc)
        return
    assert isinstance(image, bytes) and kind.startswith(("image/", "application/"))


@FUZZ
@given(st.one_of(st.binary(max_size=120), tlv_ish()))
@example(tlv(0x60, tlv(0x5F01, b"\xff\xfe\x00\x01") + tlv(0x5C, b"\x61\x75\x77")))
def test_ef_com_gives_its_version_and_groups_or_a_card_data_error(data):
    try:
        version, groups = _parse_ef_com(data)
    except CardDataError as exc:
        assert_plain(exc)
        return
    assert version is None or isinstance(version, str)
    assert all(isinstance(g, int) for g in groups)


@FUZZ
@given(st.binary(min_size=2, max_size=6))  # the reader refuses a shorter head before
@example(b"\x5f\x1f")
def test_a_file_head_gives_its_length_or_a_card_data_error(head):
    try:
        total = _tlv_total_length(head, "DG1")
    except CardDataError as exc:
        assert "DG1" in str(exc)
        return
    assert total >= 2


# --- the termb vendor library's getters -------------------------------------------------------

def _getter(raw: bytes, code: int = 1):
    """A getter as the library exports it: (char *buffer, int *length) -> code."""

    def getter(buffer, length) -> int:
        data = raw[: len(buffer)]
        ctypes.memmove(buffer, data, len(data))
        length._obj.value = len(data)
        return code

    return getter


GB = st.text(alphabet=st.characters(codec="gb18030", exclude_categories=("Cs",)), max_size=20) \
    .map(lambda t: t.encode("gb18030"))
DATES = st.sampled_from(["19900101", "1990-01-31", "2020年01月31日", "长期", "20201331", "²0200101", "", "0"]) \
    .map(lambda t: t.encode("gb18030"))
COUNTS = st.sampled_from(["", "1", "12", "²", "一", "-1"]).map(lambda t: t.encode("gb18030"))


def _texts():
    fixed = {"GetPeopleName": GB, "GetPeopleSex": st.sampled_from([b"\xc4\xd0", b"1", b"2", b"9", b"x"]) | GB,
             "GetPeopleNation": st.sampled_from([b"01", b"\xba\xba", b"99", b""]) | GB,
             "GetPeopleBirthday": DATES | GB, "GetStartDate": DATES | GB, "GetEndDate": DATES | GB,
             "GetPeopleIDCode": st.sampled_from([b"11010519491231002X", b"", b"x"]) | GB,
             "GetCertType": st.sampled_from([b"", b"J", b"I", b"j", b"Q"]), "GetIssuesNum": COUNTS | GB}
    names = (*TERMB_GETTERS, *TERMB_OPTIONAL)
    return st.fixed_dictionaries({name: fixed.get(name, GB) | st.binary(max_size=20) for name in names})


@FUZZ
@given(_texts())
@example({**{n: b"" for n in (*TERMB_GETTERS, *TERMB_OPTIONAL)}, "GetCertType": b"J", "GetPeopleSex": b"1",
          "GetPeopleIDCode": b"810000199408230021", "GetPeopleBirthday": b"19940823",
          "GetIssuesNum": "²".encode("gb18030")})  # a superscript two: isdigit() yet no int
def test_termb_getters_give_a_document_or_a_protocol_error(texts):
    reader = TermbReader()
    reader._fn = {name: _getter(raw) for name, raw in texts.items()}
    try:
        document = reader._document()
    except ProtocolError as exc:
        assert_plain(exc)
        return
    assert isinstance(document, IdentityDocument)
    document_problems(document)
    expiry(document)
    document.masked_dict()


@pytest.mark.parametrize("code", [0, -1, 2])
def test_a_failing_termb_getter_is_a_protocol_error(code):
    reader = TermbReader()
    reader._fn = {name: _getter(b"", code) for name in (*TERMB_GETTERS, *TERMB_OPTIONAL)}
    with pytest.raises(ProtocolError, match="failed"):
        reader._document()
