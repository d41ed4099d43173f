"""Helpers of the rating tests: real cases made by the workstation's own GuideDesk into a
real local store and uploaded to a hall server process, the applicant's rating saved by
the RatingDesk, a calendar the hall publishes, and the supervisor's application.

Qt is imported only by the `supervisor_app` fixture, so the server's tests use the rest."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.support.hall_server import HallServer
from workstation.app.guide import GuideDesk, GuideSnapshot, Person, SavedCase
from workstation.app.held import Consent
from workstation.app.rating import RatingDesk
from workstation.domain.checklist import (
    Decision,
    MaterialCheck,
    applicable_materials,
    decide,
    evaluate,
    required_counts,
)
from workstation.domain.rating import RatingAnswer
from workstation.domain.search import CatalogueIndex
from workstation.domain.workdays import PublishedYear, WorkCalendar, bundled_years
from workstation.protocol.catalogue import ServiceItem
from workstation.protocol.records import RecordIn
from workstation.store.local import LocalStore
from workstation.sync.client import HallClient

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "resources" / "demo_hall" / "catalogue.json"
TIMEOUT = 30
SHANGHAI = timedelta(hours=8)

# Items of the demo hall: done on the spot (即办件), and promised within days (承诺件).
ON_THE_SPOT = "个体工商户设立登记"
PROMISED = "失业保险金申领"


def demo_item(name: str) -> ServiceItem:
    for raw in json.loads(CATALOGUE.read_text(encoding="utf-8")):
        if raw["name"] == name:
            return ServiceItem.model_validate(raw)
    raise LookupError(name)


def hall_time(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment given in the hall's time (UTC+8), as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - SHANGHAI


class CaseMaker:
    """Makes real `case` records (and ratings) at one enrolled workstation device, with the
    workstation's own code, and uploads them to the hall server."""

    def __init__(self, server: HallServer, store: LocalStore, device_token: str | None = None) -> None:
        self.server = server
        self.store = store
        self.token = device_token or server.device_token()
        me = requests.get(server.api("/me"), headers={"Authorization": f"Bearer {self.token}"}, timeout=TIMEOUT)
        me.raise_for_status()
        self.device_id = me.json()["device_id"]
        self.window = me.json()["window"]
        self.guide = GuideDesk(store)
        self.ratings = RatingDesk(store)

    def snapshot(self, item: ServiceItem) -> GuideSnapshot:
        return GuideSnapshot(revision=0, index=CatalogueIndex.build([item]), calendar=WorkCalendar.official(),
                             region_code="110105", hall_name="演示区政务服务中心")

    def case(self, item_name: str = ON_THE_SPOT, *, at: datetime,
             applicant: Person = Person("李明", id_number="11010519491231002X", phone="13812345678"),
             clerk: tuple[str, str] = ("clerk1", "张伟"), chosen: set[str] | None = None,
             consent: Consent | None = None) -> SavedCase:
        """An accepted case: the options `chosen` (else the first of every situation), every
        material received; `consent`: the applicant's answer to keeping them (材料复用)."""
        item = demo_item(item_name)
        chosen = chosen or {group.options[0].id for group in item.situations}
        checks = []
        for material in applicable_materials(item, chosen):
            originals, copies = required_counts(material)
            checks.append(MaterialCheck.received(material.id, originals=originals, copies=copies))
        evaluation = evaluate(item, chosen, checks)
        record = decide(evaluation, Decision.ACCEPT)
        return self.guide.save_case(self.snapshot(item), item, evaluation, record, applicant, None,
                                    {"username": clerk[0], "name": clerk[1]}, self.window, self.device_id,
                                    applied_at=at - timedelta(minutes=10), now=at, consent=consent)

    def rate(self, case: SavedCase, answer: RatingAnswer, at: datetime) -> None:
        self.ratings.rate(case, answer, now=at)

    def upload(self) -> None:
        """Send everything in the outbox, as the sync engine would."""
        client = HallClient(self.server.url, self.token, TIMEOUT)
        try:
            while batch := self.store.next_batch(500):
                result = client.upload([RecordIn.model_validate(r.model_dump()) for r in batch])
                assert all(r.status in (200, 201) for r in result.results), result
                self.store.acknowledge([r.uuid for r in batch])
        finally:
            client.close()


def records(server: HallServer, session: requests.Session, kind: str) -> list[dict]:
    """Every record of `kind` on the server, as a supervisor lists them."""
    found, after = [], None
    while True:
        params = {"kind": kind, **({"after": after} if after else {})}
        page = session.get(server.api("/records"), params=params, timeout=TIMEOUT).json()
        found += page["records"]
        after = page["next_after"]
        if not after:
            return found



def publish_holidays(server: HallServer, admin: requests.Session, days: list[date]) -> WorkCalendar:
    """The hall publishes its calendar with `days` as extra holidays (a hall may declare a
    closure, and a published year replaces the bundled one). Returns the calendar that
    results, for the test's expectations."""
    bundled = {year.year: year for year in bundled_years()}
    published = []
    for year in sorted({d.year for d in days}):
        base = bundled.get(year) or PublishedYear(year, frozenset({date(year, 1, 1)}), frozenset())
        extra = {d for d in days if d.year == year}
        value = PublishedYear(year, base.holidays | extra, base.workdays - extra)
        response = admin.put(server.api(f"/reference/calendar/{year}"), json={"payload": value.to_dict()},
                             timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        published.append(value)
    return WorkCalendar.official(published)


@pytest.fixture
def supervisor_app(styled_qapp, tmp_path):
    """make(server_url): the supervisor's application on a workstation of its own (its own
    folder; give the server's URL spelled differently from a clerk's app in the same test,
    since the keyring keeps one device per server URL)."""
    from tests.support.qt_apps import close_front
    from ui.supervisor.app import SupervisorApp
    from workstation.app.workstation import Workstation
    from workstation.config import ServerSettings, Settings, SyncSettings, UiSettings
    from workstation.paths import Paths

    apps = []

    def make(url: str) -> SupervisorApp:
        root = tmp_path / f"supervisor-{len(apps)}"
        settings = Settings(server=ServerSettings(url=url),
                            sync=SyncSettings(batch_size=100, max_backoff=0.5, poll_interval=1.0),
                            ui=UiSettings(citizen_screen="off"))
        app = SupervisorApp(Workstation(settings, Paths(root / "config", root / "data", root / "logs")),
                            settings)
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_front(app)
