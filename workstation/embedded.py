"""The embedded demo hall: a hall server child process on loopback, for a workstation
with no hall server configured."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
from pathlib import Path

_LISTENING = re.compile(r"hall server listening on (http://\S+)")


class EmbeddedHallError(RuntimeError):
    pass


def server_command() -> list[str]:
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: the program itself is main.py
        return [sys.executable, "server"]
    return [sys.executable, str(Path(__file__).resolve().parents[1] / "main.py"), "server"]


class EmbeddedHall:
    """Starts at once and returns; `wait_ready` (off the GUI thread) gives the URL.

    The child stops when this process ends, however it ends: it watches its standard
    input, which closes with us."""

    def __init__(self, window: int = 1, kind: str = "workstation") -> None:
        self.window = window
        self.kind = kind
        self.bootstrap_code = secrets.token_hex(8)
        self.url: str | None = None
        self._ready = threading.Event()
        self._error: str | None = None
        self._process: subprocess.Popen[str] | None = None
        self._output: list[str] = []

    def start(self) -> None:
        env = dict(os.environ, COUNTER_BOOTSTRAP_CODE=self.bootstrap_code,
                   COUNTER_BOOTSTRAP_WINDOW=str(self.window), COUNTER_BOOTSTRAP_KIND=self.kind,
                   PYTHONUNBUFFERED="1")
        self._process = subprocess.Popen(
            [*server_command(), "--host", "127.0.0.1", "--port", "0", "--demo", "--parent-watch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8", errors="replace", env=env,
        )
        threading.Thread(target=self._read_output, name="embedded-hall", daemon=True).start()

    def _read_output(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            self._output = (self._output + [line.rstrip()])[-50:]
            match = _LISTENING.search(line)
            if match and not self._ready.is_set():
                self.url = match.group(1)
                self._ready.set()
        if not self._ready.is_set():
            self._error = "\n".join(self._output[-10:]) or "the embedded hall server exited"
            self._ready.set()

    def wait_ready(self, timeout: float = 60.0) -> str:
        if not self._ready.wait(timeout):
            raise EmbeddedHallError("the embedded hall server did not start in time")
        if self.url is None:
            raise EmbeddedHallError(self._error or "the embedded hall server failed")
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        try:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(timeout)
        except (OSError, subprocess.TimeoutExpired):
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
