"""A private PostgreSQL cluster for the tests, from Debian's packaged binaries.

The cluster lives in a temporary folder, listens only on a Unix socket in that folder
(no TCP port is opened), trusts its local users and runs without fsync: it is made
and thrown away within one test session. Each test gets a fresh database from
`create_database`.

initdb refuses to run as root, so when the tests run as root (as in a container) the
cluster is made and run as the `postgres` system user through `runuser`.
"""

from __future__ import annotations

import atexit
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

from psycopg import sql

SEARCH = "/usr/lib/postgresql/*/bin"
SUPERUSER = "postgres"


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries are not installed, or the cluster would not start."""


def find_bindir() -> Path:
    """The newest packaged PostgreSQL's bin folder, or PG_BINDIR when it is set."""
    override = os.environ.get("PG_BINDIR")
    candidates = [override] if override else []
    candidates += sorted(glob.glob(SEARCH), key=_version_key, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found in "
        f"{SEARCH} nor on PATH. Install them (Debian/Ubuntu: apt-get install postgresql) "
        "or point PG_BINDIR at the folder holding them. The PostgreSQL tests cannot run without them."
    )


def _version_key(path: str) -> tuple[int, ...]:
    match = re.search(r"/postgresql/([\d.]+)/", path)
    return tuple(int(p) for p in match.group(1).split(".")) if match else (0,)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """One throw-away cluster: `start()`, `create_database(name) -> url`, `stop()`."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self.root: Path | None = None
        self.port: int | None = None
        self._started = False
        self._lock = threading.Lock()
        self._names: set[str] = set()

    # -- paths -------------------------------------------------------------------------

    @property
    def datadir(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def socketdir(self) -> Path:
        assert self.root is not None
        return self.root

    @property
    def logfile(self) -> Path:
        assert self.root is not None
        return self.root / "postgres.log"

    # -- life --------------------------------------------------------------------------

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C")
        # stdin/stdout must not be pipes the postmaster could inherit and keep open.
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=env, timeout=timeout,
                              cwd=self.root)

    def start(self, primary: PostgresCluster | None = None) -> PostgresCluster:
        """initdb and start; with `primary`, a streaming hot standby of it instead
        (pg_basebackup -R), as a hall's replica for reports is made."""
        if self._started:
            return self
        # A short path: a Unix socket's path may not exceed about 100 characters.
        self.root = Path(tempfile.mkdtemp(prefix="hall-pg-"))
        if self.as_root:
            shutil.chown(self.root, SUPERUSER, SUPERUSER)
        self.port = _free_port()
        atexit.register(self.stop)
        if primary is None:
            result = self._run("initdb", "-D", str(self.datadir), "-A", "trust", "-U", SUPERUSER,
                               "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
        else:
            result = self._run("pg_basebackup", "-D", str(self.datadir), "-R", "-X", "stream", "-c", "fast", "--no-sync",
                               "-h", str(primary.socketdir), "-p", str(primary.port), "-U", SUPERUSER)
        if result.returncode != 0:
            self._discard()
            made = "initdb" if primary is None else "pg_basebackup"
            raise PostgresUnavailable(f"{made} failed ({result.returncode}):\n{result.stdout}")
        options = " ".join([
            f"-p {self.port}",
            f"-k {self.socketdir}",
            "-c listen_addresses=''",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=300",
            "-c shared_buffers=32MB",
        ])
        self._options = options
        result = self._run("pg_ctl", "start", "-D", str(self.datadir), "-w", "-t", "60",
                           "-l", str(self.logfile), "-o", options)
        if result.returncode != 0:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            self._discard()
            raise PostgresUnavailable(
                f"pg_ctl start failed ({result.returncode}):\n{result.stdout}\n{log}")
        self._started = True
        return self

    def standby(self) -> PostgresCluster:
        """A new cluster following this one by streaming replication, read-only; stop() it."""
        return PostgresCluster().start(primary=self)

    def halt(self) -> None:
        """Stop the server as an operator's restart does (fast: every connection is cut, what
        was committed is written out; the test cluster's synchronous_commit=off would lose
        the last commits in an immediate stop, which a hall's durable settings do not).
        `resume()` starts it again on the same port and socket."""
        result = self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "fast", "-w", "-t", "30")
        if result.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl stop failed ({result.returncode}):\n{result.stdout}")

    def resume(self) -> None:
        result = self._run("pg_ctl", "start", "-D", str(self.datadir), "-w", "-t", "60",
                           "-l", str(self.logfile), "-o", self._options)
        if result.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl start failed ({result.returncode}):\n{result.stdout}")

    def stop(self) -> None:
        if self._started:
            self._started = False
            self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "immediate", "-w", "-t", "30")
        self._discard()

    def _discard(self) -> None:
        if self.root is not None and self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------------------

    def connect(self, dbname: str = "postgres", **kwargs):
        import psycopg

        return psycopg.connect(host=str(self.socketdir), port=self.port, user=SUPERUSER,
                               dbname=dbname, **kwargs)

    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL of one of the cluster's databases (psycopg 3 driver)."""
        return f"postgresql+psycopg://{SUPERUSER}@/{dbname}?host={self.socketdir}&port={self.port}"

    def create_database(self, name: str, template: str = "template0") -> str:
        """A fresh database (empty, or a copy of `template`); returns its URL. A name
        already used gets a suffix."""
        if not self._started:
            raise PostgresUnavailable("the cluster is not running")
        base = re.sub(r"[^a-z0-9_]", "_", name.lower())[:50] or "db"
        with self._lock:
            name, n = base, 1
            while name in self._names:
                n += 1
                name = f"{base}_{n}"
            self._names.add(name)
        with self.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}")
                         .format(sql.Identifier(name), sql.Identifier(template)))
        return self.url(name)

    def replace_database(self, name: str, template: str) -> str:
        """Make database `name` a copy of `template` (nobody may be connected to either)."""
        with self.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}")
                         .format(sql.Identifier(name), sql.Identifier(template)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    @staticmethod
    def database_of(url: str) -> str:
        """The database name in one of this cluster's URLs."""
        return url.split("?", 1)[0].rsplit("/", 1)[-1]
