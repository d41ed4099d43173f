"""Build the signed AppImage of the counter workstation, offline.

    .venv/bin/python -m installers.appimage --key KEY [--gnupghome DIR] [--out dist]

KEY is a gpg key id, fingerprint or user id with a secret key in the caller's keyring
(GNUPGHOME or --gnupghome; --passphrase-file if it has one). Writes to --out:
counter-workstation-VERSION-x86_64.AppImage (signature and public key embedded),
its detached signature .asc and SHA256SUMS.asc (clear-signed), then checks them with
installers/verify_appimage.py. Steps: PyInstaller onedir (installers/bundle.py), the AppDir
(AppRun, .desktop and AppStream metainfo, validated, icons), the runtime compiled from
installers/runtime/runtime.c, mksquashfs, signing. Nothing is downloaded.
Needs: gcc, libsquashfuse-dev, libfuse3-dev, the compression libraries, squashfs-tools,
desktop-file-utils, appstream, gnupg (installers/setup installs them).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from installers import bundle, verify_appimage

REPO = bundle.REPO
LINUX = bundle.INSTALLERS / "linux"
RUNTIME_SOURCE = bundle.INSTALLERS / "runtime" / "runtime.c"
NAME = bundle.NAME
APP_ID = "cn.hall.CounterWorkstation"
RUNTIME_LIBRARIES = ["-lsquashfuse_ll", "-lsquashfuse", "-lfuse3", "-lzstd", "-llzma", "-llz4", "-llzo2",
                     "-lz", "-lpthread", "-ldl"]
MAGIC = b"AI\x02"  # at offset 8 of the ELF header: an AppImage of type 2


@dataclass
class Built:
    appimage: Path
    signature: Path
    sums: Path
    glibc: str | None
    seconds: float


def release_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.strftime("%Y-%m-%d")


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], check=True, **kwargs)


# --- the AppDir ----------------------------------------------------------------------------

def make_appdir(appdir: Path, work: Path) -> Path:
    """AppRun, desktop entry, metainfo and icons around the PyInstaller folder, which
    bundle.freeze wrote to usr/lib/counter-workstation."""
    share = appdir / "usr" / "share"
    for folder in ("applications", "metainfo", "icons/hicolor/scalable/apps", "icons/hicolor/256x256/apps"):
        (share / folder).mkdir(parents=True)
    shutil.copy2(LINUX / "AppRun", appdir / "AppRun")
    desktop = LINUX / f"{NAME}.desktop"
    shutil.copy2(desktop, appdir / desktop.name)
    shutil.copy2(desktop, share / "applications" / desktop.name)
    metainfo = (LINUX / f"{APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    metainfo = metainfo.replace("@VERSION@", bundle.version()).replace("@DATE@", release_date())
    (share / "metainfo" / f"{APP_ID}.metainfo.xml").write_text(metainfo, encoding="utf-8")
    png = bundle.render_icon(bundle.ICON_SVG, work / "icon" / f"{NAME}.png")
    shutil.copy2(bundle.ICON_SVG, share / "icons/hicolor/scalable/apps" / bundle.ICON_SVG.name)
    shutil.copy2(png, share / "icons/hicolor/256x256/apps" / png.name)
    shutil.copy2(png, appdir / png.name)
    (appdir / ".DirIcon").symlink_to(png.name)
    validate_appdir(appdir)
    return appdir


def validate_appdir(appdir: Path) -> None:
    run("desktop-file-validate", appdir / f"{NAME}.desktop")
    run("appstreamcli", "validate", "--no-net", appdir / "usr/share/metainfo" / f"{APP_ID}.metainfo.xml",
        stdout=subprocess.DEVNULL)
    run("appstreamcli", "validate-tree", "--no-net", appdir, stdout=subprocess.DEVNULL)


# --- the runtime and the image -------------------------------------------------------------

def build_runtime(work: Path) -> Path:
    """The static type-2 runtime, with the AppImage magic in its ELF header."""
    runtime = work / "runtime"
    compiled = subprocess.run(["gcc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-static", "-s",
                               "-o", str(runtime), str(RUNTIME_SOURCE), *RUNTIME_LIBRARIES],
                              capture_output=True, text=True)
    if compiled.returncode != 0:  # success only warns that libfuse's unused module loader calls dlopen
        raise SystemExit(f"appimage: the runtime does not compile:\n{compiled.stderr}")
    data = bytearray(runtime.read_bytes())
    data[8:11] = MAGIC
    runtime.write_bytes(data)
    header = verify_appimage.runtime_header(runtime)
    if len(header) != len(data):
        raise SystemExit("appimage: the runtime's section headers are not at its end")
    return runtime


def squash(appdir: Path, image: Path) -> Path:
    if image.exists():
        image.unlink()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # set it for a byte-for-byte reproducible image
    times = ["-mkfs-time", epoch, "-all-time", epoch] if epoch else []
    run("mksquashfs", appdir, image, "-noappend", "-root-owned", "-comp", "zstd", "-b", "1M",
        "-quiet", "-no-progress", *times, "-processors", str(os.cpu_count() or 1), stdout=subprocess.DEVNULL)
    return image


def assemble(runtime: Path, image: Path, target: Path) -> Path:
    with target.open("wb") as out:
        for part in (runtime, image):
            with part.open("rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 20)
    target.chmod(0o755)
    return target


# --- signing -------------------------------------------------------------------------------

class Signer:
    """gpg with the caller's key, in batch mode."""

    def __init__(self, key: str, gnupghome: Path | None = None, passphrase_file: Path | None = None) -> None:
        self.key = key
        self.env = dict(os.environ, **({"GNUPGHOME": str(gnupghome)} if gnupghome else {}))
        self.options = ["--batch", "--yes", "--local-user", key]
        if passphrase_file:
            self.options += ["--pinentry-mode", "loopback", "--passphrase-file", str(passphrase_file)]

    def gpg(self, *args: str, data: bytes | None = None) -> bytes:
        result = subprocess.run(["gpg", *self.options, *args], input=data, capture_output=True, env=self.env)
        if result.returncode != 0:
            raise SystemExit(f"appimage: gpg {' '.join(args)} failed: {result.stderr.decode().strip()}")
        return result.stdout

    def fingerprint(self) -> str:
        listing = self.gpg("--with-colons", "--list-secret-keys", self.key).decode()
        return next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))

    def public_key(self) -> bytes:
        return self.gpg("--armor", "--export", self.fingerprint())

    def detached(self, data: bytes) -> bytes:
        return self.gpg("--armor", "--detach-sign", "--output", "-", data=data)

    def sign_file(self, path: Path) -> Path:
        signature = path.with_name(path.name + ".asc")
        self.gpg("--armor", "--detach-sign", "--output", str(signature), str(path))
        return signature

    def clearsign(self, text: str, target: Path) -> Path:
        target.write_bytes(self.gpg("--clearsign", "--output", "-", data=text.encode()))
        return target


