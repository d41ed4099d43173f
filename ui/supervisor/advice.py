"""Window load advice (动态调整): which business type needs another window and which window
could take it, each with the server's reasoning, and 应用 to put it into effect after a
confirmation. Re-read when the queue moves (coalesced, and at most every few seconds:
the advice is a summary, not a ticker)."""

from __future__ import annotations

import html

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.hall_time import hall_time
from ui.supervisor.card_screen import card_column, screen_head
from ui.supervisor.live import LiveFeed, Reader, stream_words
from ui.tasks import run_in_background, while_alive
from ui.words import fill
from workstation.app.monitoring import FeedConnected, ReferenceChanged, WindowPresence
from workstation.protocol import monitoring as mon
from workstation.protocol import queue as queue_wire
from workstation.sync.errors import HallRefused, HallUnreachable

SETTLE_MS = 5000  # the queue's events come in bursts: one re-read of the advice per burst


def _round(value: float) -> str:
    return str(int(round(value)))


class AdviceCard(QFrame):
    """One piece of advice: the headline, the reasoning, and 应用."""

    apply_requested = Signal(object)  # mon.Advice

    def __init__(self, advice: mon.Advice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adviceCard")
        self.headline = QLabel()
        self.headline.setObjectName("adviceHeadline")
        self.headline.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setObjectName("adviceFacts")
        self.facts.setWordWrap(True)
        self.reasoning = QLabel()
        self.reasoning.setObjectName("adviceReasoning")
        self.reasoning.setWordWrap(True)
        self.apply_button = QPushButton(self.tr("&Apply"))
        self.apply_button.setObjectName("adviceApply")
        self.apply_button.clicked.connect(lambda: self.apply_requested.emit(self.advice))
        text = QVBoxLayout()
        text.addWidget(self.headline)
        text.addWidget(self.facts)
        text.addWidget(self.reasoning)
        layout = QHBoxLayout(self)
        layout.addLayout(text, 1)
        layout.addWidget(self.apply_button)
        self.show_figures(advice)

    def same_move(self, advice: mon.Advice) -> bool:
        """Whether `advice` proposes what this card does (its figures may have moved)."""
        return (advice.window, advice.business_type) == (self.advice.window, self.advice.business_type)

    def show_figures(self, advice: mon.Advice) -> None:
        self.advice = advice
        self.headline.setText(fill(self.tr("Open window %1 for %2: expected wait from %3 min down to %4 min"),
                                   advice.window, advice.business_type_name, _round(advice.wait_now_minutes),
                                   _round(advice.wait_after_minutes)))
        self.facts.setText(fill(self.tr("%1 waiting · %2 window(s) serving it now · average service %3 min · "
                                        "window %4's own queue: %5 → %6 min"),
                                advice.waiting, advice.windows_now, _round(advice.average_service_seconds / 60),
                                advice.window, _round(advice.window_wait_now_minutes),
                                _round(advice.window_wait_after_minutes)))
        self.reasoning.setText(fill(self.tr("Reasoning: %1"),
                                    html.escape(advice.reasoning).replace("\n", "<br>")))


class AdviceScreen(QWidget):
    """动态调整 over a MonitoringDesk-like `desk` and a LiveFeed."""

    advice_shown = Signal(object)  # mon.LoadAdvice
    applied = Signal(object)  # mon.Advice, once the server took it

    def __init__(self, desk, live: LiveFeed | None, parent: QWidget | None = None, *,
                 settle_ms: int = SETTLE_MS) -> None:
        super().__init__(parent)
        self.setObjectName("adviceScreen")
        self.desk, self.live = desk, live
        self.advice: mon.LoadAdvice | None = None
        self.cards: list[AdviceCard] = []
        self._box: QMessageBox | None = None

        self.title = QLabel(self.tr("Window load advice"))
        self.title.setObjectName("adviceTitle")
        self.status = QLabel()
        self.status.setObjectName("adviceStatus")
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        head = screen_head(self.title, self.status, self.refresh_button)
        self.note = QLabel()
        self.note.setObjectName("adviceNote")
        self.note.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("adviceMessage")
        self.message.setWordWrap(True)
        self.list, self.list_layout, scroll = card_column()
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.message)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)
        self.setStyleSheet(
            "QLabel#adviceTitle { font-size: 16pt; font-weight: bold; color: #1f3a5f; }"
            " QLabel#adviceStatus { color: #33475b; }"
            " QFrame#adviceCard { background: #fffdf5; border: 2px solid #c77700; border-radius: 8px; }"
            " QLabel#adviceHeadline { font-size: 15pt; font-weight: bold; color: #5c3700; }"
            " QLabel#adviceFacts { font-size: 12pt; color: #33475b; }"
            " QLabel#adviceReasoning { font-size: 11pt; color: #33475b; }"
            " QLabel#adviceNote { font-size: 13pt; color: #1e7a3c; }"
            " QLabel#adviceMessage { font-size: 12pt; color: #1f3a5f; }"
            " QLabel#adviceMessage[error=\"true\"] { color: #b3261e; font-weight: bold; }"
            " QPushButton#adviceApply { font-size: 13pt; padding: 8px 24px; }")

        self.reader = Reader(self, desk.advice, self.show_advice, self._failed, live)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(settle_ms)
        self._settle.timeout.connect(self.refresh)
        if live is not None:
            live.update.connect(self.on_update)
            live.live_changed.connect(self._show_status)
        self._show_status()

    @Slot()
    def refresh(self) -> None:
        self.reader.request()

    @Slot(object)
    def on_update(self, update) -> None:
        if isinstance(update, (FeedConnected, ReferenceChanged)):
            self.refresh()
        elif isinstance(update, (queue_wire.QueueCounts, queue_wire.WindowState, WindowPresence)):
            if not self._settle.isActive():
                self._settle.start()

    @Slot()
    def _show_status(self, *_: object) -> None:
        self.status.setText(stream_words(self.live.live if self.live is not None else True))

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, (HallUnreachable, HallRefused)):
            raise exc
        self._say(fill(self.tr("The hall server did not answer: %1"), str(exc)), error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.style().polish(self.message)

    @Slot(object)
    def show_advice(self, advice: mon.LoadAdvice) -> None:
        self.advice = advice
        if len(self.cards) == len(advice.advice) and all(
                card.same_move(item) for card, item in zip(self.cards, advice.advice, strict=True)):
            # The same moves again with new figures (every queue change asks): the cards stay
            # and take the figures, so the one the supervisor is about to click, or has
            # focused, is not swapped under the pointer.
            for card, item in zip(self.cards, advice.advice, strict=True):
                card.show_figures(item)
        else:
            for card in self.cards:
                card.deleteLater()
            self.cards = []
            for item in advice.advice:
                card = AdviceCard(item)
                card.apply_requested.connect(self.confirm)
                self.list_layout.insertWidget(self.list_layout.count() - 1, card)
                self.cards.append(card)
        if advice.advice:
            self.note.setText(fill(self.tr("As of %1."), hall_time(advice.at, "%H:%M:%S")))
        else:
            self.note.setText(advice.note or self.tr("No window needs to change now: every queue is within reach."))
        self.advice_shown.emit(advice)

    @Slot(object)
    def confirm(self, advice: mon.Advice) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Apply the advice"),
                          fill(self.tr("Window %1 (%2) will serve %3 as well, from now on. Apply?"),
                               advice.window, advice.window_name, advice.business_type_name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Apply"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Cancel"))
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self.apply(advice) if button is yes else None)
        self._box = box
        box.open()

    def apply(self, advice: mon.Advice) -> None:
        self._say(self.tr("Applying…"))
        desk = self.desk
        run_in_background(lambda: desk.apply_advice(advice), while_alive(self, lambda _: self._applied(advice)),
                          while_alive(self, self._failed))

    def _applied(self, advice: mon.Advice) -> None:
        self._say(fill(self.tr("Window %1 now serves %2 as well."), advice.window, advice.business_type_name))
        self.applied.emit(advice)
        self.refresh()
