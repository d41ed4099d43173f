"""The clerk's documents panel: the case's receipt or notice, where its signing stands,
whether the hall's seal is on it, and printing (Ctrl+P; a second copy is a reprint)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from workstation.app.documents import Draft, Issued


class DocumentsPanel(QWidget):
    print_requested = Signal()
    paper_signature_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentsView")
        self.state = QLabel(self.tr("No document for this case yet."))
        self.state.setObjectName("documentsState")
        self.state.setWordWrap(True)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.paper_button = QPushButton(self.tr("Signs on paper instead"))
        self.paper_button.setObjectName("documentsPaper")
        self.paper_button.setToolTip(self.tr("The applicant cannot sign on the screen: issue the document "
                                             "and let them sign the printed copy"))
        self.print_button = QPushButton(self.tr("Print… (Ctrl+P)"))
        self.print_button.setObjectName("documentsPrint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.paper_button)
        layout.addWidget(self.print_button)
        layout.addStretch(1)
        self.paper_button.clicked.connect(self.paper_signature_requested)
        self.print_button.clicked.connect(self.print_requested)
        shortcut = QShortcut(QKeySequence("Ctrl+P"), self, context=Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self._print_shortcut)
        self.copies = 0
        self.show_nothing()

    def _print_shortcut(self) -> None:
        if self.print_button.isEnabled():
            self.print_requested.emit()

    def show_nothing(self) -> None:
        self.state.setText(self.tr("No document for this case yet."))
        self.paper_button.setVisible(False)
        self.print_button.setEnabled(False)

    def show_preparing(self) -> None:
        self.state.setText(self.tr("Preparing the document…"))
        self.paper_button.setVisible(False)
        self.print_button.setEnabled(False)

    def show_draft(self, draft: Draft) -> None:
        self.state.setText(self.tr("%1\n\nWaiting for the applicant to sign on the citizen screen.")
                           .replace("%1", draft.title))
        self.paper_button.setVisible(True)
        self.paper_button.setEnabled(True)
        self.print_button.setEnabled(False)

    def show_issuing(self) -> None:
        self.state.setText(self.tr("Signed. Sealing and saving the document…"))
        self.paper_button.setEnabled(False)

    def show_issued(self, issued: Issued) -> None:
        self.copies = 0
        lines = [issued.title,
                 self.tr("Signed by the applicant") if issued.applicant_signed
                 else self.tr("To be signed by hand on the printed copy")]
        if issued.hall_signed:
            lines.append(self.tr("Sealed with the hall's digital signature"))
        else:
            lines.append(self.tr("Not sealed digitally: %1").replace("%1", issued.seal_note or "—"))
        lines.append(self.tr("SHA-256 %1…").replace("%1", issued.sha256[:16]))
        self.state.setText("\n".join(lines))
        self.paper_button.setVisible(False)
        self.print_button.setEnabled(True)
        self.print_button.setText(self.tr("Print… (Ctrl+P)"))

    def show_printed(self, copy: int) -> None:
        self.copies = copy
        self.print_button.setText(self.tr("Print again… (Ctrl+P)"))
        note = self.tr("Printed (copy %1).").replace("%1", str(copy))
        text = self.state.text().split("\n\n")[0]
        self.state.setText(f"{text}\n\n{note}")

    def show_error(self, text: str) -> None:
        self.state.setText(text)
        self.paper_button.setEnabled(True)
