"""#14: the hall server killed (-9) mid-load and kept down while three windows go on
working: cases, documents, print audits and ratings keep being saved into each window's
outbox; when the server is back every outbox drains by itself, nothing lost, nothing
twice, each window's records arriving in the order it wrote them."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest

from tests.faults.test_workstation_crash import Writer, all_records
from workstation.simulation.counter import digest

OUTAGE_SECONDS = float(os.environ.get("COUNTER_OUTAGE_SECONDS", "45"))
WINDOWS = 3


def pending(store) -> int:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10) as db:
        return db.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]


def wait_until(predicate, what: str, timeout: float) -> float:
    start = time.monotonic()
    while not predicate():
        assert time.monotonic() - start < timeout, what
        time.sleep(0.2)
    return time.monotonic() - start


@pytest.mark.timeout(600)
def test_windows_work_through_a_server_outage_and_drain_in_order(sqlite_hall, tmp_path):
    stores = [tmp_path / f"window{n}" / "store.sqlite3" for n in range(1, WINDOWS + 1)]
    tokens = [sqlite_hall.enrol("workstation", n) for n in range(1, WINDOWS + 1)]
    writers = [Writer(str(store), sqlite_hall.url, token, "--cases", "100000", "--pace", "0.3",
                      "--device", f"window-{n}") for n, (store, token) in enumerate(zip(stores, tokens, strict=True), 1)]
    try:
        for writer in writers:
            assert writer.ready.wait(60), writer.process.stderr.read()
        wait_until(lambda: all(len(w.saved()) >= 8 for w in writers), "the windows save while online", 120)

        sqlite_hall.process.kill()  # mid-load: uploads in flight, no goodbye
        sqlite_hall.process.wait(10)
        sqlite_hall._close_files()
        before = [len(w.saved()) for w in writers]
        time.sleep(OUTAGE_SECONDS)
        during = [len(w.saved()) - b for w, b in zip(writers, before, strict=True)]
        assert all(n >= 4 for n in during), f"a window stopped saving while the hall was down: {during}"
        assert all(pending(store) for store in stores), "the outboxes hold what was saved offline"

        sqlite_hall.start()  # on the same port: the windows find it by themselves
        drained = wait_until(lambda: all(pending(store) == 0 for store in stores), "every outbox drains", 180)
    finally:
        for writer in writers:
            writer.kill()
    for store, token in zip(stores, tokens, strict=True):  # what was saved after the last look drains too
        drain = Writer(str(store), sqlite_hall.url, token, "--drain")
        assert drain.finish(120) == 0, drain.lines

    supervisor = sqlite_hall.login("supervisor")
    on_server = {r["uuid"]: r for r in all_records(sqlite_hall, supervisor)}
    lost = changed = disorder = 0
    for writer in writers:
        saved = writer.saved()
        lost += sum(u not in on_server for u, _, _ in saved)
        changed += sum(u in on_server and digest(on_server[u]["payload"]) != sha for u, _, sha in saved)
        received = [on_server[u]["received_at"] for u, _, _ in saved if u in on_server]
        disorder += sum(a > b for a, b in zip(received, received[1:], strict=False))
    cases = [r["payload"]["case_number"] for r in on_server.values() if r["kind"] == "case"]
    duplicated = len(cases) - len(set(cases))
    print(f"\noutage {OUTAGE_SECONDS:.0f} s, {WINDOWS} windows, saved while down {sum(during)}, "
          f"saved in all {sum(len(w.saved()) for w in writers)}, outboxes empty {drained:.1f} s after the "
          f"server's return, lost {lost}, changed {changed}, duplicated {duplicated}, out of order {disorder}")
    assert lost == changed == duplicated == disorder == 0
