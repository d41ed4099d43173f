"""The hall now (大厅实况): every window as a tile (its clerk; serving which ticket since
when, idle, paused with the whereabouts the clerk gave, offline; its AB角 backup), each
business type's queue today, and the tickets waiting past the hall's limit in red.

The board reads /monitoring/hall when an event says the hall changed (re-reads coalesce:
one more after the one in flight); a `window.state` or `window.presence` event is put on
its tile at once, before the re-read comes back. Waits age on screen between events
without a call to the hall. F11 shows the same board full screen for a wall TV (BigBoard)."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.hall_time import hall_time
from ui.supervisor.live import LiveFeed, Reader, clock, minutes, stream_words
from ui.words import fill
from workstation.app.monitoring import FeedConnected, ReferenceChanged, WindowPresence
from workstation.domain.queue import PauseReason
from workstation.protocol import monitoring as mon
from workstation.protocol import queue as queue_wire
from workstation.sync.errors import HallRefused, HallUnreachable

RED = "#b3261e"
AGE_TICK_MS = 30000  # waits shown age by themselves; no call to the hall

# activity -> (tile background, border, text)
COLOURS = {
    mon.WindowActivity.SERVING: ("#e6f4ea", "#1e7a3c", "#0f3d1e"),
    mon.WindowActivity.IDLE: ("#e8f0fe", "#3b6fb6", "#1f3a5f"),
    mon.WindowActivity.PAUSED: ("#fff4e0", "#c77700", "#5c3700"),
    mon.WindowActivity.OFFLINE: ("#fde7e7", RED, "#6b1410"),
    mon.WindowActivity.CLOSED: ("#eeeeee", "#9e9e9e", "#555555"),
}

BT_NAME, BT_WAITING, BT_LONGEST, BT_WAIT, BT_SERVICE, BT_SERVED, BT_WINDOWS = range(7)


class HallWords(QObject):
    """The board's states and whereabouts in the hall's words."""

    def reason(self, reason: PauseReason, note: str = "") -> str:
        words = {PauseReason.MEETING: self.tr("Meeting"), PauseReason.ERRAND: self.tr("Out on an errand"),
                 PauseReason.BREAK: self.tr("Break"), PauseReason.TRAINING: self.tr("Training"),
                 PauseReason.OTHER: note or self.tr("Away")}
        word = words.get(reason, note)
        if note and reason is not PauseReason.OTHER:
            word = f"{word}（{note}）"
        return word

    def window(self, number: int) -> str:
        return fill(self.tr("Window %1"), number)

    def state(self, window: mon.WindowNow) -> str:
        activity = window.activity
        if activity is mon.WindowActivity.SERVING:
            if window.since is not None:
                return fill(self.tr("Serving %1 · since %2"), window.ticket_number or "", clock(window.since))
            return fill(self.tr("Serving %1"), window.ticket_number or "")
        if activity is mon.WindowActivity.IDLE:
            return self.tr("Idle")
        if activity is mon.WindowActivity.PAUSED:
            pause = window.pause
            where = self.reason(pause.reason, pause.note) if pause else ""
            if pause and pause.until:
                return fill(self.tr("Paused · %1 · back about %2"), where, clock(pause.until))
            return fill(self.tr("Paused · %1"), where) if where else self.tr("Paused")
        if activity is mon.WindowActivity.OFFLINE:
            return self.tr("Offline")
        return self.tr("Nobody logged in")

    def day(self, window: mon.WindowNow) -> str:
        """The window's day so far: served, and parked tickets waiting to be called back."""
        if window.activity is mon.WindowActivity.CLOSED and not window.served_today:
            return ""
        text = fill(self.tr("Served today %1"), window.served_today)
        if window.parked:
            text += " · " + fill(self.tr("parked %1"), window.parked)
        return text

    def backup(self, window: mon.WindowNow, covered_by: int | None) -> str:
        lines = []
        if covered_by is not None:
            lines.append(fill(self.tr("AB backup: window %1 serves its queue now"), covered_by))
        elif window.backup is not None:
            lines.append(fill(self.tr("AB backup: window %1"), window.backup))
        if window.covering:
            lines.append(fill(self.tr("Covering window %1"), "、".join(str(n) for n in window.covering)))
        return "\n".join(lines)


