"""Passport (ICAO 9303 eMRTD) reader over PC/SC with Basic Access Control.

Backend ``pcsc-passport`` of the identity document reader interface
(workstation.devices.idcard): importing this module registers it.

The MRZ opens the chip, so the app sets it before each read: ``set_access_key(key)`` with a
``mrz.BacKey`` (typed by the clerk) or the two MRZ lines an MRZ scanner types. Then ``read()``
gives an ``IdentityDocument`` (card type PASSPORT, the face image as its photo), and
``read_passport()`` the fuller ``PassportData``.

``PcscPassportReader.read_passport(key)`` connects to a PC/SC reader (pyscard), selects the eMRTD
application, runs BAC with keys from the MRZ (``mrz.BacKey``: typed by the clerk, or the two
MRZ lines an MRZ scanner types), then reads EF.COM, DG1 (the MRZ, check digits verified) and
DG2 (the face image: the JPEG or JPEG 2000 bytes inside the biometric template) under secure
messaging, in READ BINARY chunks, then EF.SOD for Passive Authentication. It blocks: call it on a worker thread, or use
``read_async`` which runs it on the reader's own worker thread and returns a Future. The face
image is kept in memory only; nothing read is logged.

Failures raise a ``PassportReaderError`` (a ``ReaderError`` of the interface; each is also the
interface's matching class, e.g. ``NoCardError`` is a ``NoCard``) with a message a clerk can
act on and no card data in it:
``PcscServiceError`` (PC/SC service not running), ``NoReaderError``, ``NoCardError``,
``AccessDeniedError`` (BAC refused: the MRZ typed does not match the passport),
``CardRemovedError`` (card taken away mid-read), ``SecureMessagingFailure`` (a response MAC
did not verify), ``CardDataError`` (the chip's data or answers are not what 9303 says),
``NotAPassportError``, ``MrzRequiredError`` (no MRZ given before the read).

``ReaderMonitor`` watches readers and cards on its own thread with SCardGetStatusChange and
survives what kills pyscard's own monitors: when pcscd stops or restarts, the PC/SC context
goes invalid (SCARD_E_NO_SERVICE / SCARD_E_SERVICE_STOPPED / SCARD_E_INVALID_HANDLE); the
monitor drops it, re-establishes a new one with exponential backoff and carries on. It
reports a ``MonitorSnapshot`` (readers, cards, ATRs, last error) through a callback and keeps
diagnostics for an IT dialog (``diagnostics()``).

Passive Authentication (``workstation.devices.passive_auth``): EF.SOD is read last, over the
same secure channel; the hashes of DG1 and DG2 as read, the Document Signer's signature and
the DS certificate's chain to a CSCA of the trust list (``csca`` / ``set_trust_list``: the
``[passport] csca_file`` of the workstation config, loaded on the reader's thread and again
when its files change) give ``PassportData.chip_auth`` (and the document's ``chip_auth``):
verified, unknown CSCA (usable, warned), unverified (no SOD, no trust list, or not
checkable). A chip whose hashes or signature do not match is refused: ``read_passport``
raises ``ChipTamperedError`` (its ``chip_auth`` says why) and returns none of its data.

Passive Authentication proves the data is the issuing state's, not that the chip is the
original: Active / Chip Authentication and PACE (which would catch a clone carrying a genuine
SOD) are outside this reader, and the issuing states' CRLs are not consulted.
"""

from __future__ import annotations

import concurrent.futures
import ctypes.util
import functools
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workstation.devices.bac import (
    BacAuthenticationError,
    BacHandshake,
    SecureMessaging,
    SecureMessagingError,
    derive_keys,
)
from workstation.devices.idcard import (
    CardRemoved,
    IdCardReader,
    NoCard,
    ProtocolError,
    ReaderConfigError,
    ReaderError,
    ReaderRefused,
    ReaderSettings,
    ReaderStatus,
    ReaderUnavailable,
    UnsupportedCard,
    register_backend,
)
from workstation.devices.mrz import BacKey, MrzError, Td3Mrz, TlvError, iter_tlv, parse_dg1, read_tlv
from workstation.devices.passive_auth import TrustListError, TrustListSource, passive_authentication
from workstation.domain.identity import CardType, ChipAuthentication, ChipAuthState, IdentityDocument, Sex

__all__ = [
    "BACKEND_NAME",
    "EMRTD_AID",
    "AccessDeniedError",
    "CardDataError",
    "CardRemovedError",
    "ChipTamperedError",
    "MonitorSnapshot",
    "MrzRequiredError",
    "NoCardError",
    "NoReaderError",
    "NotAPassportError",
    "PassportData",
    "PassportReader",
    "PassportReaderError",
    "PcscPassportReader",
    "PcscServiceError",
    "ReaderMonitor",
    "ReaderState",
    "SecureMessagingFailure",
    "extract_face_image",
    "pcsc_versions",
]

BACKEND_NAME = "pcsc-passport"
EMRTD_AID = bytes.fromhex("A0000002471001")
FID_EF_COM = 0x011E
FID_DG1 = 0x0101
FID_DG2 = 0x0102
FID_EF_SOD = 0x011D
# A READ BINARY of 223 bytes answers DO'87' (1 + 2 + 1 + 224) + DO'99' (4) + DO'8E' (10) = 242
# bytes: it fits a short response with room to spare.
DEFAULT_CHUNK = 0xDF

