"""`main.py server --workers N`: N HTTP front processes on one port, over one PostgreSQL.

uvicorn's own worker model (uvicorn.supervisors.Multiprocess): this process binds the
socket, migrates and seeds the database once (server.cli), then starts N worker
processes that each accept on the shared socket and build the whole app
(`worker_app`), so every process serves every request. The supervisor restarts a worker
that dies. What must happen once per hall happens in the worker that leads
(server.leader); the streams of every worker carry every event (server.events.
SharedEventBus).

SIGTERM (or standard input closing, with --parent-watch) stops the supervisor, which
sends SIGTERM to each worker: a worker ends its event streams at once (their clients
resume elsewhere with Last-Event-ID), stops accepting, lets the requests in flight
finish (a counter operation commits and is answered) and ends.
"""

from __future__ import annotations

import base64
import logging
import os
import pickle
import signal
import socket
import sys
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

SETTINGS = "COUNTER_WORKER_SETTINGS"  # the workers' settings, from the supervisor
PROCESSES = "COUNTER_WORKER_PROCESSES"  # how many workers there are (a revocation waits for each one's word)
GRACE_SECONDS = 5  # a worker's requests in flight get this long to finish at a stop

log = logging.getLogger("hall.workers")


def serve(url: str, sock: socket.socket, workers: int, settings: tuple[Any, ...],
          tls: tuple[Path, Path] | None, parent_watch: bool, announce: str) -> int:
    """Runs `workers` processes on `sock` until SIGTERM/SIGINT (or stdin closes)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    os.environ[SETTINGS] = base64.b64encode(pickle.dumps((url, *settings))).decode()
    os.environ[PROCESSES] = str(workers)
    certificate = {"ssl_certfile": str(tls[0]), "ssl_keyfile": str(tls[1])} if tls else {}
    config = uvicorn.Config("server.workers:worker_app", factory=True, workers=workers, log_level="warning",
                            timeout_graceful_shutdown=GRACE_SECONDS, access_log=False, **certificate)
    supervisor = Multiprocess(config, sockets=[sock])
    if parent_watch:
        threading.Thread(target=_watch_parent, args=(supervisor.should_exit,), daemon=True).start()
    print(announce, flush=True)
    supervisor.run()
    return 0


def _watch_parent(should_exit: threading.Event) -> None:
    try:
        while os.read(sys.stdin.fileno(), 1024):  # unbuffered: no lock left held at exit
            pass
    except (OSError, ValueError):
        pass
    should_exit.set()


def worker_app():
    """The app of one worker process (uvicorn calls it in each)."""
    from server.app import create_app
    from server.db import Database

    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s %(levelname)s [{os.getpid()}] %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    url, ratings, cases, login = pickle.loads(base64.b64decode(os.environ[SETTINGS]))
    app = create_app(Database(url), ratings, case_settings=cases, login_settings=login,
                     processes=int(os.environ.get(PROCESSES, "1")))
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application):
        async with inner(application) as state:
            _end_streams_on_stop(application.state.bus)
            yield state

    app.router.lifespan_context = lifespan
    return app


def _end_streams_on_stop(bus) -> None:
    """At SIGTERM/SIGINT the event streams end first (then uvicorn's own handler stops the
    server): left open, a stream holds the stop for the whole grace period."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)

        def handler(number, frame, previous=previous):
            bus.close_all()
            if callable(previous):
                previous(number, frame)

        signal.signal(sig, handler)
