"""What the supervisor's monitoring view (#13) reads from the queue, over real HTTP
against a real server process, on SQLite and PostgreSQL: a paused window's whereabouts
(去向公开), the AB角 backup window serving a paused or unattended window, the statistics
columns fixed on each ticket, and the waiting estimate."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, pool, text

from tests.server.test_queue import TIMEOUT, Hall, Stream, ok, refused
from tests.support.hall_server import HallServer
from workstation.protocol import queue as wire

HALL_ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def hall(hall_server: HallServer) -> Hall:
    return Hall(hall_server)


def pause(hall: Hall, window: int, body: dict | None = None, expect: int = 200) -> dict:
    response = hall.clerk(window).post(hall.api("/window/pause"), json=body, timeout=TIMEOUT)
    assert response.status_code == expect, response.text
    return response.json()


def resume(hall: Hall, window: int) -> dict:
    return ok(hall.clerk(window).post(hall.api("/window/resume"), timeout=TIMEOUT))


def summary_window(hall: Hall, number: int) -> dict:
    return {w["number"]: w for w in hall.summary()["windows"]}[number]


def columns(db_url: str, ticket_id: int) -> dict:
    """The statistics columns of one ticket record, as the database holds them."""
    engine = create_engine(db_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT clerk, wait_seconds, service_seconds FROM queue_tickets "
                                    "WHERE id = :id"), {"id": ticket_id}).mappings().one()
        return dict(row)
    finally:
        engine.dispose()


def at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# ---------------------------------------------------------------------------------------
# 去向公开
# ---------------------------------------------------------------------------------------


def test_a_paused_window_tells_where_its_clerk_went_until_it_resumes(hall: Hall, hall_server: HallServer):
    display = Stream(hall.display, hall_server.api("/events"))
    try:
        back = (datetime.now(HALL_ZONE) + timedelta(minutes=30)).replace(second=0, microsecond=0)
        # The clerk's return time in the hall's local time, without a zone, as the dialog sends it.
        paused = pause(hall, 1, {"reason": "meeting", "note": "", "until": back.replace(tzinfo=None).isoformat()})
        assert paused["paused"] is True and paused["backup"] == 2
        info = paused["pause"]
        assert info["reason"] == "meeting" and at(info["until"]) == back
        assert abs((at(info["since"]) - datetime.now(UTC)).total_seconds()) < 30

        event = display.next("window.state", lambda d: d["number"] == 1)
        assert event["pause"] == info
        # Its backup, window 2, now serves it: announced in the same breath.
        assert display.next("window.state", lambda d: d["number"] == 2)["covering"] == [1]
        assert summary_window(hall, 1)["pause"] == info
        assert hall.window(1)["pause"] == info

        resumed = resume(hall, 1)
        assert resumed["paused"] is False and resumed["pause"] is None
        assert display.next("window.state", lambda d: d["number"] == 1)["pause"] is None
        assert summary_window(hall, 1)["pause"] is None and hall.window(1)["pause"] is None

        # Its own words, for somewhere not on the list; they are required there.
        assert pause(hall, 1, {"reason": "other", "note": "  "}, expect=422)
        errand = pause(hall, 1, {"reason": "other", "note": "去档案室取卷宗"})["pause"]
        assert (errand["reason"], errand["note"], errand["until"]) == ("other", "去档案室取卷宗", None)
        resume(hall, 1)
        # A return time already past is refused rather than shown.
        past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
        assert "passed" in pause(hall, 1, {"reason": "break", "until": past}, expect=422)["detail"]
        assert summary_window(hall, 1)["paused"] is False
    finally:
        display.close()


def test_a_pause_without_a_body_still_works(hall: Hall):
    # A workstation of before the whereabouts sends no body at all.
    response = hall.clerk(2).post(hall.api("/window/pause"), timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    state = response.json()
    assert state["paused"] is True and state["pause"]["reason"] == "other" and state["pause"]["note"] == ""
    assert state["pause"]["until"] is None and state["pause"]["since"] is not None
    assert "paused" in refused(hall.call_next(2))
    assert resume(hall, 2)["pause"] is None


# ---------------------------------------------------------------------------------------
# AB角
# ---------------------------------------------------------------------------------------


def test_the_backup_window_serves_a_window_only_while_it_is_paused_or_unattended(hall: Hall,
                                                                                hall_server: HallServer):
    # Window 6 (police, civil) backs up window 3 (social, civil).
    hall.clerk(3), hall.clerk(6)
    social = hall.issue("social")
    # A general ticket transferred to window 3 by name: only window 3 (or its cover) calls it.
    general = hall.issue("general")
    ok(hall.call(1, general["id"]))
    ok(hall.op(1, general["id"], "start"))
    to_three = ok(hall.op(1, general["id"], "transfer", window=3))

    # Window 3 is open: window 6 serves neither.
    assert summary_window(hall, 6)["covering"] == [] and summary_window(hall, 3)["backup"] == 6
    assert "no ticket is waiting" in refused(hall.call_next(6), 404)
    assert "business type" in refused(hall.call(6, social["id"]))
    assert "window 3" in refused(hall.call(6, to_three["id"]))

    # Window 3 pauses: window 6 calls its business and what was sent to it, by arrival.
    pause(hall, 3, {"reason": "training"})
    assert summary_window(hall, 6)["covering"] == [3] and hall.window(6)["covering"] == [3]
    first = ok(hall.call_next(6))
    assert (first["id"], first["window"]) == (social["id"], 6)
    hall.clear(6)
    assert ok(hall.call(6, to_three["id"]))["window"] == 6  # by number too
    hall.clear(6)

    # Window 3 resumes: its tickets are its own again.
    resume(hall, 3)
    assert summary_window(hall, 6)["covering"] == []
    later = hall.issue("social")
    assert "no ticket is waiting" in refused(hall.call_next(6), 404)
    assert "business type" in refused(hall.call(6, later["id"]))

    # Nobody logged in at window 3 (its clerk logged out): window 6 covers it again.
    assert hall.clerk(3).post(hall_server.api("/logout"), timeout=TIMEOUT).status_code == 204
    assert summary_window(hall, 6)["covering"] == [3]
    assert ok(hall.call_next(6))["id"] == later["id"]
    # Nobody ever logged in at windows 2, 4 or 5 in this test: each pair covers the other.
    covering = {w["number"]: w["covering"] for w in hall.summary()["windows"]}
    assert covering == {1: [2], 2: [], 3: [], 4: [5], 5: [4], 6: [3]}


# ---------------------------------------------------------------------------------------
# The statistics columns and the waiting estimate
# ---------------------------------------------------------------------------------------


def test_each_ticket_keeps_who_called_it_and_its_wait_and_service_seconds(hall: Hall, db_url: str):
    ticket = hall.issue("general")
    assert columns(db_url, ticket["id"]) == {"clerk": None, "wait_seconds": None, "service_seconds": None}
    called = ok(hall.call_next(1))
    started = ok(hall.op(1, ticket["id"], "start"))
    finished = ok(hall.op(1, ticket["id"], "finish"))
    wait = round((at(called["called_at"]) - at(ticket["issued_at"])).total_seconds())
    service = round((at(finished["ended_at"]) - at(started["served_at"])).total_seconds())
    assert columns(db_url, ticket["id"]) == {"clerk": "clerk1", "wait_seconds": wait, "service_seconds": service}

    # A transfer ends one record's service; the new record's wait starts at the transfer
    # and ends when another window (another clerk) calls it.
    moved = hall.issue("general")
    ok(hall.call_next(1))
    ok(hall.op(1, moved["id"], "start"))
    new = ok(hall.op(1, moved["id"], "transfer", business_type="social"))
    old = hall.ticket(moved["id"])
    assert columns(db_url, moved["id"])["service_seconds"] == round(
        (at(old["ended_at"]) - at(old["served_at"])).total_seconds())
    assert columns(db_url, new["id"]) == {"clerk": None, "wait_seconds": None, "service_seconds": None}
    by_number = ok(hall.clerk(3).post(hall.api("/call"), json={"number": new["number"]}, timeout=TIMEOUT))
    assert by_number["id"] == new["id"]
    assert columns(db_url, new["id"]) == {
        "clerk": "clerk3", "service_seconds": None,
        "wait_seconds": round((at(by_number["called_at"]) - at(new["issued_at"])).total_seconds())}
    # A no-show was never served: no service seconds.
    ok(hall.op(3, new["id"], "no-show"))
    assert columns(db_url, new["id"])["service_seconds"] is None


def test_the_waiting_estimate_follows_service_times_and_open_windows(hall: Hall, db_url: str):
    hall.clerk(1), hall.clerk(2)  # windows 1 and 2 both serve general
    done = []
    for _ in range(2):
        ticket = hall.issue("general")
        ok(hall.call_next(1))
        ok(hall.op(1, ticket["id"], "start"))
        ok(hall.op(1, ticket["id"], "finish"))
        done.append(ticket["id"])
    general = {b["code"]: b for b in hall.summary()["business_types"]}["general"]
    assert general["average_service_seconds"] is not None and general["estimated_wait_minutes"] == 0
    # As if they had taken 5 and 10 minutes: the test cannot wait that long.
    engine = create_engine(db_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        for ticket_id, seconds in zip(done, (300, 600), strict=True):
            conn.execute(text("UPDATE queue_tickets SET service_seconds = :s WHERE id = :id"),
                         {"s": seconds, "id": ticket_id})
    engine.dispose()
    for _ in range(7):
        hall.issue("general")

    def counted(code: str) -> dict:
        return {b["code"]: b for b in hall.summary()["business_types"]}[code]

    general = counted("general")
    assert general["waiting"] == 7 and general["average_service_seconds"] == 450.0
    assert general["estimated_wait_minutes"] == math.ceil(7 * 450 / 60 / 2) == 27
    # Window 2 pauses: one window serves general now.
    pause(hall, 2, {"reason": "break"})
    assert counted("general")["estimated_wait_minutes"] == math.ceil(7 * 450 / 60 / 1) == 53
    # Nothing finished yet today: unknown, not zero.
    assert counted("police")["average_service_seconds"] is None
    assert counted("police")["estimated_wait_minutes"] is None
    # Both windows away: nobody serves general, so no estimate.
    pause(hall, 1, {"reason": "meeting"})
    assert counted("general")["estimated_wait_minutes"] is None
    assert wire.QueueSummary.model_validate(hall.summary())  # the wire contract holds


def test_the_estimate_arithmetic():
    from server.queue import estimated_wait

    assert estimated_wait(7, 450.0, 2) == 27  # 26.25 minutes, rounded up
    assert estimated_wait(0, 450.0, 2) == 0
    assert estimated_wait(1, 30.0, 3) == 1  # ten seconds is still a minute to say
    assert estimated_wait(5, None, 2) is None
    assert estimated_wait(5, 120.0, 0) is None
