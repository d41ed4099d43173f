"""Calling at many windows at once: from a clerk's call to the hall display hearing it.

Run by hand:  .venv/bin/python bench/call_latency.py --windows 50 [--db postgresql [--workers N]]
Starts a hall server process (on a SQLite file, or on a private PostgreSQL cluster),
sets up the windows (7.. via the admin reference API), a clerk logged in at a workstation
enrolled for each window, a hall display following /api/v1/events in its own process,
and a kiosk that issues the tickets beforehand. Then every window calls next and marks
the ticket no-show (or serves it: --serve) until nothing is waiting.

Three phases: paced (the windows together call --rate tickets a second, --paced-calls of
them), loaded (--load-rate calls a second, --loaded-calls of them: with the no-show that
follows each call, the target's 500 operations a second by default), then saturated
(every window calls again the moment it is free, until nobody waits).
Before each phase every window reads its own state once, as a working window would have
lately, so the phase does not start with fifty expired entries of the server's token
cache at once. --listeners N: the first N windows' workstations also follow the event
stream, as every workstation in a hall does (in the display's process).
Prints lines `name value unit`, the loaded and saturated phases' with the suffixes
_loaded and _saturated:
  call_to_display_p50 / _p99   from the clerk's call request to ticket.called at the display
  counter_ops_per_s            counter operations (calls and what follows) per second
  server_cpu_per_op            the server's CPU time per operation, summed over all its processes
                               (the queue writer, or every --workers process, included)
  double_called                tickets called by more than one window (must be 0)
  events_missing               calls the display never heard of (must be 0)
  cpu_steal                    the share of the machine's CPU time its hypervisor took
                               (on a shared virtual machine latency spikes follow it)
Targets on a 2-core machine, SQLite: p99 <= 50 ms, >= 500 operations/s. PostgreSQL (issue
#15): >= 1,000 operations/s saturated, p99 <= 50 ms at 500 offered, with --workers."""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.hall_server import HallServer  # noqa: E402

TYPES = ("general", "social", "fund", "estate", "market", "police", "civil")
API = "/api/v1"


class Client:
    """A keep-alive HTTP/1.1 connection with a bearer token: lighter than requests, so
    the bench measures the server rather than itself."""

    def __init__(self, url: str, token: str) -> None:
        parsed = urlparse(url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict | None = None) -> tuple[int, dict]:
        return self.send("POST", path, body)

    def send(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        self.connection.request(method, API + path, body=json.dumps(body) if body is not None else None,
                                headers=self.headers)
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"null")


def listen(url: str, token: str, stop) -> None:
    """A workstation following /api/v1/events: every window's workstation does, beside the
    displays. It reads and drops what comes."""
    parsed = urlparse(url)
    while not stop.is_set():
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port)
        connection.request("GET", f"{API}/events", headers={"Authorization": f"Bearer {token}",
                                                             "Accept": "text/event-stream"})
        stream = connection.getresponse().fp
        while not stop.is_set() and stream.read1(65536):
            pass
        connection.close()


def follow_display(url: str, token: str, ready, stop, results, listeners: list[str]) -> None:
    """The hall display, in its own process: the arrival time (time.monotonic, one clock
    for every process on Linux) of every ticket.called event. Like a real display it
    reconnects with Last-Event-ID when the server cuts it off for falling behind."""
    parsed = urlparse(url)
    arrivals: list[tuple[int, int, float]] = []  # ticket id, call count, arrival
    counters = {"leaks": 0, "reconnects": -1}

    def read() -> None:
        last_id = None
        while not stop.is_set():
            counters["reconnects"] += 1
            connection = http.client.HTTPConnection(parsed.hostname, parsed.port)
            headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
            if last_id is not None:
                headers["Last-Event-ID"] = last_id
            connection.request("GET", f"{API}/events", headers=headers)
            kind = ""
            ready.set()
            for line in connection.getresponse().fp:
                text = line.decode().rstrip("\n")
                if text.startswith("id:"):
                    last_id = text[3:].strip()
                elif text.startswith("event:"):
                    kind = text[6:].strip()
                elif text.startswith("data:") and kind == "ticket.called":
                    now = time.monotonic()
                    data = json.loads(text[5:])["data"]
                    arrivals.append((data["ticket_id"], data["call_count"], now))
                    counters["leaks"] += "id_number" in data or "id_masked" in data
            connection.close()

    _settle_heap()
    threading.Thread(target=read, daemon=True).start()
    for listener in listeners:
        threading.Thread(target=listen, args=(url, listener, stop), daemon=True).start()
    stop.wait()
    results.send((list(arrivals), counters["leaks"], counters["reconnects"]))


