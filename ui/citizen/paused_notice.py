"""What the citizen screen shows while its window is paused: in large plain words, that
the window has paused, where the clerk went and when they will be back (去向公开), and
where else the applicant may go meanwhile (the AB角 backup window)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.pause_words import pause_line
from ui.words import fill
from workstation.protocol import queue as wire

_STYLE = """
QLabel#pausedLine { font-size: 40pt; font-weight: bold; color: #ffd36b; }
QLabel#pausedHint { font-size: 26pt; color: white; }
"""


class PausedNotice(QWidget):
    """Large plain words for a paused window; `show_pause(None)` empties it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pausedNotice")
        self.setStyleSheet(_STYLE)
        self.line = QLabel()
        self.line.setObjectName("pausedLine")
        self.hint = QLabel()
        self.hint.setObjectName("pausedHint")
        for label in (self.line, self.hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.line)
        layout.addSpacing(24)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self.pause: wire.PauseInfo | None = None

    def show_pause(self, pause: wire.PauseInfo | None, backup: int | None = None) -> None:
        self.pause = pause
        if pause is None:
            self.line.setText("")
            self.hint.setText("")
            return
        self.line.setText(pause_line(pause))
        if backup is not None:
            self.hint.setText(fill(self.tr("Meanwhile, window %1 can serve you."), backup))
        else:
            self.hint.setText(self.tr("Please wait a moment. Thank you for your patience."))
