"""The queue's use cases against a real hall server process: every counter operation
through QueueDesk (the client's paths and answers), issuing at the kiosk, and the hall
display's feed following calls, breaking and coming back with the summary."""

from __future__ import annotations

import threading

import pytest

from tests.support.hall_server import DEMO_PASSWORD, HallServer
from workstation.app.queue_desk import Connected, Disconnected, HallFeed, KioskDesk, QueueDesk
from workstation.domain.queue import GreenReason, Operation, TicketState, id_check_character
from workstation.protocol import queue as wire
from workstation.sync.errors import HallRefused, HallUnreachable
from workstation.sync.queue_client import QueueClient


@pytest.fixture
def hall(tmp_path, demo_hall_seed):
    """A hall server on SQLite with the demo hall (the queue's rules are the server's
    and tested there on both databases; here only the client side is)."""
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    demo_hall_seed.fill_sqlite(url)
    server = HallServer(url, home=tmp_path / "home").start()
    yield server
    server.stop()


@pytest.fixture
def kiosk(hall):
    desk = KioskDesk(hall.url, hall.enrol("kiosk", None), timeout=5)
    yield desk
    desk.close()


@pytest.fixture
def counter(hall, make_workstation):
    """The desk of clerk3 logged in at a workstation enrolled for window 3."""
    workstation = make_workstation(hall)
    workstation.connect()
    workstation.enrol(hall.new_code("workstation", 3))
    workstation.login("clerk3", DEMO_PASSWORD)
    desk = QueueDesk.for_workstation(workstation)
    yield desk
    desk.close()


def _id_number(birth: str) -> str:
    first = f"110105{birth}123"
    return first + id_check_character(first)


def test_every_counter_operation_through_the_desk(hall, kiosk, counter):
    assert counter.window == 3
    first = kiosk.issue("social")
    assert first.ticket.number == "B001" and first.business_type_name == "社保医保"
    assert first.waiting_ahead == 0 and first.hall_name == "演示区政务服务中心"
    second = kiosk.issue("civil")
    assert second.waiting_ahead == 0  # its own queue is empty
    third = kiosk.issue("social")
    assert third.waiting_ahead == 1

    state = counter.state()
    assert state.window.number == 3 and state.ticket is None and state.parked == []
    # Window 3 is window 6's AB角 backup and nobody is logged in at 6: it serves 公安户政 too.
    assert [(t.code, t.waiting) for t in state.waiting] == [("social", 2), ("civil", 1), ("police", 0)]
    assert len(state.business_types) == 7 and len(state.windows) == 6

    called = counter.call_next()
    assert (called.number, called.state, called.window) == ("B001", TicketState.CALLED, 3)
    with pytest.raises(HallRefused) as refused:
        counter.finish(called.id)
    assert refused.value.status == 409 and "called" in refused.value.detail
    assert counter.recall(called.id).call_count == 2
    assert counter.start(called.id).state is TicketState.SERVING
    parked = counter.park(called.id)
    assert parked.state is TicketState.PARKED
    state = counter.state()
    assert state.ticket is None and [t.number for t in state.parked] == ["B001"]

    out_of_order = counter.call_number(" g001 ")
    assert out_of_order.number == "G001"
    assert counter.state().ticket.number == "G001"
    assert counter.no_show(out_of_order.id).state is TicketState.NO_SHOW

    back = counter.call_back(parked.id)
    assert back.state is TicketState.CALLED and back.number == "B001"
    counter.operate(Operation.START, back.id)
    moved = counter.transfer(back.id, business_type="fund")
    assert (moved.number, moved.business_type, moved.state) == ("B001", "fund", TicketState.WAITING)
    assert moved.transferred_from == back.id

    assert counter.pause().paused
    with pytest.raises(HallRefused, match="paused"):
        counter.call_next()
    assert not counter.resume().paused
    nxt = counter.call_next()
    assert nxt.number == "B002"
    assert counter.operate(Operation.START, nxt.id).state is TicketState.SERVING
    assert counter.finish(nxt.id).state is TicketState.FINISHED
    with pytest.raises(HallRefused) as nobody:
        counter.call_next()
    assert nobody.value.status == 404


