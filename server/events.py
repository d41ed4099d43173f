"""The server's live event bus, feeding the Server-Sent Events stream.

Handlers run in worker threads (FastAPI runs plain `def` endpoints in a pool) while
subscribers wait on the event loop, so publishing hops onto the loop thread-safely."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from workstation.domain.roles import Role
from workstation.protocol.events import Event

EVERYONE = frozenset(Role)


@dataclass(eq=False)  # identity: each subscriber is its own set member
class _Subscriber:
    roles: frozenset[Role]
    queue: asyncio.Queue[Event | None] = field(default_factory=lambda: asyncio.Queue(maxsize=1000))


class EventBus:
    """Fans events out to subscribers, each seeing only what its role may see. A short
    history lets a client that reconnects with Last-Event-ID catch up."""

    def __init__(self, history: int = 1000) -> None:
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._history: deque[tuple[Event, frozenset[Role]]] = deque(maxlen=history)
        self._subscribers: set[_Subscriber] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, type_: str, data: dict[str, Any], audience: frozenset[Role] = EVERYONE) -> None:
        with self._lock:
            event = Event(id=next(self._ids), type=type_, data=data)
            self._history.append((event, audience))
            subscribers = [s for s in self._subscribers if s.roles & audience]
        if self._loop is None or not subscribers:
            return
        for subscriber in subscribers:
            self._loop.call_soon_threadsafe(_offer, subscriber, event)

    def subscribe(self, role: Role, last_event_id: int | None) -> tuple[_Subscriber, list[Event]]:
        subscriber = _Subscriber(roles=frozenset({role}))
        with self._lock:
            self._subscribers.add(subscriber)
            missed = [
                e for e, audience in self._history
                if last_event_id is not None and e.id > last_event_id and role in audience
            ]
        return subscriber, missed

    def unsubscribe(self, subscriber: _Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(subscriber)

    def close_all(self) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        if self._loop is None:
            return
        for subscriber in subscribers:
            self._loop.call_soon_threadsafe(_offer, subscriber, None)


def _offer(subscriber: _Subscriber, event: Event | None) -> None:
    try:
        subscriber.queue.put_nowait(event)
    except asyncio.QueueFull:
        # A subscriber that stopped reading is cut off; it reconnects and catches up.
        subscriber.queue = asyncio.Queue(maxsize=1)
        subscriber.queue.put_nowait(None)
