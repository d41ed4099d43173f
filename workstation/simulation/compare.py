"""The simulated day against what the hall recorded: every check a `(NAME, difference)`,
and the day's figures apart."""

from __future__ import annotations

import hashlib
import math
from collections import Counter as Tally
from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING

from workstation.domain.audit import verify_chain
from workstation.domain.case import CaseState, deadline_level, initial_state, thresholds
from workstation.domain.workdays import WorkCalendar
from workstation.simulation.counter import digest

if TYPE_CHECKING:
    from workstation.simulation.day import Day

SUPERVISION = {"reminder_days": 1, "start_within_days": 1}  # resources/demo_hall/supervision.json
SERVER_MADE = {"rating"}  # the default-rating job's records carry channel 7


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _seconds(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    return max(0, round((_moment(end) - _moment(start)).total_seconds()))


def all_records(day: Day) -> list[dict]:
    records, after = [], None
    supervisor = day.session(day.supervisor_token)
    while True:
        params = {"limit": 5000, **({"after": after} if after else {})}
        page = supervisor.get(day.api("/records"), params=params, timeout=60).json()
        records += page["records"]
        after = page["next_after"]
        if not after:
            return records


class _Figures:
    def __init__(self) -> None:
        self.issued = self.served = self.no_shows = self.transfers = 0
        self.waits: list[int] = []
        self.services: list[int] = []

    def as_dict(self) -> dict:
        def p90(values: list[int]) -> float | None:
            return float(sorted(values)[math.ceil(0.9 * len(values)) - 1]) if values else None

        return {"issued": self.issued, "served": self.served, "no_shows": self.no_shows, "transfers": self.transfers,
                "wait_average_seconds": sum(self.waits) / len(self.waits) if self.waits else None,
                "wait_p90_seconds": p90(self.waits),
                "service_average_seconds": sum(self.services) / len(self.services) if self.services else None,
                "service_p90_seconds": p90(self.services)}


def ticket_truth(day: Day) -> dict[int, dict]:
    """Per ticket record, from the kiosk's and the clerks' answers: its type, whether a
    transfer made it, who called it first, its wait and service seconds, its end."""
    records: dict[int, dict] = {}
    for ticket_id, issued in day.truth.issued.items():
        t = issued["ticket"]
        records[ticket_id] = {"type": t["business_type"], "issued_at": t["issued_at"], "transfer": False,
                              "calls": 0, "window": None, "wait": None, "state": t["state"], "service": None}
    for window, operation, t in day.truth.answers:
        record = records.setdefault(t["id"], {"type": t["business_type"], "issued_at": t["issued_at"],
                                              "transfer": t["transferred_from"] is not None, "calls": 0,
                                              "window": None, "wait": None, "state": t["state"], "service": None})
        if operation == "transfer":  # the answer is the new record; the old one ended transferred
            source = records.get(t["transferred_from"])
            if source is not None:
                source["state"] = "transferred"
                source["service"] = source.get("pending_service")
            continue
        if operation == "call":
            record["calls"] += 1
            if record["window"] is None:
                record["window"] = window
                record["wait"] = _seconds(t["issued_at"], t["called_at"])
        record["state"] = t["state"]
        if operation == "start":
            record["pending_service"] = None
            record["served_at"] = t["served_at"]
        if operation == "finish":
            record["service"] = _seconds(t["served_at"], t["ended_at"])
        if operation in ("start",):
            record["pending_service"] = None
    # a transferred record's service: the transfer's end minus its last start, as the server
    # counts it; the answer of a transfer is the new record, so read the old one's end there
    for _window, operation, t in day.truth.answers:
        if operation == "transfer" and t["transferred_from"] in records:
            source = records[t["transferred_from"]]
            source["service"] = _seconds(source.get("served_at"), t["issued_at"])
    return records


def expected_statistics(day: Day, records: dict[int, dict]) -> dict[tuple[str, str], dict]:
    groups: dict[tuple[str, str], _Figures] = defaultdict(_Figures)
    for record in records.values():
        keys = [("total", ""), ("type", record["type"])]
        if record["window"] is not None:
            keys += [("window", str(record["window"])), ("clerk", f"clerk{record['window']}")]
        for key in keys:
            g = groups[key]
            g.issued += not record["transfer"]
            g.served += record["state"] == "finished"
            g.no_shows += record["state"] == "no_show"
            g.transfers += record["state"] == "transferred"
            if record["wait"] is not None:
                g.waits.append(record["wait"])
            if record["service"] is not None:
                g.services.append(record["service"])
    return {key: g.as_dict() for key, g in groups.items()}


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def compare(day: Day, closed_follow_ups: int) -> tuple[list[tuple[str, int]], list[tuple[str, object]]]:
    from workstation.app.monitoring import MonitoringDesk

    truth = day.truth
    differences: list[tuple[str, int]] = []
    figures: list[tuple[str, object]] = []
    admin = day.admin

    # -- tickets -----------------------------------------------------------------------
    records = ticket_truth(day)
    on_server = {}
    for ticket_id in records:
        answer = admin.get(day.api(f"/queue/tickets/{ticket_id}"), timeout=30)
        if answer.status_code == 200:
            on_server[ticket_id] = answer.json()
    not_ended = [i for i, t in on_server.items() if t["state"] not in ("finished", "no_show", "transferred")]
    differences.append(("tickets_not_ended", len(not_ended) + len(set(records) - set(on_server))))
    differences.append(("tickets_called_twice", sum(r["calls"] > 1 for r in records.values())))
    state_differs = sum(on_server[i]["state"] != r["state"] for i, r in records.items() if i in on_server)
    differences.append(("tickets_state_differs", state_differs))
    called = {t["id"] for _, operation, t in truth.answers if operation in ("call", "recall", "call_back")}
    differences.append(("display_missed_calls", len(called - set(truth.announced))))
    planned = len(day.plan)
    refused = sum(1 for n in truth.notes if n.startswith("kiosk refused"))
    differences.append(("applicants_without_ticket", planned - len(truth.issued) - refused))

    # -- records -----------------------------------------------------------------------
    server_records = all_records(day)
    by_uuid = {r["uuid"]: r for r in server_records}
    told = {uuid: sha for _, uuid, _, sha in truth.saved}
    held = {uuid: (kind, sha) for _, uuid, kind, sha in truth.held}
    differences.append(("records_lost", sum(u not in by_uuid for u in told)))
    differences.append(("records_changed", sum(u in by_uuid and digest(by_uuid[u]["payload"]) != sha
                                               for u, sha in told.items())))
    differences.append(("records_not_kept_by_window", sum(u not in held for u in told)))
    differences.append(("records_held_not_on_server", sum(u not in by_uuid for u in held)))
    differences.append(("records_held_differ", sum(u in by_uuid and digest(by_uuid[u]["payload"]) != sha
                                                   for u, (_, sha) in held.items())))
    ours = [r for r in server_records if not (r["kind"] in SERVER_MADE and r["payload"].get("channel") == "7")]
    differences.append(("records_on_server_unknown", sum(r["uuid"] not in held for r in ours)))
    cases = [r["payload"]["case_number"] for r in ours if r["kind"] == "case"]
    documents = [(r["payload"]["case_number"], r["payload"]["kind"]) for r in ours if r["kind"] == "document"]
    ratings = [r["payload"]["case_number"] for r in ours if r["kind"] == "rating"]
    duplicated = (len(cases) - len(set(cases)) + len(documents) - len(set(documents))
                  + len(ratings) - len(set(ratings)))
    differences.append(("records_duplicated", duplicated))
    differences.append(("outbox_refused_or_conflict", truth.stuck))
    supervisor = day.session(day.supervisor_token)
    bytes_differ = 0
    for record in (r for r in ours if r["kind"] == "document"):
        sha = record["payload"]["sha256"]
        answer = supervisor.get(day.api(f"/documents/{sha}"), timeout=60)
        if (answer.status_code != 200 or hashlib.sha256(answer.content).hexdigest() != sha
                or truth.blobs.get(sha) != answer.content):
            bytes_differ += 1
    differences.append(("documents_bytes_differ", bytes_differ))
    audits = [r["payload"] for r in ours if r["kind"].startswith("audit.")]
    differences.append(("audit_chain_problems", len(verify_chain(audits))))

    # -- the supervisor's figures --------------------------------------------------------
    desk = MonitoringDesk(day.server.url, day.supervisor_token, 30.0)
    today = desk.hall_today()
    statistics = desk.statistics(today, today)
    expected = expected_statistics(day, records)
    got = {("total", ""): statistics.totals.model_dump()}
    for grouping, rows in (("type", statistics.by_business_type), ("window", statistics.by_window),
                           ("clerk", statistics.by_clerk)):
        for row in rows:
            got[(grouping, str(row.key))] = row.model_dump()
    fields = ["issued", "served", "no_shows", "transfers", "wait_average_seconds", "wait_p90_seconds",
              "service_average_seconds", "service_p90_seconds"]
    wrong: dict[str, int] = Tally()
    for key in set(expected) | {k for k, v in got.items() if v.get("issued") or v.get("served")}:
        mine, theirs = expected.get(key, {}), got.get(key, {})
        for name in fields:
            if not _same(mine.get(name, 0 if name in fields[:4] else None),
                         theirs.get(name, 0 if name in fields[:4] else None)):
                wrong[name] += 1
                truth.notes.append(f"statistics {key} {name}: expected {mine.get(name)}, hall says {theirs.get(name)}")
    for name in fields:
        differences.append((f"statistics_{name}", wrong[name]))
    rated = [o for o in truth.outcomes if o["outcome"] == "served"]
    levels = Tally()
    for outcome in rated:
        levels[outcome["rating"]] += len(outcome["cases"])
    dropped = int(day.args.drop_record > 0)
    counted = statistics.ratings
    differences.append(("statistics_ratings_total", abs(counted.total - sum(levels.values()))))
    differences.append(("statistics_rating_levels", sum(abs(counted.levels.get(n, 0) - levels[n])
                                                        for n in range(1, 6))))
    bad = levels[1] + levels[2]
    differences.append(("statistics_ratings_bad", abs(counted.bad - bad)))
    differences.append(("statistics_follow_ups_open",
                        abs(counted.follow_ups_open - (bad - closed_follow_ups))))
    item_cases = [c for o in rated for c in o["cases"] if c["decision"] != "bundle"]
    differences.append(("statistics_cases_decided", abs(statistics.cases.decided - len(item_cases))))
    differences.append(("statistics_bundle_items",
                        abs(statistics.cases.bundle_items - sum(1 for c in item_cases if c["bundle"]))))
    board = desk.deadlines()
    limits = thresholds(board.today, WorkCalendar.official(), SUPERVISION["reminder_days"],
                        SUPERVISION["start_within_days"])
    expected_levels = Tally()
    for case in item_cases:
        state = initial_state(case["decision"])
        if state not in (CaseState.ACCEPTED, CaseState.IN_PROGRESS):
            continue
        accepted = _moment(case["accepted"]).astimezone(_hall_zone()).date() if case["accepted"] else today
        promised = date.fromisoformat(case["promised"]) if case["promised"] else None
        expected_levels[deadline_level(limits, state, promised, accepted).value] += 1
        expected_levels["open"] += 1
    totals = board.totals
    differences.append(("deadline_levels", sum(abs(getattr(totals, name) - expected_levels[name])
                                               for name in ("open", "reminder", "yellow", "red"))))
    differences.sort(key=lambda d: (d[1] == 0,))

    # -- figures -------------------------------------------------------------------------
    outcomes = Tally(o["outcome"] for o in truth.outcomes)
    figures += [("applicants", planned), ("tickets_issued", len(truth.issued)),
                ("served", outcomes["served"]), ("no_shows", outcomes["no_show"]),
                ("transferred", outcomes["transferred"]), ("cases", len(item_cases)),
                ("documents", len(documents)), ("ratings_bad", bad), ("follow_ups_closed", closed_follow_ups),
                ("records_on_server", len(ours)), ("pauses", len(truth.pauses)), ("deadline_yellow", totals.yellow),
                ("deadline_reminder", totals.reminder), ("dropped_on_purpose", dropped)]
    for fault in day.faults:
        length = (fault.ended - fault.started) if fault.started and fault.ended else 0
        figures.append((f"fault_{fault.kind}", f"hall {_clock(fault.at)} window {fault.window or '-'} "
                                               f"{length:.1f}s {fault.note}".strip()))
    calls = [b[2] for b in truth.blocked if b[1] in ("call", "start", "finish", "recall", "no_show", "park",
                                                       "call_back", "transfer")]
    saves = [b[2] for b in truth.blocked if b[1].startswith("save-")]
    figures.append(("longest_unable_to_call_seconds", f"{max(calls, default=0):.1f}"))
    figures.append(("longest_unable_to_save_seconds", f"{max(saves, default=0):.1f}"))
    figures.append(("outboxes_empty_after_server_return_seconds",
                    f"{day.outboxes_empty_after:.1f}" if day.outboxes_empty_after is not None else "-"))
    for name, samples in sorted(day.usage.items()):
        cpu = max(s[1] for s in samples) if samples else 0
        rss = max(s[2] for s in samples) if samples else 0
        figures.append((f"process_{name}", f"cpu {cpu:.1f}s rss {rss / 1e6:.0f}MB"))
    return differences, figures


def _hall_zone():
    from workstation.domain.queue import DEFAULT_TIMEZONE, hall_zone

    return hall_zone(DEFAULT_TIMEZONE)


def _clock(hall_seconds: float) -> str:
    from workstation.simulation.day import hall_clock

    return hall_clock(hall_seconds)
