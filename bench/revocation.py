"""How soon a revoked device is refused, and what keeping its uploads costs.

Run by hand:  .venv/bin/python bench/revocation.py [--rounds 10]

On a private PostgreSQL cluster, a hall server of two processes (--workers 2): each round
enrols a workstation, opens its event stream on both processes and uses its token on both
(so both cached it), revokes it through the admin API, then sends its token again at once
over new connections. On SQLite (one process), the same revoked from the command line
(`revoke-device`), which cannot reach the server: its leader notices within WATCH_SECONDS.

Prints `name value unit`: the answers a revoked token still got after the revocation was
answered (0 is the promise; 20 asked per round), how long the revocation took to answer (it
waits for the other process's word that it dropped the token), the time from the revocation (the revoking request's sending, or the command's exit) until the device's streams had ended, and the time of a revoked device's 1 MiB upload,
refused and kept, first and again (the same body: one row, attempts + 1)."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.hall_server import HallServer  # noqa: E402
from tests.support.postgres import PostgresCluster  # noqa: E402

TIMEOUT = 30
REVOKE_TIMES: list[float] = []  # how long each revocation through the API took to answer


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Stream:
    def __init__(self, server: HallServer, token: str) -> None:
        self.response = requests.get(server.api("/events"), headers=auth(token), stream=True, timeout=TIMEOUT)
        self.process = self.response.headers.get("X-Server-Process")
        self.ended_at: float | None = None
        self.ended = threading.Event()
        threading.Thread(target=self._follow, daemon=True).start()

    def _follow(self) -> None:
        try:
            for _ in self.response.iter_lines():
                pass
        except (requests.RequestException, AttributeError):  # AttributeError: closed under the read
            pass
        self.ended_at = time.perf_counter()
        self.ended.set()


def streams_on_every_process(server: HallServer, token: str, processes: int) -> list[Stream]:
    kept: dict[str, Stream] = {}
    for _ in range(80):
        stream = Stream(server, token)
        if stream.process in kept:
            stream.response.close()
        else:
            kept[stream.process] = stream
        if len(kept) == processes:
            break
    return list(kept.values())


def round_trip(server: HallServer, admin: requests.Session, processes: int, cli: bool) -> tuple[int, float]:
    token = server.enrol("workstation", 3)
    device_id = requests.get(server.api("/me"), headers=auth(token), timeout=TIMEOUT).json()["device_id"]
    for _ in range(10):  # new connections: both processes cache it
        requests.get(server.api("/me"), headers=auth(token), timeout=TIMEOUT)
    streams = streams_on_every_process(server, token, processes)
    if cli:
        server.run_cli("revoke-device", device_id, "--reason", "bench")
        since = time.perf_counter()  # the command has exited: the revocation is committed
    else:
        since = time.perf_counter()  # the request leaves: the streams may end before its answer arrives
        admin.post(server.api(f"/devices/{device_id}/revoke"), json={"reason": "bench"}, timeout=TIMEOUT)
        REVOKE_TIMES.append(time.perf_counter() - since)
    still = 0
    if not cli:
        for _ in range(20):
            if requests.get(server.api("/me"), headers=auth(token), timeout=TIMEOUT).status_code == 200:
                still += 1
    for stream in streams:
        stream.ended.wait(TIMEOUT)
    ended = max(s.ended_at or float("inf") for s in streams)
    return still, ended - since


def quarantine_cost(server: HallServer, admin: requests.Session) -> tuple[float, float]:
    token = server.enrol("workstation", 4)
    device_id = requests.get(server.api("/me"), headers=auth(token), timeout=TIMEOUT).json()["device_id"]
    admin.post(server.api(f"/devices/{device_id}/revoke"), json={"reason": "bench"}, timeout=TIMEOUT)
    body = b'{"records": [' + b'{"uuid": "x", "kind": "k", "created_at": "", "payload": {"pad": "' \
        + b"a" * (1 << 20) + b'"}}]}'
    times = []
    for _ in range(2):
        began = time.perf_counter()
        requests.post(server.api("/records"), data=body, headers=auth(token) | {"Content-Type": "application/json"},
                      timeout=TIMEOUT)
        times.append(time.perf_counter() - began)
    return times[0], times[1]


def report(name: str, server: HallServer, processes: int, rounds: int, cli: bool) -> None:
    admin = server.admin_session()
    results = [round_trip(server, admin, processes, cli) for _ in range(rounds)]
    if not cli:
        print(f"{name}_answers_after_revoke {sum(r[0] for r in results)} count")
        print(f"{name}_revoke_answer_p50 {1000 * statistics.median(REVOKE_TIMES):.0f} ms")
    spans = [r[1] for r in results]
    print(f"{name}_streams_ended_after_{'cli' if cli else 'revoke'}_p50 {1000 * statistics.median(spans):.0f} ms")
    print(f"{name}_streams_ended_after_{'cli' if cli else 'revoke'}_max {1000 * max(spans):.0f} ms")
    first, again = quarantine_cost(server, admin)
    print(f"{name}_quarantined_upload_1mib_first {1000 * first:.0f} ms")
    print(f"{name}_quarantined_upload_1mib_again {1000 * again:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    cluster = PostgresCluster().start()
    try:
        with tempfile.TemporaryDirectory(prefix="revocation-", ignore_cleanup_errors=True) as folder:
            with HallServer(cluster.create_database("revocation"), workers=2, home=Path(folder) / "pg") as server:
                report("postgresql_workers2", server, 2, args.rounds, cli=False)
            with HallServer(f"sqlite:///{Path(folder) / 'hall.sqlite3'}", home=Path(folder) / "sqlite") as server:
                report("sqlite", server, 1, max(1, args.rounds // 3), cli=True)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
