"""The cost of the hall's audit (#14): appending to the server's chain, verifying it, and
checking workstations' chains as their records arrive.

Run by hand:  .venv/bin/python bench/audit.py [--entries 2000] [--db URL]

On a fresh SQLite file in a temporary folder (or the empty database at --db, e.g. a
PostgreSQL one): `entries` appends, each in a transaction of its own as a request makes
it (the head row locked, the entry hashed and added); `audit.verify` over all of them;
then uploads of 100 `audit.card_read` records a batch (each checked against its chain's
head) against the same number of plain `note` records, through records.store_batch.
Prints lines `name value unit`."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server import audit, migrate, records  # noqa: E402
from server.db import Database  # noqa: E402
from server.models import Device  # noqa: E402
from tests.support.audit_chain import workstation_chain  # noqa: E402
from workstation.protocol import records as wire  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def upload_ms(db: Database, device: str, batches: list[list[dict]]) -> list[float]:
    times = []
    for batch in batches:
        body = wire.UploadBatch.model_validate({"records": batch})
        start = time.perf_counter()
        with db.session() as session:
            records.store_batch(session, device, body)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--db", help="an empty database's URL (default: a SQLite file in a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'hall.sqlite3'}"
        migrate.upgrade(url)
        db = Database(url)
        print(f"database {db.dialect}")
        times = []
        for n in range(args.entries):
            start = time.perf_counter()
            with db.session() as session:
                audit.append(session, "admin", "admin", None, "bench.append", f"n{n}",
                             {"n": n, "path": "/admin/accounts/clerk1/unlock", "status": 200})
            times.append((time.perf_counter() - start) * 1000)
        print(f"append_median {statistics.median(times):.2f} ms")
        print(f"append_p95 {percentile(times, 95):.2f} ms")
        start = time.perf_counter()
        with db.reading() as session:
            verdict = audit.verify(session)
        took = time.perf_counter() - start
        assert verdict.ok, verdict
        print(f"verify_entries {verdict.checked} entries")
        print(f"verify_rate {verdict.checked / took:.0f} entries/s")

        batches, device = 20, str(uuid.uuid4())
        with db.session() as session:
            session.add(Device(id=device, name="bench", kind="workstation", window=1, token_hash=uuid.uuid4().hex,
                               enrolled_at=datetime.now(UTC), revoked=False))
        chain = workstation_chain(device, 100 * batches)
        chained = upload_ms(db, device, [chain[i:i + 100] for i in range(0, len(chain), 100)])
        now = datetime.now(UTC).isoformat()
        plain = [[{"uuid": str(uuid.uuid4()), "kind": "note", "created_at": now, "payload": {"text": "x" * 200}}
                  for _ in range(100)] for _ in range(batches)]
        unchained = upload_ms(db, device, plain)
        print(f"upload_100_audit_records_median {statistics.median(chained):.1f} ms")
        print(f"upload_100_plain_records_median {statistics.median(unchained):.1f} ms")
        print(f"chain_check_per_record {(statistics.median(chained) - statistics.median(unchained)) / 100:.3f} ms")
        db.dispose()


if __name__ == "__main__":
    main()
