"""Outbox upload throughput: 10,000 records written offline, then sent to a real hall server
process over loopback HTTP by the sync engine's upload loop until the outbox is empty.

Run by hand:  .venv/bin/python bench/upload.py [--db sqlite|postgresql] [--records 10000]
              [--batch-size 500] [--runs 1]
Prints lines `name value unit`. Target: ≥ 2,000 records/s on SQLite."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.hall_server import HallServer  # noqa: E402
from workstation.config import SyncSettings  # noqa: E402
from workstation.store.local import LocalStore  # noqa: E402
from workstation.sync.client import HallClient  # noqa: E402
from workstation.sync.engine import SyncEngine  # noqa: E402


def payload(n: int) -> dict:
    """About what a material check weighs: a few Chinese fields and a short list."""
    return {"case": f"2026-{n:06d}", "item": "11110000000000000X4000117001",
            "applicant": f"申请人{n:05d}", "id_masked": "110101********1234",
            "materials": [{"id": "id_card", "ok": True}, {"id": "hukou", "ok": n % 7 != 0,
                                                          "defect": "复印件不清晰" if n % 7 == 0 else ""}],
            "decision": "受理" if n % 7 else "补正", "window": 1}


def one_run(server: HallServer, folder: Path, records: int, batch_size: int) -> dict[str, float]:
    store = LocalStore(folder / "workstation.sqlite3")
    try:
        started = time.perf_counter()
        for start in range(0, records, 1000):
            store.add_records([("bench.material_check", payload(n))
                               for n in range(start, min(records, start + 1000))])
        written = time.perf_counter() - started
        assert store.pending_count() == records

        assert server.url is not None
        token = server.enrol("workstation", 1)
        engine = SyncEngine(store, server.url, token, SyncSettings(batch_size=batch_size), timeout=60)
        client = HallClient(server.url, token, timeout=60)
        try:
            client.health()  # connect once outside the timing
            started = time.perf_counter()
            while engine.upload_batch(client):
                pass
            elapsed = time.perf_counter() - started
        finally:
            client.close()
        if store.pending_count() or store.conflict_count():
            raise SystemExit(f"outbox not empty: {store.pending_count()} pending, "
                             f"{store.conflict_count()} conflicts")
    finally:
        store.close()
    return {"written": written, "elapsed": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=SyncSettings().batch_size)
    parser.add_argument("--runs", type=int, default=1, help="runs, each on a fresh server database")
    args = parser.parse_args()

    cluster = None
    if args.db == "postgresql":
        from tests.support.postgres import PostgresCluster

        cluster = PostgresCluster().start()
    results = []
    try:
        for run in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
                folder = Path(tmp)
                url = (cluster.create_database(f"bench_upload_{run}") if cluster is not None
                       else f"sqlite:///{folder / 'hall.sqlite3'}")
                server = HallServer(url, demo=True, home=folder / "home").start()
                try:
                    results.append(one_run(server, folder, args.records, args.batch_size))
                finally:
                    server.stop()
    finally:
        if cluster is not None:
            cluster.stop()

    elapsed = statistics.median(r["elapsed"] for r in results)
    written = statistics.median(r["written"] for r in results)
    prefix = "" if args.db == "sqlite" else "postgresql_"
    print(f"{prefix}upload_records {args.records} records")
    print(f"{prefix}upload_batch_size {args.batch_size} records")
    print(f"{prefix}upload_records_per_second {args.records / elapsed:.0f} records/s")
    print(f"{prefix}upload_total_seconds {elapsed:.2f} s")
    print(f"{prefix}upload_batch_ms {1000 * elapsed / -(-args.records // args.batch_size):.1f} ms")
    print(f"{prefix}store_write_records_per_second {args.records / written:.0f} records/s")


if __name__ == "__main__":
    main()
