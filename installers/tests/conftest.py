"""Fixtures of the installer tests: a throwaway signing key, the AppImage built offline once
per session, a stand-in Windows payload and a test code-signing CA.

Run with `.venv/bin/python -m pytest installers/tests` after installers/setup."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from installers.tests.support import CodeSigningCa, SigningKey, make_ca, make_key, offline_prefix, run

REPO = Path(__file__).resolve().parents[2]
FIGURES: dict[str, str] = {}


# --- gpg -----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def signing_key(tmp_path_factory) -> SigningKey:
    return make_key(tmp_path_factory.mktemp("gpg") / "release",
                    "Counter Workstation test release <test-release@example.invalid>")


@pytest.fixture(scope="session")
def other_key(tmp_path_factory) -> SigningKey:
    return make_key(tmp_path_factory.mktemp("gpg-other") / "other", "Someone else <other@example.invalid>")


# --- the AppImage --------------------------------------------------------------------------

@dataclass
class BuiltAppImage:
    appimage: Path
    signature: Path
    sums: Path
    log: str
    offline: bool


@pytest.fixture(scope="session")
def built(tmp_path_factory, signing_key) -> BuiltAppImage:
    out = tmp_path_factory.mktemp("appimage-out")
    work = tmp_path_factory.mktemp("appimage-work")
    prefix = offline_prefix()
    started = time.monotonic()
    result = run(*(prefix or []), sys.executable, "-m", "installers.appimage", "--key", signing_key.fingerprint,
                 "--gnupghome", signing_key.home, "--out", out, "--work", work, cwd=REPO,
                 capture_output=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    (work / "build.log").write_text(result.stdout)
    if result.returncode != 0:
        pytest.fail(f"the AppImage build failed (log {work / 'build.log'}):\n{result.stdout[-6000:]}")
    appimages = sorted(out.glob("*.AppImage"))
    assert len(appimages) == 1, list(out.iterdir())
    appimage = appimages[0]
    FIGURES["AppImage build"] = f"{seconds:.0f} s{' (no network)' if prefix else ''}"
    FIGURES["AppImage size"] = f"{appimage.stat().st_size / 1e6:.1f} MB ({appimage.name})"
    return BuiltAppImage(appimage, appimage.with_name(appimage.name + ".asc"), out / "SHA256SUMS.asc",
                         result.stdout, prefix is not None)


@pytest.fixture(scope="session")
def extracted(built, tmp_path_factory) -> Path:
    """`--appimage-extract` of the built AppImage: its AppDir."""
    where = tmp_path_factory.mktemp("extracted")
    result = run(built.appimage, "--appimage-extract", cwd=where)
    assert result.returncode == 0, result.stderr
    return where / "squashfs-root"


# --- the MSI -------------------------------------------------------------------------------

STANDIN_WHEELS = ["pyinstaller==6.22.3", "cffi==2.1.1"]


@pytest.fixture(scope="session")
def standin_payload(tmp_path_factory) -> Path:
    """A folder laid out like the PyInstaller build on Windows, of real Windows PE files:
    PyInstaller's own Windows bootloaders as the two programs, a CPython extension module
    (.pyd) from cffi's Windows wheel, and the project's resources and migrations."""
    cache = REPO / "build" / "installers" / "standin-wheels"
    cache.mkdir(parents=True, exist_ok=True)
    download = run(sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--no-deps",
                   "--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp",
                   "--dest", cache, *STANDIN_WHEELS)
    if download.returncode != 0:
        pytest.skip(f"the stand-in Windows wheels could not be fetched from PyPI: {download.stderr[-500:]}")
    payload = tmp_path_factory.mktemp("standin") / "counter-workstation"
    internal = payload / "_internal"
    internal.mkdir(parents=True)
    wanted = {
        "PyInstaller/bootloader/Windows-64bit-intel/runw.exe": payload / "counter-workstation.exe",
        "PyInstaller/bootloader/Windows-64bit-intel/run.exe": payload / "counter-workstation-cli.exe",
        "_cffi_backend.cp311-win_amd64.pyd": internal / "_cffi_backend.cp311-win_amd64.pyd",
    }
    for wheel in cache.glob("*win_amd64.whl"):
        with zipfile.ZipFile(wheel) as archive:
            for name in set(archive.namelist()) & set(wanted):
                wanted.pop(name).write_bytes(archive.read(name))
    assert not wanted, f"not found in the stand-in wheels: {list(wanted)}"
    for folder in ("resources", "server/migrations", "workstation/store/migrations"):
        shutil.copytree(REPO / folder, internal / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return payload


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory) -> CodeSigningCa:
    return make_ca(tmp_path_factory.mktemp("ca"), "Counter Workstation Test")


@pytest.fixture(scope="session")
def other_ca(tmp_path_factory) -> CodeSigningCa:
    return make_ca(tmp_path_factory.mktemp("other-ca"), "Somebody Else")


@pytest.fixture(scope="session")
def figures() -> dict[str, str]:
    """Numbers worth reading (build time, size, glibc), printed at the end of the run."""
    return FIGURES


def pytest_terminal_summary(terminalreporter) -> None:
    if FIGURES:
        terminalreporter.write_sep("-", "installer figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
