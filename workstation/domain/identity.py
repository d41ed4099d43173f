"""Identity documents read at the counter: the resident ID card (居民身份证), the Hong Kong /
Macau / Taiwan residence permit (港澳台居民居住证, card type `J`), the foreigner's permanent
residence card (外国人永久居留身份证, card type `I`) and passports.

Pure values and rules, no I/O:

- `IdentityDocument`, whose `repr()` and `str()` are masked, so a log line built from a
  document can never carry a full ID number or name;
- the GB 11643 check of an ID number, through python-stdnum (`stdnum.cn.ric`), never by hand;
- the consistency of the birth date and sex printed on a card with those coded in its number;
- the expiry warning;
- the nation codes of GB 3304, as data;
- masking: ID numbers show their first 6 and last 4 characters, names their first character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from stdnum.cn import ric
from stdnum.exceptions import ValidationError


class CardType(StrEnum):
    RESIDENT = "resident"  # 居民身份证
    HKMO_TW_PERMIT = "hkmo_tw_permit"  # 港澳台居民居住证, type letter J
    FOREIGN_PERMANENT = "foreign_permanent"  # 外国人永久居留身份证 (2017), type letter I
    PASSPORT = "passport"  # ICAO 9303 eMRTD, read by the passport backend


class Sex(StrEnum):
    """GB/T 2261.1 codes, as the card's text block stores them."""

    UNKNOWN = "0"
    MALE = "1"
    FEMALE = "2"
    UNSTATED = "9"

    @property
    def label(self) -> str:
        return {"0": "未知", "1": "男", "2": "女", "9": "未说明"}[self.value]

    @classmethod
    def parse(cls, text: str) -> Sex:
        """A code (`1`), a Chinese label (`男`) or an ICAO letter (`M`, `F`, `X`/`<`)."""
        value = text.strip()
        by_label = {"男": cls.MALE, "女": cls.FEMALE, "M": cls.MALE, "F": cls.FEMALE,
                    "X": cls.UNSTATED, "<": cls.UNSTATED, "未知": cls.UNKNOWN, "未说明": cls.UNSTATED}
        if value in by_label:
            return by_label[value]
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"unknown sex code {value!r}") from None


# GB 3304-1991 民族代码, names as a resident ID card prints them (without 族).
NATIONS: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤",
    "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西", "28": "景颇",
    "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗",
    "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米",
    "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春",
    "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺",
    "97": "其他", "98": "外国血统中国籍人士",
}
_NATION_BY_NAME = {name: code for code, name in NATIONS.items()}


@dataclass(frozen=True)
class Nation:
    code: str  # two digits, GB 3304
    name: str  # as printed on the card (汉); empty for a code GB 3304 does not know

    @property
    def known(self) -> bool:
        return NATIONS.get(self.code) == self.name and bool(self.name)

    @property
    def full_name(self) -> str:
        """汉族, 蒙古族…; 97 and 98 are not 族 and stay as they are."""
        return self.name + "族" if self.code.isdigit() and int(self.code) <= 56 and self.name else self.name

    @classmethod
    def from_code(cls, code: str) -> Nation:
        code = code.strip()
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        return cls(code, NATIONS.get(code, ""))

    @classmethod
    def parse(cls, text: str) -> Nation:
        """A code (`01`) or a name with or without 族 (`汉`, `汉族`), as vendor libraries give it."""
        value = text.strip()
        if value.isdigit():
            return cls.from_code(value)
        name = value[:-1] if value.endswith("族") and value[:-1] in _NATION_BY_NAME else value
        code = _NATION_BY_NAME.get(name)
        if code is None:
            raise ValueError("unknown nation name")
        return cls(code, name)


# ---------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------


def mask_id(number: str) -> str:
    """`110101199003071233` → `110101********1233`: first 6 and last 4 shown. Shorter
    document numbers (passports, 8–10 characters) keep their first and last 2."""
    number = (number or "").strip()
    n = len(number)
    if n >= 11:
        keep_head, keep_tail = 6, 4
    elif n >= 5:
        keep_head, keep_tail = 2, 2
    else:
        return "*" * n
    return number[:keep_head] + "*" * (n - keep_head - keep_tail) + number[n - keep_tail:]


_LATIN = re.compile(r"[A-Za-z]")


