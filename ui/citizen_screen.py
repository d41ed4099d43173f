"""The screen that faces the applicant (评价器 / 群众屏): large text, plain words."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QLocale, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class CitizenScreen(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("citizenScreen")
        self.setWindowTitle(self.tr("Citizen screen"))
        self.hall = QLabel()
        self.hall.setObjectName("citizenHall")
        self.welcome = QLabel()
        self.welcome.setObjectName("citizenWelcome")
        self.window_number = QLabel()
        self.window_number.setObjectName("citizenWindow")
        self.clock = QLabel()
        self.clock.setObjectName("citizenClock")
        for label in (self.hall, self.welcome, self.window_number, self.clock):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addWidget(self.hall)
        layout.addStretch(1)
        layout.addWidget(self.welcome)
        layout.addStretch(1)
        layout.addWidget(self.window_number)
        layout.addWidget(self.clock)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        self._tick()

    def show_welcome(self, hall_name: str | None, welcome: str | None, window: int | None) -> None:
        self.hall.setText(hall_name or "")
        self.welcome.setText(welcome or self.tr("Welcome"))
        self.window_number.setText(self.tr("Window %1").replace("%1", str(window)) if window else "")

    def _tick(self) -> None:
        now = QDateTime.currentDateTime()
        self.clock.setText(QLocale().toString(now, "yyyy-MM-dd dddd HH:mm"))

    def place(self, mode: str) -> None:
        """On the second monitor, full screen, when there is one; otherwise a window."""
        if mode == "off":
            return
        screens = QGuiApplication.screens()
        if mode == "auto" and len(screens) > 1:
            second = screens[1]
            self.setScreen(second)
            self.setGeometry(second.geometry())
            self.showFullScreen()
        else:
            self.resize(1024, 640)
            self.show()
