"""The queue's writer process (server.queue_writer), as the hall server runs it on SQLite:
operations cross to it and back with their values, refusals and events in order; if it
dies, what it saved stays saved, the callers waiting on it get a plain 503, and the next
operation starts a new one; and it never outlives the server."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from server.queue import QueueError
from tests.server.test_queue import Hall
from tests.support.hall_server import HallServer
from workstation.domain.queue import Operation
from workstation.protocol import queue as wire


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass  # the thread just ended
    return found


def _writer_of(server: HallServer) -> int:
    """The pid of the server's queue writer, once it has started."""
    assert server.process is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for pid in _children(server.process.pid):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"queue-writer" in command:
                return pid
        time.sleep(0.05)
    raise AssertionError("the server started no queue writer")


def _gone(pid: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":  # ended, not yet reaped by its parent
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def service(queue_service):
    return queue_service("process")


def test_operations_cross_to_the_writer_and_back_in_order(service):
    first = service.write(service.issue, wire.IssueRequest(business_type="general"))
    second = service.write(service.issue, wire.IssueRequest(business_type="general"))
    assert (first.number, second.number) == ("A001", "A002")

    async def together():
        return await asyncio.gather(
            service.write_async(service.call_next, 1),
            service.write_async(service.operate, 1, 999_999, Operation.NO_SHOW),
            service.write_async(service.call_next, 2),
            service.write_async(service.set_paused, 3, False),
            return_exceptions=True)

    called_1, missing, called_2, not_paused = asyncio.run(together())
    assert (called_1.number, called_1.window, called_2.number, called_2.window) == ("A001", 1, "A002", 2)
    assert isinstance(missing, QueueError) and (missing.status, missing.detail) == (404, "no ticket 999999")
    assert isinstance(not_paused, QueueError) and "not paused" in not_paused.detail
    # Committed by the writer process, read here from the database.
    assert service.ticket(first.id).state.value == "called" and service.ticket(first.id).window == 1
    called = [(e.data["number"], e.data["window"]) for e in service.bus.events() if e.type == "ticket.called"]
    assert called == [("A001", 1), ("A002", 2)]


def test_only_the_queue_write_operations_cross(service):
    with pytest.raises(ValueError, match="not one of the queue's write operations"):
        service.write(lambda op: None)
    with pytest.raises(ValueError, match="not one of the queue's write operations"):
        service.write(service.counts)


def test_a_writer_that_dies_loses_nothing_saved_and_is_replaced(tmp_path):
    with HallServer(f"sqlite:///{tmp_path / 'hall.sqlite3'}", home=tmp_path / "home") as server:
        hall = Hall(server)
        tickets = [hall.issue("general") for _ in range(3)]
        clerk = hall.clerk(1)
        called = clerk.post(hall.api("/call-next"), timeout=30)
        assert called.status_code == 200 and called.json()["number"] == tickets[0]["number"]

        writer = _writer_of(server)
        os.kill(writer, signal.SIGKILL)
        assert _gone(writer)
        # The next operations run in a new writer; what the old one saved is there.
        deadline = time.monotonic() + 30
        answer = clerk.post(hall.api(f"/tickets/{tickets[0]['id']}/no-show"), timeout=30)
        while answer.status_code == 503 and time.monotonic() < deadline:
            assert "queue's writer stopped" in answer.json()["detail"]
            answer = clerk.post(hall.api(f"/tickets/{tickets[0]['id']}/no-show"), timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["state"] == "no_show"
        again = clerk.post(hall.api("/call-next"), timeout=30)
        assert again.status_code == 200 and again.json()["number"] == tickets[1]["number"]
        assert _writer_of(server) != writer
        assert "queue's writer process ended" in server.stderr()


def test_the_writer_ends_with_the_server(tmp_path):
    server = HallServer(f"sqlite:///{tmp_path / 'hall.sqlite3'}", home=tmp_path / "home").start()
    try:
        writer = _writer_of(server)
    finally:
        assert server.stop() == 0
    assert _gone(writer)
    assert "queue's writer process ended" not in server.stderr()  # a stop is no failure

    # Killed outright, the server leaves its writer an end of file: it ends too.
    server.start()
    writer = _writer_of(server)
    assert server.process is not None
    server.process.kill()
    server.process.wait(10)
    server.stop()
    assert _gone(writer)
