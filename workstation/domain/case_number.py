"""The 办件编号 (case number), made at the counter without asking the server.

Format, 26 characters, shown in groups for reading aloud:

    110105 20250301 003 7K2M 0001 X
    │      │        │   │    │    └ check character (Damm over GF(32), see below)
    │      │        │   │    └ sequence of the device on that day, 0001–9999
    │      │        │   └ device tag: 4 Crockford base-32 characters derived from the device id
    │      │        └ window number, 000 for a device without one
    │      └ the day of acceptance, yyyymmdd
    └ the hall's region code (行政区划代码)

Canonical form: the 26 characters with no separator (`str(number)`); `display()` adds
hyphens. `parse` accepts either, in any case, with spaces, and reads the letters a person
confuses with digits as Crockford does (O as 0, I and L as 1).

Uniqueness: (device tag, day, sequence) alone identify a number; the caller keeps one
sequence per device and day and never reuses one. Two devices sharing a window number
therefore differ by their tags, and a re-enrolled device gets a new device id, hence a new
tag, so restarting its sequence cannot repeat a number. The tag has 20 bits, so two
devices' tags *can* coincide (about n²/2²¹ for n devices ever enrolled in a hall): the
guarantee holds when the hall server refuses to enrol a device whose tag is already taken
in the hall (`tag_clashes` finds them; the server re-rolls the device id).

Check character: the Damm algorithm over the Crockford alphabet read as GF(2⁵), with
x∗y = 2·x + y. That quasigroup is totally anti-symmetric, so every single wrong character
and every swap of two adjacent different characters (the check character included) is
caught, which a weighted sum over a 32-symbol alphabet cannot promise.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Crockford's reading of look-alikes; U is left out so it stays an error, not a guess.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.·]+")

LENGTH = 26
MAX_SEQUENCE = 9999
_GF32_MODULUS = 0b100101  # x⁵ + x² + 1, primitive
_FIELDS = ((0, 6), (6, 14), (14, 17), (17, 21), (21, 25), (25, 26))  # region … check


class InvalidCaseNumber(ValueError):
    """Text that is not a valid 办件编号; the message says what is wrong."""


class SequenceExhausted(RuntimeError):
    """The device has issued the last sequence number for the day."""


def _times_two(value: int) -> int:
    value <<= 1
    return value ^ _GF32_MODULUS if value & 0b100000 else value


def _interim(text: str) -> int:
    interim = 0
    for ch in text:
        interim = _times_two(interim) ^ _VALUE[ch]
    return interim


def check_character(body: str) -> str:
    """The check character that makes `body` + it valid (body in the Crockford alphabet)."""
    unknown = sorted(set(body) - set(ALPHABET))
    if unknown:
        raise ValueError(f"characters outside the case number alphabet: {''.join(unknown)}")
    # interim ∗ c = 2·interim + c = 0 in characteristic 2, so c = 2·interim.
    return ALPHABET[_times_two(_interim(body))]


def has_valid_check(text: str) -> bool:
    """Whether canonical `text` (body and check character) passes the Damm check."""
    return bool(text) and set(text) <= set(ALPHABET) and _interim(text) == 0


def device_tag(device_id: str) -> str:
    """The 4-character tag of a device: the first 20 bits of SHA-256 of its id."""
    if not device_id:
        raise ValueError("a device tag needs the device id")
    digest = int.from_bytes(hashlib.sha256(device_id.encode("utf-8")).digest()[:3], "big") >> 4
    return "".join(ALPHABET[(digest >> shift) & 31] for shift in (15, 10, 5, 0))


def tag_clashes(device_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Tags shared by more than one of `device_ids` (for the hall server's enrolment)."""
    by_tag: dict[str, list[str]] = {}
    for device_id in dict.fromkeys(device_ids):
        by_tag.setdefault(device_tag(device_id), []).append(device_id)
    return {tag: tuple(ids) for tag, ids in by_tag.items() if len(ids) > 1}


