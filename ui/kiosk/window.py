"""The ticket machine (取号机): full screen, touch first, very large text.

The applicant touches a business type and gets a number; or first chooses the green
channel (elderly 70+, disabled, military personnel); or checks in an appointment by its
code on an on-screen keypad or by putting their ID card on the reader; the result says in
plain words how the hall's rules took the arrival (ahead of ordinary numbers, early: ahead
from the slot's start, late: an ordinary number; too early: when to come back). Each business shows how many wait and, once the hall has
today's service times, about how long. The result shows the number, how many wait ahead
and the estimated wait, the ticket is printed on the configured printer, and the machine
returns to the start by itself.

For elderly applicants: a Help button (plain words: taking a number, the green channel,
appointments, where to ask) that closes by itself, and a Large text toggle that enlarges
every word on the screen and stays until the kiosk goes idle (the applicant is done: the
result went back to the start, or nobody touched the screen for a while).

Every call to the hall and to the printer runs in the background."""

from __future__ import annotations

import html
import logging
import re
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.hall_time import hall_time, in_hall, wall_clock
from ui.tasks import run_in_background, while_alive
from workstation.app.queue_desk import IssuedTicket
from workstation.devices.printer import NullTicketPrinter, TicketLabels, TicketPrint, TicketPrinter
from workstation.domain.queue import GreenReason
from workstation.protocol import queue as wire
from workstation.sync.errors import HallRefused, HallUnreachable

log = logging.getLogger(__name__)

HOME, GREEN, APPOINTMENT, RESULT, MESSAGE, HELP = range(6)
RETURN_AFTER = 10  # seconds the result (or a message) stays before the start returns
IDLE_AFTER = 60  # seconds without a touch on a half-done screen before the start returns
HELP_AFTER = 60  # seconds the help stays open without a touch
REFRESH_MS = 10000  # waiting counts
LARGE = 1.35  # how much larger every word is in large-text mode

_STYLE = """
QWidget#kiosk {{ background: #0f3057; }}
QLabel {{ color: white; font-size: {body}px; }}
QLabel#kioskHall {{ color: #ffd36b; font-size: {title}px; font-weight: bold; }}
QLabel#kioskClock {{ color: #c9d6e8; font-size: {body}px; }}
QLabel#kioskTitle {{ font-size: {title}px; font-weight: bold; }}
QLabel#kioskNote {{ color: #c9d6e8; font-size: {body}px; }}
QLabel#kioskBanner {{ background: #ffd36b; color: #0f3057; font-size: {body}px; font-weight: bold;
                      border-radius: {radius}px; padding: {pad}px; }}
QPushButton {{ background: #1f6fd1; color: white; border: none; border-radius: {radius}px;
               font-size: {button}px; font-weight: bold; padding: {pad}px; min-height: {tall}px; }}
QPushButton:pressed {{ background: #0b3d91; }}
QPushButton:disabled {{ background: #5a6f8c; color: #c9d6e8; }}
QPushButton#kioskBusiness {{ background: white; }}
QPushButton#kioskBusiness:pressed {{ background: #ffd36b; }}
QPushButton#kioskBusiness:disabled {{ background: #c9d6e8; }}
QLabel#kioskBusinessName {{ color: #0f3057; font-size: {name}px; font-weight: bold; }}
QLabel#kioskBusinessCount {{ color: #1f6fd1; font-size: {count}px; }}
QLabel#kioskBusinessWait {{ color: #17703a; font-size: {count}px; font-weight: bold; }}
QPushButton#kioskHelp, QPushButton#kioskLarge {{ background: #ffd36b; color: #0f3057; }}
QPushButton#kioskLarge:checked {{ background: white; color: #0f3057; border: {rule}px solid #ffd36b; }}
QLabel#kioskHelpText {{ font-size: {help}px; }}
QPushButton#kioskGreen, QPushButton#kioskGreenChoice {{ background: #17703a; }}
QPushButton#kioskBack {{ background: #4a5a70; }}
QLabel#kioskCode {{ background: white; color: #0f3057; font-size: {code}px; font-weight: bold;
                    border-radius: {radius}px; padding: {pad}px; }}
QPushButton#kioskKey {{ background: white; color: #0f3057; font-size: {key}px; min-height: {key_tall}px; }}
QLabel#kioskNumber {{ color: #ffd36b; font-size: {number}px; font-weight: bold; }}
QLabel#kioskAhead {{ font-size: {button}px; font-weight: bold; }}
QLabel#kioskPrint {{ color: #c9d6e8; font-size: {body}px; }}
QLabel#kioskPrint[error="true"] {{ color: #ffb4a8; font-weight: bold; }}
QLabel#kioskMessage {{ font-size: {button}px; font-weight: bold; }}
QLabel#kioskAppointmentResult {{ background: #ffd36b; color: #0f3057; font-size: {button}px; font-weight: bold;
                                 border-radius: {radius}px; padding: {pad}px; }}
QPushButton#kioskIdCheckIn {{ background: #17703a; }}
"""


