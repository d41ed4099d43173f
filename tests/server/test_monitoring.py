"""The supervisor's monitoring view over real HTTP against a real server process, on
SQLite and PostgreSQL: the statistics of a day made through the queue's own endpoints
equal the figures counted from its tickets; the board shows a paused window's
whereabouts and a killed workstation offline; the load advice names what its arithmetic
says, and applying it changes what the window calls and what its workstation caches;
and only supervisors and admins get in."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import requests
from sqlalchemy import create_engine, pool, select

from server.models import StatisticsDay, Ticket
from tests.support.hall_server import REPO, HallServer
from tests.support.waiting import wait_for
from workstation.config import SyncSettings
from workstation.store.local import LocalStore
from workstation.sync.engine import SyncEngine

TIMEOUT = 30
HALL_ZONE = ZoneInfo("Asia/Shanghai")
CLERK_NAMES = {"clerk1": "张伟", "clerk3": "刘洋", "clerk5": "杨帆"}


class Hall:
    """An admin, a supervisor, a kiosk, and clerks logged in at workstations enrolled for
    their windows (clerk N at window N)."""

    def __init__(self, server: HallServer) -> None:
        self.server = server
        self.admin = server.admin_session()
        self.supervisor = server.login("supervisor")
        self.kiosk = server.session(self.enrol("kiosk", None))
        self.tokens: dict[int, str] = {}
        self.clerks: dict[int, requests.Session] = {}

    def enrol(self, kind: str, window: int | None) -> str:
        code = self.admin.post(self.server.api("/admin/enrolment-codes"), timeout=TIMEOUT,
                               json={"kind": kind, "window": window})
        assert code.status_code == 200, code.text
        return self.server.enrol(kind, window, code=code.json()["code"])

    def clerk(self, window: int) -> requests.Session:
        if window not in self.clerks:
            self.tokens[window] = self.enrol("workstation", window)
            self.clerks[window] = self.server.login(f"clerk{window}", device_token=self.tokens[window])
        return self.clerks[window]

    def queue(self, path: str) -> str:
        return self.server.api(f"/queue{path}")

    def issue(self, business_type: str) -> dict:
        response = self.kiosk.post(self.queue("/tickets"), json={"business_type": business_type},
                                   timeout=TIMEOUT)
        assert response.status_code == 201, response.text
        return response.json()

    def call_next(self, window: int) -> dict:
        return ok(self.clerk(window).post(self.queue("/call-next"), timeout=TIMEOUT))

    def op(self, window: int, ticket_id: int, path: str, **body) -> dict:
        return ok(self.clerk(window).post(self.queue(f"/tickets/{ticket_id}/{path}"), json=body or None,
                                          timeout=TIMEOUT))

    def ticket(self, ticket_id: int) -> dict:
        return ok(self.admin.get(self.queue(f"/tickets/{ticket_id}"), timeout=TIMEOUT))

    def monitoring(self, path: str, **params) -> requests.Response:
        return self.supervisor.get(self.server.api(f"/monitoring{path}"), params=params, timeout=TIMEOUT)

    def board(self) -> dict:
        return ok(self.monitoring("/hall"))

    def window_now(self, number: int) -> dict:
        return next(w for w in self.board()["windows"] if w["number"] == number)


def ok(response: requests.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def hall(hall_server: HallServer) -> Hall:
    return Hall(hall_server)


class EventLog:
    """A /events stream followed in a thread: (arrival, type, data) as they come."""

    def __init__(self, server: HallServer, token: str) -> None:
        self.events: list[tuple[float, str, dict]] = []
        self.opened = threading.Event()
        self._response = requests.get(server.api("/events"), stream=True, timeout=(5, 60),
                                      headers={"Authorization": f"Bearer {token}"})
        assert self._response.status_code == 200
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind = None
        try:
            for line in self._response.iter_lines(decode_unicode=True):
                self.opened.set()
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind is not None:
                    self.events.append((time.monotonic(), kind, json.loads(line[6:])["data"]))
                    kind = None
        except (requests.RequestException, AttributeError, ValueError):
            pass  # closed by the test

    def find(self, kind: str, **data) -> tuple[float, str, dict] | None:
        return next((e for e in list(self.events)
                     if e[1] == kind and all(e[2].get(k) == v for k, v in data.items())), None)

    def close(self) -> None:
        self._response.close()


# ---------------------------------------------------------------------------------------
# Statistics of a known day
# ---------------------------------------------------------------------------------------


def nearest_rank_p90(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])


def seconds(start: str | None, end: str | None) -> int | None:
    if start is None or end is None:
        return None
    delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    return max(0, round(delta.total_seconds()))


def tally(facts) -> dict:
    """The figures by grouping and key from (keys, ticket, wait, service) per ticket record."""
    figures: dict[str, dict[str, dict]] = defaultdict(lambda: defaultdict(
        lambda: {"issued": 0, "served": 0, "no_shows": 0, "transfers": 0, "waits": [], "services": []}))
    for keys, ticket, wait, service in facts:
        for grouping, key in keys:
            group = figures[grouping][key]
            group["issued"] += ticket["transferred_from"] is None
            group["served"] += ticket["state"] == "finished"
            group["no_shows"] += ticket["state"] == "no_show"
            group["transfers"] += ticket["state"] == "transferred"
            if wait is not None:
                group["waits"].append(wait)
            if service is not None:
                group["services"].append(service)
    return {grouping: {key: {
        "issued": g["issued"], "served": g["served"], "no_shows": g["no_shows"], "transfers": g["transfers"],
        "wait_average_seconds": sum(g["waits"]) / len(g["waits"]) if g["waits"] else None,
        "wait_p90_seconds": nearest_rank_p90(g["waits"]),
        "service_average_seconds": sum(g["services"]) / len(g["services"]) if g["services"] else None,
        "service_p90_seconds": nearest_rank_p90(g["services"])} for key, g in groups.items()}
        for grouping, groups in figures.items()}


def expected_figures(records: list[dict]) -> dict:
    """The figures counted from the tickets' own timestamps: records are (ticket, clerk)."""
    def facts():
        for record in records:
            ticket, clerk = record["ticket"], record["clerk"]
            keys = [("totals", "total"), ("by_business_type", ticket["business_type"]),
                    ("by_day", ticket["service_date"])]
            if ticket["window"] is not None and ticket["called_at"] is not None:
                keys += [("by_window", str(ticket["window"])), ("by_clerk", clerk)]
            service = seconds(ticket["served_at"], ticket["ended_at"]) if ticket["state"] in (
                "finished", "transferred") else None
            yield keys, ticket, seconds(ticket["issued_at"], ticket["called_at"]), service

    return tally(facts())


