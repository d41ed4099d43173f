"""Helpers of the installer tests: subprocesses, throwaway gpg keys and code-signing CAs."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run([str(part) for part in command], **kwargs)


@dataclass
class SigningKey:
    home: Path
    fingerprint: str
    public_key: Path


def make_key(home: Path, user: str) -> SigningKey:
    home.mkdir(mode=0o700, parents=True)
    run("gpg", "--homedir", home, "--batch", "--passphrase", "", "--quick-gen-key", user, "ed25519", "sign", "1d",
        check=True)
    listing = run("gpg", "--homedir", home, "--with-colons", "--list-secret-keys", check=True).stdout
    fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    public = home.parent / f"{home.name}.asc"
    public.write_text(run("gpg", "--homedir", home, "--armor", "--export", fingerprint, check=True).stdout)
    return SigningKey(home, fingerprint, public)


def offline_prefix() -> list[str] | None:
    """A command prefix that runs its command with no network (a new network namespace)."""
    for prefix in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        if shutil.which("unshare") and run(*prefix, "true").returncode == 0:
            return prefix
    return None


@dataclass
class CodeSigningCa:
    ca: Path
    cert: Path
    key: Path
    pkcs12: Path
    password_file: Path


def make_ca(folder: Path, name: str) -> CodeSigningCa:
    """A CA and a code-signing certificate it issued, as PEM files and a PKCS#12."""
    folder.mkdir(parents=True, exist_ok=True)

    def openssl(*args: str | Path) -> None:
        run("openssl", *args, check=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder / "ca.key", "-out", folder / "ca.pem",
            "-days", "2", "-subj", f"/CN={name} CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", folder / "sign.key", "-out", folder / "sign.csr",
            "-subj", f"/CN={name} code signing")
    (folder / "ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                "extendedKeyUsage=codeSigning\n")
    openssl("x509", "-req", "-in", folder / "sign.csr", "-CA", folder / "ca.pem", "-CAkey", folder / "ca.key",
            "-CAcreateserial", "-out", folder / "sign.pem", "-days", "2", "-extfile", folder / "ext")
    (folder / "password").write_text("test-only-password")
    openssl("pkcs12", "-export", "-in", folder / "sign.pem", "-inkey", folder / "sign.key",
            "-certfile", folder / "ca.pem", "-out", folder / "sign.p12", "-passout", f"file:{folder / 'password'}")
    return CodeSigningCa(folder / "ca.pem", folder / "sign.pem", folder / "sign.key", folder / "sign.p12",
                  folder / "password")


def hide_fuse_prefix() -> list[str] | None:
    """A command prefix that runs its command where /dev/fuse does not work (a private mount
    namespace with /dev/null over it), or None where that is not allowed."""
    if os.geteuid() != 0 or run("unshare", "--mount", "true").returncode != 0:
        return None
    return ["unshare", "--mount", "sh", "-c", 'mount --bind /dev/null /dev/fuse && exec "$@"', "sh"]


def mounts_under(folder: Path) -> list[str]:
    return [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()
            if line.split()[1].startswith(str(folder))]


def fuse_mount_works(appimage: Path, folder: Path) -> bool:
    """Whether the runtime can mount with FUSE here (not in every container)."""
    process = subprocess.Popen([appimage, "--appimage-mount"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, TMPDIR=str(folder)))
    mountpoint = process.stdout.readline().strip()
    mounted = bool(mountpoint) and mounts_under(folder) == [mountpoint]
    process.stdin.close()
    process.wait(10)
    return mounted


def wait_until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()
