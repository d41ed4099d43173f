"""Several hall server processes over one PostgreSQL (`main.py server --workers N`), as real
processes: every ticket is called exactly once whichever process each window's requests
reach, every hall display sees every call once and in order whichever process its
stream is on, and a worker killed mid-load loses nothing: its clients go on through the
others, its display streams resume with Last-Event-ID without a gap."""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.server.test_queue_concurrency import Http, issue_tickets, set_up_windows
from tests.support.hall_server import HallServer

pytestmark = pytest.mark.postgres

TIMEOUT = 60


class Display:
    """A hall display's stream in a thread of its own: the ticket.called events it got, in
    the order it got them (event id, ticket id). On a broken stream it reconnects with
    Last-Event-ID, as the real display does; `processes` are the server processes its
    streams were served by."""

    def __init__(self, server: HallServer, token: str) -> None:
        self.url = urlparse(server.url)
        self.token = token
        self.calls: list[tuple[int, int]] = []
        self.processes: list[int] = []
        self.last_id: str | None = None
        self.opened = threading.Event()
        self._stop = threading.Event()
        self._connection: http.client.HTTPConnection | None = None
        self.thread = threading.Thread(target=self._follow, daemon=True)
        self.thread.start()

    def _follow(self) -> None:
        while not self._stop.is_set():
            try:
                connection = self._connection = http.client.HTTPConnection(self.url.hostname, self.url.port,
                                                                          timeout=TIMEOUT)
                headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
                if self.last_id is not None:
                    headers["Last-Event-ID"] = self.last_id
                connection.request("GET", "/api/v1/events", headers=headers)
                response = connection.getresponse()
                if response.status != 200:
                    time.sleep(0.2)
                    continue
                self.processes.append(int(response.getheader("X-Server-Process")))
                self.opened.set()
                event_id, kind = None, ""
                for raw in response.fp:
                    line = raw.decode().rstrip("\n")
                    if line.startswith("id:"):
                        event_id = line[3:].strip()
                    elif line.startswith("event:"):
                        kind = line[6:].strip()
                    elif line.startswith("data:") and kind == "ticket.called":
                        self.calls.append((int(event_id), json.loads(line[5:])["data"]["ticket_id"]))
                    elif not line and event_id is not None:
                        self.last_id = event_id
            except (OSError, http.client.HTTPException, ValueError):
                time.sleep(0.1)  # the process serving us died: another one takes the new connection

    def close(self) -> None:
        self._stop.set()
        if self._connection is not None and self._connection.sock is not None:
            try:
                self._connection.sock.shutdown(2)
            except OSError:
                pass
        self.thread.join(10)


def _displays_on_processes(server: HallServer, wanted: int, tries: int = 40) -> list[Display]:
    """Display streams until `wanted` different processes serve one (each kept once); the
    kernel hands each new connection to whichever process accepts first."""
    token = server.enrol("display", None)
    kept: dict[int, Display] = {}
    for _ in range(tries):
        display = Display(server, token)
        assert display.opened.wait(TIMEOUT), "a display stream did not open"
        process = display.processes[0]
        if process in kept:
            display.close()
        else:
            kept[process] = display
        if len(kept) >= wanted:
            break
    return list(kept.values())


def _committed_calls(pg, url: str) -> list[tuple[int, int]]:
    """Every ticket.called event committed, in id order: (event id, ticket id)."""
    with pg.connect(pg.database_of(url)) as conn:
        rows = conn.execute("SELECT id, data FROM hall_events WHERE type = 'ticket.called' ORDER BY id").fetchall()
    return [(ident, json.loads(data)["ticket_id"]) for ident, data in rows]