# PC/SC return codes, as signed ints the way pyscard reports them
_U = 0x100000000
SCARD_E_TIMEOUT = 0x8010000A - _U
SCARD_E_CANCELLED = 0x80100002 - _U
SCARD_E_INVALID_HANDLE = 0x80100003 - _U
SCARD_E_NO_SMARTCARD = 0x8010000C - _U
SCARD_E_UNKNOWN_READER = 0x80100009 - _U
SCARD_E_NOT_TRANSACTED = 0x80100016 - _U
SCARD_E_READER_UNAVAILABLE = 0x80100017 - _U
SCARD_E_NO_SERVICE = 0x8010001D - _U
SCARD_E_SERVICE_STOPPED = 0x8010001E - _U
SCARD_E_NO_READERS_AVAILABLE = 0x8010002E - _U
SCARD_F_COMM_ERROR = 0x80100013 - _U
SCARD_W_UNRESPONSIVE_CARD = 0x80100066 - _U
SCARD_W_UNPOWERED_CARD = 0x80100067 - _U
SCARD_W_RESET_CARD = 0x80100068 - _U
SCARD_W_REMOVED_CARD = 0x80100069 - _U
_SERVICE_GONE = {SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED, SCARD_E_INVALID_HANDLE, SCARD_F_COMM_ERROR}
_CARD_GONE = {SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD, SCARD_E_NOT_TRANSACTED, SCARD_W_RESET_CARD,
              SCARD_W_UNPOWERED_CARD, SCARD_W_UNRESPONSIVE_CARD, SCARD_E_READER_UNAVAILABLE}
PNP_NOTIFICATION = "\\\\?PnP?\\Notification"

_DATA_GROUP_TAGS = {0x61: 1, 0x75: 2, 0x63: 3, 0x76: 4, 0x65: 5, 0x66: 6, 0x67: 7, 0x68: 8, 0x69: 9,
                    0x6A: 10, 0x6B: 11, 0x6C: 12, 0x6D: 13, 0x6E: 14, 0x6F: 15, 0x70: 16}


# --- errors ----------------------------------------------------------------------------------

class PassportReaderError(ReaderError):
    """Base of the passport reader's failures; ``str()`` is a message for the clerk."""


class PcscServiceError(PassportReaderError, ReaderUnavailable):
    """The PC/SC service (pcscd / Windows Smart Card service) is not running or went away."""


class NoReaderError(PassportReaderError, ReaderUnavailable):
    """No PC/SC reader is connected (or not the one configured)."""


class NoCardError(PassportReaderError, NoCard):
    """A reader is there but no passport is on it."""


class MrzRequiredError(PassportReaderError):
    """No MRZ was given: the chip cannot be opened without it."""

    outcome = "mrz_required"


class AccessDeniedError(PassportReaderError, ReaderRefused):
    """The chip refused Basic Access Control: the MRZ entered does not match this passport."""

    outcome = "access_denied"


class CardRemovedError(PassportReaderError, CardRemoved):
    """The passport was taken off the reader (or lost contact) during the read."""


class SecureMessagingFailure(PassportReaderError, ProtocolError):
    """A secure-messaging response failed verification (MAC) or the chip rejected ours."""

    outcome = "secure_messaging_failed"


class CardDataError(PassportReaderError, ProtocolError):
    """The chip answered something ICAO 9303 does not allow, or its data is malformed."""


class NotAPassportError(PassportReaderError, UnsupportedCard):
    """The card on the reader has no eMRTD application."""


class ChipTamperedError(PassportReaderError, ProtocolError):
    """Passive Authentication failed: a data group's hash or the security object's signature
    does not match what the issuing state signed. The chip's data is not to be used."""

    outcome = "chip_tampered"

    def __init__(self, message: str, chip_auth: ChipAuthentication):
        super().__init__(message)
        self.chip_auth = chip_auth


# --- results ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PassportData:
    """What was read from a passport chip. ``face_image`` is kept in memory only."""

    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str            # YYMMDD as in the MRZ
    sex: str                   # M, F or X
    expiry_date: str           # YYMMDD
    optional_data: str
    mrz: Td3Mrz = field(repr=False)
    face_image: bytes | None = field(repr=False, default=None)
    face_image_type: str | None = None          # "image/jpeg" or "image/jp2"
    lds_version: str | None = None
    data_groups: tuple[int, ...] = ()           # data groups EF.COM lists
    reader: str = ""
    atr: bytes = b""
    chip_auth: ChipAuthentication | None = None     # Passive Authentication's outcome

    def __repr__(self) -> str:   # personal data stays out of logs and tracebacks
        masked = self.document_number[:2] + "*" * max(0, len(self.document_number) - 2)
        return (f"PassportData(issuing_state={self.issuing_state!r}, document_number={masked!r}, "
                f"face_image={len(self.face_image or b'')} bytes, reader={self.reader!r})")

    __str__ = __repr__

    def to_identity_document(self) -> IdentityDocument:
        """As the interface's document: names as ``SURNAME, GIVEN NAMES`` in ``english_name``
        (a passport has no Chinese name in DG1), the issuing state in ``issuing_authority``,
        the expiry as ``valid_to`` and the face image as the photo."""
        english = self.surname + (", " + self.given_names if self.given_names else "")
        try:
            sex = Sex.parse(self.sex)
        except ValueError:
            sex = Sex.UNKNOWN
        photo_format = {"image/jpeg": "jpeg", "image/jp2": "jp2"}.get(self.face_image_type or "", "")
        return IdentityDocument(
            card_type=CardType.PASSPORT, name="", id_number=self.document_number, sex=sex,
            birth_date=self.mrz.birth_date_value, english_name=english, nationality=self.nationality,
            issuing_authority=self.issuing_state, valid_to=self.mrz.expiry_date_value,
            photo=self.face_image or b"", photo_format=photo_format if self.face_image else "",
            chip_auth=self.chip_auth)


