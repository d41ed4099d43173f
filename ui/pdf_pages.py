"""A PDF's pages as images (PDFium through pypdfium2): for the applicant's preview on the
citizen screen and for printing. Qt for Python ships no PDF renderer of its own here."""

from __future__ import annotations

import threading

from PySide6.QtGui import QImage

_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one render at a time in this process


def page_images(pdf: bytes, dpi: float = 150.0, first_only: bool = False) -> list[QImage]:
    """Every page (or the first) rendered at `dpi`. CPU work of tens of milliseconds a
    page: call it off the GUI thread. QImage may be made on any thread."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            images = []
            for index in range(1 if first_only else len(document)):
                bitmap = document[index].render(scale=dpi / 72.0)
                # BGR(x) from PDFium; QImage copies it so the bitmap may go.
                fmt = QImage.Format.Format_RGB888 if bitmap.n_channels == 3 else QImage.Format.Format_RGB32
                image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, fmt)
                image = image.rgbSwapped() if bitmap.n_channels == 3 else image.copy()
                image.setDotsPerMeterX(round(dpi / 0.0254))
                image.setDotsPerMeterY(round(dpi / 0.0254))
                images.append(image)
            return images
        finally:
            document.close()
