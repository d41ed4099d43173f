"""A kiosk with an ID card reader: the card's number goes with the ticket, and the hall
server then refuses the same person a second waiting ticket for the same business."""

from __future__ import annotations

import pytest

from tests.support.qt_apps import close_front
from ui.app import DeviceApp
from workstation.app.workstation import Workstation
from workstation.config import ServerSettings, Settings
from workstation.paths import Paths
from workstation.simulation.sim_reader import ResidentCard, SimulatedReader, card


@pytest.fixture
def sim():
    with SimulatedReader(card(ResidentCard())) as reader:
        yield reader


def test_kiosk_takes_tickets_by_id_card_one_waiting_per_person(qtbot, styled_qapp, sqlite_hall, sim, tmp_path):
    settings = Settings(server=ServerSettings(url=sqlite_hall.url),
                        card={"backend": "serial", "port": sim.port, "timeout": 2.0})
    root = tmp_path / "kiosk"
    workstation = Workstation(settings, Paths(root / "config", root / "data", root / "logs"), kind="kiosk")
    app = DeviceApp(workstation, settings)
    try:
        app.start()
        start = app.start_window
        qtbot.waitUntil(lambda: start.pages.currentIndex() == 1, timeout=30000)
        qtbot.keyClicks(start.code, sqlite_hall.enrol_code(kind="kiosk", window=None))
        qtbot.keyClick(start.code, "\r")
        qtbot.waitUntil(lambda: app.window is not None, timeout=30000)
        kiosk = app.window
        # The reader is polled every 2 s; the card's number is held for the next ticket.
        qtbot.waitUntil(lambda: getattr(kiosk, "_id_number", None) == "110101199003071233", timeout=15000)

        with qtbot.waitSignal(kiosk.ticket_issued, timeout=15000) as issued:
            kiosk.issue("general")
        assert issued.args[0].ticket.number.startswith("A")
        assert issued.args[0].ticket.id_masked == "110101********1233"

        kiosk.go_home()
        qtbot.waitUntil(lambda: getattr(kiosk, "_id_number", None) == "110101199003071233", timeout=15000)
        kiosk.issue("general")
        qtbot.waitUntil(lambda: "已经取过" in kiosk.message.text(), timeout=15000)
        reads = [r for r in workstation.store.next_batch(1000) if r.kind == "audit.card_read"]
        assert reads and all("110101199003071233" not in str(r.payload) for r in reads)
    finally:
        close_front(app)