def served_figures(groups: list[dict]) -> dict:
    keep = ("issued", "served", "no_shows", "transfers", "wait_average_seconds", "wait_p90_seconds",
            "service_average_seconds", "service_p90_seconds")
    return {g["key"]: {k: g[k] for k in keep} for g in groups}


def test_the_statistics_of_a_day_equal_what_its_tickets_count(hall: Hall):
    general = [hall.issue("general") for _ in range(5)]
    social = [hall.issue("social") for _ in range(3)]
    estate = [hall.issue("estate") for _ in range(2)]
    time.sleep(1.2)  # waits of a second or more, not all zero
    records: dict[int, str | None] = {t["id"]: None for t in general + social + estate}

    # Window 1 (clerk1): three served, one no-show, one moved on to 社保医保 after starting.
    for n in range(5):
        ticket = hall.call_next(1)
        records[ticket["id"]] = "clerk1"
        if n == 3:
            hall.op(1, ticket["id"], "no-show")
            continue
        hall.op(1, ticket["id"], "start")
        if n == 4:
            moved = hall.op(1, ticket["id"], "transfer", business_type="social")
            records[moved["id"]] = None
        else:
            time.sleep(0.3 * n)
            hall.op(1, ticket["id"], "finish")
    # Window 3 (clerk3): every 社保医保 ticket, the moved one too.
    for _ in range(4):
        ticket = hall.call_next(3)
        records[ticket["id"]] = "clerk3"
        hall.op(3, ticket["id"], "start")
        hall.op(3, ticket["id"], "finish")
    # Window 5 (clerk5): one 不动产登记 served, the other still waiting.
    ticket = hall.call_next(5)
    records[ticket["id"]] = "clerk5"
    hall.op(5, ticket["id"], "start")
    time.sleep(1.1)
    hall.op(5, ticket["id"], "finish")

    tickets = [{"ticket": hall.ticket(i), "clerk": clerk} for i, clerk in records.items()]
    day = tickets[0]["ticket"]["service_date"]
    expected = expected_figures(tickets)
    assert expected["totals"]["total"]["issued"] == 10 and expected["totals"]["total"]["transfers"] == 1
    assert expected["totals"]["total"]["served"] == 8 and expected["totals"]["total"]["no_shows"] == 1

    stats = ok(hall.monitoring("/statistics", **{"from": day, "to": day}))
    assert served_figures([stats["totals"]]) == {"total": expected["totals"]["total"]}
    for grouping in ("by_business_type", "by_window", "by_clerk", "by_day"):
        assert served_figures(stats[grouping]) == expected[grouping], grouping
    assert {g["key"]: g["name"] for g in stats["by_clerk"]} == CLERK_NAMES
    assert {g["key"]: g["name"] for g in stats["by_business_type"]}["estate"] == "不动产登记"
    assert stats["ratings"]["total"] == 0 and stats["ratings"]["bad_rate"] is None
    # The day before holds nothing; a range past a year is refused.
    before = (datetime.fromisoformat(day) - timedelta(days=1)).date().isoformat()
    assert ok(hall.monitoring("/statistics", **{"from": before, "to": before}))["totals"]["issued"] == 0
    assert hall.monitoring("/statistics", **{"from": "2024-01-01", "to": day}).status_code == 422

    # The same figures as files for the monthly report.
    exported = hall.monitoring("/statistics/export", **{"from": day, "to": day, "format": "csv"})
    assert exported.status_code == 200 and exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    by_window = {r[1]: r for r in rows if r and r[0] == "按窗口"}
    assert int(by_window["1"][3]) == expected["by_window"]["1"]["issued"]
    assert int(by_window["1"][4]) == expected["by_window"]["1"]["served"] == 3
    workbook = hall.monitoring("/statistics/export", **{"from": day, "to": day, "format": "xlsx"})
    assert workbook.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames == ["合计", "按业务类型", "按窗口", "按人员", "按日"]
    clerks = {row[0]: row for row in book["按人员"].iter_rows(min_row=2, values_only=True)}
    assert clerks["clerk3"][1] == "刘洋" and clerks["clerk3"][3] == 4


