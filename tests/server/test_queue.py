"""The queue (排队叫号) over real HTTP against a real server process, on SQLite and
PostgreSQL: numbering, quotas, anti-scalping, priority, the whole state machine, pause,
and the events the hall display receives."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import create_engine, pool, text

from tests.support.hall_server import HallServer
from workstation.domain import queue as domain
from workstation.domain.queue import Operation, TicketState

TIMEOUT = 30
HALL_ZONE = ZoneInfo("Asia/Shanghai")


def id_number(first17: str) -> str:
    return first17 + domain.id_check_character(first17)


YOUNG = id_number("11010119900307123")  # born 1990
OTHER = id_number("44030519851120456")
OLD = id_number("31010419400101002")  # born 1940


class Hall:
    """The people and devices a test needs: an admin, a kiosk, a display and clerks
    logged in at workstations enrolled for their windows."""

    def __init__(self, server: HallServer) -> None:
        self.server = server
        self.admin = server.admin_session()
        self.kiosk = server.session(self.enrol("kiosk", None))
        self.display = server.session(self.enrol("display", None))
        self._clerks: dict[int, requests.Session] = {}

    def enrol(self, kind: str, window: int | None) -> str:
        """A device token, from a code the admin session asks for."""
        code = self.admin.post(self.server.api("/admin/enrolment-codes"), timeout=TIMEOUT,
                               json={"kind": kind, "window": window})
        assert code.status_code == 200, code.text
        return self.server.enrol(kind, window, code=code.json()["code"])

    def api(self, path: str) -> str:
        return self.server.api(f"/queue{path}")

    def clerk(self, window: int) -> requests.Session:
        if window not in self._clerks:
            token = self.enrol("workstation", window)
            self._clerks[window] = self.server.login(f"clerk{(window - 1) % 6 + 1}", device_token=token)
        return self._clerks[window]

    # -- kiosk -------------------------------------------------------------------------

    def issue(self, business_type: str | None = "general", expect: int = 201, **body) -> dict:
        if business_type is not None:
            body["business_type"] = business_type
        response = self.kiosk.post(self.api("/tickets"), json=body, timeout=TIMEOUT)
        assert response.status_code == expect, response.text
        return response.json()

    def cancel(self, ticket_id: int) -> requests.Response:
        return self.kiosk.post(self.api(f"/tickets/{ticket_id}/cancel"), timeout=TIMEOUT)

    # -- window ------------------------------------------------------------------------

    def op(self, at: int, ticket_id: int, path: str, **body) -> requests.Response:
        return self.clerk(at).post(self.api(f"/tickets/{ticket_id}/{path}"), json=body or None,
                                       timeout=TIMEOUT)

    def call(self, window: int, ticket_id: int) -> requests.Response:
        return self.clerk(window).post(self.api("/call"), json={"ticket_id": ticket_id}, timeout=TIMEOUT)

    def call_next(self, window: int) -> requests.Response:
        return self.clerk(window).post(self.api("/call-next"), timeout=TIMEOUT)

    def ticket(self, ticket_id: int) -> dict:
        response = self.admin.get(self.api(f"/tickets/{ticket_id}"), timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return response.json()

    def window(self, number: int) -> dict:
        response = self.display.get(self.api(f"/windows/{number}"), timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return response.json()

    def clear(self, window: int) -> None:
        """Whatever is at the window's counter ends, so the window may call again."""
        current = self.window(window)["ticket"]
        if current is not None:
            path = "finish" if current["state"] == "serving" else "no-show"
            assert self.op(window, current["id"], path).status_code == 200

    def summary(self) -> dict:
        response = self.display.get(self.api("/summary"), timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return response.json()

    def waiting(self, business_type: str) -> int:
        return {b["code"]: b["waiting"] for b in self.summary()["business_types"]}[business_type]

    def put_business_type(self, code: str, **changes) -> None:
        current = {b["code"]: b for b in self.summary()["business_types"]}[code]
        value = {k: current[k] for k in ("code", "name", "prefix", "daily_quota")} | changes
        response = self.admin.put(self.server.api(f"/reference/business_type/{code}"),
                                  json={"payload": value}, timeout=TIMEOUT)
        assert response.status_code == 200, response.text


@pytest.fixture
def hall(hall_server: HallServer) -> Hall:
    return Hall(hall_server)


def ok(response: requests.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: requests.Response, status: int = 409) -> str:
    assert response.status_code == status, response.text
    return response.json()["detail"]


# ---------------------------------------------------------------------------------------
# Pure rules
# ---------------------------------------------------------------------------------------


def test_the_day_turns_at_local_midnight_and_numbers_have_three_digits():
    late = datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Beijing
    assert domain.service_day(late) == datetime(2026, 3, 1).date()
    assert domain.service_day(late + timedelta(seconds=1)) == datetime(2026, 3, 2).date()
    assert domain.service_day(late + timedelta(seconds=1), "Europe/Berlin") == datetime(2026, 3, 1).date()
    assert [domain.ticket_number("A", n) for n in (1, 17, 999)] == ["A001", "A017", "A999"]
    assert domain.mask_id_number(YOUNG) == "110101********" + YOUNG[-4:]
    assert domain.after_recall(2) is TicketState.CALLED
    assert domain.after_recall(3) is TicketState.NO_SHOW
    assert domain.hall_zone().utcoffset(late) == timedelta(hours=8)
    with pytest.raises(ValueError):
        domain.hall_zone("Mars/Olympus")


def test_the_default_policy_orders_green_then_appointments_in_slot_then_arrival():
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    minute = timedelta(minutes=1)
    slot = (now - 10 * minute, now + 20 * minute)
    later_slot = (now + 60 * minute, now + 90 * minute)
    tickets = [
        domain.Candidate(1, "general", now - 50 * minute),
        domain.Candidate(2, "general", now - 40 * minute, slot_start=later_slot[0], slot_end=later_slot[1]),
        domain.Candidate(3, "general", now - 30 * minute, slot_start=slot[0], slot_end=slot[1]),
        domain.Candidate(4, "general", now - 20 * minute, green_channel=True),
        domain.Candidate(5, "general", now - 60 * minute, green_channel=True, slot_start=slot[0],
                         slot_end=slot[1]),
    ]
    policy = domain.PriorityPolicy()
    assert [c.id for c in policy.order(tickets, now)] == [5, 4, 3, 1, 2]
    assert policy.choose([], now) is None
    assert [domain.group_of(c, now) for c in tickets] == [
        "other", "other", "appointment", "green", "green"]
    # Within each group the policy keeps arrival order, which the server's look-ahead needs.
    for group in domain.LookaheadGroup:
        members = [c for c in policy.order(tickets, now) if domain.group_of(c, now) is group]
        assert members == sorted(members, key=lambda c: (c.arrived_at, c.id))
    assert domain.allowed_operations(TicketState.SERVING) == (
        Operation.TRANSFER, Operation.PARK, Operation.FINISH)
    assert not domain.allowed_operations(TicketState.FINISHED)
    with pytest.raises(domain.TransitionRefused, match="is finished"):
        domain.next_state(Operation.RECALL, TicketState.FINISHED, "A001")


# ---------------------------------------------------------------------------------------
# Issuing
# ---------------------------------------------------------------------------------------


def test_numbers_per_business_type_and_the_daily_quota(hall: Hall):
    numbers = [hall.issue("general")["number"] for _ in range(3)]
    assert numbers == ["A001", "A002", "A003"]
    assert [hall.issue("social")["number"], hall.issue("market")["number"]] == ["B001", "E001"]
    first = hall.issue("general")
    assert first["number"] == "A004" and first["state"] == "waiting"
    assert first["service_date"] == datetime.now(HALL_ZONE).date().isoformat()

    # A cancelled number is never given out again.
    assert ok(hall.cancel(first["id"]))["state"] == "cancelled"
    assert hall.issue("general")["number"] == "A005"

    hall.put_business_type("civil", daily_quota=2)
    assert [hall.issue("civil")["number"] for _ in range(2)] == ["G001", "G002"]
    detail = refused(hall.kiosk.post(hall.api("/tickets"), json={"business_type": "civil"},
                                     timeout=TIMEOUT))
    assert "quota" in detail and "2" in detail
    # Raising the quota lets the day go on where it stopped.
    hall.put_business_type("civil", daily_quota=3)
    assert hall.issue("civil")["number"] == "G003"

    summary = {b["code"]: b for b in hall.summary()["business_types"]}
    assert (summary["general"]["issued"], summary["general"]["waiting"]) == (5, 4)
    assert (summary["civil"]["issued"], summary["civil"]["daily_quota"]) == (3, 3)

    assert "no business type" in refused(
        hall.kiosk.post(hall.api("/tickets"), json={"business_type": "nope"}, timeout=TIMEOUT), 404)
    for bad in ({}, {"business_type": "general", "green_channel": True},
                {"business_type": "general", "green_reason": "elderly"},
                {"business_type": "general", "green_channel": True, "green_reason": "vip"},
                {"business_type": "general", "extra": 1}, []):
        assert hall.kiosk.post(hall.api("/tickets"), json=bad, timeout=TIMEOUT).status_code == 422, bad


def test_one_waiting_ticket_per_id_number_and_business_type(hall: Hall, db_url: str):
    first = hall.issue("general", id_number=YOUNG)
    assert first["id_masked"] == f"{YOUNG[:6]}********{YOUNG[-4:]}"
    assert YOUNG not in json.dumps(first)

    again = hall.kiosk.post(hall.api("/tickets"), json={"business_type": "general",
                                                        "id_number": YOUNG.lower()}, timeout=TIMEOUT)
    detail = refused(again)
    assert first["number"] in detail and YOUNG not in detail
    # Another business type, or another person, is fine.
    assert hall.issue("social", id_number=YOUNG)["number"] == "B001"
    assert hall.issue("general", id_number=OTHER)["number"] == "A002"
    # Once the first ticket is called it no longer waits: a new one may be taken.
    ok(hall.call(1, first["id"]))
    assert hall.issue("general", id_number=YOUNG)["number"] == "A003"

    # An invalid number is refused without being echoed.
    broken = YOUNG[:-1] + ("0" if YOUNG[-1] != "0" else "1")
    response = hall.kiosk.post(hall.api("/tickets"), json={"business_type": "general", "id_number": broken},
                               timeout=TIMEOUT)
    assert response.status_code == 422 and broken not in response.text and "check" in response.text

    # The elderly green channel starts at 70, when the ID number tells the age.
    assert "70" in refused(hall.kiosk.post(hall.api("/tickets"), timeout=TIMEOUT, json={
        "business_type": "fund", "id_number": OTHER, "green_channel": True, "green_reason": "elderly"}), 422)
    old = hall.issue("fund", id_number=OLD, green_channel=True, green_reason="elderly")
    assert old["green_channel"] and old["green_reason"] == "elderly"

    # The full number is nowhere in what is read back, nor in what is stored.
    assert YOUNG not in json.dumps(hall.ticket(first["id"]))
    engine = create_engine(db_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT * FROM queue_tickets")).all()
    finally:
        engine.dispose()
    stored = repr(rows)
    assert YOUNG not in stored and YOUNG[:17] not in stored and YOUNG[6:14] not in stored
    assert f"{YOUNG[:6]}********{YOUNG[-4:]}" in stored


def _slot(minutes_from_now: int, length: int) -> tuple[str, str]:
    start = datetime.now(HALL_ZONE) + timedelta(minutes=minutes_from_now)
    return start.isoformat(), (start + timedelta(minutes=length)).isoformat()


def test_green_channel_first_then_appointments_in_their_slot_then_arrival(hall: Hall):
    now = datetime.now(HALL_ZONE)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    # A slot today that has ended long ago (a late arrival: an ordinary ticket), or one
    # starting soon (an early arrival: ordinary until its slot starts), whatever the hour now.
    if now.hour >= 2:
        outside = (midnight.isoformat(), (midnight + timedelta(hours=1)).isoformat())
    else:
        outside = _slot(20, 30)
    inside = (max(now - timedelta(minutes=5), midnight).isoformat(),
              (now + timedelta(minutes=30)).isoformat())
    tomorrow = ((midnight + timedelta(days=1, hours=9)).isoformat(),
                (midnight + timedelta(days=1, hours=10)).isoformat())
    for code, slot, kind in (("IN-SLOT", inside, "general"), ("OUT-SLOT", outside, "general"),
                             ("TOMORROW", tomorrow, "general"), ("FUND-1", inside, "fund")):
        response = hall.admin.post(hall.api("/appointments"), timeout=TIMEOUT, json={
            "code": code, "business_type": kind, "slot_start": slot[0], "slot_end": slot[1]})
        assert response.status_code == 201, response.text
        assert response.json()["checked_in"] is False
    assert "exists" in refused(hall.admin.post(hall.api("/appointments"), timeout=TIMEOUT, json={
        "code": "IN-SLOT", "business_type": "general", "slot_start": inside[0], "slot_end": inside[1]}))
    assert hall.kiosk.post(hall.api("/appointments"), timeout=TIMEOUT, json={
        "code": "KIOSK", "business_type": "general", "slot_start": inside[0],
        "slot_end": inside[1]}).status_code == 403
    assert hall.admin.post(hall.api("/appointments"), timeout=TIMEOUT, json={
        "code": "BACKWARDS", "business_type": "general", "slot_start": inside[1],
        "slot_end": inside[0]}).status_code == 422

    ordinary = hall.issue("general")
    out_of_slot = hall.issue(None, appointment_code="OUT-SLOT")
    later = hall.issue("market")
    in_slot = hall.issue(None, appointment_code="IN-SLOT")
    green = hall.issue("market", green_channel=True, green_reason="military")
    disabled = hall.issue("general", green_channel=True, green_reason="disabled")
    assert (in_slot["business_type"], in_slot["appointment_code"]) == ("general", "IN-SLOT")
    assert in_slot["slot_start"] is not None

    # Appointment codes are checked in once, on their day, for their business type.
    assert "already checked in" in refused(hall.kiosk.post(hall.api("/tickets"), timeout=TIMEOUT,
                                                           json={"appointment_code": "IN-SLOT"}))
    assert "not today" in refused(hall.kiosk.post(hall.api("/tickets"), timeout=TIMEOUT,
                                                  json={"appointment_code": "TOMORROW"}))
    assert "fund" in refused(hall.kiosk.post(hall.api("/tickets"), timeout=TIMEOUT, json={
        "appointment_code": "FUND-1", "business_type": "general"}))
    refused(hall.kiosk.post(hall.api("/tickets"), json={"appointment_code": "NOPE"}, timeout=TIMEOUT), 404)

    # Window 1 serves general and market: green (in arrival order), the appointment in its
    # slot, then everyone else by arrival, the appointment outside its slot included.
    called = []
    while (response := hall.call_next(1)).status_code == 200:
        called.append(response.json()["id"])
        hall.clear(1)
    assert refused(response, 404)
    assert called == [green["id"], disabled["id"], in_slot["id"], ordinary["id"], out_of_slot["id"],
                      later["id"]]


# ---------------------------------------------------------------------------------------
# The state machine: every operation from every state
# ---------------------------------------------------------------------------------------


def _into(hall: Hall, state: TicketState) -> dict:
    """A ticket of business type general driven into `state` through the API, with
    window 1 free afterwards unless the ticket itself is at its counter."""
    hall.clear(1)
    ticket = hall.issue("general")
    if state is TicketState.WAITING:
        return ticket
    if state is TicketState.CANCELLED:
        return ok(hall.cancel(ticket["id"]))
    ticket = ok(hall.call(1, ticket["id"]))
    if state is TicketState.CALLED:
        return ticket
    if state is TicketState.NO_SHOW:
        return ok(hall.op(1, ticket["id"], "no-show"))
    ticket = ok(hall.op(1, ticket["id"], "start"))
    if state is TicketState.SERVING:
        return ticket
    if state is TicketState.PARKED:
        return ok(hall.op(1, ticket["id"], "park"))
    if state is TicketState.FINISHED:
        return ok(hall.op(1, ticket["id"], "finish"))
    assert state is TicketState.TRANSFERRED
    ok(hall.op(1, ticket["id"], "transfer", business_type="market"))
    return hall.ticket(ticket["id"])


def _apply(hall: Hall, operation: Operation, ticket_id: int) -> requests.Response:
    if operation is Operation.CALL:
        return hall.call(1, ticket_id)
    if operation is Operation.CANCEL:
        return hall.cancel(ticket_id)
    if operation is Operation.TRANSFER:
        return hall.op(1, ticket_id, "transfer", business_type="market")
    return hall.op(1, ticket_id, operation.value.replace("_", "-"))


def test_every_operation_from_every_state(hall: Hall):
    tried = 0
    for state in TicketState:
        for operation in Operation:
            ticket = _into(hall, state)
            assert ticket["state"] == state.value
            response = _apply(hall, operation, ticket["id"])
            where = f"{operation.value} from {state.value}"
            if not domain.can(operation, state):
                assert response.status_code == 409, (where, response.text)
                assert f"is {state.value}" in response.json()["detail"], where
                assert hall.ticket(ticket["id"])["state"] == state.value, where
            else:
                assert response.status_code == 200, (where, response.text)
                body = response.json()
                expected = domain.TRANSITIONS[operation][state]
                if operation is Operation.TRANSFER:
                    # The answer is the new record, waiting in the target queue; the old one ended.
                    assert (body["state"], body["business_type"]) == ("waiting", "market"), where
                    assert body["transferred_from"] == ticket["id"]
                    assert body["number"] == ticket["number"] and body["arrived_at"] == ticket["arrived_at"]
                    assert hall.ticket(ticket["id"])["state"] == expected.value, where
                else:
                    assert body["id"] == ticket["id"], where
                    assert body["state"] == expected.value, where
                    assert hall.ticket(ticket["id"])["state"] == expected.value, where
            tried += 1
    assert tried == len(TicketState) * len(Operation) == 72


def test_operations_belong_to_the_window_that_holds_the_ticket(hall: Hall):
    ticket = hall.issue("general")
    ok(hall.call(1, ticket["id"]))
    # Window 2 serves general too, but the ticket is at window 1's counter.
    for path in ("recall", "start", "no-show"):
        assert "window 1" in refused(hall.op(2, ticket["id"], path))
    # Window 1 is busy until its ticket is dealt with, whether calling next or by number.
    second = hall.issue("general")
    assert "A001" in refused(hall.call_next(1))
    assert "still has" in refused(hall.clerk(1).post(hall.api("/call"), json={"number": second["number"]},
                                                     timeout=TIMEOUT))
    # Window 3 does not serve general.
    assert "does not serve" in refused(hall.call(3, second["id"]))
    assert ok(hall.clerk(2).post(hall.api("/call"), json={"number": second["number"]},
                                 timeout=TIMEOUT))["id"] == second["id"]


def test_recall_counts_calls_until_no_show(hall: Hall):
    ticket = hall.issue("social")
    called = ok(hall.call_next(3))
    assert (called["id"], called["call_count"], called["window"]) == (ticket["id"], 1, 3)
    assert ok(hall.op(3, ticket["id"], "recall"))["call_count"] == 2
    third = ok(hall.op(3, ticket["id"], "recall"))
    assert (third["state"], third["call_count"]) == ("called", 3)
    # Three calls went unanswered: asking again ends the ticket.
    gone = ok(hall.op(3, ticket["id"], "recall"))
    assert gone["state"] == "no_show" and gone["ended_at"] is not None
    assert hall.window(3)["ticket"] is None
    assert "is no_show" in refused(hall.op(3, ticket["id"], "recall"))


def test_park_call_back_and_transfer(hall: Hall, hall_server: HallServer):
    parked = hall.issue("general", id_number=YOUNG)
    ok(hall.call_next(1))
    ok(hall.op(1, parked["id"], "start"))
    ok(hall.op(1, parked["id"], "park"))
    assert hall.window(1)["ticket"] is None and hall.window(1)["parked"] == 1
    listed = ok(hall.clerk(1).get(hall.api("/windows/1/parked"), timeout=TIMEOUT))
    assert [t["id"] for t in listed] == [parked["id"]]
    assert hall.clerk(2).get(hall.api("/windows/1/parked"), timeout=TIMEOUT).status_code == 403
    supervisor = hall_server.login("supervisor")
    assert len(ok(supervisor.get(hall.api("/windows/1/parked"), timeout=TIMEOUT))) == 1

    # The window serves someone else meanwhile, then calls the parked applicant back.
    other = hall.issue("general")
    assert ok(hall.call_next(1))["id"] == other["id"]
    assert "still has" in refused(hall.op(1, parked["id"], "call-back"))
    ok(hall.op(1, other["id"], "start"))
    ok(hall.op(1, other["id"], "finish"))
    assert "window 1" in refused(hall.op(2, parked["id"], "call-back"))
    back = ok(hall.op(1, parked["id"], "call-back"))
    assert (back["state"], back["call_count"]) == ("called", 1)
    ok(hall.op(1, parked["id"], "start"))

    # Transfer to another business type: same number, original arrival, back to waiting.
    refused(hall.op(1, parked["id"], "transfer"), 422)
    assert "already in" in refused(hall.op(1, parked["id"], "transfer", business_type="general"), 422)
    moved = ok(hall.op(1, parked["id"], "transfer", business_type="social"))
    assert (moved["number"], moved["arrived_at"], moved["id_masked"]) == (
        parked["number"], parked["arrived_at"], parked["id_masked"])
    assert moved["state"] == "waiting" and moved["business_type"] == "social"
    assert hall.ticket(parked["id"])["state"] == "transferred"
    assert hall.window(1)["ticket"] is None
    # A later social ticket waits behind it: the transfer kept its place by arrival.
    hall.issue("social")
    assert ok(hall.call_next(3))["id"] == moved["id"]
    ok(hall.op(3, moved["id"], "start"))

    # Transfer to a window: only that window calls it.
    to_window = ok(hall.op(3, moved["id"], "transfer", window=5))
    assert (to_window["target_window"], to_window["business_type"]) == (5, "social")
    assert ok(hall.call_next(3))["id"] != to_window["id"]
    hall.clerk(5)  # a clerk is at window 5, so its AB角 backup (window 4) does not cover it
    assert "window 5" in refused(hall.call(4, to_window["id"]))
    assert ok(hall.call_next(5))["id"] == to_window["id"]


def test_pause_blocks_calling_at_that_window_only(hall: Hall):
    for _ in range(3):
        hall.issue("general")
    paused = ok(hall.clerk(1).post(hall.api("/window/pause"), timeout=TIMEOUT))
    assert paused["paused"] is True and paused["number"] == 1
    assert "already paused" in refused(hall.clerk(1).post(hall.api("/window/pause"), timeout=TIMEOUT))
    assert "paused" in refused(hall.call_next(1))
    assert "paused" in refused(hall.clerk(1).post(hall.api("/call"), json={"number": "A002"},
                                                  timeout=TIMEOUT))
    assert ok(hall.call_next(2))["number"] == "A001"
    windows = {w["number"]: w for w in hall.summary()["windows"]}
    assert windows[1]["paused"] and not windows[2]["paused"]
    assert windows[2]["ticket"]["number"] == "A001"
    assert ok(hall.clerk(1).post(hall.api("/window/resume"), timeout=TIMEOUT))["paused"] is False
    assert "not paused" in refused(hall.clerk(1).post(hall.api("/window/resume"), timeout=TIMEOUT))
    assert ok(hall.call_next(1))["number"] == "A002"


def test_who_may_do_what(hall: Hall, hall_server: HallServer):
    ticket = hall.issue("general")
    workstation = hall_server.device_session("workstation", 1)  # no one logged in
    supervisor = hall_server.login("supervisor")
    admin_at_window = hall.admin
    for session in (hall.kiosk, hall.display, workstation, supervisor, admin_at_window):
        assert session.post(hall.api("/call-next"), timeout=TIMEOUT).status_code == 403
        assert session.post(hall.api(f"/tickets/{ticket['id']}/recall"), timeout=TIMEOUT).status_code == 403
        assert session.post(hall.api("/window/pause"), timeout=TIMEOUT).status_code == 403
    for session in (hall.display, hall.clerk(1), supervisor, workstation):
        assert session.post(hall.api("/tickets"), json={"business_type": "general"},
                            timeout=TIMEOUT).status_code == 403
        assert session.post(hall.api(f"/tickets/{ticket['id']}/cancel"), timeout=TIMEOUT).status_code == 403
    assert hall.display.get(hall.api(f"/tickets/{ticket['id']}"), timeout=TIMEOUT).status_code == 403
    for session in (hall.kiosk, hall.display, hall.clerk(1), supervisor, hall.admin):
        assert session.get(hall.api("/summary"), timeout=TIMEOUT).status_code == 200
    for session in (hall.kiosk, hall.clerk(1), supervisor):
        assert session.get(hall.api(f"/tickets/{ticket['id']}"), timeout=TIMEOUT).status_code == 200
    assert requests.get(hall.api("/summary"), timeout=TIMEOUT).status_code == 401
    # An admin may issue (at the front desk) and cancel.
    assert hall.admin.post(hall.api("/tickets"), json={"business_type": "general"},
                           timeout=TIMEOUT).status_code == 201
    assert ok(hall.admin.post(hall.api(f"/tickets/{ticket['id']}/cancel"), timeout=TIMEOUT))["state"] == "cancelled"
    refused(hall.admin.get(hall.api("/tickets/999999"), timeout=TIMEOUT), 404)
    refused(hall.op(1, 999999, "start"), 404)
    # A window missing from the reference data cannot call.
    assert "not set up" in refused(hall.call_next(42))


# ---------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------


class Stream:
    """An SSE stream read by a thread; `next(kind)` takes that kind's events in order."""

    def __init__(self, session: requests.Session, url: str) -> None:
        self.response = session.get(url, stream=True, timeout=(10, 60))
        assert self.response.status_code == 200
        self.events: list[tuple[str, dict]] = []
        self.raw: list[str] = []
        self._seen: dict[str, int] = {}
        self._changed = threading.Condition()
        self.connected = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.connected.wait(10)

    def _read(self) -> None:
        kind, data = "", []
        try:
            for raw in self.response.iter_lines(chunk_size=None):
                line = raw.decode() if isinstance(raw, bytes) else raw
                self.raw.append(line)
                if line.startswith(":"):
                    self.connected.set()
                elif line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif not line and data:
                    with self._changed:
                        self.events.append((kind, json.loads("\n".join(data))["data"]))
                        self._changed.notify_all()
                    kind, data = "", []
        except (requests.RequestException, OSError, ValueError, AttributeError):
            pass

    def next(self, kind: str, where=lambda data: True, timeout: float = 5.0) -> dict:
        """The next event of `kind` (after those already taken) that satisfies `where`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                start = self._seen.get(kind, 0)
                for index in range(start, len(self.events)):
                    got, data = self.events[index]
                    if got == kind:
                        self._seen[kind] = index + 1
                        if where(data):
                            return data
                        start = index + 1
                self._seen[kind] = max(self._seen.get(kind, 0), start)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching {kind} event within {timeout} s: {self.events}")
                self._changed.wait(left)

    def close(self) -> None:
        sock = getattr(getattr(self.response.raw, "connection", None), "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.response.close()


def test_calls_reach_the_hall_display_without_id_numbers(hall: Hall, hall_server: HallServer):
    display = Stream(hall.display, hall_server.api("/events"))
    supervisor = Stream(hall_server.login("supervisor"), hall_server.api("/events"))
    try:
        ticket = hall.issue("estate", id_number=YOUNG)
        counts = display.next("queue.counts", lambda d: d["waiting"]["estate"] == 1)
        assert counts["waiting"]["general"] == 0
        issued = display.next("ticket.state")
        assert (issued["number"], issued["state"]) == ("D001", "waiting")

        ok(hall.call_next(5))
        called = display.next("ticket.called")
        assert called == {"ticket_id": ticket["id"], "number": "D001", "window": 5,
                          "window_name": called["window_name"], "business_type": "estate",
                          "business_type_name": "不动产登记", "call_count": 1, "recall": False}
        assert "5" in called["window_name"]
        window = display.next("window.state")
        assert (window["number"], window["ticket"]["number"], window["ticket"]["state"]) == (5, "D001", "called")
        display.next("queue.counts", lambda d: d["waiting"]["estate"] == 0)
        assert supervisor.next("ticket.called")["number"] == "D001"

        ok(hall.op(5, ticket["id"], "recall"))
        assert display.next("ticket.called")["recall"] is True
        ok(hall.op(5, ticket["id"], "start"))
        assert display.next("ticket.state")["state"] == "serving"
        ok(hall.clerk(5).post(hall.api("/window/pause"), timeout=TIMEOUT))
        paused = display.next("window.state", lambda d: d["paused"])
        assert paused["paused"] is True and paused["ticket"]["state"] == "serving"

        everything = "\n".join(display.raw + supervisor.raw)
        assert YOUNG not in everything
        assert "id_masked" not in everything and "id_hash" not in everything
    finally:
        display.close()
        supervisor.close()
