"""SQLite's batch writer (server.queue._BatchWriter) in the hall server's own process: the
operations waiting together run in one transaction, each in a savepoint of its own, so a
refusal undoes only itself, and each answer and each event comes after the commit, in
the order the operations were asked."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import select

from server.models import Ticket, WindowState
from server.queue import QueueError, QueueService
from workstation.domain.queue import Operation
from workstation.protocol import queue as wire


@pytest.fixture
def service(queue_service):
    return queue_service()


def _events(service: QueueService) -> list[tuple[str, dict]]:
    return [(event.type, event.data) for event in service.bus.events()]


def test_a_batch_commits_once_and_a_refusal_undoes_only_itself(service):
    for kind in ("general", "general", "social"):
        service.write(service.issue, wire.IssueRequest(business_type=kind))
    before = len(_events(service))
    gate, held = threading.Event(), threading.Event()

    def hold(op):  # keeps the writer busy until everything below is waiting together
        held.set()
        assert gate.wait(10)

    def pauses_then_refuses(op):
        service.set_paused(op, 4, True)  # written, then refused: must not stay
        raise QueueError(409, "changed its mind")

    async def together():
        first = asyncio.ensure_future(service.write_async(hold))
        await asyncio.get_running_loop().run_in_executor(None, held.wait, 10)
        asks = [service.write_async(service.call_next, 1),
                service.write_async(service.operate, 1, 999_999, Operation.NO_SHOW),
                service.write_async(pauses_then_refuses),
                service.write_async(service.call_next, 2),
                service.write_async(service.set_paused, 3, False),
                service.write_async(service.call_next, 3)]
        tasks = [asyncio.ensure_future(ask) for ask in asks]
        await asyncio.sleep(0.05)  # every task has handed its operation to the writer
        assert not any(task.done() for task in tasks)  # nothing answered before its commit
        gate.set()
        await first
        return await asyncio.gather(*tasks, return_exceptions=True)

    called_1, missing, changed_mind, called_2, not_paused, called_3 = asyncio.run(together())

    assert [t.number for t in (called_1, called_2, called_3)] == ["A001", "A002", "B001"]
    assert (missing.status, missing.detail) == (404, "no ticket 999999")
    assert changed_mind.status == 409
    assert not_paused.status == 409 and "not paused" in not_paused.detail
    with service.db.reading() as session:
        states = {t.number: (t.state, t.window) for t in session.execute(select(Ticket)).scalars()}
        paused = {w.number: w.paused for w in session.execute(select(WindowState)).scalars()}
    assert states == {"A001": ("called", 1), "A002": ("called", 2), "B001": ("called", 3)}
    assert paused.get(4) in (None, False)  # the refused operation's write was undone
    called = [(data["number"], data["window"]) for kind, data in _events(service)[before:]
              if kind == "ticket.called"]
    assert called == [("A001", 1), ("A002", 2), ("B001", 3)]  # announced in the order asked
    windows = [data["number"] for kind, data in _events(service)[before:] if kind == "window.state"]
    assert 4 not in windows


def test_a_synchronous_caller_waits_for_the_commit(service):
    ticket = service.write(service.issue, wire.IssueRequest(business_type="social"))
    with pytest.raises(QueueError, match="no ticket is waiting for window 1"):
        service.write(service.call_next, 1)  # window 1 serves other types
    called = service.write(service.operate, 3, ticket.id, Operation.CALL)
    assert called.state.value == "called" and service.ticket(ticket.id).window == 3