def _past_day(day, rng: random.Random, count: int, first_id: int) -> list[dict]:
    """Tickets of a service day written straight into the database, as a day of the queue
    leaves them: finished, no-shows, transfers (each with the record it made), cancelled."""
    rows: list[dict] = []
    opening = datetime.combine(day, datetime.min.time(), HALL_ZONE).replace(hour=9).astimezone(UTC)
    for n in range(count):
        ticket_id = first_id + len(rows)
        arrived = opening + timedelta(seconds=rng.randrange(6 * 3600))
        window = rng.choice((1, 3, 5))
        wait, service = rng.randrange(0, 3000), rng.randrange(30, 1500)
        state = rng.choice(("finished", "finished", "finished", "no_show", "transferred", "cancelled"))
        base = {"id": ticket_id, "service_date": day, "business_type": rng.choice(("general", "social", "estate")),
                "number": f"A{n:03d}", "sequence": n + 1, "arrived_at": arrived, "issued_at": arrived,
                "green_channel": False, "call_count": 1, "transferred_from": None}
        if state == "cancelled":
            rows.append({**base, "state": state, "call_count": 0, "window": None, "clerk": None,
                         "wait_seconds": None, "service_seconds": None})
            continue
        rows.append({**base, "state": state, "window": window, "clerk": f"clerk{window}", "wait_seconds": wait,
                     "service_seconds": None if state == "no_show" else service})
        if state == "transferred":
            # The record the transfer made: waiting again, then served at window 3.
            rows.append({**base, "id": ticket_id + 1, "business_type": "social", "state": "finished",
                         "transferred_from": ticket_id, "window": 3, "clerk": "clerk3",
                         "wait_seconds": rng.randrange(0, 600), "service_seconds": rng.randrange(30, 900)})
    return rows


