"""The hall display (综合屏): the latest calls, the new one highlighted for a while, the
number at each window, the waiting counts; every call also said aloud by the Announcer.

Readable across a hall: a few large rows, high contrast, sizes that follow the screen.
The queue's events come from workstation.app.queue_desk.HallFeed on its own thread;
a small bridge re-emits them as a Qt signal, so they are handled on the GUI thread."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.display.announcer import Announcer
from ui.hall_time import wall_clock
from ui.pause_words import pause_line
from ui.tasks import run_in_background, while_alive
from workstation.app.queue_desk import Connected, Disconnected
from workstation.domain.announce import Announcement
from workstation.protocol import queue as wire

log = logging.getLogger(__name__)

HIGHLIGHT_SECONDS = 10
RECENT = 6

_STYLE = """
QWidget#display {{ background: #0b1f3a; }}
QLabel {{ color: white; }}
QLabel#displayHall {{ color: #ffd36b; font-size: {title}px; font-weight: bold; }}
QLabel#displayClock {{ color: #c9d6e8; font-size: {body}px; }}
QLabel#displayHeading {{ color: #c9d6e8; font-size: {body}px; font-weight: bold; }}
QLabel#displayHint {{ color: #ffd36b; font-size: {call}px; font-weight: bold; }}
QFrame#displayCall {{ background: #143a66; border-radius: {radius}px; }}
QFrame#displayCall[highlight="true"] {{ background: #ffd36b; }}
QFrame#displayCall QLabel {{ font-size: {call}px; font-weight: bold; }}
QFrame#displayCall[first="true"] QLabel {{ font-size: {hero}px; }}
QFrame#displayCall[highlight="true"] QLabel {{ color: #0b1f3a; }}
QFrame#displayCall[empty="true"] {{ background: transparent; }}
QFrame#displayWindows {{ background: #102c50; border-radius: {radius}px; }}
QLabel#displayWindowName {{ font-size: {row}px; }}
QLabel#displayWindowTicket {{ font-size: {row}px; font-weight: bold; color: #7ee08a; }}
QLabel#displayWindowTicket[paused="true"] {{ color: #ffb4a8; }}
QLabel#displayWindowPause {{ font-size: {small}px; font-weight: bold; color: #ffb4a8; }}
QFrame#displayCount {{ background: #102c50; border-radius: {radius}px; }}
QLabel#displayCountName {{ font-size: {small}px; color: #c9d6e8; }}
QLabel#displayCountValue {{ font-size: {row}px; font-weight: bold; }}
QLabel#displayStatus {{ font-size: {small}px; color: #ffb4a8; }}
"""


class FeedBridge(QObject):
    """Carries the feed's updates from its thread to the GUI thread (queued signal)."""

    update = Signal(object)


