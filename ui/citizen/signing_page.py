"""The citizen screen's signing page: the document the applicant is given, readable, and a
large area to sign it. Plain words, big buttons.

The applicant must be able to read what they sign, and many are elderly: a page is drawn
as wide as the viewer allows and never smaller than READABLE_SCALE (the document's 9 pt
table text at 16 px and more on screen), sharp at every zoom because PDFium draws it at
the size it is shown. 上一页/下一页 go through the pages, 放大/缩小 zoom, and a zoomed page
scrolls by dragging it (finger or pen) or with the wide scroll bars. The title says the
document on one line and the 办件编号 on its own line, never broken inside the number."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.citizen.signature_pad import SignaturePad, render_png
from ui.pdf_pages import RenderedPage, render_page
from ui.tasks import run_in_background, while_alive
from ui.words import fill
from workstation.documents.signature import Signature

# The smallest scale a page is shown at, in pixels per point: the documents' table and
# body text (9–10 pt) at 16 px or more, their smallest notes (8 pt) at 14 px.
READABLE_SCALE = 16 / 9
# Zoom steps, as multiples of the readable page width; 1.0 is where a page opens, the
# smallest shows a whole A4 page on the 1920×1080 citizen screen (to see where things are).
ZOOMS = (0.3, 0.5, 0.7, 1.0, 1.25, 1.5, 2.0, 2.5)
_A4_WIDTH_PT = 595.28
_PAGE_MARGIN = 8  # pixels of grey around the page


class SigningPage(QWidget):
    """Emits `signed(Signature)` when the applicant confirms."""

    signed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signingPage")
        self.title = QLabel()
        self.title.setObjectName("signingTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number = QLabel()
        self.number.setObjectName("signingNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Neither wraps: a 办件编号 broken over two lines cannot be read back or compared.
        for label in (self.title, self.number):
            label.setWordWrap(False)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.preview = QLabel(self.tr("Preparing the document…"))
        self.preview.setObjectName("signingPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview.setMargin(_PAGE_MARGIN)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("signingPreviewArea")
        self.scroll.setWidget(self.preview)
        self.scroll.setWidgetResizable(True)
        # Always there, so the page's width (and so its scale) does not jump when it appears.
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.setMinimumWidth(420)
        # Drag the page to move it, with a finger or the pen, as on a phone.
        QScroller.grabGesture(self.scroll.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)

        self.previous_button = QPushButton(self.tr("◀ Previous page"))
        self.previous_button.setObjectName("signingPrevious")
        self.page_label = QLabel()
        self.page_label.setObjectName("signingPageNumber")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = QPushButton(self.tr("Next page ▶"))
        self.next_button.setObjectName("signingNext")
        self.zoom_out_button = QPushButton(self.tr("Smaller"))
        self.zoom_out_button.setObjectName("signingZoomOut")
        self.zoom_in_button = QPushButton(self.tr("Larger"))
        self.zoom_in_button.setObjectName("signingZoomIn")
        tools = QHBoxLayout()
        tools.addWidget(self.previous_button)
        tools.addWidget(self.page_label, 1)
        tools.addWidget(self.next_button)
        tools.addSpacing(32)
        tools.addWidget(self.zoom_out_button)
        tools.addWidget(self.zoom_in_button)
        viewer = QVBoxLayout()
        viewer.addWidget(self.scroll, 1)
        viewer.addLayout(tools)

        self.instruction = QLabel(self.tr("Please read the document on the left (drag it with a finger or "
                                          "the pen to move it), then sign in the box below with the pen."))
        self.instruction.setObjectName("signingInstruction")
        self.instruction.setWordWrap(True)
        self.pad = SignaturePad()
        self.clear_button = QPushButton(self.tr("Clear and sign again"))
        self.clear_button.setObjectName("signingClear")
        self.confirm_button = QPushButton(self.tr("Confirm my signature"))
        self.confirm_button.setObjectName("signingConfirm")
        self.confirm_button.setEnabled(False)
        for button in (self.clear_button, self.confirm_button, self.previous_button, self.next_button,
                       self.zoom_out_button, self.zoom_in_button):
            button.setMinimumHeight(72)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the clerk's keyboard never presses them
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addSpacing(24)
        buttons.addWidget(self.confirm_button, 1)

        right = QVBoxLayout()
        right.addWidget(self.instruction)
        right.addWidget(self.pad, 1)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addLayout(viewer, 5)
        body.addSpacing(24)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.number)
        layout.addLayout(body, 1)

        self._pdf: bytes | None = None
        self._page = 0
        self._count = 0
        self._zoom = ZOOMS.index(1.0)
        self._page_width_pt = _A4_WIDTH_PT
        self._generation = 0  # a render answered after a newer request is dropped
        self.shown: RenderedPage | None = None  # the page in view, as drawn
        self._shown_generation = 0
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(120)
        self._refit.timeout.connect(self._fit_changed)
        self._fitted_width = 0

        self.pad.changed.connect(self._changed)
        self.clear_button.clicked.connect(self.pad.clear)
        self.confirm_button.clicked.connect(self._confirm)
        self.previous_button.clicked.connect(lambda: self.go_to_page(self._page - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self._page + 1))
        self.zoom_in_button.clicked.connect(lambda: self._set_zoom(self._zoom + 1))
        self.zoom_out_button.clicked.connect(lambda: self._set_zoom(self._zoom - 1))
        self._update_tools()

    # ------------------------------------------------------------ what is shown

    def start(self, title: str, case_number: str) -> None:
        """A new document to sign: its title and 办件编号 at once, its pages as they render."""
        self.title.setText(title)
        self.number.setText(fill(self.tr("Case number %1"), case_number))
        self._pdf, self._page, self._count, self.shown = None, 0, 0, None
        self._zoom = ZOOMS.index(1.0)
        self._generation += 1
        self.preview.setPixmap(QPixmap())
        self.preview.setText(self.tr("Preparing the document…"))
        self.pad.clear()
        self._update_tools()

    def show_document(self, pdf: bytes) -> None:
        """The document's PDF: its first page is drawn at a readable size off the GUI thread."""
        self._pdf, self._page, self._count = pdf, 0, 0
        self._render(to_top=True)

    @property
    def scale(self) -> float:
        """Pixels per point the page is drawn at: as wide as the viewer, never smaller than
        READABLE_SCALE, times the applicant's zoom."""
        return self._base_scale() * ZOOMS[self._zoom]

    @property
    def settled(self) -> bool:
        """The page in view is drawn for the current page, zoom and viewer size (no newer
        render pending)."""
        return (self.shown is not None and self._shown_generation == self._generation
                and not self._refit.isActive() and self.scroll.viewport().width() == self._fitted_width)

    @property
    def page(self) -> int:
        return self._page

    @property
    def page_count(self) -> int:
        return self._count

    def go_to_page(self, index: int) -> None:
        if self._pdf is None or not 0 <= index < max(self._count, 1) or index == self._page:
            return
        self._page = index
        self._render(to_top=True)

    def _base_scale(self) -> float:
        room = self.scroll.viewport().width() - 2 * _PAGE_MARGIN
        return max(room / self._page_width_pt, READABLE_SCALE)

    def _set_zoom(self, step: int) -> None:
        step = max(0, min(step, len(ZOOMS) - 1))
        if step != self._zoom:
            self._zoom = step
            self._render(to_top=False)

    def _render(self, *, to_top: bool) -> None:
        if self._pdf is None:
            return
        self._generation += 1
        generation, pdf, index, scale = self._generation, self._pdf, self._page, self.scale
        self._update_tools()
        run_in_background(lambda: render_page(pdf, index, scale),
                          while_alive(self, lambda page: self._rendered(generation, page, to_top)),
                          while_alive(self, lambda exc: self._render_failed(generation, exc)))

    def _rendered(self, generation: int, page: RenderedPage, to_top: bool) -> None:
        if generation != self._generation:
            return
        to_top = to_top or self.shown is None  # a new document opens at its top left corner
        bars = self.scroll.horizontalScrollBar(), self.scroll.verticalScrollBar()
        # The point the applicant was looking at (the middle of the view, as a share of the
        # page) stays in the middle across a zoom.
        kept = [(bar.value() + bar.pageStep() / 2) / (bar.maximum() + bar.pageStep()) for bar in bars]
        self.shown = page
        self._shown_generation = generation
        self._count, self._page = page.count, page.index
        self._page_width_pt = page.width_pt
        self._fitted_width = self.scroll.viewport().width()
        self.preview.setPixmap(QPixmap.fromImage(page.image))
        self.preview.adjustSize()
        self._update_tools()

        def place() -> None:
            for bar, middle in zip(bars, kept, strict=True):
                span = bar.maximum() + bar.pageStep()
                bar.setValue(0 if to_top else round(middle * span - bar.pageStep() / 2))

        # Once the scroll area knows the new page's size; never after the page is gone.
        QTimer.singleShot(0, while_alive(self.scroll, place))

    def _render_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(fill(self.tr("The document cannot be shown: %1"), error))

    def _update_tools(self) -> None:
        loaded = self._pdf is not None and self._count > 0
        self.page_label.setText(fill(self.tr("Page %1 of %2"), self._page + 1, self._count) if loaded else "")
        self.previous_button.setEnabled(loaded and self._page > 0)
        self.next_button.setEnabled(loaded and self._page < self._count - 1)
        self.zoom_out_button.setEnabled(loaded and self._zoom > 0)
        self.zoom_in_button.setEnabled(loaded and self._zoom < len(ZOOMS) - 1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._refit.start()  # the screen settled at another size: draw the page to fit it

    @Slot()
    def _fit_changed(self) -> None:
        if self._pdf is not None and self.scroll.viewport().width() != self._fitted_width:
            self._render(to_top=False)

    # ------------------------------------------------------------ signing

    @Slot()
    def _changed(self) -> None:
        self.confirm_button.setEnabled(self.pad.has_signature())

    @Slot()
    def _confirm(self) -> None:
        if not self.pad.has_signature():
            return
        strokes = self.pad.strokes()
        signature = Signature(strokes, self.pad.width(), self.pad.height(), render_png(strokes),
                              datetime.now(UTC), self.pad.source)
        self.confirm_button.setEnabled(False)
        self.signed.emit(signature)
