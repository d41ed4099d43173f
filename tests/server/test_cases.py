"""Cases after the counter on the hall server, over real HTTP, on SQLite and PostgreSQL:
cases made by the workstation's own code at two windows, steps recorded by the CaseDesk
and uploaded by the sync engine's own uploader; the index with masked data only; a resend
acknowledged again; the second window's conclusion refused with who did it when; a step
that arrived before its case; 容缺后补 and 告知承诺 核查; and 电子监察's deadline levels
across days (the server's today-file hook), seen live on a supervisor's event stream and
never on a clerk's."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.cases import TODAY_FILE_ENV
from tests.support.hall_server import HallServer
from tests.support.waiting import wait_for
from tests.ui.rating_fixtures import ON_THE_SPOT, PROMISED, CaseMaker, demo_item, hall_time
from workstation.app.cases import CaseDesk, Outcome
from workstation.app.guide import Person, SavedCase
from workstation.domain.case import Delivery, Result, Step, Verification
from workstation.domain.checklist import (
    Decision,
    MaterialCheck,
    applicable_materials,
    decide,
    evaluate,
    required_counts,
)
from workstation.protocol.records import RecordIn
from workstation.store.local import LocalStore
from workstation.sync.cases_client import CasesClient
from workstation.sync.client import HallClient, HallRefused
from workstation.sync.engine import SyncEngine

TIMEOUT = 30
APPLICANT = Person("李明", id_number="11010519491231002X", phone="13812345678")
OTHER = Person("王芳", id_number="110101199003071233")


def _token(session) -> str:
    return session.headers["Authorization"].split(" ", 1)[1]


class Window:
    """One counter window: an enrolled workstation with its own local store, a clerk logged
    in there, the CaseDesk and the sync engine's uploader."""

    def __init__(self, server: HallServer, folder, number: int, clerk: tuple[str, str]) -> None:
        self.server, self.number, self.clerk = server, number, clerk
        self.token = server.enrol("workstation", number)
        self.store = LocalStore(folder / f"window-{number}.sqlite3")
        self.maker = CaseMaker(server, self.store, self.token)
        self.session = server.login(clerk[0], device_token=self.token)
        self.desk = CaseDesk(self.store, lambda: CasesClient(server.url, _token(self.session), TIMEOUT),
                             lambda: self.clerk, number)
        self.engine = SyncEngine(self.store, server.url, self.token)

    def case(self, item: str = PROMISED, **kwargs) -> SavedCase:
        return self.maker.case(item, clerk=self.clerk, **kwargs)

    def special_case(self, item_name: str, chosen: set[str], missing: str, decision: Decision, at,
                     **decide_args) -> SavedCase:
        """A case where one material is missing and the decision is 容缺受理 or 告知承诺."""
        item = demo_item(item_name)
        checks = []
        for material in applicable_materials(item, chosen):
            if material.id == missing:
                checks.append(MaterialCheck.missing(material.id))
                continue
            originals, copies = required_counts(material)
            checks.append(MaterialCheck.received(material.id, originals=originals, copies=copies))
        evaluation = evaluate(item, chosen, checks)
        record = decide(evaluation, decision, **decide_args)
        return self.maker.guide.save_case(self.maker.snapshot(item), item, evaluation, record, APPLICANT, None,
                                          {"username": self.clerk[0], "name": self.clerk[1]}, self.number,
                                          self.maker.device_id, applied_at=at, now=at)

    def upload(self) -> None:
        """Everything pending, as the uploader thread would send it."""
        client = HallClient(self.server.url, self.token, TIMEOUT)
        try:
            while self.engine.upload_batch(client):
                pass
        finally:
            client.close()

    def resend(self, record_uuid) -> int:
        saved = self.store.record(record_uuid)
        client = HallClient(self.server.url, self.token, TIMEOUT)
        try:
            result = client.upload([RecordIn(uuid=saved.uuid, kind=saved.kind, created_at=saved.created_at,
                                             payload=saved.payload)])
        finally:
            client.close()
        return result.results[0].status

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def windows(hall_server, tmp_path):
    made = [Window(hall_server, tmp_path, 1, ("clerk1", "张伟")), Window(hall_server, tmp_path, 2, ("clerk2", "李娜"))]
    yield made
    for window in made:
        window.close()


