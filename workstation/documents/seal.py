"""The hall's seal picture, printed where the hall signs a document.

A real hall configures the scan of its seal (`[documents] seal_image`, a PNG with a
transparent background, kept beside `signing_p12`). The embedded demo hall has none, so
`demo_seal` draws one once, with Pillow and the shipped WenQuanYi font, into the folder of
its demo PKI: a round red stamp with the hall's name along the upper rim, a star, and
"演示样章" (demo specimen) across the lower half, so nobody takes it for a real seal."""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

from workstation.paths import resources_dir

DEMO_HALL_NAME = "演示区政务服务中心"
DEMO_SEAL_FILE = "hall-seal.png"
_RED = (200, 24, 32, 215)  # stamp ink: a little transparent, so the text under it shows


def load_seal_image(path: str | os.PathLike[str]) -> bytes:
    """The PNG at `path`, checked to be a picture Pillow can read (ValueError if not)."""
    from PIL import Image, UnidentifiedImageError

    data = Path(path).read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"{path} is not a picture: {exc}") from None
    return data


def demo_seal_png(name: str = DEMO_HALL_NAME, size: int = 400) -> bytes:
    """A round red demo seal with `name` along the rim, as PNG bytes (transparent ground)."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = str(resources_dir() / "fonts" / "wqy-microhei.ttc")
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    centre = size / 2
    ring = size * 0.035
    pen.ellipse((ring / 2, ring / 2, size - ring / 2, size - ring / 2), outline=_RED, width=round(ring))

    # The name along the upper rim, each character turned to face the centre.
    glyph = round(size * 0.115)
    font = ImageFont.truetype(font_path, glyph)
    radius = centre - ring - glyph * 0.72
    span = math.radians(min(250, 26 * len(name)))
    for index, char in enumerate(name):
        angle = -math.pi / 2 - span / 2 + span * (index + 0.5) / len(name)  # from upper left, clockwise
        tile = Image.new("RGBA", (glyph * 2, glyph * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((glyph, glyph), char, font=font, fill=_RED, anchor="mm")
        tile = tile.rotate(-math.degrees(angle + math.pi / 2), resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(angle) - glyph
        y = centre + radius * math.sin(angle) - glyph
        image.alpha_composite(tile, (round(x), round(y)))

    # A five-pointed star in the middle.
    outer, inner = size * 0.14, size * 0.055
    points = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        a = -math.pi / 2 + k * math.pi / 5
        points.append((centre + r * math.cos(a), centre - size * 0.02 + r * math.sin(a)))
    pen.polygon(points, fill=_RED)

    # The specimen mark across the lower half.
    small = ImageFont.truetype(font_path, round(size * 0.085))
    pen.text((centre, centre + size * 0.235), "演示样章", font=small, fill=_RED, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def demo_seal(folder: str | os.PathLike[str]) -> Path:
    """The demo hall's seal picture in `folder`, drawn on first use and then reused."""
    path = Path(folder) / DEMO_SEAL_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(demo_seal_png())
    return path
