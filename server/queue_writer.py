"""SQLite: the queue's batch writer in a process of its own.

The hall server is one Python process, so everything in it takes turns on one core (the
GIL). Its two big jobs are the HTTP front (parsing requests, authenticating, answering,
streaming events to every display and workstation) and writing the queue. Moving the
writer into its own process lets the two use both cores of a hall server PC: the front
hands each counter operation over a socket pair and awaits the answer.

The writer process works as server.queue._BatchWriter does: it takes every operation
waiting on the socket (up to MAX_BATCH) into one transaction, each in a savepoint of its
own, commits once, and answers the batch in one message, in order, with each
operation's value or refusal and its events. The front announces the events (the event
bus stays in the front, where the streams are) and then answers the callers, so nothing
is answered or announced before it is committed.

The front keeps the only connection; the writer ends when the socket closes (the server
stopped or died). If the writer dies, the operations waiting for it fail with 503 and
the next operation starts a new one.
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import signal
import socket
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import Future
from multiprocessing.connection import Connection
from typing import Any

from server.db import Database
from server.events import EventBus
from server.queue import MAX_BATCH, QueueError, QueueService, run_batch
from workstation.embedded import server_command

log = logging.getLogger("hall.queue.writer")

# The QueueService methods the writer process runs, by name.
WRITE_OPERATIONS = frozenset({"issue", "cancel", "call_next", "operate", "set_paused", "add_appointment",
                              "book_appointment", "import_appointments"})
STOP_SECONDS = 10.0

# (sequence, method name, arguments) one way; a batch's answers the other:
# [(sequence, value, error, events, counts moved)].
Answer = tuple[int, Any, BaseException | None, list[tuple[str, dict[str, Any]]], bool]


class ProcessWriter:
    """The front's side: sends operations to the writer process and resolves their futures
    from its answers, on a thread of its own (as the in-process writer's thread does)."""

    def __init__(self, service: QueueService) -> None:
        self._service = service
        self._lock = threading.Lock()  # the connection and what is pending on it
        self._sending = threading.Lock()  # one message at a time on the socket
        self._socket: socket.socket | None = None
        self._conn: Connection | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._pending: dict[int, Future[Any]] = {}
        self._sequence = itertools.count(1)
        self._stopped = False

    @staticmethod
    def can_serve(db: Database) -> bool:
        """A process of its own needs a SQLite file it can open too, and a POSIX system to
        hand it its socket; elsewhere the queue's writer is a thread of the front."""
        on_file = db.engine.url.database not in (None, "", ":memory:")
        return db.dialect == "sqlite" and os.name == "posix" and on_file

    def start(self) -> None:
        with self._lock:
            self._connection()

    def _connection(self) -> Connection:
        """The writer's connection, starting the writer if there is none (under the lock)."""
        if self._stopped:
            raise QueueError(503, "the hall server is stopping")
        if self._conn is None:
            ours, theirs = socket.socketpair()
            try:
                process = subprocess.Popen(
                    [*server_command(), "queue-writer", "--fd", str(theirs.fileno())],
                    pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
            except OSError as exc:
                ours.close()
                raise QueueError(503, f"the queue's writer could not start: {exc}") from None
            finally:
                theirs.close()
            conn = Connection(os.dup(ours.fileno()))
            service = self._service
            try:
                conn.send((service.db.url, service.settings, service.policy))
            except OSError as exc:
                conn.close()
                ours.close()
                process.kill()
                process.wait()
                raise QueueError(503, f"the queue's writer could not start: {exc}") from None
            self._socket, self._conn, self._process = ours, conn, process
            self._reader = threading.Thread(target=self._read, args=(conn, ours, process),
                                            name="queue-writer-answers", daemon=True)
            self._reader.start()
        return self._conn

    def submit(self, operation: Callable[..., Any], args: tuple[Any, ...]) -> Future[Any]:
        name = getattr(operation, "__name__", "")
        if getattr(operation, "__self__", None) is not self._service or name not in WRITE_OPERATIONS:
            raise ValueError(f"{operation!r} is not one of the queue's write operations")
        future: Future[Any] = Future()
        with self._lock:
            try:
                conn = self._connection()
            except QueueError as exc:
                future.set_exception(exc)
                return future
            sequence = next(self._sequence)
            self._pending[sequence] = future
        # Not under self._lock, which the answers' reader takes: were both directions of
        # the socket full, holding it here would stop the one thread that drains them.
        with self._sending:
            try:
                conn.send((sequence, name, args))
            except OSError:
                pass  # the writer died: its reader fails everything pending, this one too
        return future

    def _read(self, conn: Connection, ours: socket.socket, process: subprocess.Popen[bytes]) -> None:
        service = self._service
        while True:
            try:
                answers: list[Answer] = conn.recv()
            except (EOFError, OSError):
                break
            events = [event for _, _, error, these, _ in answers if error is None for event in these]
            try:
                service.announce(events, any(counts for *_, counts in answers))
            except Exception:  # committed all the same: the callers must have their answers
                log.exception("could not announce %d queue events", len(events))
            with self._lock:
                futures = [self._pending.pop(sequence) for sequence, *_ in answers]
            for future, (_, value, error, _, _) in zip(futures, answers, strict=True):
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(value)
        with self._sending:  # no send can be writing to the descriptor as it closes
            conn.close()
        ours.close()
        with self._lock:
            if self._conn is conn:
                self._conn = self._socket = None
            left, self._pending = self._pending, {}
            stopping = self._stopped
        try:
            code = process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        if left or not stopping:
            log.error("the queue's writer process ended (exit %s) with %d operations unanswered", code, len(left))
        for future in left.values():
            future.set_exception(QueueError(503, "the queue's writer stopped before answering: look at "
                                                 "the queue before trying again, the operation may have "
                                                 "been saved"))

    def stop(self) -> None:
        """Lets the writer finish what it was given, answer it and end."""
        with self._lock:
            self._stopped = True
            ours, reader = self._socket, self._reader
        if ours is not None:
            try:
                ours.shutdown(socket.SHUT_WR)  # the writer reads to the end, then exits
            except OSError:
                pass
        if reader is not None:
            reader.join(STOP_SECONDS * 2)


# ---------------------------------------------------------------------------------------
# The writer process
# ---------------------------------------------------------------------------------------


def child_main(argv: list[str]) -> int:
    """`main.py server queue-writer --fd N`, started by ProcessWriter only."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Ctrl+C in the server's terminal reaches us too: the server stops us when it is done.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if len(argv) != 2 or argv[0] != "--fd" or not argv[1].isdigit():
        log.error("usage: queue-writer --fd N (the hall server starts it)")
        return 2
    conn = Connection(int(argv[1]))
    try:
        url, settings, policy = conn.recv()
    except EOFError:
        return 0
    db = Database(url)
    service = QueueService(db, EventBus(), settings, policy)  # its own writer is never started
    gc.collect()
    gc.freeze()  # as the server does (server.app): a full collection need not scan the modules
    try:
        ending = False
        while not ending:
            try:
                batch = [conn.recv()]
            except EOFError:
                break
            try:
                while len(batch) < MAX_BATCH and conn.poll(0):
                    batch.append(conn.recv())
            except EOFError:
                ending = True  # answer what came, then end
            conn.send(_run(service, batch))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server is gone
    finally:
        db.dispose()
    return 0


def _run(service: QueueService, batch: list[tuple[int, str, tuple[Any, ...]]]) -> list[Answer]:
    try:
        operations = [(getattr(service, name), args) for _, name, args in batch]
        outcomes = run_batch(service, operations)
    except Exception as exc:  # the commit (or the transaction) failed: nothing was saved
        log.error("a batch of %d queue operations failed: %s", len(batch), exc)
        return [(sequence, None, _portable(exc), [], False) for sequence, _, _ in batch]
    answers: list[Answer] = []
    for (sequence, _, _), outcome in zip(batch, outcomes, strict=True):
        if outcome.op is None:
            answers.append((sequence, None, _portable(outcome.error), [], False))
        else:
            answers.append((sequence, outcome.value, None, outcome.op.events, outcome.op.counts))
    return answers


def _portable(error: BaseException | None) -> BaseException:
    """An error that crosses the socket: a refusal as it is, anything else as its text (a
    driver's exception may not survive pickling)."""
    if isinstance(error, QueueError):
        return error
    log.error("a queue operation failed: %r", error)
    return RuntimeError(f"the queue's writer failed: {type(error).__name__}: {error}")
