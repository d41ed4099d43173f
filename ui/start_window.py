"""The first window a clerk sees: enrolment on a new PC (IT's one-time code), then login.

It shows at once; the connection to the hall is made in the background and the window
says plainly what it is waiting for."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.tasks import run_in_background
from workstation.app.workstation import Clerk, Connection, EnrolmentFailed, LoginFailed, Stage, Workstation
from workstation.config import InsecureServer
from workstation.embedded import EmbeddedHallError
from workstation.store.errors import StoreError
from workstation.sync.errors import HallRefused, HallUnreachable


class StartWindow(QWidget):
    logged_in = Signal(object)  # Clerk
    device_ready = Signal()  # kiosk and display: enrolled and connected, no login

    def __init__(self, workstation: Workstation) -> None:
        super().__init__()
        self.workstation = workstation
        self.device_only = workstation.kind != "workstation"
        self.connection: Connection | None = None
        self.setObjectName("startWindow")
        self.setWindowTitle(self.tr("Counter workstation"))
        self.setMinimumSize(520, 440)

        self.hall = QLabel(self.tr("Government service hall"))
        self.hall.setObjectName("hallTitle")
        self.hall.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = QLabel(self.tr("Counter workstation"))
        self.subtitle.setObjectName("subtitle")
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_login())
        self.pages.addWidget(self._build_enrol())

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 24)
        layout.addWidget(self.hall)
        layout.addWidget(self.subtitle)
        layout.addSpacing(16)
        layout.addWidget(self.pages)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self._say(self.tr("Connecting to the hall server…"))

    # pages

    def _build_login(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.window_label = QLabel("–")
        self.window_label.setObjectName("windowNumber")
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText(self.tr("Your account"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.login_button = QPushButton(self.tr("Log in"))
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.login_button.setEnabled(False)
        form.addRow(self.tr("Window"), self.window_label)
        form.addRow(self.tr("&Account"), self.username)
        form.addRow(self.tr("&Password"), self.password)
        form.addRow(self.login_button)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.login)
        self.login_button.clicked.connect(self.login)
        return page

    def _build_enrol(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.enrol_explanation = explain = QLabel(self.tr("This PC is not enrolled with the hall server yet. Enter the "
                                 "one-time enrolment code that IT gave you for this window."))
        explain.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setObjectName("enrolmentCode")
        self.code.setPlaceholderText("XXXX-XXXX-XXXX")
        self.enrol_button = QPushButton(self.tr("Enrol this PC"))
        self.enrol_button.setObjectName("enrolButton")
        form.addRow(explain)
        form.addRow(self.tr("Enrolment &code"), self.code)
        form.addRow(self.enrol_button)
        self.code.returnPressed.connect(self.enrol)
        self.enrol_button.clicked.connect(self.enrol)
        return page

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setProperty("error", error)
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # connecting

    def start(self) -> None:
        self.show()
        self.username.setFocus()
        run_in_background(self.workstation.connect, self._connected, self._connect_failed)

    @Slot(object)
    def _connected(self, connection: Connection) -> None:
        self.connection = connection
        if connection.hall_name:
            self.hall.setText(connection.hall_name)
        if connection.stage is Stage.NEEDS_ENROLMENT:
            self.pages.setCurrentIndex(1)
            self.code.setFocus()
            if connection.untrusted:
                self._say(self.tr("The hall server's certificate is not the hall's, so nothing is sent "
                                  "to it: %1. Enrolment needs the hall; tell IT.")
                          .replace("%1", connection.untrusted), True)
            elif connection.online:
                self._say(self.tr("Connected to %1").replace("%1", connection.url))
            else:
                self._say(self.tr("The hall server at %1 cannot be reached. Enrolment needs it; "
                                  "check the network and try again.").replace("%1", connection.url), True)
            return
        if self.device_only:
            self.device_ready.emit()
            return
        self._show_login()
        if connection.revoked:
            self._say(self.revoked_words(connection.revoked), True)
        elif connection.untrusted:
            self._say(self.tr("The hall server's certificate is not the hall's, so nothing is sent "
                              "to it: %1. You can log in if you have logged in at this PC before; "
                              "work is saved here. Tell IT.").replace("%1", connection.untrusted), True)
        elif not connection.online:
            self._say(self.tr("The hall server cannot be reached. You can log in if you have "
                              "logged in at this PC before; work is saved here and uploaded later."), True)
        elif not connection.keyring_persistent and not connection.embedded:
            self._say(self.tr("This PC has no system keyring: it will be enrolled again at the "
                              "next start, and applicants' data saved here is not encrypted. Tell IT."))
        else:
            self._say(self.tr("Connected to the hall server."))
        if connection.store_set_aside:
            self._say(self.tr("The key of this PC's local store is no longer in the system keyring, so its "
                              "saved work cannot be read: %1 records had not reached the hall. A new store "
                              "was started and you can work on. Tell IT (the old store is kept as %2).")
                      .replace("%1", str(connection.store_unsent_lost)).replace("%2", connection.store_set_aside),
                      True)

    def _show_login(self) -> None:
        window = self.workstation.device.window if self.workstation.device else None
        self.window_label.setText(self.tr("Window %1").replace("%1", str(window)) if window else "–")
        self.pages.setCurrentIndex(0)
        self.login_button.setEnabled(True)
        if not self.username.text():
            self.username.setFocus()

    @Slot(object)
    def _connect_failed(self, error: BaseException) -> None:
        if isinstance(error, InsecureServer) and error.plain_url:
            self._say(self.tr("Not connecting to %1: it is addressed with plain http://, so passwords "
                              "and applicants' data would cross the network unencrypted. Use https:// "
                              "with the hall's CA in server.ca_file, or set server.allow_plain_http = "
                              "true if the network is protected otherwise.").replace("%1", error.plain_url),
                      True)
            return
        if isinstance(error, InsecureServer):
            text = self.tr("Not connecting: %1")
        elif isinstance(error, EmbeddedHallError):
            text = self.tr("The demo hall server could not start: %1")
        elif isinstance(error, StoreError):
            text = self.tr("The local store cannot be opened: %1")
        else:
            text = self.tr("Cannot start: %1")
        self._say(text.replace("%1", str(error)), True)

    # enrolment

    @Slot()
    def enrol(self) -> None:
        code = self.code.text().strip()
        if not code:
            self._say(self.tr("Enter the enrolment code."), True)
            return
        self.enrol_button.setEnabled(False)
        self._say(self.tr("Enrolling…"))
        run_in_background(lambda: self.workstation.enrol(code), self._enrolled, self._enrol_failed)

    @Slot(object)
    def _enrolled(self, _device) -> None:
        self.enrol_button.setEnabled(True)
        if self.device_only:
            self.device_ready.emit()
            return
        self._say(self.tr("This PC is enrolled. Log in with your account."))
        self._show_login()

    @Slot(object)
    def _enrol_failed(self, error: BaseException) -> None:
        self.enrol_button.setEnabled(True)
        if isinstance(error, EnrolmentFailed):
            self._say(self.tr("The code was not accepted: it is wrong, used or expired."), True)
        elif isinstance(error, HallUnreachable):
            self._say(self.tr("The hall server cannot be reached; try again."), True)
        else:
            self._say(self.tr("Enrolment failed: %1").replace("%1", str(error)), True)

    # login

    @Slot()
    def login(self) -> None:
        if not self.login_button.isEnabled():
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self._say(self.tr("Enter your account and password."), True)
            return
        self.login_button.setEnabled(False)
        self._say(self.tr("Logging in…"))
        run_in_background(lambda: self.workstation.login(username, password),
                          self._logged_in, self._login_failed)

    @Slot(object)
    def _logged_in(self, clerk: Clerk) -> None:
        self.password.clear()
        self.login_button.setEnabled(True)
        self.logged_in.emit(clerk)

    @Slot(object)
    def _login_failed(self, error: BaseException) -> None:
        self.login_button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        if isinstance(error, LoginFailed) and error.revoked:
            self._say(self.revoked_words(str(error)), True)
        elif isinstance(error, LoginFailed) and error.locked_for is not None:
            from datetime import datetime, timedelta

            until = datetime.now() + timedelta(seconds=error.locked_for)
            self._say(self.tr("Too many failed logins: logging in is locked until %1. An "
                              "administrator can unlock it sooner.").replace("%1", f"{until:%H:%M}"), True)
        elif isinstance(error, LoginFailed) and "unreachable" in str(error):
            self._say(self.tr("The hall server cannot be reached and this account has not "
                              "logged in at this PC before."), True)
        elif isinstance(error, LoginFailed | HallRefused):
            self._say(self.tr("Wrong account or password."), True)
        else:
            self._say(self.tr("Login failed: %1").replace("%1", str(error)), True)

    def revoked_words(self, detail: str) -> str:
        """An admin revoked this PC: nobody logs in here, its saved work stays on it."""
        return (self.tr("This PC was disabled by the administrator. Please contact IT.") + "\n"
                + self.tr("Nobody can log in here; the work saved on this PC stays on it. (%1)").replace("%1", detail))

    def session_ended(self, idle: bool, detail: str) -> None:
        """Told after the main window closed because the server ended the session."""
        if idle:
            self._say(self.tr("You were logged out because the workstation was not used for a "
                              "while. Log in again."), True)
        else:
            self._say(self.tr("The hall server ended your session (%1). Log in again.").replace("%1", detail), True)

    def reset_for_login(self) -> None:
        self._show_login()
        # The next clerk types over the last one's account; the same clerk just tabs on.
        self.username.selectAll()
        self.username.setFocus()
        self._say(self.tr("Logged out."))