# --- DG2 -------------------------------------------------------------------------------------

_JP2_SIGNATURE = bytes.fromhex("0000000C6A5020200D0A870A")
_J2K_CODESTREAM = bytes.fromhex("FF4FFF51")


def _image_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(_JP2_SIGNATURE) or data.startswith(_J2K_CODESTREAM):
        return "image/jp2"
    return None


def _find_image(record: bytes) -> bytes | None:
    """The first JPEG / JPEG 2000 image inside a biometric data block (fallback when the
    ISO/IEC 19794-5 header is of a version not parsed here)."""
    starts = [i for i in (record.find(b"\xff\xd8\xff"), record.find(_JP2_SIGNATURE),
                          record.find(_J2K_CODESTREAM)) if i >= 0]
    return record[min(starts):] if starts else None


def _face_from_iso19794(record: bytes) -> bytes:
    if record[:4] == b"FAC\0" and record[4:8] == b"010\0" and len(record) >= 14 + 20:
        # 2005 edition: 14-byte record header, then per image a 20-byte facial information
        # block, 8 bytes per feature point, a 12-byte image information block, the image.
        block_length = int.from_bytes(record[14:18], "big")
        feature_points = int.from_bytes(record[18:20], "big")
        start = 14 + 20 + 8 * feature_points + 12
        end = 14 + block_length
        image = record[start:end]
        if _image_type(image):
            return image
    image = _find_image(record)
    if image is None:
        raise CardDataError("DG2 holds no JPEG or JPEG 2000 face image")
    return image


def _find_biometric_block(value: bytes, depth: int = 0) -> bytes | None:
    for tag, inner in iter_tlv(value):
        if tag in (0x5F2E, 0x7F2E):
            return inner
        if tag in (0x7F61, 0x7F60) and depth < 4:
            found = _find_biometric_block(inner, depth + 1)
            if found is not None:
                return found
    return None


def extract_face_image(dg2: bytes) -> tuple[bytes, str]:
    """(image bytes, MIME type) of the first face in DG2 (75 / 7F61 / 7F60 / 5F2E or 7F2E)."""
    try:
        tag, value, _ = read_tlv(dg2)
        if tag != 0x75:
            raise CardDataError(f"DG2 starts with tag {tag:X}, expected 75")
        block = _find_biometric_block(value)
    except TlvError as exc:
        raise CardDataError(f"DG2 is malformed: {exc}") from None
    if block is None:
        raise CardDataError("DG2 holds no biometric data block (5F2E / 7F2E)")
    image = _face_from_iso19794(block)
    return image, _image_type(image) or "application/octet-stream"


def _parse_ef_com(data: bytes) -> tuple[str | None, tuple[int, ...]]:
    try:
        tag, value, _ = read_tlv(data)
        if tag != 0x60:
            raise CardDataError(f"EF.COM starts with tag {tag:X}, expected 60")
        version, groups = None, ()
        for inner_tag, inner in iter_tlv(value):
            if inner_tag == 0x5F01 and len(inner) == 4:
                version = f"{inner[:2].decode('ascii', 'replace')}.{inner[2:].decode('ascii', 'replace')}"
            elif inner_tag == 0x5C:
                groups = tuple(sorted(_DATA_GROUP_TAGS[t] for t in inner if t in _DATA_GROUP_TAGS))
    except TlvError as exc:
        raise CardDataError(f"EF.COM is malformed: {exc}") from None
    return version, groups


# --- pyscard plumbing ------------------------------------------------------------------------

def _hresult(exc: BaseException) -> int | None:
    value = getattr(exc, "hresult", None)
    if isinstance(value, int) and value != -1:
        return value - _U if value >= 0x80000000 else value
    return None


def _import_pyscard() -> Any:
    try:
        import smartcard.scard as scard
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise PcscServiceError("pyscard is not installed (pip install pyscard; on Linux it needs "
                               "libpcsclite-dev, swig and gcc to build)") from exc
    return scard


class _Step:
    """Names what the reader is doing, for error messages."""

    def __init__(self) -> None:
        self.what = "connecting"


