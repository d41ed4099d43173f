"""What one counter operation costs the database: statements and round trips, counted.

Run by hand:  .venv/bin/python bench/round_trips.py [--ops 200]

Builds the hall's QueueService in this process over a demo hall on a SQLite file and on a
private PostgreSQL cluster (the shared event bus, as `main.py server` runs there), then
issues tickets and works them at one window: call next, start, finish, and call next,
no-show. Each statement the server sends is counted through SQLAlchemy's events, and on
PostgreSQL also what the driver sends around them: the pool's liveness ping at checkout,
BEGIN (psycopg opens a transaction with a statement of its own) and COMMIT. A round trip
is one of these: the client waits for the database's answer each time.

Prints `name value unit`: per operation its round trips and statements by kind (what they
are for), and its median time in this process (the HTTP front and the thread hop are not
in it; bench/call_latency.py measures those). Counts do not depend on the machine's load;
the times do."""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import event  # noqa: E402

from server import migrate  # noqa: E402
from server.db import Database  # noqa: E402
from server.events import EventBus, SharedEventBus  # noqa: E402
from server.queue import QueueService, QueueSettings  # noqa: E402
from server.seed import seed_demo_hall  # noqa: E402
from tests.support.postgres import PostgresCluster  # noqa: E402
from workstation.domain.queue import Operation  # noqa: E402
from workstation.protocol import queue as wire  # noqa: E402

WINDOW = 1  # the demo hall's window 1 serves general and market
BUSINESS_TYPE = "general"


def kind_of(statement: str) -> str:
    """What a statement is for, by the table it touches first."""
    text = " ".join(statement.split()).lower()
    if text.startswith(("savepoint", "release", "rollback to")):
        return "savepoint"
    if "hall_event" in text:
        return "events"
    if "reference_head" in text or "from reference" in text or "reference_entries" in text:
        return "reference"
    match = re.search(r"\b(?:from|into|update)\s+([a-z_]+)", text)
    return match.group(1) if match else text.split()[0]


class Counting:
    """Counts what an engine sends, split by the operation running now."""

    def __init__(self, db: Database) -> None:
        self.current: str | None = None
        self.statements: dict[str, Counter[str]] = {}
        self.extra: dict[str, Counter[str]] = {}
        engine = db.engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", lambda conn: self._extra("commit"))
        if engine.dialect.name == "postgresql":
            event.listen(engine, "begin", lambda conn: self._extra("begin"))
            ping = engine.dialect.do_ping

            def counted_ping(dbapi_connection):
                self._extra("ping")
                return ping(dbapi_connection)

            engine.dialect.do_ping = counted_ping

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.current is not None:
            self.statements.setdefault(self.current, Counter())[kind_of(statement)] += 1

    def _extra(self, what: str) -> None:
        if self.current is not None:
            self.extra.setdefault(self.current, Counter())[what] += 1


def hall(url: str, shared: bool) -> tuple[QueueService, Counting]:
    migrate.upgrade(url)
    db = Database(url)
    with db.session() as session:
        seed_demo_hall(session)
    bus = SharedEventBus(db) if shared else EventBus()
    service = QueueService(db, bus, QueueSettings(id_key=b"bench"))
    return service, Counting(db)


def run(service: QueueService, counting: Counting, ops: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}

    def timed(name: str, operation, *args):
        counting.current = name
        began = time.perf_counter()
        value = service.write(operation, *args)
        times.setdefault(name, []).append(time.perf_counter() - began)
        counting.current = None
        return value

    for _ in range(ops):
        timed("issue", service.issue, wire.IssueRequest(business_type=BUSINESS_TYPE))
    for index in range(ops // 2):
        ticket = timed("call_next", service.call_next, WINDOW, "clerk1")
        if index % 2:
            timed("no_show", service.operate, WINDOW, ticket.id, Operation.NO_SHOW)
        else:
            timed("start", service.operate, WINDOW, ticket.id, Operation.START)
            timed("finish", service.operate, WINDOW, ticket.id, Operation.FINISH)
    return times


def report(database: str, counting: Counting, times: dict[str, list[float]]) -> None:
    for name, spent in times.items():
        count = len(spent)
        statements = counting.statements.get(name, Counter())
        extra = counting.extra.get(name, Counter())
        per = {kind: n / count for kind, n in sorted(statements.items())}
        trips = (sum(statements.values()) + sum(extra.values())) / count
        print(f"{database}_{name}_round_trips {trips:.1f} count")
        for kind, n in per.items():
            print(f"{database}_{name}_statements_{kind} {n:.1f} count")
        for what in ("ping", "begin", "commit"):
            if extra.get(what):
                print(f"{database}_{name}_{what} {extra[what] / count:.1f} count")
        print(f"{database}_{name}_time_p50 {1000 * statistics.median(spent):.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=200, help="tickets issued and worked per database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="round-trips-", ignore_cleanup_errors=True) as folder:
        service, counting = hall(f"sqlite:///{Path(folder) / 'hall.sqlite3'}", shared=False)
        try:
            report("sqlite", counting, run(service, counting, args.ops))
        finally:
            service.close()
            service.db.dispose()
    cluster = PostgresCluster().start()
    try:
        service, counting = hall(cluster.create_database("round_trips"), shared=True)
        try:
            report("postgresql", counting, run(service, counting, args.ops))
        finally:
            service.close()
            service.db.dispose()
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
