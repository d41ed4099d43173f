"""Turn reminders (叫号提醒) on a real hall server process, sending through an SMS gateway
simulator that runs as a real HTTP process: one reminder per ticket when it is three
ahead, never again (more calls, a restart), none for a cancelled ticket; a gateway that
answers 503 is tried again later, and the queue never waits for it."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, pool, text

from server.reminders import ReminderSettings, reminder_text
from tests.server.test_queue import Hall, ok
from tests.support.hall_server import REPO, HallServer
from tests.support.sms_gateway import SmsGateway
from tests.support.waiting import wait_for
from workstation.protocol.queue import IssueRequest, mask_phone

HALL = "演示区政务服务中心"
HALL_ZONE = ZoneInfo("Asia/Shanghai")
PHONES = [f"1380013{n:04d}" for n in range(1, 10)]


@pytest.fixture
def gateway():
    simulator = SmsGateway().start()
    yield simulator
    simulator.stop()


def _server(db_url, tmp_path, demo_hall_seed, request, gateway, minutes: int) -> HallServer:
    """The demo hall's server, reminding through the simulator three tickets ahead, or
    `minutes` (0: by tickets only)."""
    if db_url.startswith("sqlite"):
        demo_hall_seed.fill_sqlite(db_url)
    else:
        demo_hall_seed.fill_postgres(request.getfixturevalue("pg"), db_url)
    return HallServer(db_url, demo=True, home=tmp_path / "home", env={
        "COUNTER_NOTIFIER": "http", "COUNTER_SMS_URL": gateway.url, "COUNTER_SMS_TIMEOUT": "60",
        "COUNTER_REMIND_AHEAD_TICKETS": "3", "COUNTER_REMIND_AHEAD_MINUTES": str(minutes),
        "COUNTER_REMIND_RETRY_SECONDS": "0.5"}).start()


@pytest.fixture
def reminding_server(db_url, tmp_path, demo_hall_seed, request, gateway):
    server = _server(db_url, tmp_path, demo_hall_seed, request, gateway, minutes=0)
    yield server
    server.stop()


@pytest.fixture
def minutes_server(db_url, tmp_path, demo_hall_seed, request, gateway):
    server = _server(db_url, tmp_path, demo_hall_seed, request, gateway, minutes=10)
    yield server
    server.stop()


def phones(gateway: SmsGateway) -> list[str]:
    return [m["phone"] for m in gateway.delivered()]


def delivered_to(gateway: SmsGateway, phone: str) -> dict | None:
    return next((m for m in gateway.delivered() if m["phone"] == phone), None)


def test_the_text_the_settings_and_the_mask(monkeypatch):
    assert reminder_text(HALL, "A012", 3, 10) == (
        "【演示区政务服务中心】您的号码 A012 前面还有 3 人，预计 10 分钟后叫号，请回到等候区留意叫号。")
    assert reminder_text(HALL, "A012", 3, None) == (
        "【演示区政务服务中心】您的号码 A012 前面还有 3 人，请回到等候区留意叫号。")
    assert reminder_text(HALL, "A012", 0, 0) == "【演示区政务服务中心】您的号码 A012 即将叫号，请回到等候区留意叫号。"
    assert mask_phone("13800138000") == "138****8000"
    assert IssueRequest(business_type="general", phone="+86 138-0013-8000").phone == "13800138000"
    with pytest.raises(ValueError):
        IssueRequest(business_type="general", phone="12345")
    assert "138" not in repr(IssueRequest(business_type="general", phone="13800138000"))
    for name in ("COUNTER_NOTIFIER", "COUNTER_SMS_URL", "COUNTER_REMIND_AHEAD_TICKETS",
                 "COUNTER_REMIND_AHEAD_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    settings = ReminderSettings.from_env()
    assert (settings.ahead_tickets, settings.ahead_minutes, settings.notifier) == (3, 10, "log")
    monkeypatch.setenv("COUNTER_NOTIFIER", "http")
    with pytest.raises(ValueError, match="COUNTER_SMS_URL"):
        ReminderSettings.from_env()


def test_one_reminder_per_ticket_three_ahead_none_cancelled_none_again(reminding_server: HallServer,
                                                                       gateway: SmsGateway, db_url: str):
    hall = Hall(reminding_server)
    refused = hall.kiosk.post(hall.api("/tickets"), json={"business_type": "general", "phone": "12345"},
                              timeout=30)
    assert refused.status_code == 422 and "12345" not in refused.text
    for _ in range(4):
        hall.issue()  # A001…A004, no number to remind
    first = hall.issue(phone=PHONES[0])  # A005, four ahead
    cancelled = hall.issue(phone=PHONES[1])  # A006
    later = hall.issue(phone=PHONES[2])  # A007
    assert ok(hall.cancel(cancelled["id"]))["state"] == "cancelled"

    ok(hall.call_next(1))  # A001: A005 is three ahead
    message = wait_for(lambda: delivered_to(gateway, PHONES[0]), "A005's reminder arrives")
    assert message["text"] == f"【{HALL}】您的号码 {first['number']} 前面还有 3 人，请回到等候区留意叫号。"

    hall.clear(1)
    ok(hall.call_next(1))  # A002: A007 is three ahead (the cancelled A006 is not counted)
    message = wait_for(lambda: delivered_to(gateway, PHONES[2]), "A007's reminder arrives")
    assert message["text"] == f"【{HALL}】您的号码 {later['number']} 前面还有 3 人，请回到等候区留意叫号。"

    for _ in range(3):  # A003, A004, A005: nearer still, and called
        hall.clear(1)
        ok(hall.call_next(1))
    # A ticket after them is reminded in the next look, which would resend any other.
    hall.issue(phone=PHONES[3])
    wait_for(lambda: delivered_to(gateway, PHONES[3]), "A008's reminder arrives")
    assert phones(gateway) == [PHONES[0], PHONES[2], PHONES[3]]

    engine = create_engine(db_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT id, phone FROM queue_tickets WHERE reminded_at IS NOT NULL")).all())
    finally:
        engine.dispose()
    assert set(rows) >= {first["id"], later["id"]} and cancelled["id"] not in rows
    assert set(rows.values()) == {None}  # the number goes once the reminder went

    reminding_server.stop()
    reminding_server.start()
    hall = Hall(reminding_server)
    # An appointment's number reaches the ticket it is checked in with.
    now = datetime.now(HALL_ZONE).replace(tzinfo=None)
    booked = hall.admin.post(hall.api("/appointments"), timeout=30, json={
        "code": "YY-REMIND-1", "business_type": "general", "phone": PHONES[4],
        "slot_start": (now - timedelta(minutes=5)).isoformat(), "slot_end": (now + timedelta(minutes=25)).isoformat()})
    assert booked.status_code == 201, booked.text
    assert PHONES[4] not in booked.text
    checked_in = hall.issue(None, appointment_code="YY-REMIND-1")
    wait_for(lambda: delivered_to(gateway, PHONES[4]), "the appointment's reminder arrives")
    assert delivered_to(gateway, PHONES[4])["text"].startswith(f"【{HALL}】您的号码 {checked_in['number']} ")
    assert phones(gateway) == [PHONES[0], PHONES[2], PHONES[3], PHONES[4]]  # nothing sent twice
    assert PHONES[1] not in [m["phone"] for m in gateway.messages()["attempts"]]
    log = reminding_server.stderr()  # this start's
    assert PHONES[4] not in log and mask_phone(PHONES[4]) in log


def test_a_gateway_down_is_tried_again_and_the_queue_does_not_wait(reminding_server: HallServer,
                                                                   gateway: SmsGateway):
    hall = Hall(reminding_server)
    gateway.control(fail=True, hold=True)
    hall.issue()  # A001
    reminded = hall.issue(phone=PHONES[0])  # A002: one ahead, due at once
    wait_for(lambda: gateway.messages()["held"] == 1, "the reminder is at the gateway, unanswered")

    # The gateway holds the reminder's request: the queue goes on all the same.
    hall.issue()
    called = ok(hall.call_next(1))
    hall.clear(1)
    assert called["number"] != reminded["number"]
    assert gateway.messages()["held"] == 1 and gateway.delivered() == []

    gateway.release()  # answered 503: not sent
    wait_for(lambda: len(gateway.messages()["attempts"]) >= 2, "the reminder is tried again")
    assert gateway.delivered() == []
    gateway.control(fail=False)
    message = wait_for(lambda: delivered_to(gateway, PHONES[0]), "the retry gets through")
    assert message["text"] == f"【{HALL}】您的号码 {reminded['number']} 即将叫号，请回到等候区留意叫号。"
    hall.issue(phone=PHONES[1])  # a later look (this one's reminder) does not send A002's again
    wait_for(lambda: delivered_to(gateway, PHONES[1]), "the next ticket's reminder arrives")
    assert phones(gateway) == [PHONES[0], PHONES[1]]


def test_a_ticket_further_ahead_is_reminded_when_its_estimate_is_near(minutes_server: HallServer,
                                                                     gateway: SmsGateway):
    hall = Hall(minutes_server)
    for _ in range(8):
        hall.issue()  # A001…A008
    served = ok(hall.call_next(1))  # one served at once: today's mean service time is under a minute
    ok(hall.op(1, served["id"], "start"))
    ok(hall.op(1, served["id"], "finish"))
    assert {b["code"]: b for b in hall.summary()["business_types"]}["general"]["estimated_wait_minutes"] is not None
    far = hall.issue(phone=PHONES[0])  # seven ahead, but minutes away
    message = wait_for(lambda: delivered_to(gateway, PHONES[0]), "the reminder by the estimate arrives")
    # The minutes follow the measured service time (under a second here, 1 minute unless the PC stalls).
    assert re.fullmatch(f"【{HALL}】您的号码 {far['number']} 前面还有 7 人，预计 [1-9] 分钟后叫号，请回到等候区留意叫号。",
                        message["text"]), message["text"]


def test_the_reminder_is_signed_with_the_halls_own_name(reminding_server: HallServer, gateway: SmsGateway):
    """No COUNTER_HALL_NAME: the SMS carries the name the hall's reference data gives it,
    as an admin changed it a moment ago."""
    hall = Hall(reminding_server)
    admin = reminding_server.admin_session()
    seeded = json.loads((REPO / "resources" / "demo_hall" / "hall.json").read_text(encoding="utf-8"))
    renamed = {**seeded, "name": "示范区便民服务中心"}
    answer = admin.put(reminding_server.api("/reference/hall/hall"), json={"payload": renamed}, timeout=30)
    assert answer.status_code == 200, answer.text
    ticket = hall.issue(phone=PHONES[0])  # nobody ahead: due at once
    message = wait_for(lambda: delivered_to(gateway, PHONES[0]), "the reminder arrives")
    assert message["text"] == f"【示范区便民服务中心】您的号码 {ticket['number']} 即将叫号，请回到等候区留意叫号。"
