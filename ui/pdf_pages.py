"""A PDF's pages as images (PDFium through pypdfium2): for the applicant's preview on the
citizen screen and for printing. Qt for Python ships no PDF renderer of its own here."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtGui import QImage

_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one render at a time in this process


@dataclass(frozen=True)
class RenderedPage:
    """One page at a scale: its image, which page of how many, and its size in points."""

    image: QImage
    index: int
    count: int
    width_pt: float
    height_pt: float
    scale: float  # pixels per point


def _image(bitmap, dpi: float) -> QImage:
    # BGR(x) from PDFium; QImage copies it so the bitmap may go.
    fmt = QImage.Format.Format_RGB888 if bitmap.n_channels == 3 else QImage.Format.Format_RGB32
    image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, fmt)
    image = image.rgbSwapped() if bitmap.n_channels == 3 else image.copy()
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    return image


def page_images(pdf: bytes, dpi: float = 150.0, first_only: bool = False) -> list[QImage]:
    """Every page (or the first) rendered at `dpi`. CPU work of tens of milliseconds a
    page: call it off the GUI thread. QImage may be made on any thread."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            return [_image(document[index].render(scale=dpi / 72.0), dpi)
                    for index in range(1 if first_only else len(document))]
        finally:
            document.close()


def render_page(pdf: bytes, index: int, scale: float) -> RenderedPage:
    """Page `index` (clamped to the document) at `scale` pixels per point, drawn at the size
    it is shown so the text stays sharp at any zoom. Off the GUI thread, as page_images."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            count = len(document)
            index = max(0, min(index, count - 1))
            page = document[index]
            width, height = page.get_size()
            image = _image(page.render(scale=scale), scale * 72.0)
            return RenderedPage(image, index, count, width, height, scale)
        finally:
            document.close()
