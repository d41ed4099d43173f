"""The supervisor role's window: a list of screens on the left, the chosen screen on the
right (Ctrl+1…6 choose them; F11 shows the hall now full screen for a wall TV); and the
front that logs the supervisor in, builds the screens and starts their live feed."""

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
from ui.supervisor.advice import AdviceScreen
from ui.supervisor.audit_alerts import AuditAlertScreen
from ui.supervisor.deadlines import DeadlineScreen
from ui.supervisor.follow_ups import _STYLE, SUPERVISING_ROLES, FollowUpScreen
from ui.supervisor.hall_board import BigBoard, HallBoard
from ui.supervisor.live import LiveFeed
from ui.supervisor.statistics import StatisticsScreen
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
        self.view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.big_board_action = QAction(self.tr("&Big board (full screen)"), self)
        self.big_board_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.big_board_action.setEnabled(False)
        self.view_menu.addAction(self.big_board_action)
        self.view_menu.addSeparator()

    def show_hall(self, name: str) -> None:
        self.hall_label.setText(name)
        self.setWindowTitle(fill(self.tr("Supervisor — %1"), name))

    def add_screen(self, title: str, screen: QWidget) -> int:
        """Add a screen and its entry in the list; the first one added is shown."""
        index = self.screens.addWidget(screen)
        self.nav.addItem(title)
        if index == 0:
            self.nav.setCurrentRow(0)
        if index < 9:  # Ctrl+1 … Ctrl+9: the screens in the list's order
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, row=index: self.show_screen(row))
            self.view_menu.addAction(action)
        return index

    def show_screen(self, row: int) -> None:
        self.nav.setCurrentRow(row)
        self.screens.widget(row).setFocus()

    def set_screen_title(self, index: int, title: str) -> None:
        item = self.nav.item(index)
        if item is not None and item.text() != title:
            item.setText(title)

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
        self.hall_board: HallBoard | None = None
        self.deadlines: DeadlineScreen | None = None
        self.advice: AdviceScreen | None = None
        self.statistics: StatisticsScreen | None = None
        self.audit_alerts: AuditAlertScreen | None = None
        self.big_board: BigBoard | None = None
        self.live: LiveFeed | None = None

    @Slot(object)
    def open_main(self, person: Clerk) -> None:
        from workstation.app.monitoring import MonitoringDesk
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
            monitoring = MonitoringDesk.for_workstation(self.workstation)
        except HallRefused:
            window.show_message(self.tr("Logged in while the hall server was unreachable: the supervisor "
                                        "screens need it. Log in again when it is back."))
        else:
            self._add_monitoring(window, monitoring)
            self.follow_ups = FollowUpScreen(desk)
            window.add_screen(self.tr("Bad-rating follow-up"), self.follow_ups)
            self.audit_alerts = AuditAlertScreen(monitoring, self.live)
            self._alerts_index = window.add_screen(self.tr("Audit alerts"), self.audit_alerts)
            self.audit_alerts.alerts_shown.connect(self._count_alerts)
            self.audit_alerts.refresh()
        self.main_window = window
        window.show()
        self.start_window.hide()
        run_in_background(self.workstation.hall, self._show_hall)

    def _add_monitoring(self, window: SupervisorWindow, desk) -> None:
        """The monitoring screens, in the order of their Ctrl+number, on one live feed."""
        backoff = min(15.0, max(0.5, self.settings.sync.max_backoff))
        self.live = LiveFeed(desk.feed(first_backoff=min(0.5, backoff), max_backoff=backoff), window)
        self.hall_board = HallBoard(desk, self.live)
        self.deadlines = DeadlineScreen(desk, self.live)
        self.advice = AdviceScreen(desk, self.live)
        self.statistics = StatisticsScreen(desk)
        window.add_screen(self.tr("Hall now"), self.hall_board)
        self._deadline_index = window.add_screen(self.tr("Time-limit supervision"), self.deadlines)
        window.add_screen(self.tr("Window load advice"), self.advice)
        window.add_screen(self.tr("Statistics"), self.statistics)
        self.deadlines.board_shown.connect(self._count_red)
        window.big_board_action.setEnabled(True)
        window.big_board_action.triggered.connect(self.show_big_board)
        self.live.start()
        for screen in (self.hall_board, self.deadlines, self.advice, self.statistics):
            screen.refresh()

    @Slot(object)
    def _count_red(self, board) -> None:
        if self.main_window is None:
            return
        title = self.tr("Time-limit supervision")
        if board.totals.red:
            title = fill(self.tr("Time-limit supervision (red %1)"), board.totals.red)
        self.main_window.set_screen_title(self._deadline_index, title)

    @Slot(object)
    def _count_alerts(self, alerts) -> None:
        if self.main_window is None:
            return
        title = self.tr("Audit alerts")
        if alerts:
            title = fill(self.tr("Audit alerts (%1 open)"), len(alerts))
        self.main_window.set_screen_title(self._alerts_index, title)

    @Slot()
    def show_big_board(self) -> None:
        """The hall now full screen, for the wall TV; Esc or F11 leaves."""
        if self.hall_board is None:
            return
        if self.big_board is None:
            self.big_board = BigBoard(self.hall_board)
            self.big_board.closed.connect(self._big_board_closed)
        self.big_board.showFullScreen()
        self.big_board.activateWindow()

    @Slot()
    def _big_board_closed(self) -> None:
        board, self.big_board = self.big_board, None
        if board is not None:
            board.deleteLater()

    def _show_hall(self, hall: dict | None) -> None:
        if hall and self.main_window is not None:
            self.main_window.show_hall(hall.get("name", ""))

    def _close_main(self) -> None:
        if self.live is not None:
            self.live.stop()
        if self.big_board is not None:
            self.big_board.closed.disconnect(self._big_board_closed)
            delete_widgets(self.big_board)
        self.follow_ups = self.hall_board = self.deadlines = self.advice = self.statistics = None
        self.audit_alerts = None
        self.big_board = self.live = None
        super()._close_main()

    @Slot()
    def logout(self) -> None:
        self._close_main()
        self._back_to_login()

    def shutdown(self) -> None:
        """At quit, and between tests: every window deleted."""
        self._close_main()
        delete_widgets(self.start_window)
