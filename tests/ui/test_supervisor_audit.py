"""The supervisor's 审计告警 screen through the real window on a real hall server process:
a workstation's audit chain uploaded with a record removed shows as one plain alert in
Chinese (the list's title counts it), a break arriving while the screen is open appears by
the hall's event, and 确认已处理 acknowledges it on the server (audited)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt

from tests.support.audit_chain import device_id, upload, workstation_chain
from tests.support.screenshots import save_screen
from tests.ui.rating_fixtures import *  # noqa: F403 - the supervisor's app
from tests.ui.test_shell import _log_in, start_enrolled

TIMEOUT = 30


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_supervisor(qtbot, supervisor_app, hall):
    app = supervisor_app(hall.url.replace("127.0.0.1", "localhost"))
    start_enrolled(qtbot, app, hall, None)
    _log_in(qtbot, app, "supervisor")
    qtbot.waitUntil(lambda: app.audit_alerts is not None and app.audit_alerts.reader.reads > 0, timeout=30000)
    qtbot.waitUntil(lambda: app.live.live, timeout=30000)
    return app


def test_a_broken_chain_is_shown_and_acknowledged(qtbot, sqlite_hall, supervisor_app, tmp_path):
    token = sqlite_hall.enrol("workstation", 2, name="窗口2电脑")
    records = workstation_chain(device_id(sqlite_hall, token), 5)
    upload(sqlite_hall, token, records[:2])
    upload(sqlite_hall, token, records[3:])  # #3 never arrives

    app = open_supervisor(qtbot, supervisor_app, sqlite_hall)
    screen = app.audit_alerts
    qtbot.waitUntil(lambda: len(screen.cards) == 1, timeout=30000)
    (card,) = screen.cards
    assert card.headline.text() == "审计记录缺失"
    assert "第 4 条之前的记录没有送达大厅" in card.explanation.text()
    assert "窗口 2" in card.facts.text() and "窗口2电脑" in card.facts.text()
    assert card.acknowledge_button.text().startswith("确认已处理")
    nav = app.main_window.nav
    assert nav.item(app._alerts_index).text() == "审计告警（1 条未处理）"

    # Another window's chain breaks while the screen is open: the hall's event brings it.
    other = sqlite_hall.enrol("workstation", 3)
    chain = workstation_chain(device_id(sqlite_hall, other), 3)
    chain[1]["payload"]["id_masked"] = "110101********0000"  # #2 changed after it was sealed
    upload(sqlite_hall, other, chain)
    qtbot.waitUntil(lambda: len(screen.cards) == 2, timeout=30000)
    assert screen.cards[0].headline.text() == "审计记录被改动"
    assert nav.item(app._alerts_index).text() == "审计告警（2 条未处理）"

    app.main_window.show_screen(app._alerts_index)
    app.main_window.resize(1366, 768)  # the hall's supervisor PC
    qtbot.wait(200)
    save_screen(app.main_window, shots(tmp_path) / "audit_alerts_1366x768.png")
    qtbot.mouseClick(screen.cards[1].acknowledge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(screen.cards) == 1, timeout=30000)
    assert screen.cards[0].alert.window == 3
    admin = sqlite_hall.admin_session()
    open_now = sqlite_hall.login("supervisor").get(sqlite_hall.api("/monitoring/audit-alerts"), timeout=TIMEOUT)
    assert [a["window"] for a in open_now.json()] == [3]
    trail = admin.get(sqlite_hall.api("/audit"), params={"action": "supervisor.audit_alert_acknowledge"},
                      timeout=TIMEOUT).json()["entries"]
    assert len(trail) == 1 and trail[0]["actor"] == "supervisor"
