"""The server's live event bus, feeding the Server-Sent Events stream.

Handlers run in worker threads (the thread pool, the queue writer's answers) while
subscribers wait on the event loop, so publishing hops onto the loop thread-safely. An
event is turned into its SSE text once, however many subscribers it has (a hall has a
display and a workstation at every window listening), and what a subscriber has waiting
goes out in one write."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from workstation.domain.roles import Role
from workstation.protocol.events import Event

EVERYONE = frozenset(Role)
SUPERVISING = frozenset({Role.SUPERVISOR, Role.ADMIN})
PRESENCE = "window.presence"  # workstation.protocol.monitoring.MonitoringEventType.WINDOW_PRESENCE
QUEUE_SIZE = 1000  # events a subscriber may fall behind before it is cut off

log = logging.getLogger("hall.events")

Item = tuple[str, dict[str, Any], frozenset[Role]]  # type, data, audience
Notice = Callable[[dict[str, Any]], None]


def sse_text(event: Event) -> str:
    return f"id: {event.id}\nevent: {event.type}\ndata: {event.model_dump_json(include={'type', 'data'})}\n\n"


@dataclass(frozen=True)
class Published:
    event: Event
    audience: frozenset[Role]
    text: str  # the event as Server-Sent Events
    hall: str | None = None  # a hall's event (server.halls): for that hall's streams only


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A hall's event names its hall as `hall` in the data it is published with (the
    queue's events do): the bus keeps it apart, and the data the streams carry is without it."""
    if isinstance(data, dict) and isinstance(data.get("hall"), str):
        data = dict(data)
        return data, data.pop("hall")
    return data, None


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
    device_id: str | None = None  # whose stream it is: a device revoked has its streams ended
    halls: frozenset[str] | None = None  # the halls whose events it sees (None: every hall's)
    # SSE texts, or None: the stream ends (shutdown, or cut off for falling behind).
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE))
    upto: int = 0  # the last event delivered when it subscribed: what it missed ends there
    _written: float = float("-inf")

    def sees(self, published: Published) -> bool:
        """Its role is in the event's audience, and the event is of no hall or of one of its halls."""
        return bool(self.roles & published.audience) and (
            published.hall is None or self.halls is None or published.hall in self.halls)

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

    shared = False  # the events stay in this process (see SharedEventBus)

    def __init__(self, history: int = 1000) -> None:
        self._notices: dict[str, list[Notice]] = {}
        # Ids go on from where the last process left them: a stream that resumes after a
        # restart (SQLite's one process keeps no events) sends the last id the old process
        # gave, and must be handed everything published since, not only ids above that.
        # Microseconds of the clock at start outrun any id a process gave before (a million
        # events a second for as long as it ran) and stay exact in a JavaScript number.
        self._ids = itertools.count(time.time_ns() // 1000)
        self._lock = threading.Lock()
        self._history: deque[Published] = deque(maxlen=history)
        self._subscribers: set[_Subscriber] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._streams: Counter[int] = Counter()  # window -> its workstations' open streams
        self._last = 0  # the id of the last event delivered

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, type_: str, data: dict[str, Any], audience: frozenset[Role] = EVERYONE) -> None:
        self.publish_all([(type_, data, audience)])

    def publish_all(self, items: Iterable[Item]) -> None:
        """Several events, in order, with one hop to the loop per subscriber."""
        with self._lock:
            published = []
            for type_, data, audience in items:
                data, hall = _split(data)
                event = Event(id=next(self._ids), type=type_, data=data)
                published.append(Published(event, audience, sse_text(event), hall))
        self._deliver(published)

    def _deliver(self, published: list[Published]) -> None:
        """Hands events (with their ids) to the history and to every subscriber that may see them."""
        with self._lock:
            self._history.extend(published)
            if published:
                self._last = published[-1].event.id
            subscribers = list(self._subscribers)
        if self._loop is None:
            return
        for subscriber in subscribers:
            texts = [p.text for p in published if subscriber.sees(p)]
            if texts:
                self._loop.call_soon_threadsafe(_offer, subscriber, texts)

    def write(self, conn: Any, items: list[Item]) -> bool:
        """Writes the events into the caller's transaction (`conn`, a SQLAlchemy
        connection), to be delivered once it commits; False when this bus cannot, and the
        caller publishes them after its commit instead."""
        return False

    def on_notice(self, kind: str, handler: Notice) -> None:
        """`handler(data)` runs in every server process for each `notice(kind, data)`, on
        a thread of the bus (or the caller's): it must return at once."""
        self._notices.setdefault(kind, []).append(handler)

    def notice(self, kind: str, data: dict[str, Any] | None = None) -> None:
        """Tells every server process something no stream carries, such as a device
        revoked or a session ended (`principals.drop` {digests}, `principals.clear`):
        each drops what it cached of it. Here, one process: the handlers run now."""
        self._run_notice(kind, data or {})

    def _run_notice(self, kind: str, data: dict[str, Any]) -> None:
        for handler in self._notices.get(kind, ()):
            try:
                handler(data)
            except Exception:  # one handler's failure must not stop the others or the bus
                log.exception("the %s notice's handler failed", kind)

    async def open(self, role: Role, last_event_id: int | None,
                   window: int | None = None, device_id: str | None = None,
                   halls: frozenset[str] | None = None) -> tuple[_Subscriber, list[str]]:
        """subscribe() for the event loop (a shared bus may read what was missed from the
        database, off the loop)."""
        return self.subscribe(role, last_event_id, window, device_id, halls)

    def start(self) -> None:
        """Starts delivering (a shared bus: its listener)."""

    def stop(self) -> None:
        """Stops delivering."""

    def events(self) -> list[Event]:
        """The history, oldest first (for tests and diagnostics)."""
        with self._lock:
            return [p.event for p in self._history]

    def subscribe(self, role: Role, last_event_id: int | None,
                  window: int | None = None, device_id: str | None = None,
                  halls: frozenset[str] | None = None) -> tuple[_Subscriber, list[str]]:
        """A new subscriber, and the SSE texts it missed since `last_event_id`. `window`:
        the subscriber is a workstation of that window (its presence, see the class);
        `device_id`: the device whose stream it is (close_device); `halls`: the halls whose
        events it sees (None: all)."""
        subscriber, missed, _ = self._subscribe(role, last_event_id, window, device_id, halls)
        return subscriber, missed

    def _subscribe(self, role: Role, last_event_id: int | None, window: int | None,
                   device_id: str | None = None,
                   halls: frozenset[str] | None = None) -> tuple[_Subscriber, list[str], bool]:
        """subscribe(), and whether the history held everything after `last_event_id`."""
        subscriber = _Subscriber(roles=frozenset({role}), gathering=gathering_time(role), window=window,
                                 device_id=device_id, halls=halls)
        with self._lock:
            self._subscribers.add(subscriber)
            missed = [p.text for p in self._history
                      if last_event_id is not None and p.event.id > last_event_id and subscriber.sees(p)]
            covered = (last_event_id is None or last_event_id >= self._last
                       or (bool(self._history) and self._history[0].event.id <= last_event_id + 1))
            subscriber.upto = self._last
            first = window is not None and self._streams[window] == 0
            if window is not None:
                self._streams[window] += 1
        if first:
            self._presence(window, True)
        return subscriber, missed, covered

    def _presence(self, window: int, online: bool) -> None:
        """A window's first workstation stream opened here, or its last one closed."""
        self.publish(PRESENCE, {"window": window, "online": online}, SUPERVISING)

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
            self._presence(window, False)

    def online_windows(self) -> frozenset[int]:
        """The windows with at least one workstation's stream open now."""
        with self._lock:
            return frozenset(self._streams)

    def close_all(self) -> None:
        self._close(lambda subscriber: True)

    def close_device(self, device_id: str) -> int:
        """Ends this process's streams of a device (revoked): returns how many. Its next
        connection is refused."""
        return self._close(lambda subscriber: subscriber.device_id == device_id)

    def _close(self, which: Callable[[_Subscriber], bool]) -> int:
        with self._lock:
            subscribers = [s for s in self._subscribers if which(s)]
        if self._loop is None:
            return 0
        for subscriber in subscribers:
            self._loop.call_soon_threadsafe(_offer, subscriber, [None])
        return len(subscribers)


