"""The ticket on the system printer (or a PDF), drawn with QPainter in the same layout as
the ESC/POS ticket (workstation.devices.printer.TicketPrint.rows).

QPainter may draw on a QPrinter outside the GUI thread, so `print_ticket` runs in the
background like any other device I/O."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QGuiApplication, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from workstation.devices.printer import (
    PrinterError,
    PrinterSettings,
    Row,
    TicketPrint,
    TicketPrinter,
    make_printer,
)

# Point sizes of each kind of row on an 80 mm ticket.
_SIZES = {Row.HALL: 13, Row.BUSINESS: 16, Row.LABEL: 10, Row.NUMBER: 44, Row.INFO: 12, Row.SMALL: 9}
_BOLD = {Row.HALL, Row.BUSINESS, Row.NUMBER}
TICKET_HEIGHT_MM = 90


def render_ticket(painter: QPainter, area: QRectF, ticket: TicketPrint, family: str | None = None) -> None:
    """Draw `ticket` into `area` (device coordinates of `painter`)."""
    family = family or QGuiApplication.font().family()
    dpi = painter.device().logicalDpiY()
    width = area.width() / (80 / 25.4 * dpi)  # the paper's width relative to 80 mm
    y = area.top()
    painter.setPen(QPen(Qt.GlobalColor.black))
    for kind, text in ticket.rows():
        if kind is Row.RULE:
            gap = dpi * 0.06
            painter.drawLine(area.left(), y + gap, area.right(), y + gap)
            y += 2 * gap
            continue
        font = QFont(family)
        font.setPointSizeF(_SIZES[kind] * max(0.6, min(1.0, width)))
        font.setBold(kind in _BOLD)
        painter.setFont(font)
        metrics = QFontMetricsF(font, painter.device())
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap)
        bounds = metrics.boundingRect(QRectF(area.left(), 0, area.width(), 10 * area.height()), flags, text)
        painter.drawText(QRectF(area.left(), y, area.width(), bounds.height()), flags, text)
        y += bounds.height() + metrics.leading() + dpi * 0.02


class SystemTicketPrinter(TicketPrinter):
    """A printer the operating system knows (by name, or the default one), or a PDF file."""

    def __init__(self, printer_name: str = "", pdf_path: Path | None = None,
                 paper_width_mm: int = 80) -> None:
        self.printer_name = printer_name
        self.pdf_path = pdf_path
        self.paper_width_mm = paper_width_mm

    def describe(self) -> str:
        if self.pdf_path is not None:
            return f"PDF file {self.pdf_path}"
        return f"system printer {self.printer_name or '(default)'}"

    def print_ticket(self, ticket: TicketPrint) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.pdf_path is not None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(self.pdf_path))
        else:
            name = self.printer_name or QPrinterInfo.defaultPrinterName()
            if not name:
                raise PrinterError("no system printer is set up on this PC")
            printer.setPrinterName(name)
            if not printer.isValid():
                raise PrinterError(f"the system printer {name!r} is not available")
        size = QPageSize(QSizeF(self.paper_width_mm, TICKET_HEIGHT_MM), QPageSize.Unit.Millimeter,
                         "ticket", QPageSize.SizeMatchPolicy.ExactMatch)
        printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait,
                                          QMarginsF(4, 4, 4, 4), QPageLayout.Unit.Millimeter))
        painter = QPainter()
        if not painter.begin(printer):
            raise PrinterError(f"the {self.describe()} cannot be opened")
        try:
            page = printer.pageLayout().paintRectPixels(printer.resolution())
            render_ticket(painter, QRectF(0, 0, page.width(), page.height()), ticket)  # origin: the margin
        finally:
            painter.end()


def make_ticket_printer(settings: PrinterSettings) -> TicketPrinter:
    """Any configured printer, the system one included."""
    if settings.backend == "system":
        return SystemTicketPrinter(settings.printer_name, paper_width_mm=settings.paper_width_mm)
    return make_printer(settings)
