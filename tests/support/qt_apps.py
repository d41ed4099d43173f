"""Ending an application front (ClerkApp, SupervisorApp, DeviceApp) at the end of a test
the way quitting ends it: its own shutdown, then the background work, then the windows
deleted and the garbage collected, all on the GUI thread. Nothing of one test keeps
polling into the next, and no widget is left for a worker thread's collection."""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QEvent

from ui.tasks import wait_for_background


def close_front(front) -> None:
    front.shutdown()
    assert wait_for_background(), "background work still running 30 s after the windows closed"
    QCoreApplication.processEvents()  # the answers that came back, while the windows still exist
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    front.workstation.shutdown()
    gc.collect()
