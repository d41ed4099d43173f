"""The certified resident ID card reader over its serial protocol (the SAM interface,
GA 467), with pyserial.

Frames (both directions):

    AA AA AA 96 69 | LEN (2 bytes, big-endian) | body | CHK

LEN counts the body and CHK; CHK is the XOR of the LEN bytes and the body. A request's
body is `CMD PARA [data]`; a reply's body is `SW1 SW2 SW3 [data]`, SW3 being the status.

| request | CMD PARA | good status | reply data |
|---|---|---|---|
| SAM status | 11 FF | 90 | none |
| find card | 20 01 | 9F (80: no card) | 4 bytes |
| select card | 20 02 | 90 (81: failed) | 8 bytes |
| read text + photo | 30 01 | 90 (41: read failed) | text length (2, BE), photo length (2, BE), text (256), photo (1024) |

So the read reply is 5 + 2 + 3 + 4 + 256 + 1024 + 1 = 1,295 bytes (LEN = 0x0508).

The text block (256 bytes, UCS-2LE, space-padded, dates YYYYMMDD) has three layouts,
selected by the character at byte 248. Offsets and lengths in bytes:

| field | resident ID | J: HK/Macau/Taiwan residence permit | I: foreign permanent residence card (2017) |
|---|---|---|---|
| name | 0/30 | 0/30 | English name 0/120 |
| sex code | 30/2 | 30/2 | 120/2 |
| nation code | 32/4 | 32/4 reserved (blank) | — |
| birth date | 36/16 | 36/16 | 220/16 |
| address | 52/70 | 52/70 | — |
| ID number | 122/36 | 122/36 | permanent residence number 122/30 |
| nationality | — | — | 152/6 (GB/T 2659 alpha-3) |
| Chinese name | — | — | 158/30 |
| issuing authority | 158/30 | 158/30 | authority code 240/8 |
| valid from / to | 188/16, 204/16 | 188/16, 204/16 | 188/16, 204/16 |
| pass number | — | 220/18 (通行证号码) | — |
| issue count | — | 238/4 (签发次数) | — |
| card version | — | — | 236/4 |
| reserved | 220/36 | 242/6 | 250/6 |
| card type | 248/2 blank | 248/2 `J` | 248/2 `I` |

Sources: the resident layout and the first I fields are from domain.md (GA 467); the J and
I details are the layout documented in the readers' SDK manuals (the vendors' "港澳台居民
居住证 / 外国人永久居留证 信息结构" tables), taken from memory of those public documents:
check them against a real card before relying on the J pass number and the I authority
code. Other type letters (e.g. `Y`, the 2023 foreign permanent residence card) are refused
as UnsupportedCard rather than misread.

The photo is 1,024 compressed bytes that only the vendor's licensed decoder turns into an
image: this module keeps them in memory on the document, never decodes them and never
writes them anywhere.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import date

from workstation.devices.idcard import (
    CardRemoved,
    IdCardReader,
    NoCard,
    ProtocolError,
    ReaderConfigError,
    ReaderRefused,
    ReaderSettings,
    ReaderStatus,
    ReaderUnavailable,
    Timeout,
    UnsupportedCard,
)
from workstation.domain.identity import LONG_TERM, CardType, IdentityDocument, Nation, Sex

log = logging.getLogger(__name__)

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER = len(PREAMBLE) + 2  # preamble and LEN
MIN_LEN = 3  # CMD PARA CHK: the shortest frame there is
MAX_LEN = 4096  # the longest reply (text, photo and fingerprints) is 2,314

SAM_STATUS = (0x11, 0xFF)
FIND_CARD = (0x20, 0x01)
SELECT_CARD = (0x20, 0x02)
READ_TEXT_PHOTO = (0x30, 0x01)

OK = 0x90
CARD_FOUND = 0x9F
FIND_FAILED = 0x80
SELECT_FAILED = 0x81
READ_FAILED = 0x41

TEXT_BLOCK = 256
PHOTO = 1024
READ_REPLY = len(PREAMBLE) + 2 + 3 + 4 + TEXT_BLOCK + PHOTO + 1  # 1,295 bytes

# What the SAM's status bytes mean (GA 467), for messages.
STATUS_TEXT = {
    0x90: "success",
    0x9F: "card found",
    0x10: "the SAM received a frame with a bad checksum",
    0x11: "the SAM received a frame of the wrong length",
    0x21: "the SAM does not know the command",
    0x23: "the operation is not authorised",
    0x24: "the SAM reports an unidentified error",
    0x31: "the card failed to authenticate the SAM",
    0x32: "the SAM failed to authenticate the card",
    0x33: "the card's data failed verification",
    0x40: "the card type is not recognised",
    0x41: "reading the card failed",
    0x47: "taking a random number from the card failed",
    0x60: "the SAM failed its self-test",
    0x66: "the SAM is not authorised",
    0x80: "no card found",
    0x81: "selecting the card failed",
    0x91: "the card has no such content",
}


def describe_status(status: int) -> str:
    return f"status 0x{status:02X}: {STATUS_TEXT.get(status, 'unknown status')}"


def wire_seconds(n_bytes: int, baudrate: int) -> float:
    """How long `n_bytes` take on a serial line at `baudrate`, 8N1 (10 bits a byte)."""
    return n_bytes * 10 / baudrate


# ---------------------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------------------


class FrameError(ProtocolError):
    """Bytes that are not a well-formed frame; the message says what is wrong."""


def checksum(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def build_frame(body: bytes) -> bytes:
    """A frame around `body` (a request's CMD PARA data, or a reply's SW1 SW2 SW3 data)."""
    length = len(body) + 1
    if not MIN_LEN <= length <= MAX_LEN:
        raise ValueError(f"a frame body of {len(body)} bytes cannot be sent")
    head = length.to_bytes(2, "big")
    return PREAMBLE + head + body + bytes([checksum(head + body)])


def build_request(command: tuple[int, int], data: bytes = b"") -> bytes:
    return build_frame(bytes(command) + data)


def build_reply(status: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return build_frame(bytes([sw1, sw2, status]) + data)


@dataclass(frozen=True)
class Frame:
    """One checked frame. `body` is what lies between LEN and CHK."""

    body: bytes

    # A reply: SW1 SW2 SW3 data
    @property
    def status(self) -> int:
        if len(self.body) < 3:
            raise FrameError(f"a reply needs 3 status bytes, this frame has {len(self.body)} body bytes")
        return self.body[2]

    @property
    def data(self) -> bytes:
        return self.body[3:]

    # A request: CMD PARA data
    @property
    def command(self) -> tuple[int, int]:
        return self.body[0], self.body[1]

    def to_bytes(self) -> bytes:
        return build_frame(self.body)


def _check_length(length: int) -> None:
    if not MIN_LEN <= length <= MAX_LEN:
        raise FrameError(f"frame length {length} is outside {MIN_LEN}..{MAX_LEN}")


def parse_frame(raw: bytes) -> Frame:
    """Exactly one frame, checked: preamble, length, checksum. FrameError otherwise."""
    raw = bytes(raw)
    if not raw.startswith(PREAMBLE):
        raise FrameError("the frame does not start with AA AA AA 96 69")
    if len(raw) < HEADER:
        raise FrameError(f"the frame has {len(raw)} bytes, too short for its length field")
    length = int.from_bytes(raw[5:7], "big")
    _check_length(length)
    if len(raw) != HEADER + length:
        raise FrameError(f"the length field says {HEADER + length} bytes, the frame has {len(raw)}")
    body, chk = raw[HEADER:-1], raw[-1]
    expected = checksum(raw[5:-1])
    if chk != expected:
        raise FrameError(f"checksum 0x{chk:02X} does not match the frame's 0x{expected:02X}")
    return Frame(body)


class FrameReader:
    """Frames out of a byte stream that may start mid-frame or carry noise: bytes before a
    preamble are skipped (counted in `discarded`); a frame whose length field is impossible
    or whose checksum fails is dropped by skipping its preamble, so the search for the next
    frame goes on from there."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.discarded = 0

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def _sync(self) -> None:
        """Drop everything before the first possible preamble."""
        at = self._buffer.find(PREAMBLE)
        if at < 0:
            # Keep a tail that could be the start of a preamble cut between two reads.
            keep = 0
            for size in range(min(len(PREAMBLE) - 1, len(self._buffer)), 0, -1):
                if self._buffer.endswith(PREAMBLE[:size]):
                    keep = size
                    break
            at = len(self._buffer) - keep
        if at:
            self.discarded += at
            del self._buffer[:at]

    def next_frame(self) -> Frame | None:
        """The next complete frame, None when more bytes are needed, or FrameError for a
        bad frame (already dropped: call again for what follows)."""
        self._sync()
        if len(self._buffer) < HEADER or not self._buffer.startswith(PREAMBLE):
            return None
        length = int.from_bytes(self._buffer[5:7], "big")
        try:
            _check_length(length)
        except FrameError:
            self._skip_preamble()
            raise
        if len(self._buffer) < HEADER + length:
            return None
        raw = bytes(self._buffer[:HEADER + length])
        try:
            frame = parse_frame(raw)
        except FrameError:
            self._skip_preamble()
            raise
        del self._buffer[:HEADER + length]
        return frame

    def frames(self) -> list[Frame]:
        """Every complete good frame buffered now; bad ones are skipped."""
        found = []
        while True:
            try:
                frame = self.next_frame()
            except FrameError:
                continue
            if frame is None:
                return found
            found.append(frame)

    def _skip_preamble(self) -> None:
        del self._buffer[:len(PREAMBLE)]
        self.discarded += len(PREAMBLE)

    @property
    def pending(self) -> bool:
        """A frame has started (its preamble is buffered) but is not complete."""
        self._sync()
        return self._buffer.startswith(PREAMBLE)

    def wanted(self) -> int:
        """How many more bytes complete the frame under way (at least 1): read that many
        and a read returns the moment the frame is complete."""
        self._sync()
        if len(self._buffer) < HEADER or not self._buffer.startswith(PREAMBLE):
            return max(1, HEADER - len(self._buffer))
        length = int.from_bytes(self._buffer[5:7], "big")
        return max(1, HEADER + length - len(self._buffer))

    def clear(self) -> None:
        self._buffer.clear()


