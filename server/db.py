"""Engines and sessions for the hall server, on SQLite or PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """An engine tuned for the hall: WAL and a busy timeout on SQLite (one writer at a
    time, readers never blocked), a pool sized for many windows on PostgreSQL."""
    if url.startswith("sqlite"):
        # A pool as large as the thread pool: reopening SQLite connections under load (the
        # default pool keeps 5) costs more than the queries.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=40, max_overflow=20)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            # Python's sqlite3 opens transactions lazily; take the write lock at BEGIN so
            # that two writers never deadlock upgrading read locks.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection):  # pragma: no cover - trivial
            readonly = connection.get_execution_options().get("hall_readonly", False)
            connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


log = logging.getLogger(__name__)

class Database:
    """The server's database: an engine and a session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(hall_readonly=True), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session that only reads: on SQLite it does not queue behind writers."""
        with self._read_sessions() as session, session.begin():
            yield session

    def own_connection(self):
        """A driver connection of its own, outside the pool, in autocommit: for what holds a
        connection for the process's life (LISTEN, advisory locks)."""
        pooled = self.engine.raw_connection()
        conn = pooled.driver_connection
        pooled.detach()
        conn.autocommit = True
        return conn

    def dispose(self) -> None:
        self.engine.dispose()


def database_trouble(exc: BaseException) -> str:
    """A plain reason for a request the database could not serve (nothing was committed),
    and it is logged once, without the traceback, for the operator."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "database is locked" in text or "database table is locked" in text:
        reason = "the hall's database is busy (locked by another writer); nothing was saved: try again in a moment"
    elif "disk is full" in text or "no space left" in text or "could not extend file" in text:
        reason = ("the hall server's disk is full; nothing was saved by this request: "
                  "IT must free space on the server")
    elif "read-only" in text or "readonly" in text:
        reason = "the hall's database is read-only now; nothing was saved: tell IT"
    else:
        reason = "the hall's database cannot be reached right now (restarting?); nothing was saved: try again shortly"
    log.warning("database trouble: %s (%s)", reason, text.splitlines()[0][:200] if text else type(exc).__name__)
    return reason


# What runs once a session's transaction commits (server.records' indexers, the audit
# chains' alerts): an event that must never announce what a reader cannot see yet.
AFTER_COMMIT = "hall.after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the session's transaction commits (not at all on a rollback, nor
    when the record whose indexer asked is refused)."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(AFTER_COMMIT, []):
        try:
            callback()
        except Exception:  # the data is committed; a failed announcement must not undo the answer
            logging.getLogger(__name__).exception("an after-commit action failed")


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop(AFTER_COMMIT, None)
