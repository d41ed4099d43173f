"""The applicant's signing area: a pen on a tablet or pen display (QTabletEvent, with
pressure), else a finger (touch) or the mouse. Kept as strokes and drawn to a
transparent PNG for the document."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QElapsedTimer, QEvent, QIODevice, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from workstation.documents.signature import Point, Stroke, enough_ink

INK = QColor(16, 24, 72)
NO_PRESSURE = 0.5  # what a mouse or a finger counts as


def pen_width(pressure: float, scale: float = 1.0) -> float:
    return (1.6 + 4.8 * max(0.0, min(1.0, pressure))) * scale


def draw_strokes(painter: QPainter, strokes: list[Stroke] | tuple[Stroke, ...], offset: QPointF = QPointF(),
                 scale: float = 1.0) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for stroke in strokes:
        if len(stroke) == 1:
            p = stroke[0]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(INK)
            r = pen_width(p.pressure, scale) / 2
            painter.drawEllipse(QPointF(p.x * scale, p.y * scale) - offset, r, r)
            continue
        for a, b in zip(stroke, stroke[1:], strict=False):
            pen = QPen(INK, pen_width((a.pressure + b.pressure) / 2, scale), Qt.PenStyle.SolidLine,
                       Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.drawLine(QPointF(a.x * scale, a.y * scale) - offset, QPointF(b.x * scale, b.y * scale) - offset)


def render_png(strokes: tuple[Stroke, ...], margin: int = 12, scale: float = 2.0) -> bytes:
    """The strokes on a transparent background, cropped to the ink, at twice the pad's
    resolution so the printed signature stays sharp."""
    points = [p for s in strokes for p in s]
    left, top = min(p.x for p in points), min(p.y for p in points)
    right, bottom = max(p.x for p in points), max(p.y for p in points)
    pad = margin + 4
    width = int((right - left) * scale) + 2 * pad
    height = int((bottom - top) * scale) + 2 * pad
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    draw_strokes(painter, strokes, QPointF(left * scale - pad, top * scale - pad), scale)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


class SignaturePad(QWidget):
    """Signals `changed` after each stroke and on clear."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setMinimumSize(420, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.hint = self.tr("Please sign here")
        self._strokes: list[list[Point]] = []
        self._drawing = False
        self._clock = QElapsedTimer()
        self.source = "mouse"

    # -- what was written ------------------------------------------------------------

    def strokes(self) -> tuple[Stroke, ...]:
        return tuple(tuple(s) for s in self._strokes if s)

    def has_signature(self) -> bool:
        return enough_ink(self.strokes(), self.width(), self.height())

    def clear(self) -> None:
        self._strokes.clear()
        self._drawing = False
        self._clock.invalidate()
        self.update()
        self.changed.emit()

    # -- input -------------------------------------------------------------------------

    def _begin(self, pos: QPointF, pressure: float, source: str) -> None:
        if not self._clock.isValid():
            self._clock.start()
        self.source = source
        self._drawing = True
        self._strokes.append([])
        self._add(pos, pressure)

    def _add(self, pos: QPointF, pressure: float) -> None:
        if not self._drawing:
            return
        x = min(max(pos.x(), 0.0), float(self.width()))
        y = min(max(pos.y(), 0.0), float(self.height()))
        self._strokes[-1].append(Point(x, y, int(self._clock.elapsed()), pressure))
        self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def tabletEvent(self, event) -> None:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), event.pressure(), "tablet")
        elif kind == QEvent.Type.TabletMove:
            self._add(event.position(), event.pressure())
        elif kind == QEvent.Type.TabletRelease:
            self._add(event.position(), event.pressure())
            self._end()
        event.accept()  # no mouse events are made up from the pen

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), NO_PRESSURE, "mouse")

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        self._add(event.position(), NO_PRESSURE)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self._end()

    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            points = event.points()
            if points:
                point = points[0]
                pressure = point.pressure() if 0.0 < point.pressure() < 1.0 else NO_PRESSURE
                if kind == QEvent.Type.TouchBegin:
                    self._begin(point.position(), pressure, "touch")
                else:
                    self._add(point.position(), pressure)
                if kind == QEvent.Type.TouchEnd:
                    self._end()
            event.accept()
            return True
        return super().event(event)

    # -- drawing -----------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#fffdf5"))
        baseline = int(self.height() * 0.78)
        painter.setPen(QPen(QColor("#9aa5b1"), 2, Qt.PenStyle.DashLine))
        painter.drawLine(24, baseline, self.width() - 24, baseline)
        if not self._strokes:
            painter.setPen(QColor("#9aa5b1"))
            font = painter.font()
            font.setPointSize(22)
            painter.setFont(font)
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.hint)
        draw_strokes(painter, self.strokes())
        painter.end()