def _local(moment: datetime) -> datetime:
    """The hall's wall-clock time of a server timestamp (UTC when it carries no zone)."""
    return in_hall(moment).replace(tzinfo=None)


def _label(text: str = "", name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(wrap)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    return label


class BusinessButton(QPushButton):
    """A business type: its name, large, how many wait and about how long."""

    def __init__(self, kind: wire.BusinessTypeCount) -> None:
        super().__init__()
        self.setObjectName("kioskBusiness")
        self.code = kind.code
        self.name = _label(kind.name, "kioskBusinessName")
        self.count = _label("", "kioskBusinessCount")
        self.wait = _label("", "kioskBusinessWait")
        self.wait.hide()
        for label in (self.name, self.count, self.wait):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.name)
        layout.addWidget(self.count)
        layout.addWidget(self.wait)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(kind.name)

    def show_count(self, kind: wire.BusinessTypeCount, text: str, wait: str = "") -> None:
        """The waiting count and, when known, the estimated wait ("" hides it)."""
        self.name.setText(kind.name)
        self.count.setText(text)
        self.wait.setText(wait)
        self.wait.setVisible(bool(wait))


class KioskWindow(QWidget):
    ticket_issued = Signal(object)  # IssuedTicket
    ticket_printed = Signal(object, str)  # IssuedTicket, "" or what went wrong

    def __init__(self, desk, printer: TicketPrinter | None = None, *, return_after: int = RETURN_AFTER,
                 idle_after: int = IDLE_AFTER, help_after: int = HELP_AFTER,
                 refresh_ms: int = REFRESH_MS) -> None:
        super().__init__()
        self.setObjectName("kiosk")
        self.setWindowTitle(self.tr("Ticket machine"))
        self.desk = desk
        self.printer = printer or NullTicketPrinter()
        self.return_after, self.idle_after, self.help_after = return_after, idle_after, help_after
        self.green_reason: GreenReason | None = None
        self.issued: IssuedTicket | None = None
        self.busy = False
        self.code = ""
        self.large_text = False
        self._before_help = HOME
        self._id_number: str | None = None
        self._kinds: list[wire.BusinessTypeCount] = []
        self.business_buttons: dict[str, BusinessButton] = {}
        self._columns = 0

        self.hall = _label(self.tr("Government service hall"), "kioskHall")
        self.clock = _label("", "kioskClock")
        self.header = header = QHBoxLayout()
        header.addWidget(self.hall, 1)
        header.addWidget(self.clock)

        self.pages = QStackedWidget()
        for build in (self._build_home, self._build_green, self._build_appointment, self._build_result,
                      self._build_message, self._build_help):
            self.pages.addWidget(build())

        # Help and large text on every page: at the bottom of a portrait screen, where a seated
        # person reaches; in the header of a landscape one, whose height is short.
        self.help_button = QPushButton(self.tr("Help"))
        self.help_button.setObjectName("kioskHelp")
        self.help_button.clicked.connect(self.show_help)
        self.pages.currentChanged.connect(lambda index: self.help_button.setEnabled(index != HELP))
        self.large_button = QPushButton(self.tr("Large text"))
        self.large_button.setObjectName("kioskLarge")
        self.large_button.setCheckable(True)
        self.large_button.toggled.connect(self.set_large_text)
        self.tools = tools = QHBoxLayout()
        self._tools_in_header: bool | None = None

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.pages, 1)
        layout.addLayout(tools)

        self._countdown = QTimer(self)
        self._countdown.timeout.connect(self._count_down)
        self._remaining = 0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self.go_idle)
        self._poll = QTimer(self)
        self._poll.timeout.connect(self.refresh)
        self._poll.start(refresh_ms)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(1000)
        self._tick()
        self._restyle()
        self._place_tools()

    # -- building -------------------------------------------------------------------------

    def _build_home(self) -> QWidget:
        page = QWidget()
        self.home_title = _label(self.tr("Please choose your business"), "kioskTitle")
        self.banner = _label("", "kioskBanner")
        self.cancel_green = QPushButton(self.tr("Cancel priority"))
        self.cancel_green.setObjectName("kioskBack")
        self.cancel_green.clicked.connect(self._clear_green)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.cancel_green)
        self.banner_row = QWidget()
        self.banner_row.setLayout(banner_row)
        self.banner_row.hide()
        self.grid = QGridLayout()
        self.home_note = _label(self.tr("Connecting to the hall…"), "kioskNote")
        self.green_button = QPushButton(self.tr("Priority service (green channel)"))
        self.green_button.setObjectName("kioskGreen")
        self.green_button.clicked.connect(lambda: self._show(GREEN))
        self.appointment_button = QPushButton(self.tr("Check in an appointment"))
        self.appointment_button.setObjectName("kioskAppointment")
        self.appointment_button.clicked.connect(self._start_appointment)
        bottom = QHBoxLayout()
        bottom.addWidget(self.green_button)
        bottom.addWidget(self.appointment_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.home_title)
        layout.addWidget(self.banner_row)
        layout.addLayout(self.grid, 1)
        layout.addWidget(self.home_note)
        layout.addLayout(bottom)
        return page

    def _build_green(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(_label(self.tr("Who is the priority service for?"), "kioskTitle"))
        self.green_choices: dict[GreenReason, QPushButton] = {}
        for reason in GreenReason:
            button = QPushButton(self.green_words(reason))
            button.setObjectName("kioskGreenChoice")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.clicked.connect(lambda _=False, r=reason: self._choose_green(r))
            self.green_choices[reason] = button
            layout.addWidget(button, 1)
        layout.addWidget(_label(self.tr("Please show your certificate to the staff at the window."),
                                "kioskNote"))
        back = QPushButton(self.tr("Back"))
        back.setObjectName("kioskBack")
        back.clicked.connect(self.go_home)
        layout.addWidget(back)
        return page

    def _build_appointment(self) -> QWidget:
        page = QWidget()
        self.code_label = _label("", "kioskCode", wrap=False)
        self.appointment_note = _label(self.tr("The code is in the message you got when you booked. "
                                               "Or put your ID card on the reader."), "kioskNote")
        self.id_check_in = QPushButton(self.tr("Check in with my ID card"))
        self.id_check_in.setObjectName("kioskIdCheckIn")
        self.id_check_in.clicked.connect(self._check_in_by_card)
        self.id_check_in.hide()
        self.keypads = QStackedWidget()
        self.keys: dict[str, QPushButton] = {}
        digits = QWidget()
        grid = QGridLayout(digits)
        for i, key in enumerate("123456789"):
            grid.addWidget(self._key(key), i // 3, i % 3)
        self.letters_button = QPushButton(self.tr("ABC"))
        self.letters_button.setObjectName("kioskKey")
        self.letters_button.clicked.connect(lambda: self._keypad(1))
        grid.addWidget(self.letters_button, 3, 0)
        grid.addWidget(self._key("0"), 3, 1)
        grid.addWidget(self._key("-"), 3, 2)
        letters = QWidget()
        grid = QGridLayout(letters)
        for i, key in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
            grid.addWidget(self._key(key), i // 7, i % 7)
        self.digits_button = QPushButton(self.tr("123"))
        self.digits_button.setObjectName("kioskKey")
        self.digits_button.clicked.connect(lambda: self._keypad(0))
        grid.addWidget(self.digits_button, 3, 5, 1, 2)
        for toggle in (self.letters_button, self.digits_button):
            toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.keypads.addWidget(digits)
        self.keypads.addWidget(letters)

        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("kioskBack")
        self.delete_button.clicked.connect(self._delete)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setObjectName("kioskBack")
        self.clear_button.clicked.connect(lambda: self._set_code(""))
        self.confirm_button = QPushButton(self.tr("OK"))
        self.confirm_button.setObjectName("kioskConfirm")
        self.confirm_button.clicked.connect(self._check_in)
        back = QPushButton(self.tr("Back"))
        back.setObjectName("kioskBack")
        back.clicked.connect(self.go_home)
        edit = QHBoxLayout()
        edit.addWidget(self.delete_button)
        edit.addWidget(self.clear_button)
        actions = QHBoxLayout()
        actions.addWidget(back, 1)
        actions.addWidget(self.confirm_button, 2)

        layout = QVBoxLayout(page)
        layout.addWidget(_label(self.tr("Please enter your appointment code"), "kioskTitle"))
        layout.addWidget(self.code_label)
        layout.addWidget(self.appointment_note)
        layout.addWidget(self.id_check_in)
        layout.addWidget(self.keypads, 1)
        layout.addLayout(edit)
        layout.addLayout(actions)
        return page

    def _key(self, key: str) -> QPushButton:
        button = QPushButton(key)
        button.setObjectName("kioskKey")
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.clicked.connect(lambda: self._type(key))
        self.keys[key] = button
        return button

    def _build_result(self) -> QWidget:
        page = QWidget()
        self.result_title = _label(self.tr("Your number"), "kioskTitle")
        self.result_number = _label("", "kioskNumber", wrap=False)
        self.result_business = _label("", "kioskAhead")
        self.result_ahead = _label("", "kioskAhead")
        self.result_appointment = _label("", "kioskAppointmentResult")
        self.result_appointment.hide()
        self.result_wait = _label("", "kioskAhead")
        self.result_wait.hide()
        self.result_print = _label("", "kioskPrint")
        self.result_note = _label(self.tr("Please listen for your number and watch the screen."), "kioskNote")
        self.done_button = QPushButton()
        self.done_button.setObjectName("kioskDone")
        self.done_button.clicked.connect(self.go_idle)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.result_title)
        layout.addWidget(self.result_number)
        layout.addWidget(self.result_business)
        layout.addSpacing(24)
        layout.addWidget(self.result_appointment)
        layout.addWidget(self.result_ahead)
        layout.addWidget(self.result_wait)
        layout.addSpacing(24)
        layout.addWidget(self.result_print)
        layout.addWidget(self.result_note)
        layout.addStretch(1)
        layout.addWidget(self.done_button)
        return page

    def _build_message(self) -> QWidget:
        page = QWidget()
        self.message = _label("", "kioskMessage")
        self.message_button = QPushButton()
        self.message_button.setObjectName("kioskDone")
        self.message_button.clicked.connect(self.go_home)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.message, 2)
        layout.addStretch(1)
        layout.addWidget(self.message_button)
        return page

    def _build_help(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(_label(self.tr("Help"), "kioskTitle"))
        self.help_sections: list[tuple[str, str]] = [
            (self.tr("How to take a number"),
             self.tr("Touch the business you came for. Take the ticket that comes out. Sit down and wait: "
                     "when your number is called, the screen shows which window to go to.")),
            (self.tr("Priority service (green channel)"),
             self.tr("For people aged 70 and over, people with disabilities and military personnel. "
                     "Touch the green button first, then your business. Show your certificate at the window.")),
            (self.tr("Appointments"),
             self.tr("Booked in advance? Touch “Check in an appointment” and type the code from the "
                     "message you got when you booked.")),
            (self.tr("Need help?"),
             self.tr("Please ask the staff at the information desk near the entrance, or any member of staff "
                     "in the hall. They are glad to help you.")),
        ]
        # One label for all of it, given the page's height: separate word-wrapped labels in
        # a stacked page got too little height once the text was enlarged, and were cut.
        self.help_text = QLabel()
        self.help_text.setObjectName("kioskHelpText")
        self.help_text.setTextFormat(Qt.TextFormat.RichText)
        self.help_text.setWordWrap(True)
        self.help_text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Ignored: its size hint (a narrow guess, very tall) must not make the window taller
        # than the screen; it takes the page's height, which the words fit.
        self.help_text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        layout.addWidget(self.help_text, 1)
        self.help_close = QPushButton()
        self.help_close.setObjectName("kioskDone")
        self.help_close.clicked.connect(self.close_help)
        layout.addWidget(self.help_close)
        return page

    # -- words ----------------------------------------------------------------------------

    def green_words(self, reason: GreenReason) -> str:
        return {GreenReason.ELDERLY: self.tr("Elderly (70 and over)"),
                GreenReason.DISABLED: self.tr("People with disabilities"),
                GreenReason.MILITARY: self.tr("Military personnel")}[reason]

    def ticket_labels(self) -> TicketLabels:
        """The printed ticket's words, in the kiosk's language."""
        return TicketLabels(your_number=self.tr("Your number"),
                            waiting_ahead=self.tr("%1 people waiting ahead of you"),
                            issued_at=self.tr("Issued at %1"),
                            estimated_wait=self.tr("About %1 minutes' wait"),
                            green_channel=self.tr("Priority service"),
                            notice=self.tr("Please listen for your number and watch the screen."))

    def appointment_words(self, ticket: wire.Ticket) -> str:
        """What the hall's rules made of an appointment's arrival, in plain words."""
        arrival = ticket.appointment_arrival
        if arrival is wire.AppointmentArrival.ON_TIME:
            return self.tr("Your appointment is checked in. You will be called before ordinary numbers.")
        if arrival is wire.AppointmentArrival.EARLY:
            return self.tr("You are early. Your appointment starts at %1: from then on you will be called "
                           "before ordinary numbers.").replace("%1", hall_time(ticket.slot_start))
        if arrival is wire.AppointmentArrival.LATE:
            return self.tr("Your appointment time has passed. This is an ordinary number, called in turn.")
        return ""

    def plain_refusal(self, exc: BaseException) -> str:
        if isinstance(exc, HallUnreachable):
            return self.tr("Tickets cannot be given out right now. Please try again in a moment "
                           "or ask the staff.")
        if not isinstance(exc, HallRefused):
            return self.tr("Something went wrong. Please ask the staff.")
        detail = exc.detail
        if "quota" in detail:
            return self.tr("All of today's numbers for this business are given out. "
                           "Please ask the staff.")
        if "no appointment today for this ID card" in detail:
            return self.tr("No appointment for today was found for this ID card. Please enter the code, "
                           "or ask the staff.")
        if detail.startswith("no appointment"):
            return self.tr("This appointment code was not found. Please check it and enter it again.")
        if "already checked in" in detail:
            return self.tr("This appointment has already been checked in.")
        if m := re.search(r"is for (\d\d:\d\d-\d\d:\d\d): check in from (\d\d:\d\d)", detail):
            return self.tr("Your appointment is at %1: it is too early to check in. Please come back from %2. "
                           "To take an ordinary number now, touch your business.").replace(
                "%1", m.group(1)).replace("%2", m.group(2))
        if m := re.search(r"booked for (\d{4}-\d{2}-\d{2})", detail):
            return self.tr("This appointment is not for today. It is booked for %1.").replace(
                "%1", m.group(1))
        if m := re.search(r"already holds waiting ticket (\S+)", detail):
            return self.tr("You already have number %1 for this business. Please wait to be called.").replace(
                "%1", m.group(1))
        if "elderly green channel" in detail:
            return self.tr("Priority for the elderly is from the age of 70.")
        return self.tr("A number cannot be given out. Please ask the staff.")

    # -- the start screen -----------------------------------------------------------------

    def start(self) -> None:
        """Show the counts and the hall's name (call once after showing the window)."""
        run_in_background(self.desk.hall_name, while_alive(self, self._show_hall),
                          lambda exc: log.info("hall name: %s", exc))
        self.refresh()

    def place(self) -> None:
        """Full screen on the kiosk's (only) screen."""
        self.showFullScreen()
        self.start()

    @Slot()
    def refresh(self) -> None:
        run_in_background(self.desk.business_types, while_alive(self, self._show_kinds),
                          while_alive(self, self._kinds_failed))

    def _show_hall(self, name: str | None) -> None:
        if name:
            self.hall.setText(name)

    def _show_kinds(self, kinds: list[wire.BusinessTypeCount]) -> None:
        if [k.code for k in kinds] != [k.code for k in self._kinds]:
            while self.grid.count():
                item = self.grid.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            self.business_buttons = {}
            for kind in kinds:
                button = BusinessButton(kind)
                button.clicked.connect(lambda _=False, code=kind.code: self.issue(code))
                self.business_buttons[kind.code] = button
            self._columns = 0
            self._place_buttons()
        self._kinds = kinds
        for kind in kinds:
            self.business_buttons[kind.code].show_count(kind, self._waiting_words(kind.waiting),
                                                        self._wait_words(kind))
        self.home_note.setText("")
        self._enable()

    def _place_buttons(self) -> None:
        """The business buttons in as many columns as the screen's shape wants: two on a
        portrait screen, three on a landscape one (a 1280×1024 kiosk has room for three rows
        of buttons that show a name, a count and a wait, in large text too)."""
        count = len(self.business_buttons)
        columns = 3 if count > 8 or self.width() > self.height() else 2
        if columns == self._columns:
            return
        self._columns = columns
        for button in self.business_buttons.values():
            self.grid.removeWidget(button)
        for i, button in enumerate(self.business_buttons.values()):
            self.grid.addWidget(button, i // columns, i % columns)

    def _place_tools(self) -> None:
        landscape = self.width() > self.height()
        if landscape == self._tools_in_header:
            return
        self._tools_in_header = landscape
        for button in (self.help_button, self.large_button):
            (self.tools if landscape else self.header).removeWidget(button)
            if landscape:
                self.header.addWidget(button)
            else:
                self.tools.addWidget(button, 1)

    def _waiting_words(self, waiting: int) -> str:
        if waiting == 0:
            return self.tr("Nobody waiting")
        return self.tr("%1 people ahead").replace("%1", str(waiting))

    def _wait_words(self, kind: wire.BusinessTypeCount) -> str:
        """"About 15 minutes" from today's service times; "" when unknown or nobody waits."""
        if not kind.waiting or not kind.estimated_wait_minutes:
            return ""
        return self.tr("About %1 min").replace("%1", str(kind.estimated_wait_minutes))

    def _kinds_failed(self, exc: BaseException) -> None:
        if not self._kinds:
            self.home_note.setText(self.plain_refusal(exc))

    def _enable(self) -> None:
        for button in self.business_buttons.values():
            button.setEnabled(not self.busy)
        for button in (self.green_button, self.appointment_button):
            button.setEnabled(not self.busy)
        self.confirm_button.setEnabled(not self.busy and self._code_ok())
        self.id_check_in.setEnabled(not self.busy)

    @Slot()
    def go_home(self) -> None:
        """Back to the start for the same applicant (large text stays)."""
        self._countdown.stop()
        self._idle.stop()
        self.green_reason = None
        self._id_number = None
        self.banner_row.hide()
        self.home_title.setText(self.tr("Please choose your business"))
        self.pages.setCurrentIndex(HOME)
        self._touch()  # large text still on: the start goes idle by itself
        self.refresh()

    @Slot()
    def go_idle(self) -> None:
        """The applicant is done or gone: the start, as the next one should find it."""
        self.set_large_text(False)
        self.go_home()

    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self._touch()

    def _touch(self) -> None:
        page = self.pages.currentIndex()
        if page == HELP:
            self._start_countdown(self.help_close, self.tr("Close"), self.close_help, self.help_after)
        elif page in (GREEN, APPOINTMENT) or self.green_reason is not None or \
                (self.large_text and page == HOME):
            self._idle.start(self.idle_after * 1000)

    # -- help and large text --------------------------------------------------------------

    @Slot()
    def show_help(self) -> None:
        """The help page, over whatever was shown; it closes by itself after `help_after` s."""
        if self.pages.currentIndex() == HELP:
            return
        self._before_help = self.pages.currentIndex()
        self._countdown.stop()
        self._idle.stop()
        self.pages.setCurrentIndex(HELP)
        self._touch()

    @Slot()
    def close_help(self) -> None:
        self._countdown.stop()
        if self._before_help == RESULT:  # its countdown was stopped: the applicant has the number
            self.go_idle()
            return
        if self._before_help == MESSAGE:
            self.go_home()
            return
        self.pages.setCurrentIndex(self._before_help)
        self._touch()

    @Slot(bool)
    def set_large_text(self, on: bool) -> None:
        """Every word on the screen larger (on) or back to the normal size."""
        if self.large_button.isChecked() != on:
            self.large_button.setChecked(on)  # toggled comes back here
            return
        if on == self.large_text:
            return
        self.large_text = on
        self.large_button.setText(self.tr("Normal text") if on else self.tr("Large text"))
        self._restyle()
        self._touch()

    # -- the green channel ----------------------------------------------------------------

    def _choose_green(self, reason: GreenReason) -> None:
        self.green_reason = reason
        self.banner.setText(self.tr("Priority: %1").replace("%1", self.green_words(reason)))
        self.home_title.setText(self.tr("Now choose your business"))
        self.banner_row.show()
        self.pages.setCurrentIndex(HOME)
        self._touch()

    def _clear_green(self) -> None:
        self.green_reason = None
        self.banner_row.hide()
        self.home_title.setText(self.tr("Please choose your business"))
        self._idle.stop()
        self._touch()

    # -- appointments ---------------------------------------------------------------------

    def _start_appointment(self) -> None:
        self._set_code("")
        self._keypad(0)
        self.id_check_in.setVisible(self._id_number is not None)
        self._show(APPOINTMENT)

    def _keypad(self, index: int) -> None:
        self.keypads.setCurrentIndex(index)
        self._touch()

    def _type(self, key: str) -> None:
        if len(self.code) < 32:
            self._set_code(self.code + key)

    def _delete(self) -> None:
        self._set_code(self.code[:-1])

    def _set_code(self, code: str) -> None:
        self.code = code
        self.code_label.setText(code or " ")
        self.confirm_button.setEnabled(not self.busy and self._code_ok())
        self._touch()

    def _code_ok(self) -> bool:
        return re.fullmatch(wire.APPOINTMENT_CODE, self.code) is not None

    def _check_in(self) -> None:
        if self._code_ok():
            self._issue(None, appointment_code=self.code)

    def _check_in_by_card(self) -> None:
        if self._id_number is not None:
            self._issue(None, by_card=True)

    # -- the ID card ----------------------------------------------------------------------

    def use_id_card(self, id_number: str) -> None:
        """Take the next ticket with this ID number (read from an ID card): the server then
        allows one waiting ticket per person and business type, and checks the age of the
        elderly green channel. On the appointment page the card checks in the holder's
        appointment today at once. The number is forgotten when the start returns."""
        first = self._id_number != id_number
        self._id_number = id_number
        if self.pages.currentIndex() == APPOINTMENT:
            self.id_check_in.show()
            if first and not self.busy:
                self._check_in_by_card()

    # -- issuing --------------------------------------------------------------------------

    def issue(self, business_type: str) -> None:
        """Take a number for `business_type` (with the green channel chosen, if any)."""
        self._issue(business_type)

    def _issue(self, business_type: str | None, appointment_code: str | None = None, by_card: bool = False) -> None:
        if self.busy:
            return
        self.busy = True
        self._enable()
        self.home_note.setText(self.tr("Getting your number…"))
        green, id_number = self.green_reason, self._id_number

        def work() -> IssuedTicket:
            return self.desk.issue(business_type, green_reason=green, appointment_code=appointment_code,
                                   id_number=id_number, appointment_by_id=by_card)

        run_in_background(work, while_alive(self, self._issued), while_alive(self, self._issue_failed))

    def _issued(self, issued: IssuedTicket) -> None:
        self.busy = False
        self._enable()
        self.home_note.setText("")
        self.issued = issued
        ticket = issued.ticket
        self.result_number.setText(ticket.number)
        business = issued.business_type_name
        if ticket.green_channel:
            business += " · " + self.tr("Priority service")
        arrival = ticket.appointment_arrival
        if ticket.appointment_code and arrival is not wire.AppointmentArrival.LATE:
            business += " · " + self.tr("Appointment checked in")
        self.result_business.setText(business)
        self.result_appointment.setText(self.appointment_words(ticket))
        self.result_appointment.setVisible(arrival is not None)
        if issued.waiting_ahead and arrival is not wire.AppointmentArrival.ON_TIME:
            ahead = self.tr("%1 people waiting ahead of you").replace("%1", str(issued.waiting_ahead))
        elif arrival is wire.AppointmentArrival.ON_TIME:
            ahead = ""
        else:
            ahead = self.tr("Nobody is waiting ahead of you")
        self.result_ahead.setText(ahead)
        self.result_ahead.setVisible(bool(ahead))
        wait = issued.estimated_wait_minutes if issued.waiting_ahead and ahead else None
        self.result_wait.setText(self.tr("About %1 minutes' wait").replace("%1", str(wait)) if wait else "")
        self.result_wait.setVisible(bool(wait))
        self._say_print(self.tr("Printing your ticket…"), False)
        self._idle.stop()
        self.pages.setCurrentIndex(RESULT)
        self._start_countdown(self.done_button, self.tr("Done"), self.go_idle)
        self.ticket_issued.emit(issued)
        printed = TicketPrint(hall_name=issued.hall_name or self.hall.text(), number=ticket.number,
                              business_type_name=issued.business_type_name,
                              waiting_ahead=issued.waiting_ahead,
                              issued_at=_local(ticket.issued_at),
                              green_channel=ticket.green_channel, labels=self.ticket_labels(),
                              estimated_wait_minutes=issued.estimated_wait_minutes)
        printer = self.printer
        run_in_background(lambda: printer.print_ticket(printed),
                          while_alive(self, lambda _: self._printed(issued, "")),
                          while_alive(self, lambda exc: self._printed(issued, str(exc))))

    def _printed(self, issued: IssuedTicket, problem: str) -> None:
        if problem:
            log.error("ticket %s not printed: %s", issued.ticket.number, problem)
        if self.issued is issued and self.pages.currentIndex() == RESULT:
            if problem:
                self._say_print(self.tr("The printer is not working. Please remember your number."), True)
            elif isinstance(self.printer, NullTicketPrinter):
                self._say_print(self.tr("Please remember your number."), False)
            else:
                self._say_print(self.tr("Please take your ticket."), False)
        self.ticket_printed.emit(issued, problem)

    def _say_print(self, text: str, error: bool) -> None:
        self.result_print.setProperty("error", error)
        self.result_print.setText(text)
        self.result_print.style().unpolish(self.result_print)
        self.result_print.style().polish(self.result_print)

    def _issue_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._enable()
        self.home_note.setText("")
        self.message.setText(self.plain_refusal(exc))
        self._idle.stop()
        self.pages.setCurrentIndex(MESSAGE)
        self._start_countdown(self.message_button, self.tr("Back"))

    # -- returning to the start -----------------------------------------------------------

    def _start_countdown(self, button: QPushButton, word: str, on_end=None, seconds: int | None = None) -> None:
        self._countdown_button, self._countdown_word = button, word
        self._countdown_end = on_end or self.go_home
        self._remaining = seconds or self.return_after
        self._show_countdown()
        self._countdown.start(1000)

    def _show_countdown(self) -> None:
        self._countdown_button.setText(self.tr("%1 (%2)").replace("%1", self._countdown_word).replace(
            "%2", str(self._remaining)))

    def _count_down(self) -> None:
        self._remaining -= 1
        if self._remaining <= 0:
            self._countdown.stop()
            self._countdown_end()
        else:
            self._show_countdown()

    # -- looks ----------------------------------------------------------------------------

    def _tick(self) -> None:
        self.clock.setText(wall_clock("HH:mm"))

    def _restyle(self) -> None:
        # Sizes follow the screen: a portrait 1080×1920 kiosk and a 1280×1024 one both read well.
        h = max(self.height(), 600)
        w = max(self.width(), 600)
        unit = min(h / 1080, w / 1280)
        px = {"body": 32, "title": 52, "button": 46, "code": 64, "key": 52, "number": 220,
              "radius": 14, "pad": 14, "tall": 96, "name": 58, "count": 40, "help": 44, "rule": 4,
              "key_tall": 64}  # keys expand; a short landscape screen may squeeze them
        words = LARGE if self.large_text else 1.0  # large text: the words grow, not the frames
        if w > h:  # a landscape screen is short: the help's two columns a little smaller
            px.update(help=30)
        if self.large_text and w > h:
            # ... and in large text the buttons' own height gives way to the words.
            px.update(tall=72, pad=10, key_tall=48)
        sizes = {k: max(1, round(v * unit * (1 if k in ("radius", "pad", "rule", "key_tall") else words)))
                 for k, v in px.items()}
        # From 64 px on, Qt draws glyphs as paths, without the synthetic bold of a font that has
        # no bold face (the bundled CJK font): the business names stop at 63 px, and stay bold.
        sizes["name"] = min(sizes["name"], 63)
        self.setStyleSheet(_STYLE.format(**sizes))
        heading = (f"<p style='color:#ffd36b; font-size:{sizes['button']}px; font-weight:bold; "
                   f"margin-top:{sizes['pad'] * 2}px; margin-bottom:{sizes['pad'] // 2}px'>")
        sections = [f"{heading}{html.escape(title)}</p><p style='line-height:120%'>{html.escape(text)}</p>"
                    for title, text in self.help_sections]
        if w > h:  # a landscape screen: two columns, or the last sections fall off its foot
            half = (len(sections) + 1) // 2
            cell = f"<td width='50%' valign='top' style='padding-right:{sizes['pad'] * 2}px'>"
            self.help_text.setText(f"<table width='100%'><tr>{cell}{''.join(sections[:half])}</td>"
                                   f"{cell}{''.join(sections[half:])}</td></tr></table>")
        else:
            self.help_text.setText("".join(sections))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._restyle()
        self._place_buttons()
        self._place_tools()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._touch()
        super().mousePressEvent(event)
