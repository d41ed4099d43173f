"""#14: the link between a workstation and the hall server broken by a proxy process the
test controls (workstation/simulation/proxy.py): dropped, stalled, cut, answers closed mid-body,
5 s of latency. Uploads are never half-applied and their retries are idempotent (every
record once, byte-identical); a queue call whose answer was lost is not made twice."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.faults.test_workstation_crash import Writer, all_records
from tests.support.hall_server import REPO
from workstation.app.queue_desk import KioskDesk, QueueDesk
from workstation.simulation.counter import digest
from workstation.sync.errors import HallRefused, HallUnreachable


class Proxy:
    """workstation/simulation/proxy.py as a process: `url` reaches the server through it."""

    def __init__(self, server) -> None:
        upstream = urlsplit(server.url)
        self.process = subprocess.Popen([sys.executable, "-m", "workstation.simulation.proxy", str(upstream.port)], cwd=REPO,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        port = self.process.stdout.readline().split()[1]
        self.url = f"{upstream.scheme}://127.0.0.1:{port}"
        self._lock = threading.Lock()

    def set(self, *command: object) -> None:
        with self._lock:
            self.process.stdin.write(" ".join(str(c) for c in command) + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline().strip()
        assert answer.startswith("OK"), answer

    def close(self) -> None:
        self.process.stdin.close()
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def proxy(sqlite_hall):
    link = Proxy(sqlite_hall)
    yield link
    link.close()


FAULTS = [("latency", 5), ("stall",), ("cut",), ("drop",), ("close-mid", 120), ("close-mid", 700), ("latency", 1)]


@pytest.mark.timeout(600)
def test_uploads_through_a_broken_link_arrive_once_and_whole(sqlite_hall, proxy, tmp_path):
    store = tmp_path / "window" / "store.sqlite3"
    token = sqlite_hall.enrol("workstation", 1)
    writer = Writer(str(store), proxy.url, token, "--cases", "100000", "--pace", "0.2")
    try:
        assert writer.ready.wait(60), writer.process.stderr.read()
        for fault in FAULTS:
            proxy.set("pass")
            time.sleep(1.5)
            proxy.set(*fault)
            time.sleep(4)
        proxy.set("pass")
    finally:
        writer.kill()
    drain = Writer(str(store), proxy.url, token, "--drain")
    assert drain.finish(180) == 0, drain.lines

    on_server = {r["uuid"]: r for r in all_records(sqlite_hall, sqlite_hall.login("supervisor"))}
    saved = writer.saved()
    lost = [u for u, _, _ in saved if u not in on_server]
    changed = [u for u, _, sha in saved if u in on_server and digest(on_server[u]["payload"]) != sha]
    cases = [r["payload"]["case_number"] for r in on_server.values() if r["kind"] == "case"]
    print(f"\nfaults {[' '.join(map(str, f)) for f in FAULTS]}: saved {len(saved)}, on the server "
          f"{len(on_server)}, lost {len(lost)}, changed {len(changed)}, duplicated {len(cases) - len(set(cases))}")
    assert len(saved) >= 40 and not lost and not changed and len(cases) == len(set(cases))


def test_a_call_whose_answer_is_lost_is_not_made_twice(sqlite_hall, proxy):
    kiosk = KioskDesk(sqlite_hall.url, sqlite_hall.enrol("kiosk", None), 10)
    first = kiosk.issue("general").ticket
    second = kiosk.issue("general").ticket
    token = sqlite_hall.login("clerk1", device_token=sqlite_hall.enrol("workstation", 1)).headers[
        "Authorization"].split(" ", 1)[1]
    desk = QueueDesk(proxy.url, token, 1, timeout=3)
    proxy.set("close-mid", 60)  # the call reaches the server; its answer is cut after the status line
    with pytest.raises(HallUnreachable):
        desk.call_next()
    proxy.set("pass")
    state = desk.state()
    assert state.ticket is not None and state.ticket.id == first.id  # the call was made, once
    with pytest.raises(HallRefused) as refused:
        desk.call_next()  # the clerk presses again: refused plainly, nothing called twice
    assert refused.value.status == 409
    proxy.set("latency", 5)  # a slow link: the client gives up after 3 s, the server acts once
    with pytest.raises(HallUnreachable):
        desk.start(first.id)
    proxy.set("pass")
    time.sleep(6)  # the held request reaches the server, or dies with its connection
    state = desk.state()
    assert state.ticket.id == first.id and state.ticket.state.value in ("called", "serving")
    if state.ticket.state.value == "called":  # it never arrived: pressing again does it now
        desk.start(first.id)
    else:  # it was done: pressing again is refused, not done twice
        with pytest.raises(HallRefused) as refused:
            desk.start(first.id)
        assert refused.value.status == 409
    state = desk.state()
    assert state.ticket.id == first.id and state.ticket.state.value == "serving"
    waiting = {t.code: t.waiting for t in state.waiting}
    assert waiting["general"] == 1, "the second ticket still waits: no retry called it"
    assert second.id != state.ticket.id
    desk.close()
    kiosk.close()