def counted(rows: list[dict]) -> dict:
    """The figures counted from written tickets, by the statistics' rules."""
    def facts():
        for row in rows:
            keys = [("totals", "total"), ("by_business_type", row["business_type"]),
                    ("by_day", row["service_date"].isoformat())]
            if row["window"] is not None:
                keys.append(("by_window", str(row["window"])))
            if row["clerk"] is not None:
                keys.append(("by_clerk", row["clerk"]))
            yield keys, row, row["wait_seconds"], row["service_seconds"]

    return tally(facts())


def _write(db_url: str, statement, rows: list[dict] | None = None) -> None:
    engine = create_engine(db_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(statement, rows) if rows is not None else conn.execute(statement)
    engine.dispose()


def _kept_days(db_url: str) -> set:
    engine = create_engine(db_url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        found = set(conn.execute(select(StatisticsDay.service_date).distinct()).scalars())
    engine.dispose()
    return found


def test_a_late_upload_for_a_past_day_changes_that_days_statistics(hall: Hall, db_url: str):
    """Closed days are counted once and kept (server.monitoring); a ticket written later for
    such a day, or a change to one of its tickets, makes that day count again, and only it.
    Ranges mixing kept days and today (counted live) have exact figures."""
    rng = random.Random(13)
    today = datetime.now(HALL_ZONE).date()
    first, second = today - timedelta(days=12), today - timedelta(days=11)
    rows = _past_day(first, rng, 40, 800_000) + _past_day(second, rng, 30, 810_000)
    rows += _past_day(today, rng, 12, 820_000)
    _write(db_url, Ticket.__table__.insert(), rows)

    def figures(start, end) -> dict:
        stats = ok(hall.monitoring("/statistics", **{"from": start.isoformat(), "to": end.isoformat()}))
        return {"totals": served_figures([stats["totals"]]), **{
            grouping: served_figures(stats[grouping])
            for grouping in ("by_business_type", "by_window", "by_clerk", "by_day")}}

    def expected(kept: list[dict]) -> dict:
        found = counted(kept)
        return {"totals": found["totals"], **{
            grouping: found.get(grouping, {}) for grouping in ("by_business_type", "by_window", "by_clerk", "by_day")}}

    past = [r for r in rows if r["service_date"] != today]
    kept = figures(first, second)  # counted, then kept
    assert kept == expected(past)
    assert _kept_days(db_url) == {first, second}  # today is never kept
    assert figures(first, second) == expected(past)  # from the kept days
    assert figures(first, today) == expected(rows)  # kept days and today together

    # A window that was offline that day uploads late: tickets of `first` arrive now, and
    # one of its tickets is corrected.
    late = _past_day(first, rng, 6, 830_000)
    _write(db_url, Ticket.__table__.insert(), late)
    corrected = next(r for r in rows if r["service_date"] == first and r["state"] == "finished")
    _write(db_url, Ticket.__table__.update().where(Ticket.id == corrected["id"]).values(service_seconds=4321))
    corrected["service_seconds"] = 4321
    past += late
    after = figures(first, second)
    assert after == expected(past)
    assert after["by_day"][first.isoformat()] != kept["by_day"][first.isoformat()]
    assert after["by_day"][second.isoformat()] == kept["by_day"][second.isoformat()]
    assert figures(first, today) == expected(past + [r for r in rows if r["service_date"] == today])

    # A ticket of the day removed counts too (the day is counted again, not kept stale).
    _write(db_url, Ticket.__table__.delete().where(Ticket.id == late[0]["id"]))
    assert figures(first, second) == expected([r for r in past if r["id"] != late[0]["id"]])


# ---------------------------------------------------------------------------------------
# The hall now: whereabouts, presence
# ---------------------------------------------------------------------------------------

FOLLOWER = """
import sys, requests
response = requests.get(sys.argv[1], stream=True, timeout=(5, 600),
                        headers={"Authorization": "Bearer " + sys.argv[2]})
for chunk in response.iter_content(chunk_size=None):
    print("open", flush=True)
"""


def test_the_board_shows_whereabouts_at_once_and_a_killed_workstation_offline(hall: Hall):
    supervisor_token = hall.supervisor.headers["Authorization"].split()[1]
    feed = EventLog(hall.server, supervisor_token)
    try:
        wait_for(feed.opened.is_set, "the supervisor's stream is open")
        hall.clerk(3)
        assert hall.window_now(3)["activity"] == "offline"  # logged in, no workstation connected
        assert hall.window_now(4)["activity"] == "closed"  # nobody logged in

        # The clerk's workstation follows the stream, as a process of its own.
        follower = subprocess.Popen([sys.executable, "-c", FOLLOWER, hall.server.api("/events"),
                                     hall.tokens[3]], cwd=REPO, stdout=subprocess.PIPE,
                                    env={**os.environ, "PYTHONPATH": str(REPO)})
        try:
            assert follower.stdout is not None and follower.stdout.readline().strip() == b"open"
            wait_for(lambda: feed.find("window.presence", window=3, online=True), "window 3 is online")
            now = hall.window_now(3)
            assert (now["activity"], now["clerk_name"], now["backup"]) == ("idle", "刘洋", 6)

            # 去向公开: the whereabouts are on the board within a second of the pause.
            until = (datetime.now(HALL_ZONE) + timedelta(minutes=30)).replace(microsecond=0)
            paused_at = time.monotonic()
            ok(hall.clerk(3).post(hall.queue("/window/pause"), timeout=TIMEOUT,
                                  json={"reason": "meeting", "note": "三楼会议室",
                                        "until": until.isoformat()}))
            wait_for(lambda: feed.find("window.state", number=3, paused=True), "the pause is announced",
                     timeout=5)
            now = hall.window_now(3)
            assert time.monotonic() - paused_at < 1.0
            assert now["activity"] == "paused"
            assert now["pause"]["reason"] == "meeting" and now["pause"]["note"] == "三楼会议室"
            assert datetime.fromisoformat(now["pause"]["until"]) == until
            assert now["since"] is not None
            # Its AB角 backup, window 6, has nobody logged in: it covers nobody.
            assert hall.window_now(6)["covering"] == []

            # The workstation dies: its socket closes, the server notices long before the
            # 15-second heartbeat would.
            killed_at = time.monotonic()
            os.kill(follower.pid, signal.SIGKILL)
            follower.wait(10)
            gone = wait_for(lambda: feed.find("window.presence", window=3, online=False),
                            "window 3 goes offline", timeout=10)
            assert gone[0] - killed_at < 5.0
            now = hall.window_now(3)
            assert now["activity"] == "offline"
            assert now["pause"]["note"] == "三楼会议室"  # still where the clerk said
        finally:
            if follower.poll() is None:
                follower.kill()
                follower.wait(10)
    finally:
        feed.close()


# ---------------------------------------------------------------------------------------
# Load advice
# ---------------------------------------------------------------------------------------


def _served_earlier(db_url: str, day: str, business_type: str, count: int, service_seconds: int) -> None:
    """Finished tickets of today with a known service time, written straight into the
    database: a test cannot spend ten minutes at a counter."""
    engine = create_engine(db_url, poolclass=pool.NullPool)
    now = datetime.now(UTC) - timedelta(hours=1)
    with engine.begin() as conn:
        conn.execute(Ticket.__table__.insert(), [{
            "service_date": datetime.fromisoformat(day).date(), "business_type": business_type,
            "number": f"Z{900 + n}", "sequence": 900 + n, "state": "finished", "arrived_at": now,
            "issued_at": now, "green_channel": False, "window": 5, "call_count": 1, "called_at": now,
            "served_at": now, "ended_at": now + timedelta(seconds=service_seconds), "clerk": "clerk5",
            "wait_seconds": 0, "service_seconds": service_seconds} for n in range(count)])
    engine.dispose()


def test_the_advice_names_what_the_arithmetic_says_and_applying_it_moves_the_window(
        hall: Hall, db_url: str, tmp_path):
    waiting = [hall.issue("estate") for _ in range(5)]
    _served_earlier(db_url, waiting[0]["service_date"], "estate", 3, 600)
    hall.clerk(3)  # 社保医保 and 民政残联, nobody waiting
    hall.clerk(5)  # 不动产登记

    advice = ok(hall.monitoring("/advice"))
    assert advice["note"] == ""
    first = advice["advice"][0]
    # 不动产登记: 5 waiting × 10 min ÷ window 5 alone = 50 min. Window 3 shares its time
    # among three types then: 5 × 10 ÷ (1 + 1/3) = 37.5 min, its own queues still empty.
    assert (first["business_type"], first["window"]) == ("estate", 3)
    assert first["wait_now_minutes"] == 50.0 and first["wait_after_minutes"] == 37.5
    assert first["waiting"] == 5 and first["windows_now"] == 1 and first["average_service_seconds"] == 600
    assert first["window_wait_after_minutes"] == 0
    assert first["reasoning"].startswith("开启 3 号窗口办理 不动产登记：预计等候从 50 分钟降到 38 分钟。")

    # The clerk's workstation keeps the reference data in its local cache.
    store = LocalStore(tmp_path / "workstation-3.sqlite3")
    engine = SyncEngine(store, hall.server.url, hall.tokens[3],
                        SyncSettings(batch_size=500, max_backoff=0.5, poll_interval=600), timeout=5.0)
    engine.start()
    try:
        wait_for(lambda: engine.status().stream and store.reference_values("window"), "the first pull")
        before = reference_window(store, 3)
        assert before["business_types"] == ["social", "civil"]

        # A clerk may not apply it; the supervisor may.
        body = {"window": 3, "business_types": [*before["business_types"], "estate"]}
        refused = hall.clerk(3).post(hall.server.api("/monitoring/advice/apply"), json=body, timeout=TIMEOUT)
        assert refused.status_code == 403
        unknown = hall.supervisor.post(hall.server.api("/monitoring/advice/apply"), timeout=TIMEOUT,
                                       json={"window": 3, "business_types": ["nonesuch"]})
        assert unknown.status_code == 422
        applied = hall.supervisor.post(hall.server.api("/monitoring/advice/apply"), json=body,
                                       timeout=TIMEOUT)
        assert applied.status_code == 200, applied.text

        # The window's next call serves the new type at once, the oldest first.
        called = hall.call_next(3)
        assert (called["business_type"], called["id"]) == ("estate", waiting[0]["id"])
        # The workstation's cache follows by the live event (its poll is ten minutes away).
        wait_for(lambda: reference_window(store, 3)["business_types"] == ["social", "civil", "estate"],
                 "the workstation's cache has the change", timeout=15)
        assert hall.window_now(3)["business_types"] == ["social", "civil", "estate"]
    finally:
        engine.stop()
        store.close()


def reference_window(store: LocalStore, number: int) -> dict:
    return next(w for w in store.reference_values("window") if w["number"] == number)


# ---------------------------------------------------------------------------------------
# Who may look
# ---------------------------------------------------------------------------------------


def test_only_supervisors_and_admins_see_the_monitoring_endpoints(hall: Hall):
    day = datetime.now(HALL_ZONE).date().isoformat()
    calls = [("GET", "/monitoring/hall", None), ("GET", f"/monitoring/statistics?from={day}&to={day}", None),
             ("GET", f"/monitoring/statistics/export?from={day}&to={day}&format=csv", None),
             ("GET", f"/monitoring/statistics/export?from={day}&to={day}&format=xlsx", None),
             ("GET", "/monitoring/advice", None),
             ("POST", "/monitoring/advice/apply", {"window": 2, "business_types": ["market", "general"]})]
    display = hall.server.session(hall.enrol("display", None))
    bare_workstation = hall.server.session(hall.enrol("workstation", 2))
    callers = {"clerk": (hall.clerk(1), 403), "kiosk": (hall.kiosk, 403), "display": (display, 403),
               "workstation without a login": (bare_workstation, 403), "anonymous": (requests.Session(), 401),
               "supervisor": (hall.supervisor, 200), "admin": (hall.admin, 200)}
    for who, (session, status) in callers.items():
        for method, path, body in calls:
            response = session.request(method, hall.server.api(path), json=body, timeout=TIMEOUT)
            assert response.status_code == status, (who, path, response.status_code, response.text)
