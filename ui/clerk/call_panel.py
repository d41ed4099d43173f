"""The clerk's queue area: the ticket at the counter, the waiting counts, a button and an
F-key for every counter operation, and the parked tickets.

Every call to the hall goes through ui.tasks.run_in_background. The server decides: an
F-key always asks it (a refusal comes back in plain words), while the buttons follow
the transition table so the clerk sees at a glance what is possible. When the hall
server cannot be reached, calling stops with a plain message and the rest of the
workstation keeps working; the panel tries again by itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QRegularExpression, Qt, QTime, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ui.pause_words import REASONS, pause_line, reason_word
from ui.tasks import run_in_background, while_alive
from ui.words import fill
from workstation.app.queue_desk import DEFAULT_PAUSE, HALL_ZONE, DeskState
from workstation.domain.queue import Operation, PauseReason, TicketState, allowed_operations
from workstation.protocol import queue as wire
from workstation.protocol.events import Event
from workstation.sync.errors import HallRefused, HallUnreachable

# Action names: the keys of the shortcut mapping.
CALL_NEXT, RECALL, START, FINISH, PARK = "call_next", "recall", "start", "finish", "park"
NO_SHOW, TRANSFER, PAUSE, CALL_NUMBER, CALL_BACK = "no_show", "transfer", "pause", "call_number", "call_back"
BOOK = "book"  # 预约: book an appointment for the applicant at the counter or on the phone

DEFAULT_SHORTCUTS: Mapping[str, str] = {
    CALL_NEXT: "F2", RECALL: "F3", START: "F4", FINISH: "F5", PARK: "F6", NO_SHOW: "F7",
    TRANSFER: "F8", PAUSE: "F9", CALL_NUMBER: "F10",
    CALL_BACK: "Shift+F6",  # beside park (F6); F1 is the guide, F11 and F12 read ID cards
    BOOK: "Ctrl+B",
}

# The action of each ticket operation (its button is enabled by the transition table).
_TICKET_ACTIONS = {RECALL: Operation.RECALL, START: Operation.START, FINISH: Operation.FINISH,
                   PARK: Operation.PARK, NO_SHOW: Operation.NO_SHOW, TRANSFER: Operation.TRANSFER}

REFRESH_MS = 15000  # a safety net; queue events refresh the panel at once
RETRY_MS = 5000  # while the hall server is unreachable

_STYLE = """
QLabel#queueNumber { font-size: 34pt; font-weight: bold; color: #1f3a5f; }
QLabel#queueNumber[empty="true"] { color: #a9b7c8; }
QLabel#queueTicketInfo { font-size: 13pt; color: #33475b; }
QLabel#queueTimer { font-size: 15pt; font-weight: bold; color: #17703a; }
QLabel#queueWaiting { font-size: 12pt; color: #33475b; }
QLabel#queueWindow { font-size: 12pt; font-weight: bold; color: #1f3a5f; }
QLabel#queuePaused { font-size: 12pt; font-weight: bold; color: white; background: #9a5b00;
                     border-radius: 4px; padding: 2px 8px; }
QLabel#queueCovering { font-size: 12pt; font-weight: bold; color: #1f3a5f; background: #dce8f5;
                       border-radius: 4px; padding: 2px 8px; }