def setup(server: HallServer, windows: int, tickets: int, green_every: int):
    admin = server.admin_session()

    def put(kind: str, key: str, value: dict) -> None:
        response = admin.put(server.api(f"/reference/{kind}/{key}"), json={"payload": value}, timeout=60)
        response.raise_for_status()

    for entry in admin.get(server.api("/reference/changes"), params={"kind": "business_type"},
                           timeout=60).json()["entries"]:
        put("business_type", entry["key"], {**entry["payload"], "daily_quota": 999})
    for number in range(7, windows + 1):
        put("window", str(number), {"number": number, "name": f"{number}号窗口",
                                     "business_types": [TYPES[number % 7], TYPES[(number + 3) % 7]]})

    def token(kind: str, window: int | None) -> str:
        code = admin.post(server.api("/admin/enrolment-codes"), json={"kind": kind, "window": window},
                          timeout=60).json()["code"]
        return server.enrol(kind, window, code=code)

    def clerk(window: int) -> str:
        session = server.login(f"clerk{(window - 1) % 6 + 1}", device_token=token("workstation", window))
        return session.headers["Authorization"].split(" ", 1)[1]

    with ThreadPoolExecutor(8) as pool:
        clerks = list(pool.map(clerk, range(1, windows + 1)))
    kiosk, display = token("kiosk", None), token("display", None)

    local = threading.local()

    def issue(index: int) -> int:
        if not hasattr(local, "client"):
            local.client = Client(server.url, kiosk)
        body = {"business_type": TYPES[index % len(TYPES)]}
        if green_every and index % green_every == 0:
            body |= {"green_channel": True, "green_reason": "disabled"}
        status, ticket = local.client.post("/queue/tickets", body)
        assert status == 201, ticket
        return ticket["id"]

    with ThreadPoolExecutor(4) as pool:
        issued = list(pool.map(issue, range(tickets)))
    return clerks, display, issued


