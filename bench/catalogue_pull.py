"""Catalogue pull: a full pull of 5,000 service items into a fresh workstation store, and a
delta pull of 10 changes, from a real hall server process over loopback HTTP.

Run by hand:  .venv/bin/python bench/catalogue_pull.py [--items 5000] [--db sqlite|postgresql]
Prints lines `name value unit`. Targets: full ≤ 3 s, delta ≤ 100 ms."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.hall_server import HallServer  # noqa: E402
from workstation.store.local import LocalStore  # noqa: E402
from workstation.sync.client import HallClient  # noqa: E402
from workstation.sync.engine import SyncEngine  # noqa: E402


def generated_items(count: int) -> list[dict]:
    """Variations of the demo catalogue's real items, each with its own code and name."""
    demo = json.loads((REPO / "resources" / "demo_hall" / "catalogue.json").read_text(encoding="utf-8"))
    items = []
    for n in range(count):
        item = dict(demo[n % len(demo)])
        item["code"] = f"BENCH{n:07d}"
        item["name"] = f"{item['name']}（第{n // len(demo) + 1}类）"
        items.append(item)
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        cluster = None
        if args.db == "postgresql":
            from tests.support.postgres import PostgresCluster

            cluster = PostgresCluster().start()
            url = cluster.create_database("bench_catalogue")
        else:
            url = f"sqlite:///{root / 'hall.sqlite3'}"
        server = HallServer(url, demo=True, home=root / "home").start()
        try:
            items = generated_items(args.items)
            source = root / "items.json"
            source.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
            result = server.run_cli("import", "service_item", str(source), timeout=600)
            if result.returncode != 0:
                raise SystemExit(f"import failed: {result.stderr}")
            token = server.enrol("workstation", 1)
            assert server.url is not None
            client = HallClient(server.url, token, timeout=120)
            client.health()
            store = LocalStore(root / "workstation.sqlite3")
            engine = SyncEngine(store, server.url, token)

            started = time.perf_counter()
            engine.pull(client)
            full = time.perf_counter() - started
            cached = len(store.reference_values("service_item"))

            admin = server.admin_session()
            for item in items[:10]:
                changed = dict(item, version=str(int(item.get("version", "1")) + 1))
                response = admin.put(server.api(f"/reference/service_item/{item['code']}"),
                                     json={"payload": changed})
                response.raise_for_status()
            started = time.perf_counter()
            applied = engine.pull(client)
            delta = time.perf_counter() - started
            client.close()
            store.close()
        finally:
            server.stop()
            if cluster is not None:
                cluster.stop()
    print(f"catalogue_items_cached {cached} items")
    print(f"catalogue_full_pull_seconds {full:.3f} s")
    print(f"catalogue_delta_pull_changes {applied} changes")
    print(f"catalogue_delta_pull_ms {delta * 1000:.1f} ms")


if __name__ == "__main__":
    main()
