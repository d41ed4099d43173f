"""A test eMRTD chip (ICAO Doc 9303 passport) that plugs into pcscd through vsmartcard's vpcd
driver, so the passport reader is tested against the real PC/SC stack.

- ``EmrtdChip`` is the chip itself, pure: ``process(apdu) -> response``. It answers SELECT of
  the eMRTD application (A0 00 00 02 47 10 01), GET CHALLENGE, EXTERNAL AUTHENTICATE (checks
  the terminal's cryptogram and MAC with keys from its own MRZ and answers with its own), and
  SELECT / READ BINARY of EF.COM, DG1 and DG2 under secure messaging, and of EF.SOD when it
  is given one (``sod=``: tests build it with emrtd_pki.IssuingState.sign_sod over the chip's
  own ``data_groups``, or over other data for a tampered chip).
- ``VirtualCard`` connects a chip to vpcd's TCP socket (default port 35963) and speaks vpcd's
  protocol: every message is a 2-byte big-endian length and then either a 1-byte control
  code (0 power off, 1 power on, 2 reset, 4 get ATR) or a command APDU. Closing the socket is
  pulling the card out; connecting again is putting it back.

Its crypto is written here on purpose without importing workstation.devices.bac (it builds
3DES-CBC and the retail MAC from single-DES blocks by hand), so that the reader and the card
cannot share a mistake; both are checked against the published ICAO vectors in
test_bac_vectors.py.

Run by hand against a running pcscd with vpcd: ``python -m tests.workstation.emrtd_card``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass

from Crypto.Cipher import DES

__all__ = [
    "ATR",
    "EMRTD_AID",
    "FACE_JPEG",
    "CardPulled",
    "EmrtdChip",
    "FID_EF_SOD",
    "Holder",
    "VirtualCard",
    "build_dg1",
    "build_dg2",
    "build_ef_com",
    "mrz_check_digit",
]

EMRTD_AID = bytes.fromhex("A0000002471001")
# T=1, no historical bytes: 3B 80 80 01 and TCK = 80 ^ 80 ^ 01.
ATR = bytes.fromhex("3B80800101")
VPCD_PORT = 35963

FID_EF_COM = 0x011E
FID_DG1 = 0x0101
FID_DG2 = 0x0102
FID_EF_SOD = 0x011D

# A 60x80 JPEG drawing of a face (1424 bytes), made once with Pillow and kept here so the card
# needs no imaging library.
FACE_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEEx"
    "NDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7"
    "Ozs7Ozs7Ozs7Ozs7Ozv/wAARCABQADwDASIAAhEBAxEB/8QAHAAAAgMBAQEBAAAAAAAAAAAAAAUEBgcCAwgB/8QANRAAAQMC"
    "BQIBCQgDAAAAAAAAAQIDEQAEBQYSITFBURMHFSIyNmF0gbIUNWJxg5Ghs0Jysf/EABkBAAIDAQAAAAAAAAAAAAAAAAEEAgMF"
    "AP/EAB8RAAICAgIDAQAAAAAAAAAAAAABAhEDIQQxEiJBMv/aAAwDAQACEQMRAD8A1Giism8qWZLl7FFYAwtTdqwlCn0gR4qy"
    "NQkzukAp223nmBU5SpWQirdFuxXyk5dwt8Mpfcvlf5G0SFpTsCPSJAPPQngzFIHfLE2HVhrA1LbCjoUu60kjoSNJg+6TWZob"
    "1DUpQQjiSOfcK68RpOyWAR+NRJ/iKoeSResaNRs/K/h69f27CrliI0eA4l2e8zpjp3q24HmbCMwtasPu0rcCZWwv0XEcTKew"
    "kCRInrWAyy5tHhK7ySn9uf8AtfiVO2r6XG1qadbUFJWhUFJG4II/cGisj+geNfD6Voqu5HzA9mPLbd1c73LKyy8oJCQtQggg"
    "DuCJ43naKsVXp2rKWqCs18pOTn7q+TjtinWHNDdy2mSufVSsCd9tKYG+w5kxpVK8XV4l1ZWwndanlA8KSgRH56loI/1nkCoZ"
    "WlBsnjVzSPn1xetUgQkCEjsK4rVs8DLtk21d4lhSbu7eJDaUKU0VxElSk9hETPu60swTJuWsx2HnC1cv2AVlK2PESQ0rkpBK"
    "dxuIPbneaVUvXya0MuPtVmeVMsbK5xRxNnasqdekaAPeoJgk7ASRuYEn31Z8Us8p5axXze7Y3eJq9EvKcf0eCDv6OkDUSDO+"
    "3G/MX+2sLLzB4WDtNMNPMhbCkpKfSKRoWTzOyTJ3270JScUnXYYxttWTcpZeTlrAWrArS48VFx9aJhSz2noAAOkxMCadV5Wt"
    "wi8tGbpsKCHm0uJCuQCJE1608utCT72FKcR++bP4d/6mqbUtxtJTbsXPS2fStQ/CQUEk9AAsqJ/D86rzK4NE8TqaIeI4ZZYt"
    "aG1v7dL7RIVpJIII6gjcfLua4Qw1httaWNk2lhrWEJCR6oAKj+c6SJ53mpteD9t4zqHUvuNLQlSQUadwYnkHsKzLdUaVK7I2"
    "IYDhWK3LNxfWTb7rHqKVPEzBj1h7jI3Pc0woqLiKS9ZqtU+tdEMCNyNWxMdYEqjsk8c123SBpbGGB/cGH/CtfSKnUUVrpUqM"
    "tu2FcrQh1tTbiErQsFKkqEgg8giuqj39/bYZZuXl474TDcal6SYkgDYb8kUewCi6t2mUKsMQhxh4lLS3DssE7Ik76xsBvJiQ"
    "ZmF7NhjmHDwLK8tri2SIbF0FBTYk7SnnaOfkBU1eeMrutqbcxBK0LBSpKrdwgg8gjTS5WYcrpMMZgvGE9UhC3JPeXEKPymKV"
    "nxJ3cUOY+Ykqke9vYPM3IxTGr5tTjQIbSDoaZkxyeZBA3/nanVhbLdf+2voKQBDDaxBRzKyOhIMQdwB01EUktsz5Tt3UvKxV"
    "595Mw4626Y6SEhISDG0gDae5lhb50y9dXLVuziGt15YQhPguCVEwBump4uLKL8pIhm5SnpD2iiirxYKr2e/Y2/8A0/7E1Yar"
    "2e/Y2/8A0/7E1KH6QJdMx6iiitEVCmGX/aPDPjGvrFL6YZf9o8M+Ma+sUJdM5dm5UUUVmjZ//9k="
)


# --- crypto, built by hand from single DES -------------------------------------------------

def _des(key: bytes, block: bytes, *, decrypt: bool = False) -> bytes:
    cipher = DES.new(key, DES.MODE_ECB)
    return cipher.decrypt(block) if decrypt else cipher.encrypt(block)


def _xor8(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(8, "big")


def _ede(key: bytes, block: bytes) -> bytes:
    k1, k2 = key[:8], key[8:16]
    return _des(k1, _des(k2, _des(k1, block), decrypt=True))


def _ded(key: bytes, block: bytes) -> bytes:
    k1, k2 = key[:8], key[8:16]
    return _des(k1, _des(k2, _des(k1, block, decrypt=True)), decrypt=True)


def tdes_cbc_encrypt(key: bytes, data: bytes) -> bytes:
    out, chain = [], bytes(8)
    for i in range(0, len(data), 8):
        chain = _ede(key, _xor8(data[i:i + 8], chain))
        out.append(chain)
    return b"".join(out)


def tdes_cbc_decrypt(key: bytes, data: bytes) -> bytes:
    out, chain = [], bytes(8)
    for i in range(0, len(data), 8):
        block = data[i:i + 8]
        out.append(_xor8(_ded(key, block), chain))
        chain = block
    return b"".join(out)


def iso_pad(data: bytes) -> bytes:
    padded = bytearray(data) + b"\x80"
    while len(padded) % 8:
        padded.append(0)
    return bytes(padded)


def iso_unpad(data: bytes) -> bytes:
    end = data.rindex(b"\x80")
    if any(data[end + 1:]):
        raise ValueError("bad padding")
    return data[:end]


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 over ``data`` padded with method 2."""
    k1, k2 = key[:8], key[8:16]
    message = iso_pad(data)
    state = bytes(8)
    for i in range(0, len(message), 8):
        state = _des(k1, _xor8(state, message[i:i + 8]))
    return _des(k1, _des(k2, state, decrypt=True))


