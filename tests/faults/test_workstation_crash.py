"""#14: a workstation killed with SIGKILL at 100 random (seeded) points while it writes
cases, documents, print audits and ratings, and started again on the same store each
time: every record it reported saved reaches the hall server exactly once, byte-identical
(payloads by their canonical SHA-256, PDFs by their content hash); the local store opens
cleanly every time and passes SQLite's integrity check; the audit chain verifies."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support.hall_server import REPO
from workstation.domain.audit import verify_chain
from workstation.simulation.counter import digest

CRASH_POINTS = int(os.environ.get("COUNTER_CRASH_POINTS", "100"))
SEED = 20261204


class Writer:
    """One run of tests/faults/crash_writer.py, its stdout read on a thread."""

    def __init__(self, *args: str, faketime: str | None = None) -> None:
        self.lines: list[str] = []
        self.ready = threading.Event()
        # faketime: this process's clock set off by e.g. "-3h" (libfaketime), the rest left alone.
        wrap = ["faketime", "-f", faketime] if faketime else []
        # The store's key in a keyring that outlives the process, as the OS keyring does.
        keyring_file = Path(args[0]).with_name("keyring.json")
        env = dict(os.environ, PYTHON_KEYRING_BACKEND="tests.support.keyring_backend.FileKeyring",
                   COUNTER_TEST_KEYRING=str(keyring_file))
        self.process = subprocess.Popen([*wrap, sys.executable, "-m", "tests.faults.crash_writer", *args], cwd=REPO,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("READY"):
                self.ready.set()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(30)
        self._reader.join(30)

    def finish(self, timeout: float) -> int:
        code = self.process.wait(timeout)
        self._reader.join(30)
        return code

    def saved(self) -> list[tuple[str, str, str]]:
        return [tuple(line.split()[1:4]) for line in self.lines if line.startswith("SAVED ")]


def all_records(server, session) -> list[dict]:
    records, after = [], None
    while True:
        params = {"limit": 5000, **({"after": after} if after else {})}
        page = session.get(server.api("/records"), params=params, timeout=30).json()
        records += page["records"]
        after = page["next_after"]
        if not after:
            return records


@pytest.mark.timeout(900)
def test_a_workstation_killed_at_random_points_loses_and_repeats_nothing(sqlite_hall, tmp_path):
    store = tmp_path / "workstation" / "store.sqlite3"
    token = sqlite_hall.enrol("workstation", 1)
    chance = random.Random(SEED)
    reported: list[tuple[str, str, str]] = []
    opened = 0
    for point in range(CRASH_POINTS):
        writer = Writer(str(store), sqlite_hall.url, token, "--cases", "100000")
        assert writer.ready.wait(60), f"run {point}: the store did not open: {writer.process.stderr.read()}"
        opened += 1
        time.sleep(chance.uniform(0.02, 0.9))  # somewhere in a save, an upload, or between
        writer.kill()
        reported += writer.saved()
    drain = Writer(str(store), sqlite_hall.url, token, "--drain")
    assert drain.finish(180) == 0, (drain.lines, drain.process.stderr.read())
    assert any(line == "DRAINED 0" for line in drain.lines)

    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM records WHERE substr(sealed, 1, 1) = x'01'").fetchone()[0]
    # Encrypted all along, across every kill: the applicants' ID number is nowhere in the files.
    for part in (store, Path(f"{store}-wal")):
        if part.exists():
            assert b"11010519491231002X" not in part.read_bytes(), part
    supervisor = sqlite_hall.login("supervisor")
    on_server = {r["uuid"]: r for r in all_records(sqlite_hall, supervisor)}
    kinds = Counter(kind for _, kind, _ in reported)
    assert kinds["case"] >= CRASH_POINTS // 5 and kinds["document"] and kinds["rating"] and kinds["audit.document_print"], kinds

    lost = [u for u, _, _ in reported if u not in on_server]
    changed = [u for u, kind, sha in reported if u in on_server and digest(on_server[u]["payload"]) != sha]
    cases = [r["payload"]["case_number"] for r in on_server.values() if r["kind"] == "case"]
    documents = [r["payload"] for r in on_server.values() if r["kind"] == "document"]
    ratings = [r["payload"]["case_number"] for r in on_server.values() if r["kind"] == "rating"]
    duplicated = (len(cases) - len(set(cases)) + len(ratings) - len(set(ratings))
                  + len(documents) - len({d["case_number"] for d in documents}))
    print(f"\ncrash points {CRASH_POINTS}, store opened {opened + 1} times, records reported saved "
          f"{len(reported)} ({dict(kinds)}), on the server {len(on_server)}, lost {len(lost)}, "
          f"changed {len(changed)}, duplicated {duplicated}")
    assert not lost and not changed and duplicated == 0
    assert len({u for u, _, _ in reported}) == len(reported)

    # The PDFs themselves: every document's bytes on the server hash to what its record says.
    for document in documents:
        answer = supervisor.get(sqlite_hall.api(f"/documents/{document['sha256']}"), timeout=30)
        assert answer.status_code == 200, document
        assert hashlib.sha256(answer.content).hexdigest() == document["sha256"]
    # The print audit chain survived every kill: intact, no gap, no fork.
    audits = [r["payload"] for r in on_server.values() if r["kind"].startswith("audit.")]
    assert audits and verify_chain(audits) == []
    # The hall checked the chain as its records arrived, across every kill and resend: no alert.
    assert supervisor.get(sqlite_hall.api("/monitoring/audit-alerts"), params={"open": "false"},
                          timeout=30).json() == []
