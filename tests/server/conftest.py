"""Fixtures of the server's tests."""

from __future__ import annotations

import pytest

from server import migrate
from server.db import Database
from server.events import EventBus
from server.queue import QueueService, QueueSettings
from server.queue_writer import ProcessWriter
from server.seed import seed_demo_hall


@pytest.fixture
def queue_service(tmp_path):
    """make(writer="thread"|"process"): a QueueService in this process, over a demo hall on
    a SQLite file, closed after the test."""
    made: list[QueueService] = []

    def make(writer: str = "thread") -> QueueService:
        url = f"sqlite:///{tmp_path / f'hall-{len(made)}.sqlite3'}"
        migrate.upgrade(url)
        db = Database(url)
        with db.session() as session:
            seed_demo_hall(session)
        separate = writer == "process" and ProcessWriter.can_serve(db)
        made.append(QueueService(db, EventBus(), QueueSettings(id_key=b"test"),
                                 writer=ProcessWriter if separate else None))
        return made[-1]

    yield make
    for service in made:
        service.close()
        service.db.dispose()


@pytest.fixture
def hall_database(pg, demo_hall_seed, request):
    """A PostgreSQL database holding the demo hall, for a test's own HallServer (workers=N)."""
    url = pg.create_database(request.node.name)
    demo_hall_seed.fill_postgres(pg, url)
    yield url
    pg.drop_database(pg.database_of(url))