QLabel#queueMessage { font-size: 12pt; color: #33475b; }
QLabel#queueMessage[error="true"] { color: #b3261e; font-weight: bold; }
QPushButton { font-size: 11pt; padding: 6px 8px; }
QPushButton#queueCallNext { font-size: 14pt; font-weight: bold; background: #17703a; }
QPushButton#queueCallNext:disabled { background: #a9b7c8; }
QListWidget { font-size: 12pt; }
"""


translate = QCoreApplication.translate  # the name lupdate looks for
_OK_CANCEL = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel


def state_word(state: TicketState) -> str:
    return {
        TicketState.WAITING: translate("CallPanel", "waiting"),
        TicketState.CALLED: translate("CallPanel", "called, not started yet"),
        TicketState.SERVING: translate("CallPanel", "being served"),
        TicketState.PARKED: translate("CallPanel", "parked"),
        TicketState.NO_SHOW: translate("CallPanel", "a no-show"),
        TicketState.TRANSFERRED: translate("CallPanel", "transferred"),
        TicketState.FINISHED: translate("CallPanel", "finished"),
        TicketState.CANCELLED: translate("CallPanel", "cancelled"),
    }[state]


def action_name(action: str) -> str:
    return {
        CALL_NEXT: translate("CallPanel", "Call next"),
        RECALL: translate("CallPanel", "Call again"),
        START: translate("CallPanel", "Start"),
        FINISH: translate("CallPanel", "Finish"),
        PARK: translate("CallPanel", "Park"),
        NO_SHOW: translate("CallPanel", "No-show"),
        TRANSFER: translate("CallPanel", "Transfer"),
        PAUSE: translate("CallPanel", "Pause"),
        CALL_NUMBER: translate("CallPanel", "Call a number"),
        CALL_BACK: translate("CallPanel", "Call back"),
        BOOK: translate("CallPanel", "Book"),
    }[action]


_OPERATION_ACTION = {"call": CALL_NUMBER, "recall": RECALL, "start": START, "no show": NO_SHOW,
                     "transfer": TRANSFER, "park": PARK, "call back": CALL_BACK, "finish": FINISH}


def plain_refusal(exc: HallRefused) -> str:
    """The server's refusal in the clerk's words."""
    detail = exc.detail or ""
    if exc.device_revoked:
        return translate("CallPanel", "This PC was disabled by the administrator. Please contact IT.")
    if exc.status == 401:
        return translate("CallPanel", "Your login has ended. Please log out and log in again.")
    if exc.status == 403:
        return translate("CallPanel",
                         "This PC or account may not call tickets. Ask IT to check the window set-up.")
    if re.search(r"window \d+ is paused", detail):
        return translate("CallPanel", "This window is paused. Press “Resume” before calling.")
    if m := re.search(r"still has ticket (\S+)", detail):
        return fill(translate("CallPanel", "Ticket %1 is still at this window. Finish it, park it or "
                                           "mark it as a no-show first."), m.group(1))
    if m := re.search(r"ticket (\S+) is (\w+): cannot ([a-z ]+) \(", detail):
        number, state, operation = m.group(1), m.group(2), m.group(3).strip()
        try:
            word = state_word(TicketState(state))
        except ValueError:
            word = state
        action = _OPERATION_ACTION.get(operation)
        text = fill(translate("CallPanel", "Ticket %1 is %2: “%3” is not possible now."), number, word,
                    action_name(action) if action else operation)
        if state == TicketState.CALLED and operation in ("finish", "park", "transfer"):
            hint = translate("CallPanel", "Press “Start” when the applicant arrives.")
            text = fill(translate("CallPanel", "%1 %2"), text, hint)  # no space between Chinese sentences
        return text
    if "no ticket is waiting" in detail:
        return translate("CallPanel", "Nobody is waiting for this window.")
    if m := re.search(r"no ticket (\S+) today", detail):
        return fill(translate("CallPanel", "There is no ticket %1 today."), m.group(1))
    if m := re.search(r"ticket (\S+) waits for window (\d+)", detail):
        return fill(translate("CallPanel", "Ticket %1 waits for window %2."), m.group(1), m.group(2))
    if m := re.search(r"ticket (\S+) waits for business type", detail):
        return fill(translate("CallPanel", "Ticket %1 is for a business type this window does not serve."),
                    m.group(1))
    if m := re.search(r"ticket (\S+) is \w+ at .*, not at window", detail):
        return fill(translate("CallPanel", "Ticket %1 is not at this window."), m.group(1))
    if "expected return time has passed" in detail:
        return translate("CallPanel", "The return time has passed already: choose a later one.")
    if "is already paused" in detail:
        return translate("CallPanel", "This window is already paused.")
    if "is not paused" in detail:
        return translate("CallPanel", "This window is not paused.")
    if "is already at window" in detail or re.search(r"is already in the .* queue", detail):
        return translate("CallPanel", "The ticket is already there: choose another business type or window.")
    if m := re.search(r"already holds waiting ticket (\S+)", detail):
        return fill(translate("CallPanel", "The applicant already holds waiting ticket %1 there."),
                    m.group(1))
    if m := re.search(r"ticket (\S+) is from \d{4}-", detail):
        return fill(translate("CallPanel", "Ticket %1 is from another day."), m.group(1))
    return fill(translate("CallPanel", "The hall server refused: %1"), detail)


def _elapsed(since: datetime | None) -> str:
    if since is None:
        return ""
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    seconds = max(0, int((datetime.now(UTC) - since).total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


class CallNumberDialog(QDialog):
    """Asks for the ticket number to call out of order (A017)."""

    number_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Call a number"))
        self.number = QLineEdit()
        self.number.setObjectName("callNumber")
        self.number.setPlaceholderText("A017")
        self.number.setValidator(QRegularExpressionValidator(QRegularExpression(r"[A-Za-z]\d{0,3}"), self))
        buttons = QDialogButtonBox(_OK_CANCEL)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(self.tr("Ticket number"), self.number)
        layout.addRow(buttons)
        self.number.returnPressed.connect(self._accept)

    def _accept(self) -> None:
        text = self.number.text().strip().upper()
        if re.fullmatch(r"[A-Z]\d{3}", text):
            self.accept()
            self.number_chosen.emit(text)


class TransferDialog(QDialog):
    """Where the ticket goes: another business type, a particular window, or both."""

    target_chosen = Signal(object, object)  # business type code or None, window number or None

    def __init__(self, state: DeskState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Transfer the ticket"))
        current = state.ticket.business_type if state.ticket else None
        self.business_type = QComboBox()
        self.business_type.setObjectName("transferBusinessType")
        self.business_type.addItem(self.tr("(the same business type)"), None)
        for kind in state.business_types:
            if kind.code != current:
                self.business_type.addItem(f"{kind.prefix} {kind.name}", kind.code)
        self.window = QComboBox()
        self.window.setObjectName("transferWindow")
        self.window.addItem(self.tr("(any window that serves it)"), None)
        for window in state.windows:
            if window.number != state.window.number:
                self.window.addItem(window.name, window.number)
        self.problem = QLabel()
        buttons = QDialogButtonBox(_OK_CANCEL)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(self.tr("Business type"), self.business_type)
        layout.addRow(self.tr("Window"), self.window)
        layout.addRow(self.problem)
        layout.addRow(buttons)

    def _accept(self) -> None:
        code, window = self.business_type.currentData(), self.window.currentData()
        if code is None and window is None:
            self.problem.setText(self.tr("Choose a business type or a window."))
            return
        self.accept()
        self.target_chosen.emit(code, window)


class PauseDialog(QDialog):
    """Where the clerk goes and when they are back (去向公开), by keyboard: Up/Down or the
    digits 1–5 choose the reason, "Other" takes the clerk's own words, Tab reaches the
    return time (now + 30 minutes on the hall's clock), Enter pauses, Esc does not."""

    pause_chosen = Signal(object, str, object)  # PauseReason, note, aware datetime or None

    def __init__(self, parent: QWidget | None = None, now: datetime | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Pause the window"))
        self.setObjectName("pauseDialog")
        self._now = now
        self.reasons = QListWidget()
        self.reasons.setObjectName("pauseReasons")
        self.reasons.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for number, reason in enumerate(REASONS, 1):
            item = QListWidgetItem(f"{number}  {reason_word(reason)}")
            item.setData(Qt.ItemDataRole.UserRole, reason)
            self.reasons.addItem(item)
        self.reasons.setCurrentRow(0)
        self.reasons.setMinimumSize(260, 130)  # all five at once, no scroll bar
        self.reasons.currentRowChanged.connect(self._reason_changed)
        self.note = QLineEdit()
        self.note.setObjectName("pauseNote")
        self.note.setMaxLength(100)
        self.note.setPlaceholderText(self.tr("Where are you going?"))
        self.until = QTimeEdit()
        self.until.setObjectName("pauseUntil")
        self.until.setDisplayFormat("HH:mm")
        back = (self._clock() + DEFAULT_PAUSE).astimezone(HALL_ZONE)
        self.until.setTime(QTime(back.hour, back.minute))
        self.problem = QLabel()
        self.problem.setObjectName("pauseProblem")
        self.problem.setStyleSheet("color: #b3261e; font-weight: bold;")
        buttons = QDialogButtonBox(_OK_CANCEL)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Pause"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(self.tr("Where to"), self.reasons)
        layout.addRow(self.tr("In your words"), self.note)
        layout.addRow(self.tr("Back at about"), self.until)
        layout.addRow(self.problem)
        layout.addRow(buttons)
        # The digits choose by the list's own keyboard search: each item starts with its digit.
        self._reason_changed(0)
        self.reasons.setFocus()

    def _clock(self) -> datetime:
        return self._now or datetime.now(UTC)

    def reason(self) -> PauseReason:
        item = self.reasons.currentItem()
        # Qt keeps the StrEnum as a plain str.
        return PauseReason(item.data(Qt.ItemDataRole.UserRole)) if item is not None else PauseReason.OTHER

    def _reason_changed(self, row: int) -> None:
        other = self.reason() is PauseReason.OTHER
        self.note.setEnabled(other)
        if other:
            self.note.setFocus()

    def until_moment(self) -> datetime:
        """The return time chosen, today on the hall's clock (an aware datetime)."""
        time = self.until.time()
        today = self._clock().astimezone(HALL_ZONE)
        return today.replace(hour=time.hour(), minute=time.minute(), second=0, microsecond=0)

    def _accept(self) -> None:
        reason = self.reason()
        note = self.note.text().strip() if reason is PauseReason.OTHER else ""
        if reason is PauseReason.OTHER and not note:
            self.problem.setText(self.tr("Say where you are going."))
            self.note.setFocus()
            return
        until = self.until_moment()
        if until <= self._clock():
            self.problem.setText(self.tr("The return time has passed already: choose a later one."))
            self.until.setFocus()
            return
        self.accept()
        self.pause_chosen.emit(reason, note, until)


class CallPanel(QWidget):
    """The queue area of the clerk's main window, over a QueueDesk-like `desk`."""

    current_ticket_changed = Signal(object)  # protocol Ticket at the counter, or None
    online_changed = Signal(bool)
    pause_changed = Signal(object, object)  # protocol PauseInfo while paused, or None; the backup window

    def __init__(self, desk, shortcuts: Mapping[str, str] | None = None, parent: QWidget | None = None,
                 *, refresh_ms: int = REFRESH_MS, retry_ms: int = RETRY_MS) -> None:
        super().__init__(parent)
        self.setObjectName("callPanel")
        self.setStyleSheet(_STYLE)
        self.desk = desk
        self.keys = {**DEFAULT_SHORTCUTS, **(shortcuts or {})}
        self.state: DeskState | None = None
        self.online = True
        self.busy = False
        self._shown_ticket: tuple[int, TicketState] | None = None
        self._dialog: QDialog | None = None
        # The applicant at the counter (ID number, mobile) for a booking, when the main
        # window has one (ClerkApp sets it: the applicant panel's card or typed number).
        self.applicant: Callable[[], tuple[str, str]] | None = None
        self._refreshing = self._refresh_again = False
        # Keys pressed while an operation is on its way: each is done, in order, once the
        # answer is in and the panel shows the state after it. A key is never dropped.
        self._pending: list[Callable[[], None]] = []
        self._finished = 0  # operations answered so far
        self._state_after = 0  # operations answered before the shown state was asked

        self.window_label = QLabel()
        self.window_label.setObjectName("queueWindow")
        self.paused_label = QLabel(self.tr("Paused"))
        self.paused_label.setObjectName("queuePaused")
        self.paused_label.hide()
        self.covering_label = QLabel()
        self.covering_label.setObjectName("queueCovering")
        self.covering_label.hide()
        self._shown_pause: tuple | None = None
        self.number = QLabel("—")
        self.number.setObjectName("queueNumber")
        self.number.setProperty("empty", True)
        self.ticket_info = QLabel(self.tr("No ticket at the counter."))
        self.ticket_info.setObjectName("queueTicketInfo")
        self.ticket_info.setWordWrap(True)
        self.timer_label = QLabel()
        self.timer_label.setObjectName("queueTimer")
        self.waiting = QLabel()
        self.waiting.setObjectName("queueWaiting")
        self.waiting.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("queueMessage")
        self.message.setWordWrap(True)
        self.parked = QListWidget()
        self.parked.setObjectName("queueParked")
        self.parked.setMaximumHeight(110)
        self.parked.setVisible(False)  # shown while a ticket is parked: the applicant panel below needs the room
        self.parked.itemSelectionChanged.connect(self._update_buttons)
        self.parked.itemDoubleClicked.connect(lambda _: self.call_back())
        self.parked_title = QLabel(self.tr("Parked tickets"))

        handlers: dict[str, Callable[[], None]] = {
            CALL_NEXT: self.call_next, RECALL: lambda: self.operate(Operation.RECALL),
            START: lambda: self.operate(Operation.START), FINISH: lambda: self.operate(Operation.FINISH),
            PARK: lambda: self.operate(Operation.PARK), NO_SHOW: lambda: self.operate(Operation.NO_SHOW),
            TRANSFER: self.transfer, PAUSE: self.toggle_pause, CALL_NUMBER: self.call_number,
            CALL_BACK: self.call_back, BOOK: self.book,
        }
        self.buttons: dict[str, QPushButton] = {}
        self.shortcuts: dict[str, QShortcut] = {}
        for action, handler in handlers.items():
            button = QPushButton()
            button.setObjectName("queue" + "".join(p.capitalize() for p in action.split("_")))
            button.clicked.connect(handler)
            self.buttons[action] = button
            key = self.keys.get(action)
            if key:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(lambda handler=handler: self._pressed(handler))
                self.shortcuts[action] = shortcut
        self._label_buttons()

        top = QHBoxLayout()
        top.addWidget(self.window_label, 1)
        top.addWidget(self.covering_label)
        top.addWidget(self.paused_label)
        grid = QGridLayout()
        order = [CALL_NEXT, RECALL, START, FINISH, PARK, NO_SHOW, TRANSFER, CALL_NUMBER, PAUSE]
        for i, action in enumerate(order):
            grid.addWidget(self.buttons[action], i // 3, i % 3)
        parked_row = QHBoxLayout()  # 挂起的号：N 个 … [回访], the list under it while one is parked
        parked_row.addWidget(self.parked_title, 1)
        parked_row.addWidget(self.buttons[BOOK], 0)  # 预约 here: a fourth row of buttons pushes the applicant down
        parked_row.addWidget(self.buttons[CALL_BACK], 0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.number)
        layout.addWidget(self.ticket_info)
        layout.addWidget(self.timer_label)
        layout.addWidget(self.waiting)
        layout.addLayout(grid)
        layout.addLayout(parked_row)
        layout.addWidget(self.parked)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(1000)
        self.refresh_ms, self.retry_ms = refresh_ms, retry_ms
        self._poll = QTimer(self)
        self._poll.timeout.connect(self.refresh)
        self._poll.start(refresh_ms)
        self._update_buttons()
        self.refresh()

    # -- labels ---------------------------------------------------------------------------

    def _label_buttons(self) -> None:
        for action, button in self.buttons.items():
            name = action_name(action)
            if action == PAUSE and self.state is not None and self.state.window.paused:
                name = self.tr("Resume")
            key = self.keys.get(action)
            button.setText(f"{name}  {key}" if key else name)

    def say(self, text: str, error: bool = False) -> None:
        self.message.setProperty("error", error)
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # -- reading --------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        if self._refreshing:  # one at a time; a refresh asked for meanwhile runs after it
            self._refresh_again = True
            return
        self._refreshing, self._refresh_again = True, False
        finished = self._finished
        run_in_background(self.desk.state, while_alive(self, lambda state: self._show_state(state, finished)),
                          while_alive(self, self._refresh_failed))

    def _refreshed(self) -> None:
        self._refreshing = False
        if self._refresh_again:
            self.refresh()

    @Slot(object)
    def on_server_event(self, event: Event) -> None:
        """Connect to the hub bridge's server_event: queue changes refresh the panel."""
        if event.type in (wire.QueueEventType.QUEUE_COUNTS, wire.QueueEventType.WINDOW_STATE,
                          wire.QueueEventType.TICKET_STATE):
            other_window = event.data.get("number") != self.desk.window
            if event.type == wire.QueueEventType.WINDOW_STATE and other_window:
                return
            self.refresh()

    def _show_state(self, state: DeskState, finished: int | None = None) -> None:
        self._refreshed()
        self._state_after = self._finished if finished is None else finished
        was_offline = not self.online
        self._set_online(True)
        if was_offline:
            self.say(self.tr("The hall server is reachable again: calling works."))
        self.state = state
        window = state.window
        self.window_label.setText(self.tr("Window %1").replace("%1", str(window.number)))
        self.paused_label.setVisible(window.paused)
        self.paused_label.setText(pause_line(window.pause) if window.paused else "")
        # AB角: this window also calls for the windows it covers now.
        self.covering_label.setVisible(bool(window.covering))
        self.covering_label.setText(fill(self.tr("Also serving window %1"),
                                         "、".join(str(n) for n in window.covering)))
        pause = window.pause if window.paused else None
        shown = (pause.model_dump_json() if pause else None, window.backup)
        if shown != self._shown_pause:
            self._shown_pause = shown
            self.pause_changed.emit(pause, window.backup)
        ticket = state.ticket
        if ticket is None:
            self.number.setText("—")
            self.number.setProperty("empty", True)
            self.ticket_info.setText(self.tr("No ticket at the counter."))
        else:
            self.number.setText(ticket.number)
            self.number.setProperty("empty", False)
            name = next((t.name for t in state.business_types if t.code == ticket.business_type),
                        ticket.business_type)
            info = f"{name} · {state_word(ticket.state)}"
            if ticket.state is TicketState.CALLED and ticket.call_count > 1:
                info += " · " + self.tr("called %1 times").replace("%1", str(ticket.call_count))
            if ticket.green_channel:
                info += " · " + self.tr("priority")
            self.ticket_info.setText(info)
        self.number.style().unpolish(self.number)
        self.number.style().polish(self.number)
        self.waiting.setText(self.tr("Waiting: %1").replace("%1", "　".join(
            f"{t.name} {t.waiting}" for t in state.waiting)))
        selected = self._selected_parked()
        self.parked.clear()
        for parked in state.parked:
            item = QListWidgetItem(f"{parked.number}  {self._type_name(parked.business_type)}")
            item.setData(Qt.ItemDataRole.UserRole, parked.id)
            self.parked.addItem(item)
            if parked.id == selected:
                item.setSelected(True)
        if self.parked.count() and not self.parked.selectedItems():
            self.parked.item(0).setSelected(True)
        self.parked.setVisible(self.parked.count() > 0)
        self.parked_title.setText(self.tr("Parked tickets: %1").replace("%1", str(len(state.parked))))
        self._tick()
        self._label_buttons()
        self._update_buttons()
        key = (ticket.id, ticket.state) if ticket else None
        if key != self._shown_ticket:
            self._shown_ticket = key
            self.current_ticket_changed.emit(ticket)
        self._run_pending()

    def _pressed(self, handler: Callable[[], None]) -> None:
        """A shortcut key: done now, or kept until the operation on its way is answered
        and the panel shows what it changed (the key's meaning depends on that state)."""
        if self.online and (self.busy or self._pending or self._state_after < self._finished):
            self._pending.append(handler)
            return
        handler()

    def _run_pending(self) -> None:
        while self._pending and not self.busy and self._state_after >= self._finished:
            self._pending.pop(0)()

    def _type_name(self, code: str) -> str:
        if self.state is None:
            return code
        return next((t.name for t in self.state.business_types if t.code == code), code)

    def _refresh_failed(self, exc: BaseException) -> None:
        self._refresh_again = False  # the poll timer retries
        self._refreshed()
        self._failed(exc)

    def _tick(self) -> None:
        ticket = self.state.ticket if self.state else None
        if ticket is None:
            self.timer_label.setText("")
        elif ticket.state is TicketState.SERVING:
            self.timer_label.setText(self.tr("Serving for %1").replace("%1", _elapsed(ticket.served_at)))
        else:
            self.timer_label.setText(self.tr("Called %1 ago").replace("%1", _elapsed(ticket.called_at)))

    # -- enabling -------------------------------------------------------------------------

    def _selected_parked(self) -> int | None:
        items = self.parked.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _update_buttons(self) -> None:
        state = self.state
        ready = self.online and not self.busy and state is not None
        ticket = state.ticket if state else None
        paused = bool(state and state.window.paused)
        allowed = set(allowed_operations(ticket.state)) if ticket else set()
        free = ready and ticket is None and not paused
        self.buttons[CALL_NEXT].setEnabled(free)
        self.buttons[CALL_NUMBER].setEnabled(free)
        self.buttons[CALL_BACK].setEnabled(free and self._selected_parked() is not None)
        self.buttons[PAUSE].setEnabled(ready)
        self.buttons[BOOK].setEnabled(self.online and state is not None)  # the hall books: it must answer
        for action, operation in _TICKET_ACTIONS.items():
            self.buttons[action].setEnabled(ready and operation in allowed)

    def _set_online(self, online: bool) -> None:
        if online == self.online:
            return
        self.online = online
        self._poll.start(self.refresh_ms if online else self.retry_ms)
        self._update_buttons()
        self.online_changed.emit(online)

    # -- doing ----------------------------------------------------------------------------

    def _run(self, work: Callable[[], object], done: Callable[[object], None]) -> None:
        if self.busy:
            return
        if not self.online:
            self._say_offline()
            self.refresh()
            return
        self.busy = True
        self._update_buttons()
        run_in_background(work, while_alive(self, lambda result: self._done(done, result)),
                          while_alive(self, self._op_failed))

    def _done(self, done: Callable[[object], None], result: object) -> None:
        self.busy = False
        self._finished += 1
        done(result)
        self._update_buttons()
        self.refresh()

    def _op_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._finished += 1
        if self._pending:
            # The keys pressed after it counted on its success: not done, and said so.
            self._pending.clear()
            self._failed(exc)
            self.say(self.message.text() + " " + self.tr("The keys pressed after it were not acted on."),
                     error=True)
        else:
            self._failed(exc)
        if not isinstance(exc, HallRefused):
            self._state_after = self._finished  # no refresh follows; keys act on what is shown
        self._update_buttons()
        if isinstance(exc, HallRefused):
            self.refresh()  # whatever we thought, the server's state is the truth

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, HallUnreachable):
            self._set_online(False)
            self._say_offline()
        elif isinstance(exc, HallRefused):
            self.say(plain_refusal(exc), error=True)
        else:
            self.say(self.tr("Something went wrong: %1").replace("%1", str(exc)), error=True)

    def _say_offline(self) -> None:
        self.say(self.tr("The hall server cannot be reached, so calling is not possible now. "
                         "You can go on with the applicant at the counter; calling comes back "
                         "by itself."), error=True)

    def _ticket_id(self) -> int | None:
        ticket = self.state.ticket if self.state else None
        if ticket is None:
            self.say(self.tr("There is no ticket at the counter."), error=True)
            return None
        return ticket.id

    @Slot()
    def call_next(self) -> None:
        self._run(self.desk.call_next, self._called)

    def _called(self, ticket: wire.Ticket) -> None:
        self.say(self.tr("Calling %1.").replace("%1", ticket.number))

    @Slot()
    def call_number(self) -> None:
        if not self.online:
            self._say_offline()
            return
        dialog = CallNumberDialog(self)
        dialog.number_chosen.connect(lambda number: self._run(lambda: self.desk.call_number(number),
                                                              self._called))
        self._open(dialog)

    @Slot()
    def call_back(self) -> None:
        ticket_id = self._selected_parked()
        if ticket_id is None:
            self.say(self.tr("Choose a parked ticket first."), error=True)
            return
        self._run(lambda: self.desk.call_back(ticket_id), self._called)

    def operate(self, operation: Operation) -> None:
        ticket_id = self._ticket_id()
        if ticket_id is None:
            return
        words = {
            Operation.RECALL: self.tr("Calling %1 again."),
            Operation.START: self.tr("Serving %1."),
            Operation.FINISH: self.tr("%1 is finished."),
            Operation.PARK: self.tr("%1 is parked; you can call the next one."),
            Operation.NO_SHOW: self.tr("%1 is marked as a no-show."),
        }

        def done(ticket: wire.Ticket) -> None:
            if operation is Operation.RECALL and ticket.state is TicketState.NO_SHOW:
                self.say(self.tr("%1 did not come after the last call: marked as a no-show.").replace(
                    "%1", ticket.number))
            else:
                self.say(words[operation].replace("%1", ticket.number))

        self._run(lambda: self.desk.operate(operation, ticket_id), done)

    @Slot()
    def transfer(self) -> None:
        ticket_id = self._ticket_id()
        if ticket_id is None or self.state is None:
            return
        dialog = TransferDialog(self.state, self)

        def chosen(code, window) -> None:
            self._run(lambda: self.desk.transfer(ticket_id, code, window),
                      lambda ticket: self.say(self.tr("%1 is transferred.").replace("%1", ticket.number)))

        dialog.target_chosen.connect(chosen)
        self._open(dialog)

    @Slot()
    def toggle_pause(self) -> None:
        """Resumes a paused window at once; pausing first asks where the clerk goes."""
        paused = bool(self.state and self.state.window.paused)
        if paused:
            self._run(self.desk.resume, lambda _: self.say(self.tr("The window is open again.")))
            return
        if not self.online:
            self._say_offline()
            return
        dialog = PauseDialog(self)

        def chosen(reason: PauseReason, note: str, until: datetime | None) -> None:
            self._run(lambda: self.desk.pause(reason, note, until), lambda _: self.say(
                self.tr("The window is paused: no ticket is called to it.")))

        dialog.pause_chosen.connect(chosen)
        self._open(dialog)

    @Slot()
    def book(self) -> None:
        """预约: a slot for the applicant at the counter, or for one on the phone."""
        from ui.clerk.booking import BookingDialog

        if not self.online:
            self._say_offline()
            return
        number, phone = self.applicant() if self.applicant is not None else ("", "")
        dialog = BookingDialog(self.desk, self, id_number=number, phone=phone)
        dialog.booked.connect(lambda appointment: self.say(self.tr("Appointment %1 booked.").replace(
            "%1", appointment.code)))
        self._open(dialog)

    def _open(self, dialog: QDialog) -> None:
        # open(), not exec(): no nested event loop; the panel keeps updating meanwhile.
        if self._dialog is not None:
            self._dialog.close()
        self._dialog = dialog
        dialog.finished.connect(lambda _: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        # Forgotten before it is deleted: the next dialog must not close a deleted one.
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()
