"""The clerk's screen locks after ui.lock_minutes without a key, click or touch anywhere in
the application (the citizen screen's signing and rating count): the main window is hidden,
the citizen screen shows nothing personal, and the clerk's password opens it again. Five
wrong passwords log the clerk out."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.tasks import run_in_background

ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                      QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
                      QEvent.Type.TabletPress, QEvent.Type.TabletMove})
MAX_TRIES = 5


class IdleWatch(QObject):
    """Emits `idle` once the application has had no input for `minutes`; `reset` (or any
    input) starts the count again. Input only stamps a time: a timer compares it, so the
    GUI thread pays almost nothing per event."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seconds = minutes * 60
        self._last = time.monotonic()
        self._armed = True
        self._timer = QTimer(self)
        self._timer.setInterval(int(max(0.2, min(5.0, self.seconds / 10)) * 1000))
        self._timer.timeout.connect(self._check)
        QApplication.instance().installEventFilter(self)
        self._timer.start()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in ACTIVITY:
            self._last = time.monotonic()
        return False

    def reset(self) -> None:
        self._last = time.monotonic()
        self._armed = True

    @Slot()
    def _check(self) -> None:
        if self._armed and time.monotonic() - self._last >= self.seconds:
            self._armed = False  # once, until reset
            self.idle.emit()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockWindow(QWidget):
    """Shown instead of the main window while it is locked: whose screen it is, and the
    password to open it again (checked off the GUI thread by `check`, which raises on a
    wrong one)."""

    unlocked = Signal()
    logout_requested = Signal()

    def __init__(self, display_name: str, check) -> None:
        super().__init__()
        self.setObjectName("lockWindow")
        self.setWindowTitle(self.tr("Screen locked"))
        self.setMinimumSize(480, 320)
        self._check = check
        self._tries = 0
        title = QLabel(self.tr("The screen is locked"))
        title.setObjectName("hallTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        who = QLabel(self.tr("Logged in: %1. Enter your password to go on.").replace("%1", display_name))
        who.setWordWrap(True)
        who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.logout_button = QPushButton(self.tr("Log out"))
        self.logout_button.setObjectName("lockLogoutButton")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 24)
        for widget in (title, who, self.password, self.unlock_button, self.logout_button, self.message):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.password.returnPressed.connect(self.unlock)
        self.unlock_button.clicked.connect(self.unlock)
        self.logout_button.clicked.connect(self.logout_requested)

    def start(self) -> None:
        self._tries = 0
        self.password.clear()
        self.message.setText(self.tr("Locked after a time without use."))
        self.show()
        self.raise_()
        self.activateWindow()
        self.password.setFocus()

    @Slot()
    def unlock(self) -> None:
        password = self.password.text()
        self.password.clear()
        if not password or not self.unlock_button.isEnabled():
            if not password:
                self.message.setText(self.tr("Enter your password."))
            return
        self.unlock_button.setEnabled(False)
        run_in_background(lambda: self._check(password), self._opened, self._refused)

    @Slot(object)
    def _opened(self, _result) -> None:
        self.unlock_button.setEnabled(True)
        self.hide()
        self.unlocked.emit()

    @Slot(object)
    def _refused(self, _error) -> None:  # a wrong password (LoginFailed) or no cached credential
        self.unlock_button.setEnabled(True)
        self._tries += 1
        if self._tries >= MAX_TRIES:
            self.logout_requested.emit()
            return
        self.message.setText(self.tr("Wrong password (%1 more tries before you are logged out).")
                             .replace("%1", str(MAX_TRIES - self._tries)))
        self.password.setFocus()