# ---------------------------------------------------------------------------------------
# The text block
# ---------------------------------------------------------------------------------------


class TextBlockError(ProtocolError):
    """A text block that cannot be read; the message names the field, never its value."""


RESIDENT_FIELDS = {
    "name": (0, 30), "sex": (30, 2), "nation": (32, 4), "birth_date": (36, 16),
    "address": (52, 70), "id_number": (122, 36), "issuing_authority": (158, 30),
    "valid_from": (188, 16), "valid_to": (204, 16),
}
PERMIT_FIELDS = {
    **{k: v for k, v in RESIDENT_FIELDS.items() if k != "nation"},
    "pass_number": (220, 18), "issue_count": (238, 4),
}
FOREIGN_FIELDS = {
    "english_name": (0, 120), "sex": (120, 2), "id_number": (122, 30), "nationality": (152, 6),
    "name": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16), "birth_date": (220, 16),
    "card_version": (236, 4), "authority_code": (240, 8),
}
CARD_TYPE_AT = (248, 2)


def _text(block: bytes, name: str, offset: int, length: int) -> str:
    try:
        value = block[offset:offset + length].decode("utf-16-le")
    except UnicodeDecodeError:
        raise TextBlockError(f"{name} (offset {offset}) is not UCS-2 text") from None
    if "\x00" in value.rstrip("\x00 "):
        raise TextBlockError(f"{name} (offset {offset}) has a NUL inside the text")
    value = value.strip("\x00 \u3000")
    if not value.isprintable():
        raise TextBlockError(f"{name} (offset {offset}) has control characters")
    return value


