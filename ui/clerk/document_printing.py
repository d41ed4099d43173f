"""Printing an issued document through the system printer (QPrinter), with a preview.

The pages are rendered off the GUI thread (PDFium, 200 dpi) before the preview opens;
the preview and the print then only scale those images onto the page."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

PRINT_DPI = 200.0


def a4_printer(printer: QPrinter | None = None) -> QPrinter:
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the document has its own margins
    printer.setDocName("counter-document")
    return printer


def paint_pages(printer: QPrinter, pages: list[QImage]) -> bool:
    """Put each page image on a sheet, fitted and centred. False when the printer
    would not start (no printer, a cancelled file dialog…)."""
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        for index, image in enumerate(pages):
            if index:
                printer.newPage()
            sheet = QRectF(painter.viewport())
            scale = min(sheet.width() / image.width(), sheet.height() / image.height())
            width, height = image.width() * scale, image.height() * scale
            target = QRectF(sheet.x() + (sheet.width() - width) / 2, sheet.y() + (sheet.height() - height) / 2,
                            width, height)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, image)
    finally:
        painter.end()
    return True


def preview_and_print(parent: QWidget, pages: list[QImage], title: str) -> str | None:
    """Show the print preview; returns the printer's name once printed, None if the clerk
    closed it without printing."""
    printer = a4_printer()
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(QCoreApplication.translate("DocumentPrinting", "Print %1").replace("%1", title))
    dialog.setWindowState(dialog.windowState() | Qt.WindowState.WindowMaximized)
    dialog.paintRequested.connect(lambda target: paint_pages(target, pages))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer.printerName() or printer.outputFileName() or "default"

