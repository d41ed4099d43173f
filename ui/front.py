"""What the clerk's and the supervisor's applications share: the start window's
enrolment and login, one main window at a time, the hall's name kept current, logging
out, and ending on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtWidgets import QApplication, QWidget

from ui.bridge import HubBridge
from ui.start_window import StartWindow
from ui.tasks import run_in_background
from workstation.app.workstation import Clerk, Workstation
from workstation.config import Settings
from workstation.sync.status import SyncStatus

translate = QCoreApplication.translate  # the name lupdate looks for


def role_word(role: str) -> str:
    """A person's role as the hall says it (窗口人员, 值班长, 管理员), in every window's header."""
    words = {"clerk": translate("Roles", "Clerk"), "supervisor": translate("Roles", "Supervisor"),
             "admin": translate("Roles", "Administrator")}
    return words.get(role, role)


def delete_widgets(*widgets: QWidget | None) -> None:
    """Closes and deletes the windows there are, on the GUI thread (a front's shutdown)."""
    for widget in widgets:
        if widget is not None:
            widget.close()
            widget.deleteLater()


class PersonFront(QObject):
    """A front a person logs in at. Subclasses open their main window in `open_main`
    (its `closed` signal connected to `_main_closed`) and show the hall in `_show_hall`."""

    def __init__(self, workstation: Workstation, settings: Settings) -> None:
        super().__init__()
        self.workstation = workstation
        self.settings = settings
        self.bridge = HubBridge(workstation.hub)
        self.start_window = StartWindow(workstation)
        self.start_window.logged_in.connect(self.open_main)
        self.main_window: QWidget | None = None
        self._revision = -1
        # The hall's name comes with reference data: shown again whenever it moves.
        self.bridge.status.connect(self._status_changed)
        self.bridge.session_ended.connect(self._session_ended)

    def start(self) -> None:
        self.start_window.start()

    @Slot(object)
    def open_main(self, person: Clerk) -> None:
        raise NotImplementedError

    def _show_hall(self, hall: dict | None) -> None:
        raise NotImplementedError

    def _reference_moved(self) -> None:
        run_in_background(self.workstation.hall, self._show_hall)

    @Slot(object)
    def _status_changed(self, status: SyncStatus) -> None:
        if status.revision != self._revision:
            self._revision = status.revision
            self._reference_moved()

    def _close_main(self) -> None:
        """Deletes the main window (and so its polling) on the GUI thread, so nothing of it
        polls on, or is destroyed later on a worker thread."""
        window, self.main_window = self.main_window, None
        if window is not None:
            window.closed.disconnect(self._main_closed)
            window.close()
            window.deleteLater()

    @Slot(object)
    def _session_ended(self, refusal) -> None:
        """The server refused the person's session (unused too long, ended elsewhere, the
        account disabled): back to the login window, saying why."""
        if self.main_window is None:
            return
        self.logout()
        self.start_window.session_ended(refusal.session_idle, refusal.detail)

    def _back_to_login(self) -> None:
        self.start_window.reset_for_login()
        self.start_window.show()
        run_in_background(self.workstation.logout)

    @Slot()
    def _main_closed(self) -> None:
        QApplication.instance().quit()

