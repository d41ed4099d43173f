"""A simulated certified ID card reader on a real pseudo-terminal.

It speaks the SAM serial protocol on the pty's master side; the code under test opens the
slave's tty name with pyserial, as it would /dev/ttyUSB0. Frames, checksums and the text
block are built here independently of workstation.devices.sam_serial (a shared bug could
not hide), from the layout in domain.md.

Behaviour is set on attributes while it runs: `card` (None: no card), `silent`,
`bad_checksum_on`, `malformed_on`, `garbage`, `remove_after`, `find_failures`,
`select_failures`, `read_status`, `sam_status`. With `pace=True` every reply leaves at the
real line rate (10 bits a byte at `baudrate`) and every request is taken to arrive after
its own wire time, so timings measured against it are honest.
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from dataclasses import dataclass, field
from datetime import date

from stdnum.cn import ric

PREAMBLE = bytes([0xAA, 0xAA, 0xAA, 0x96, 0x69])
CMD_SAM_STATUS = (0x11, 0xFF)
CMD_FIND = (0x20, 0x01)
CMD_SELECT = (0x20, 0x02)
CMD_READ = (0x30, 0x01)

# ---------------------------------------------------------------------------------------
# Card data
# ---------------------------------------------------------------------------------------


def id_number(region: str, birth: str, sequence: str) -> str:
    """A valid GB 11643 number: the check character computed by python-stdnum."""
    base = region + birth + sequence
    assert len(base) == 17
    return base + ric.calc_check_digit(base + "?")


def ucs2(text: str, size: int) -> bytes:
    """`text` as UCS-2LE in a field of `size` bytes, padded with spaces."""
    raw = text.encode("utf-16-le")
    assert len(raw) <= size, (text, size)
    return raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)


def _block(fields: list[tuple[int, int, str]]) -> bytes:
    block = bytearray(ucs2("", 256))
    for offset, size, text in fields:
        block[offset:offset + size] = ucs2(text, size)
    assert len(block) == 256
    return bytes(block)


@dataclass(frozen=True)
class ResidentCard:
    name: str = "张三"
    sex: str = "1"
    nation: str = "01"
    birth: str = "19900307"
    address: str = "北京市东城区景山前街4号"
    number: str = "110101199003071233"
    authority: str = "北京市公安局东城分局"
    valid_from: str = "20150101"
    valid_to: str = "20350101"

    def block(self) -> bytes:
        return _block([(0, 30, self.name), (30, 2, self.sex), (32, 4, self.nation), (36, 16, self.birth),
                       (52, 70, self.address), (122, 36, self.number), (158, 30, self.authority),
                       (188, 16, self.valid_from), (204, 16, self.valid_to)])


@dataclass(frozen=True)
class PermitCard:
    """港澳台居民居住证 (J)."""

    name: str = "陈大文"
    sex: str = "1"
    birth: str = "19850615"
    address: str = "广东省深圳市福田区福华一路1号"
    number: str = field(default_factory=lambda: id_number("810000", "19850615", "005"))
    authority: str = "深圳市公安局"
    valid_from: str = "20200101"
    valid_to: str = "20300101"
    pass_number: str = "H12345678"
    issue_count: str = "02"

    def block(self) -> bytes:
        return _block([(0, 30, self.name), (30, 2, self.sex), (36, 16, self.birth), (52, 70, self.address),
                       (122, 36, self.number), (158, 30, self.authority), (188, 16, self.valid_from),
                       (204, 16, self.valid_to), (220, 18, self.pass_number), (238, 4, self.issue_count),
                       (248, 2, "J")])


@dataclass(frozen=True)
class ForeignCard:
    """外国人永久居留身份证 (I, 2017)."""

    english_name: str = "SMITH, JOHN"
    sex: str = "1"
    number: str = "USA110085061502"
    nationality: str = "USA"
    chinese_name: str = "史密斯"
    valid_from: str = "20180301"
    valid_to: str = "20280301"
    birth: str = "19850615"
    version: str = "01"
    authority_code: str = "1500"

    def block(self) -> bytes:
        return _block([(0, 120, self.english_name), (120, 2, self.sex), (122, 30, self.number),
                       (152, 6, self.nationality), (158, 30, self.chinese_name), (188, 16, self.valid_from),
                       (204, 16, self.valid_to), (220, 16, self.birth), (236, 4, self.version),
                       (240, 8, self.authority_code), (248, 2, "I")])


PHOTO = bytes((i * 7 + 3) % 256 for i in range(1024))  # stands in for the compressed photo


@dataclass(frozen=True)
class SimCard:
    text: bytes
    photo: bytes = PHOTO


def card(data: ResidentCard | PermitCard | ForeignCard | None = None) -> SimCard:
    return SimCard((data or ResidentCard()).block())


def today_plus(days: int) -> str:
    return date.fromordinal(date.today().toordinal() + days).strftime("%Y%m%d")


# ---------------------------------------------------------------------------------------
# Frames, written out here on purpose (not imported from the code under test)
# ---------------------------------------------------------------------------------------


def xor(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def frame(body: bytes, corrupt_checksum: bool = False) -> bytes:
    length = (len(body) + 1).to_bytes(2, "big")
    chk = xor(length + body) ^ (0xFF if corrupt_checksum else 0)
    return PREAMBLE + length + body + bytes([chk])


def reply(status: int, data: bytes = b"", corrupt_checksum: bool = False) -> bytes:
    return frame(bytes([0x00, 0x00, status]) + data, corrupt_checksum)


def read_reply(sim_card: SimCard, corrupt_checksum: bool = False) -> bytes:
    data = len(sim_card.text).to_bytes(2, "big") + len(sim_card.photo).to_bytes(2, "big")
    return reply(0x90, data + sim_card.text + sim_card.photo, corrupt_checksum)


READ_REPLY_SIZE = len(read_reply(card()))  # 1,295


# ---------------------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------------------


class SimulatedReader:
    def __init__(self, sim_card: SimCard | None = None, baudrate: int = 115200, pace: bool = False) -> None:
        self.card = sim_card
        self.baudrate = baudrate
        self.pace = pace
        # behaviour
        self.silent = False
        self.bad_checksum_on: set[tuple[int, int]] = set()
        # command -> "bad_length_field" | "short_body" | "inconsistent_lengths" | "wrong_text_length"
        self.malformed_on: dict[tuple[int, int], str] = {}
        self.garbage = b""  # sent before every reply
        self.remove_after: int | None = None  # the read reply stops after this many bytes; card gone
        self.find_failures = 0  # the next N finds fail even with a card
        self.select_failures = 0
        self.read_status: int | None = None  # e.g. 0x41: the read fails with this status
        self.sam_status = 0x90
        # what happened
        self.requests: list[tuple[int, int]] = []
        self.bad_requests = 0
        self.bytes_sent = 0
        self.bytes_received = 0

        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._buffer = bytearray()
        self._thread = threading.Thread(target=self._run, name="sim-reader", daemon=True)

    def __enter__(self) -> SimulatedReader:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> SimulatedReader:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def unplug(self) -> None:
        """The reader's cable is pulled: the pty's master side closes."""
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self._master)
        self._master = -1

    # the loop

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.02)
            if not ready:
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError:
                return
            self.bytes_received += len(data)
            self._buffer += data
            while (request := self._next_request()) is not None:
                if self.pace:
                    time.sleep(len(request) * 10 / self.baudrate)
                self._answer(request)

    def _next_request(self) -> bytes | None:
        at = self._buffer.find(PREAMBLE)
        if at < 0:
            return None
        del self._buffer[:at]
        if len(self._buffer) < 7:
            return None
        total = 7 + int.from_bytes(self._buffer[5:7], "big")
        if len(self._buffer) < total:
            return None
        request = bytes(self._buffer[:total])
        del self._buffer[:total]
        return request

    def _answer(self, request: bytes) -> None:
        body, chk = request[7:-1], request[-1]
        if chk != xor(request[5:-1]) or len(body) < 2:
            self.bad_requests += 1
            self._send(reply(0x10))  # GA 467: the SAM received a bad checksum
            return
        command = (body[0], body[1])
        self.requests.append(command)
        if self.silent:
            return
        corrupt = command in self.bad_checksum_on
        malformed = self.malformed_on.get(command)
        if malformed == "bad_length_field":
            self._send(PREAMBLE + b"\xff\xff" + b"\x00" * 16)
            return
        if malformed == "short_body":
            self._send(frame(b"\x00\x00"))
            return
        if command == CMD_SAM_STATUS:
            self._send(reply(self.sam_status, corrupt_checksum=corrupt))
        elif command == CMD_FIND:
            found = self.card is not None and self.find_failures <= 0
            self.find_failures -= 1
            self._send(reply(0x9F if found else 0x80, b"\x00" * 4, corrupt))
        elif command == CMD_SELECT:
            selected = self.card is not None and self.select_failures <= 0
            self.select_failures -= 1
            self._send(reply(0x90 if selected else 0x81, b"\x00" * 8, corrupt))
        elif command == CMD_READ:
            if self.card is None:
                self._send(reply(0x41, corrupt_checksum=corrupt))
            elif self.read_status is not None:
                self._send(reply(self.read_status, corrupt_checksum=corrupt))
            elif malformed == "inconsistent_lengths":
                data = (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + self.card.text
                self._send(reply(0x90, data))
            elif malformed == "wrong_text_length":
                data = (200).to_bytes(2, "big") + (1024).to_bytes(2, "big") + self.card.text[:200] + self.card.photo
                self._send(reply(0x90, data))
            else:
                raw = read_reply(self.card, corrupt)
                if self.remove_after is not None:
                    raw = raw[:self.remove_after]
                    self.card = None
                self._send(raw)
        else:
            self._send(reply(0x21))  # unknown command

    def _send(self, data: bytes) -> None:
        data = self.garbage + data
        if not self.pace:
            self._write(data)
            return
        # Deliver each chunk no earlier than its last byte would arrive on the wire.
        start = time.perf_counter()
        chunk = 32
        for offset in range(0, len(data), chunk):
            part = data[offset:offset + chunk]
            due = start + (offset + len(part)) * 10 / self.baudrate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            self._write(part)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._master, view)
            except OSError:
                return
            self.bytes_sent += written
            view = view[written:]
