"""The signing area takes a pen with pressure, a finger, or the mouse, and draws the
signature on a transparent picture cropped to the ink."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from tests.ui.test_document_flow import pen_stroke
from ui.citizen.signature_pad import SignaturePad, render_png


def _pad(qtbot) -> SignaturePad:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(640, 240)
    pad.show()
    qtbot.waitExposed(pad)
    return pad


def test_mouse_signature_counts_as_no_pressure(qtbot):
    pad = _pad(qtbot)
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 120))
    for i in range(1, 30):
        qtbot.mouseMove(pad, QPoint(40 + i * 15, 120 + (i % 4) * 10))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(480, 130))
    [stroke] = pad.strokes()
    assert pad.source == "mouse" and len(stroke) >= 10
    assert {p.pressure for p in stroke} == {0.5}
    assert pad.has_signature()
    pad.clear()
    assert pad.strokes() == () and not pad.has_signature()


def test_touch_signature(qtbot):
    pad = _pad(qtbot)
    screen = QTest.createTouchDevice()
    QTest.touchEvent(pad, screen).press(0, QPoint(30, 100), pad)
    for i in range(1, 25):
        QTest.touchEvent(pad, screen).move(0, QPoint(30 + i * 18, 100 + (i % 3) * 14), pad)
    QTest.touchEvent(pad, screen).release(0, QPoint(470, 110), pad)
    assert pad.source == "touch"
    assert len(pad.strokes()) == 1 and pad.has_signature()


def test_the_picture_is_transparent_and_cropped_to_the_ink(qtbot):
    pad = _pad(qtbot)
    pen_stroke(pad, [(100 + i * 10, 80 + (i % 5) * 12, 0.1 + i / 40) for i in range(30)])
    image = QImage.fromData(render_png(pad.strokes()))
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0
    inked = sum(image.pixelColor(x, y).alpha() > 128 for x in range(0, image.width(), 3)
                for y in range(0, image.height(), 3))
    assert inked > 50
    # Cropped to the strokes (290 × 48 pixels of pad, drawn at twice the size, plus a margin).
    assert 580 <= image.width() <= 640 and 96 <= image.height() <= 150