_ODD_PARITY = [(b & 0xFE) | int(bin(b >> 1).count("1") % 2 == 0) for b in range(256)]


def _with_parity(key: bytes) -> bytes:
    # bit 0 of each byte is chosen so that the byte has an odd number of ones
    return bytes(_ODD_PARITY[b] for b in key)


def derive(seed: bytes, counter: int) -> bytes:
    return _with_parity(hashlib.sha1(seed + struct.pack(">I", counter)).digest()[:16])


# --- MRZ and data groups -------------------------------------------------------------------

def mrz_check_digit(text: str) -> str:
    total = 0
    for index, char in enumerate(text):
        if char.isdigit():
            value = int(char)
        elif char.isalpha():
            value = ord(char) - 55
        else:
            value = 0
        total += value * (7, 3, 1)[index % 3]
    return str(total % 10)


@dataclass(frozen=True)
class Holder:
    """A fictional passport holder of Utopia (UTO, the ICAO specimen state)."""

    surname: str = "HARTMANN"
    given_names: str = "LENA MARIE"
    document_number: str = "C01X00T47"
    issuing_state: str = "UTO"
    nationality: str = "UTO"
    birth_date: str = "850412"
    sex: str = "F"
    expiry_date: str = "310927"
    personal_number: str = "ZE184226B"

    @property
    def mrz_lines(self) -> tuple[str, str]:
        names = self.surname.replace(" ", "<") + "<<" + self.given_names.replace(" ", "<")
        line1 = ("P<" + self.issuing_state + names).ljust(44, "<")[:44]
        number = self.document_number.ljust(9, "<")
        personal = self.personal_number.ljust(14, "<")
        part_a = number + mrz_check_digit(number)
        part_b = self.birth_date + mrz_check_digit(self.birth_date)
        part_c = self.expiry_date + mrz_check_digit(self.expiry_date) + personal + mrz_check_digit(personal)
        line2 = (part_a + self.nationality + part_b + self.sex + part_c
                 + mrz_check_digit(part_a + part_b + part_c))
        assert len(line2) == 44
        return line1, line2

    @property
    def mrz_information(self) -> str:
        line2 = self.mrz_lines[1]
        return line2[0:10] + line2[13:20] + line2[21:28]