def _wait_until_seen(displays: list[Display], calls: list[tuple[int, int]], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(len(d.calls) < len(calls) for d in displays):
        time.sleep(0.1)


def _workers_of(server: HallServer) -> list[int]:
    """The worker processes (uvicorn spawns them) under the server's supervisor."""
    assert server.process is not None
    pids = []
    for task in Path(f"/proc/{server.process.pid}/task").iterdir():
        pids += [int(p) for p in (task / "children").read_text().split()]
    return [pid for pid in pids if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def test_four_processes_fifty_windows_every_call_once_on_every_display(pg, hall_database, tmp_path):
    windows, tickets = 50, 2000
    with HallServer(hall_database, workers=4, home=tmp_path / "home") as server:
        _, _, kiosk_token, clerks = set_up_windows(server, windows)
        displays = _displays_on_processes(server, 4)
        issued = {t["id"] for t in issue_tickets(server, kiosk_token, tickets)}
        started = time.monotonic()
        clients = _work(server, clerks)
        elapsed = time.monotonic() - started

        called = Counter(t for c in clients for t in c.calls)
        assert [t for t, n in called.items() if n > 1] == [], "tickets called twice"
        assert set(called) == issued, f"{len(issued - set(called))} tickets never called"
        assert sum(c.retries for c in clients) == 0

        committed = _committed_calls(pg, hall_database)
        assert sorted(t for _, t in committed) == sorted(issued)  # one ticket.called each
        _wait_until_seen(displays, committed)
        for display in displays:
            display.close()
        processes = {d.processes[0] for d in displays}
        # The kernel spreads the streams' connections; at least two processes must serve
        # displays for the test to mean anything (four, nearly always).
        assert len(processes) >= 2, f"every display stream was served by process {processes}"
        for display in displays:
            assert display.calls == committed, (
                f"the display on process {display.processes[0]} saw {len(display.calls)} calls, "
                f"{len(committed)} were made")
        print(f"\n{tickets} tickets through {windows} windows and 4 processes in {elapsed:.1f} s; "
              f"displays on {len(processes)} processes")


def _work(server: HallServer, clerks: dict[int, Http], meanwhile=None) -> list[Window]:
    """Every window calls next and marks it no-show until nobody waits; `meanwhile(clients)`
    runs as they do."""
    errors: list[str] = []
    clients = [Window(server, n, clerks[n]) for n in clerks]
    threads = [threading.Thread(target=c.run, args=(errors,)) for c in clients]
    for thread in threads:
        thread.start()
    if meanwhile is not None:
        meanwhile(clients)
    for thread in threads:
        thread.join(300)
    assert not errors, errors[:5]
    return clients


class Window:
    """A window's clerk who goes on when the server process they talk to dies: a new
    connection, then the window's state says whether the operation in flight committed
    (a ticket at the counter is then marked no-show), as the workstation's call panel
    re-reads its window after a failure."""

    def __init__(self, server: HallServer, window: int, client: Http) -> None:
        self.server, self.window, self.client = server, window, client
        self.calls: list[int] = []  # tickets this window was answered as calling
        self.retries = 0

    def _send(self, method: str, path: str) -> tuple[int, dict] | None:
        try:
            return self.client.send(method, path)
        except (OSError, http.client.HTTPException):
            self.retries += 1
            self.client.connection.close()
            self.client = Http(self.server, self.client.headers["Authorization"].split(" ", 1)[1])
            time.sleep(0.05)
            return None

    def run(self, errors: list[str]) -> None:
        while True:
            answer = self._send("POST", "/queue/call-next")
            if answer is None or answer[0] == 409:  # lost in flight, or a call did commit
                if not self._recover(errors):
                    return
                continue
            status, ticket = answer
            if status == 404:
                return
            if status != 200:
                errors.append(f"window {self.window}: call-next {status} {ticket}")
                return
            self.calls.append(ticket["id"])
            answer = self._send("POST", f"/queue/tickets/{ticket['id']}/no-show")
            if answer is None or answer[0] != 200:
                if answer is not None and answer[0] != 409:
                    errors.append(f"window {self.window}: no-show {answer}")
                    return
                if not self._recover(errors):
                    return

    def _recover(self, errors: list[str]) -> bool:
        """Finishes what the window holds, as read back from the server."""
        for _ in range(100):
            answer = self._send("GET", f"/queue/windows/{self.window}")
            if answer is None:
                continue
            status, state = answer
            if status != 200:
                errors.append(f"window {self.window}: state {status} {state}")
                return False
            ticket = state["ticket"]
            if ticket is None:
                return True
            if ticket["id"] not in self.calls:
                self.calls.append(ticket["id"])  # the call committed; its answer was lost
            answer = self._send("POST", f"/queue/tickets/{ticket['id']}/no-show")
            if answer is not None and answer[0] == 200:
                return True
        errors.append(f"window {self.window}: could not recover")
        return False


def test_a_worker_killed_mid_load_loses_nothing_and_calls_nothing_twice(pg, hall_database, tmp_path):
    windows, tickets = 30, 900
    with HallServer(hall_database, workers=4, home=tmp_path / "home") as server:
        _, _, kiosk_token, clerks = set_up_windows(server, windows)
        displays = _displays_on_processes(server, 3)
        issued = {t["id"] for t in issue_tickets(server, kiosk_token, tickets)}
        workers = _workers_of(server)
        assert len(workers) == 4, workers
        victim = displays[0].processes[0]  # a display's stream must resume elsewhere
        assert victim in workers

        def kill_when_a_third_is_called(clients: list[Window]) -> None:
            deadline = time.monotonic() + TIMEOUT
            while sum(len(c.calls) for c in clients) < tickets // 3 and time.monotonic() < deadline:
                time.sleep(0.02)
            os.kill(victim, signal.SIGKILL)

        clients = _work(server, clerks, kill_when_a_third_is_called)

        # Nothing committed is lost and nothing is called twice: each ticket has exactly
        # one committed call, and every window was answered only with calls that are there.
        committed = _committed_calls(pg, hall_database)
        assert Counter(t for _, t in committed) == Counter(issued)
        answered = Counter(t for c in clients for t in c.calls)
        assert [t for t, n in answered.items() if n > 1] == [], "a ticket was called at two windows"
        assert set(answered) == issued
        with pg.connect(pg.database_of(hall_database)) as conn:
            left = conn.execute("SELECT count(*) FROM queue_tickets WHERE state <> 'no_show'").fetchone()[0]
        assert left == 0
        assert sum(c.retries for c in clients) > 0, "no client noticed the kill: the test proved nothing"

        # The displays, the one on the killed process included, saw every call once, in order.
        _wait_until_seen(displays, committed)
        for display in displays:
            display.close()
        assert len(displays[0].processes) >= 2 and displays[0].processes[-1] != victim
        for display in displays:
            assert display.calls == committed, (
                f"the display first on process {display.processes[0]} saw {len(display.calls)} calls "
                f"of {len(committed)}")
        assert victim not in _workers_of(server) and len(_workers_of(server)) == 4  # replaced
