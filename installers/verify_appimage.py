#!/usr/bin/env python3
"""Check a signed counter-workstation AppImage before installing it (for IT).

    python3 verify_appimage.py counter-workstation-x86_64.AppImage --key signing-key.asc
    python3 verify_appimage.py counter-workstation-x86_64.AppImage --fingerprint 0123…CDEF

Checks, and fails (exit 1) if any does not hold:
1. the embedded signature: the `.sha256_sig` section holds an armored OpenPGP signature over
   the SHA-256 (hex) of the file with the `.sha256_sig` and `.sig_key` sections zeroed, made
   by the key in the `.sig_key` section, which must be the trusted key;
2. the detached signature FILE.asc beside it, by the trusted key, over the whole file;
3. SHA256SUMS.asc beside it (if present, or named with --sums): clear-signed by the trusted
   key and listing the file with its SHA-256.
The trusted key is the public key file IT received from the release managers (--key), or
the embedded key if its fingerprint is the one they gave (--fingerprint).

Needs only Python 3 and gpg. No key is added to the user's own keyring.
"""

from __future__ import annotations

import argparse
import hashlib
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

SIGNATURE_SECTION = ".sha256_sig"
KEY_SECTION = ".sig_key"
CHUNK = 1 << 20


class Section(NamedTuple):
    name: str
    type: int
    flags: int
    addr: int
    offset: int
    size: int
    link: int
    info: int
    entsize: int


class VerifyError(Exception):
    pass