def _case(server: HallServer, session, number: str):
    return session.get(server.api(f"/cases/{number}"), timeout=TIMEOUT)


def test_a_case_is_indexed_moved_on_and_a_second_conclusion_refused(hall_server, windows):
    one, two = windows
    accepted = hall_time(2025, 9, 25, 10)  # Thursday; Sunday the 28th is a 调休 working day
    saved = one.case(at=accepted, applicant=APPLICANT)
    one.upload()

    # Found by the number as printed (hyphens), with masked personal data only.
    answer = _case(hall_server, one.session, saved.display_number)
    assert answer.status_code == 200, answer.text
    case = answer.json()
    assert case["case_number"] == saved.case_number and case["item_name"] == PROMISED
    assert case["applicant"] == "李*" and case["applicant_id"] == "110105********002X"
    assert "李明" not in answer.text and APPLICANT.id_number not in answer.text and "13812345678" not in answer.text
    assert case["state"] == "accepted" and case["decision"] == "accept" and case["window"] == 1
    assert case["clerk_name"] == "张伟" and case["department_name"] == "演示区人力资源和社会保障局"
    # Three working days on the official calendar: Fri 26, Sun 28 (调休), Mon 29.
    assert case["promised_date"] == "2025-09-29"
    assert case["allowed"] == ["start", "conclude"] and case["history"] == []
    assert _case(hall_server, one.session, "110105-20250925-001-XXXX-0001-0").status_code == 404

    # The pickup window finds the applicant's cases by the ID card.
    found = one.desk.search_by_id(APPLICANT.id_number.lower())
    assert [c.case_number for c in found] == [saved.case_number]
    assert one.desk.search_by_id(OTHER.id_number) == []

    # Window 1 takes it in hand; a resend of that step is acknowledged again and changes nothing.
    start = one.desk.record_step(saved.display_number, Step.START, at=hall_time(2025, 9, 26, 9))
    assert one.desk.outcome(start).outcome is Outcome.PENDING
    one.upload()
    assert one.desk.outcome(start).outcome is Outcome.STORED
    assert one.resend(start) == 200
    case = one.desk.find(saved.case_number).case
    assert case.state.value == "in_progress" and [s.step for s in case.history] == [Step.START]

    # Window 2 concludes it; window 1, offline meanwhile, concludes it too and learns who was first.
    two.desk.record_step(saved.case_number, Step.CONCLUDE, result=Result.APPROVED,
                         at=hall_time(2025, 9, 29, 10, 32))
    two.upload()
    late = one.desk.record_step(saved.case_number, Step.CONCLUDE, result=Result.REFUSED, note="材料不符",
                                at=hall_time(2025, 9, 29, 10, 40))
    other = one.case(ON_THE_SPOT, at=hall_time(2025, 9, 29, 10, 41), applicant=OTHER)  # same batch
    one.upload()
    outcome = one.desk.outcome(late)
    assert outcome.outcome is Outcome.REFUSED
    assert outcome.detail == (f"case {saved.case_number} was concluded at window 2 by 李* at 2025-09-29 10:32: "
                              "cannot conclude")
    assert _case(hall_server, one.session, other.case_number).status_code == 200  # the batch went on
    case = one.desk.find(saved.case_number).case
    assert case.state.value == "concluded" and case.result is Result.APPROVED
    assert [(s.step, s.window, s.actor_name) for s in case.history] == [
        (Step.START, 1, "张伟"), (Step.CONCLUDE, 2, "李娜")]
    assert case.allowed == [Step.DELIVER]

    # Handed over at window 1.
    one.desk.record_step(saved.case_number, Step.DELIVER, method=Delivery.PICKUP, at=hall_time(2025, 10, 9, 9))
    one.upload()
    case = one.desk.find(saved.case_number).case
    assert case.state.value == "delivered" and case.allowed == [] and case.level.value == "none"

    # 即办件 and the other outcomes of the counter.
    assert one.desk.find(other.case_number).case.promised_date == date(2025, 9, 29)


