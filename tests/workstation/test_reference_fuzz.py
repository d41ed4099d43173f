"""Fuzzing the catalogue and the hall calendar where they come in: the admin's import on the
server (`main.py server import KIND FILE` → server.seed.import_reference, all or nothing)
and the workstation's guide built from what it pulled (GuideDesk.load). Real catalogue
items and calendars of the demo hall, damaged at random places, and values of any shape.

Properties: the import changes all or nothing and refuses with ImportError_ naming each
broken entry, never another exception; the guide is built from every readable entry,
whatever else the cache holds, and names each entry it left out."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from server import migrate, reference, seed
from server.db import Database
from workstation.app.guide import GuideDesk, GuideSnapshot
from workstation.domain.workdays import InvalidCalendar, PublishedYear
from workstation.protocol.catalogue import ServiceItem
from workstation.protocol.reference import ChangesPage, PublishedCalendar, ReferenceEntry, ReferenceKind
from workstation.store.local import LocalStore

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
DEMO = Path(seed.DEMO_HALL)
ITEMS = json.loads((DEMO / "catalogue.json").read_text(encoding="utf-8"))
CALENDAR = {"year": 2031, "holidays": ["2031-01-01", "2031-10-01"], "workdays": ["2031-09-27"]}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=12) | st.sampled_from(["", "工作日", "自然日", "即办件", "2031-02-30", "x" * 300]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=5)


def _paths(value, prefix=()):
    """Every place in a JSON value: (path, container) pairs to damage."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*prefix, key)
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*prefix, index)
            yield from _paths(inner, (*prefix, index))


@st.composite
def damaged(draw, original):
    """`original` with a few places replaced by any JSON value or removed."""
    value = copy.deepcopy(original)
    places = list(_paths(value))
    for _ in range(draw(st.integers(0, 3))):
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent = value
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this place
        places = list(_paths(value))
    return value


items = st.integers(0, len(ITEMS) - 1).flatmap(lambda i: damaged(ITEMS[i]))
calendars = damaged(CALENDAR)
anything = json_values


# --- the server's import ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def hall_db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('import-fuzz') / 'hall.sqlite3'}"
    migrate.upgrade(url)
    db = Database(url)
    with db.session() as session:
        seed.seed_demo_hall(session)
    yield db
    db.dispose()


def import_once(db: Database, kind: ReferenceKind, values) -> None:
    """One import; refused or applied, never half: the head moves only if it was applied."""
    with db.reading() as session:
        head = reference.head(session)
        before = reference.current(session, kind)
    try:
        with db.session() as session:
            changed = seed.import_reference(session, kind, values, "fuzz.json")
    except seed.ImportError_ as exc:
        assert str(exc) and "Traceback" not in str(exc)
        with db.reading() as session:
            assert reference.head(session) == head and reference.current(session, kind) == before
        return
    assert isinstance(changed, int) and changed >= 0


@FUZZ
@given(st.lists(items, min_size=1, max_size=3) | anything)
@example([{**ITEMS[0], "legal_limit": {"value": 10**30, "unit": "工作日"}}])
@example([{**ITEMS[0], "name": "\u0000"}])
@example([ITEMS[0], ITEMS[0]])  # the same code twice
@example({"code": "x"})  # an object, not a list
def test_a_catalogue_import_is_applied_whole_or_refused_naming_the_entry(hall_db, values):
    import_once(hall_db, ReferenceKind.SERVICE_ITEM, values)


@FUZZ
@given(st.lists(calendars, min_size=1, max_size=2) | anything)
@example([{**CALENDAR, "holidays": []}])
@example([{**CALENDAR, "year": True}])
@example([{**CALENDAR, "holidays": ["2031-1-1  "]}])
@example([{**CALENDAR, "workdays": ["2031-09-29"]}])  # a Monday as a make-up workday
@example([{**CALENDAR, "year": 10**30}])
def test_a_calendar_import_is_applied_whole_or_refused_naming_the_entry(hall_db, values):
    import_once(hall_db, ReferenceKind.CALENDAR, values)


