"""Building and signing the acceptance receipt (受理通知书) of a case.

Run by hand:  .venv/bin/python bench/documents.py [--runs 20]
Builds the demo hall's sample acceptance receipt with the applicant's signature image and
the QR code, then builds and signs it (PAdES, demo PKI in a temporary folder), each `runs`
times after one warm-up (font loading). Prints lines `name value unit` (medians).
Targets: documents_build_ms ≤ 150 ms, documents_build_and_sign_ms ≤ 300 ms."""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PIL import Image, ImageDraw  # noqa: E402

from workstation.documents.builder import build_document  # noqa: E402
from workstation.documents.cli import demo_hall, sample_case  # noqa: E402
from workstation.documents.signing import PadesSigner, demo_pki  # noqa: E402


def signature_png() -> bytes:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    pen.line([(30 + i * 14, 100 + (-1) ** i * (20 + i % 7 * 5)) for i in range(38)],
             fill=(10, 10, 80, 255), width=7, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    case, hall, png = sample_case("accept"), demo_hall(), signature_png()
    with tempfile.TemporaryDirectory() as folder:
        _, p12, password = demo_pki(folder)
        signer = PadesSigner(p12, password)
        signer.sign(build_document("accept", case, hall, signature_png=png))  # warm-up

        build, both = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            build_document("accept", case, hall, signature_png=png)
            build.append((time.perf_counter() - start) * 1000)
        for _ in range(args.runs):
            start = time.perf_counter()
            signer.sign(build_document("accept", case, hall, signature_png=png))
            both.append((time.perf_counter() - start) * 1000)
    print(f"documents_build_ms {statistics.median(build):.1f} ms")
    print(f"documents_build_and_sign_ms {statistics.median(both):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
