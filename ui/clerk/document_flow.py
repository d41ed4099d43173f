"""A case's document from decision to paper: prepared as soon as the case is saved,
signed by the applicant on the citizen screen (or on paper), sealed and kept, printed
with a preview. Every step that builds, signs, stores or renders runs off the GUI thread;
a late answer for an earlier case is dropped."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from ui.citizen.citizen_screen import CitizenScreen
from ui.clerk.document_printing import PRINT_DPI, preview_and_print
from ui.clerk.documents_panel import DocumentsPanel
from ui.pdf_pages import page_images
from ui.tasks import run_in_background, while_alive
from workstation.app.documents import Draft, Issued
from workstation.app.guide import SavedCase

log = logging.getLogger(__name__)


class DocumentFlow(QObject):
    """Emits `issued(SavedCase, Issued)` once the document is kept, signed or not."""

    issued = Signal(object, object)

    def __init__(self, workstation, citizen: CitizenScreen, panel: DocumentsPanel, window: QWidget) -> None:
        super().__init__(window)
        self.workstation = workstation
        self.citizen = citizen
        self.panel = panel
        self.window = window
        self.case: SavedCase | None = None
        self.draft: Draft | None = None
        self.current: Issued | None = None
        self.failed = False
        # How pages reach paper: the preview dialog; tests print straight to a file.
        self.print_pages = preview_and_print
        panel.paper_signature_requested.connect(self._paper)
        panel.print_requested.connect(self.print_current)
        citizen.signing.signed.connect(self._signed)

    def _alive(self, fn):
        """A background answer is dropped once the clerk's window (and its panel) is gone."""
        return while_alive(self.panel, fn)

    def _desk(self):
        return self.workstation.documents()

    def _still(self, case: SavedCase | None) -> bool:
        return case is not None and self.case is case

    def awaiting_signature(self, case: SavedCase) -> bool:
        """The case's document is being prepared or waits for the applicant's signature."""
        return self._still(case) and self.current is None and not self.failed

    def start(self, saved: SavedCase) -> None:
        """A case was saved: prepare its document and ask the applicant to sign."""
        self.case, self.draft, self.current = saved, None, None
        self.failed = False
        self.panel.show_preparing()
        run_in_background(lambda: self._desk().prepare(saved),
                          self._alive(lambda draft: self._drafted(saved, draft)),
                          self._alive(lambda exc: self._failed(saved, exc)))

    def _drafted(self, case: SavedCase, draft: Draft) -> None:
        if not self._still(case):
            return
        self.draft = draft
        self.panel.show_draft(draft)
        self.citizen.show_signing(draft.title, case.display_number)
        # The signing page draws the pages itself, at the size the applicant reads them.
        self.citizen.signing.show_document(draft.pdf)

    @Slot(object)
    def _signed(self, signature) -> None:
        self._issue(signature)

    @Slot()
    def _paper(self) -> None:
        self._issue(None)

    def _issue(self, signature) -> None:
        case, draft = self.case, self.draft
        if draft is None or self.current is not None:
            return
        self.panel.show_issuing()
        run_in_background(lambda: self._desk().issue(draft, signature),
                          self._alive(lambda issued: self._kept(case, issued)),
                          self._alive(lambda exc: self._failed(case, exc)))

    def _kept(self, case: SavedCase, issued: Issued) -> None:
        if not self._still(case):
            return
        self.current = issued
        self.panel.show_issued(issued)
        self.issued.emit(case, issued)

    def _failed(self, case: SavedCase, error: BaseException) -> None:
        log.error("document of %s: %s", case.case_number, error)
        if self._still(case):
            self.failed = True
            self.panel.show_error(self.tr("The document could not be made: %1").replace("%1", str(error)))

    @Slot()
    def print_current(self) -> None:
        issued = self.current
        if issued is None:
            return
        self.panel.print_button.setEnabled(False)
        run_in_background(lambda: page_images(issued.pdf, PRINT_DPI),
                          self._alive(lambda pages: self._print(issued, pages)),
                          self._alive(lambda exc: self._failed(self.case, exc) if self.case else None))

    def _print(self, issued: Issued, pages) -> None:
        self.panel.print_button.setEnabled(True)
        printer = self.print_pages(self.window, pages, issued.title)
        if printer is None:
            return
        clerk = self.workstation.clerk
        device = self.workstation.device
        run_in_background(
            lambda: self._desk().printed(issued, clerk.username if clerk else "", device.window if device else None,
                                         printer),
            self._alive(lambda copy: self.current is issued and self.panel.show_printed(copy)),
            self._alive(lambda exc: self.panel.show_error(
                self.tr("The print was not recorded: %1").replace("%1", str(exc)))))

    def clear(self) -> None:
        """The next applicant: nothing of the last document stays in view."""
        self.case = self.draft = self.current = None
        self.panel.show_nothing()
