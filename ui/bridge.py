"""Re-emits the core's hub callbacks as Qt signals, so handlers run on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from workstation.app.hub import Hub
from workstation.app.workstation import SERVER_EVENT, SESSION_ENDED, STATUS


class HubBridge(QObject):
    status = Signal(object)  # workstation.sync.engine.SyncStatus
    server_event = Signal(object)  # workstation.protocol.events.Event
    session_ended = Signal(object)  # workstation.sync.errors.HallRefused (401 on the session)

    def __init__(self, hub: Hub) -> None:
        super().__init__()
        # Emitted from sync threads; connections to QObjects on the GUI thread are queued.
        hub.subscribe(STATUS, self.status.emit)
        hub.subscribe(SERVER_EVENT, self.server_event.emit)
        hub.subscribe(SESSION_ENDED, self.session_ended.emit)