def _pcsc_error(exc: BaseException, step: str) -> PassportReaderError:
    code = _hresult(exc)
    if code in (SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED):
        return PcscServiceError(f"the smart-card service (pcscd) stopped while {step}; ask IT to start it "
                                f"and read the passport again")
    if code in _CARD_GONE or code in _SERVICE_GONE:
        return CardRemovedError(f"the passport was removed from the reader (or lost contact) while {step}; "
                                f"put it back on the reader, keep it still and read again")
    return PassportReaderError(f"the card reader failed while {step}: {exc}")


@dataclass
class _Connection:
    connection: Any
    reader: str
    step: _Step

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        try:
            data, sw1, sw2 = self.connection.transmit(list(apdu))
            while sw1 == 0x61:            # T=0: more data waiting (GET RESPONSE)
                more, sw1, sw2 = self.connection.transmit([0x00, 0xC0, 0x00, 0x00, sw2])
                data = data + more
            if sw1 == 0x6C:               # T=0: wrong Le, the card tells the right one
                data, sw1, sw2 = self.connection.transmit(list(apdu[:-1]) + [sw2])
        except Exception as exc:
            if not type(exc).__module__.startswith("smartcard"):
                raise
            if _hresult(exc) in (None, 0):
                # the reader gave back no status word: the card went away mid-command (or is
                # no longer answering); the card's status tells which
                raise self._lost_contact() from exc
            raise _pcsc_error(exc, self.step.what) from exc
        return bytes(data), (sw1 << 8) | sw2

    def _lost_contact(self, settle: float = 1.0) -> PassportReaderError:
        # pcscd notices a removal by polling the reader: give it a moment to tell
        deadline = time.monotonic() + settle
        while True:
            try:
                self.connection.getATR()
            except Exception as exc:
                return _pcsc_error(exc, self.step.what)
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        return CardRemovedError(f"the passport stopped answering while {self.step.what}; lift it off the "
                                f"reader, put it back, keep it still and read again")


# --- the reader ------------------------------------------------------------------------------

