"""The hall server as a real process, for tests that talk HTTP to it.

    server = HallServer(db_url, home=tmp_path / "home").start()
    admin = server.admin_session()
    admin.get(server.api("/health"))
    server.stop(); server.start()      # the same port again: a client sees it go and come back
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
API = "/api/v1"
DEMO_PASSWORD = "demo2026"
LISTENING = re.compile(r"hall server listening on (https?://\S+?):(\d+)\s*$")


class HallServerError(RuntimeError):
    """The server did not start, or an admin command failed; the message carries its stderr."""


class HallServer:
    """One hall server process on one database. Its COUNTER_HOME is `home` (a new
    temporary folder if none is given), which also keeps each start's stderr."""

    def __init__(self, db_url: str, demo: bool = True, port: int = 0,
                 env: dict[str, str] | None = None, home: str | os.PathLike[str] | None = None,
                 startup_timeout: float = 60.0, args: tuple[str, ...] = (),
                 verify: bool | str = True, workers: int | None = 1) -> None:
        self.db_url = db_url
        # Server processes (--workers; None: the server's default, the cores on PostgreSQL).
        # One unless a test asks: most tests are about one process's behaviour.
        self.workers = workers
        self.args = tuple(args)  # more options of the server, e.g. ("--certfile", F, "--keyfile", K)
        self.verify = verify  # what this helper's own requests trust (a CA file for HTTPS)
        self.demo = demo
        self.port = port
        self.extra_env = dict(env or {})
        self.home = Path(home) if home is not None else Path(tempfile.mkdtemp(prefix="hall-home-"))
        self.home.mkdir(parents=True, exist_ok=True)
        self.startup_timeout = startup_timeout
        self.url: str | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._stderr_path: Path | None = None
        self._stderr = None
        self._starts = 0
        self._stdout_lines: list[str] = []
        self._device_token: str | None = None
        self._bootstrap_code: str | None = None
        self._admin: requests.Session | None = None

    # -- process -----------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["COUNTER_HOME"] = str(self.home)
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONIOENCODING"] = "utf-8"
        env.update(self.extra_env)
        return env

    def _server_env(self) -> dict[str, str]:
        env = self.env()
        # The server turns this into a one-time workstation code at start: the first
        # enrolment needs no round trip through the (slow to start) admin command.
        if "COUNTER_BOOTSTRAP_CODE" not in self.extra_env and self._device_token is None:
            self._bootstrap_code = f"TEST-{uuid.uuid4().hex[:12].upper()}"
            env["COUNTER_BOOTSTRAP_CODE"] = self._bootstrap_code
            env["COUNTER_BOOTSTRAP_WINDOW"] = "1"
        return env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, str(REPO / "main.py"), "server", "--db", self.db_url, *args]

    def start(self) -> HallServer:
        """Start the server (again on the same port after a stop) and wait until it listens."""
        if self.running:
            return self
        self._starts += 1
        self._stderr_path = self.home / f"server-{self._starts}.stderr"
        self._stderr = open(self._stderr_path, "wb")  # noqa: SIM115 - closed in stop()
        args = ["--port", str(self.port), "--demo" if self.demo else "--no-demo", "--parent-watch",
                *(["--workers", str(self.workers)] if self.workers is not None else []), *self.args]
        self.process = subprocess.Popen(self.command(*args), cwd=REPO, env=self._server_env(),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self._stderr)
        found: dict[str, str] = {}
        ready = threading.Event()
        threading.Thread(target=self._read_stdout, args=(self.process, found, ready),
                         daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while not ready.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                break
        if not found:
            ready.wait(0.5)  # the line may have been read just as the process ended
        if not found:
            code = self.process.poll()
            self._kill()
            why = (f"exited with code {code}" if code is not None
                   else f"did not say it was listening within {self.startup_timeout:.0f} s")
            raise HallServerError(f"hall server {why}\ncommand: {self.command(*args)}\n"
                                  f"stdout:\n{''.join(self._stdout_lines)}\nstderr:\n{self.stderr()}")
        self.url = found["url"]
        self.port = int(found["port"])
        return self

    def _read_stdout(self, process: subprocess.Popen[bytes], found: dict[str, str],
                     ready: threading.Event) -> None:
        # Keeps reading after the line, so the server never blocks on a full pipe.
        assert process.stdout is not None
        try:
            for raw in process.stdout:
                line = raw.decode("utf-8", "replace")
                self._stdout_lines.append(line)
                match = LISTENING.search(line)
                if match and not found:
                    found.update(url=f"{match.group(1)}:{match.group(2)}", port=match.group(2))
                    ready.set()
        except (OSError, ValueError):
            pass  # the pipe was closed under us by stop()
        finally:
            ready.set()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stderr(self) -> str:
        if self._stderr_path is None or not self._stderr_path.exists():
            return ""
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop the server: close its standard input (it watches it), then terminate,
        then kill. Returns its exit code."""
        process = self.process
        if process is None:
            return None
        code = process.poll()
        if code is None:
            try:
                if process.stdin is not None:
                    process.stdin.close()
            except OSError:
                pass
            try:
                code = process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    code = process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    code = process.wait(5)
        self._close_files()
        return code

    def _kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._close_files()

    def _close_files(self) -> None:
        if self.process is not None:
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> HallServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- admin commands ----------------------------------------------------------------

    def run_cli(self, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """`python main.py server --db URL ARGS…`, as IT would run it; not checked."""
        return subprocess.run(self.command(*args), cwd=REPO, env=self.env(), capture_output=True,
                              text=True, encoding="utf-8", timeout=timeout, stdin=subprocess.DEVNULL)

    def enrol_code(self, kind: str = "workstation", window: int | None = 1) -> str:
        """A one-time enrolment code, printed by the `enrol-code` admin command."""
        args = ["enrol-code", "--kind", kind]
        if window is not None:
            args += ["--window", str(window)]
        result = self.run_cli(*args)
        lines = result.stdout.split()
        if result.returncode != 0 or not lines:
            raise HallServerError(f"enrol-code failed ({result.returncode}):\n"
                                  f"{result.stdout}\n{result.stderr}")
        return lines[-1]

    # -- HTTP --------------------------------------------------------------------------

    def api(self, path: str) -> str:
        """The full URL of an API path: api("/health") -> http://127.0.0.1:PORT/api/v1/health."""
        assert self.url is not None, "the server has not been started"
        return f"{self.url}{API}{path}"

    def new_code(self, kind: str = "workstation", window: int | None = 1) -> str:
        """A one-time enrolment code from the admin API (quicker than `enrol_code`)."""
        if self._admin is None:
            self._admin = self.admin_session()
        response = self._admin.post(self.api("/admin/enrolment-codes"), timeout=30,
                                    json={"kind": kind, "window": window})
        if response.status_code != 200:
            raise HallServerError(f"enrolment code refused: {response.status_code} {response.text}")
        return response.json()["code"]

    def enrol(self, kind: str = "workstation", window: int | None = 1, code: str | None = None,
              name: str | None = None) -> str:
        """Enrol a device with the code given, or a fresh one from the admin API; returns
        its device token."""
        code = code or self.new_code(kind, window)
        response = requests.post(self.api("/enrol"), timeout=30, verify=self.verify,
                                 json={"code": code, "name": name or f"test-{kind}-{uuid.uuid4().hex[:6]}"})
        if response.status_code != 200:
            raise HallServerError(f"enrol failed: {response.status_code} {response.text}")
        return response.json()["token"]

    def device_token(self) -> str:
        """The token of a workstation device enrolled once for this server."""
        if self._device_token is None:
            code, self._bootstrap_code = self._bootstrap_code, None
            self._device_token = self.enrol("workstation", 1, code=code or self.enrol_code("workstation", 1))
        return self._device_token

    def session(self, token: str) -> requests.Session:
        session = requests.Session()
        if self.verify is not True:
            session.verify = self.verify
            session.trust_env = False  # else REQUESTS_CA_BUNDLE wins over session.verify
        session.headers["Authorization"] = f"Bearer {token}"
        return session

    def device_session(self, kind: str = "workstation", window: int | None = 1) -> requests.Session:
        """A session carrying a newly enrolled device's token (no person logged in)."""
        return self.session(self.enrol(kind, window))

    def login(self, username: str, password: str = DEMO_PASSWORD,
              device_token: str | None = None) -> requests.Session:
        """A session of `username` logged in at a workstation device."""
        response = requests.post(self.api("/login"), timeout=30, verify=self.verify,
                                 json={"username": username, "password": password},
                                 headers={"Authorization": f"Bearer {device_token or self.device_token()}"})
        if response.status_code != 200:
            raise HallServerError(f"login of {username} failed: {response.status_code} {response.text}")
        return self.session(response.json()["token"])

    def admin_session(self) -> requests.Session:
        """Enrol a workstation device, log in as admin there, and return the session."""
        return self.login("admin")


class DemoHallSeed:
    """The demo hall, seeded by a real server (`--demo`) once per database system and
    copied into each test's fresh database. Seeding hashes every demo password with
    Argon2, which takes seconds; a copy takes milliseconds."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._sqlite: Path | None = None
        self._pg_template: str | None = None
        self._lock = threading.Lock()

    def _seed(self, url: str) -> None:
        server = HallServer(url, demo=True, home=self.folder / "home")
        server.start()
        code = server.stop()
        if code not in (0, None):
            raise HallServerError(f"the seeding server exited with {code}:\n{server.stderr()}")

    def fill_sqlite(self, url: str) -> None:
        """Copy the seeded demo hall into the (not yet existing) SQLite file of `url`."""
        import sqlite3

        with self._lock:
            if self._sqlite is None:
                template = self.folder / "demo-hall.sqlite3"
                self._seed(f"sqlite:///{template}")
                self._sqlite = template
        target = Path(url.split(":///", 1)[1])
        with sqlite3.connect(self._sqlite) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
        copy.close()

    def fill_postgres(self, cluster, url: str) -> None:
        """Replace the (empty) PostgreSQL database of `url` by a copy of the seeded demo hall."""
        with self._lock:
            if self._pg_template is None:
                template_url = cluster.create_database("demo_hall_template")
                self._seed(template_url)
                self._pg_template = cluster.database_of(template_url)
        cluster.replace_database(cluster.database_of(url), self._pg_template)