def _offer(subscriber: _Subscriber, texts: list[str | None]) -> None:
    try:
        for text in texts:
            subscriber.queue.put_nowait(text)
    except asyncio.QueueFull:
        # A subscriber that stopped reading is cut off; it reconnects and catches up.
        subscriber.queue = asyncio.Queue(maxsize=1)
        subscriber.queue.put_nowait(None)


# ---------------------------------------------------------------------------------------
# PostgreSQL: one bus for every server process
# ---------------------------------------------------------------------------------------

EVENTS_CHANNEL = "hall_events"
NOTICES_CHANNEL = "hall_notices"
PRESENCE_LOCKS = 0x4841  # advisory lock class of the windows' presence ("HA"), objid = window
KEEP_EVENTS = 100_000  # events kept for streams resuming with Last-Event-ID (pruned by the leader)
MISSED_MAX = 10_000  # events a resuming stream is handed from the table at most
READ_BATCH = 2000

# One round trip: the next ids (the counter's row stays locked to the commit, so events
# commit in id order), the events, and the NOTIFY that PostgreSQL sends at the commit.
_WRITE = f"""
WITH counter AS (UPDATE hall_event_counter SET last_id = last_id + %(n)s WHERE id = 1 RETURNING last_id),
ins AS (INSERT INTO hall_events (id, type, audience, data, created_at)
        SELECT counter.last_id - %(n)s + e.ord, e.type, e.audience, e.data, now()
        FROM counter, unnest(%(types)s::text[], %(audiences)s::text[], %(datas)s::text[])
             WITH ORDINALITY AS e(type, audience, data, ord)
        RETURNING id)
SELECT pg_notify('{EVENTS_CHANNEL}', coalesce(max(id), 0)::text) FROM ins
"""
_READ = "SELECT id, type, audience, data FROM hall_events WHERE id > %s AND id <= %s ORDER BY id LIMIT %s"


