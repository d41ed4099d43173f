"""The applicant's handwritten signature: strokes as captured, and the record that ties
them to one document.

A signature is kept two ways: the strokes (x, y, milliseconds since the first point,
pressure 0..1), which carry the pen's rhythm and pressure, and a transparent PNG placed in
the document. Its record holds the SHA-256 of the document content the applicant was shown
and signed for: the builder is deterministic, so that hash can be recomputed from the case
at any time, and a signature cannot be carried over to another document."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Too little ink to be a signature: a tap, a dot, a stray line.
MIN_POINTS = 12
MIN_EXTENT = 0.12  # of the pad's width or height


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    t: int  # milliseconds since the signature's first point
    pressure: float  # 0..1; 0.5 from a mouse or a finger, which have none


Stroke = tuple[Point, ...]


@dataclass(frozen=True)
class Signature:
    strokes: tuple[Stroke, ...]
    width: int  # the pad's size when signed, in pixels
    height: int
    png: bytes  # transparent background
    signed_at: datetime
    source: str  # "tablet", "touch" or "mouse"

    @property
    def point_count(self) -> int:
        return sum(len(s) for s in self.strokes)

    @property
    def png_sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


def enough_ink(strokes: Sequence[Sequence[Point]], width: float, height: float) -> bool:
    """Whether the strokes could be a signature rather than a tap or a slip."""
    points = [p for stroke in strokes for p in stroke]
    if len(points) < MIN_POINTS or width <= 0 or height <= 0:
        return False
    xs, ys = [p.x for p in points], [p.y for p in points]
    return (max(xs) - min(xs)) >= MIN_EXTENT * width or (max(ys) - min(ys)) >= MIN_EXTENT * height


def signature_payload(signature: Signature, *, case_number: str, document_kind: str,
                      document_sha256: str) -> dict[str, Any]:
    """The `signature` record: the strokes, the picture, and the document it was given for."""
    return {
        "case_number": case_number,
        "document_kind": document_kind,
        "document_sha256": document_sha256,
        "signed_at": signature.signed_at.astimezone(UTC).isoformat(),
        "source": signature.source,
        "pad": [signature.width, signature.height],
        "strokes": [[[round(p.x, 1), round(p.y, 1), p.t, round(p.pressure, 3)] for p in stroke]
                    for stroke in signature.strokes],
        "png_sha256": signature.png_sha256,
        "png": base64.b64encode(signature.png).decode("ascii"),
    }


def strokes_from_payload(payload: dict[str, Any]) -> tuple[Stroke, ...]:
    return tuple(tuple(Point(x, y, int(t), p) for x, y, t, p in stroke) for stroke in payload["strokes"])
