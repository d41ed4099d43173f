"""The status bar: the hall server connection, records waiting to upload, the card reader."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QStatusBar

from workstation.sync.status import SyncStatus


class WorkstationStatusBar(QStatusBar):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.connection = QLabel()
        self.connection.setObjectName("connection")
        self.pending = QLabel()
        self.pending.setObjectName("pending")
        self.reader = QLabel()
        self.reader.setObjectName("reader")
        self.clock = QLabel()
        self.clock.setObjectName("clockWrong")
        self.clock.setStyleSheet("color: #9a5b00; font-weight: bold;")
        self.clock.hide()
        for label in (self.clock, self.connection, self.pending, self.reader):
            self.addPermanentWidget(label)
        self.show_connecting()
        self.show_reader(None)

    def show_connecting(self) -> None:
        self._set_connection("connecting", self.tr("● Connecting to the hall server…"))
        self.pending.setText(self.tr("Waiting to upload: –"))

    def _set_connection(self, state: str, text: str, tooltip: str = "") -> None:
        self.connection.setProperty("state", state)
        self.connection.setText(text)
        self.connection.setToolTip(tooltip)
        self.connection.style().unpolish(self.connection)
        self.connection.style().polish(self.connection)

    @Slot(object)
    def show_status(self, status: SyncStatus) -> None:
        if status.revoked:
            self._set_connection(
                "revoked", self.tr("● This PC was disabled by the administrator. Please contact IT."),
                self.tr("The hall server refuses this PC: %1. Nothing is sent to it any more; the work "
                        "saved here stays on this PC.").replace("%1", status.revoked))
        elif status.online and not status.detail:
            self._set_connection("online", self.tr("● Hall server online"))
        elif status.online:
            self._set_connection("warning", self.tr("● Hall server refused: %1").replace("%1", status.detail),
                                 status.detail)
        else:
            self._set_connection(
                "offline", self.tr("● Offline: work is saved on this PC and uploaded later"),
                status.detail)
        self.show_clock(status.clock_wrong_by)
        text = self.tr("Waiting to upload: %1").replace("%1", str(status.pending))
        if status.refused:
            text += self.tr(" · not accepted by the hall: %1").replace("%1", str(status.refused))
        if status.conflicts:
            text += self.tr(" (conflicts: %1, tell your supervisor)").replace("%1", str(status.conflicts))
        self.pending.setText(text)
        self.pending.setToolTip(self.tr("Records the hall did not accept are kept on this PC; the reason was "
                                        "shown where the record was made (a step another window took first).")
                                if status.refused else "")

    def show_clock(self, wrong_by: float | None) -> None:
        """This PC's clock off the hall's: said, and the hall's time used for every record."""
        if wrong_by is None:
            self.clock.hide()
            return
        minutes = round(abs(wrong_by) / 60)
        span = (self.tr("%1 h %2 min").replace("%1", str(minutes // 60)).replace("%2", str(minutes % 60))
                if minutes >= 60 else self.tr("%1 min").replace("%1", str(minutes)))
        text = (self.tr("⚠ This PC's clock is %1 slow") if wrong_by > 0 else self.tr("⚠ This PC's clock is %1 fast"))
        self.clock.setText(text.replace("%1", span))
        self.clock.setToolTip(self.tr("Records are stamped with the hall server's time, which deadlines and "
                                      "statistics follow. Ask IT to set this PC's clock."))
        self.clock.show()

    def show_reader(self, description: str | None) -> None:
        self.reader.setText(description or self.tr("Card reader: not configured"))