def test_a_step_that_arrives_before_its_case_waits_for_it(hall_server, windows, tmp_path):
    one, two = windows
    saved = one.case(at=hall_time(2025, 9, 29, 9), applicant=APPLICANT)
    # Window 2 reads the number off the applicant's receipt before window 1 is back online.
    started = two.desk.record_step(saved.display_number, Step.START, at=hall_time(2025, 9, 29, 11))
    concluded = two.desk.record_step(saved.case_number, Step.CONCLUDE, result=Result.APPROVED,
                                     at=hall_time(2025, 9, 29, 15))
    two.upload()
    assert two.desk.outcome(started).outcome is Outcome.STORED
    assert two.desk.outcome(concluded).outcome is Outcome.STORED
    with pytest.raises(HallRefused) as missing:
        two.desk.find(saved.case_number)
    assert missing.value.status == 404

    one.upload()
    case = two.desk.find(saved.case_number).case
    assert case.state.value == "concluded"
    assert [(s.step, s.from_state.value, s.to_state.value) for s in case.history] == [
        (Step.START, "accepted", "in_progress"), (Step.CONCLUDE, "in_progress", "concluded")]


def test_deferred_materials_and_commitments_after_the_counter(hall_server, windows):
    one, _ = windows
    at = hall_time(2025, 9, 29, 10)
    deferred = one.special_case(ON_THE_SPOT, {"individual", "agent"}, "premises_proof",
                                Decision.ACCEPT_WITH_DEFICIENCY, at,
                                deficiency_due={"premises_proof": date(2025, 10, 10)}, today=date(2025, 9, 29))
    committed = one.special_case(ON_THE_SPOT, {"family", "agent"}, "family_relation_proof",
                                 Decision.ACCEPT_ON_COMMITMENT, at)
    one.upload()

    case = one.desk.find(deferred.case_number).case
    assert case.deficiency_due == date(2025, 10, 10)
    assert [(d.material_id, d.received) for d in case.deficiencies] == [("premises_proof", False)]
    assert Step.CONCLUDE not in case.allowed and Step.SUPPLEMENT in case.allowed
    early = one.desk.record_step(deferred.case_number, Step.CONCLUDE, result=Result.APPROVED)
    one.upload()
    refused = one.desk.outcome(early)
    assert refused.outcome is Outcome.REFUSED and "deferred material" in refused.detail
    one.desk.record_step(deferred.case_number, Step.SUPPLEMENT, material_id="premises_proof",
                         material_name="经营场所使用证明")
    one.desk.record_step(deferred.case_number, Step.CONCLUDE, result=Result.APPROVED)
    one.upload()
    case = one.desk.find(deferred.case_number).case
    assert case.state.value == "concluded" and case.deficiency_due is None
    assert [(d.material_id, d.received) for d in case.deficiencies] == [("premises_proof", True)]

    case = one.desk.find(committed.case_number).case
    assert case.commitment is Verification.PENDING and Step.VERIFY in case.allowed
    one.desk.record_step(committed.case_number, Step.VERIFY, outcome=Verification.FALSE, note="经核查关系证明不实")
    again = one.desk.record_step(committed.case_number, Step.VERIFY, outcome=Verification.CONFIRMED)
    one.upload()
    case = one.desk.find(committed.case_number).case
    assert case.commitment is Verification.FALSE and Step.VERIFY not in case.allowed
    assert case.history[-1].detail == {"outcome": "false", "note": "经核查关系证明不实"}
    assert "verified already" in one.desk.outcome(again).detail