class WindowTile(QFrame):
    """One window on the board."""

    def __init__(self, words: HallWords, big: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("windowTile")
        self.words = words
        self.big = big
        self.title = QLabel()
        self.title.setObjectName("tileTitle")
        self.clerk = QLabel()
        self.clerk.setObjectName("tileClerk")
        self.state = QLabel()
        self.state.setObjectName("tileState")
        self.state.setWordWrap(True)
        self.extra = QLabel()
        self.extra.setObjectName("tileExtra")
        self.extra.setWordWrap(True)
        self.day = QLabel()
        self.day.setObjectName("tileDay")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.clerk)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.extra)
        layout.addStretch(1)
        layout.addWidget(self.day)
        self.window: mon.WindowNow | None = None

    def show_window(self, window: mon.WindowNow, covered_by: int | None) -> None:
        self.window = window
        background, border, text = COLOURS[window.activity]
        scale = 2 if self.big else 1
        self.setStyleSheet(
            f"QFrame#windowTile {{ background: {background}; border: {2 * scale}px solid {border};"
            f" border-radius: 8px; }}"
            f" QLabel {{ color: {text}; background: transparent; border: none; }}"
            f" QLabel#tileTitle {{ font-size: {14 * scale + (4 if self.big else 0)}pt; font-weight: bold; }}"
            f" QLabel#tileClerk {{ font-size: {12 * scale}pt; }}"
            f" QLabel#tileState {{ font-size: {14 * scale + (4 if self.big else 0)}pt; font-weight: bold;"
            f" color: {border}; }}"
            f" QLabel#tileExtra {{ font-size: {10 * scale + (2 if self.big else 0)}pt; }}"
            f" QLabel#tileDay {{ font-size: {10 * scale + (2 if self.big else 0)}pt; }}")
        self.title.setText(window.name or self.words.window(window.number))
        self.clerk.setText(window.clerk_name or "")
        self.state.setText(self.words.state(window))
        self.extra.setText(self.words.backup(window, covered_by))
        self.day.setText(self.words.day(window))


