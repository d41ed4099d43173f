"""The citizen screen's signing page: the document the applicant is given, in view, and
a large area to sign it. Plain words, big buttons: 重写 (clear) and 确认签名 (confirm)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from ui.citizen.signature_pad import SignaturePad, render_png
from workstation.documents.signature import Signature


class SigningPage(QWidget):
    """Emits `signed(Signature)` when the applicant confirms."""

    signed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signingPage")
        self.title = QLabel()
        self.title.setObjectName("signingTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.preview = QLabel(self.tr("Preparing the document…"))
        self.preview.setObjectName("signingPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setObjectName("signingPreviewArea")
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(420)

        self.instruction = QLabel(self.tr("Please read the document on the left, then sign in the box below "
                                          "with the pen."))
        self.instruction.setObjectName("signingInstruction")
        self.instruction.setWordWrap(True)
        self.pad = SignaturePad()
        self.clear_button = QPushButton(self.tr("Clear and sign again"))
        self.clear_button.setObjectName("signingClear")
        self.confirm_button = QPushButton(self.tr("Confirm my signature"))
        self.confirm_button.setObjectName("signingConfirm")
        self.confirm_button.setEnabled(False)
        for button in (self.clear_button, self.confirm_button):
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
        body.addWidget(scroll, 2)
        body.addSpacing(24)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(body, 1)

        self.pad.changed.connect(self._changed)
        self.clear_button.clicked.connect(self.pad.clear)
        self.confirm_button.clicked.connect(self._confirm)

    def start(self, title: str, case_number: str) -> None:
        self.title.setText(self.tr("%1 — case number %2").replace("%1", title).replace("%2", case_number))
        self.preview.setPixmap(QPixmap())
        self.preview.setText(self.tr("Preparing the document…"))
        self.pad.clear()

    def show_preview(self, pages: list[QImage]) -> None:
        """The document's pages, one under the other, as wide as the preview area."""
        area = self.preview.parentWidget()  # the scroll area's viewport
        width = max(400, (area.width() if area is not None else self.preview.width()) - 4)
        scaled = [page.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation) for page in pages]
        sheet = QImage(width, sum(p.height() for p in scaled) + 12 * (len(scaled) - 1), QImage.Format.Format_RGB32)
        sheet.fill(Qt.GlobalColor.darkGray)
        painter = QPainter(sheet)
        top = 0
        for page in scaled:
            painter.drawImage(0, top, page)
            top += page.height() + 12
        painter.end()
        self.preview.setPixmap(QPixmap.fromImage(sheet))

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