def _audience_text(audience: frozenset[Role]) -> str:
    return ",".join(sorted(role.value for role in audience))


def _published(row: tuple[int, str, str, str]) -> Published:
    ident, type_, audience, data = row
    audience, _, hall = audience.partition("@")  # a hall's event: "roles@hall" (SharedEventBus._params)
    event = Event.model_construct(id=ident, type=type_, data=json.loads(data))
    text = f"id: {ident}\nevent: {type_}\ndata: {{\"type\":{json.dumps(type_, ensure_ascii=False)},\"data\":{data}}}\n\n"
    roles = frozenset(Role(r) for r in audience.split(",") if r)
    return Published(event, roles, text, hall or None)


class SharedEventBus(EventBus):
    """The bus of a hall server on PostgreSQL, one or several processes (`--workers`).

    Events go into the table hall_events: a queue operation's in its own transaction
    (`write`), so an event exists exactly when its change was committed; anything else
    published (`publish_all`) in a transaction of its own, right after the change's. Each
    id is given under the lock of hall_event_counter's row, held to the commit, so ids
    commit in order. PostgreSQL NOTIFYs at the commit; every process LISTENs on a
    connection of its own and then reads the events after the last id it delivered, in
    order, once each: a call made through one process is on the displays of all of them.
    A stream resuming with Last-Event-ID is handed what it missed from the history, or
    from the table when the history does not reach back (a restarted process).

    Notices (`notice`) go to every process over NOTIFY alone (nothing kept): for caches,
    such as the token cache after a logout or a device revoked.

    Presence: each process holds a shared advisory lock (PRESENCE_LOCKS, window) on a
    connection of its own while it has a stream of that window's workstation, so the
    hall's online windows are the locks held, and a killed process's go with its
    connection."""

    shared = True

    def __init__(self, db: Any, history: int = 1000) -> None:
        super().__init__(history)
        self._db = db
        self._stopping = threading.Event()
        self._listener: threading.Thread | None = None
        self._conn: Any = None
        self._delivered_hooks: list[Callable[[list[Published]], None]] = []
        self._presence_jobs: Any = None
        self._presence_thread: threading.Thread | None = None

    # -- writing -------------------------------------------------------------------------

    @staticmethod
    def _params(items: list[Item]) -> dict[str, Any]:
        from pydantic_core import to_json

        split = [_split(d) for _, d, _ in items]
        return {"n": len(items), "types": [t for t, _, _ in items],
                "audiences": [_audience_text(a) + (f"@{hall}" if hall else "")
                              for (_, _, a), (_, hall) in zip(items, split, strict=True)],
                "datas": [to_json(d).decode() for d, _ in split]}

    def write(self, conn: Any, items: list[Item]) -> bool:
        if items:
            conn.exec_driver_sql(_WRITE, self._params(items))
        return True

    def publish_all(self, items: Iterable[Item]) -> None:
        items = list(items)
        if not items:
            return
        from sqlalchemy.exc import DBAPIError

        try:
            with self._db.engine.begin() as conn:
                conn.exec_driver_sql(_WRITE, self._params(items))
        except DBAPIError as exc:  # the change is committed; its announcement is lost, not the change
            log.warning("%d events not announced, the database refused them: %s", len(items),
                        str(getattr(exc, "orig", exc)).splitlines()[0])

    def notice(self, kind: str, data: dict[str, Any] | None = None) -> None:
        payload = json.dumps({"kind": kind, "data": data or {}}, ensure_ascii=False)
        self._run_notice(kind, data or {})  # this process at once, the others at the NOTIFY
        with self._db.engine.begin() as conn:
            conn.exec_driver_sql("SELECT pg_notify(%(channel)s, %(payload)s)",
                                 {"channel": NOTICES_CHANNEL, "payload": payload})

    def on_delivered(self, hook: Callable[[list[Published]], None]) -> None:
        """`hook(events)` after each delivery, on the listener's thread (must return at once)."""
        self._delivered_hooks.append(hook)

    # -- delivering ----------------------------------------------------------------------

    def _connect(self) -> Any:
        return self._db.own_connection()

    def start(self) -> None:
        """Listens, and delivers what commits from now on; returns once listening."""
        if self._listener is not None:
            return
        conn = self._connect()
        conn.execute(f"LISTEN {EVENTS_CHANNEL}")
        conn.execute(f"LISTEN {NOTICES_CHANNEL}")
        row = conn.execute("SELECT last_id FROM hall_event_counter WHERE id = 1").fetchone()
        with self._lock:
            self._last = row[0] if row else 0
        self._conn = conn
        self._listener = threading.Thread(target=self._listen, name="event-listener", daemon=True)
        self._listener.start()
        self._presence_jobs = queue.SimpleQueue()
        self._presence_thread = threading.Thread(target=self._keep_presence, name="event-presence", daemon=True)
        self._presence_thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._presence_jobs is not None:
            self._presence_jobs.put(None)
        for thread in (self._listener, self._presence_thread):
            if thread is not None:
                thread.join(5)

    def _listen(self) -> None:
        import psycopg

        conn = self._conn
        while not self._stopping.is_set():
            try:
                if conn is None:
                    conn = self._connect()
                    conn.execute(f"LISTEN {EVENTS_CHANNEL}")
                    conn.execute(f"LISTEN {NOTICES_CHANNEL}")
                    log.info("listening for the hall's events again")
                self._read(conn)
                for timeout in (1.0, 0.0):  # wait for one, then take all that came with it
                    for notify in conn.notifies(timeout=timeout, stop_after=None if timeout == 0 else 1):
                        if notify.channel == NOTICES_CHANNEL:
                            self._notice_received(notify.payload)
            except psycopg.Error as exc:
                if self._stopping.is_set():
                    break
                log.warning("the event listener lost the database (%s); trying again",
                            str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                with contextlib.suppress(Exception):
                    conn.close()
                conn = None
                self._stopping.wait(1.0)
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def _read(self, conn: Any) -> None:
        """Delivers every event committed after the last one delivered."""
        while True:
            rows = conn.execute(_READ, (self._last, 2**62, READ_BATCH)).fetchall()
            if not rows:
                return
            published = [_published(row) for row in rows]
            self._deliver(published)
            for hook in self._delivered_hooks:
                try:
                    hook(published)
                except Exception:
                    log.exception("an event hook failed")
            if len(rows) < READ_BATCH:
                return

    def _notice_received(self, payload: str) -> None:
        try:
            message = json.loads(payload)
            kind, data = message["kind"], message["data"]
        except (ValueError, KeyError, TypeError):
            log.warning("a notice that is not one: %r", payload[:100])
            return
        self._run_notice(kind, data)

    async def open(self, role: Role, last_event_id: int | None,
                   window: int | None = None, device_id: str | None = None,
                   halls: frozenset[str] | None = None) -> tuple[_Subscriber, list[str]]:
        subscriber, missed, covered = self._subscribe(role, last_event_id, window, device_id, halls)
        if covered or last_event_id is None:
            return subscriber, missed
        try:
            rows = await asyncio.to_thread(self._missed, last_event_id, subscriber.upto)
        except Exception:
            self.unsubscribe(subscriber)
            raise
        return subscriber, [p.text for p in map(_published, rows) if subscriber.sees(p)]

    def _missed(self, after: int, upto: int) -> list[tuple[int, str, str, str]]:
        with self._db.engine.connect() as conn:
            rows = conn.exec_driver_sql(_READ, (after, upto, MISSED_MAX)).all()
            conn.rollback()
        return [tuple(row) for row in rows]

    def prune(self, keep: int = KEEP_EVENTS) -> int:
        """Forgets all but the last `keep` events (the leader process runs it now and then)."""
        with self._db.engine.begin() as conn:
            result = conn.exec_driver_sql(
                "DELETE FROM hall_events WHERE id <= (SELECT last_id FROM hall_event_counter WHERE id = 1) - %(keep)s",
                {"keep": keep})
            return result.rowcount or 0

    # -- presence ------------------------------------------------------------------------

    def _presence(self, window: int, online: bool) -> None:
        if self._presence_jobs is None:  # not started (a test's bus): as in one process
            super()._presence(window, online)
            return
        self._presence_jobs.put((window, online))

    def _keep_presence(self) -> None:
        """Takes or lets go of the windows' presence locks, one change at a time, and
        announces a window whose first stream in the hall opened or last one closed."""
        import psycopg

        conn = None
        held: Counter[int] = Counter()
        while True:
            job = self._presence_jobs.get()
            if job is None:
                break
            window, online = job
            for _attempt in range(2):
                try:
                    if conn is None:
                        conn = self._connect()
                        for number in held:  # a new connection holds nothing yet
                            conn.execute("SELECT pg_advisory_lock_shared(%s, %s)", (PRESENCE_LOCKS, number))
                    if online:
                        elsewhere = self._holders(conn, window) > 0
                        conn.execute("SELECT pg_advisory_lock_shared(%s, %s)", (PRESENCE_LOCKS, window))
                        held[window] += 1
                        if not elsewhere:
                            super()._presence(window, True)
                    else:
                        if held[window] > 0:
                            conn.execute("SELECT pg_advisory_unlock_shared(%s, %s)", (PRESENCE_LOCKS, window))
                            held[window] -= 1
                            if held[window] == 0:
                                del held[window]
                        if self._holders(conn, window) == 0:
                            super()._presence(window, False)
                    break
                except psycopg.Error as exc:
                    log.warning("window presence: the database is away (%s)", str(exc).splitlines()[0])
                    with contextlib.suppress(Exception):
                        conn.close()
                    conn = None
                    time.sleep(0.5)
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    @staticmethod
    def _holders(conn: Any, window: int) -> int:
        return conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s "
            "AND objsubid = 2 AND granted AND database = (SELECT oid FROM pg_database "
            "WHERE datname = current_database())", (PRESENCE_LOCKS, window)).fetchone()[0]

    def online_windows(self) -> frozenset[int]:
        if self._presence_jobs is None:
            return super().online_windows()
        with self._db.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT DISTINCT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = %(c)s "
                "AND objsubid = 2 AND granted AND database = (SELECT oid FROM pg_database "
                "WHERE datname = current_database())", {"c": PRESENCE_LOCKS}).scalars().all()
            conn.rollback()
        return frozenset(int(n) for n in rows)

