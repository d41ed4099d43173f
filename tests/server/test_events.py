"""The event bus (server.events) in one process: what each stream is handed and when."""

from __future__ import annotations

import asyncio

from server.events import EventBus, gathering_time
from workstation.domain.roles import Role


def _numbers(texts: list[str | None]) -> list[int]:
    return [int(text.split('"n":')[1].split("}")[0]) for text in texts if text is not None]


def test_a_display_gets_each_event_at_once_a_workstation_gathers_them():
    assert gathering_time(Role.DISPLAY) == 0
    assert 0 < gathering_time(Role.CLERK) <= 0.1  # not seen by a person at the counter

    async def run():
        bus = EventBus()
        bus.bind_loop(asyncio.get_running_loop())
        display, _ = bus.subscribe(Role.DISPLAY, None)
        clerk, _ = bus.subscribe(Role.CLERK, None)
        clerk.gathering = 0.5  # wide, so the test does not depend on the machine's speed

        bus.publish("test.event", {"n": 1})
        assert _numbers(await display.next_texts(1)) == [1]
        assert _numbers(await clerk.next_texts(1)) == [1]  # the first after a quiet spell: at once

        display_reads = asyncio.ensure_future(display.next_texts(1))
        clerk_reads = asyncio.ensure_future(clerk.next_texts(1))
        bus.publish("test.event", {"n": 2})
        assert _numbers(await asyncio.wait_for(display_reads, 1)) == [2]
        bus.publish("test.event", {"n": 3})
        assert not clerk_reads.done()  # within its gathering time: waits for more
        assert _numbers(await asyncio.wait_for(clerk_reads, 2)) == [2, 3]  # one write
        assert _numbers(await display.next_texts(1)) == [3]

    asyncio.run(run())