def embed_signature(appimage: Path, signer: Signer) -> None:
    """Signature over the digest with both sections zeroed, and the key, into the sections."""
    sections = verify_appimage.signature_sections(appimage)
    signature = signer.detached(verify_appimage.signed_digest(appimage).encode("ascii"))
    key = signer.public_key()
    with appimage.open("r+b") as handle:
        for name, content in ((verify_appimage.SIGNATURE_SECTION, signature), (verify_appimage.KEY_SECTION, key)):
            section = sections[name]
            if len(content) >= section.size:
                raise SystemExit(f"appimage: {name} holds {section.size} bytes, {len(content)} needed")
            handle.seek(section.offset)
            handle.write(content.ljust(section.size, b"\0"))


def sign(appimage: Path, signer: Signer) -> tuple[Path, Path]:
    embed_signature(appimage, signer)
    detached = signer.sign_file(appimage)
    digest = verify_appimage.sha256_file(appimage)
    sums = signer.clearsign(f"{digest}  {appimage.name}\n", appimage.with_name("SHA256SUMS.asc"))
    return detached, sums


# --- the whole build -----------------------------------------------------------------------

def build(out: Path, work: Path, signer: Signer, log=print) -> Built:
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    appdir = work / "AppDir"
    if appdir.exists():
        shutil.rmtree(appdir)
    program = bundle.freeze(appdir / "usr" / "lib", work, log=log)
    glibc = bundle.pin_glibc(program, log=log)
    make_appdir(appdir, work)
    runtime = build_runtime(work)
    image = squash(appdir, work / "AppDir.squashfs")
    appimage = assemble(runtime, image, out / f"{NAME}-{bundle.version()}-{platform.machine()}.AppImage")
    signature, sums = sign(appimage, signer)
    verify_appimage.verify(appimage, None, signer.fingerprint(), sums, report=lambda line: log(f"appimage: {line}"))
    built = Built(appimage, signature, sums, glibc, time.monotonic() - started)
    log(f"appimage: {appimage} ({appimage.stat().st_size / 1e6:.1f} MB) in {built.seconds:.0f} s; "
        f"highest glibc needed: {glibc}")
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--key", required=True, help="the gpg key that signs (id, fingerprint or user id)")
    parser.add_argument("--gnupghome", type=Path, help="gpg home holding the key (default: GNUPGHOME or ~/.gnupg)")
    parser.add_argument("--passphrase-file", type=Path, help="the key's passphrase, if it has one")
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="where to write (default: dist/)")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "installers" / "appimage")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        raise SystemExit("appimage: build the AppImage on Linux")
    build(args.out.resolve(), args.work.resolve(), Signer(args.key, args.gnupghome, args.passphrase_file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
