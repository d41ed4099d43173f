"""The frame the supervisor's card screens share (动态调整, 审计告警): a head with the title,
the stream's status and a refresh button, and a scrolling column that cards go into."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget


def screen_head(title: QLabel, status: QLabel, refresh: QPushButton) -> QHBoxLayout:
    head = QHBoxLayout()
    head.addWidget(title)
    head.addStretch(1)
    head.addWidget(status)
    head.addWidget(refresh)
    return head


def card_column() -> tuple[QWidget, QVBoxLayout, QScrollArea]:
    """The column's widget, its layout (cards go in before its last item, a stretch) and
    the scroll area holding it."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(column)
    return column, layout, scroll
