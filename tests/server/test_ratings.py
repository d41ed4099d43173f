"""Ratings (好差评) on the hall server over real HTTP, on SQLite and PostgreSQL: cases and
ratings made by the workstation's own code and uploaded as records; a bad rating's
follow-up, due in working days across a holiday, moved on to closed; the default rating
given once to cases left unrated, by the server's schedule and by the admin command at the
same time; and the export in the national field set, by API and by admin command."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.support.hall_server import HallServer
from tests.support.waiting import wait_for
from tests.ui.rating_fixtures import (
    ON_THE_SPOT,
    PROMISED,
    SHANGHAI,
    CaseMaker,
    demo_item,
    hall_time,
    records,
)
from workstation.app.guide import Person
from workstation.domain.rating import NATIONAL_COLUMNS, Indicator, Level, RatingAnswer, Reason
from workstation.store.local import LocalStore

TIMEOUT = 30
BAD = RatingAnswer(Level.DISSATISFIED, reasons=frozenset({Reason.SLOW, Reason.ATTITUDE}),
                   text="等了一个多小时", callback=True, phone="13900001111")


@pytest.fixture
def maker(hall_server, tmp_path):
    store = LocalStore(tmp_path / "workstation.sqlite3")
    yield CaseMaker(hall_server, store)
    store.close()


@pytest.fixture
def scheduled_server(request, db_url, tmp_path, demo_hall_seed):
    """A hall server whose default-rating job runs every second."""
    if db_url.startswith("sqlite"):
        demo_hall_seed.fill_sqlite(db_url)
    else:
        demo_hall_seed.fill_postgres(request.getfixturevalue("pg"), db_url)
    server = HallServer(db_url, demo=True, home=tmp_path / "home",
                        env={"COUNTER_RATING_JOB_INTERVAL": "1"}).start()
    yield server
    server.stop()


def _act(server, session, task_id: int, action: str, note: str = ""):
    return session.post(server.api(f"/ratings/follow-ups/{task_id}/actions"),
                        json={"action": action, "note": note}, timeout=TIMEOUT)


def test_a_bad_rating_is_followed_up_until_closed(hall_server, maker):
    # Monday 2025-09-29, just before 国庆: five working days run past Oct 1–8 and the
    # make-up Saturday Oct 11 to Monday Oct 13.
    case = maker.case(at=hall_time(2025, 9, 29, 10))
    maker.rate(case, BAD, at=hall_time(2025, 9, 29, 10, 5))
    good = maker.case(at=hall_time(2025, 9, 29, 11))
    maker.rate(good, RatingAnswer(Level.VERY_SATISFIED, indicators=frozenset({Indicator.ATTITUDE})),
               at=hall_time(2025, 9, 29, 11, 5))
    maker.upload()

    supervisor = hall_server.login("supervisor")
    listed = supervisor.get(hall_server.api("/ratings/follow-ups"), timeout=TIMEOUT)
    assert listed.status_code == 200, listed.text
    [task] = listed.json()  # the good rating opens nothing
    assert task["case_number"] == case.case_number
    assert task["due_on"] == "2025-10-13"
    assert task["state"] == "open" and task["overdue"] is True and task["level"] == 2
    assert task["item_name"] == ON_THE_SPOT and task["clerk_name"] == "张伟"
    overdue = supervisor.get(hall_server.api("/ratings/follow-ups"), params={"view": "overdue"}, timeout=TIMEOUT)
    assert [t["id"] for t in overdue.json()] == [task["id"]]

    detail = supervisor.get(hall_server.api(f"/ratings/follow-ups/{task['id']}"), timeout=TIMEOUT).json()
    assert detail["rating"]["reasons"] == ["attitude", "slow"]
    assert detail["rating"]["callback"] is True and detail["rating"]["phone"] == "13900001111"
    assert detail["rating"]["rater"]["masked_id"] == "110105********002X"
    assert detail["case"]["decision"] == "受理" and detail["case"]["applicant"] == "李*"
    assert [(s["action"], s["actor_username"]) for s in detail["history"]] == [("open", "system")]
    assert detail["allowed"] == ["contact"]

    # Only supervisors and admins see the follow-ups.
    clerk = hall_server.login("clerk1")
    assert clerk.get(hall_server.api("/ratings/follow-ups"), timeout=TIMEOUT).status_code == 403
    assert _act(hall_server, clerk, task["id"], "contact", "x").status_code == 403

    # Closing before calling back is refused, naming the state; a call needs its notes.
    refused = _act(hall_server, supervisor, task["id"], "close")
    assert refused.status_code == 409 and "open" in refused.json()["detail"]
    assert _act(hall_server, supervisor, task["id"], "contact", "  ").status_code == 409
    contacted = _act(hall_server, supervisor, task["id"], "contact", "已回访：申请人反映等候时间长")
    assert contacted.status_code == 200, contacted.text
    assert contacted.json()["state"] == "contacted"
    assert contacted.json()["allowed"] == ["contact", "rectify", "explain"]
    explained = _act(hall_server, supervisor, task["id"], "explain", "已说明当日系统故障，已致歉")
    assert explained.json()["state"] == "explained"
    closed = _act(hall_server, supervisor, task["id"], "close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert closed.json()["allowed"] == [] and closed.json()["overdue"] is False
    history = closed.json()["history"]
    assert [(s["action"], s["from_state"], s["to_state"]) for s in history] == [
        ("open", None, "open"), ("contact", "open", "contacted"), ("explain", "contacted", "explained"),
        ("close", "explained", "closed")]
    assert [s["actor_name"] for s in history[1:]] == ["王丽"] * 3
    assert history[1]["note"] == "已回访：申请人反映等候时间长"
    assert _act(hall_server, supervisor, task["id"], "contact", "again").status_code == 409

    views = {view: [t["id"] for t in supervisor.get(hall_server.api("/ratings/follow-ups"),
                                                      params={"view": view}, timeout=TIMEOUT).json()]
             for view in ("open", "overdue", "closed", "all")}
    assert views == {"open": [], "overdue": [], "closed": [task["id"]], "all": [task["id"]]}
    assert supervisor.get(hall_server.api("/ratings/follow-ups/99999"), timeout=TIMEOUT).status_code == 404


def _rate_defaults(server: HallServer) -> str:
    result = server.run_cli("rate-defaults")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_unrated_cases_get_satisfied_from_the_system_exactly_once(scheduled_server, tmp_path):
    store = LocalStore(tmp_path / "workstation.sqlite3")
    maker = CaseMaker(scheduled_server, store)
    old = maker.case(at=hall_time(2025, 9, 26, 15))  # long past its five working days
    rated = maker.case(at=hall_time(2025, 9, 26, 16))
    maker.rate(rated, RatingAnswer(Level.VERY_SATISFIED), at=hall_time(2025, 9, 26, 16, 5))
    fresh = maker.case(at=datetime.now(UTC))  # accepted today: its working days are still to come
    maker.upload()
    store.close()
    supervisor = scheduled_server.login("supervisor")

    # The server's own schedule gives the default rating…
    def ratings_of(number: str) -> list[dict]:
        return [r for r in records(scheduled_server, supervisor, "rating") if r["payload"]["case_number"] == number]

    [default] = wait_for(lambda: ratings_of(old.case_number), "the scheduled default rating", step=0.2)
    # …and the admin command, run three times at once while the schedule keeps running, adds nothing.
    outputs: list[str] = []
    runs = [threading.Thread(target=lambda: outputs.append(_rate_defaults(scheduled_server))) for _ in range(3)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert outputs == ["0", "0", "0"]
    counts = Counter(r["payload"]["case_number"] for r in records(scheduled_server, supervisor, "rating"))
    assert counts == {old.case_number: 1, rated.case_number: 1}
    assert fresh.case_number not in counts

    payload = default["payload"]
    assert payload["level"] == 4 and payload["channel"] == 7
    assert payload["rater"] == {"masked_name": "李*", "masked_id": "110105********002X", "kind": 1}
    assert payload["item_code"] == demo_item(ON_THE_SPOT).code and payload["region_code"] == "110105"
    assert payload["reasons"] == [] and payload["callback"] is False
    # 满意 needs no follow-up.
    assert supervisor.get(scheduled_server.api("/ratings/follow-ups"), params={"view": "all"},
                          timeout=TIMEOUT).json() == []
    assert "Traceback" not in scheduled_server.stderr()


def _csv_rows(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    assert data.startswith("\ufeff".encode())  # spreadsheet programs read the Chinese right
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return list(reader.fieldnames or []), list(reader)


def test_export_gives_the_national_field_set_for_a_known_day(hall_server, maker, tmp_path):
    on_the_spot, promised = demo_item(ON_THE_SPOT), demo_item(PROMISED)
    a = maker.case(at=hall_time(2025, 9, 29, 10))
    maker.rate(a, BAD, at=hall_time(2025, 9, 29, 10, 5))
    b = maker.case(PROMISED, at=hall_time(2025, 9, 29, 14),
                   applicant=Person("王芳", id_number="110101199003071233"), clerk=("clerk2", "李娜"))
    maker.rate(b, RatingAnswer(Level.VERY_SATISFIED, indicators=frozenset({Indicator.EFFICIENCY,
                                                                          Indicator.ATTITUDE})),
               at=hall_time(2025, 9, 29, 14, 20))
    c = maker.case(at=hall_time(2025, 9, 30, 9))
    maker.rate(c, RatingAnswer(Level.SATISFIED), at=hall_time(2025, 9, 30, 9, 10))  # the next day
    d = maker.case(at=hall_time(2025, 9, 29, 16))
    maker.upload()
    # d is left unrated: the job gives it the default today…
    assert _rate_defaults(hall_server) == "1"
    # …and then the applicant's own rating, made at the counter that day, arrives late.
    maker.rate(d, RatingAnswer(Level.BASICALLY_SATISFIED), at=hall_time(2025, 9, 29, 16, 30))
    maker.upload()

    supervisor = hall_server.login("supervisor")
    day = {"from": "2025-09-29", "to": "2025-09-29"}
    answer = supervisor.get(hall_server.api("/ratings/export"), params=day, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="ratings-2025-09-29-2025-09-29.csv"' in answer.headers["content-disposition"]
    columns, rows = _csv_rows(answer.content)
    assert columns == list(NATIONAL_COLUMNS)
    common = {"areaCode": "110105", "assessNumber": "1"}
    expected = [
        {**common, "deptCode": "11110105MB0217349R", "deptName": "演示区市场监督管理局",
         "taskCode": on_the_spot.code, "catalogCode": on_the_spot.basic_code, "taskName": ON_THE_SPOT,
         "projectNo": a.case_number, "proStatus": "3", "proManager": "张伟", "pf": "4", "userName": "李*",
         "userCert": "110105********002X", "userProp": "1", "satisfaction": "2", "evaluateDetail": "1,3",
         "writingEvaluation": "等了一个多小时", "assessTime": "2025-09-29 10:05:00", "projectType": "1",
         "acceptDate": "2025-09-29 10:00:00"},
        {**common, "deptCode": promised.department.code, "deptName": promised.department.name,
         "taskCode": promised.code, "catalogCode": promised.basic_code, "taskName": PROMISED,
         "projectNo": b.case_number, "proStatus": "2", "proManager": "李娜", "pf": "4", "userName": "王*",
         "userCert": "110101********1233", "userProp": "1", "satisfaction": "5", "evaluateDetail": "1,3",
         "writingEvaluation": "", "assessTime": "2025-09-29 14:20:00", "projectType": "2",
         "acceptDate": "2025-09-29 14:00:00"},
        {**common, "deptCode": "11110105MB0217349R", "deptName": "演示区市场监督管理局",
         "taskCode": on_the_spot.code, "catalogCode": on_the_spot.basic_code, "taskName": ON_THE_SPOT,
         "projectNo": d.case_number, "proStatus": "3", "proManager": "张伟", "pf": "4", "userName": "李*",
         "userCert": "110105********002X", "userProp": "1", "satisfaction": "3", "evaluateDetail": "",
         "writingEvaluation": "", "assessTime": "2025-09-29 16:30:00", "projectType": "1",
         "acceptDate": "2025-09-29 16:00:00"},
    ]
    assert rows == expected

    # JSON: the same rows, numbers as numbers.
    as_json = supervisor.get(hall_server.api("/ratings/export"), params={**day, "format": "json"},
                             timeout=TIMEOUT)
    assert as_json.headers["content-type"].startswith("application/json")
    assert [list(row) for row in as_json.json()] == [list(NATIONAL_COLUMNS)] * 3
    assert [{k: str(v) for k, v in row.items()} for row in as_json.json()] == expected
    assert as_json.json()[0]["satisfaction"] == 2 and as_json.json()[0]["pf"] == 4

    # The admin command writes the very same files.
    out = tmp_path / "ratings.csv"
    result = hall_server.run_cli("export-ratings", "--from", "2025-09-29", "--to", "2025-09-29", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == answer.content
    result = hall_server.run_cli("export-ratings", "--from", "2025-09-29", "--to", "2025-09-29",
                                 "--format", "json")
    assert json.loads(result.stdout) == as_json.json()

    # The default d was given today is left out: its applicant's own rating arrived.
    today = (datetime.now(UTC) + SHANGHAI).date().isoformat()
    now_rows = supervisor.get(hall_server.api("/ratings/export"),
                              params={"from": today, "to": today, "format": "json"}, timeout=TIMEOUT).json()
    assert d.case_number not in {row["projectNo"] for row in now_rows}
    assert sorted(r["payload"]["channel"] for r in records(hall_server, supervisor, "rating")
                  if r["payload"]["case_number"] == d.case_number) == [4, 7]  # both kept as records

    # Refusals: who may export, and what range.
    clerk = hall_server.login("clerk1")
    assert clerk.get(hall_server.api("/ratings/export"), params=day, timeout=TIMEOUT).status_code == 403
    backwards = supervisor.get(hall_server.api("/ratings/export"),
                               params={"from": "2025-09-30", "to": "2025-09-29"}, timeout=TIMEOUT)
    assert backwards.status_code == 422
    bad = hall_server.run_cli("export-ratings", "--from", "2025-09-30", "--to", "2025-09-29")
    assert bad.returncode == 2 and "before" in bad.stderr