@dataclass(frozen=True)
class CaseNumber:
    """A 办件编号 by its parts; `str()` gives the canonical text (see the module doc)."""

    region_code: str
    day: date
    window: int
    device_tag: str
    sequence: int

    def __post_init__(self) -> None:
        if not isinstance(self.region_code, str) or not re.fullmatch(r"[0-9]{6}", self.region_code):
            raise InvalidCaseNumber(f"区划代码应为 6 位数字：{self.region_code!r}")
        if type(self.day) is not date or not 1 <= self.day.year <= 9999:
            raise InvalidCaseNumber(f"受理日期不是日期：{self.day!r}")
        if isinstance(self.window, bool) or not isinstance(self.window, int) or not 0 <= self.window <= 999:
            raise InvalidCaseNumber(f"窗口号应为 0–999：{self.window!r}")
        if len(self.device_tag) != 4 or not set(self.device_tag) <= set(ALPHABET):
            raise InvalidCaseNumber(f"设备标识应为 4 个字符：{self.device_tag!r}")
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int) \
                or not 1 <= self.sequence <= MAX_SEQUENCE:
            raise InvalidCaseNumber(f"序号应为 1–{MAX_SEQUENCE}：{self.sequence!r}")

    @property
    def body(self) -> str:
        """The 25 characters before the check character."""
        return (f"{self.region_code}{self.day:%Y%m%d}{self.window:03d}"
                f"{self.device_tag}{self.sequence:04d}")

    @property
    def check(self) -> str:
        """The check character of `body`."""
        return check_character(self.body)

    def __str__(self) -> str:
        return self.body + self.check

    def display(self) -> str:
        """Grouped for reading aloud: 110105-20250301-003-7K2M-0001-X."""
        text = str(self)
        return "-".join(text[a:b] for a, b in _FIELDS)


def next_case_number(region_code: str, day: date, window: int | None, device_id: str,
                     last_sequence: int) -> CaseNumber:
    """The number after `last_sequence` (0 when the device has issued none on `day`).

    The caller stores the last sequence per device and day and saves the new one in the
    same transaction as the case, so a crash can neither reuse nor skip silently."""
    if isinstance(last_sequence, bool) or not isinstance(last_sequence, int) or last_sequence < 0:
        raise ValueError(f"the last sequence is a whole number ≥ 0, got {last_sequence!r}")
    if last_sequence >= MAX_SEQUENCE:
        raise SequenceExhausted(f"本设备今日办件编号已用完（{MAX_SEQUENCE} 件）")
    return CaseNumber(region_code, day, window or 0, device_tag(device_id), last_sequence + 1)


def canonical(text: str) -> str:
    """`text` without separators, upper case, look-alike letters read as digits."""
    return _SEPARATORS.sub("", text).upper().translate(_LOOKALIKES)


def parse(text: str) -> CaseNumber:
    """Read a case number as printed, typed or read aloud; InvalidCaseNumber says why not."""
    if not isinstance(text, str):
        raise InvalidCaseNumber("办件编号应为文字")
    raw = canonical(text)
    if len(raw) != LENGTH:
        raise InvalidCaseNumber(f"办件编号应为 {LENGTH} 位，输入了 {len(raw)} 位")
    bad = sorted(set(raw) - set(ALPHABET))
    if bad:
        raise InvalidCaseNumber(f"办件编号含有无效字符：{''.join(bad)}")
    if not has_valid_check(raw):
        raise InvalidCaseNumber("办件编号校验不符，请核对是否有输错或颠倒的字符")
    region, day, window, tag, sequence, _ = (raw[a:b] for a, b in _FIELDS)
    if not (region + day + window + sequence).isdigit():
        raise InvalidCaseNumber("办件编号的区划、日期、窗口或序号部分应为数字")
    try:
        accepted = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        raise InvalidCaseNumber(f"办件编号中的日期无效：{day}") from None
    return CaseNumber(region, accepted, int(window), tag, int(sequence))


def validate(text: str) -> bool:
    """Whether `text` reads as a valid case number (see `parse`)."""
    try:
        parse(text)
    except InvalidCaseNumber:
        return False
    return True
