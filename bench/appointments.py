"""Appointments (#16): what booking, reading the slots, 24 bookings at once for one slot and
the province's import of 5,000 rows cost, against a real hall server process.

Run by hand:  .venv/bin/python bench/appointments.py [--db postgresql] [--bookings 300]
The hall runs in a time zone where it is mid-morning (tests/support/hall_clock). A clerk
books --bookings applicants one after another into the next days' slots of 综合受理,
社保医保 and 不动产登记; then 24 clerks' requests at once go for one slot of 4 places; then
the admin imports 5,000 rows (住房公积金, which has no plan: no capacity to count, the
largest import the API takes). Prints lines `name value unit`:
  book_p50 / book_p99        one booking, request to answer
  slots_p50                  one day's slots with their counts
  concurrent_booked          of 24 at once for 4 places (must be 4)
  concurrent_wall            the 24 answered
  import_5000                the import, request to answer
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.hall_clock import morning_zone  # noqa: E402
from tests.support.hall_server import HallServer  # noqa: E402
from workstation.domain.queue import id_check_character  # noqa: E402

PLANS = {"general": 3, "social": 4, "estate": 2}
SLOTS = ["09:00", "09:30", "10:00", "10:30", "11:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00",
         "16:30"]


def person(n: int) -> str:
    first = f"110101{1950 + n % 50:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first + id_check_character(first)


def at(day, hhmm: str, zone: ZoneInfo) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--bookings", type=int, default=300)
    args = parser.parse_args()
    zone = ZoneInfo(morning_zone())
    home = Path(tempfile.mkdtemp(prefix="bench-appointments-"))
    cluster = None
    if args.db == "postgresql":
        from tests.support.postgres import PostgresCluster

        cluster = PostgresCluster().start()
        url = cluster.create_database("bench_appointments")
    else:
        url = f"sqlite:///{home}/hall.sqlite3"
    server = HallServer(url, demo=True, home=home / "home", env={"COUNTER_HALL_TIMEZONE": zone.key}).start()
    try:
        clerk = server.login("clerk1")
        book_url = server.api("/queue/appointments/book")
        today = datetime.now(zone).date()
        places = [(code, day, slot, n) for day in (today + timedelta(days=d) for d in range(1, 15))
                  for code, capacity in PLANS.items() for slot in SLOTS for n in range(capacity)]
        times = []
        for index, (code, day, slot, _) in enumerate(places[:args.bookings]):
            started = time.perf_counter()
            answer = clerk.post(book_url, timeout=30, json={"business_type": code, "id_number": person(index),
                                                            "slot_start": at(day, slot, zone).isoformat()})
            times.append(time.perf_counter() - started)
            assert answer.status_code == 201, answer.text
        print(f"book_p50 {statistics.median(times) * 1000:.1f} ms")
        print(f"book_p99 {percentile(times, 0.99) * 1000:.1f} ms")

        reads = []
        for _ in range(50):
            started = time.perf_counter()
            clerk.get(server.api("/queue/appointments/slots"), timeout=30,
                      params={"business_type": "general", "day": (today + timedelta(days=1)).isoformat()})
            reads.append(time.perf_counter() - started)
        print(f"slots_p50 {statistics.median(reads) * 1000:.1f} ms")

        token = clerk.headers["Authorization"]
        slot = at(today + timedelta(days=14), "16:30", zone)
        gate = threading.Barrier(24)
        statuses: list[int] = []
        lock = threading.Lock()

        def one(n: int) -> None:
            with requests.Session() as session:
                session.headers["Authorization"] = token
                gate.wait()
                status = session.post(book_url, timeout=60, json={
                    "business_type": "social", "id_number": person(10_000 + n),
                    "slot_start": slot.isoformat()}).status_code
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=one, args=(n,)) for n in range(24)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"concurrent_booked {statuses.count(201)} of 24")
        print(f"concurrent_wall {(time.perf_counter() - started) * 1000:.0f} ms")

        admin = server.admin_session()
        rows = []
        for n in range(5000):
            start = at(today + timedelta(days=1 + n % 14), "08:00", zone) + timedelta(minutes=n % 480)
            rows.append({"code": f"PV{n:08d}", "business_type": "fund", "slot_start": start.isoformat(),
                         "slot_end": (start + timedelta(minutes=30)).isoformat(), "id_number": person(20_000 + n)})
        started = time.perf_counter()
        answer = admin.post(server.api("/queue/appointments/import"), json={"appointments": rows}, timeout=600)
        assert answer.status_code == 200, answer.text[:500]
        print(f"import_5000 {(time.perf_counter() - started) * 1000:.0f} ms")
    finally:
        server.stop()
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
