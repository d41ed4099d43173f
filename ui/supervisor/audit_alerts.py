"""审计告警: the breaks the hall found in the workstations' audit chains as their records
arrived (a record missing, changed, or not linking to the one before), said plainly, and
确认已处理 to acknowledge one (the server audits who did). Re-read when an alert is raised
or acknowledged anywhere, and when the live feed (re)connects."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.hall_time import hall_time
from ui.supervisor.card_screen import card_column, screen_head
from ui.supervisor.live import LiveFeed, Reader, stream_words
from ui.tasks import run_in_background, while_alive
from ui.words import fill
from workstation.app.monitoring import AuditAlertsChanged, FeedConnected
from workstation.protocol import audit as wire
from workstation.sync.errors import HallRefused, HallUnreachable


class AlertCard(QFrame):
    """One alert: what broke, where and when, and 确认已处理."""

    acknowledge_requested = Signal(object)  # wire.AuditAlert

    def __init__(self, alert: wire.AuditAlert, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditAlertCard")
        self.alert = alert
        self.headline = QLabel(self.headline_words(alert))
        self.headline.setObjectName("auditAlertHeadline")
        self.headline.setWordWrap(True)
        self.explanation = QLabel(self.explanation_words(alert))
        self.explanation.setObjectName("auditAlertText")
        self.explanation.setWordWrap(True)
        where = (fill(self.tr("Window %1"), alert.window) if alert.window is not None
                 else self.tr("A device without a window"))
        self.facts = QLabel(fill(self.tr("%1 · device %2 · found at %3"), where,
                                 alert.device_name or alert.device_id,
                                 hall_time(alert.raised_at, "%Y-%m-%d %H:%M")))
        self.facts.setObjectName("auditAlertFacts")
        self.facts.setWordWrap(True)
        self.acknowledge_button = QPushButton(self.tr("&Acknowledge"))
        self.acknowledge_button.setObjectName("auditAlertAcknowledge")
        self.acknowledge_button.setToolTip(self.tr("You have seen this alert and will look into it; "
                                                   "it leaves the list, and the hall records who acknowledged it"))
        self.acknowledge_button.clicked.connect(lambda: self.acknowledge_requested.emit(self.alert))
        text = QVBoxLayout()
        text.addWidget(self.headline)
        text.addWidget(self.explanation)
        text.addWidget(self.facts)
        layout = QHBoxLayout(self)
        layout.addLayout(text, 1)
        layout.addWidget(self.acknowledge_button)

    def headline_words(self, alert: wire.AuditAlert) -> str:
        kind = str(alert.kind)
        if kind == wire.AlertKind.MISSING:
            return self.tr("Audit records are missing")
        if kind == wire.AlertKind.ALTERED:
            return self.tr("An audit record was changed")
        if kind == wire.AlertKind.FORKED:
            return self.tr("An audit record does not follow on from the one before")
        if kind == wire.AlertKind.FOREIGN:
            return self.tr("Audit records of another device arrived")
        return self.tr("An audit record arrived incomplete")

    def explanation_words(self, alert: wire.AuditAlert) -> str:
        kind, seq = str(alert.kind), alert.seq
        if kind == wire.AlertKind.MISSING and seq is not None:
            return fill(self.tr("Records before no. %1 never reached the hall: they may have been deleted "
                                "on the workstation."), seq)
        if kind == wire.AlertKind.ALTERED and seq is not None:
            return fill(self.tr("The content of record no. %1 no longer matches its seal: it was changed "
                                "after it was written."), seq)
        if kind == wire.AlertKind.FORKED and seq is not None:
            return fill(self.tr("Record no. %1 does not link to the record before it: a record was replaced, "
                                "or the workstation's audit trail started again."), seq)
        if kind == wire.AlertKind.FOREIGN:
            return self.tr("This workstation sent records of another device's audit trail.")
        return self.tr("The record lacks the fields that chain it to the others.")


class AuditAlertScreen(QWidget):
    """审计告警 over a MonitoringDesk-like `desk` (audit_alerts, acknowledge_alert) and a LiveFeed."""

    alerts_shown = Signal(object)  # list[wire.AuditAlert]
    acknowledged = Signal(object)  # wire.AuditAlert, once the server took it

    def __init__(self, desk, live: LiveFeed | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditAlertScreen")
        self.desk, self.live = desk, live
        self.alerts: list[wire.AuditAlert] = []
        self.cards: list[AlertCard] = []

        self.title = QLabel(self.tr("Audit alerts"))
        self.title.setObjectName("auditAlertTitle")
        self.status = QLabel()
        self.status.setObjectName("auditAlertStatus")
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        head = screen_head(self.title, self.status, self.refresh_button)
        self.about = QLabel(self.tr("Every card read, ID number shown, phone number shown and document printed "
                                    "at a workstation is sealed into its audit trail. The hall checks each "
                                    "trail as it arrives; a break is listed here until a supervisor "
                                    "acknowledges it."))
        self.about.setObjectName("auditAlertAbout")
        self.about.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("auditAlertMessage")
        self.message.setWordWrap(True)
        self.list, self.list_layout, scroll = card_column()
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.about)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        self.setStyleSheet(
            "QLabel#auditAlertTitle { font-size: 16pt; font-weight: bold; color: #1f3a5f; }"
            " QLabel#auditAlertStatus { color: #33475b; }"
            " QLabel#auditAlertAbout { font-size: 11pt; color: #33475b; }"
            " QFrame#auditAlertCard { background: #fff5f4; border: 2px solid #b3261e; border-radius: 8px; }"
            " QLabel#auditAlertHeadline { font-size: 15pt; font-weight: bold; color: #b3261e; }"
            " QLabel#auditAlertText { font-size: 13pt; color: #33475b; }"
            " QLabel#auditAlertFacts { font-size: 11pt; color: #33475b; }"
            " QLabel#auditAlertMessage { font-size: 13pt; color: #1e7a3c; }"
            " QLabel#auditAlertMessage[error=\"true\"] { color: #b3261e; font-weight: bold; }"
            " QPushButton#auditAlertAcknowledge { font-size: 13pt; padding: 8px 24px; }")

        self.reader = Reader(self, desk.audit_alerts, self.show_alerts, self._failed, live)
        if live is not None:
            live.update.connect(self.on_update)
            live.live_changed.connect(self._show_status)
        self._show_status()

    @Slot()
    def refresh(self) -> None:
        self.reader.request()

    @Slot(object)
    def on_update(self, update) -> None:
        if isinstance(update, (FeedConnected, AuditAlertsChanged)):
            self.refresh()

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
    def show_alerts(self, alerts: list[wire.AuditAlert]) -> None:
        self.alerts = list(alerts)
        for card in self.cards:
            card.deleteLater()
        self.cards = []
        for alert in self.alerts:
            card = AlertCard(alert)
            card.acknowledge_requested.connect(self.acknowledge)
            self.list_layout.insertWidget(self.list_layout.count() - 1, card)
            self.cards.append(card)
        if not self.alerts:
            self._say(self.tr("No open audit alerts: every workstation's audit trail that reached the hall "
                              "is unbroken."))
        elif self.message.property("error"):
            self._say("")
        self.alerts_shown.emit(self.alerts)

    @Slot(object)
    def acknowledge(self, alert: wire.AuditAlert) -> None:
        self._say(self.tr("Acknowledging…"))
        desk = self.desk
        run_in_background(lambda: desk.acknowledge_alert(alert.id), while_alive(self, self._acknowledged),
                          while_alive(self, self._failed))

    def _acknowledged(self, alert: wire.AuditAlert) -> None:
        self._say(fill(self.tr("Alert acknowledged by %1."), alert.acknowledged_by or ""))
        self.acknowledged.emit(alert)
        self.refresh()
