"""The simulated day's processes: the hall server (`main.py server`, restartable on its
port, killable with SIGKILL, its queue writer too), the clerk processes, the proxy, and
their CPU and memory read from /proc."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"hall server listening on (https?://\S+?):(\d+)\s*$")
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def usage(pid: int) -> tuple[float, int] | None:
    """(CPU seconds, resident bytes) of a live process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS, rss


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


class Lines:
    """A child's standard output read on a thread, each line handed to `on_line`."""

    def __init__(self, process: subprocess.Popen, on_line: Callable[[str], None]) -> None:
        self.thread = threading.Thread(target=self._read, args=(process, on_line), daemon=True)
        self.thread.start()

    @staticmethod
    def _read(process: subprocess.Popen, on_line: Callable[[str], None]) -> None:
        try:
            for raw in process.stdout:
                on_line(raw.decode("utf-8", "replace").rstrip("\n"))
        except (OSError, ValueError):
            pass


class HallProcess:
    """`python main.py server --db URL --port P --demo --parent-watch`, on a fixed port so
    that a restart is found by every client at the same address."""

    def __init__(self, db_url: str, home: Path, env: dict[str, str]) -> None:
        self.db_url, self.home, self.port = db_url, home, free_port()
        self.env = {**os.environ, "COUNTER_HOME": str(home), "PYTHONUNBUFFERED": "1", **env}
        self.process: subprocess.Popen | None = None
        self.starts = 0
        home.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> None:
        self.starts += 1
        stderr = open(self.home / f"server-{self.starts}.stderr", "wb")  # noqa: SIM115 - the child owns it
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "main.py"), "server", "--db", self.db_url, "--port", str(self.port),
             "--demo", "--parent-watch"], cwd=REPO, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=stderr)
        stderr.close()
        ready = threading.Event()

        def seen(line: str) -> None:
            if LISTENING.search(line):
                ready.set()

        Lines(self.process, seen)
        deadline = time.monotonic() + timeout
        while not ready.wait(0.1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the hall server did not start:\n{self.stderr()}")

    def stderr(self) -> str:
        path = self.home / f"server-{self.starts}.stderr"
        return path.read_text(encoding="utf-8", errors="replace")[-4000:] if path.exists() else ""

    def kill(self) -> None:
        """SIGKILL, no goodbye (its queue writer ends when its socket closes)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)

    def queue_writer(self) -> int | None:
        if self.process is None:
            return None
        for pid in children(self.process.pid):
            try:
                if b"queue-writer" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except OSError:
                continue
        return None

    def kill_queue_writer(self) -> bool:
        pid = self.queue_writer()
        if pid is None:
            return False
        os.kill(pid, signal.SIGKILL)
        return True

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.process.stdin.close()
            self.process.wait(20)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(10)


class Proxy:
    """workstation/simulation/proxy.py between one workstation and the hall."""

    def __init__(self, upstream: int) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "workstation.simulation.proxy", str(upstream)],
                                        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        self.port = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def send(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        self.process.stdout.readline()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


class ClerkProcess:
    """One `python -m workstation.simulation.clerk CONFIG` and what it says."""

    def __init__(self, config: dict, folder: Path, env: dict[str, str], on_line: Callable[[int, str], None]) -> None:
        self.config, self.folder, self.env, self.on_line = config, folder, env, on_line
        self.window = config["window"]
        self.path = folder / f"clerk{self.window}.json"
        self.path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        self.process: subprocess.Popen | None = None
        self.ready = threading.Event()
        self.done = threading.Event()
        self.runs = 0

    def start(self) -> None:
        self.runs += 1
        self.ready.clear()
        stderr = open(self.folder / f"clerk{self.window}-{self.runs}.stderr", "wb")  # noqa: SIM115
        self.process = subprocess.Popen([sys.executable, "-m", "workstation.simulation.clerk", str(self.path)],
                                        cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        stderr.close()

        def line(text: str) -> None:
            if text == "READY":
                self.ready.set()
            elif text == "DONE":
                self.done.set()
            self.on_line(self.window, text)

        self.reader = Lines(self.process, line)

    def send(self, command: str) -> None:
        try:
            self.process.stdin.write((command + "\n").encode())
            self.process.stdin.flush()
        except (OSError, ValueError):
            pass

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(30)
        self.reader.thread.join(10)

    def stderr(self) -> str:
        path = self.folder / f"clerk{self.window}-{self.runs}.stderr"
        return path.read_text(encoding="utf-8", errors="replace")[-3000:] if path.exists() else ""