# ---------------------------------------------------------------------------------------
# 电子监察
# ---------------------------------------------------------------------------------------


@pytest.fixture
def supervised_server(request, db_url, tmp_path, demo_hall_seed):
    """A hall server whose deadline scan runs twice a second on a day the test sets."""
    if db_url.startswith("sqlite"):
        demo_hall_seed.fill_sqlite(db_url)
    else:
        demo_hall_seed.fill_postgres(request.getfixturevalue("pg"), db_url)
    today = tmp_path / "today.txt"
    today.write_text("2025-09-25", encoding="utf-8")
    server = HallServer(db_url, demo=True, home=tmp_path / "home",
                        env={"COUNTER_DEADLINE_INTERVAL": "0.5", TODAY_FILE_ENV: str(today)}).start()
    server.today_file = today
    yield server
    server.stop()


class Stream:
    """A person's event stream, followed on a thread of its own."""

    def __init__(self, server: HallServer, session) -> None:
        self.client = HallClient(server.url, _token(session), TIMEOUT)
        self.events: list = []
        opened = threading.Event()
        self.thread = threading.Thread(target=self._follow, args=(opened,), daemon=True)
        self.thread.start()
        assert opened.wait(TIMEOUT)

    def _follow(self, opened: threading.Event) -> None:
        for event in self.client.events(on_open=opened.set):
            self.events.append(event)

    def levels(self, number: str) -> list[tuple[str, str]]:
        return [(e.data["previous"], e.data["level"]) for e in self.events
                if e.type == "case.deadline" and e.data["case_number"] == number]

    def close(self) -> None:
        self.client.abort_events()
        self.thread.join(5)
        self.client.close()


def test_deadline_levels_across_days_reach_the_supervisor_live(supervised_server, tmp_path):
    server = supervised_server
    one = Window(server, tmp_path, 1, ("clerk1", "张伟"))
    supervisor = server.login("supervisor")
    watching, clerk_stream = Stream(server, supervisor), Stream(server, one.session)
    try:
        saved = one.case(at=hall_time(2025, 9, 25, 10), applicant=APPLICANT)  # promised Mon 29 Sept
        later = one.case(demo_item("最低生活保障申请").name, at=hall_time(2025, 9, 25, 11), applicant=OTHER)
        one.desk.record_step(later.case_number, Step.START, at=hall_time(2025, 9, 26, 9))
        one.upload()

        def board(**params):
            answer = supervisor.get(server.api("/monitoring/deadlines"), params=params, timeout=TIMEOUT)
            assert answer.status_code == 200, answer.text
            return answer.json()

        def level_on(day: str, expected: str) -> None:
            server.today_file.write_text(day, encoding="utf-8")
            wait_for(lambda: one.desk.find(saved.case_number).case.level.value == expected,
                     f"the case to be {expected} on {day}")

        level_on("2025-09-26", "none")
        # Sunday 28 is a 调休 working day: the case, still not taken in hand one working day
        # after its acceptance, has overrun its first step.
        level_on("2025-09-28", "yellow")
        one.desk.record_step(saved.case_number, Step.START, at=hall_time(2025, 9, 28, 9))
        one.upload()
        wait_for(lambda: one.desk.find(saved.case_number).case.level.value == "reminder",
                 "the reminder once it is in hand (the promised day is the next working day)")
        level_on("2025-09-29", "yellow")  # the promised day itself
        level_on("2025-09-30", "red")
        assert board()["today"] == "2025-09-30"

        shown = board()
        assert [c["case_number"] for c in shown["cases"]] == [saved.case_number]
        assert shown["cases"][0]["applicant"] == "李*" and shown["cases"][0]["applicant_id"] == "110105********002X"
        assert shown["totals"] == {"key": "", "name": "", "open": 2, "reminder": 0, "yellow": 0, "red": 1}
        assert [(c["key"], c["open"], c["red"]) for c in shown["by_clerk"]] == [("clerk1", 2, 1)]
        departments = {c["name"]: (c["open"], c["red"]) for c in shown["by_department"]}
        assert departments == {"演示区人力资源和社会保障局": (1, 1), "演示区民政局": (1, 0)}
        assert board(level="red", department=demo_item(PROMISED).department.code)["cases"][0]["case_number"] \
            == saved.case_number
        assert board(clerk="clerk2")["cases"] == [] and board(level="yellow")["cases"] == []
        assert later.case_number not in [c["case_number"] for c in shown["cases"]]
        assert "李明" not in str(shown) and APPLICANT.id_number not in str(shown)

        # The red card reaches the supervisor without a refresh; the clerk's stream never carries it.
        wait_for(lambda: ("yellow", "red") in watching.levels(saved.case_number), "the red card event")
        assert watching.levels(saved.case_number) == [("none", "yellow"), ("yellow", "reminder"),
                                                      ("reminder", "yellow"), ("yellow", "red")]
        one.desk.record_step(saved.case_number, Step.CONCLUDE, result=Result.APPROVED,
                             at=hall_time(2025, 9, 30, 9))
        one.upload()
        wait_for(lambda: ("red", "none") in watching.levels(saved.case_number), "the case leaving the board")
        assert board()["cases"] == []
        assert any(e.type == "case.changed" for e in watching.events)
        assert not [e for e in clerk_stream.events if e.type.startswith("case.")]

        # Only supervisors and admins see the board.
        assert one.session.get(server.api("/monitoring/deadlines"), timeout=TIMEOUT).status_code == 403
        assert server.admin_session().get(server.api("/monitoring/deadlines"), timeout=TIMEOUT).status_code == 200
        assert "Traceback" not in server.stderr()
    finally:
        watching.close()
        clerk_stream.close()
        one.close()


