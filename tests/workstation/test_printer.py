"""The ticket printer: ESC/POS bytes as a Chinese thermal printer takes them, sent to a
file, to a real pseudo-terminal (a serial port) and to a network printer on loopback; and
the same ticket through Qt's printing into a PDF that pdftotext reads back."""

from __future__ import annotations

import os
import re
import select
import shutil
import socket
import subprocess
import threading
import tty
from datetime import datetime

import pytest

from workstation.devices.printer import (
    CHINESE_ON,
    Connection,
    EscPosTicketPrinter,
    NullTicketPrinter,
    PrinterError,
    PrinterSettings,
    TicketLabels,
    TicketPrint,
    escpos_bytes,
    make_printer,
    spool_file,
)

ESC_INIT = b"\x1b@"
CUT = b"\x1dV\x00"  # GS V 0: full cut
BIG = b"\x1d!\x55\x1c!\x0c"  # GS ! width and height 6 (FS !: Chinese characters double size)
CHINESE_LABELS = TicketLabels(your_number="您的号码", waiting_ahead="前面还有 %1 人等候", issued_at="取号时间 %1",
                              green_channel="优先办理", notice="请留意叫号，关注屏幕提示。",
                              estimated_wait="预计等候约 %1 分钟")


def _ticket(**changes) -> TicketPrint:
    values = dict(hall_name="演示区政务服务中心", number="B001", business_type_name="社保医保", waiting_ahead=3,
                  issued_at=datetime(2026, 1, 5, 9, 12), labels=CHINESE_LABELS)
    values.update(changes)
    return TicketPrint(**values)


def gb(text: str) -> bytes:
    return text.encode("gb18030")


def _check_ticket_bytes(data: bytes) -> None:
    assert data.startswith(ESC_INIT)
    chinese_mode = data.index(CHINESE_ON)
    for text in ("演示区政务服务中心", "社保医保", "您的号码", "前面还有 3 人等候", "取号时间 2026-01-05 09:12",
                 "请留意叫号，关注屏幕提示。"):
        assert data.index(gb(text)) > chinese_mode, text
    assert BIG + b"B001\n" in data
    assert data.index(BIG + b"B001") > data.index(gb("您的号码"))
    assert data.endswith(b"\x1bd\x06" + CUT)  # feed past the cutter, then cut


def test_escpos_bytes_of_a_ticket():
    data = escpos_bytes(_ticket())
    _check_ticket_bytes(data)
    assert gb("优先办理") not in data
    green = escpos_bytes(_ticket(green_channel=True))
    assert gb("优先办理") in green
    # GB18030 reaches characters GBK lacks (a rare character in a hall's name).
    rare = escpos_bytes(_ticket(hall_name="𠀀区政务服务中心"))
    assert gb("𠀀") in rare and len(gb("𠀀")) == 4


def test_the_estimated_wait_is_printed_under_the_people_ahead():
    assert gb("预计等候") not in escpos_bytes(_ticket())  # the hall has no service time yet today
    data = escpos_bytes(_ticket(estimated_wait_minutes=12))
    _check_ticket_bytes(data)
    assert data.index(gb("前面还有 3 人等候")) < data.index(gb("预计等候约 12 分钟")) < data.index(gb("取号时间"))
    # Nobody ahead: no wait to promise, whatever the estimate says.
    assert gb("预计等候") not in escpos_bytes(_ticket(waiting_ahead=0, estimated_wait_minutes=0))


def test_escpos_printer_into_a_file(tmp_path):
    target = tmp_path / "ticket.bin"
    printer = make_printer(spool_file(target))
    printer.print_ticket(_ticket())
    _check_ticket_bytes(target.read_bytes())
    assert target.read_bytes() == escpos_bytes(_ticket())


def test_escpos_printer_on_a_serial_port(tmp_path):
    """A real pseudo-terminal stands in for the printer's serial port."""
    master, slave = os.openpty()
    try:
        tty.setraw(slave)
        received = bytearray()
        done = threading.Event()

        def read() -> None:
            while not done.is_set() or select.select([master], [], [], 0)[0]:
                if select.select([master], [], [], 0.1)[0]:
                    received.extend(os.read(master, 4096))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        printer = EscPosTicketPrinter(PrinterSettings(backend="escpos", connection=Connection.SERIAL,
                                                      device=os.ttyname(slave), baudrate=19200))
        assert printer.describe().endswith("at 19200 baud")
        printer.print_ticket(_ticket())
        expected = escpos_bytes(_ticket())
        deadline = threading.Event()
        for _ in range(50):
            if len(received) >= len(expected):
                break
            deadline.wait(0.05)
        done.set()
        reader.join(5)
        _check_ticket_bytes(bytes(received))
        assert bytes(received) == expected
    finally:
        os.close(master)
        os.close(slave)


def test_escpos_printer_on_the_network():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        received = bytearray()

        def accept() -> None:
            connection, _ = server.accept()
            with connection:
                while chunk := connection.recv(4096):
                    received.extend(chunk)

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        make_printer(PrinterSettings(backend="escpos", connection=Connection.NETWORK, host="127.0.0.1",
                                     port=port, timeout=5)).print_ticket(_ticket())
        thread.join(10)
    _check_ticket_bytes(bytes(received))


def test_printer_problems_are_reported_plainly(tmp_path):
    missing = make_printer(spool_file(tmp_path / "no-such-folder" / "lp0"))
    with pytest.raises(PrinterError, match="cannot be reached") as raised:
        missing.print_ticket(_ticket())
    assert "no-such-folder" in str(raised.value)
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    closed = make_printer(PrinterSettings(backend="escpos", connection=Connection.NETWORK, host="127.0.0.1",
                                          port=port, timeout=2))
    with pytest.raises(PrinterError, match=f"127.0.0.1:{port}"):
        closed.print_ticket(_ticket())
    with pytest.raises(PrinterError, match="printer.device"):
        make_printer(PrinterSettings(backend="escpos", connection=Connection.SERIAL))
    with pytest.raises(PrinterError, match="unknown printer backend"):
        make_printer(PrinterSettings(backend="laser"))
    assert isinstance(make_printer(PrinterSettings()), NullTicketPrinter)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_system_printer_renders_the_ticket_into_a_pdf(qapp, tmp_path):
    from ui.kiosk.ticket_printing import SystemTicketPrinter, make_ticket_printer
    from ui.style import install_fonts

    install_fonts(qapp)
    pdf = tmp_path / "ticket.pdf"
    SystemTicketPrinter(pdf_path=pdf).print_ticket(_ticket(green_channel=True, estimated_wait_minutes=12))
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("B001", "社保医保", "演示区政务服务中心", "前面还有 3 人等候", "预计等候约 12 分钟", "优先办理",
                     "2026-01-05 09:12", "请留意叫号"):
        assert expected in text, (expected, text)
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", size, re.M), size
    assert isinstance(make_ticket_printer(PrinterSettings(backend="system")), SystemTicketPrinter)
