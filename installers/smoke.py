"""Smoke checks of a built program: the AppImage, an extracted AppDir, or the Windows folder.

    python -m installers.smoke PROGRAM [--install-folder DIR] [--windowed]

1. `PROGRAM --help` prints the usage with the config file's path;
2. a headless start (QT_QPA_PLATFORM=offscreen, COUNTER_SMOKE_EXIT=1, a fresh COUNTER_HOME)
   starts the embedded hall server, enrols, opens the login window and exits with 0;
3. no process of that run is left (Linux), and the install folder (if given) is unchanged:
   the program writes its config, data and logs elsewhere.
--windowed: PROGRAM is a Windows GUI executable with no standard output to read, so step 1 is
skipped and step 2 is judged by the exit code alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class SmokeFailed(AssertionError):
    pass


@dataclass
class Started:
    seconds: float
    line: str
    output: str


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("COUNTER_", "QT_"))}
    env.update(COUNTER_HOME=str(home), QT_QPA_PLATFORM="offscreen", **extra)
    return env


def check_help(command: list[str], home: Path, timeout: float = 120, **extra: str) -> str:
    result = subprocess.run([*command, "--help"], env=environment(home, **extra), capture_output=True,
                            text=True, timeout=timeout)
    expected = f"config file: {home / 'config' / 'config.toml'}"
    if result.returncode != 0 or expected not in result.stdout:
        raise SmokeFailed(f"--help: exit {result.returncode}, no {expected!r} in:\n{result.stdout}{result.stderr}")
    return result.stdout


def start_headless(command: list[str], home: Path, timeout: float = 120, windowed: bool = False,
                   **extra: str) -> Started:
    """Start the clerk workstation on its embedded hall; it must reach the login form and exit 0."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=environment(home, COUNTER_SMOKE_EXIT="1", **extra),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               encoding="utf-8", errors="replace")
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise SmokeFailed(f"no exit within {timeout} s (login window never ready, or a program that "
                          f"ignores COUNTER_SMOKE_EXIT):\n{output}") from None
    seconds = time.monotonic() - started
    line = next((text for text in output.splitlines() if text.startswith("smoke:")), "")
    if process.returncode != 0:
        raise SmokeFailed(f"exit {process.returncode}:\n{output}")
    if not windowed:
        wanted = ("login_ready=True", "online=True", "embedded=True", "window=1", "url=http://127.0.0.1:")
        if not all(part in line for part in wanted):
            raise SmokeFailed(f"the login window did not open against the embedded hall:\n{output}")
    return Started(seconds, line, output)


def leftover_processes(home: Path) -> list[int]:
    """Processes (Linux) still running with this COUNTER_HOME: the program or its hall server."""
    marker = f"COUNTER_HOME={home}\0".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "environ").read_bytes() + b"\0":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_for_no_leftovers(home: Path, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while (left := leftover_processes(home)) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        raise SmokeFailed(f"processes left running after the program exited: {left}")


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry of the folder with its size and modification time."""
    return {str(path.relative_to(folder)): (path.lstat().st_size, path.lstat().st_mtime_ns)
            for path in folder.rglob("*")}


def check_unchanged(before: dict[str, tuple[int, int]], folder: Path) -> None:
    after = snapshot(folder)
    changed = sorted(set(before.items()) ^ set(after.items()))
    if changed:
        raise SmokeFailed(f"the program wrote into its install folder {folder}: {changed[:10]}")


def run_all(command: list[str], install_folder: Path | None, windowed: bool = False, log=print) -> Started:
    before = snapshot(install_folder) if install_folder else None
    with tempfile.TemporaryDirectory(prefix="counter-smoke-") as tmp:
        home = Path(tmp) / "home"
        if not windowed:
            check_help(command, home)
            log("smoke: --help shows the config file's path")
        started = start_headless(command, home, windowed=windowed)
        log(f"smoke: login window against the embedded hall in {started.seconds:.1f} s, clean exit: "
            f"{started.line or 'exit code 0'}")
        if sys.platform.startswith("linux"):
            wait_for_no_leftovers(home)
        if not (home / "config" / "config.toml").is_file():
            raise SmokeFailed(f"no config file was written under COUNTER_HOME {home}")
    if before is not None:
        check_unchanged(before, install_folder)
        log(f"smoke: nothing written into {install_folder}")
    return started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("program", type=Path)
    parser.add_argument("--install-folder", type=Path)
    parser.add_argument("--windowed", action="store_true")
    args = parser.parse_args(argv)
    try:
        run_all([str(args.program.resolve())], args.install_folder, args.windowed)
    except (SmokeFailed, subprocess.TimeoutExpired) as exc:
        print(f"smoke FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