def test_levels_wait_for_a_calendar_the_hall_has_not_published(supervised_server, tmp_path):
    server = supervised_server
    one = Window(server, tmp_path, 1, ("clerk1", "张伟"))
    try:
        saved = one.case(at=hall_time(2025, 9, 25, 10), applicant=APPLICANT)  # promised 29 Sept 2025
        one.upload()
        server.today_file.write_text("2025-09-26", encoding="utf-8")
        # A year nobody has published: the level stays as it was (a guess would make it red).
        server.today_file.write_text("2099-03-02", encoding="utf-8")
        wait_for(lambda: "deadline levels wait for the calendar" in server.stderr(), "the log line")
        assert one.desk.find(saved.case_number).case.level.value == "none"
    finally:
        one.close()


# ---------------------------------------------------------------------------------------
# The scan gives the domain's rule, also reading only the cases due
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scan_db(tmp_path_factory):
    from server import migrate
    from server.db import Database

    url = f"sqlite:///{tmp_path_factory.mktemp('scan') / 'hall.sqlite3'}"
    migrate.upgrade(url)
    db = Database(url)
    yield db
    db.dispose()


_day = st.integers(0, 330).map(lambda n: date(2025, 1, 1) + timedelta(days=n))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(today=_day, cases=st.lists(st.tuples(
    st.integers(0, 8), st.one_of(st.none(), st.integers(0, 15)), st.sampled_from(["accepted", "in_progress", "concluded"]),
    st.one_of(st.none(), st.integers(-5, 10)), st.integers(0, 23)), min_size=1, max_size=8),
    reminder=st.integers(0, 3), start_within=st.integers(0, 2))
