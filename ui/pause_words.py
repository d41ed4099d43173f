"""A paused window's whereabouts (去向公开) in words, the same on the hall display, the
citizen screen and the clerk's call panel: 「暂停服务 · 会议 · 预计 10:30 返回」."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ui.words import fill
from workstation.app.queue_desk import hall_clock
from workstation.domain.queue import PauseReason
from workstation.protocol import queue as wire

translate = QCoreApplication.translate  # the name lupdate looks for

# The order the pause dialog offers them in.
REASONS = (PauseReason.MEETING, PauseReason.ERRAND, PauseReason.BREAK, PauseReason.TRAINING, PauseReason.OTHER)


def reason_word(reason: PauseReason) -> str:
    return {
        PauseReason.MEETING: translate("PauseWords", "Meeting"),
        PauseReason.ERRAND: translate("PauseWords", "Out on official business"),
        PauseReason.BREAK: translate("PauseWords", "Break"),
        PauseReason.TRAINING: translate("PauseWords", "Training"),
        PauseReason.OTHER: translate("PauseWords", "Other"),
    }[reason]


def whereabouts(pause: wire.PauseInfo | None) -> str:
    """Where the clerk went: the reason's word, or for `other` the clerk's own words ("" if none)."""
    if pause is None:
        return ""
    if pause.reason is PauseReason.OTHER:
        return pause.note.strip()
    return reason_word(pause.reason)


def pause_line(pause: wire.PauseInfo | None) -> str:
    """「暂停服务 · 会议 · 预计 10:30 返回」, leaving out what the clerk did not say; the
    return time on the hall's clock."""
    parts = [translate("PauseWords", "Service paused")]
    where = whereabouts(pause)
    if where:
        parts.append(where)
    if pause is not None and pause.until is not None:
        parts.append(fill(translate("PauseWords", "back at about %1"), hall_clock(pause.until)))
    return " · ".join(parts)
