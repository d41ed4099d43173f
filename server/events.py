"""The server's live event bus, feeding the Server-Sent Events stream.

Handlers run in worker threads (the thread pool, the queue writer's answers) while
subscribers wait on the event loop, so publishing hops onto the loop thread-safely. An
event is turned into its SSE text once, however many subscribers it has (a hall has a
display and a workstation at every window listening), and what a subscriber has waiting
goes out in one write."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workstation.domain.roles import Role
from workstation.protocol.events import Event

EVERYONE = frozenset(Role)
SUPERVISING = frozenset({Role.SUPERVISOR, Role.ADMIN})
PRESENCE = "window.presence"  # workstation.protocol.monitoring.MonitoringEventType.WINDOW_PRESENCE
QUEUE_SIZE = 1000  # events a subscriber may fall behind before it is cut off


def sse_text(event: Event) -> str:
    return f"id: {event.id}\nevent: {event.type}\ndata: {event.model_dump_json(include={'type', 'data'})}\n\n"


@dataclass(frozen=True)
class Published:
    event: Event
    audience: frozenset[Role]
    text: str  # the event as Server-Sent Events


def gathering_time(role: Role) -> float:
    """Seconds a stream waits after a write before the next one, gathering what comes
    meanwhile into it. A hall display announces calls: it gets each at once. A
    workstation shows counts and window states, where 50 ms is not seen; under load that
    spares the server a write per event per workstation (fifty in a hall)."""
    return 0.0 if role is Role.DISPLAY else 0.05


@dataclass(eq=False)  # identity: each subscriber is its own set member
class _Subscriber:
    roles: frozenset[Role]
    gathering: float = 0.0  # see gathering_time
    window: int | None = None  # a window's workstation: counted in the window's presence
    # SSE texts, or None: the stream ends (shutdown, or cut off for falling behind).
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE))
    _written: float = float("-inf")

    async def next_texts(self, timeout: float) -> list[str | None]:
        """What is waiting, at least one item: waits up to `timeout` (TimeoutError)."""
        items = [await asyncio.wait_for(self.queue.get(), timeout)]
        loop = asyncio.get_running_loop()
        early = self._written + self.gathering - loop.time()
        if early > 0 and items[-1] is not None:
            await asyncio.sleep(early)
        while items[-1] is not None and not self.queue.empty():
            items.append(self.queue.get_nowait())
        self._written = loop.time()
        return items


class EventBus:
    """Fans events out to subscribers, each seeing only what its role may see. A short
    history lets a client that reconnects with Last-Event-ID catch up.

    Presence: the bus counts the open streams of each window's workstations. When a
    window's first one opens or its last one closes, supervisors and admins get
    `window.presence` {window, online}. A stream closes when its socket does (the /events
    endpoint's response ends on the client's disconnect, which the server sees as soon
    as the kernel closes a killed process's socket), not only at the next heartbeat."""

    def __init__(self, history: int = 1000) -> None:
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._history: deque[Published] = deque(maxlen=history)
        self._subscribers: set[_Subscriber] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._streams: Counter[int] = Counter()  # window -> its workstations' open streams

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, type_: str, data: dict[str, Any], audience: frozenset[Role] = EVERYONE) -> None:
        self.publish_all([(type_, data, audience)])

    def publish_all(self, items: Iterable[tuple[str, dict[str, Any], frozenset[Role]]]) -> None:
        """Several events, in order, with one hop to the loop per subscriber."""
        with self._lock:
            published = []
            for type_, data, audience in items:
                event = Event(id=next(self._ids), type=type_, data=data)
                published.append(Published(event, audience, sse_text(event)))
            self._history.extend(published)
            subscribers = list(self._subscribers)
        if self._loop is None:
            return
        for subscriber in subscribers:
            texts = [p.text for p in published if subscriber.roles & p.audience]
            if texts:
                self._loop.call_soon_threadsafe(_offer, subscriber, texts)

    def events(self) -> list[Event]:
        """The history, oldest first (for tests and diagnostics)."""
        with self._lock:
            return [p.event for p in self._history]

    def subscribe(self, role: Role, last_event_id: int | None,
                  window: int | None = None) -> tuple[_Subscriber, list[str]]:
        """A new subscriber, and the SSE texts it missed since `last_event_id`. `window`:
        the subscriber is a workstation of that window (its presence, see the class)."""
        subscriber = _Subscriber(roles=frozenset({role}), gathering=gathering_time(role), window=window)
        with self._lock:
            self._subscribers.add(subscriber)
            missed = [p.text for p in self._history
                      if last_event_id is not None and p.event.id > last_event_id and role in p.audience]
            first = window is not None and self._streams[window] == 0
            if window is not None:
                self._streams[window] += 1
        if first:
            self.publish(PRESENCE, {"window": window, "online": True}, SUPERVISING)
        return subscriber, missed

    def unsubscribe(self, subscriber: _Subscriber) -> None:
        window = subscriber.window
        with self._lock:
            if subscriber not in self._subscribers:
                return
            self._subscribers.discard(subscriber)
            last = False
            if window is not None:
                self._streams[window] -= 1
                last = self._streams[window] <= 0
                if last:
                    del self._streams[window]
        if last:
            self.publish(PRESENCE, {"window": window, "online": False}, SUPERVISING)

    def online_windows(self) -> frozenset[int]:
        """The windows with at least one workstation's stream open now."""
        with self._lock:
            return frozenset(self._streams)

    def close_all(self) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        if self._loop is None:
            return
        for subscriber in subscribers:
            self._loop.call_soon_threadsafe(_offer, subscriber, [None])


def _offer(subscriber: _Subscriber, texts: list[str | None]) -> None:
    try:
        for text in texts:
            subscriber.queue.put_nowait(text)
    except asyncio.QueueFull:
        # A subscriber that stopped reading is cut off; it reconnects and catches up.
        subscriber.queue = asyncio.Queue(maxsize=1)
        subscriber.queue.put_nowait(None)
