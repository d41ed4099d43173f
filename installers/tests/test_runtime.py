"""The AppImage runtime (installers/runtime/runtime.c) and the signing, on a tiny AppDir:
seconds, not minutes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from installers import appimage, verify_appimage
from installers.tests.support import fuse_mount_works, hide_fuse_prefix, mounts_under, run, wait_until

APPRUN = """#!/bin/sh
echo "args: $*"
echo "appdir: $APPDIR"
echo "appimage: $APPIMAGE"
cat "$APPDIR/usr/share/data.txt"
exit "${EXIT_WITH:-0}"
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, signing_key) -> Path:
    work = tmp_path_factory.mktemp("tiny")
    appdir = work / "AppDir"
    (appdir / "usr" / "share").mkdir(parents=True)
    (appdir / "AppRun").write_text(APPRUN)
    (appdir / "AppRun").chmod(0o755)
    (appdir / "usr" / "share" / "data.txt").write_text("payload 载荷\n")
    (appdir / "link").symlink_to("usr/share/data.txt")
    runtime = appimage.build_runtime(work)
    image = appimage.squash(appdir, work / "image.squashfs")
    (work / "out").mkdir()
    target = appimage.assemble(runtime, image, work / "out" / "Tiny-x86_64.AppImage")
    appimage.sign(target, appimage.Signer(signing_key.fingerprint, signing_key.home))
    return target


def test_runtime_is_a_static_type2_elf(tiny):
    head = tiny.read_bytes()[:16]
    assert head[:4] == b"\x7fELF" and head[8:11] == b"AI\x02"
    offset = int(run(tiny, "--appimage-offset", check=True).stdout)
    with tiny.open("rb") as handle:
        handle.seek(offset)
        assert handle.read(4) == b"hsqs"  # the squashfs starts right after the runtime
    sections = {s.name for s in verify_appimage.read_sections(verify_appimage.runtime_header(tiny))}
    assert {".appimage", ".upd_info", ".sha256_sig", ".sig_key"} <= sections
    assert ".interp" not in sections and ".dynamic" not in sections  # static: runs on any glibc
    assert "type 2 runtime" in run(tiny, "--appimage-version", check=True).stdout


def test_embedded_signature(tiny, signing_key):
    printed = run(tiny, "--appimage-signature", check=True).stdout
    assert printed.startswith("-----BEGIN PGP SIGNATURE-----")
    signature, key = verify_appimage.embedded(tiny)
    assert signature.decode().strip() == printed.strip()
    assert b"BEGIN PGP PUBLIC KEY BLOCK" in key
    assert verify_appimage.verify(tiny, signing_key.public_key, None, None) == signing_key.fingerprint


def test_extract(tiny, tmp_path):
    result = run(tiny, "--appimage-extract", cwd=tmp_path)
    root = tmp_path / "squashfs-root"
    assert result.returncode == 0, result.stderr
    assert (root / "usr/share/data.txt").read_text() == "payload 载荷\n"
    assert os.access(root / "AppRun", os.X_OK)
    assert os.readlink(root / "link") == "usr/share/data.txt"
    shutil.rmtree(root)
    assert run(tiny, "--appimage-extract", "usr/*", cwd=tmp_path).returncode == 0
    assert (root / "usr/share/data.txt").exists() and not (root / "AppRun").exists()


def test_extract_and_run_cleans_up_and_passes_exit_code(tiny, tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path), APPIMAGE_EXTRACT_AND_RUN="1", EXIT_WITH="3")
    result = run(tiny, "one", "two words", env=env)
    assert result.returncode == 3, result.stderr
    assert "args: one two words" in result.stdout and "payload 载荷" in result.stdout
    assert f"appdir: {tmp_path}/appimage_extracted_" in result.stdout
    assert f"appimage: {tiny}" in result.stdout
    assert list(tmp_path.iterdir()) == []  # the extracted copy is removed


@pytest.fixture
def without_fuse() -> list[str]:
    prefix = hide_fuse_prefix()
    if prefix is None:
        pytest.skip("needs root and mount namespaces to hide /dev/fuse")
    return prefix


def test_runs_without_fuse_by_extracting(tiny, tmp_path, without_fuse):
    result = run(*without_fuse, tiny, "x", env=dict(os.environ, TMPDIR=str(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert f"appdir: {tmp_path}/appimage_extracted_" in result.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def fuse_works(tiny, tmp_path_factory) -> bool:
    return fuse_mount_works(tiny, tmp_path_factory.mktemp("fuse-probe"))


def test_mount_runs_apprun_and_unmounts(tiny, tmp_path, fuse_works):
    if not fuse_works:
        pytest.skip("FUSE mounts are not allowed here")
    result = run(tiny, "a", env=dict(os.environ, TMPDIR=str(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert f"appdir: {tmp_path}/.mount_counter-" in result.stdout
    assert wait_until(lambda: not mounts_under(tmp_path) and not list(tmp_path.iterdir()))


def test_mount_option_serves_files_until_stdin_closes(tiny, tmp_path, fuse_works):
    if not fuse_works:
        pytest.skip("FUSE mounts are not allowed here")
    process = subprocess.Popen([tiny, "--appimage-mount"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, TMPDIR=str(tmp_path)))
    mountpoint = Path(process.stdout.readline().strip())
    try:
        assert (mountpoint / "usr/share/data.txt").read_text() == "payload 载荷\n"
        assert (mountpoint / "link").read_text() == "payload 载荷\n"
    finally:
        process.stdin.close()
        process.wait(10)
    assert wait_until(lambda: not mounts_under(tmp_path))


def test_unknown_option_is_refused(tiny):
    result = run(tiny, "--appimage-frobnicate")
    assert result.returncode != 0 and "unknown option" in result.stderr