class PcscPassportReader(IdCardReader):
    """Reads passports on a PC/SC reader. ``reader_name``: the reader to use (exact name, or
    a part of it); by default the first reader with a card on it. Settings (``[card]``):
    ``port`` or ``options.reader`` names the reader, ``options.chunk_size`` (1..223) and
    ``options.read_face`` (default true) tune the read. ``csca``: the CSCA trust list (a PEM
    bundle, a certificate, an ICAO master list or a folder of them) for Passive
    Authentication; None: chips are read but reported as not verifiable."""

    backend = BACKEND_NAME

    def __init__(self, reader_name: str | None = None, *, key: BacKey | None = None,
                 chunk_size: int = DEFAULT_CHUNK, read_face: bool = True, csca: str | os.PathLike[str] | None = None):
        if not 1 <= chunk_size <= DEFAULT_CHUNK:
            raise ValueError(f"chunk_size must be 1..{DEFAULT_CHUNK}")
        self.reader_name = reader_name
        self.key = key
        self.chunk_size = chunk_size
        self.read_face = read_face
        self.trust = TrustListSource(csca)
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self._read_lock = threading.Lock()       # one read at a time, whichever thread asks

    @classmethod
    def from_settings(cls, settings: ReaderSettings) -> PcscPassportReader:
        options = dict(settings.options)
        reader = settings.port or options.get("reader") or None
        chunk = options.get("chunk_size", DEFAULT_CHUNK)
        if not isinstance(chunk, int) or isinstance(chunk, bool) or not 1 <= chunk <= DEFAULT_CHUNK:
            raise ReaderConfigError(f"card.options.chunk_size must be an integer 1..{DEFAULT_CHUNK}")
        read_face = options.get("read_face", True)
        if not isinstance(read_face, bool):
            raise ReaderConfigError("card.options.read_face must be true or false")
        return cls(reader if isinstance(reader, str) else None, chunk_size=chunk, read_face=read_face)

    # -- the interface --

    def open(self) -> None:
        _import_pyscard()

    def status(self) -> ReaderStatus:
        """Whether the PC/SC service runs, the reader is there and a card is on it."""
        try:
            scard = _import_pyscard()
        except ReaderError as exc:
            return ReaderStatus(False, str(exc))
        try:
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != scard.SCARD_S_SUCCESS:
                return ReaderStatus(False, "the smart-card service (pcscd) is not running")
            try:
                hresult, names = scard.SCardListReaders(context, [])
                if hresult != scard.SCARD_S_SUCCESS or not names:
                    return ReaderStatus(False, "no card reader is connected")
                if self.reader_name:
                    names = [n for n in names if n == self.reader_name] or \
                            [n for n in names if self.reader_name.lower() in n.lower()]
                    if not names:
                        return ReaderStatus(False, f"the card reader {self.reader_name!r} is not connected")
                hresult, states = scard.SCardGetStatusChange(
                    context, 0, [(n, scard.SCARD_STATE_UNAWARE) for n in names])
                present = [n for n, state, _ in states if state & scard.SCARD_STATE_PRESENT] \
                    if hresult == scard.SCARD_S_SUCCESS else []
            finally:
                scard.SCardReleaseContext(context)
        except Exception as exc:
            return ReaderStatus(False, f"PC/SC error: {exc}")
        if present:
            return ReaderStatus(True, f"{present[0]}: passport on the reader")
        return ReaderStatus(True, f"{names[0]}: ready, no passport on it")

    def read(self) -> IdentityDocument:
        """The passport on the reader as an ``IdentityDocument``, opened with the MRZ given
        to ``set_access_key`` (blocking; not on the GUI thread)."""
        return self.read_passport().to_identity_document()

    # -- the passport API --

    def set_access_key(self, key: BacKey | str | None) -> None:
        """The MRZ to use for the next reads: a ``BacKey``, the MRZ lines a scanner typed
        (``MrzError`` naming the field when they do not check out), or None to forget it."""
        self.key = key if isinstance(key, BacKey) or key is None else BacKey.from_mrz(key)

    def set_trust_list(self, csca: str | os.PathLike[str] | None) -> None:
        """The CSCA trust list for Passive Authentication (read at the next read, not now)."""
        self.trust = TrustListSource(csca)

    def read_async(self, key: BacKey | None = None, *,
                   progress: Callable[[str, int, int], None] | None = None,
                   on_done: Callable[[concurrent.futures.Future[PassportData]], None] | None = None,
                   ) -> concurrent.futures.Future[PassportData]:
        """``read`` on the reader's worker thread. ``on_done(future)`` is called on that
        thread; a Qt caller forwards it to the GUI thread with a signal."""
        with self._executor_lock:
            if self._executor is None:
                self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="passport-reader")
            future = self._executor.submit(self.read_passport, key, progress=progress)
        if on_done is not None:
            future.add_done_callback(on_done)
        return future

    def close(self) -> None:
        """Stop the worker thread (after a read in progress). Never raises."""
        with self._executor_lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def read_passport(self, key: BacKey | None = None, *,
                      progress: Callable[[str, int, int], None] | None = None) -> PassportData:
        """Read the passport on the reader (blocking; not on the GUI thread) with ``key`` or
        the one given to ``set_access_key``. ``progress(step, done, total)`` is called with
        the file being read and the bytes read so far."""
        key = key or self.key
        if key is None:
            raise MrzRequiredError("enter the passport's MRZ (document number, date of birth, date of "
                                    "expiry) or scan it before reading the chip")
        with self._read_lock:
            step = _Step()
            connection = self._connect(step)
            try:
                return self._read_passport(connection, key, progress or (lambda *_: None))
            finally:
                try:
                    connection.connection.disconnect()    # unpowers the chip: the BAC session ends
                except Exception:  # the card may be gone already
                    pass
                _release(connection.connection)

    # -- steps --

    def _list_readers(self) -> list[Any]:
        _import_pyscard()
        from smartcard.System import readers

        try:
            return list(readers())
        except Exception as exc:
            code = _hresult(exc)
            if code in (SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED) or "Service" in type(exc).__name__:
                raise PcscServiceError("the smart-card service (pcscd) is not running; ask IT to start it "
                                       "(Linux: pcscd; Windows: the Smart Card service)") from exc
            raise PassportReaderError(f"cannot list the card readers: {exc}") from exc

    def _connect(self, step: _Step) -> _Connection:
        from smartcard.Exceptions import NoCardException

        available = self._list_readers()
        if self.reader_name:
            chosen = [r for r in available if str(r) == self.reader_name] or \
                     [r for r in available if self.reader_name.lower() in str(r).lower()]
            if not chosen:
                raise NoReaderError(f"the card reader {self.reader_name!r} is not connected; connected: "
                                    f"{', '.join(map(str, available)) or 'none'}")
        else:
            chosen = available
        if not chosen:
            raise NoReaderError("no card reader is connected; plug in the passport reader")
        last: Exception | None = None
        for reader in chosen:
            try:
                connection = reader.createConnection()
            except Exception as exc:           # pyscard makes a PC/SC context here
                raise _pcsc_error(exc, "connecting") from exc
            try:
                _connect_with_retry(connection)
            except NoCardException as exc:
                last = exc
                _release(connection)
                continue
            except Exception as exc:
                last = exc
                _release(connection)
                if _hresult(exc) in (SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED):
                    raise PcscServiceError("the smart-card service (pcscd) stopped; ask IT to start it") from exc
                continue
            return _Connection(connection, str(reader), step)
        names = ", ".join(map(str, chosen))
        if last is not None and not isinstance(last, NoCardException):
            raise PassportReaderError(f"cannot connect to the card on {names}: {last}") from last
        raise NoCardError(f"no passport on the reader ({names}); lay the passport's data page (or cover, "
                          f"where the chip is) flat on the reader")

    def _read_passport(self, conn: _Connection, key: BacKey, progress: Callable[[str, int, int], None],
                       ) -> PassportData:
        step = conn.step
        try:
            atr = bytes(conn.connection.getATR())
        except Exception as exc:
            raise _pcsc_error(exc, "connecting") from exc

        step.what = "selecting the passport application"
        _, sw = conn.transmit(b"\x00\xa4\x04\x0c" + bytes([len(EMRTD_AID)]) + EMRTD_AID)
        if sw != 0x9000:
            raise NotAPassportError(f"the card on {conn.reader} is not an ePassport chip (SELECT of the eMRTD "
                                    f"application answered {sw:04X})")

        step.what = "authenticating with the MRZ (BAC)"
        rnd_icc, sw = conn.transmit(bytes.fromhex("0084000008"))
        if sw != 0x9000 or len(rnd_icc) != 8:
            raise CardDataError(f"the chip refused GET CHALLENGE ({sw:04X})")
        handshake = BacHandshake(derive_keys(key.mrz_information))
        command = handshake.external_authenticate_data(rnd_icc)
        answer, sw = conn.transmit(b"\x00\x82\x00\x00\x28" + command + b"\x28")
        if sw in (0x6300, 0x6982) or 0x63C0 <= sw <= 0x63CF:
            raise AccessDeniedError("the passport refused access: the document number, date of birth or date "
                                    "of expiry entered does not match this passport; check the MRZ and try again")
        if sw != 0x9000:
            raise CardDataError(f"the chip answered EXTERNAL AUTHENTICATE with {sw:04X}")
        try:
            sm = handshake.finish(answer)
        except BacAuthenticationError as exc:
            raise AccessDeniedError(f"the passport's answer to Basic Access Control does not check out ({exc}); "
                                    f"check the MRZ and try again") from exc

        step.what = "reading EF.COM"
        com = self._read_file(conn, sm, FID_EF_COM, "EF.COM", progress)
        lds_version, groups = _parse_ef_com(com)

        step.what = "reading DG1 (MRZ)"
        dg1 = self._read_file(conn, sm, FID_DG1, "DG1", progress)
        try:
            mrz = parse_dg1(dg1)
        except MrzError as exc:       # its message names the field, never its value
            raise CardDataError(f"the MRZ stored in the chip (DG1) is invalid: {exc}") from exc
        if (mrz.document_number, mrz.birth_date, mrz.expiry_date) != \
                (key.document_number, key.birth_date, key.expiry_date):
            raise CardDataError("the MRZ stored in the chip (DG1) differs from the MRZ used to open it")

        read = {1: dg1}
        face = face_type = None
        if self.read_face and (not groups or 2 in groups):
            step.what = "reading DG2 (face image)"
            dg2 = self._read_file(conn, sm, FID_DG2, "DG2", progress)
            read[2] = dg2
            face, face_type = extract_face_image(dg2)

        step.what = "reading EF.SOD (security object)"
        sod = self._read_file(conn, sm, FID_EF_SOD, "EF.SOD", progress, optional=True)
        chip_auth = self._authenticate(sod, read)

        return PassportData(
            document_code=mrz.document_code, issuing_state=mrz.issuing_state, surname=mrz.surname,
            given_names=mrz.given_names, document_number=mrz.document_number, nationality=mrz.nationality,
            birth_date=mrz.birth_date, sex=mrz.sex, expiry_date=mrz.expiry_date,
            optional_data=mrz.optional_data, mrz=mrz, face_image=face, face_image_type=face_type,
            lds_version=lds_version, data_groups=groups, reader=conn.reader, atr=atr, chip_auth=chip_auth)

    def _authenticate(self, sod: bytes | None, read: dict[int, bytes]) -> ChipAuthentication:
        """Passive Authentication of what was read; ChipTamperedError when it fails."""
        try:
            trust: Any = self.trust.get()
        except TrustListError as exc:
            trust = exc
        result = passive_authentication(sod, read, trust)
        if result.state is ChipAuthState.TAMPERED:
            raise ChipTamperedError(f"the passport chip's data failed Passive Authentication ({result.detail}): "
                                    f"its data has been altered or forged and is not used; check the passport "
                                    f"by eye and tell the supervisor", result)
        return result

    def _sm_transmit(self, conn: _Connection, sm: SecureMessaging, apdu: bytes) -> tuple[bytes, int]:
        response, sw = conn.transmit(sm.protect(apdu))
        if sw in (0x6987, 0x6988) and not response:
            raise SecureMessagingFailure(f"the chip rejected our secure-messaging data ({sw:04X}) while "
                                         f"{conn.step.what}; read the passport again")
        try:
            return sm.unprotect(response + sw.to_bytes(2, "big"))
        except SecureMessagingError as exc:
            raise SecureMessagingFailure(f"secure messaging failed while {conn.step.what}: {exc}; the "
                                         f"connection to the chip is unreliable or tampered with — read the "
                                         f"passport again") from exc

    def _read_file(self, conn: _Connection, sm: SecureMessaging, fid: int, name: str,
                   progress: Callable[[str, int, int], None], *, optional: bool = False) -> bytes | None:
        _, sw = self._sm_transmit(conn, sm, b"\x00\xa4\x02\x0c\x02" + fid.to_bytes(2, "big"))
        if sw == 0x6A82:
            if optional:
                return None
            raise CardDataError(f"the passport has no {name}")
        if sw != 0x9000:
            raise CardDataError(f"the chip answered SELECT {name} with {sw:04X}")
        head, sw = self._sm_transmit(conn, sm, b"\x00\xb0\x00\x00\x04")
        if sw not in (0x9000, 0x6282) or len(head) < 2:
            raise CardDataError(f"the chip answered READ BINARY {name} with {sw:04X}")
        total = _tlv_total_length(head, name)
        data = bytearray(head[:total])
        progress(name, len(data), total)
        while len(data) < total:
            offset = len(data)
            if offset > 0x7FFF:
                raise CardDataError(f"{name} is larger than 32 KiB; offsets beyond need READ BINARY B1")
            length = min(self.chunk_size, total - offset)
            chunk, sw = self._sm_transmit(conn, sm, b"\x00\xb0" + offset.to_bytes(2, "big") + bytes([length]))
            if sw not in (0x9000, 0x6282) or not chunk:
                raise CardDataError(f"the chip answered READ BINARY {name} at offset {offset} with {sw:04X}")
            data += chunk[:total - offset]
            progress(name, len(data), total)
        return bytes(data)