def run(server: HallServer, args, server_pid: int | None) -> dict[str, float]:
    clerks, display_token, issued = setup(server, args.windows, args.tickets, args.green_every)

    context = multiprocessing.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    receive, send = context.Pipe(duplex=False)
    display = context.Process(target=follow_display, args=(server.url, display_token, ready, stop, send,
                                                           clerks[:args.listeners]))
    display.start()
    assert ready.wait(30), "the display did not connect"
    time.sleep(0.5)

    follow_up = ("start", "finish") if args.serve else ("no-show",)
    paced_calls = min(args.paced_calls, len(issued) // 3)
    loaded_calls = min(args.loaded_calls, len(issued) // 3)
    # Phase 1, paced: the windows together call `--rate` tickets a second, each window
    # waiting between its calls as a clerk would (if far faster than any hall).
    # Phase 2, loaded: the same at `--load-rate`, the target's load.
    # Phase 3, saturated: every window calls again as soon as it is free, until nobody waits.
    phases = {"paced": args.windows / args.rate, "loaded": args.windows / args.load_rate, "saturated": 0.0}
    calls: dict[str, list[tuple[int, int, float]]] = {name: [] for name in phases}
    ops, elapsed, cpu, steal = Counter(), {}, {}, {}
    lock = threading.Lock()
    left = {"paced": paced_calls, "loaded": loaded_calls}

    def work(window: int, phase: str, pause: float, barrier: threading.Barrier) -> None:
        client = Client(server.url, clerks[window - 1])
        mine, done = [], 0
        # Warm-up, as a working window is: connected, its session fresh in the server's
        # token cache (setup logged in long ago), not the first to pay for anything.
        status, _ = client.send("GET", f"/queue/windows/{window}")
        assert status == 200, status
        barrier.wait()
        next_at = time.monotonic() + pause * (window / args.windows)  # spread the first calls
        while True:
            if phase in left:
                with lock:
                    if left[phase] <= 0:
                        break
                    left[phase] -= 1
            if pause:
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += pause
            sent = time.monotonic()
            status, ticket = client.post("/queue/call-next")
            if status == 404:
                break
            assert status == 200, ticket
            done += 1
            mine.append((ticket["id"], window, sent))
            for step in follow_up:
                status, body = client.post(f"/queue/tickets/{ticket['id']}/{step}")
                assert status == 200, body
                done += 1
        with lock:
            calls[phase].extend(mine)
            ops[phase] += done

    _settle_heap()
    for phase, pause in phases.items():
        barrier = threading.Barrier(args.windows + 1)
        threads = [threading.Thread(target=work, args=(n, phase, pause, barrier))
                   for n in range(1, args.windows + 1)]
        for thread in threads:
            thread.start()
        barrier.wait()
        started, cpu_before, machine_before = time.monotonic(), _cpu(server_pid), _machine()
        for thread in threads:
            thread.join()
        elapsed[phase], cpu[phase] = time.monotonic() - started, _cpu(server_pid) - cpu_before
        spent = [after - before for after, before in zip(_machine(), machine_before, strict=True)]
        steal[phase] = 100 * spent[7] / sum(spent) if len(spent) > 7 and sum(spent) else 0.0

    time.sleep(1.0)  # the last events reach the display
    stop.set()
    arrivals, id_numbers_seen, reconnects = receive.recv() if receive.poll(30) else ([], -1, -1)
    display.join(10)
    if display.is_alive():
        display.kill()

    first_call: dict[int, float] = {}
    announced = Counter()
    for ticket_id, call_count, at in arrivals:
        if call_count == 1:
            announced[ticket_id] += 1
            first_call.setdefault(ticket_id, at)
    every_call = [c for phase in calls.values() for c in phase]
    called = Counter(ticket_id for ticket_id, _, _ in every_call)
    results: dict[str, float] = {
        "windows": args.windows,
        "tickets_called": len(called),
        "tickets_lost": len(set(issued) - set(called)),
        "double_called": sum(1 for n in called.values() if n > 1) + sum(1 for n in announced.values() if n > 1),
        "calls_without_display_event": sum(1 for t in called if t not in first_call),
        "events_missing": sum(1 for t in called if t not in first_call),
        "id_numbers_in_events": id_numbers_seen,
        "display_reconnects": reconnects,
        "event_listeners": args.listeners + 1,
    }
    for phase in phases:
        latencies = sorted((first_call[t] - sent) * 1000 for t, _, sent in calls[phase] if t in first_call)
        if not latencies:
            continue
        suffix = "" if phase == "paced" else f"_{phase}"
        results[f"call_to_display_p50{suffix}"] = statistics.median(latencies)
        results[f"call_to_display_p99{suffix}"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        results[f"counter_ops_per_s{suffix}"] = ops[phase] / elapsed[phase]
        if ops[phase]:
            results[f"server_cpu_per_op{suffix}"] = cpu[phase] / ops[phase] * 1000
        results[f"cpu_steal{suffix}"] = steal[phase]
    return results


def _settle_heap() -> None:
    """The bench's own processes must not pause for a full garbage collection while a
    call is in flight (some 50 ms here), or the pause counts as the server's latency."""
    gc.collect()
    gc.freeze()


def _unit(name: str) -> str:
    if name.startswith("call_to_display") or name.startswith("server_cpu_per_op"):
        return "ms"
    if name.startswith("cpu_steal"):
        return "%"
    return "ops/s" if name.startswith("counter_ops_per_s") else "count"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--windows", type=int, default=50)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--green-every", type=int, default=10)
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes (main.py server --workers; PostgreSQL only; default: the "
                             "server's, the machine's cores on PostgreSQL)")
    parser.add_argument("--serve", action="store_true", help="start and finish each ticket instead of no-show")
    parser.add_argument("--listeners", type=int, default=0,
                        help="windows whose workstations also follow the event stream, as in a hall "
                             "(default 0: the display alone)")
    parser.add_argument("--rate", type=float, default=25.0,
                        help="calls per second, all windows together, in the paced phase (default 25)")
    parser.add_argument("--paced-calls", type=int, default=400,
                        help="tickets called in the paced phase (default 400)")
    parser.add_argument("--load-rate", type=float, default=250.0,
                        help="calls per second, all windows together, in the loaded phase (default 250: "
                             "with the no-shows, 500 operations a second)")
    parser.add_argument("--loaded-calls", type=int, default=1500,
                        help="tickets called in the loaded phase (default 1500); the rest saturated")
    args = parser.parse_args()
    if args.windows < 6:
        parser.error("--windows: at least the demo hall's 6")

    cluster = None
    home = tempfile.mkdtemp(prefix="bench-hall-")
    try:
        if args.db == "postgresql":
            from tests.support.postgres import PostgresCluster

            cluster = PostgresCluster().start()
            url = cluster.create_database("bench_hall")
        else:
            url = f"sqlite:///{home}/hall.sqlite3"
        workers = args.workers if args.workers is not None else (os.cpu_count() if args.db == "postgresql" else 1)
        with HallServer(url, demo=True, home=Path(home) / "home", workers=workers) as server:
            results = run(server, args, server.process.pid if server.process else None)
        print(f"database {args.db} name")
        print(f"server_processes {workers} count")
        for name, value in results.items():
            print(f"{name} {value:.1f} {_unit(name)}" if isinstance(value, float) else f"{name} {value} {_unit(name)}")
    finally:
        if cluster is not None:
            cluster.stop()


def _machine() -> list[int]:
    """The machine's CPU time by kind since boot (Linux /proc/stat: user nice system idle
    iowait irq softirq steal …), empty elsewhere."""
    try:
        return [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return []


def _cpu(pid: int | None) -> float:
    """User + system seconds of a process and its children, such as the server's queue
    writer (Linux), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except (OSError, ValueError, IndexError, TypeError):
        return 0.0
    children = []
    for task in tasks:
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass  # the thread just ended
    return own + sum(_cpu(child) for child in children)


if __name__ == "__main__":
    main()