class HallBoard(QWidget):
    """The hall now over a MonitoringDesk-like `desk` and a LiveFeed (None: read once).
    With `big`, the large-font version for a TV, fed by another board's `rendered`."""

    rendered = Signal(object)  # mon.HallNow as shown, after events applied

    def __init__(self, desk, live: LiveFeed | None, parent: QWidget | None = None, *, big: bool = False,
                 age_tick_ms: int = AGE_TICK_MS) -> None:
        super().__init__(parent)
        self.setObjectName("hallBoard")
        self.desk, self.live, self.big = desk, live, big
        self.words = HallWords(self)
        self.hall: mon.HallNow | None = None
        self.shown: mon.HallNow | None = None  # as last rendered: events and presence applied
        self._read_at = 0.0  # time.monotonic() of the last read, to age its waits
        self.offline: set[int] = set()  # windows a presence event said left since the last read
        scale = 2 if big else 1

        self.status = QLabel()
        self.status.setObjectName("hallStatus")
        self.title = QLabel(self.tr("Hall now"))
        self.title.setObjectName("hallTitle")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.status)

        self.tiles_box = QWidget()
        self.grid = QGridLayout(self.tiles_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(10 * scale)
        self.tiles: dict[int, WindowTile] = {}

        self.types = QTableWidget(0, 7)
        self.types.setObjectName("businessTypes")
        self.types.setHorizontalHeaderLabels([
            self.tr("Business type"), self.tr("Waiting"), self.tr("Longest wait"), self.tr("Average wait today"),
            self.tr("Average service today"), self.tr("Served today"), self.tr("Windows open")])
        self.types.verticalHeader().setVisible(False)
        self.types.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.types.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.types.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.types.horizontalHeader().setSectionResizeMode(BT_NAME, QHeaderView.ResizeMode.ResizeToContents)
        self.long_waits = QLabel()
        self.long_waits.setObjectName("longWaits")
        self.long_waits.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12 * scale, 8 * scale, 12 * scale, 8 * scale)
        layout.addLayout(head)
        layout.addWidget(self.tiles_box, 1)
        layout.addWidget(self.long_waits)
        layout.addWidget(self.types)
        self.setStyleSheet(
            f"QLabel#hallTitle {{ font-size: {16 * scale + (8 if big else 0)}pt; font-weight: bold;"
            f" color: #1f3a5f; }}"
            f" QLabel#hallStatus {{ font-size: {10 * scale + (4 if big else 0)}pt; color: #33475b; }}"
            f" QLabel#hallStatus[down=\"true\"] {{ color: {RED}; font-weight: bold; }}"
            f" QLabel#longWaits {{ font-size: {12 * scale + (4 if big else 0)}pt; color: #1e7a3c; }}"
            f" QLabel#longWaits[late=\"true\"] {{ color: {RED}; font-weight: bold; }}"
            f" QTableWidget#businessTypes {{ font-size: {12 * scale + (4 if big else 0)}pt; }}"
            f" QHeaderView::section {{ font-size: {11 * scale + (4 if big else 0)}pt; }}")
        if big:  # a TV: nothing to select, no focus frame
            self.types.verticalHeader().setDefaultSectionSize(56)
            self.types.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            self.types.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self._age = QTimer(self)
        self._age.setInterval(age_tick_ms)
        self._age.timeout.connect(self._render_types)
        self._age.start()
        self.reader: Reader | None = None
        if desk is not None:
            self.reader = Reader(self, desk.hall_now, self.show_hall, self._failed, live)
        if live is not None:
            if desk is not None:  # a board that only follows another (BigBoard) gets its events from it
                live.update.connect(self.on_update)
            live.live_changed.connect(self._show_status)
        self._show_status()

    # reading

    def refresh(self) -> None:
        if self.reader is not None:
            self.reader.request()

    @Slot(object)
    def on_update(self, update) -> None:
        if isinstance(update, queue_wire.WindowState):
            self.apply_window_state(update)
            self.refresh()
        elif isinstance(update, WindowPresence):
            self.apply_presence(update)
            self.refresh()
        elif isinstance(update, (FeedConnected, ReferenceChanged, queue_wire.QueueCounts, queue_wire.TicketCalled,
                                 queue_wire.TicketStateChanged)):
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, (HallUnreachable, HallRefused)):
            self.status.setText(fill(self.tr("The hall server did not answer: %1"), str(exc)))
            self.status.setProperty("down", True)
            self.status.style().polish(self.status)
        else:
            raise exc

    @Slot()
    def _show_status(self, *_: object) -> None:
        live = self.live.live if self.live is not None else True
        at = fill(self.tr("updated %1"), hall_time(self.hall.at, "%H:%M:%S")) if self.hall else ""
        self.status.setText(f"{stream_words(live)} · {at}" if at else stream_words(live))
        self.status.setProperty("down", not live)
        self.status.style().polish(self.status)

    # showing

    @Slot(object)
    def show_hall(self, hall: mon.HallNow) -> None:
        self.hall = hall
        self._read_at = time.monotonic()
        self.offline.clear()
        self._render()

    def apply_window_state(self, state: queue_wire.WindowState) -> None:
        """A `window.state` event on its tile at once (the re-read follows). The event tells
        the ticket and the pause, not who is logged in nor whether the workstation is
        connected: a closed or offline window keeps its activity, and the AB角 cover is
        the monitoring read's (the queue's event names a cover even for an empty window)."""
        if self.hall is None:
            return
        windows = []
        for window in self.hall.windows:
            staffed = window.activity not in (mon.WindowActivity.CLOSED, mon.WindowActivity.OFFLINE)
            if window.number == state.number and staffed:
                changes: dict = {"pause": state.pause, "parked": state.parked,
                                 "business_types": state.business_types}
                if state.paused:
                    since = state.pause.since if state.pause and state.pause.since else datetime.now(UTC)
                    changes |= {"activity": mon.WindowActivity.PAUSED, "since": since, "ticket_number": None}
                elif state.ticket is not None:
                    same = window.ticket_number == state.ticket.number
                    changes |= {"activity": mon.WindowActivity.SERVING, "ticket_number": state.ticket.number,
                                "since": window.since if same else datetime.now(UTC)}
                else:
                    changes |= {"activity": mon.WindowActivity.IDLE, "ticket_number": None, "since": None}
                window = window.model_copy(update=changes)
            windows.append(window)
        self.hall = self.hall.model_copy(update={"windows": windows})
        self._render()

    def apply_presence(self, presence: WindowPresence) -> None:
        if presence.online:
            self.offline.discard(presence.window)
        else:
            self.offline.add(presence.window)
        self._render()

    def _shown_windows(self) -> list[mon.WindowNow]:
        assert self.hall is not None
        return [w.model_copy(update={"activity": mon.WindowActivity.OFFLINE}) if w.number in self.offline else w
                for w in self.hall.windows]

    def _render(self) -> None:
        if self.hall is None:
            return
        windows = self._shown_windows()
        covered_by = {n: w.number for w in windows for n in w.covering}
        numbers = [w.number for w in windows]
        if list(self.tiles) != numbers:
            for tile in self.tiles.values():
                tile.deleteLater()
            self.tiles = {}
            columns = max(3, math.ceil(math.sqrt(len(windows))))
            for index, window in enumerate(windows):
                tile = WindowTile(self.words, self.big)
                self.tiles[window.number] = tile
                self.grid.addWidget(tile, index // columns, index % columns)
        for window in windows:
            self.tiles[window.number].show_window(window, covered_by.get(window.number))
        self._render_types()
        self._show_status()
        self.shown = self.hall.model_copy(update={"windows": windows})
        self.rendered.emit(self.shown)

    @Slot()
    def _render_types(self) -> None:
        hall = self.hall
        if hall is None:
            return
        aged = time.monotonic() - self._read_at if self._read_at else 0.0
        limit = hall.wait_limit_minutes * 60
        self.types.setRowCount(len(hall.business_types))
        for row, bt in enumerate(hall.business_types):
            longest = bt.longest_wait_seconds + aged if bt.longest_wait_seconds is not None and bt.waiting else None
            cells = [bt.name, str(bt.waiting), minutes(longest), minutes(bt.average_wait_seconds),
                     minutes(bt.average_service_seconds), str(bt.served_today), str(bt.windows_open)]
            late = longest is not None and longest > limit
            for column, text in enumerate(cells):
                item = self.types.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.types.setItem(row, column, item)
                item.setText(text)
                if column != BT_NAME:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setForeground(QColor(RED) if late else QColor("#1b1b1b"))
                font = item.font()
                font.setBold(late)
                item.setFont(font)
        # The table as tall as its rows: the tiles take the rest of the screen.
        rows_height = sum(self.types.rowHeight(r) for r in range(self.types.rowCount()))
        self.types.setFixedHeight(self.types.horizontalHeader().height() + rows_height + 4)
        names = {bt.code: bt.name for bt in hall.business_types}
        if hall.long_waits:
            shown = [fill(self.tr("%1 (%2, %3)"), w.number, names.get(w.business_type, w.business_type),
                          minutes(w.waited_seconds + aged)) for w in hall.long_waits[:12]]
            more = len(hall.long_waits) - len(shown)
            text = fill(self.tr("Waiting longer than %1 min: %2"), hall.wait_limit_minutes, "　".join(shown))
            if more > 0:
                text += fill(self.tr(" … and %1 more"), more)
        else:
            text = fill(self.tr("Nobody has waited longer than %1 min."), hall.wait_limit_minutes)
        self.long_waits.setText(text)
        self.long_waits.setProperty("late", bool(hall.long_waits))
        self.long_waits.style().polish(self.long_waits)

    def late_rows(self) -> list[str]:
        """The business types shown in red (for tests)."""
        return [self.types.item(r, BT_NAME).text() for r in range(self.types.rowCount())
                if self.types.item(r, BT_NAME).foreground().color().name() == RED]


class BigBoard(QWidget):
    """The hall now full screen in large type, for the wall TV: the same figures as the
    board it follows (no reads of its own). Esc or F11 leaves."""

    closed = Signal()

    def __init__(self, source: HallBoard) -> None:
        super().__init__()
        self.setObjectName("bigBoard")
        self.setWindowTitle(self.tr("Hall now — big board"))
        self.setStyleSheet("QWidget#bigBoard { background: #f7f9fc; }")
        self.board = HallBoard(None, source.live, self, big=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.board)
        source.rendered.connect(self._follow)
        if source.shown is not None:
            self.board.show_hall(source.shown)
        for key in (Qt.Key.Key_Escape, Qt.Key.Key_F11):
            QShortcut(QKeySequence(key), self).activated.connect(self.close)

    @Slot(object)
    def _follow(self, hall: mon.HallNow) -> None:
        self.board.show_hall(hall)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.closed.emit()
        super().closeEvent(event)