def _connect_with_retry(connection: Any, attempts: int = 3, pause: float = 0.3) -> None:
    """Connect; a card that was just swapped can answer "unpowered" / "removed" / "reset" for
    a moment until pcscd has seen the change, so those are retried briefly."""
    for attempt in range(attempts):
        try:
            connection.connect()
            return
        except Exception as exc:
            if attempt == attempts - 1 or _hresult(exc) not in (
                    SCARD_W_UNPOWERED_CARD, SCARD_W_REMOVED_CARD, SCARD_W_RESET_CARD, SCARD_W_UNRESPONSIVE_CARD):
                raise
            time.sleep(pause)


def _release(connection: Any) -> None:
    try:
        connection.release()
    except Exception:
        pass


def _tlv_total_length(head: bytes, name: str) -> int:
    """Total length of the TLV whose first bytes are ``head`` (tag of 1 or 2 bytes)."""
    i = 2 if head[0] & 0x1F == 0x1F else 1
    if i >= len(head):
        raise CardDataError(f"{name} is truncated")
    first = head[i]
    if first < 0x80:
        return i + 1 + first
    count = first & 0x7F
    if count == 0 or count > 3 or i + 1 + count > len(head):
        raise CardDataError(f"{name} has an unsupported length encoding")
    return i + 1 + count + int.from_bytes(head[i + 1:i + 1 + count], "big")