@FUZZ
@given(anything)
@example({"year": 2031, "holidays": "2031-01-01", "workdays": []})
@example({"year": 2031, "holidays": {"2031-01-01": 1}, "workdays": []})
def test_a_published_calendar_is_read_or_refused_as_invalid(data):
    try:
        year = PublishedYear.from_dict(data)
    except InvalidCalendar as exc:
        assert str(exc)
        return
    assert year.to_dict()["year"] == year.year


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
@example(b"\xef\xbb\xbf[]")  # a byte order mark, as Notepad writes
@example(b"[" * 100_000)  # nested past the JSON reader's recursion limit
@example(rb'[{"code": "\ud800"}]')  # a lone surrogate, escaped
def test_an_import_file_of_any_bytes_is_applied_or_refused(hall_db, tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("file") / "catalogue.json"
    path.write_bytes(raw)
    try:
        with hall_db.session() as session:
            seed.import_file(session, ReferenceKind.SERVICE_ITEM, path)
    except seed.ImportError_ as exc:
        assert str(path) in str(exc), exc  # every refusal names the file (and the entry)


def test_an_import_file_that_is_a_folder_is_refused(hall_db, tmp_path):
    with pytest.raises(seed.ImportError_, match="cannot be read"), hall_db.session() as session:
        seed.import_file(session, ReferenceKind.CALENDAR, tmp_path)


# --- the workstation's guide ------------------------------------------------------------------

@pytest.fixture
def store(tmp_path_factory):
    local = LocalStore(tmp_path_factory.mktemp("guide-fuzz") / "workstation.sqlite3")
    yield local
    local.close()


def cache(store: LocalStore, kind: ReferenceKind, values: list, key: str = "") -> None:
    """What a pull would leave in the cache, whatever the hall sent: each value under its
    `key` field where it has one (the hall keys a calendar by its year), else by position."""
    since = store.reference_since()
    entries = [ReferenceEntry(kind=kind, revision=since + n + 1, payload=v,
                              key=str(v.get(key, n) if isinstance(v, dict) else n)[:64])
               for n, v in enumerate(values)]
    store.apply_reference_page(ChangesPage(entries=entries, next_since=since + len(values), has_more=False,
                                           head=since + len(values)))


def readable(model, value) -> bool:
    try:
        model.model_validate(value)
    except ValueError:
        return False
    return True


@FUZZ
@given(st.lists(items, max_size=4), st.lists(calendars, max_size=2),
       st.lists(st.dictionaries(st.text(max_size=6), anything, max_size=3), max_size=2))
@example([{**ITEMS[0], "case_type": "联办件"}], [], [])  # a case type a newer hall knows
@example([], [{**CALENDAR, "holidays": []}], [])
@example([], [], [{"name": 5, "region_code": ["110101"]}])  # a hall whose fields are not text
def test_the_guide_is_built_from_every_readable_entry_and_names_the_rest(store, service_items, years, halls):
    with store._transaction() as session:  # a fresh cache for each example
        from workstation.store.models import CachedReference

        session.query(CachedReference).delete()
    cache(store, ReferenceKind.SERVICE_ITEM, [dict(v, code=f"C{n}") if isinstance(v, dict) else v
                                              for n, v in enumerate(service_items)])
    cache(store, ReferenceKind.CALENDAR, years, key="year")
    cache(store, ReferenceKind.HALL, halls)
    snapshot = GuideDesk(store).load()
    assert isinstance(snapshot, GuideSnapshot)
    stored = store.reference_values(ReferenceKind.SERVICE_ITEM.value)
    good = {v["code"] for v in stored if readable(ServiceItem, v)}
    assert {code for code in good if snapshot.item(code) is not None} == good
    bad_items = len(stored) - len(good)
    bad_years = sum(not readable(PublishedCalendar, v) for v in store.reference_values(ReferenceKind.CALENDAR.value))
    assert len(snapshot.unreadable) == bad_items + bad_years, snapshot.unreadable
    assert isinstance(snapshot.hall_name, str) and isinstance(snapshot.region_code, str)
    # What the counter does next with the snapshot holds up.
    snapshot.search_bundles("gtgsh")
    snapshot.index.search("gtgsh")
