"""The real AppImage: built with no network and signed once per session (a few minutes),
then verified, tampered with, extracted and run: --help, and a headless start against the
embedded hall with FUSE, without it, and from the extracted AppDir."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from installers import appimage, elf, payload, smoke, verify_appimage
from installers.tests.support import fuse_mount_works, hide_fuse_prefix, mounts_under, run, wait_until

pytestmark = pytest.mark.timeout(1800)  # the first test waits for the build


def test_builds_offline_and_signed(built):
    if not built.offline:
        pytest.skip("no network namespace here (unshare): built, but not proven offline")
    assert os.access(built.appimage, os.X_OK)
    assert built.signature.read_text().startswith("-----BEGIN PGP SIGNATURE-----")
    assert built.sums.read_text().startswith("-----BEGIN PGP SIGNED MESSAGE-----")
    assert "appimage: embedded signature: good" in built.log  # the build checks its own output


def test_signature_verifies(built, signing_key):
    assert verify_appimage.main([str(built.appimage), "--key", str(signing_key.public_key)]) == 0
    assert verify_appimage.main([str(built.appimage), "--fingerprint", signing_key.fingerprint]) == 0
    # as IT runs it: a system python3, the standard library only
    result = run("/usr/bin/python3", verify_appimage.__file__, built.appimage, "--key", signing_key.public_key)
    assert result.returncode == 0 and "OK:" in result.stdout, result.stderr


def copy_release(built, folder: Path) -> Path:
    for path in (built.appimage, built.signature, built.sums):
        shutil.copy2(path, folder / path.name)
    return folder / built.appimage.name


@pytest.mark.parametrize("where", ["runtime", "squashfs", "last byte"])
def test_one_byte_change_fails(built, signing_key, tmp_path, where, capsys):
    copy = copy_release(built, tmp_path)
    offset = {"runtime": 0x1000, "squashfs": copy.stat().st_size // 2, "last byte": copy.stat().st_size - 1}[where]
    with copy.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)[0]
        handle.seek(offset)
        handle.write(bytes([byte ^ 0x01]))
    assert verify_appimage.main([str(copy), "--key", str(signing_key.public_key)]) == 1
    assert "FAILED" in capsys.readouterr().err


def test_detached_signature_by_another_key_fails(built, signing_key, other_key, tmp_path, capsys):
    copy = copy_release(built, tmp_path)
    run("gpg", "--homedir", other_key.home, "--batch", "--yes", "--armor", "--detach-sign",
        "--output", copy.with_name(copy.name + ".asc"), copy, check=True)
    assert verify_appimage.main([str(copy), "--key", str(signing_key.public_key)]) == 1
    assert "is not by the trusted key" in capsys.readouterr().err


def test_altered_checksum_list_fails(built, signing_key, tmp_path, capsys):
    copy = copy_release(built, tmp_path)
    sums = tmp_path / "SHA256SUMS.asc"
    sums.write_text(sums.read_text().replace(verify_appimage.sha256_file(copy), "0" * 64))
    assert verify_appimage.main([str(copy), "--key", str(signing_key.public_key)]) == 1
    out, err = capsys.readouterr()
    assert "detached signature" in out and "FAILED" in err  # the first two checks held


def test_another_key_is_not_trusted(built, other_key, capsys):
    assert verify_appimage.main([str(built.appimage), "--key", str(other_key.public_key)]) == 1
    assert "is not the trusted key" in capsys.readouterr().err


def test_help(built, tmp_path):
    text = smoke.check_help([str(built.appimage)], tmp_path / "home", TMPDIR=str(tmp_path))
    assert "--role" in text and "--config FILE" in text


@pytest.mark.parametrize("mode", ["fuse", "no fuse"])
def test_headless_start_against_the_embedded_hall(built, tmp_path, mode, figures):
    """The login window opens against the embedded hall server (re-invoked from the bundle)
    and the program exits cleanly: exit code 0, no process left, nothing left mounted or
    extracted in TMPDIR."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    command = [str(built.appimage)]
    if mode == "fuse":
        if not fuse_mount_works(built.appimage, tmp):
            pytest.skip("FUSE mounts are not allowed here")
    else:
        prefix = hide_fuse_prefix()
        if prefix is None:
            pytest.skip("needs root and mount namespaces to hide /dev/fuse")
        command = prefix + command
    home = tmp_path / "home"
    started = smoke.start_headless(command, home, TMPDIR=str(tmp))
    smoke.wait_for_no_leftovers(home)
    assert (home / "config" / "config.toml").is_file()
    assert (home / "data" / "hall" / "hall.sqlite3").is_file()  # the embedded hall's database
    assert wait_until(lambda: not mounts_under(tmp) and not list(tmp.iterdir())), list(tmp.iterdir())
    figures[f"headless start ({mode})"] = f"{started.seconds:.1f} s to the login window and a clean exit"


def test_extract_yields_the_appdir(extracted):
    assert os.access(extracted / "AppRun", os.X_OK)
    program = extracted / "usr" / "lib" / appimage.NAME
    assert os.access(program / appimage.NAME, os.X_OK)
    internal = program / "_internal"
    assert (internal / "resources" / "demo_hall" / "hall.json").is_file()
    assert (internal / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    assert (internal / "server" / "migrations" / "env.py").is_file()
    assert (internal / "workstation" / "store" / "migrations" / "env.py").is_file()
    assert os.readlink(extracted / ".DirIcon") == f"{appimage.NAME}.png"
    assert (extracted / "usr/share/icons/hicolor/scalable/apps" / f"{appimage.NAME}.svg").is_file()
    appimage.validate_appdir(extracted)  # desktop-file-validate and appstreamcli, again


def test_extracted_appdir_runs_and_writes_nothing_into_it(extracted):
    smoke.run_all([str(extracted / "AppRun")], install_folder=extracted, log=lambda line: None)


def test_libraries_and_glibc(extracted, figures):
    highest, files = elf.glibc_report(extracted)
    worst = [f"{path.name} {version}" for version, path in files if version == highest]
    figures["highest glibc symbol version needed"] = f"{highest} ({', '.join(worst[:4])}…)"
    assert elf.glibc_key(highest) <= elf.glibc_key("GLIBC_2.34")
    bundled = {path.name for path in extracted.rglob("*.so*")}
    host = sorted(name for name in bundled if payload.HOST_LIBRARIES.match(name))
    assert host == [], f"libraries that must come from the host are bundled: {host}"
    assert not any(name.startswith("libqgtk3") for name in bundled)