def test_the_scan_gives_every_case_the_level_the_domain_rule_gives(scan_db, today, cases, reminder, start_within):
    """rescan over many cases = deadline_level case by case, also for a case accepted late
    in the evening (hall time is UTC+8)."""
    from sqlalchemy import delete, select

    from server.cases import Rules, rescan
    from server.models import Case
    from workstation.domain.case import CaseState, deadline_level, thresholds
    from workstation.domain.queue import hall_zone
    from workstation.domain.workdays import WorkCalendar

    calendar, zone = WorkCalendar.official(), hall_zone()
    t = thresholds(today, calendar, reminder, start_within)
    expected = {}
    with scan_db.session() as session:
        session.execute(delete(Case))
        for i, (days_ago, promise_in, state, due_in, hour) in enumerate(cases):
            accepted_on = today - timedelta(days=days_ago)
            accepted = datetime.combine(accepted_on, dtime(hour, 30), zone).astimezone(UTC)
            promised = accepted_on + timedelta(days=promise_in) if promise_in is not None else None
            due = today + timedelta(days=due_in) if due_in is not None else None
            session.add(Case(case_number=f"C{i}", record_uuid=uuid.uuid4(), device_id="d", item_code="i",
                             item_name="item", department_code="d", department_name="d", case_type="承诺件",
                             decision="accept", clerk_username="c", clerk_name="c", window=1,
                             applicant_masked_name="李*", applicant_masked_id="", applicant_id_hash=None,
                             accepted_at=accepted, promised_date=promised, state=state, state_at=accepted,
                             deficiency_due=due, level="none"))
            expected[f"C{i}"] = deadline_level(t, CaseState(state), promised, accepted_on, due).value
    with scan_db.session() as session:
        changes = rescan(session, t, zone, Rules(calendar, reminder, start_within))
    with scan_db.reading() as session:
        got = dict(session.execute(select(Case.case_number, Case.level)).all())
    assert got == expected
    assert sorted(c.case_number for c in changes) == sorted(n for n, level in expected.items() if level != "none")


def _test_calendar():
    """2030 with a made-up 劳动节 week (Mon 29 April to Fri 3 May) and a make-up Saturday
    before it (27 April); no other year, so a date outside 2030 is CalendarUnknown."""
    from workstation.domain.workdays import PublishedYear, WorkCalendar

    holidays = {date(2030, 1, 1)} | {date(2030, 4, 29) + timedelta(days=n) for n in range(5)}
    return WorkCalendar([PublishedYear(2030, frozenset(holidays), frozenset({date(2030, 4, 27)}))])


def test_the_stored_level_turns_on_the_right_day_on_a_test_calendar(db_url):
    """The scan keeps per open case the first day its level may change and, after the
    first, looks only at the cases due. Day after day across a holiday week and a make-up
    Saturday, every case's stored level is the domain rule's for that day, each change is
    reported once, on its day, and a second scan the same day finds nothing due."""
    from sqlalchemy import func, select

    from server import migrate
    from server.cases import Rules, rescan
    from server.db import Database
    from server.models import Case, CaseDeadline
    from workstation.domain.case import CaseState, deadline_level, thresholds
    from workstation.domain.queue import hall_zone

    migrate.upgrade(db_url)
    db = Database(db_url)
    calendar, zone = _test_calendar(), hall_zone()
    rules = Rules(calendar, reminder_days=2, start_within_days=1)
    first = date(2030, 4, 15)
    facts: dict[str, tuple[str, date | None, date, date | None]] = {}
    with db.session() as session:
        for n in range(120):
            accepted_on = first - timedelta(days=n % 9)
            promised = None if n % 17 == 0 else first + timedelta(days=n % 29)
            state = ("accepted", "in_progress")[n % 2]
            due = first + timedelta(days=n % 13) if n % 5 == 0 else None
            if n == 0:  # the case whose days are worked out below
                accepted_on, promised, state, due = first, date(2030, 5, 6), "in_progress", None
            accepted = datetime.combine(accepted_on, dtime(17 + n % 7, 30), zone).astimezone(UTC)
            number = f"T{n:03d}"
            facts[number] = (state, promised, accepted_on, due)
            session.add(Case(case_number=number, record_uuid=uuid.uuid4(), device_id="d", item_code="i",
                             item_name="item", department_code="d", department_name="d", case_type="承诺件",
                             decision="accept", clerk_username="c", clerk_name="c", window=1,
                             applicant_masked_name="李*", applicant_masked_id="", applicant_id_hash=None,
                             accepted_at=accepted, promised_date=promised, state=state, state_at=accepted,
                             deficiency_due=due, level="none"))
    previous = {number: "none" for number in facts}
    turns: dict[date, str] = {}
    try:
        for n in range(30):
            day = first + timedelta(days=n)
            t = thresholds(day, calendar, rules.reminder_days, rules.start_within_days)
            with db.session() as session:
                changes = rescan(session, t, zone, rules, everything=n == 0)
            expected = {number: deadline_level(t, CaseState(state), promised, accepted_on, due).value
                        for number, (state, promised, accepted_on, due) in facts.items()}
            with db.reading() as session:
                stored = dict(session.execute(select(Case.case_number, Case.level)).all())
                left_due = session.execute(select(func.count()).select_from(CaseDeadline)
                                           .where(CaseDeadline.due_on <= day)).scalar_one()
            assert stored == expected, day
            assert {c.case_number: c.level.value for c in changes} == {
                number: level for number, level in expected.items() if level != previous[number]}, day
            assert all(c.previous.value == previous[c.case_number] for c in changes)
            assert left_due == 0, day
            with db.session() as session:
                assert rescan(session, t, zone, rules, everything=False) == [], day
            if expected["T000"] != previous["T000"]:
                turns[day] = expected["T000"]
            previous = expected
    finally:
        db.dispose()
    # Promised Mon 6 May: two working days before it are Fri 26 April and the make-up
    # Saturday 27 April (the holiday week does not count), so the reminder starts on the
    # Friday; yellow on the day, red the day after.
    assert turns == {date(2030, 4, 26): "reminder", date(2030, 5, 6): "yellow", date(2030, 5, 7): "red"}


