"""Machine readable zones of passports (ICAO Doc 9303 Parts 3 and 4) and the MRZ information
that Basic Access Control derives its keys from (Part 11 §4.3).

Pure: no I/O. Everything here works on the text a clerk types, a scanner types, or the chip's
DG1 holds.

- ``check_digit`` computes the ICAO 9303 check digit (weights 7 3 1 repeating; digits are
  their value, ``A``..``Z`` are 10..35 and the filler ``<`` is 0).
- ``BacKey`` holds the three fields BAC needs (document number, date of birth, date of expiry)
  and builds the MRZ information ``number+cd+birth+cd+expiry+cd``; ``BacKey.from_mrz``
  takes the two lines of a TD3 MRZ (what an MRZ scanner types).
- ``parse_td3`` parses the two 44-character lines of a passport MRZ and verifies every check
  digit; ``parse_dg1`` does the same for the MRZ inside the chip's DG1 (tag 61 / 5F1F).

Every failure raises ``MrzError`` (a ``ValueError``) whose ``field`` names the failing field,
so a UI can point at it.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "FILLER",
    "TD3_LINE_LENGTH",
    "BacKey",
    "MrzError",
    "Td3Mrz",
    "TlvError",
    "check_digit",
    "iter_tlv",
    "normalise_mrz_text",
    "parse_dg1",
    "parse_td3",
    "read_tlv",
    "split_td3_lines",
]

FILLER = "<"
TD3_LINE_LENGTH = 44
_MRZ_CHARS = re.compile(r"^[0-9A-Z<]*$")
_WEIGHTS = (7, 3, 1)


class MrzError(ValueError):
    """An MRZ or one of its fields is malformed or fails its check digit. Messages never quote
    the holder's data (they may end up in audit records). ``field`` names the
    failing field (``document_number``, ``birth_date``, ``expiry_date``, ``optional_data``,
    ``composite``, ``line1``, ``line2``, ``mrz``, ``dg1``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class TlvError(ValueError):
    """BER-TLV data is truncated or malformed."""


# --- check digits ---------------------------------------------------------------------------

def _char_value(char: str) -> int:
    if "0" <= char <= "9":
        return ord(char) - ord("0")
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == FILLER:
        return 0
    raise ValueError(f"{char!r} is not an MRZ character (0-9, A-Z or <)")


def check_digit(text: str) -> str:
    """The ICAO 9303 check digit of ``text`` as one character ``"0"``..``"9"``."""
    return str(sum(_char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(text)) % 10)


def _verify(field_name: str, label: str, value: str, digit: str, *, filler_allowed: bool = False) -> None:
    if digit == FILLER and filler_allowed and set(value) <= {FILLER}:
        return                   # an empty optional field may carry a filler check digit
    if not digit.isdigit():
        raise MrzError(field_name, f"{label}: check digit {digit!r} is not a digit")
    expected = check_digit(value)
    if digit != expected:
        raise MrzError(field_name, f"{label}: the check digit is {digit}, but the {label} gives {expected}")


# --- text helpers ---------------------------------------------------------------------------

def normalise_mrz_text(text: str) -> str:
    """Upper case, with the look-alikes keyboards and scanners produce mapped to MRZ
    characters (``«`` and ``‹`` to ``<``), and spaces removed."""
    table = str.maketrans({"«": "<<", "‹": "<", "＜": "<"})
    return "".join(text.translate(table).upper().split())


def split_td3_lines(text: str) -> tuple[str, str]:
    """The two 44-character lines of a TD3 MRZ from what a scanner or a clerk typed: two
    lines separated by a line break, or one run of 88 characters."""
    raw_lines = [normalise_mrz_text(line) for line in text.replace("\r", "\n").split("\n")]
    lines = [line for line in raw_lines if line]
    if len(lines) == 1 and len(lines[0]) == 2 * TD3_LINE_LENGTH:
        lines = [lines[0][:TD3_LINE_LENGTH], lines[0][TD3_LINE_LENGTH:]]
    if len(lines) != 2:
        raise MrzError("mrz", f"a passport MRZ has 2 lines of 44 characters; got {len(lines)} line(s)")
    for number, line in enumerate(lines, start=1):
        if len(line) != TD3_LINE_LENGTH:
            raise MrzError(f"line{number}", f"MRZ line {number} has {len(line)} characters; a passport "
                                            f"(TD3) line has {TD3_LINE_LENGTH}")
        bad = sorted({c for c in line if not _MRZ_CHARS.match(c)})
        if bad:
            raise MrzError(f"line{number}", f"MRZ line {number} contains characters that are not "
                                            f"allowed in an MRZ: {''.join(bad)!r}")
    return lines[0], lines[1]


def _yymmdd(field_name: str, label: str, value: str) -> None:
    # [0-9], not \d: that matches the digits of every script, which int() reads but the
    # check digit does not.
    if not re.fullmatch(r"[0-9]{6}", value):
        raise MrzError(field_name, f"{label} must be 6 digits YYMMDD")
    month, day = int(value[2:4]), int(value[4:6])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise MrzError(field_name, f"{label} is not a valid YYMMDD date (month 01-12, day 01-31)")


def _to_date(value: str, *, future: bool, today: _dt.date | None = None) -> _dt.date | None:
    """YYMMDD to a date. Births are never in the future; expiries lie within 50 years of
    today. None when the day or month is unknown (fillers) or impossible."""
    if not re.fullmatch(r"[0-9]{6}", value):
        return None
    today = today or _dt.date.today()
    yy, month, day = int(value[:2]), int(value[2:4]), int(value[4:6])
    year = 2000 + yy
    if future:
        if year > today.year + 50:
            year -= 100
        elif year < today.year - 50:
            year += 100
    elif year > today.year:
        year -= 100
    if not future and (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


# --- BAC key material -----------------------------------------------------------------------

@dataclass(frozen=True)
class BacKey:
    """The MRZ fields Basic Access Control needs. ``document_number`` without fillers (up to
    9 characters), dates as ``YYMMDD``."""

    document_number: str
    birth_date: str
    expiry_date: str

    def __post_init__(self) -> None:
        number = normalise_mrz_text(self.document_number).rstrip(FILLER)
        if not number:
            raise MrzError("document_number", "the document number is empty")
        if len(number) > 9:
            raise MrzError("document_number", f"a passport document number has at most 9 characters; "
                                              f"got {len(number)}")
        if not _MRZ_CHARS.match(number):
            raise MrzError("document_number", "the document number may contain only A-Z, 0-9 and <")
        object.__setattr__(self, "document_number", number)
        for name, label in (("birth_date", "date of birth"), ("expiry_date", "date of expiry")):
            value = "".join(str(getattr(self, name)).split())
            _yymmdd(name, label, value)
            object.__setattr__(self, name, value)

    @classmethod
    def from_mrz(cls, text: str) -> BacKey:
        """From the two lines of a passport MRZ (as an MRZ scanner types them); every check
        digit is verified first."""
        mrz = parse_td3(text)
        return cls(mrz.document_number, mrz.birth_date, mrz.expiry_date)

    @classmethod
    def from_fields(cls, document_number: str, birth_date: str, expiry_date: str,
                    *, document_number_check: str | None = None, birth_date_check: str | None = None,
                    expiry_date_check: str | None = None) -> BacKey:
        """From fields a clerk typed; check digits, if typed as well, are verified."""
        key = cls(document_number, birth_date, expiry_date)
        for name, label, value, digit in (
            ("document_number", "document number", key.padded_document_number, document_number_check),
            ("birth_date", "date of birth", key.birth_date, birth_date_check),
            ("expiry_date", "date of expiry", key.expiry_date, expiry_date_check),
        ):
            if digit is not None and digit.strip():
                _verify(name, label, value, digit.strip())
        return key

    @property
    def padded_document_number(self) -> str:
        return self.document_number.ljust(9, FILLER)

    @property
    def mrz_information(self) -> str:
        """Document number (9, filler padded) + check digit + birth date + check digit + expiry
        date + check digit: the input of BAC's K_seed (Doc 9303 Part 11 §9.7.1)."""
        number = self.padded_document_number
        return (number + check_digit(number) + self.birth_date + check_digit(self.birth_date)
                + self.expiry_date + check_digit(self.expiry_date))

    def __repr__(self) -> str:  # the document number is personal data: keep it out of logs
        masked = self.document_number[:2] + "*" * max(0, len(self.document_number) - 2)
        return f"BacKey(document_number={masked!r}, birth_date='******', expiry_date={self.expiry_date!r})"


# --- TD3 ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Td3Mrz:
    """A parsed passport MRZ. Names have fillers replaced by spaces; dates stay ``YYMMDD``
    (``birth_date_value`` / ``expiry_date_value`` give ``datetime.date`` where possible)."""

    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str
    sex: str
    expiry_date: str
    optional_data: str
    line1: str = field(repr=False)
    line2: str = field(repr=False)

    @property
    def lines(self) -> tuple[str, str]:
        return self.line1, self.line2

    @property
    def birth_date_value(self) -> _dt.date | None:
        return _to_date(self.birth_date, future=False)

    @property
    def expiry_date_value(self) -> _dt.date | None:
        return _to_date(self.expiry_date, future=True)

    @property
    def bac_key(self) -> BacKey:
        return BacKey(self.document_number, self.birth_date, self.expiry_date)


def _name(text: str) -> str:
    return " ".join(part for part in text.split(FILLER) if part)


def parse_td3(text: str | tuple[str, str] | list[str]) -> Td3Mrz:
    """Parse and verify a TD3 (passport) MRZ: two lines of 44 characters, or one text holding
    both. Raises ``MrzError`` naming the first failing field."""
    if isinstance(text, (tuple, list)):
        text = "\n".join(text)
    line1, line2 = split_td3_lines(text)
    if line1[0] != "P":
        raise MrzError("line1", f"a passport MRZ starts with 'P'; this one starts with {line1[0]!r}")
    names = line1[5:]
    surname, _, given = names.partition(FILLER * 2)
    number, number_cd = line2[0:9], line2[9]
    birth, birth_cd = line2[13:19], line2[19]
    expiry, expiry_cd = line2[21:27], line2[27]
    optional, optional_cd = line2[28:42], line2[42]
    composite_cd = line2[43]
    _verify("document_number", "document number", number, number_cd)
    _yymmdd("birth_date", "date of birth", birth)
    _verify("birth_date", "date of birth", birth, birth_cd)
    sex = line2[20]
    if sex not in "MFX<":
        raise MrzError("sex", f"sex must be M, F or < (X); got {sex!r}")
    _yymmdd("expiry_date", "date of expiry", expiry)
    _verify("expiry_date", "date of expiry", expiry, expiry_cd)
    _verify("optional_data", "personal number / optional data", optional, optional_cd, filler_allowed=True)
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    if not composite_cd.isdigit() or composite_cd != check_digit(composite):
        raise MrzError("composite", f"composite check digit is {composite_cd}, but lines give "
                                    f"{check_digit(composite)}")
    return Td3Mrz(
        document_code=line1[0:2].rstrip(FILLER),
        issuing_state=line1[2:5].rstrip(FILLER),
        surname=_name(surname),
        given_names=_name(given),
        document_number=number.rstrip(FILLER),
        nationality=line2[10:13].rstrip(FILLER),
        birth_date=birth,
        sex=sex if sex != FILLER else "X",
        expiry_date=expiry,
        optional_data=optional.rstrip(FILLER),
        line1=line1,
        line2=line2,
    )


# --- BER-TLV (as the LDS uses it) -----------------------------------------------------------

def read_tlv(data: bytes, offset: int = 0) -> tuple[int, bytes, int]:
    """Read one BER-TLV at ``offset``: (tag as an int, e.g. 0x5F1F, value, offset after it)."""
    try:
        start = offset
        tag = data[offset]
        offset += 1
        if tag & 0x1F == 0x1F:                      # multi-byte tag
            while True:
                tag = (tag << 8) | data[offset]
                offset += 1
                if not data[offset - 1] & 0x80:
                    break
        length = data[offset]
        offset += 1
        if length & 0x80:
            count = length & 0x7F
            if count == 0 or count > 4:
                raise TlvError(f"unsupported BER length form 0x{length:02X} at offset {start}")
            length = int.from_bytes(data[offset:offset + count], "big")
            if len(data[offset:offset + count]) != count:
                raise IndexError
            offset += count
    except IndexError:
        raise TlvError(f"TLV truncated at offset {offset}") from None
    end = offset + length
    if end > len(data):
        raise TlvError(f"TLV with tag {tag:X} at offset {start} declares {length} bytes; "
                       f"only {len(data) - offset} present")
    return tag, bytes(data[offset:end]), end


def iter_tlv(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Every (tag, value) at the top level of ``data``; padding bytes 00 / FF between
    objects are skipped."""
    offset = 0
    while offset < len(data):
        if data[offset] in (0x00, 0xFF):
            offset += 1
            continue
        tag, value, offset = read_tlv(data, offset)
        yield tag, value


def parse_dg1(data: bytes) -> Td3Mrz:
    """The MRZ of a passport's DG1 (``61 L 5F1F L <88 MRZ characters>``), verified."""
    try:
        tag, value, _ = read_tlv(data)
    except TlvError as exc:
        raise MrzError("dg1", f"DG1 is malformed: {exc}") from None
    if tag != 0x61:
        raise MrzError("dg1", f"DG1 starts with tag {tag:X}, expected 61")
    mrz_bytes = None
    try:
        for inner_tag, inner in iter_tlv(value):
            if inner_tag == 0x5F1F:
                mrz_bytes = inner
                break
    except TlvError as exc:
        raise MrzError("dg1", f"DG1 is malformed: {exc}") from None
    if mrz_bytes is None:
        raise MrzError("dg1", "DG1 holds no MRZ data object (tag 5F1F)")
    try:
        text = mrz_bytes.decode("ascii")
    except UnicodeDecodeError:
        raise MrzError("dg1", "DG1's MRZ is not ASCII text") from None
    if len(text) != 2 * TD3_LINE_LENGTH:
        kind = {90: "an ID card (TD1)", 72: "a TD2 document"}.get(len(text), "an unknown format")
        raise MrzError("dg1", f"DG1 holds an MRZ of {len(text)} characters ({kind}); only passports "
                              f"(TD3, 88 characters) are supported")
    return parse_td3(text)
