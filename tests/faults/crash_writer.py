"""A workstation process for the crash tests: the same core the clerk's window drives
(GuideDesk.save_case, DocumentDesk.issue, RatingDesk.rate, the audit chain of prints, the
SyncEngine uploading in its own thread), with no window.

    python -m tests.faults.crash_writer STORE URL TOKEN --cases N [--pace S] [--device ID] [--drain]

Each record the core reports saved is printed as `SAVED <uuid> <kind> <sha256>` (the
sha256 of its canonical payload) right after the call returns: what the window would have
told the clerk. The test kills this process with SIGKILL at random points and starts it
again on the same store. It writes until the store holds N cases; with --drain it writes
nothing and exits once the outbox is empty."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from workstation.app.card_reading import AUDIT_DOCUMENT_PRINT
from workstation.app.guide import CASE_KIND, GuideSnapshot, Person
from workstation.clock import HALL_CLOCK
from workstation.clock import now as hall_now
from workstation.domain.checklist import Decision, MaterialCheck, decide, evaluate
from workstation.domain.rating import Level, RatingAnswer
from workstation.domain.search import CatalogueIndex
from workstation.domain.workdays import WorkCalendar
from workstation.protocol.catalogue import ServiceItem
from workstation.simulation.counter import DEMO_HALL as DEMO
from workstation.simulation.counter import Counter, said

ITEM = "个体工商户设立登记"
HALL = {"name": "演示区政务服务中心", "check_url": ""}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("url")
    parser.add_argument("token")
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--drain", action="store_true")
    parser.add_argument("--pace", type=float, default=0.0, help="seconds between cases (a counter's pace)")
    parser.add_argument("--device", default="crash-device")
    args = parser.parse_args()

    counter = Counter(Path(args.store), args.url, args.token, "device", HALL)
    store, engine = counter.store, counter.engine
    counter.start()  # the window connects before the clerk works
    print("READY", flush=True)
    if args.drain:
        counter.drain(120)
        engine.stop()
        print(f"DRAINED {store.pending_count()}", flush=True)
        return 0 if store.pending_count() == 0 else 1

    items = [ServiceItem.model_validate(v) for v in json.loads((DEMO / "catalogue.json").read_text(encoding="utf-8"))]
    item = next(i for i in items if i.name == ITEM)
    snapshot = GuideSnapshot(0, CatalogueIndex.build([item]), WorkCalendar.official(), "110105", HALL["name"])
    guide, ratings, documents = counter.guide, counter.ratings, counter.documents
    chosen = {"individual", "self"}
    checks = [MaterialCheck.received(m, originals=1) for m in ("application", "operator_id")]
    checks.append(MaterialCheck.received("premises_proof", copies=1))
    evaluation = evaluate(item, chosen, checks)
    record = decide(evaluation, Decision.ACCEPT)
    while len(store.records_of(CASE_KIND)) < args.cases:
        n = len(store.records_of(CASE_KIND)) + 1
        case = guide.save_case(snapshot, item, evaluation, record, Person(f"申请人{n}", id_number="11010519491231002X"),
                               None, {"username": "clerk1", "name": "张伟"}, 1, args.device,
                               applied_at=hall_now())
        said(next(r for r in store.records_of(CASE_KIND, case_number=case.case_number)))
        issued = documents.issue(documents.prepare(case), None)
        said(next(r for r in store.records_of("document", case_number=case.case_number)))
        documents.printed(issued, "clerk1", 1, "crash-test printer")
        said(store.records_of(AUDIT_DOCUMENT_PRINT, sha256=issued.sha256)[-1])
        said(ratings.rate(case, RatingAnswer(Level.VERY_SATISFIED if n % 5 else Level.DISSATISFIED)))
        if args.pace:
            time.sleep(args.pace)
    print(f"OFFSET {HALL_CLOCK.offset.total_seconds():.0f}", flush=True)
    print("DONE", flush=True)
    engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