def _date(value: str, name: str, offset: int, long_term: bool = False) -> date | str | None:
    if not value:
        return None
    if long_term and value == LONG_TERM:
        return LONG_TERM
    if len(value) == 8 and value.isascii() and value.isdigit():
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
    raise TextBlockError(f"{name} (offset {offset}) is not a YYYYMMDD date")


def card_type_of(block: bytes) -> CardType:
    """The layout byte 248 selects: J, I, or blank for a resident ID card."""
    if len(block) != TEXT_BLOCK:
        raise TextBlockError(f"a text block has {TEXT_BLOCK} bytes, this one {len(block)}")
    marker = block[CARD_TYPE_AT[0]:CARD_TYPE_AT[0] + CARD_TYPE_AT[1]]
    if marker in (b"J\x00",):
        return CardType.HKMO_TW_PERMIT
    if marker in (b"I\x00",):
        return CardType.FOREIGN_PERMANENT
    if marker in (b" \x00", b"\x00\x00", b"  "):
        return CardType.RESIDENT
    if 0x41 <= marker[0] <= 0x5A and marker[1] == 0:
        raise UnsupportedCard(f"card type {chr(marker[0])!r} is not supported (only resident ID, J and I cards)")
    raise TextBlockError("the card type (offset 248) is not a known type letter")


