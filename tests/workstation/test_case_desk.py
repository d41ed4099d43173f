"""The CaseDesk of a real workstation (enrolled, a clerk logged in, its sync engine
running) against a real hall server process that goes away and comes back: a step taken
offline is saved and uploaded later, the case is shown from the window's own records
meanwhile (and says so), and a step another window overtook comes back refused in the
hall's words."""

from __future__ import annotations

import uuid

import pytest

from tests.support.hall_server import DEMO_PASSWORD
from tests.ui.rating_fixtures import PROMISED, CaseMaker, hall_time
from workstation.app.cases import CaseDesk, Outcome
from workstation.app.guide import Person
from workstation.domain.case import Result, Step
from workstation.store.local import LocalStore
from workstation.sync.client import HallClient
from workstation.sync.engine import SyncEngine
from workstation.sync.errors import HallRefused, HallUnreachable

# The desk is workstation code: one database system is enough here (tests/server does both).
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

APPLICANT = Person("李明", id_number="11010519491231002X", phone="13812345678")


@pytest.fixture
def clerk_workstation(hall_server, make_workstation):
    ws = make_workstation(hall_server)
    ws.connect()
    ws.enrol(hall_server.new_code("workstation", 1))
    ws.login("clerk1", DEMO_PASSWORD)
    return ws


def test_a_step_taken_offline_is_kept_shown_and_sent_later(hall_server, clerk_workstation, wait):
    ws = clerk_workstation
    desk = CaseDesk.for_workstation(ws)
    maker = CaseMaker(hall_server, ws.store, ws.device.token)
    saved = maker.case(PROMISED, at=hall_time(2025, 9, 25, 10), applicant=APPLICANT)
    found = wait(lambda: _found(desk, saved.case_number), "the case to reach the hall")
    assert found.online and found.case.state.value == "accepted" and found.note == ""

    hall_server.stop()
    step = desk.record_step(saved.display_number, Step.START)
    assert desk.outcome(step).outcome is Outcome.PENDING
    offline = desk.find(saved.display_number)
    assert not offline.online and "unreachable" in offline.note
    assert offline.case.state.value == "in_progress" and offline.case.allowed == [Step.CONCLUDE]
    assert [(s.step, s.actor_name, s.window) for s in offline.case.history] == [(Step.START, "张伟", 1)]
    assert offline.case.applicant == "李*" and offline.case.applicant_id == "110105********002X"
    assert offline.case.promised_date == saved.promised_date
    with pytest.raises(HallUnreachable):
        desk.search_by_id(APPLICANT.id_number)
    with pytest.raises(LookupError, match="no case"):
        desk.find("110105-20250925-001-ABCD-0001-X")

    hall_server.start()
    wait(lambda: desk.outcome(step).outcome is Outcome.STORED, "the step to be uploaded once the hall is back")
    online = desk.find(saved.case_number)
    assert online.online and online.case.state.value == "in_progress"
    assert [s.step for s in online.case.history] == [Step.START]
    assert [c.case_number for c in desk.search_by_id(APPLICANT.id_number)] == [saved.case_number]


def test_a_step_another_window_overtook_is_refused_in_plain_words(hall_server, clerk_workstation, wait, tmp_path):
    ws = clerk_workstation
    desk = CaseDesk.for_workstation(ws)
    saved = CaseMaker(hall_server, ws.store, ws.device.token).case(PROMISED, at=hall_time(2025, 9, 25, 10),
                                                                   applicant=APPLICANT)
    wait(lambda: _found(desk, saved.case_number), "the case to reach the hall")

    # Window 2 concludes it first, through its own outbox and uploader.
    other = LocalStore(tmp_path / "window-2.sqlite3")
    try:
        token = hall_server.enrol("workstation", 2)
        CaseDesk(other, lambda: None, lambda: ("clerk2", "李娜"), 2).record_step(
            saved.case_number, Step.CONCLUDE, result=Result.APPROVED, at=hall_time(2025, 9, 29, 10, 32))
        client = HallClient(hall_server.url, token, 10)
        try:
            SyncEngine(other, hall_server.url, token).upload_batch(client)
        finally:
            client.close()
    finally:
        other.close()

    late = desk.record_step(saved.case_number, Step.CONCLUDE, result=Result.REFUSED, note="材料不符")
    refused = wait(lambda: (o := desk.outcome(late)).outcome is Outcome.REFUSED and o, "the refusal")
    assert refused.detail.startswith(f"case {saved.case_number} was concluded at window 2 by 李* at ")
    assert desk.find(saved.case_number).case.result is Result.APPROVED
    # This window's own view leaves the refused step out.
    assert desk.local_case(saved.case_number).history == []
    with pytest.raises(LookupError):
        desk.outcome(uuid.uuid4())  # never saved here


def test_a_step_needs_a_person_and_what_the_step_needs(hall_server, clerk_workstation):
    ws = clerk_workstation
    desk = CaseDesk.for_workstation(ws)
    with pytest.raises(ValueError, match="needs its result"):
        desk.record_step("110105202509250010000000016", Step.CONCLUDE)
    with pytest.raises(ValueError, match="ID number"):
        desk.search_by_id("12345")
    ws.logout()
    with pytest.raises(ValueError, match="log in"):
        desk.record_step("110105202509250010000000016", Step.START)
    with pytest.raises(HallUnreachable, match="nobody is logged in"):
        desk.search_by_id(APPLICANT.id_number)


def _found(desk: CaseDesk, number: str):
    try:
        found = desk.find(number)
    except HallRefused:
        return None
    return found if found.online else None