PassportReader = PcscPassportReader
register_backend(BACKEND_NAME, PcscPassportReader.from_settings)


# --- versions and diagnostics ----------------------------------------------------------------

@functools.cache
def pcsc_versions() -> dict[str, str]:
    """pyscard's version, the PC/SC stack and (on Linux) pcsc-lite's version."""
    versions = {"pyscard": "not installed", "pcsc": "unknown"}
    try:
        versions["pyscard"] = importlib.metadata.version("pyscard")
    except importlib.metadata.PackageNotFoundError:
        pass
    if sys.platform == "win32":
        versions["pcsc"] = "WinSCard (Windows Smart Card service)"
        return versions
    library = ctypes.util.find_library("pcsclite")
    versions["pcsc"] = f"pcsc-lite ({library or 'libpcsclite not found'})"
    pcscd = shutil.which("pcscd") or next((p for p in ("/usr/sbin/pcscd", "/sbin/pcscd")
                                            if os.path.exists(p)), None)
    if pcscd:
        try:
            out = subprocess.run([pcscd, "--version"], capture_output=True, text=True, timeout=3).stdout
            match = re.search(r"pcsc-lite version ([\w.]+)", out)
            if match:
                versions["pcsc-lite"] = match.group(1)
                versions["pcsc"] = f"pcsc-lite {match.group(1)}"
        except (OSError, subprocess.SubprocessError):
            pass
    return versions


# --- the monitor -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ReaderState:
    name: str
    card_present: bool
    atr: bytes | None = None


@dataclass(frozen=True)
class MonitorSnapshot:
    """What the monitor sees now. ``service_available`` is False while the PC/SC service is
    down (the monitor keeps retrying); ``error`` is the current error (None while healthy),
    ``last_error`` the most recent error since the monitor started."""

    readers: tuple[ReaderState, ...] = ()
    service_available: bool = False
    error: str | None = None
    last_error: str | None = None

    @property
    def reader_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.readers)

    @property
    def cards(self) -> dict[str, bytes]:
        """Reader name -> ATR of every reader with a card."""
        return {r.name: r.atr or b"" for r in self.readers if r.card_present}


