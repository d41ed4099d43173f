"""The clerk's main window: the queue, the applicant, the materials and the documents,
with the status bar always in view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.clerk.applicant_panel import ApplicantPanel
from ui.clerk.case_panel import CasePanel
from ui.clerk.documents_panel import DocumentsPanel
from ui.clerk.materials_panel import MaterialsPanel
from ui.clerk.status_bar import WorkstationStatusBar
from ui.front import role_word
from workstation import __version__
from workstation.app.workstation import Clerk


def _panel(title: str, name: str, empty_text: str) -> tuple[QGroupBox, QLabel]:
    box = QGroupBox(title)
    box.setObjectName(name)
    empty = QLabel(empty_text)
    empty.setObjectName(f"{name}Empty")
    empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    empty.setWordWrap(True)
    layout = QVBoxLayout(box)
    layout.addWidget(empty)
    return box, empty


def _holder(title: str, name: str, content: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    box.setObjectName(name)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 12, 6, 6)
    layout.addWidget(content)
    return box


class _Column(QScrollArea):
    """Panels one above the other that scroll when the screen is too short for them (a
    1366×768 counter PC, 125% scaling) instead of pushing the window past the screen's
    bottom; always as wide as the panels need."""

    def __init__(self, *panels: QWidget) -> None:
        super().__init__()
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        for panel in panels:
            layout.addWidget(panel)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content.installEventFilter(self)

    def _width(self, content_width: int) -> int:
        return content_width + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self._width(self.widget().minimumSizeHint().width()), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self._width(self.widget().sizeHint().width()), self.widget().sizeHint().height())

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # a panel grew (the call panel arrived): the column's width follows
        return super().eventFilter(watched, event)


class MainWindow(QMainWindow):
    logout_requested = Signal()
    citizen_screen_requested = Signal()
    diagnostics_requested = Signal()
    rating_requested = Signal(object)  # SavedCase: to be rated on the citizen screen
    closed = Signal()

    def __init__(self, clerk: Clerk, hall_name: str | None, window: int | None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.clerk = clerk
        self.setWindowTitle(self.tr("Counter workstation — %1").replace("%1", hall_name or ""))
        self.resize(1280, 800)

        header = QWidget()
        header.setObjectName("header")
        head = QHBoxLayout(header)
        self.hall_label = QLabel(hall_name or "")
        self.hall_label.setObjectName("headerHall")
        self.window_label = QLabel(self.tr("Window %1").replace("%1", str(window)) if window else "")
        self.window_label.setObjectName("headerWindow")
        self.clerk_label = QLabel(f"{clerk.display_name}（{role_word(clerk.role)}）")
        self.clerk_label.setObjectName("headerClerk")
        self.rating_label = QLabel()
        self.rating_label.setObjectName("headerRating")
        head.addWidget(self.hall_label)
        head.addStretch(1)
        head.addWidget(self.rating_label)
        head.addSpacing(24)
        head.addWidget(self.window_label)
        head.addSpacing(24)
        head.addWidget(self.clerk_label)

        self.queue_panel, _ = _panel(self.tr("Queue"), "queuePanel",
                                     self.tr("No ticket is being served."))
        self.applicant = ApplicantPanel()
        self.applicant_panel = _holder(self.tr("Applicant"), "applicantPanel", self.applicant)
        self.materials = MaterialsPanel()
        self.materials_panel = _holder(self.tr("Materials"), "materialsPanel", self.materials)
        self.documents = DocumentsPanel()
        self.documents_panel = _holder(self.tr("Documents"), "documentsPanel", self.documents)
        grid = QGridLayout()
        self.left_column = _Column(self.queue_panel, self.applicant_panel)
        grid.addWidget(self.left_column, 0, 0, 2, 1)
        grid.addWidget(self.materials_panel, 0, 1, 2, 1)
        grid.addWidget(self.documents_panel, 0, 2, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 9)
        grid.setColumnStretch(2, 2)

        # Said across the window when an admin revoked this PC (a stolen or retired PC).
        self.revoked_banner = QLabel()
        self.revoked_banner.setObjectName("revokedBanner")
        self.revoked_banner.setWordWrap(True)
        self.revoked_banner.setStyleSheet("background: #b3261e; color: white; font-size: 18pt; "
                                          "font-weight: bold; padding: 10px;")
        self.revoked_banner.hide()

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 0, 8, 8)
        layout.addWidget(header)
        layout.addWidget(self.revoked_banner)
        # Two screens: the counter (受理) and the case after it (办件: 办结, 领取, 容缺后补, 核查).
        counter = QWidget()
        counter.setLayout(grid)
        self.cases = CasePanel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(counter, self.tr("Counter"))
        self.tabs.addTab(self.cases, self.tr("Cases after the counter (Ctrl+K)"))
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.status = WorkstationStatusBar(self)
        self.setStatusBar(self.status)
        self._build_menus()

    def _build_menus(self) -> None:
        work = self.menuBar().addMenu(self.tr("&Workstation"))
        citizen = QAction(self.tr("Show the &citizen screen"), self)
        citizen.setShortcut(QKeySequence("Ctrl+Shift+C"))
        citizen.triggered.connect(self.citizen_screen_requested)
        logout = QAction(self.tr("&Log out"), self)
        logout.setShortcut(QKeySequence("Ctrl+Shift+L"))
        logout.triggered.connect(self.logout_requested)
        quit_ = QAction(self.tr("&Quit"), self)
        quit_.setShortcut(QKeySequence.StandardKey.Quit)
        quit_.triggered.connect(self.close)
        diagnostics = QAction(self.tr("Card reader &diagnostics"), self)
        diagnostics.setShortcut(QKeySequence("Ctrl+Shift+D"))
        diagnostics.triggered.connect(self.diagnostics_requested)
        cases = QAction(self.tr("Cases after the counter: hand over, conclude…"), self)
        cases.setObjectName("casesAction")
        cases.setShortcut(QKeySequence("Ctrl+K"))
        cases.triggered.connect(self.toggle_cases)
        # 预约: the call panel's own Ctrl+B opens it (a second shortcut here would make both dead).
        book = QAction(self.tr("Book an appointment for the applicant… (Ctrl+B)"), self)
        book.setObjectName("bookAction")
        book.triggered.connect(self._book)
        for action in (cases, book, citizen, diagnostics, logout, quit_):
            work.addAction(action)
        help_ = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About"), self)
        about.triggered.connect(self._about)
        help_.addAction(about)

    @Slot()
    def _book(self) -> None:
        panel = getattr(self, "call_panel", None)
        if panel is not None:
            panel.book()
        else:
            self.show_queue_message(self.tr("Appointments are booked with the hall server: log in online to book."))

    @Slot()
    def toggle_cases(self) -> None:
        """Ctrl+K: to the 办件 screen, ready for a number or a scan; again: back to the counter."""
        if self.tabs.currentWidget() is self.cases:
            self.tabs.setCurrentIndex(0)
        else:
            self.tabs.setCurrentWidget(self.cases)
            self.cases.focus_number()

    def set_call_panel(self, panel: QWidget) -> None:
        """Put the queue's call panel where the empty queue area was."""
        layout = self.queue_panel.layout()
        while layout.count():
            child = layout.takeAt(0).widget()
            if child is not None:
                child.deleteLater()
        layout.addWidget(panel)
        self.call_panel = panel

    def show_sync_status(self, status) -> None:
        """The sync's state (SyncStatus): the status bar, and the banner of a revoked PC."""
        self.status.show_status(status)
        if status.revoked and self.revoked_banner.isHidden():
            self.revoked_banner.setText(self.tr("This PC was disabled by the administrator. Please contact IT.")
                                        + "\n" + self.tr("Nothing is sent to the hall any more; the work saved "
                                                         "here stays on this PC."))
            self.revoked_banner.setToolTip(status.revoked)
            self.revoked_banner.show()

    def show_queue_message(self, text: str) -> None:
        label = self.queue_panel.findChild(QLabel, "queuePanelEmpty")
        if label is not None:
            label.setText(text)

    def show_hall(self, hall_name: str | None) -> None:
        self.hall_label.setText(hall_name or "")
        self.setWindowTitle(self.tr("Counter workstation — %1").replace("%1", hall_name or ""))

    def ask_for_rating(self, case) -> None:
        """The one trigger of a rating: ask the applicant to rate `case` (a SavedCase) on the
        citizen screen. This screen learns only whether they rated, never the level."""
        self.show_rating_state("waiting")
        self.rating_requested.emit(case)

    def show_rating_state(self, state: str, detail: str = "") -> None:
        """waiting, rated, none (no rating in time) or failed (not saved: `detail`)."""
        self.rating_label.setText({
            "waiting": self.tr("Rating: the applicant is rating…"),
            "rated": self.tr("Rating: the applicant has rated."),
            "none": self.tr("Rating: none given."),
            "failed": self.tr("Rating not saved: %1").replace("%1", detail),
        }[state])

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.closed.emit()
        super().closeEvent(event)

    @Slot()
    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About"),
                          self.tr("Counter workstation %1").replace("%1", __version__))