def read_sections(data: bytes) -> list[Section]:
    """The section headers of a little-endian ELF64 file, given at least its header, its
    section header table and its section name table."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise VerifyError("not a little-endian 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    raw = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names_at = raw[shstrndx][4]

    def name(offset: int) -> str:
        end = data.index(b"\0", names_at + offset)
        return data[names_at + offset:end].decode("ascii", "replace")

    return [Section(name(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[9]) for r in raw]


def runtime_header(path: Path) -> bytes:
    """The AppImage's runtime (the ELF part before the squashfs), which holds every section."""
    with path.open("rb") as handle:
        head = handle.read(64)
        if head[:4] != b"\x7fELF":
            raise VerifyError(f"{path.name} is not an AppImage (no ELF header)")
        shoff, = struct.unpack_from("<Q", head, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", head, 0x3A)
        handle.seek(0)
        return handle.read(shoff + shentsize * shnum)


def signature_sections(path: Path) -> dict[str, Section]:
    found = {s.name: s for s in read_sections(runtime_header(path)) if s.name in (SIGNATURE_SECTION, KEY_SECTION)}
    missing = {SIGNATURE_SECTION, KEY_SECTION} - set(found)
    if missing:
        raise VerifyError(f"{path.name} has no {', '.join(sorted(missing))} section: not a type-2 AppImage")
    return found


def signed_digest(path: Path) -> str:
    """SHA-256 (hex) of the file with the signature and key sections read as zeros: what the
    embedded signature signs."""
    holes = sorted((s.offset, s.offset + s.size) for s in signature_sections(path).values())
    digest = hashlib.sha256()
    position = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            block = bytearray(chunk)
            for start, end in holes:
                lo, hi = max(start, position), min(end, position + len(block))
                if lo < hi:
                    block[lo - position:hi - position] = bytes(hi - lo)
            digest.update(block)
            position += len(block)
    return digest.hexdigest()


def embedded(path: Path) -> tuple[bytes, bytes]:
    """(signature, public key) stored in the file, without their zero padding."""
    sections = signature_sections(path)
    with path.open("rb") as handle:
        def read(section: Section) -> bytes:
            handle.seek(section.offset)
            return handle.read(section.size).rstrip(b"\0")

        return read(sections[SIGNATURE_SECTION]), read(sections[KEY_SECTION])


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Gpg:
    """gpg in a private, throwaway home: keys imported here never reach the user's keyring."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def run(self, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["gpg", "--homedir", str(self.home), "--batch", "--no-tty",
                               "--status-fd", "1", *args], input=data, capture_output=True)

    def import_key(self, key: bytes) -> list[str]:
        result = self.run("--import", "--import-options", "import-minimal", data=key)
        fingerprints = [line.split()[3] for line in result.stdout.decode().splitlines()
                        if line.startswith("[GNUPG:] IMPORT_OK")]
        if not fingerprints:
            raise VerifyError("no OpenPGP public key could be read: " + result.stderr.decode().strip())
        return fingerprints

    def verify(self, what: str, signature: Path, data: Path | None = None, output: Path | None = None) -> str:
        """The primary key fingerprint of a good signature (detached over `data`, or a
        clear-signed message whose signed text goes to `output`); VerifyError otherwise."""
        if output is not None:
            result = self.run("--output", str(output), "--decrypt", str(signature))
        else:
            result = self.run("--verify", str(signature), str(data))
        status = result.stdout.decode()
        for line in status.splitlines():
            if line.startswith("[GNUPG:] VALIDSIG") and result.returncode == 0:
                return line.split()[-1]
        if "[GNUPG:] NO_PUBKEY" in status:
            raise VerifyError(f"{what} is not by the trusted key")
        if "[GNUPG:] BADSIG" in status:
            raise VerifyError(f"{what}: BAD signature (the file was changed after signing)")
        reason = [line for line in result.stderr.decode().splitlines() if line.strip()]
        raise VerifyError(f"{what}: {reason[-1] if reason else 'no valid signature'}")


def normalise(fingerprint: str) -> str:
    return fingerprint.replace(" ", "").upper()


def verify(appimage: Path, key_file: Path | None, fingerprint: str | None, sums: Path | None,
           report=print) -> str:
    """Run every check; returns the signer's fingerprint or raises VerifyError."""
    if not appimage.is_file():
        raise VerifyError(f"{appimage}: no such file")
    signature, public_key = embedded(appimage)
    if not signature:
        raise VerifyError("the AppImage carries no embedded signature")
    if not public_key:
        raise VerifyError("the AppImage carries no embedded public key")
    with tempfile.TemporaryDirectory(prefix="verify-appimage-") as tmp:
        work = Path(tmp)
        (work / "gnupg").mkdir(mode=0o700)
        gpg = Gpg(work / "gnupg")
        embedded_keys = gpg.import_key(public_key)
        if key_file is not None:
            trusted = set(gpg.import_key(key_file.read_bytes()))
        elif fingerprint:
            trusted = {normalise(fingerprint)}
        else:
            raise VerifyError("give the trusted key (--key) or its fingerprint (--fingerprint)")
        if not trusted & set(embedded_keys):
            raise VerifyError(f"the embedded key {embedded_keys[0]} is not the trusted key")

        (work / "digest").write_text(signed_digest(appimage), encoding="ascii")
        (work / "digest.asc").write_bytes(signature)
        signer = gpg.verify("the embedded signature", work / "digest.asc", work / "digest")
        if signer not in trusted:
            raise VerifyError(f"the embedded signature is by {signer}, not by the trusted key")
        report(f"embedded signature: good, by {signer}")

        detached = appimage.with_name(appimage.name + ".asc")
        if not detached.is_file():
            raise VerifyError(f"{detached.name} is missing")
        if gpg.verify(detached.name, detached, appimage) not in trusted:
            raise VerifyError(f"{detached.name} is not by the trusted key")
        report(f"detached signature {detached.name}: good")

        sums = sums or appimage.with_name("SHA256SUMS.asc")
        if sums.is_file():
            if gpg.verify(sums.name, sums, output=work / "SHA256SUMS") not in trusted:
                raise VerifyError(f"{sums.name} is not signed by the trusted key")
            actual = sha256_file(appimage)
            listed = {}  # only the signed text counts, never lines around the signature
            for line in (work / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
                digest, _, name = line.partition("  ")
                listed[name.lstrip("*")] = digest
            if listed.get(appimage.name) != actual:
                raise VerifyError(f"{sums.name} does not list {appimage.name} with SHA-256 {actual}")
            report(f"{sums.name}: good, SHA-256 {actual}")
        else:
            report(f"{sums.name}: not present, not checked")
        return signer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("appimage", type=Path)
    trust = parser.add_mutually_exclusive_group(required=True)
    trust.add_argument("--key", type=Path, metavar="FILE", help="the release signing key (public, armored)")
    trust.add_argument("--fingerprint", metavar="HEX", help="the release signing key's fingerprint")
    parser.add_argument("--sums", type=Path, metavar="FILE", help="SHA256SUMS.asc (default: beside the AppImage)")
    args = parser.parse_args(argv)
    try:
        verify(args.appimage, args.key, args.fingerprint, args.sums)
    except (VerifyError, OSError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"OK: {args.appimage.name} is signed by the trusted key and unmodified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
