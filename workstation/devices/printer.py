"""The kiosk's ticket printer: one small interface, several backends chosen in config.

- EscPosTicketPrinter: a thermal receipt printer spoken to in ESC/POS (python-escpos),
  over USB, a serial port, the network (raw TCP, port 9100) or a device file. Chinese
  thermal printers take Chinese in their Chinese character mode (FS &) as GB-encoded
  bytes; we send GB18030.
- the system printer through Qt (QPrinter), in ui/ticket_printing.py: Qt may not be
  imported here.
- NullTicketPrinter: a kiosk without a printer shows the number only.

Both real backends print the same layout (`TicketPrint.rows`). Printing is device I/O:
front ends call `print_ticket` off their GUI thread.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

log = logging.getLogger(__name__)

ENCODING = "gb18030"
NUMBER_SIZE = 6  # the ticket number's width and height multiplier (ESC/POS allows 1–8)

# ESC/POS commands that python-escpos has no method for.
FS = b"\x1c"
CHINESE_ON = FS + b"&"  # FS &: Chinese character mode: two-byte GB characters
CHINESE_OFF = FS + b"."  # FS .
INIT = b"\x1b@"  # ESC @


class PrinterError(RuntimeError):
    """The ticket could not be printed; the message says where and why, plainly."""


# ---------------------------------------------------------------------------------------
# What is printed
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketLabels:
    """The printed words around the data. A front end passes them translated (Qt's tr);
    %1 stands for the value."""

    your_number: str = "Your number"
    waiting_ahead: str = "%1 waiting ahead of you"
    estimated_wait: str = "About %1 minutes' wait"
    issued_at: str = "Issued at %1"
    green_channel: str = "Priority service"
    notice: str = "Please listen for your number and watch the screen."


class Row(StrEnum):
    """The kinds of row on a ticket; each backend gives each kind a size."""

    HALL = "hall"
    BUSINESS = "business"
    LABEL = "label"
    NUMBER = "number"
    INFO = "info"
    SMALL = "small"
    RULE = "rule"


@dataclass(frozen=True)
class TicketPrint:
    """One ticket to print."""

    hall_name: str
    number: str
    business_type_name: str
    waiting_ahead: int
    issued_at: datetime  # shown as given: pass the hall's local time
    green_channel: bool = False
    labels: TicketLabels = field(default_factory=TicketLabels)
    # From today's service times (the hall's queue summary); None when not known yet.
    estimated_wait_minutes: int | None = None

    def rows(self) -> list[tuple[Row, str]]:
        """The ticket from top to bottom."""
        labels = self.labels
        rows = [(Row.HALL, self.hall_name), (Row.RULE, ""), (Row.BUSINESS, self.business_type_name),
                (Row.LABEL, labels.your_number), (Row.NUMBER, self.number)]
        if self.green_channel:
            rows.append((Row.INFO, labels.green_channel))
        rows.append((Row.INFO, labels.waiting_ahead.replace("%1", str(self.waiting_ahead))))
        if self.estimated_wait_minutes and self.waiting_ahead:  # nobody ahead: no wait to promise
            rows.append((Row.INFO, labels.estimated_wait.replace("%1", str(self.estimated_wait_minutes))))
        rows += [(Row.SMALL, labels.issued_at.replace("%1", self.issued_at.strftime("%Y-%m-%d %H:%M"))),
                 (Row.RULE, ""), (Row.SMALL, labels.notice)]
        return rows


class TicketPrinter(ABC):
    """A printer of queue tickets."""

    @abstractmethod
    def print_ticket(self, ticket: TicketPrint) -> None:
        """Print one ticket, or raise PrinterError. May block on the device."""

    @abstractmethod
    def describe(self) -> str:
        """Where it prints, for logs and messages."""


class NullTicketPrinter(TicketPrinter):
    def print_ticket(self, ticket: TicketPrint) -> None:
        log.info("no ticket printer configured: ticket %s not printed", ticket.number)

    def describe(self) -> str:
        return "no printer"


# ---------------------------------------------------------------------------------------
# ESC/POS
# ---------------------------------------------------------------------------------------


class Connection(StrEnum):
    FILE = "file"  # a device file or a plain file: /dev/usb/lp0, LPT, a spool file
    SERIAL = "serial"
    NETWORK = "network"  # raw TCP, usually port 9100
    USB = "usb"


@dataclass(frozen=True)
class PrinterSettings:
    """How the kiosk reaches its printer. backend: "escpos", "system" (the OS printer,
    through Qt) or "none"."""

    backend: str = "none"
    connection: Connection = Connection.FILE
    device: str = ""  # file or serial port: /dev/usb/lp0, /dev/ttyUSB0, COM3
    baudrate: int = 9600
    flow_control: bool = False  # serial DSR/DTR hardware flow control
    host: str = ""
    port: int = 9100
    usb_vendor: int = 0
    usb_product: int = 0
    timeout: float = 10.0
    printer_name: str = ""  # the system printer's name; empty: the default one
    paper_width_mm: int = 80


def _rows_to_escpos(printer, ticket: TicketPrint, columns: int) -> None:
    """The ticket as ESC/POS commands into a python-escpos printer object."""
    printer.hw("INIT")
    printer._raw(CHINESE_ON)

    def text(value: str) -> None:
        printer._raw(value.encode(ENCODING, errors="replace") + b"\n")

    def size(n: int) -> None:
        # GS ! sizes single-byte characters, FS ! (double width and height) the Chinese ones.
        printer.set(custom_size=True, width=n, height=n)
        printer._raw(FS + b"!" + (b"\x0c" if n >= 2 else b"\x00"))

    printer.set(align="center")
    for kind, value in ticket.rows():
        if kind is Row.RULE:
            size(1)
            text("-" * columns)
        elif kind is Row.NUMBER:
            printer.set(bold=True)
            size(NUMBER_SIZE)
            text(value)
            printer.set(bold=False)
        elif kind in (Row.HALL, Row.BUSINESS):
            printer.set(bold=True)
            size(2)
            text(value)
            printer.set(bold=False)
        else:
            size(1)
            text(value)
    size(1)
    printer.cut()  # feeds the paper past the cutter (ESC d 6), then GS V 0


def escpos_bytes(ticket: TicketPrint, paper_width_mm: int = 80) -> bytes:
    """The ESC/POS bytes of one ticket."""
    from escpos.printer import Dummy

    dummy = Dummy()
    _rows_to_escpos(dummy, ticket, columns=48 if paper_width_mm >= 80 else 32)
    return dummy.output


class EscPosTicketPrinter(TicketPrinter):
    """A thermal receipt printer in ESC/POS. The ticket is composed in memory, then sent
    in one write over a connection opened for it (the device may be unplugged between
    tickets)."""

    def __init__(self, settings: PrinterSettings) -> None:
        self.settings = settings

    def describe(self) -> str:
        s = self.settings
        return {Connection.FILE: f"ESC/POS printer at {s.device}",
                Connection.SERIAL: f"ESC/POS printer on {s.device} at {s.baudrate} baud",
                Connection.NETWORK: f"ESC/POS printer at {s.host}:{s.port}",
                Connection.USB: f"ESC/POS USB printer {s.usb_vendor:04x}:{s.usb_product:04x}"}[s.connection]

    def _open(self):
        from escpos import printer as backends

        s = self.settings
        if s.connection is Connection.FILE:
            device = backends.File(s.device)
        elif s.connection is Connection.SERIAL:
            device = backends.Serial(s.device, baudrate=s.baudrate, timeout=s.timeout, dsrdtr=s.flow_control)
        elif s.connection is Connection.NETWORK:
            device = backends.Network(s.host, port=s.port, timeout=s.timeout)
        else:
            device = backends.Usb(s.usb_vendor, s.usb_product, timeout=int(s.timeout * 1000))
        device.open()
        return device

    def print_ticket(self, ticket: TicketPrint) -> None:
        from escpos.exceptions import Error as EscposError

        data = escpos_bytes(ticket, self.settings.paper_width_mm)
        try:
            device = self._open()
        except (EscposError, OSError) as exc:
            raise PrinterError(f"the {self.describe()} cannot be reached: {exc}") from exc
        try:
            device._raw(data)
        except Exception as exc:  # OSError, pyserial's and pyusb's errors, python-escpos's own
            raise PrinterError(f"printing on the {self.describe()} failed: {exc}") from exc
        finally:
            try:
                device.close()
            except Exception:  # closing a device that just failed may fail again
                log.debug("closing the printer failed", exc_info=True)


def make_printer(settings: PrinterSettings) -> TicketPrinter:
    """The printer `settings` name, for the backends that need no GUI toolkit."""
    if settings.backend == "none":
        return NullTicketPrinter()
    if settings.backend == "escpos":
        if settings.connection in (Connection.FILE, Connection.SERIAL) and not settings.device:
            raise PrinterError(f"printer.device is needed for an ESC/POS {settings.connection.value} printer")
        if settings.connection is Connection.NETWORK and not settings.host:
            raise PrinterError("printer.host is needed for an ESC/POS network printer")
        return EscPosTicketPrinter(settings)
    if settings.backend == "system":
        raise PrinterError("the system printer is printed through the GUI: use ui.kiosk.ticket_printing")
    raise PrinterError(f"unknown printer backend {settings.backend!r} (escpos, system or none)")


def spool_file(path: Path) -> PrinterSettings:
    """Settings for an ESC/POS printer that is a file (a device node or a spool file)."""
    return PrinterSettings(backend="escpos", connection=Connection.FILE, device=str(path))