def parse_text_block(block: bytes, photo: bytes = b"", photo_format: str = "wlt") -> IdentityDocument:
    """The document a 256-byte text block describes. TextBlockError (a ProtocolError) or
    UnsupportedCard for a block that cannot be read; no other exception."""
    block = bytes(block)
    card_type = card_type_of(block)
    layout = {CardType.RESIDENT: RESIDENT_FIELDS, CardType.HKMO_TW_PERMIT: PERMIT_FIELDS,
              CardType.FOREIGN_PERMANENT: FOREIGN_FIELDS}[card_type]
    raw = {name: _text(block, name, offset, length) for name, (offset, length) in layout.items()}

    def offset(name: str) -> int:
        return layout[name][0]

    try:
        sex = Sex.parse(raw["sex"])
    except ValueError:
        raise TextBlockError(f"sex (offset {offset('sex')}) is not a sex code") from None
    birth = _date(raw["birth_date"], "birth date", offset("birth_date"))
    valid_from = _date(raw["valid_from"], "valid from", offset("valid_from"))
    valid_to = _date(raw["valid_to"], "valid to", offset("valid_to"), long_term=True)
    number = raw["id_number"].upper()
    if not number:
        raise TextBlockError(f"the document number (offset {offset('id_number')}) is empty")
    if not (raw["name"] or raw.get("english_name")):
        raise TextBlockError("the name (offset 0) is empty")
    assert not isinstance(birth, str) and not isinstance(valid_from, str)
    common = dict(card_type=card_type, name=raw["name"], id_number=number, sex=sex,
                  birth_date=birth, valid_from=valid_from,
                  valid_to=None if isinstance(valid_to, str) else valid_to,
                  long_term=valid_to == LONG_TERM, photo=bytes(photo),
                  photo_format=photo_format if photo else "")
    if card_type == CardType.FOREIGN_PERMANENT:
        return IdentityDocument(**common, english_name=raw["english_name"],
                                nationality=raw["nationality"].upper(),
                                authority_code=raw["authority_code"],
                                card_version=raw["card_version"])
    document = IdentityDocument(**common, address=raw["address"],
                                issuing_authority=raw["issuing_authority"], nationality="CHN",
                                nation=Nation.from_code(raw["nation"]) if raw.get("nation") else None)
    if card_type == CardType.HKMO_TW_PERMIT:
        count = raw["issue_count"]
        if count and not (count.isascii() and count.isdigit()):
            raise TextBlockError(f"the issue count (offset {offset('issue_count')}) is not a number")
        document = replace(document, pass_number=raw["pass_number"].upper(),
                           issue_count=int(count) if count else None)
    return document


# ---------------------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------------------


def _port_errors(serial_module) -> tuple[type[BaseException], ...]:
    """What a port that went away raises: pyserial's error, OSError, and on POSIX
    termios.error (tcflush on a dead tty), which is no OSError."""
    errors: tuple[type[BaseException], ...] = (serial_module.SerialException, OSError)
    try:
        import termios
    except ImportError:
        return errors
    return (*errors, termios.error)


