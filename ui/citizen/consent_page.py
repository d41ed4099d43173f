"""材料复用 on the citizen screen: may the hall keep the materials handed in today, so that
next time they need not be brought again? Large plain words and two large buttons for an
elderly applicant; the materials listed with until when each would be kept. Nobody
touching it for the given time counts as 不同意: nothing is kept without a yes."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui.words import fill

_STYLE = """
QLabel#consentQuestion { font-size: 40pt; font-weight: bold; color: #ffd36b; }
QLabel#consentMaterials { font-size: 26pt; color: white; }
QLabel#consentHint { font-size: 22pt; color: #c9d6e8; }
QPushButton { color: white; border: none; border-radius: 16px; font-size: 44pt; font-weight: bold;
              padding: 16px; min-height: 120px; }
QPushButton#consentYes { background: #17703a; }
QPushButton#consentNo { background: #4a5a70; }
QPushButton:pressed { background: #0b3d91; }
"""


class ConsentPage(QWidget):
    """`ask(materials)` shows the question; `answered(bool)` tells the answer once (False
    also when the time runs out: `timed_out` is True then)."""

    answered = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consentPage")
        self.setStyleSheet(_STYLE)
        self.active = False
        self.timed_out = False
        self.question = QLabel(self.tr("May this centre keep the materials you handed in today, so that you "
                                       "need not bring them again next time?"))
        self.question.setObjectName("consentQuestion")
        self.materials = QLabel()
        self.materials.setObjectName("consentMaterials")
        self.materials.setTextFormat(Qt.TextFormat.RichText)
        self.hint = QLabel(self.tr("If you do not agree, nothing is kept. Either way your application goes on."))
        self.hint.setObjectName("consentHint")
        for label in (self.question, self.materials, self.hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        self.yes = QPushButton(self.tr("Agree"))
        self.yes.setObjectName("consentYes")
        self.no = QPushButton(self.tr("Do not agree"))
        self.no.setObjectName("consentNo")
        for button in (self.yes, self.no):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.yes.clicked.connect(lambda: self._answer(True))
        self.no.clicked.connect(lambda: self._answer(False))
        buttons = QHBoxLayout()
        buttons.setSpacing(48)
        buttons.addWidget(self.yes)
        buttons.addWidget(self.no)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.question)
        layout.addSpacing(16)
        layout.addWidget(self.materials)
        layout.addSpacing(24)
        layout.addLayout(buttons)
        layout.addSpacing(12)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._time_out)

    def ask(self, materials: list[tuple[str, str]], timeout: float = 90.0) -> None:
        """Ask about `materials`, each (name, kept until as text)."""
        until_words = self.tr("kept until %1")
        rows = "".join(f"<tr><td style='padding-right:24px'>{html.escape(name)}</td>"
                       f"<td style='color:#c9d6e8'>{html.escape(fill(until_words, until))}</td></tr>"
                       for name, until in materials)
        self.materials.setText(f"<table align='center' cellspacing='6'>{rows}</table>")
        self.active, self.timed_out = True, False
        if timeout > 0:
            self._idle.start(round(timeout * 1000))

    def cancel(self) -> None:
        """Stop asking without an answer (the clerk went on, or logged out)."""
        self._idle.stop()
        self.active = False

    @Slot()
    def _time_out(self) -> None:
        if self.active:
            self.timed_out = True
            self._answer(False)

    def _answer(self, given: bool) -> None:
        if not self.active:
            return
        self.cancel()
        self.answered.emit(given)
