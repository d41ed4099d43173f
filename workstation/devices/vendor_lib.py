"""Certified readers through the vendor's own library, with ctypes.

Two families are in the field; the library file comes from config (`card.library`), a DLL
on Windows loaded as WinDLL (the vendors build them __stdcall) and a .so on Linux loaded as
CDLL. `card.options.calling_convention = "cdecl"` loads a Windows DLL as CDLL for the
vendors that ship cdecl builds.

termb (CVR_*), as the vendors' SDK manuals give it; each returns 1 on success:

    int CVR_InitComm(int port)            1–16 serial, 1001–1016 USB
    int CVR_Authenticate(void)            1 ok, 2 no card (find failed), 3 select failed,
                                          4 reader not connected, 0 library not initialised
    int CVR_Read_Content(int active)      1 ok (active: 4 in the vendors' samples)
    int CVR_Read_FPContent(void)          the same, with fingerprints (used when exported and
                                          card.options.fingerprint is true)
    int GetPeopleName(char *buf, int *len)   and GetPeopleSex, GetPeopleNation,
        GetPeopleBirthday, GetPeopleAddress, GetPeopleIDCode, GetDepartment, GetStartDate,
        GetEndDate: text in GBK (decoded here as GB 18030, its superset), *len the byte count
    int GetBMPData(unsigned char *buf, int *len)   the photo the library decoded, a BMP
    int CVR_CloseComm(void)

Assumptions where vendors differ, all tolerated: the getters' `*len` is an output (it is
also preset to the buffer size, for builds that read it as the capacity); GetPeopleSex
gives 男/女 or a code; GetPeopleNation a name (汉) or a GB 3304 code; dates YYYYMMDD with or
without separators, GetEndDate possibly 长期. Optional getters, used when exported:
GetCertType (blank, "J" or "I"); for J cards GetPassCheckID (pass number) and GetIssuesNum
(issue count); for I cards GetPeopleChineseName, GetPeopleNationCode (nationality),
GetPeopleCertVersion, with GetPeopleName giving the English name and GetDepartment the
authority code. Some termb builds also write wz.txt / zp.bmp into their own folder when
reading: that is the vendor's code, not ours; choose a build (or an `active` value) that
does not, and say so to IT.

sdtapi (SDT_*), as in the SAM vendors' API; statuses are the SAM's (0x90 ok):

    int SDT_OpenPort(int port)                                         0x90
    int SDT_ClosePort(int port)                                        0x90
    int SDT_GetSAMStatus(int port, int ifOpen)                         0x90 (optional)
    int SDT_StartFindIDCard(int port, unsigned char *manaInfo, int ifOpen)   0x9F; 0x80 none
    int SDT_SelectIDCard(int port, unsigned char *manaMsg, int ifOpen)       0x90; 0x81 failed
    int SDT_ReadBaseMsg(int port, unsigned char *text, unsigned int *textLen,
                        unsigned char *photo, unsigned int *photoLen, int ifOpen)   0x90
ifOpen is 0 here: the port is opened once by SDT_OpenPort. The text is the same 256-byte
UCS-2LE block the serial protocol carries (parsed by sam_serial.parse_text_block); the
photo the raw 1,024 compressed bytes, kept in memory and never decoded or written.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from workstation.devices.idcard import (
    CardRemoved,
    IdCardReader,
    LibraryNotFound,
    NoCard,
    ProtocolError,
    ReaderConfigError,
    ReaderRefused,
    ReaderSettings,
    ReaderStatus,
    ReaderUnavailable,
    UnsupportedCard,
)
from workstation.devices.sam_serial import (
    CARD_FOUND,
    FIND_FAILED,
    OK,
    READ_FAILED,
    SELECT_FAILED,
    TEXT_BLOCK,
    describe_status,
    parse_text_block,
)
from workstation.domain.identity import LONG_TERM, CardType, IdentityDocument, Nation, Sex

log = logging.getLogger(__name__)

WINDOWS = sys.platform == "win32"
DEFAULT_LIBRARY = {
    "termb": "termb.dll" if WINDOWS else "libtermb.so",
    "sdtapi": "sdtapi.dll" if WINDOWS else "libsdtapi.so",
}
DEFAULT_PORT = 1001  # the first USB reader, by both families' numbering


def load_library(path: str, family: str, calling_convention: str = "") -> Any:
    """The vendor library at `path` (or the family's usual file name, found by the OS
    loader). LibraryNotFound when it does not exist or will not load."""
    name = path or DEFAULT_LIBRARY[family]
    if ("/" in name or "\\" in name) and not Path(name).exists():
        raise LibraryNotFound(f"the {family} library {name} does not exist: check card.library")
    convention = calling_convention or ("stdcall" if WINDOWS else "cdecl")
    if convention not in ("stdcall", "cdecl"):
        raise ReaderConfigError("card.options.calling_convention must be stdcall or cdecl")
    loader = ctypes.WinDLL if convention == "stdcall" and WINDOWS else ctypes.CDLL  # type: ignore[attr-defined]
    try:
        return loader(name)
    except OSError as exc:
        raise LibraryNotFound(f"the {family} library {name} could not be loaded: {exc}") from exc


def _port_number(settings: ReaderSettings) -> int:
    if not settings.port:
        return DEFAULT_PORT
    try:
        return int(settings.port)
    except ValueError:
        raise ReaderConfigError("card.port must be the vendor's port number "
                                "(1–16 serial, 1001–1016 USB) for this backend") from None


def _function(library: Any, name: str, argtypes: list[Any], required: bool = True) -> Any:
    try:
        function = getattr(library, name)
    except AttributeError:
        if required:
            raise ReaderUnavailable(f"the vendor library lacks {name}: is it the right library?") from None
        return None
    function.argtypes = argtypes
    function.restype = ctypes.c_int
    return function


_DIGITS = re.compile(r"\d+")


def _loose_date(text: str, what: str, long_term: bool = False) -> date | str | None:
    """YYYYMMDD with or without separators (2020-01-31, 2020.01.31, 2020年01月31日), 长期."""
    text = text.strip()
    if not text:
        return None
    if long_term and text == LONG_TERM:
        return LONG_TERM
    digits = "".join(_DIGITS.findall(text))
    if len(digits) == 8:
        try:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            pass
    raise ProtocolError(f"the library's {what} is not a date")


class _VendorReader(IdCardReader):
    family = ""

    def __init__(self, library: str, port: int, attempts: int = 3, calling_convention: str = "") -> None:
        self.library_path = library
        self.port = port
        self.attempts = max(1, attempts)
        self.calling_convention = calling_convention
        self._library: Any = None
        self._lock = threading.RLock()

    def _load(self) -> Any:
        return load_library(self.library_path, self.family, self.calling_convention)

    def status(self) -> ReaderStatus:
        if self._library is None:
            return ReaderStatus(False, f"the {self.family} reader is not open")
        return ReaderStatus(True, f"{self.family} reader on port {self.port}")


# ---------------------------------------------------------------------------------------
# termb
# ---------------------------------------------------------------------------------------

TERMB_GETTERS = ("GetPeopleName", "GetPeopleSex", "GetPeopleNation", "GetPeopleBirthday",
                 "GetPeopleAddress", "GetPeopleIDCode", "GetDepartment", "GetStartDate", "GetEndDate")
TERMB_OPTIONAL = ("GetCertType", "GetPassCheckID", "GetIssuesNum", "GetPeopleChineseName",
                  "GetPeopleNationCode", "GetPeopleCertVersion")
BMP_CAPACITY = 64 * 1024  # a 102×126 24-bit BMP is 38,862 bytes


class TermbReader(_VendorReader):
    """A reader through the termb library: text from the getters (GBK), the photo decoded
    by the library (GetBMPData) and kept in memory as BMP bytes."""

    backend = "termb"
    family = "termb"

    def __init__(self, library: str = "", port: int = DEFAULT_PORT, attempts: int = 3,
                 active: int = 4, fingerprint: bool = False, encoding: str = "gb18030",
                 calling_convention: str = "") -> None:
        super().__init__(library, port, attempts, calling_convention)
        self.active = active
        self.fingerprint = fingerprint
        self.encoding = encoding
        self._fn: dict[str, Any] = {}

    @classmethod
    def from_settings(cls, settings: ReaderSettings) -> TermbReader:
        options = settings.options
        return cls(settings.library, _port_number(settings), attempts=settings.attempts,
                   active=int(options.get("active", 4)), fingerprint=bool(options.get("fingerprint", False)),
                   encoding=str(options.get("encoding", "gb18030")),
                   calling_convention=str(options.get("calling_convention", "")))

    def open(self) -> None:
        with self._lock:
            if self._library is not None:
                return
            library = self._load()
            text = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
            fn = {
                "CVR_InitComm": _function(library, "CVR_InitComm", [ctypes.c_int]),
                "CVR_Authenticate": _function(library, "CVR_Authenticate", []),
                "CVR_Read_Content": _function(library, "CVR_Read_Content", [ctypes.c_int]),
                "CVR_Read_FPContent": _function(library, "CVR_Read_FPContent", [], required=False),
                "CVR_CloseComm": _function(library, "CVR_CloseComm", []),
                "GetBMPData": _function(library, "GetBMPData",
                                        [ctypes.POINTER(ctypes.c_ubyte), ctypes.POINTER(ctypes.c_int)],
                                        required=False),
            }
            for name in TERMB_GETTERS:
                fn[name] = _function(library, name, text)
            for name in TERMB_OPTIONAL:
                fn[name] = _function(library, name, text, required=False)
            code = fn["CVR_InitComm"](self.port)
            if code != 1:
                raise ReaderUnavailable(f"no termb reader answers on port {self.port} "
                                        f"(CVR_InitComm returned {code})")
            self._library, self._fn = library, fn

    def close(self) -> None:
        with self._lock:
            if self._library is None:
                return
            try:
                self._fn["CVR_CloseComm"]()
            except Exception:  # a vendor library failing to close: nothing left to do
                log.debug("CVR_CloseComm failed", exc_info=True)
            self._library, self._fn = None, {}

    def _text(self, name: str, size: int = 512) -> str:
        function = self._fn.get(name)
        if function is None:
            return ""
        buffer = ctypes.create_string_buffer(size)
        length = ctypes.c_int(size)
        code = function(buffer, ctypes.byref(length))
        if code != 1:
            raise ProtocolError(f"{name} failed (returned {code})")
        raw = buffer.raw[:length.value] if 0 <= length.value <= size else buffer.value
        raw = raw.split(b"\x00", 1)[0]
        try:
            return raw.decode(self.encoding).strip(" \u3000")
        except UnicodeDecodeError:
            raise ProtocolError(f"{name} did not give {self.encoding} text") from None

    def _photo(self) -> bytes:
        function = self._fn.get("GetBMPData")
        if function is None:
            return b""
        buffer = (ctypes.c_ubyte * BMP_CAPACITY)()
        length = ctypes.c_int(BMP_CAPACITY)
        if function(buffer, ctypes.byref(length)) != 1 or not 0 < length.value <= BMP_CAPACITY:
            return b""
        return bytes(buffer[:length.value])

    def read(self) -> IdentityDocument:
        with self._lock:
            if self._library is None:
                raise ReaderUnavailable("the termb reader is not open")
            for attempt in range(self.attempts):
                code = self._fn["CVR_Authenticate"]()
                if code == 1:
                    break
                if code == 4:
                    raise ReaderUnavailable("the termb reader is not connected (CVR_Authenticate returned 4)")
                if code == 0:
                    raise ReaderUnavailable("the termb library is not initialised (CVR_Authenticate returned 0)")
                if code not in (2, 3):
                    raise ReaderRefused(f"CVR_Authenticate returned {code}")
                time.sleep(0.05 if attempt + 1 < self.attempts else 0)
            else:
                raise NoCard("no card on the reader" if code == 2 else
                             "the card on the reader could not be selected: lay it flat and try again")
            if self.fingerprint and self._fn.get("CVR_Read_FPContent") is not None:
                code = self._fn["CVR_Read_FPContent"]()
            else:
                code = self._fn["CVR_Read_Content"](self.active)
            if code != 1:
                raise CardRemoved(f"the card could not be read (CVR_Read_Content returned {code}): "
                                  "lay it on the reader again")
            return self._document()

    def _document(self) -> IdentityDocument:
        kind = self._text("GetCertType").upper()
        card_type = {"": CardType.RESIDENT, "J": CardType.HKMO_TW_PERMIT,
                     "I": CardType.FOREIGN_PERMANENT}.get(kind)
        if card_type is None:
            raise UnsupportedCard(f"card type {kind[:2]!r} is not supported (only resident ID, J and I cards)")
        values = {name: self._text(name) for name in TERMB_GETTERS}
        try:
            sex = Sex.parse(values["GetPeopleSex"])
        except ValueError:
            raise ProtocolError("GetPeopleSex gave no sex the code knows") from None
        birth = _loose_date(values["GetPeopleBirthday"], "birth date")
        valid_from = _loose_date(values["GetStartDate"], "start date")
        valid_to = _loose_date(values["GetEndDate"], "end date", long_term=True)
        assert not isinstance(birth, str) and not isinstance(valid_from, str)
        photo = self._photo()
        number = values["GetPeopleIDCode"].upper()
        if not number:
            raise ProtocolError("GetPeopleIDCode gave no number")
        common: dict[str, Any] = dict(
            card_type=card_type, id_number=number, sex=sex, birth_date=birth, valid_from=valid_from,
            valid_to=None if isinstance(valid_to, str) else valid_to, long_term=valid_to == LONG_TERM,
            photo=photo, photo_format="bmp" if photo else "")
        if card_type == CardType.FOREIGN_PERMANENT:
            return IdentityDocument(**common, name=self._text("GetPeopleChineseName"),
                                    english_name=values["GetPeopleName"],
                                    nationality=self._text("GetPeopleNationCode").upper(),
                                    authority_code=values["GetDepartment"],
                                    card_version=self._text("GetPeopleCertVersion"))
        nation = None
        if values["GetPeopleNation"]:
            try:
                nation = Nation.parse(values["GetPeopleNation"])
            except ValueError:
                raise ProtocolError("GetPeopleNation gave no nation of GB 3304") from None
        extra: dict[str, Any] = {}
        if card_type == CardType.HKMO_TW_PERMIT:
            count = self._text("GetIssuesNum")
            if count and not (count.isascii() and count.isdigit()):  # "²".isdigit() too
                raise ProtocolError("GetIssuesNum gave no number")
            extra = {"pass_number": self._text("GetPassCheckID").upper(),
                     "issue_count": int(count) if count else None}
        return IdentityDocument(**common, **extra, name=values["GetPeopleName"], nation=nation,
                                nationality="CHN", address=values["GetPeopleAddress"],
                                issuing_authority=values["GetDepartment"])


# ---------------------------------------------------------------------------------------
# sdtapi
# ---------------------------------------------------------------------------------------

TEXT_CAPACITY = 1024  # the library writes 256 bytes; room for builds that write more
PHOTO_CAPACITY = 4096  # the library writes 1,024 bytes


class SdtapiReader(_VendorReader):
    """A reader through the sdtapi library: the SAM's own text block and raw photo."""

    backend = "sdtapi"
    family = "sdtapi"

    def __init__(self, library: str = "", port: int = DEFAULT_PORT, attempts: int = 3,
                 calling_convention: str = "") -> None:
        super().__init__(library, port, attempts, calling_convention)
        self._fn: dict[str, Any] = {}

    @classmethod
    def from_settings(cls, settings: ReaderSettings) -> SdtapiReader:
        return cls(settings.library, _port_number(settings), attempts=settings.attempts,
                   calling_convention=str(settings.options.get("calling_convention", "")))

    def open(self) -> None:
        with self._lock:
            if self._library is not None:
                return
            library = self._load()
            buffer = ctypes.POINTER(ctypes.c_ubyte)
            length = ctypes.POINTER(ctypes.c_uint)
            fn = {
                "SDT_OpenPort": _function(library, "SDT_OpenPort", [ctypes.c_int]),
                "SDT_ClosePort": _function(library, "SDT_ClosePort", [ctypes.c_int]),
                "SDT_GetSAMStatus": _function(library, "SDT_GetSAMStatus", [ctypes.c_int, ctypes.c_int],
                                              required=False),
                "SDT_StartFindIDCard": _function(library, "SDT_StartFindIDCard",
                                                 [ctypes.c_int, buffer, ctypes.c_int]),
                "SDT_SelectIDCard": _function(library, "SDT_SelectIDCard", [ctypes.c_int, buffer, ctypes.c_int]),
                "SDT_ReadBaseMsg": _function(library, "SDT_ReadBaseMsg",
                                             [ctypes.c_int, buffer, length, buffer, length, ctypes.c_int]),
            }
            code = fn["SDT_OpenPort"](self.port)
            if code != OK:
                raise ReaderUnavailable(f"no sdtapi reader answers on port {self.port} "
                                        f"(SDT_OpenPort returned 0x{code & 0xFF:02X})")
            self._library, self._fn = library, fn

    def close(self) -> None:
        with self._lock:
            if self._library is None:
                return
            try:
                self._fn["SDT_ClosePort"](self.port)
            except Exception:  # a vendor library failing to close: nothing left to do
                log.debug("SDT_ClosePort failed", exc_info=True)
            self._library, self._fn = None, {}

    def status(self) -> ReaderStatus:
        with self._lock:
            function = self._fn.get("SDT_GetSAMStatus")
            if self._library is None or function is None:
                return super().status()
            code = function(self.port, 0)
            if code == OK:
                return ReaderStatus(True, "SAM ready")
            return ReaderStatus(False, f"the SAM is not ready ({describe_status(code & 0xFF)})")

    def read(self) -> IdentityDocument:
        with self._lock:
            if self._library is None:
                raise ReaderUnavailable("the sdtapi reader is not open")
            manage = (ctypes.c_ubyte * 64)()
            found = False
            for attempt in range(self.attempts):
                if attempt:
                    time.sleep(0.05)
                code = self._fn["SDT_StartFindIDCard"](self.port, manage, 0)
                if code == FIND_FAILED:
                    continue
                if code != CARD_FOUND:
                    raise ReaderRefused(f"SDT_StartFindIDCard failed ({describe_status(code & 0xFF)})")
                found = True
                code = self._fn["SDT_SelectIDCard"](self.port, manage, 0)
                if code == OK:
                    break
                if code != SELECT_FAILED:
                    raise ReaderRefused(f"SDT_SelectIDCard failed ({describe_status(code & 0xFF)})")
            else:
                raise NoCard("the card on the reader could not be selected: lay it flat and try again"
                             if found else "no card on the reader")
            text = (ctypes.c_ubyte * TEXT_CAPACITY)()
            photo = (ctypes.c_ubyte * PHOTO_CAPACITY)()
            text_len, photo_len = ctypes.c_uint(0), ctypes.c_uint(0)
            code = self._fn["SDT_ReadBaseMsg"](self.port, text, ctypes.byref(text_len), photo,
                                               ctypes.byref(photo_len), 0)
            if code == READ_FAILED:
                raise CardRemoved("the card could not be read (status 0x41): it moved or was taken "
                                  "away; lay it on the reader again")
            if code != OK:
                raise ReaderRefused(f"SDT_ReadBaseMsg failed ({describe_status(code & 0xFF)})")
            if text_len.value != TEXT_BLOCK:
                raise ProtocolError(f"SDT_ReadBaseMsg gave {text_len.value} text bytes, not {TEXT_BLOCK}")
            if photo_len.value > PHOTO_CAPACITY:
                raise ProtocolError(f"SDT_ReadBaseMsg claims {photo_len.value} photo bytes")
            return parse_text_block(bytes(text[:TEXT_BLOCK]), photo=bytes(photo[:photo_len.value]),
                                    photo_format="wlt")


def library_exists(path: str) -> bool:
    """Whether a configured library path names an existing file (for a settings screen)."""
    return bool(path) and os.path.isfile(path)
