"""The screen that faces the applicant (评价器 / 群众屏): large text, plain words."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QLayout, QStackedWidget, QVBoxLayout, QWidget

from ui.citizen.consent_page import ConsentPage
from ui.citizen.paused_notice import PausedNotice
from ui.citizen.rating_panel import RatingPanel
from ui.citizen.signing_page import SigningPage
from ui.hall_time import wall_clock

# How each finding of the material check looks to the applicant. The clerk's table shows the
# same word (`finding_word`), so what the clerk reads is what the applicant reads.
FINDING_MARKS = {"ok": ("✔", "#7ee08a"), "missing": ("✘", "#ff8a80"), "problem": ("！", "#ffd36b"),
                 "pending": ("…", "#c9d6e8")}


def finding_word(state: str) -> str:
    """The applicant's plain word for a material's finding (ok, missing, problem, pending)."""
    return {"ok": QCoreApplication.translate("CitizenScreen", "received"),
            "missing": QCoreApplication.translate("CitizenScreen", "missing"),
            "problem": QCoreApplication.translate("CitizenScreen", "needs correcting"),
            "pending": QCoreApplication.translate("CitizenScreen", "being checked")}[state]


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
        welcome_page = QWidget()
        welcome_layout = QVBoxLayout(welcome_page)
        welcome_layout.addStretch(1)
        welcome_layout.addWidget(self.welcome)
        welcome_layout.addStretch(1)

        checklist_page = QWidget()
        self.checklist_title = QLabel()
        self.checklist_title.setObjectName("citizenChecklistTitle")
        self.checklist_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.checklist_title.setWordWrap(True)
        # One plain sentence first: what the applicant must know, without reading every row.
        self.checklist_summary = QLabel()
        self.checklist_summary.setObjectName("citizenChecklistSummary")
        self.checklist_summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.checklist_summary.setWordWrap(True)
        self.checklist_summary.setStyleSheet("color: white; font-size: 28pt; padding: 12px;")
        self.checklist = QLabel()
        self.checklist.setObjectName("citizenChecklist")
        self.checklist.setWordWrap(True)
        self.checklist.setTextFormat(Qt.TextFormat.RichText)
        self.checklist.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        checklist_layout = QVBoxLayout(checklist_page)
        checklist_layout.addWidget(self.checklist_title)
        checklist_layout.addWidget(self.checklist_summary)
        checklist_layout.addWidget(self.checklist, 1)
        self.checklist_points = 36  # the rows' text size; smaller only when a long list must fit

        self.signing = SigningPage()

        self.pages = QStackedWidget()
        self.pages.addWidget(welcome_page)
        self.pages.addWidget(checklist_page)
        self.pages.addWidget(self.signing)
        self.rating = RatingPanel()
        self.rating.finished.connect(self._rating_finished)
        self.pages.addWidget(self.rating)
        self.paused_notice = PausedNotice()  # while the window is paused (去向公开)
        self.pages.addWidget(self.paused_notice)
        self.consent = ConsentPage()  # 材料复用: may the hall keep today's materials?
        self.consent.answered.connect(self._consent_answered)
        self.pages.addWidget(self.consent)
        self.checklist_rows: list[tuple[str, str]] = []
        self._checklist_title = ""

        # While the clerk's screen is locked the whole content is swapped for a page with
        # nothing personal on it; the content keeps following the clerk's window unseen.
        content = QWidget()
        self.locked_notice = QLabel(self.tr("This window is paused for a moment. Please wait."))
        self.locked_notice.setObjectName("citizenLocked")
        self.locked_notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.locked_notice.setWordWrap(True)
        self.screens = QStackedWidget()
        self.screens.addWidget(content)
        self.screens.addWidget(self.locked_notice)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # The screen takes the display's size, even below the roomy layout's minimum: a small
        # display then gets the compact layout (resizeEvent) instead of a window cut off.
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        outer.addWidget(self.screens)

        layout = QVBoxLayout(content)
        layout.setContentsMargins(48, 48, 48, 48)
        self._layout = layout
        layout.addWidget(self.hall)
        self.ticket = QLabel()
        self.ticket.setObjectName("citizenTicket")
        self.ticket.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket.hide()  # shown with a ticket at the counter
        layout.addWidget(self.ticket)
        self.applicant = QLabel()
        self.applicant.setObjectName("citizenApplicant")
        self.applicant.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.applicant)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.window_number)
        layout.addWidget(self.clock)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        self._tick()

    @property
    def locked(self) -> bool:
        return self.screens.currentWidget() is self.locked_notice

    def set_locked(self, locked: bool) -> None:
        """Hide everything of the applicant (name, ticket, checklist, document, rating)
        while the clerk's screen is locked; unlocked, show what is current again."""
        self.screens.setCurrentWidget(self.locked_notice if locked else self.screens.widget(0))

    def show_welcome(self, hall_name: str | None, welcome: str | None, window: int | None) -> None:
        self.hall.setText(hall_name or "")
        self.welcome.setText(welcome or self.tr("Welcome"))
        self.window_number.setText(self.tr("Window %1").replace("%1", str(window)) if window else "")

    def show_ticket(self, ticket) -> None:
        """The ticket now served at this window (a protocol Ticket), or None."""
        self.ticket.setText(self.tr("Now serving: %1").replace("%1", ticket.number) if ticket else "")
        self.ticket.setVisible(ticket is not None)  # no empty line taking the document's room

    def show_applicant(self, masked_name: str) -> None:
        """The applicant's masked name, so they can confirm the card read is theirs."""
        self.applicant.setText(self.tr("Applicant: %1 — please confirm this is you").replace("%1", masked_name)
                               if masked_name else "")

    def show_checklist(self, title: str, rows: list[tuple[str, str]]) -> None:
        """Mirror the clerk's checklist in large text: what is received, what is missing.
        An empty title returns to the welcome page."""
        self.checklist_rows = list(rows)
        self._checklist_title = title
        if self.rating.active or self.consent.active:  # the applicant is answering: the checklist waits
            return
        if not title:
            self.pages.setCurrentIndex(0)
            return
        states = [state for _name, state in rows]
        short = sum(state in ("missing", "problem") for state in states)
        if "pending" in states:
            summary = self.tr("The clerk is checking your materials. Please wait a moment.")
        elif short:
            summary = self.tr("%1 of your materials must be brought or corrected. "
                              "The clerk will tell you how.").replace("%1", str(short))
        else:
            summary = self.tr("All your materials are here.")
        self.checklist_title.setText(self.tr("Your materials for: %1").replace("%1", title))
        self.checklist_summary.setText(summary)
        self.pages.setCurrentIndex(1)
        self._render_checklist()

    def _render_checklist(self) -> None:
        """The rows in the largest text (36 pt down to 20 pt) that shows them all at once:
        an applicant cannot scroll this screen."""
        room = self.checklist.height() if self.checklist.isVisible() else 0
        for points in range(36, 19, -2):
            self.checklist_points = points
            self.checklist.setText(self._checklist_html(points))
            if not room or self.checklist.heightForWidth(self.checklist.width()) <= room:
                break

    def _checklist_html(self, points: int) -> str:
        lines = []
        for name, state in self.checklist_rows:
            mark, colour = FINDING_MARKS[state]
            lines.append(f"<tr><td style='color:{colour}; padding-right:16px'>{mark}</td>"
                         f"<td style='color:white'>{html.escape(name)}</td>"
                         f"<td style='color:{colour}; padding-left:32px'>{finding_word(state)}</td></tr>")
        return (f"<table align='center' style='font-size:{points}pt' cellspacing='8'>"
                + "".join(lines) + "</table>")

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # A small citizen screen (1366×768): narrower margins and no clock, so the document,
        # the pad and every button fit; a 1920×1080 screen keeps the roomy layout.
        compact = event.size().height() < 900
        margin = 16 if compact else 48
        self._layout.setContentsMargins(margin, margin, margin, margin)
        self.clock.setVisible(not compact)
        super().resizeEvent(event)
        if self.pages.currentIndex() == 1 and self.checklist_rows:
            QTimer.singleShot(0, self._render_checklist)  # once the layout has the new size

    def show_signing(self, title: str, case_number: str) -> None:
        """Ask the applicant to sign `title`; its pages follow with `signing.show_document(pdf)`.
        The signature arrives as `signing.signed(Signature)`."""
        self.signing.start(title, case_number)
        self.pages.setCurrentWidget(self.signing)

    def show_idle(self) -> None:
        """Back to the welcome page, nothing of the last applicant left in view."""
        self.checklist_rows = []
        self.applicant.setText("")
        self.pages.setCurrentIndex(0)

    def show_pause(self, pause, backup: int | None = None) -> None:
        """While the window is paused (a protocol PauseInfo), where the clerk went and when
        they are back, in large words; None: back to the welcome page."""
        self.paused_notice.show_pause(pause, backup)
        if pause is not None and not self.rating.active:
            self.pages.setCurrentWidget(self.paused_notice)
        elif pause is None and self.pages.currentWidget() is self.paused_notice:
            self.pages.setCurrentIndex(0)

    def ask_for_rating(self, item_name: str, phone: str = "", timeout: float = 90.0) -> None:
        """Ask the applicant to rate the case of `item_name` (the rating panel's signals tell
        what they answered); back to the welcome, or the next checklist, when done."""
        self.rating.timeout = timeout
        self.rating.ask(item_name, phone)
        self.pages.setCurrentWidget(self.rating)

    def ask_consent(self, materials: list[tuple[str, str]], timeout: float = 90.0) -> None:
        """Ask whether the hall may keep `materials` (name, kept until) for the next visit;
        the answer arrives as `consent.answered(bool)`, then the checklist shows again."""
        self.consent.ask(materials, timeout)
        self.pages.setCurrentWidget(self.consent)

    def cancel_consent(self) -> None:
        self.consent.cancel()
        if self.pages.currentWidget() is self.consent:
            self.show_checklist(self._checklist_title, self.checklist_rows)

    @Slot(bool)
    def _consent_answered(self, _given: bool) -> None:
        if self.pages.currentWidget() is self.consent:
            self.show_checklist(self._checklist_title, self.checklist_rows)

    @Slot()
    def _rating_finished(self) -> None:
        if self.pages.currentWidget() is self.rating:  # not if another page took over meanwhile
            self.show_checklist(self._checklist_title, self.checklist_rows)

    def _tick(self) -> None:
        self.clock.setText(wall_clock("yyyy-MM-dd dddd HH:mm"))  # the hall's, whatever this PC's zone

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
