"""Appointments (预约, issue #16) over real HTTP against a real server process, on SQLite and
PostgreSQL: slots with capacity per business type, booking by the clerk (at the counter
or on the phone) with its refusals, 12 bookings at once for a slot of 3, the province's
import whole or not at all, and the kiosk's check-in by code or ID card with the hall's
early and late rules: a checked-in appointment is called before ordinary tickets issued
earlier.

The server runs in a hall time zone where it is mid-morning now (tests/support/hall_clock),
so slots before and after now fall on one hall day at whatever hour the tests run."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import create_engine, pool, text

from tests.server.test_queue import TIMEOUT, Hall, id_number, ok, refused
from tests.support.hall_clock import morning_zone
from tests.support.hall_server import HallServer
from workstation.domain import queue as domain

PEOPLE = [id_number(f"1101011990{month:02d}{day:02d}{n:03d}") for month, day, n in
          ((1, 3, 101), (2, 4, 202), (3, 5, 303), (4, 6, 404), (5, 7, 505), (6, 8, 606), (7, 9, 707),
           (8, 10, 808), (9, 11, 909), (10, 12, 111), (11, 13, 222), (12, 14, 333), (1, 15, 444),
           (2, 16, 555), (3, 17, 666))]


@pytest.fixture
def zone() -> ZoneInfo:
    return ZoneInfo(morning_zone())


@pytest.fixture
def hall(request, db_url, tmp_path, demo_hall_seed, zone) -> Hall:
    """The demo hall in a time zone where it is about ten in the morning."""
    if db_url.startswith("sqlite"):
        demo_hall_seed.fill_sqlite(db_url)
    else:
        demo_hall_seed.fill_postgres(request.getfixturevalue("pg"), db_url)
    server = HallServer(db_url, demo=True, home=tmp_path / "home",
                        env={"COUNTER_HALL_TIMEZONE": zone.key}).start()
    yield Hall(server)
    server.stop()


def _book(session: requests.Session, hall: Hall, slot: datetime, person: str, business_type: str = "general",
          channel: str = "counter") -> requests.Response:
    return session.post(hall.api("/appointments/book"), timeout=TIMEOUT, json={
        "business_type": business_type, "slot_start": slot.isoformat(), "id_number": person, "channel": channel})


def _slots(session: requests.Session, hall: Hall, day=None, business_type: str = "general") -> dict:
    params = {"business_type": business_type}
    if day is not None:
        params["day"] = day.isoformat()
    return ok(session.get(hall.api("/appointments/slots"), params=params, timeout=TIMEOUT))


def _at(day, hhmm: str, zone: ZoneInfo) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def _rows(hall: Hall) -> list[dict]:
    engine = create_engine(hall.server.db_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(text("SELECT * FROM queue_appointments")).mappings()]
    finally:
        engine.dispose()


def test_the_plan_cuts_periods_into_slots_and_an_appointment_keeps_its_rank_until_called():
    from workstation.protocol.reference import AppointmentPlan

    plan = AppointmentPlan(periods=("09:00-11:30", "13:30-17:00"), slot_minutes=30, capacity=3)
    shanghai = ZoneInfo("Asia/Shanghai")
    slots = plan.slots(datetime(2026, 12, 7).date(), shanghai)
    assert [s.strftime("%H:%M") for s, _ in slots] == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00",
        "16:30"]
    assert (plan.early_minutes, plan.late_minutes) == (30, 15)
    with pytest.raises(ValueError):
        AppointmentPlan(periods=("13:30-17:00", "09:00-11:30"), capacity=3)
    with pytest.raises(ValueError):
        AppointmentPlan(periods=("9:00-11:30",), capacity=3)
    # Checked in in time, a ticket ranks as an appointment from its slot's start until it
    # is called, past the slot's end too; before the start it is ordinary.
    start = slots[0][0]
    candidate = domain.Candidate(1, "general", start, slot_start=start, slot_end=slots[0][1])
    assert not candidate.in_slot(start - timedelta(minutes=1))
    assert candidate.in_slot(start) and candidate.in_slot(start + timedelta(hours=2))


def test_booking_a_slot_by_the_clerk_and_its_refusals(hall: Hall, zone: ZoneInfo):
    clerk = hall.clerk(1)
    now = datetime.now(zone)
    today, tomorrow = now.date(), now.date() + timedelta(days=1)

    page = _slots(clerk, hall)
    assert page["day"] == today.isoformat() and page["today"] == today.isoformat()
    assert (page["late_minutes"], page["early_minutes"], page["days_ahead"]) == (15, 30, 14)
    assert len(page["slots"]) == 12 and {s["capacity"] for s in page["slots"]} == {3}
    assert page["slots"][0]["free"] == 0  # 09:00-09:30 has ended: it is ten o'clock
    assert _slots(hall.kiosk, hall, business_type="estate")["slots"][0]["capacity"] == 2
    assert "不接受预约" in refused(clerk.get(hall.api("/appointments/slots"), timeout=TIMEOUT,
                                         params={"business_type": "fund"}))

    nine = _at(tomorrow, "09:00", zone)
    first = _book(clerk, hall, nine, PEOPLE[0])
    assert first.status_code == 201, first.text
    booked = first.json()
    assert len(booked["code"]) == 8 and booked["code"].isdigit()
    assert booked["channel"] == "counter" and booked["id_masked"] == domain.mask_id_number(PEOPLE[0])
    assert datetime.fromisoformat(booked["slot_end"]) == nine + timedelta(minutes=30)
    assert _book(clerk, hall, nine, PEOPLE[1], channel="phone").json()["channel"] == "phone"
    # Zone-less times are the hall's wall clock.
    assert _book(clerk, hall, nine.replace(tzinfo=None), PEOPLE[2]).status_code == 201

    assert "该时段已约满" in refused(_book(clerk, hall, nine, PEOPLE[3]))
    assert "已有预约" in refused(_book(clerk, hall, _at(tomorrow, "14:00", zone), PEOPLE[0]))
    assert _book(clerk, hall, _at(tomorrow, "14:00", zone), PEOPLE[0], business_type="social").status_code == 201
    assert "不在预约时段" in refused(_book(clerk, hall, _at(tomorrow, "09:10", zone), PEOPLE[3]), 422)
    assert "不在预约时段" in refused(_book(clerk, hall, _at(tomorrow, "12:00", zone), PEOPLE[3]), 422)
    assert "该时段已过" in refused(_book(clerk, hall, _at(today, "09:00", zone), PEOPLE[3]))
    assert "天内" in refused(_book(clerk, hall, _at(today + timedelta(days=15), "09:00", zone), PEOPLE[3]))
    assert "不接受预约" in refused(_book(clerk, hall, _at(tomorrow, "09:00", zone), PEOPLE[3], business_type="fund"))
    assert _book(clerk, hall, nine, PEOPLE[3], channel="import").status_code == 422  # a clerk books by hand
    assert hall.kiosk.post(hall.api("/appointments/book"), timeout=TIMEOUT, json={
        "business_type": "general", "slot_start": nine.isoformat(), "id_number": PEOPLE[3]}).status_code == 403

    by_start = {s["start"]: s for s in _slots(clerk, hall, tomorrow)["slots"]}
    assert [(s["booked"], s["free"]) for s in by_start.values()][:2] == [(3, 0), (0, 3)]
    # The database holds the keyed hash and the masked number, never the number.
    rows = _rows(hall)
    assert len(rows) == 4
    assert {r["booked_by"] for r in rows} == {"clerk1"}
    for row in rows:
        assert not any(person in str(value) for value in row.values() for person in PEOPLE)
        assert len(row["id_hash"]) == 64 and "*" in row["id_masked"]


def test_twelve_bookings_at_once_for_a_slot_of_three_give_exactly_three(hall: Hall, zone: ZoneInfo):
    token = hall.clerk(1).headers["Authorization"]
    slot = _at(datetime.now(zone).date() + timedelta(days=1), "10:00", zone)
    answers: list[requests.Response] = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def book(person: str) -> None:
        with requests.Session() as session:
            session.headers["Authorization"] = token
            start.wait()
            answer = _book(session, hall, slot, person)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=book, args=(person,)) for person in PEOPLE[:12]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201] * 3 + [409] * 9, [a.text for a in answers]
    assert all("该时段已约满" in a.json()["detail"] for a in answers if a.status_code == 409)
    assert len({a.json()["code"] for a in answers if a.status_code == 201}) == 3
    slot_row = next(s for s in _slots(hall.clerk(1), hall, slot.date())["slots"]
                    if datetime.fromisoformat(s["start"]) == slot)
    assert (slot_row["booked"], slot_row["free"]) == (3, 0)


def test_the_provinces_import_is_whole_or_nothing(hall: Hall, zone: ZoneInfo):
    tomorrow = datetime.now(zone).date() + timedelta(days=1)
    eleven = _at(tomorrow, "11:00", zone)
    for person in PEOPLE[:2]:
        assert _book(hall.clerk(1), hall, eleven, person).status_code == 201

    def row(code: str, person: str | None, start: datetime = eleven, business_type: str = "general") -> dict:
        entry = {"code": code, "business_type": business_type, "slot_start": start.isoformat(),
                 "slot_end": (start + timedelta(minutes=30)).isoformat()}
        if person:
            entry["id_number"] = person
        return entry

    def post(*rows: dict) -> requests.Response:
        return hall.admin.post(hall.api("/appointments/import"), json={"appointments": list(rows)},
                               timeout=TIMEOUT)

    # One place is left at 11:00: two rows for it are one too many, and nothing is added.
    over = post(row("PV-0001", PEOPLE[5], _at(tomorrow, "09:30", zone)), row("PV-0002", PEOPLE[2]),
                row("PV-0003", PEOPLE[3]))
    assert over.status_code == 409, over.text
    assert over.json()["over_capacity"] == ["PV-0003"] and over.json()["added"] == 0
    assert [s["booked"] for s in _slots(hall.admin, hall, tomorrow)["slots"][:5]] == [0, 0, 0, 0, 2]

    done = post(row("PV-0001", PEOPLE[5], _at(tomorrow, "09:30", zone)), row("PV-0002", PEOPLE[2]),
                row("PV-F01", None, _at(tomorrow, "08:10", zone), "fund"))  # no plan: any slot
    assert ok(done) == {"added": 3, "unchanged": 0, "over_capacity": [], "detail": None}
    again = post(row("PV-0001", PEOPLE[5], _at(tomorrow, "09:30", zone)), row("PV-0004", PEOPLE[6],
                                                                              _at(tomorrow, "14:00", zone)))
    assert (ok(again)["added"], again.json()["unchanged"]) == (1, 1)
    # Whole or nothing: one bad row refuses the rest with it, naming the row.
    for bad, status, words in (
            (row("PV-0001", PEOPLE[5], _at(tomorrow, "10:00", zone)), 409, "内容不同"),
            (row("PV-0006", PEOPLE[7], _at(tomorrow, "09:10", zone)), 422, "不在预约时段"),
            (row("PV-0007", PEOPLE[2], _at(tomorrow, "15:00", zone)), 409, "已有预约"),
            (row("PV-0008", PEOPLE[8], business_type="nosuch"), 422, "没有这项业务")):
        answer = post(row("PV-0005", PEOPLE[9], _at(tomorrow, "16:00", zone)), bad)
        assert answer.status_code == status and words in answer.json()["detail"], answer.text
    assert {r["code"] for r in _rows(hall) if r["channel"] == "import"} == {"PV-0001", "PV-0002", "PV-F01",
                                                                           "PV-0004"}
    assert post(*[row(f"X{n:05d}", None) for n in range(5001)]).status_code == 422  # 5,000 at most

    # IT's command line runs the same import beside the running server.
    file = hall.server.home / "province.json"
    file.write_text(json.dumps([row("PV-0009", PEOPLE[10], _at(tomorrow, "16:30", zone))]), encoding="utf-8")
    done = hall.server.run_cli("import-appointments", str(file))
    assert done.returncode == 0 and "1 appointments added" in done.stdout, done.stderr
    file.write_text(json.dumps({"appointments": [row("PV-0010", PEOPLE[11]), row("PV-0011", PEOPLE[12])]}),
                    encoding="utf-8")  # 11:00 is full now
    refused_ = hall.server.run_cli("import-appointments", str(file))
    assert refused_.returncode == 2 and "PV-0010" in refused_.stderr and "nothing was changed" in refused_.stderr
    assert hall.clerk(1).post(hall.api("/appointments/import"), json={"appointments": []},
                              timeout=TIMEOUT).status_code == 403


def test_kiosk_check_in_by_code_or_id_card_follows_the_halls_rules(hall: Hall, zone: ZoneInfo):
    """On time (or up to 15 minutes after the slot's end): ahead of ordinary tickets issued
    earlier. Early (within 30 minutes of the start): a ticket, ordinary until the slot
    starts. Earlier: told when to come back. Later than 15 minutes: an ordinary ticket."""
    now = datetime.now(zone)

    def appointment(code: str, minutes_from_now: int, person: str | None = None) -> None:
        start = now + timedelta(minutes=minutes_from_now)
        body = {"code": code, "business_type": "general", "slot_start": start.isoformat(),
                "slot_end": (start + timedelta(minutes=30)).isoformat()}
        if person:
            body["id_number"] = person
        answer = hall.admin.post(hall.api("/appointments"), json=body, timeout=TIMEOUT)
        assert answer.status_code == 201, answer.text
        assert answer.json()["channel"] == "admin"

    appointment("ONTIME", -10)
    appointment("BYCARD", -5, PEOPLE[0])
    appointment("LATE-OK", -40)  # ended 10 minutes ago: within the 15
    appointment("EARLY", 20)
    appointment("TOO-EARLY", 45)
    appointment("TOO-LATE", -60)  # ended 30 minutes ago

    ordinary = [hall.issue("general"), hall.issue("general")]
    on_time = hall.issue(None, appointment_code="ONTIME")
    by_card = hall.issue(None, appointment_by_id=True, id_number=PEOPLE[0])
    late_ok = hall.issue(None, appointment_code="LATE-OK")
    early = hall.issue(None, appointment_code="EARLY")
    too_early = refused(hall.kiosk.post(hall.api("/tickets"), json={"appointment_code": "TOO-EARLY"},
                                        timeout=TIMEOUT))
    opens = (now + timedelta(minutes=15)).strftime("%H:%M")
    assert f"check in from {opens}" in too_early
    too_late = hall.issue(None, appointment_code="TOO-LATE")

    assert [t["appointment_arrival"] for t in (on_time, by_card, late_ok, early, too_late)] == [
        "on_time", "on_time", "on_time", "early", "late"]
    assert by_card["appointment_code"] == "BYCARD" and by_card["id_masked"] == domain.mask_id_number(PEOPLE[0])
    assert too_late["slot_start"] is None and early["slot_start"] is not None
    assert ordinary[0]["appointment_arrival"] is None
    # Checked in once; a card without an appointment today is told so.
    assert "already checked in" in refused(hall.kiosk.post(hall.api("/tickets"), timeout=TIMEOUT, json={
        "appointment_by_id": True, "id_number": PEOPLE[0]}))
    assert "no appointment today" in refused(hall.kiosk.post(hall.api("/tickets"), timeout=TIMEOUT, json={
        "appointment_by_id": True, "id_number": PEOPLE[1]}), 404)
    assert hall.kiosk.post(hall.api("/tickets"), json={"appointment_by_id": True},
                           timeout=TIMEOUT).status_code == 422

    called = []
    while (answer := hall.call_next(1)).status_code == 200:
        called.append(answer.json()["id"])
        hall.clear(1)
    assert called == [on_time["id"], by_card["id"], late_ok["id"], ordinary[0]["id"], ordinary[1]["id"],
                      early["id"], too_late["id"]]

