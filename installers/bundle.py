"""Freeze the program with PyInstaller (onedir): the payload of the AppImage and of the MSI.

    python -m installers.bundle [--out DIR]      → DIR/counter-workstation/ (default build/installers/dist)

Runs with the interpreter of the project's venv (PyInstaller from installers/requirements.txt),
on Linux for the AppImage and on a Windows runner for the MSI. Downloads nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INSTALLERS = REPO / "installers"
NAME = "counter-workstation"
SPEC = INSTALLERS / f"{NAME}.spec"
ICON_SVG = INSTALLERS / "linux" / f"{NAME}.svg"
GLIBC_CEILING = "GLIBC_2.34"  # what PySide6's wheels need: the oldest target glibc


def version() -> str:
    """The program's version (workstation/__init__.py), read without importing it."""
    text = (REPO / "workstation" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE).group(1)


def render_icon(svg: Path, png: Path, size: int = 256) -> Path:
    """The SVG icon as a PNG (AppImage .DirIcon, the Windows .exe icon), drawn by Qt."""
    code = (
        "import sys\n"
        "from PySide6.QtCore import Qt\n"
        "from PySide6.QtGui import QGuiApplication, QImage, QPainter\n"
        "from PySide6.QtSvg import QSvgRenderer\n"
        "app = QGuiApplication(['icon', '-platform', 'offscreen'])\n"
        "size = int(sys.argv[3])\n"
        "image = QImage(size, size, QImage.Format.Format_ARGB32)\n"
        "image.fill(Qt.GlobalColor.transparent)\n"
        "painter = QPainter(image)\n"
        "QSvgRenderer(sys.argv[1]).render(painter)\n"
        "painter.end()\n"
        "sys.exit(0 if image.save(sys.argv[2], 'PNG') else 1)\n"
    )
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", code, str(svg), str(png), str(size)], check=True)
    return png


def freeze(out: Path, work: Path, log=print) -> Path:
    """PyInstaller onedir build; returns the program's folder."""
    started = time.monotonic()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if sys.platform == "win32":  # the .exe's icon; PyInstaller converts it to .ico
        env["COUNTER_BUNDLE_ICON"] = str(render_icon(ICON_SVG, work / f"{NAME}.png"))
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(out), "--workpath", str(work / "pyinstaller"), str(SPEC)]
    subprocess.run(command, cwd=REPO, env=env, check=True)
    folder = out / NAME
    log(f"bundle: PyInstaller onedir in {time.monotonic() - started:.0f} s → {folder}")
    return folder


def pin_glibc(folder: Path, log=print) -> str | None:
    """Lower the few version needs above the ceiling that glibc serves by an older version
    too (installers/elf.py), then return the bundle's highest GLIBC_ need."""
    from installers import elf

    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and elf.is_elf(path):
            for change in elf.pin_versions(path, GLIBC_CEILING):
                log(f"bundle: pinned {change}")
    highest, files = elf.glibc_report(folder)
    if highest and elf.glibc_key(highest) > elf.glibc_key(GLIBC_CEILING):
        above = ", ".join(f"{path.name} ({version})" for version, path in files
                          if elf.glibc_key(version) > elf.glibc_key(GLIBC_CEILING))
        raise SystemExit(f"bundle: needs a glibc above {GLIBC_CEILING}: {above}")
    return highest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "installers" / "dist")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "installers" / "work")
    args = parser.parse_args(argv)
    folder = freeze(args.out.resolve(), args.work.resolve())
    if sys.platform.startswith("linux"):
        print(f"bundle: highest glibc needed: {pin_glibc(folder)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
