"""The supervisor role's window: a list of screens on the left, the chosen screen on the
right; and the front that logs the supervisor in and builds the screens."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.front import PersonFront, delete_widgets, role_word
from ui.supervisor.follow_ups import _STYLE, SUPERVISING_ROLES, FollowUpScreen
from ui.tasks import run_in_background
from ui.words import fill
from workstation.app.workstation import Clerk, Workstation
from workstation.config import Settings
from workstation.sync.errors import HallRefused

log = logging.getLogger(__name__)


class SupervisorWindow(QMainWindow):
    """The supervisor role's window: screens chosen on the left."""

    logout_requested = Signal()
    closed = Signal()

    def __init__(self, person: Clerk, hall_name: str | None) -> None:
        super().__init__()
        self.setObjectName("supervisorWindow")
        self.person = person
        self.setWindowTitle(fill(self.tr("Supervisor — %1"), hall_name or ""))
        self.resize(1280, 800)
        header = QWidget()
        header.setObjectName("header")
        head = QHBoxLayout(header)
        self.hall_label = QLabel(hall_name or "")
        self.hall_label.setObjectName("headerHall")
        self.person_label = QLabel(f"{person.display_name}（{role_word(person.role)}）")
        head.addWidget(self.hall_label)
        head.addStretch(1)
        head.addWidget(self.person_label)

        self.nav = QListWidget()
        self.nav.setObjectName("supervisorNav")
        self.nav.setFixedWidth(220)
        self.nav.setStyleSheet(_STYLE)
        self.screens = QStackedWidget()
        self.nav.currentRowChanged.connect(self.screens.setCurrentIndex)
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.screens, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 0, 8, 8)
        layout.addWidget(header)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)

        menu = self.menuBar().addMenu(self.tr("&Supervisor"))
        logout = QAction(self.tr("&Log out"), self)
        logout.setShortcut(QKeySequence("Ctrl+Shift+L"))
        logout.triggered.connect(self.logout_requested)
        quit_ = QAction(self.tr("&Quit"), self)
        quit_.setShortcut(QKeySequence.StandardKey.Quit)
        quit_.triggered.connect(self.close)
        menu.addAction(logout)
        menu.addAction(quit_)

    def show_hall(self, name: str) -> None:
        self.hall_label.setText(name)
        self.setWindowTitle(fill(self.tr("Supervisor — %1"), name))

    def add_screen(self, title: str, screen: QWidget) -> int:
        """Add a screen and its entry in the list; the first one added is shown."""
        index = self.screens.addWidget(screen)
        self.nav.addItem(title)
        if index == 0:
            self.nav.setCurrentRow(0)
        return index

    def show_message(self, text: str) -> None:
        """In place of the screens, when there is nothing to show (e.g. logged in offline)."""
        label = QLabel(text)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.add_screen(self.tr("Notice"), label)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.closed.emit()
        super().closeEvent(event)


class SupervisorApp(PersonFront):
    """The supervisor role: the start window's enrolment and login, then SupervisorWindow."""

    def __init__(self, workstation: Workstation, settings: Settings) -> None:
        super().__init__(workstation, settings)
        self.main_window: SupervisorWindow | None = None
        self.follow_ups: FollowUpScreen | None = None

    @Slot(object)
    def open_main(self, person: Clerk) -> None:
        from workstation.app.rating import FollowUpDesk

        if person.role not in SUPERVISING_ROLES:
            self._back_to_login()
            self.start_window.message.setText(self.tr("This account may not use the supervisor screens."))
            return
        window = SupervisorWindow(person, self.workstation.connection_hall_name())
        window.logout_requested.connect(self.logout)
        window.closed.connect(self._main_closed)
        try:
            desk = FollowUpDesk.for_workstation(self.workstation)
        except HallRefused:
            window.show_message(self.tr("Logged in while the hall server was unreachable: the supervisor "
                                        "screens need it. Log in again when it is back."))
        else:
            self.follow_ups = FollowUpScreen(desk)
            window.add_screen(self.tr("Bad-rating follow-up"), self.follow_ups)
        self.main_window = window
        window.show()
        self.start_window.hide()
        run_in_background(self.workstation.hall, self._show_hall)

    def _show_hall(self, hall: dict | None) -> None:
        if hall and self.main_window is not None:
            self.main_window.show_hall(hall.get("name", ""))

    def _close_main(self) -> None:
        self.follow_ups = None
        super()._close_main()

    @Slot()
    def logout(self) -> None:
        self._close_main()
        self._back_to_login()

    def shutdown(self) -> None:
        """At quit, and between tests: every window deleted."""
        self._close_main()
        delete_widgets(self.start_window)
