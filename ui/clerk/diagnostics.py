"""The card reader diagnostics for IT: what is configured, what the reader and the PC/SC
service say, versions, the last error, and a test read (shown masked)."""

from __future__ import annotations

import json
import platform

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QPushButton, QVBoxLayout

from ui.tasks import run_in_background


def collect(card_reading, settings_card: dict | None) -> dict:
    """Everything IT asks about a reader, gathered off the GUI thread."""
    info: dict = {"configured": settings_card or None, "python": platform.python_version(),
                  "system": platform.platform()}
    try:
        from workstation.devices.passport import pcsc_versions

        info["pcsc"] = pcsc_versions()
    except Exception as exc:  # pyscard missing or broken: say so, do not fail the dialog
        info["pcsc"] = {"error": str(exc)}
    if (settings_card or {}).get("backend") == "pcsc-passport":
        # Only for a PC/SC reader: the first PC/SC call fixes this process's service socket.
        try:
            from smartcard.System import readers

            info["pcsc_readers"] = [str(r) for r in readers()]
        except Exception as exc:
            info["pcsc_readers"] = f"unavailable: {exc}"
    if card_reading is not None:
        try:
            status = card_reading.status()
            info["reader_status"] = {"ready": status.ready, "detail": status.detail}
        except Exception as exc:
            info["reader_status"] = {"ready": False, "detail": str(exc)}
        info["backend"] = card_reading.backend
        trust = getattr(card_reading.reader, "trust", None)
        if trust is not None:        # passports: the CSCA trust list of Passive Authentication
            info["csca_trust_list"] = trust.summary()
    return info


class ReaderDiagnostics(QDialog):
    def __init__(self, card_reading, settings_card: dict | None, clerk: str, window: int | None,
                 parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("readerDiagnostics")
        self.setWindowTitle(self.tr("Card reader diagnostics"))
        self.resize(720, 560)
        self.card_reading, self.settings_card = card_reading, settings_card
        self.clerk, self.window = clerk, window
        self.text = QPlainTextEdit()
        self.text.setObjectName("diagnosticsText")
        self.text.setReadOnly(True)
        self.test_button = QPushButton(self.tr("Test read"))
        self.test_button.setObjectName("testRead")
        self.test_button.setEnabled(card_reading is not None)
        self.test_button.clicked.connect(self.test_read)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.test_button)
        layout.addWidget(close)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.text.setPlainText(self.tr("Collecting…"))
        reading, card = self.card_reading, self.settings_card
        run_in_background(lambda: collect(reading, card), self._show)

    def _show(self, info: dict) -> None:
        self.info = info
        self.text.setPlainText(json.dumps(info, ensure_ascii=False, indent=2, default=str))

    @Slot()
    def test_read(self) -> None:
        self.test_button.setEnabled(False)
        reading, clerk, window = self.card_reading, self.clerk, self.window

        def read():
            # Audited like any read; shown masked.
            return reading.read(clerk, window).document.masked_dict()

        def done(data: dict) -> None:
            self.test_button.setEnabled(True)
            self.info = {**getattr(self, "info", {}), "test_read": data, "last_error": None}
            self._show(self.info)

        def failed(error: BaseException) -> None:
            self.test_button.setEnabled(True)
            self.info = {**getattr(self, "info", {}), "test_read": None,
                         "last_error": f"{type(error).__name__}: {error}"}
            self._show(self.info)

        run_in_background(read, done, failed)