def _restyle(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    for child in widget.findChildren(QLabel):
        child.style().unpolish(child)
        child.style().polish(child)


class CallRow(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("displayCall")
        self.number = QLabel()
        self.number.setObjectName("displayCallNumber")
        self.window = QLabel()
        self.window.setObjectName("displayCallWindow")
        self.window.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 4, 24, 4)
        layout.addWidget(self.number, 1)
        layout.addWidget(self.window, 2)
        self.set_call(None, "", False)

    def set_call(self, number: str | None, window: str, highlight: bool) -> None:
        self.number.setText(number or "")
        self.window.setText(window)
        self.setProperty("empty", number is None)
        self.setProperty("highlight", highlight)
        _restyle(self)


class DisplayWindow(QWidget):
    """The hall display over a HallFeed-like `feed` (start/stop/hall_name) and an Announcer."""

    def __init__(self, feed, announcer: Announcer | None = None, *,
                 highlight_seconds: float = HIGHLIGHT_SECONDS, recent: int = RECENT) -> None:
        super().__init__()
        self.setObjectName("display")
        self.setWindowTitle(self.tr("Hall display"))
        self.feed = feed
        self.announcer = announcer
        self.highlight_seconds = highlight_seconds
        self.recent: list[wire.TicketCalled] = []  # newest first
        self.windows: dict[int, wire.WindowState] = {}
        self.kinds: dict[str, wire.BusinessTypeCount] = {}
        self.connected = False
        self._highlighted: int | None = None  # the ticket id of the highlighted call
        self._voice_problem = ""
        self.bridge = FeedBridge(self)
        self.bridge.update.connect(self.apply)

        self.hall = QLabel(self.tr("Government service hall"))
        self.hall.setObjectName("displayHall")
        self.clock = QLabel()
        self.clock.setObjectName("displayClock")
        header = QHBoxLayout()
        header.addWidget(self.hall, 1)
        header.addWidget(self.clock)

        calls_heading = QLabel(self.tr("Now calling"))
        calls_heading.setObjectName("displayHeading")
        self.call_rows = [CallRow() for _ in range(recent)]
        self.calls_hint = QLabel(self.tr("Please take a number and watch this screen"))
        self.calls_hint.setObjectName("displayHint")
        self.calls_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.calls_hint.hide()  # until the first summary says nobody was called
        calls = QVBoxLayout()
        calls.addWidget(calls_heading)
        calls.addWidget(self.calls_hint, 2)
        self.call_rows[0].setProperty("first", True)  # the newest call, the largest
        for i, row in enumerate(self.call_rows):
            calls.addWidget(row, 2 if i == 0 else 1)

        windows_heading = QLabel(self.tr("Window · now serving"))
        windows_heading.setObjectName("displayHeading")
        self.windows_frame = QFrame()
        self.windows_frame.setObjectName("displayWindows")
        self.windows_grid = QGridLayout(self.windows_frame)
        self.window_labels: dict[int, tuple[QLabel, QLabel]] = {}
        self.pause_labels: dict[int, QLabel] = {}  # under a paused window: where its clerk went
        side = QVBoxLayout()
        side.addWidget(windows_heading)
        side.addWidget(self.windows_frame, 1)

        middle = QHBoxLayout()
        middle.addLayout(calls, 3)
        middle.addSpacing(24)
        middle.addLayout(side, 2)

        counts_heading = QLabel(self.tr("Waiting"))
        counts_heading.setObjectName("displayHeading")
        self.counts_row = QHBoxLayout()
        self.count_labels: dict[str, QLabel] = {}
        self.status = QLabel()
        self.status.setObjectName("displayStatus")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 20, 32, 20)
        layout.addLayout(header)
        layout.addLayout(middle, 1)
        layout.addWidget(counts_heading)
        layout.addLayout(self.counts_row)
        layout.addWidget(self.status)

        self._highlight_timer = QTimer(self)
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.timeout.connect(self._end_highlight)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(1000)
        self._tick()
        if announcer is not None:
            announcer.failed.connect(self._voice_failed)
            announcer.played.connect(self._voice_ok)
        self._restyle()
        self._show_status()

    # -- running --------------------------------------------------------------------------

    def start(self) -> None:
        """Follow the hall's queue (call once, after showing the window)."""
        run_in_background(self.feed.hall_name, while_alive(self, self._show_hall),
                          lambda exc: log.info("hall name: %s", exc))
        self.feed.start(self.bridge.update.emit)  # the feed's thread; the signal is queued to us

    def place(self) -> None:
        self.showFullScreen()
        self.start()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        feed = self.feed
        run_in_background(feed.stop)  # joins its thread: not on the GUI thread
        if self.announcer is not None:
            self.announcer.close()
        super().closeEvent(event)

    def _show_hall(self, name: str | None) -> None:
        if name:
            self.hall.setText(name)

    # -- updates --------------------------------------------------------------------------

    @Slot(object)
    def apply(self, update) -> None:
        if isinstance(update, Connected):
            self.connected = True
            self._apply_summary(update.summary)
        elif isinstance(update, Disconnected):
            self.connected = False
        elif isinstance(update, wire.TicketCalled):
            self._called(update)
        elif isinstance(update, wire.WindowState):
            self.windows[update.number] = update
            self._show_windows()
        elif isinstance(update, wire.QueueCounts):
            for code, waiting in update.waiting.items():
                kind = self.kinds.get(code)
                if kind is not None:
                    self.kinds[code] = kind.model_copy(update={"waiting": waiting})
            self._show_counts()
        self._show_status()

    def _apply_summary(self, summary: wire.QueueSummary) -> None:
        self.windows = {w.number: w for w in summary.windows}
        self.kinds = {k.code: k for k in summary.business_types}
        self._show_windows()
        self._show_counts()
        self._show_calls()

    def _called(self, call: wire.TicketCalled) -> None:
        self.recent = [call] + [c for c in self.recent if c.ticket_id != call.ticket_id]
        del self.recent[len(self.call_rows):]
        self._highlighted = call.ticket_id
        self._highlight_timer.start(round(self.highlight_seconds * 1000))
        self._show_calls()
        if self.announcer is not None:
            self.announcer.announce(call.number, call.window)

    def _end_highlight(self) -> None:
        self._highlighted = None
        self._show_calls()

    def highlighted(self) -> wire.TicketCalled | None:
        """The call shown highlighted now, if any."""
        return next((c for c in self.recent if c.ticket_id == self._highlighted), None)

    # -- showing --------------------------------------------------------------------------

    def window_words(self, number: int) -> str:
        return self.tr("Window %1").replace("%1", str(number))

    def _show_calls(self) -> None:
        # Nobody called yet: the screen still says what to do, where the newest call will show.
        self.calls_hint.setVisible(not self.recent)
        self.call_rows[0].setVisible(bool(self.recent))
        for i, row in enumerate(self.call_rows):
            if i < len(self.recent):
                call = self.recent[i]
                where = self.tr("Please go to %1").replace("%1", self.window_words(call.window))
                row.set_call(call.number, where, call.ticket_id == self._highlighted)
            else:
                row.set_call(None, "", False)

    def _show_windows(self) -> None:
        if set(self.windows) != set(self.window_labels):
            while self.windows_grid.count():
                item = self.windows_grid.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            self.window_labels, self.pause_labels = {}, {}
            for row, number in enumerate(sorted(self.windows)):
                name, ticket, pause = QLabel(), QLabel(), QLabel()
                name.setObjectName("displayWindowName")
                ticket.setObjectName("displayWindowTicket")
                ticket.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                pause.setObjectName("displayWindowPause")
                pause.setWordWrap(True)
                self.windows_grid.addWidget(name, 2 * row, 0)
                self.windows_grid.addWidget(ticket, 2 * row, 1)
                self.windows_grid.addWidget(pause, 2 * row + 1, 0, 1, 2)
                self.window_labels[number] = (name, ticket)
                self.pause_labels[number] = pause
        for number, state in self.windows.items():
            name, ticket = self.window_labels[number]
            name.setText(state.name)
            # 去向公开: 「暂停服务 · 会议 · 预计 10:30 返回」 under the window's name, its
            # number (if one is still at the counter) where it always is.
            ticket.setText(state.ticket.number if state.ticket else "—")
            pause = self.pause_labels[number]
            pause.setText(pause_line(state.pause) if state.paused else "")
            pause.setVisible(state.paused)
            ticket.setProperty("paused", state.paused)
            ticket.style().unpolish(ticket)
            ticket.style().polish(ticket)

    def _show_counts(self) -> None:
        if set(self.kinds) != set(self.count_labels):
            while self.counts_row.count():
                item = self.counts_row.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            self.count_labels = {}
            for code, kind in self.kinds.items():
                tile = QFrame()
                tile.setObjectName("displayCount")
                name = QLabel(kind.name)
                name.setObjectName("displayCountName")
                value = QLabel()
                value.setObjectName("displayCountValue")
                for label in (name, value):
                    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                box = QVBoxLayout(tile)
                box.addWidget(name)
                box.addWidget(value)
                self.counts_row.addWidget(tile, 1)
                self.count_labels[code] = value
        for code, kind in self.kinds.items():
            self.count_labels[code].setText(self.tr("%1 people").replace("%1", str(kind.waiting)))

    def _show_status(self) -> None:
        problems = []
        if not self.connected:
            problems.append(self.tr("Connecting to the hall server…"))
        if self._voice_problem:
            problems.append(self._voice_problem)
        self.status.setText("　".join(problems))
        self.status.setVisible(bool(problems))

    def _voice_failed(self, item: Announcement, message: str) -> None:
        self._voice_problem = self.tr("The voice is not working (%1); calls are shown only.").replace(
            "%1", message)
        self._show_status()

    def _voice_ok(self, item: Announcement) -> None:
        if self._voice_problem:
            self._voice_problem = ""
            self._show_status()

    def _tick(self) -> None:
        self.clock.setText(wall_clock("yyyy-MM-dd dddd HH:mm"))  # the hall's, whatever this PC's zone

    def _restyle(self) -> None:
        h = max(self.height(), 600)
        w = max(self.width(), 800)
        unit = min(h / 1080, w / 1920)
        px = {"title": 56, "body": 34, "hero": 120, "call": 80, "row": 44, "small": 30, "radius": 16}
        self.setStyleSheet(_STYLE.format(**{k: max(1, round(v * unit)) for k, v in px.items()}))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._restyle()