def test_kiosk_issues_with_green_channel_appointment_and_id_number(hall, kiosk):
    kinds = kiosk.business_types()
    assert [k.prefix for k in kinds] == list("ABCDEFG") and all(k.waiting == 0 for k in kinds)

    elder = kiosk.issue("general", green_reason=GreenReason.ELDERLY, id_number=_id_number("19500101"))
    assert elder.ticket.green_channel and elder.ticket.green_reason is GreenReason.ELDERLY
    assert elder.ticket.id_masked == "110105********" + _id_number("19500101")[-4:]
    with pytest.raises(HallRefused, match="already holds waiting ticket A001"):
        kiosk.issue("general", id_number=_id_number("19500101"))
    with pytest.raises(HallRefused, match="from age 70"):
        kiosk.issue("fund", green_reason=GreenReason.ELDERLY, id_number=_id_number("19900101"))
    military = kiosk.issue("fund", green_reason=GreenReason.MILITARY)
    assert military.ticket.number == "C001" and military.ticket.green_reason is GreenReason.MILITARY

    with pytest.raises(HallRefused) as unknown:
        kiosk.issue(appointment_code="NO-SUCH-CODE")
    assert unknown.value.status == 404
    cancelled = kiosk.cancel(military.ticket.id)
    assert cancelled.state is TicketState.CANCELLED
    assert next(k for k in kiosk.business_types() if k.code == "fund").waiting == 0


def test_the_client_speaks_every_queue_endpoint(hall, kiosk):
    """The paths with a dash (no-show, call-back) and the answers' models."""
    session_token = hall.login("clerk6", device_token=hall.enrol("workstation", 6)).headers["Authorization"]
    client = QueueClient(hall.url, session_token.split()[1], timeout=5)
    try:
        ticket = kiosk.issue("police").ticket
        assert isinstance(client.window(6), wire.WindowState)
        called = client.call(ticket_id=ticket.id)
        assert client.ticket(ticket.id).state is TicketState.CALLED
        assert client.no_show(called.id).state is TicketState.NO_SHOW
        again = kiosk.issue("police").ticket
        client.call_next()
        client.start(again.id)
        client.park(again.id)
        assert [t.number for t in client.parked(6)] == ["F002"]
        assert client.call_back(again.id).state is TicketState.CALLED
        assert client.summary().windows[5].ticket.number == "F002"
        with pytest.raises(HallRefused) as other_window:
            client.parked(5)
        assert other_window.value.status == 403
    finally:
        client.close()
    dead = QueueClient("http://127.0.0.1:9", "x", timeout=2)
    with pytest.raises(HallUnreachable):
        dead.summary()
    dead.close()


def test_the_display_feed_follows_calls_and_comes_back_after_a_break(hall, kiosk, counter, wait):
    feed = HallFeed(hall.url, hall.enrol("display", None), timeout=5, first_backoff=0.2, max_backoff=1.0)
    updates: list = []
    lock = threading.Lock()

    def seen(kind):
        with lock:
            return [u for u in updates if isinstance(u, kind)]

    def collect(update) -> None:
        with lock:
            updates.append(update)

    feed.start(collect)
    try:
        wait(lambda: seen(Connected), "the feed connected")
        assert seen(Connected)[0].summary.windows[2].number == 3
        assert feed.hall_name() == "演示区政务服务中心"
        kiosk.issue("social")
        wait(lambda: any(u.waiting.get("social") == 1 for u in seen(wire.QueueCounts)), "the counts")
        counter.call_next()
        call = wait(lambda: seen(wire.TicketCalled), "the call")[0]
        assert (call.number, call.window, call.business_type_name, call.recall) == ("B001", 3, "社保医保", False)
        wait(lambda: any(w.number == 3 and w.ticket and w.ticket.number == "B001"
                         for w in seen(wire.WindowState)), "window 3's state")

        hall.stop()
        broken = wait(lambda: seen(Disconnected), "the feed noticed the break")[0]
        assert broken.retry_in <= 1.5
        hall.start()
        wait(lambda: len(seen(Connected)) >= 2, "the feed came back", timeout=60)
        # The summary read on reconnect has window 3's ticket.
        assert seen(Connected)[-1].summary.windows[2].ticket.number == "B001"
        counter.recall(call.ticket_id)
        recalled = wait(lambda: [c for c in seen(wire.TicketCalled) if c.recall], "the recall")[0]
        assert recalled.number == "B001" and recalled.call_count == 2
    finally:
        feed.stop()
    assert not any(t.name == "queue-events" for t in threading.enumerate())


def test_follow_yields_the_updates_until_stopped(hall, kiosk):
    feed = HallFeed(hall.url, hall.enrol("display", None), timeout=5)
    updates = feed.follow()
    first = next(updates)
    assert isinstance(first, Connected)
    kiosk.issue("estate")
    counts = next(u for u in updates if isinstance(u, wire.QueueCounts))
    assert counts.waiting["estate"] == 1
    feed.stop()
    for _ in updates:  # what was still queued; then the iterator ends (a hang fails the timeout)
        pass