class ReaderMonitor:
    """Watches PC/SC readers and cards on its own thread and calls ``on_change(snapshot)``
    (on that thread) whenever readers, cards or the service state change. Survives the PC/SC
    service stopping or restarting and readers being unplugged: a lost context is released
    and a new one established, with backoff from ``min_backoff`` doubling to ``max_backoff``."""

    def __init__(self, on_change: Callable[[MonitorSnapshot], None] | None = None, *,
                 poll_timeout: float = 0.5, min_backoff: float = 0.1, max_backoff: float = 2.0):
        self.on_change = on_change
        self.poll_timeout = poll_timeout
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._context: Any = None
        self._snapshot = MonitorSnapshot()
        self._readers_seen: dict[str, float] = {}
        self._atrs: dict[str, str] = {}
        self._last_error: str | None = None
        self._last_error_at: float | None = None
        self._context_count = 0
        self._errors = 0

    # -- lifecycle --

    def start(self) -> ReaderMonitor:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="pcsc-reader-monitor", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._lock:
            context = self._context
        if context is not None:
            try:
                _import_pyscard().SCardCancel(context)
            except Exception:
                pass
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> ReaderMonitor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def snapshot(self) -> MonitorSnapshot:
        with self._lock:
            return self._snapshot

    def diagnostics(self) -> dict[str, Any]:
        """For an IT dialog: versions, readers and cards now, readers and ATRs seen since the
        start, the last error and when it happened, how often the context was (re)made."""
        with self._lock:
            snapshot = self._snapshot
            at = self._last_error_at
            return {
                **pcsc_versions(),
                "service_available": snapshot.service_available,
                "readers": [r.name for r in snapshot.readers],
                "cards": {r.name: (r.atr or b"").hex(" ").upper() for r in snapshot.readers if r.card_present},
                "readers_seen": list(self._readers_seen),
                "atrs_seen": dict(self._atrs),
                "last_error": self._last_error,
                "last_error_at": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at)) if at else None,
                "contexts_established": self._context_count,
                "errors": self._errors,
            }

    # -- the loop --

    def _publish(self, readers: tuple[ReaderState, ...], available: bool, error: str | None) -> None:
        with self._lock:
            snapshot = MonitorSnapshot(readers, available, error, self._last_error)
            if snapshot == self._snapshot:
                return
            self._snapshot = snapshot
            for reader in readers:
                self._readers_seen.setdefault(reader.name, time.time())
                if reader.atr:
                    self._atrs[reader.name] = reader.atr.hex(" ").upper()
        if self.on_change is not None:
            try:
                self.on_change(snapshot)
            except Exception:  # a faulty listener must not kill the monitor
                pass

    def _fail(self, message: str) -> None:
        with self._lock:
            self._last_error, self._last_error_at = message, time.time()
            self._errors += 1
        self._publish((), False, message)

    def _release(self, scard: Any) -> None:
        with self._lock:
            context, self._context = self._context, None
        if context is not None:
            try:
                scard.SCardReleaseContext(context)
            except Exception:
                pass

    def _run(self) -> None:
        try:
            scard = _import_pyscard()
        except PassportReaderError as exc:
            self._fail(str(exc))
            return
        try:
            self._loop(scard)
        finally:
            self._release(scard)

    def _loop(self, scard: Any) -> None:
        backoff = self.min_backoff
        known: dict[str, int] = {}           # reader -> last event state (passed back as current)
        atrs: dict[str, bytes] = {}
        pnp = scard.SCARD_STATE_UNAWARE

        def wait_and_back_off() -> None:
            nonlocal backoff
            self._stop.wait(backoff)
            backoff = min(backoff * 2, self.max_backoff)

        while not self._stop.is_set():
            with self._lock:
                context = self._context
            if context is None:
                hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
                if hresult != scard.SCARD_S_SUCCESS:
                    self._fail(f"PC/SC service unavailable: {scard.SCardGetErrorMessage(hresult)} "
                               f"(0x{hresult % _U:08X}); retrying")
                    wait_and_back_off()
                    continue
                with self._lock:
                    self._context = context
                    self._context_count += 1
                known, atrs, pnp = {}, {}, scard.SCARD_STATE_UNAWARE
            hresult, names = scard.SCardListReaders(context, [])
            if hresult == SCARD_E_NO_READERS_AVAILABLE:
                names, hresult = [], scard.SCARD_S_SUCCESS
            if hresult != scard.SCARD_S_SUCCESS:
                self._lost_context(scard, "listing readers", hresult)
                wait_and_back_off()
                continue
            known = {n: known.get(n, scard.SCARD_STATE_UNAWARE) for n in names if n != PNP_NOTIFICATION}
            atrs = {n: a for n, a in atrs.items() if n in known}
            states = [*known.items(), (PNP_NOTIFICATION, pnp)]
            hresult, changed = scard.SCardGetStatusChange(context, int(self.poll_timeout * 1000), states)
            if self._stop.is_set():
                break
            if hresult == SCARD_E_UNKNOWN_READER:      # a reader went away between list and wait
                continue
            if hresult not in (scard.SCARD_S_SUCCESS, SCARD_E_TIMEOUT, SCARD_E_CANCELLED):
                self._lost_context(scard, "waiting for card events", hresult)
                wait_and_back_off()
                continue
            backoff = self.min_backoff
            if hresult == scard.SCARD_S_SUCCESS:
                for name, event_state, atr in changed:
                    state = event_state & ~scard.SCARD_STATE_CHANGED
                    if name == PNP_NOTIFICATION:
                        pnp = state
                    elif name in known:
                        known[name] = state
                        atrs[name] = bytes(atr) if atr else b""
            if any(state == scard.SCARD_STATE_UNAWARE for state in known.values()):
                continue                                # not all states known yet: ask again
            readers = tuple(
                ReaderState(name, bool(state & scard.SCARD_STATE_PRESENT),
                            (atrs.get(name) or None) if state & scard.SCARD_STATE_PRESENT else None)
                for name, state in known.items())
            self._publish(readers, True, None)

    def _lost_context(self, scard: Any, what: str, hresult: int) -> None:
        self._release(scard)
        self._fail(f"PC/SC error while {what}: {scard.SCardGetErrorMessage(hresult)} "
                   f"(0x{hresult % _U:08X}); reconnecting to the service")
