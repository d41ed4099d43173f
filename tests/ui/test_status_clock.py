"""The status bar tells the clerk when this PC's clock is off the hall's (the records are
stamped with the hall's time anyway: tests/faults/test_clock.py), and says nothing when
it is right."""

from __future__ import annotations

from ui.clerk.status_bar import WorkstationStatusBar
from workstation.sync.status import SyncStatus


def _status(wrong_by: float | None) -> SyncStatus:
    return SyncStatus(online=True, pending=0, conflicts=0, revision=1, stream=True, clock_wrong_by=wrong_by)


def test_a_wrong_clock_is_told_in_the_status_bar(qtbot, styled_qapp):
    bar = WorkstationStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.show_status(_status(3 * 3600 + 7 * 60))  # the hall is 3 h 7 min ahead: this PC is slow
    assert bar.clock.isVisible() and bar.clock.text() == "⚠ 本机时钟慢了 3 小时 7 分"
    assert "大厅服务器时间" in bar.clock.toolTip()
    bar.show_status(_status(-300))
    assert bar.clock.text() == "⚠ 本机时钟快了 5 分钟"
    bar.show_status(_status(None))
    assert not bar.clock.isVisible()
