"""Re-emits the core's hub callbacks as Qt signals, so handlers run on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from workstation.app.hub import Hub
from workstation.app.workstation import SERVER_EVENT, STATUS


class HubBridge(QObject):
    status = Signal(object)  # workstation.sync.engine.SyncStatus
    server_event = Signal(object)  # workstation.protocol.events.Event

    def __init__(self, hub: Hub) -> None:
        super().__init__()
        # Emitted from sync threads; connections to QObjects on the GUI thread are queued.
        hub.subscribe(STATUS, self.status.emit)
        hub.subscribe(SERVER_EVENT, self.server_event.emit)