def mask_name(name: str) -> str:
    """`张三` → `张*`, `欧阳娜娜` → `欧***`; a Latin name keeps the first letter of each word
    (`ZHANG, SAN` → `Z****, S**`)."""
    name = (name or "").strip()
    if not name:
        return ""
    if _LATIN.search(name):
        return re.sub(r"(?<=[A-Za-z])[A-Za-z'\-]+", lambda m: "*" * len(m.group()), name)
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_address(address: str) -> str:
    """The first 6 characters (province and city) and stars for the rest."""
    address = (address or "").strip()
    return address[:6] + "*" * min(max(len(address) - 6, 0), 8)


# An ID-like run of characters in free text (18 digits or 17 and X, or the 15-character
# foreign permanent residence number). `redact` masks them: a safety net for messages
# that go into audit records or logs.
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|[A-Za-z]{3}\d{12})(?![0-9A-Za-z])")


def redact(text: str) -> str:
    """`text` with every ID-number-like run masked."""
    return _ID_LIKE.sub(lambda m: mask_id(m.group()), text)


# ---------------------------------------------------------------------------------------
# ID numbers (GB 11643)
# ---------------------------------------------------------------------------------------


class InvalidIdNumber(ValueError):
    """An ID number fails the GB 11643 rules; `reason` says which, never the number."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Residence permits for Hong Kong, Macau and Taiwan residents take these address codes
# (GB 11643 form, issued since 2018).
PERMIT_REGIONS = {"810000": "香港", "820000": "澳门", "830000": "台湾"}
_FOREIGN_2017 = re.compile(r"^[A-Z]{3}\d{12}$")


def validate_id_number(number: str, card_type: CardType = CardType.RESIDENT) -> str:
    """The number in its compact form, or InvalidIdNumber naming what is wrong.

    GB 11643 numbers (resident cards and J permits) are checked with python-stdnum's
    `stdnum.cn.ric`: length, digits, check character, a real birth date. The address code is
    not checked against stdnum's region table on purpose: a county created after a person's
    birth gives a number stdnum rejects though the card is genuine, and permits use the
    codes 810000/820000/830000 the table lacks. A J permit must carry one of those codes.
    A 2017 foreign permanent residence number is 3 letters and 12 digits (no public check
    algorithm is applied); an 18-digit one (2023 cards) is checked like a GB 11643 number.
    Passport numbers are only checked for being present.
    """
    compact = ric.compact(number or "")
    if card_type == CardType.PASSPORT:
        if not re.fullmatch(r"[A-Z0-9<]{5,20}", compact):
            raise InvalidIdNumber("the passport number is missing or has characters a passport never has")
        return compact
    if card_type == CardType.FOREIGN_PERMANENT and len(compact) == 15:
        if not _FOREIGN_2017.match(compact):
            raise InvalidIdNumber("a 15-character permanent residence number is 3 letters and 12 digits")
        return compact
    if len(compact) != 18:
        raise InvalidIdNumber(f"the number has {len(compact)} characters, not 18")
    if not compact.isascii() or not compact[:17].isdigit() or not (compact[17].isdigit() or compact[17] == "X"):
        raise InvalidIdNumber("the number must be 17 digits and a check digit or X")
    if compact[17] != ric.calc_check_digit(compact):
        raise InvalidIdNumber("the check digit does not match (GB 11643)")
    try:
        born = ric.get_birth_date(compact)
    except ValidationError:
        raise InvalidIdNumber("the birth date in the number is not a real date") from None
    if born.year < 1850:
        raise InvalidIdNumber("the birth date in the number is before 1850")
    if card_type == CardType.HKMO_TW_PERMIT and compact[:6] not in PERMIT_REGIONS:
        raise InvalidIdNumber("a residence permit number starts with 810000, 820000 or 830000")
    return compact


def is_gb11643(number: str) -> bool:
    """True when `number` passes the GB 11643 checks of `validate_id_number`."""
    try:
        validate_id_number(number)
    except InvalidIdNumber:
        return False
    return True


def birth_date_of(number: str) -> date:
    """The birth date coded in a valid GB 11643 number (digits 7–14)."""
    compact = ric.compact(number or "")
    kind = CardType.HKMO_TW_PERMIT if compact[:6] in PERMIT_REGIONS else CardType.RESIDENT
    return ric.get_birth_date(validate_id_number(compact, kind))


def sex_of(number: str) -> Sex:
    """The sex coded in a GB 11643 number: the 17th digit, odd for men, even for women."""
    compact = ric.compact(number or "")
    if len(compact) != 18 or not compact[16].isascii() or not compact[16].isdigit():
        raise InvalidIdNumber("the number has no 17th digit")
    return Sex.MALE if int(compact[16]) % 2 else Sex.FEMALE


# ---------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------


class ExpiryState(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"  # valid, but expires within the warning period
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    LONG_TERM = "long_term"  # 长期
    UNKNOWN = "unknown"  # no validity on the document


@dataclass(frozen=True)
class Expiry:
    state: ExpiryState
    days_left: int | None = None  # days until the last valid day; negative once expired

    @property
    def warn(self) -> bool:
        return self.state in (ExpiryState.EXPIRING, ExpiryState.EXPIRED, ExpiryState.NOT_YET_VALID)


LONG_TERM = "长期"


class ChipAuthState(StrEnum):
    """The outcome of Passive Authentication of a passport chip (ICAO 9303 part 11)."""

    VERIFIED = "verified"  # 芯片数据已验证: hashes, signature and the chain to a trusted CSCA check out
    UNKNOWN_CSCA = "unknown_csca"  # 签发机构证书不在信任列表: genuine signature, issuer not trusted here
    TAMPERED = "tampered"  # 芯片数据被篡改: a data group's hash or the signature does not match
    UNVERIFIED = "unverified"  # 无法验证: no security object, no trust list, or it cannot be checked


@dataclass(frozen=True)
class ChipAuthentication:
    """What Passive Authentication found, with `detail` in plain words for the clerk's
    tooltip and the audit (certificate names and reasons; never a holder's data)."""

    state: ChipAuthState
    detail: str = ""

    @property
    def usable(self) -> bool:
        """The chip's data may be taken (a tampered chip's may not)."""
        return self.state is not ChipAuthState.TAMPERED


@dataclass(frozen=True, repr=False)
class IdentityDocument:
    """What a card or passport says about its holder.

    `photo` holds the photo bytes in memory only: the raw 1,024-byte compressed form from a
    card (`photo_format` "wlt", decodable only by the vendor's licensed decoder), or an image
    a vendor library or passport chip gave ("bmp", "jpeg", "jp2"). It is never written to
    disk by this code and never part of `repr`, `str` or `masked_dict`.

    `repr()` and `str()` are masked. `to_dict(reveal=True)` is the only way to get the full
    values out as data; call it only after the reveal was audited."""

    card_type: CardType
    name: str  # the Chinese name; may be empty on an I card or a passport
    id_number: str  # ID number, permit number, permanent residence number or passport number
    sex: Sex = Sex.UNKNOWN
    birth_date: date | None = None
    english_name: str = ""
    nation: Nation | None = None  # resident ID cards only
    nationality: str = ""  # GB/T 2659 / ICAO alpha-3 country code, e.g. CHN, USA
    address: str = ""
    issuing_authority: str = ""
    authority_code: str = ""  # I cards: the issuing authority's code
    valid_from: date | None = None
    valid_to: date | None = None
    long_term: bool = False  # valid to reads 长期
    pass_number: str = ""  # J cards: 港澳居民来往内地通行证 / 台湾居民来往大陆通行证 number
    issue_count: int | None = None  # J cards: 签发次数
    card_version: str = ""  # I cards: the card version
    photo: bytes = field(default=b"", compare=False)
    photo_format: str = ""
    # Passports read from the chip: Passive Authentication's outcome (None for other cards).
    chip_auth: ChipAuthentication | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.english_name

    def masked_dict(self) -> dict[str, Any]:
        """The document as JSON-ready data, masked: what a screen shows by default."""
        return self._as_dict(reveal=False)

    def to_dict(self, reveal: bool = False) -> dict[str, Any]:
        """The document as JSON-ready data; full values only with `reveal=True`."""
        return self._as_dict(reveal)

    def _as_dict(self, reveal: bool) -> dict[str, Any]:
        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        if reveal:
            birth = day(self.birth_date)
        else:
            birth = f"{self.birth_date.year:04d}-**-**" if self.birth_date else None
        data: dict[str, Any] = {
            "card_type": self.card_type.value,
            "name": self.name if reveal else mask_name(self.name),
            "english_name": self.english_name if reveal else mask_name(self.english_name),
            "sex": self.sex.label,
            "nation": {"code": self.nation.code, "name": self.nation.name} if self.nation else None,
            "nationality": self.nationality,
            "birth_date": birth,
            "address": self.address if reveal else mask_address(self.address),
            "id_number": self.id_number if reveal else mask_id(self.id_number),
            "issuing_authority": self.issuing_authority,
            "authority_code": self.authority_code,
            "valid_from": day(self.valid_from),
            "valid_to": LONG_TERM if self.long_term else day(self.valid_to),
            "pass_number": self.pass_number if reveal else mask_id(self.pass_number),
            "issue_count": self.issue_count,
            "card_version": self.card_version,
            "photo": {"format": self.photo_format, "bytes": len(self.photo)} if self.photo else None,
            "chip_auth": ({"state": self.chip_auth.state.value, "detail": self.chip_auth.detail}
                          if self.chip_auth else None),
        }
        return data

    def __repr__(self) -> str:
        return (f"IdentityDocument(card_type={self.card_type.value}, "
                f"name={mask_name(self.display_name)!r}, id_number={mask_id(self.id_number)!r}, "
                f"photo={len(self.photo)} bytes)")

    __str__ = __repr__


# ---------------------------------------------------------------------------------------
# Rules on a document
# ---------------------------------------------------------------------------------------


def document_problems(document: IdentityDocument, today: date | None = None) -> list[str]:
    """What is wrong with a document as read, in plain words that never quote a number or
    a name: the ID number's GB 11643 check, the birth date and sex against the number, an
    unknown nation code, missing fields, a validity that ends before it starts."""
    problems: list[str] = []
    today = today or date.today()
    if not document.display_name:
        problems.append("the document carries no name")
    number_ok = False
    try:
        validate_id_number(document.id_number, document.card_type)
        number_ok = True
    except InvalidIdNumber as exc:
        problems.append(f"ID number: {exc.reason}")
    gb11643 = number_ok and len(ric.compact(document.id_number)) == 18 and \
        document.card_type != CardType.PASSPORT
    if gb11643:
        coded_birth = ric.get_birth_date(ric.compact(document.id_number))
        if document.birth_date is not None and document.birth_date != coded_birth:
            problems.append("the birth date on the card differs from the one in the ID number")
        if coded_birth > today:
            problems.append("the birth date in the ID number is in the future")
        coded_sex = sex_of(document.id_number)
        if document.sex in (Sex.MALE, Sex.FEMALE) and document.sex != coded_sex:
            problems.append("the sex on the card differs from the one in the ID number (17th digit)")
    if document.card_type == CardType.RESIDENT:
        if document.nation is None or not document.nation.known:
            problems.append("the nation code is not one of GB 3304")
        if document.sex not in (Sex.MALE, Sex.FEMALE):
            problems.append("the sex code is neither 1 (male) nor 2 (female)")
    if document.valid_from and document.valid_to and document.valid_to < document.valid_from:
        problems.append("the card's validity ends before it starts")
    if document.card_type != CardType.PASSPORT and document.valid_to is None and not document.long_term:
        problems.append("the card carries no end of validity")
    return problems


def expiry(document: IdentityDocument, today: date | None = None, warn_days: int = 30) -> Expiry:
    """Whether the document has expired or expires within `warn_days` days. A card is valid
    through its valid-to date (the printed last day)."""
    today = today or date.today()
    if document.valid_from and today < document.valid_from:
        days = (document.valid_to - today).days if document.valid_to else None
        return Expiry(ExpiryState.NOT_YET_VALID, days)
    if document.long_term:
        return Expiry(ExpiryState.LONG_TERM)
    if document.valid_to is None:
        return Expiry(ExpiryState.UNKNOWN)
    days = (document.valid_to - today).days
    if days < 0:
        return Expiry(ExpiryState.EXPIRED, days)
    if days <= warn_days:
        return Expiry(ExpiryState.EXPIRING, days)
    return Expiry(ExpiryState.VALID, days)