def tlv(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = b"\x81" + bytes([n])
    else:
        length = b"\x82" + n.to_bytes(2, "big")
    return tag_bytes + length + value


def build_ef_com() -> bytes:
    """LDS 1.7, Unicode 4.0.0, DG1 and DG2 present."""
    return tlv(0x60, tlv(0x5F01, b"0107") + tlv(0x5F36, b"040000") + tlv(0x5C, b"\x61\x75"))


def build_dg1(holder: Holder) -> bytes:
    return tlv(0x61, tlv(0x5F1F, "".join(holder.mrz_lines).encode("ascii")))


def build_dg2(image: bytes = FACE_JPEG, *, width: int = 60, height: int = 80, jpeg2000: bool = False) -> bytes:
    """DG2 with one ISO/IEC 19794-5 (2005) facial record holding ``image``."""
    image_info = struct.pack(">BBHHBBHH", 1, 1 if jpeg2000 else 0, width, height, 1, 2, 0, 0)
    facial_info_length = 20 + len(image_info) + len(image)
    facial_info = struct.pack(">IHBBB3sH3s3s", facial_info_length, 0, 2, 0, 0, b"\0\0\0", 0, b"\0\0\0",
                              b"\0\0\0")
    record_length = 14 + facial_info_length
    record = b"FAC\0" + b"010\0" + struct.pack(">IH", record_length, 1) + facial_info + image_info + image
    header = (tlv(0x80, b"\x01\x01") + tlv(0x81, b"\x02") + tlv(0x87, b"\x01\x01")
              + tlv(0x88, b"\x00\x08"))
    template = tlv(0x7F60, tlv(0xA1, header) + tlv(0x5F2E, record))
    return tlv(0x75, tlv(0x7F61, tlv(0x02, b"\x01") + template))


def _parse_objects(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """(tag, value, raw bytes) of the one-byte-tag objects of a protected command."""
    objects, i = [], 0
    while i < len(data):
        start, tag = i, data[i]
        n = data[i + 1]
        i += 2
        if n == 0x81:
            n, i = data[i], i + 1
        elif n == 0x82:
            n, i = int.from_bytes(data[i:i + 2], "big"), i + 2
        objects.append((tag, data[i:i + n], data[start:i + n]))
        i += n
    return objects


# --- the chip ------------------------------------------------------------------------------

class CardPulled(Exception):
    """Raised by the chip to have the card taken out of the reader at that very command."""


def _sw(value: int) -> bytes:
    return value.to_bytes(2, "big")


class EmrtdChip:
    """The eMRTD application of a passport chip with BAC (no Active Authentication, no PACE).

    Fault switches for tests: ``corrupt_response_mac`` flips a bit of every secure-messaging
    response MAC; ``pull_during_read = (fid, offset)`` raises ``CardPulled`` when a READ BINARY
    of that file at or beyond ``offset`` arrives."""

    def __init__(self, holder: Holder | None = None, *, face: bytes = FACE_JPEG,
                 files: dict[int, bytes] | None = None, rng: Callable[[int], bytes] = os.urandom,
                 sod: bytes | None = None):
        self.holder = holder or Holder()
        self.face = face
        self.files = files if files is not None else {
            FID_EF_COM: build_ef_com(), FID_DG1: build_dg1(self.holder), FID_DG2: build_dg2(face)}
        if sod is not None:
            self.files[FID_EF_SOD] = sod
        self.rng = rng
        seed = hashlib.sha1(self.holder.mrz_information.encode("ascii")).digest()[:16]
        self.k_enc, self.k_mac = derive(seed, 1), derive(seed, 2)
        self.corrupt_response_mac = False
        self.pull_during_read: tuple[int, int] | None = None
        self.log: list[str] = []
        self.reset()

    def reset(self) -> None:
        """Power cycle: nothing selected, no session."""
        self.application_selected = False
        self.rnd_icc: bytes | None = None
        self.ks_enc: bytes | None = None
        self.ks_mac: bytes | None = None
        self.ssc = 0
        self.selected: int | None = None

    @property
    def data_groups(self) -> dict[int, bytes]:
        """DG number -> the file's bytes, what an EF.SOD for this chip signs."""
        return {n: self.files[fid] for n, fid in ((1, FID_DG1), (2, FID_DG2)) if fid in self.files}

    @property
    def authenticated(self) -> bool:
        return self.ks_enc is not None

    def _drop_session(self) -> None:
        self.ks_enc = self.ks_mac = None
        self.selected = None

    # -- command dispatch --

    def process(self, apdu: bytes) -> bytes:
        if len(apdu) < 4:
            return _sw(0x6700)
        cla, ins, p1, p2 = apdu[:4]
        body = apdu[4:]
        data, le = b"", None
        if len(body) == 1:
            le = body[0]
        elif body:
            data = body[1:1 + body[0]]
            if len(body) == body[0] + 2:
                le = body[-1]
            elif len(body) != body[0] + 1:
                return _sw(0x6700)
        self.log.append(f"{cla:02X}{ins:02X}{p1:02X}{p2:02X}")
        if cla & 0x0C == 0x0C:
            return self._protected(cla, ins, p1, p2, data)
        if self.authenticated:     # a plain command ends secure messaging
            self._drop_session()
            if ins == 0xA4 and p1 == 0x04:
                return self._select_application(data)
            return _sw(0x6982)
        if ins == 0xA4 and p1 == 0x04:
            return self._select_application(data)
        if ins == 0x84:
            return self._get_challenge(le)
        if ins == 0x82:
            return self._external_authenticate(data)
        if ins in (0xA4, 0xB0):
            return _sw(0x6982)     # security status not satisfied: BAC first
        return _sw(0x6D00)

    def _select_application(self, data: bytes) -> bytes:
        self.reset()
        if data != EMRTD_AID:
            return _sw(0x6A82)
        self.application_selected = True
        return _sw(0x9000)

    def _get_challenge(self, le: int | None) -> bytes:
        if not self.application_selected:
            return _sw(0x6985)
        if le != 8:
            return _sw(0x6700)
        self.rnd_icc = self.rng(8)
        return self.rnd_icc + _sw(0x9000)

    def _external_authenticate(self, data: bytes) -> bytes:
        rnd_icc, self.rnd_icc = self.rnd_icc, None
        if rnd_icc is None:
            return _sw(0x6985)     # conditions of use not satisfied: no challenge
        if len(data) != 40:
            return _sw(0x6700)
        e_ifd, m_ifd = data[:32], data[32:]
        if retail_mac(self.k_mac, e_ifd) != m_ifd:
            return _sw(0x6300)     # authentication failed
        s = tdes_cbc_decrypt(self.k_enc, e_ifd)
        rnd_ifd, echoed, k_ifd = s[:8], s[8:16], s[16:]
        if echoed != rnd_icc:
            return _sw(0x6300)
        k_icc = self.rng(16)
        r = rnd_icc + rnd_ifd + k_icc
        e_icc = tdes_cbc_encrypt(self.k_enc, r)
        seed = bytes(a ^ b for a, b in zip(k_ifd, k_icc, strict=True))
        self.ks_enc, self.ks_mac = derive(seed, 1), derive(seed, 2)
        self.ssc = int.from_bytes(rnd_icc[4:] + rnd_ifd[4:], "big")
        self.selected = None
        return e_icc + retail_mac(self.k_mac, e_icc) + _sw(0x9000)

    # -- secure messaging --

    def _protected(self, cla: int, ins: int, p1: int, p2: int, data: bytes) -> bytes:
        if not self.authenticated:
            return _sw(0x6987)
        assert self.ks_enc is not None and self.ks_mac is not None
        self.ssc += 1
        try:
            objects = _parse_objects(data)
        except IndexError:
            self._drop_session()
            return _sw(0x6988)
        mac = next((value for tag, value, _ in objects if tag == 0x8E), None)
        covered = b"".join(raw for tag, _, raw in objects if tag != 0x8E)
        header = iso_pad(bytes([cla, ins, p1, p2]))
        if mac is None or retail_mac(self.ks_mac, self.ssc.to_bytes(8, "big") + header + covered) != mac:
            self._drop_session()
            return _sw(0x6988)     # incorrect secure-messaging data objects
        plain, le = b"", None
        for tag, value, _ in objects:
            if tag == 0x87:
                plain = iso_unpad(tdes_cbc_decrypt(self.ks_enc, value[1:]))
            elif tag == 0x97:
                le = value[0] if value else 0
        if ins == 0xA4 and p1 == 0x02:
            result, sw = self._select_file(plain)
        elif ins == 0xB0:
            result, sw = self._read_binary(p1, p2, le)
        else:
            result, sw = b"", 0x6D00
        return self._wrap(result, sw)

    def _select_file(self, fid: bytes) -> tuple[bytes, int]:
        number = int.from_bytes(fid, "big")
        if len(fid) != 2 or number not in self.files:
            return b"", 0x6A82
        self.selected = number
        return b"", 0x9000

    def _read_binary(self, p1: int, p2: int, le: int | None) -> tuple[bytes, int]:
        if self.selected is None:
            return b"", 0x6986     # no current EF
        if p1 & 0x80:
            return b"", 0x6A81     # short file identifiers are not offered here
        offset = (p1 << 8) | p2
        if self.pull_during_read and self.pull_during_read[0] == self.selected \
                and offset >= self.pull_during_read[1]:
            raise CardPulled(f"pulled while reading {self.selected:04X} at offset {offset}")
        content = self.files[self.selected]
        if offset > len(content):
            return b"", 0x6B00
        wanted = 256 if le in (None, 0) else le
        chunk = content[offset:offset + wanted]
        return chunk, 0x9000 if len(chunk) == wanted else 0x6282

    def _wrap(self, data: bytes, sw: int) -> bytes:
        assert self.ks_enc is not None and self.ks_mac is not None
        self.ssc += 1
        objects = b""
        if data:
            objects += tlv(0x87, b"\x01" + tdes_cbc_encrypt(self.ks_enc, iso_pad(data)))
        objects += tlv(0x99, _sw(sw))
        mac = retail_mac(self.ks_mac, self.ssc.to_bytes(8, "big") + objects)
        if self.corrupt_response_mac:
            mac = bytes([mac[0] ^ 0x01]) + mac[1:]
        return objects + tlv(0x8E, mac) + _sw(sw)


# --- the vpcd connection -------------------------------------------------------------------

class VirtualCard:
    """A chip in vpcd's virtual reader. ``insert()`` connects to vpcd (and keeps reconnecting
    whenever vpcd goes away, e.g. when pcscd restarts, as a card left in a reader would);
    ``remove()`` disconnects and stays out. When the chip raises ``CardPulled`` the card
    leaves the reader without answering that command."""

    def __init__(self, chip: EmrtdChip | None = None, port: int = VPCD_PORT, host: str = "127.0.0.1",
                 atr: bytes = ATR):
        self.chip = chip or EmrtdChip()
        self.host, self.port, self.atr = host, port, atr
        self._lock = threading.Lock()
        self._inserted = False
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._connected = threading.Event()
        self.connections = 0
        self.error: BaseException | None = None

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def inserted(self) -> bool:
        return self._inserted

    def insert(self, timeout: float | None = 10.0) -> None:
        """Put the card in the reader; with a timeout, wait until vpcd has it."""
        with self._lock:
            if not self._inserted:
                self._inserted = True
                self._thread = threading.Thread(target=self._run, name=f"vpcd-card:{self.port}", daemon=True)
                self._thread.start()
        if timeout is not None and not self._connected.wait(timeout):
            raise TimeoutError(f"vpcd did not accept the card on {self.host}:{self.port} within {timeout} s")

    def remove(self) -> None:
        """Take the card out of the reader."""
        with self._lock:
            self._inserted = False
            sock, thread = self._socket, self._thread
            self._thread = None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)

    close = remove

    def _run(self) -> None:
        while self._inserted:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
            except OSError:
                threading.Event().wait(0.05)
                continue
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if not self._inserted:
                    sock.close()
                    break
                self._socket = sock
            self.chip.reset()
            self.connections += 1
            self._connected.set()
            try:
                self._serve(sock)
            except CardPulled:
                self._inserted = False
            except OSError:
                pass
            except BaseException as exc:   # kept for the test to see
                self.error = exc
                self._inserted = False
            finally:
                self._connected.clear()
                with self._lock:
                    self._socket = None
                sock.close()
                self.chip.reset()

    def _serve(self, sock: socket.socket) -> None:
        while True:
            header = _receive(sock, 2)
            if header is None:
                return
            payload = _receive(sock, struct.unpack(">H", header)[0])
            if payload is None:
                return
            if len(payload) == 1:
                code = payload[0]
                if code == 4:           # get ATR
                    reply = self.atr
                else:                   # 0 off, 1 on, 2 reset: the chip starts afresh
                    self.chip.reset()
                    continue
            else:
                reply = self.chip.process(payload)
            sock.sendall(struct.pack(">H", len(reply)) + reply)


def _receive(sock: socket.socket, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main() -> None:   # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(description="Test eMRTD chip for vpcd")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=VPCD_PORT)
    args = parser.parse_args()
    card = VirtualCard(port=args.port, host=args.host)
    print("MRZ:", *card.chip.holder.mrz_lines, sep="\n")
    card.insert(timeout=None)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        card.remove()


if __name__ == "__main__":   # pragma: no cover
    main()