class SamSerialReader(IdCardReader):
    """A certified reader on a serial port (or a USB adapter that shows as one).

    Each command gets `timeout` seconds plus the wire time of its longest reply. find and
    select are tried `attempts` times (a card just laid down is often not found at once).
    Every failure is a ReaderError: no card, removed mid-read, no answer, a bad frame."""

    backend = "serial"

    def __init__(self, port: str, baudrate: int = 115200, timeout: float = 2.0, attempts: int = 3,
                 retry_delay: float = 0.05) -> None:
        self.port = port
        self.baudrate = baudrate
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.retry_delay = retry_delay
        self._serial = None
        self._frames = FrameReader()
        self._lock = threading.RLock()

    @classmethod
    def from_settings(cls, settings: ReaderSettings) -> SamSerialReader:
        if not settings.port:
            raise ReaderConfigError("no serial port is configured for the card reader (card.port)")
        return cls(settings.port, baudrate=settings.baudrate, timeout=settings.timeout,
                   attempts=settings.attempts,
                   retry_delay=float(settings.options.get("retry_delay", 0.05)))

    # port

    def open(self) -> None:
        with self._lock:
            if self._serial is not None:
                return
            try:
                import serial
            except ImportError as exc:
                raise ReaderUnavailable("pyserial is not installed") from exc
            try:
                # A short poll timeout: reads ask for exactly the bytes a frame still needs
                # and return the moment they arrive; the deadline is kept here.
                self._serial = serial.Serial(self.port, self.baudrate, bytesize=8, parity="N",
                                             stopbits=1, timeout=0.05, write_timeout=self.timeout)
            except (serial.SerialException, OSError, ValueError) as exc:
                raise ReaderUnavailable(f"cannot open the card reader's port {self.port}: {exc}") from exc
            self._frames.clear()

    def close(self) -> None:
        with self._lock:
            port, self._serial = self._serial, None
            if port is not None:
                try:
                    port.close()
                except Exception:  # closing a port that went away: nothing left to do
                    log.debug("closing %s failed", self.port, exc_info=True)

    # commands

    def _exchange(self, command: tuple[int, int], what: str, reply_size: int = 64) -> Frame:
        if self._serial is None:
            raise ReaderUnavailable("the card reader is not open")
        import serial

        port = self._serial
        deadline = time.monotonic() + self.timeout + wire_seconds(reply_size, self.baudrate)
        try:
            port.reset_input_buffer()  # a late answer to an earlier command is not this one's
            self._frames.clear()
            port.write(build_request(command))
            received = 0
            while True:
                try:
                    frame = self._frames.next_frame()
                except FrameError as exc:
                    raise ProtocolError(f"bad reply to {what}: {exc}") from None
                if frame is not None:
                    if len(frame.body) < 3:
                        raise ProtocolError(f"the reply to {what} is too short to carry a status")
                    return frame
                if time.monotonic() >= deadline:
                    if received and command == READ_TEXT_PHOTO:
                        raise CardRemoved("the card stopped answering while it was being read: "
                                          "lay it on the reader again")
                    if self._frames.pending:
                        raise Timeout(f"the reader's answer to {what} stopped half way")
                    raise Timeout(f"the reader on {self.port} did not answer {what} within "
                                  f"{self.timeout:g} s: is it connected and switched on?")
                chunk = port.read(self._frames.wanted())
                if chunk:
                    received += len(chunk)
                    self._frames.feed(chunk)
        except _port_errors(serial) as exc:
            self.close()  # the next open() starts afresh: a reader plugged in again works
            raise ReaderUnavailable(f"the card reader on {self.port} failed: {exc}") from exc

    def sam_status(self) -> int:
        """The SAM's status byte (0x90 when ready)."""
        with self._lock:
            return self._exchange(SAM_STATUS, "SAM status").status

    def status(self) -> ReaderStatus:
        """Opens the port when it is closed, so a status poll notices a reader plugged in."""
        try:
            self.open()
            code = self.sam_status()
        except (ReaderUnavailable, Timeout, ProtocolError) as exc:
            return ReaderStatus(False, str(exc))
        if code == OK:
            return ReaderStatus(True, "SAM ready")
        return ReaderStatus(False, f"the SAM is not ready ({describe_status(code)})")

    def _find(self) -> bool:
        status = self._exchange(FIND_CARD, "find card").status
        if status == CARD_FOUND:
            return True
        if status == FIND_FAILED:
            return False
        raise ReaderRefused(f"find card failed ({describe_status(status)})")

    def _select(self) -> bool:
        status = self._exchange(SELECT_CARD, "select card").status
        if status == OK:
            return True
        if status == SELECT_FAILED:
            return False
        raise ReaderRefused(f"select card failed ({describe_status(status)})")

    def read(self) -> IdentityDocument:
        with self._lock:
            found = False
            for attempt in range(self.attempts):
                if attempt:
                    time.sleep(self.retry_delay)
                if self._find():
                    found = True
                    if self._select():
                        break
            else:
                raise NoCard("the card on the reader could not be selected: lay it flat and try again"
                             if found else "no card on the reader")
            reply = self._exchange(READ_TEXT_PHOTO, "read card", reply_size=READ_REPLY)
            if reply.status == READ_FAILED:
                raise CardRemoved("the card could not be read (status 0x41): it moved or was "
                                  "taken away; lay it on the reader again")
            if reply.status != OK:
                raise ReaderRefused(f"read card failed ({describe_status(reply.status)})")
            return parse_read_reply(reply.data)


def parse_read_reply(data: bytes) -> IdentityDocument:
    """The document in the data of a read-text-and-photo reply: text length (2, BE),
    photo length (2, BE), the text block, the photo."""
    if len(data) < 4:
        raise ProtocolError(f"the read reply carries {len(data)} data bytes, too few for its lengths")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if text_len != TEXT_BLOCK:
        raise ProtocolError(f"the read reply announces a text block of {text_len} bytes, not {TEXT_BLOCK}")
    if len(data) != 4 + text_len + photo_len:
        raise ProtocolError(f"the read reply carries {len(data) - 4} bytes of text and photo, "
                            f"its lengths say {text_len + photo_len}")
    return parse_text_block(data[4:4 + text_len], photo=data[4 + text_len:], photo_format="wlt")