def test_a_restart_scans_only_the_cases_due_until_the_settings_change(db_url):
    """What the stored days were computed with is kept in the database: a scan after a
    restart looks only at the cases due (a case nobody made due is left alone), and a
    change of supervision settings makes the next scan look at every open case."""
    from sqlalchemy import select

    from server import migrate, reference
    from server.cases import CaseSettings, scan_deadlines
    from server.db import Database
    from server.models import Case
    from workstation.domain.queue import hall_zone
    from workstation.protocol.reference import ReferenceKind, Supervision

    migrate.upgrade(db_url)
    db = Database(db_url)
    zone, day = hall_zone(), date(2025, 6, 10)
    settings = CaseSettings(interval=0, timezone=zone, today_file=None)

    def add(number: str) -> None:  # straight into the table: no case_deadlines row says it is due
        accepted = datetime.combine(day - timedelta(days=9), dtime(10), zone).astimezone(UTC)
        with db.session() as session:
            session.add(Case(case_number=number, record_uuid=uuid.uuid4(), device_id="d", item_code="i",
                             item_name="item", department_code="d", department_name="d", case_type="承诺件",
                             decision="accept", clerk_username="c", clerk_name="c", window=1,
                             applicant_masked_name="李*", applicant_masked_id="", applicant_id_hash=None,
                             accepted_at=accepted, promised_date=day - timedelta(days=1), state="in_progress",
                             state_at=accepted, level="none"))

    def levels() -> dict[str, str]:
        with db.reading() as session:
            return dict(session.execute(select(Case.case_number, Case.level)).all())

    try:
        add("R1")
        assert [c.case_number for c in scan_deadlines(db, day, settings)] == ["R1"]  # a new database: all
        add("R2")
        assert scan_deadlines(db, day, settings) == []  # as after a restart: only the cases due
        assert levels() == {"R1": "red", "R2": "none"}
        with db.session() as session:
            reference.put(session, ReferenceKind.SUPERVISION,
                          Supervision(reminder_days=3).model_dump(mode="json"))
        assert [c.case_number for c in scan_deadlines(db, day, settings)] == ["R2"]
        assert levels() == {"R1": "red", "R2": "red"}
    finally:
        db.dispose()
