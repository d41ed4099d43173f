"""Sync between a workstation and a real hall server process over loopback HTTP, on SQLite
and on PostgreSQL: records written offline arrive once and intact, a lost acknowledgement
or a conflict never duplicates nor overwrites, the catalogue follows the server's changes,
and clerks log in offline with the credential cached at their last online login."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime

import keyring
import pytest
import requests

from server import reference as server_reference
from server.seed import DEMO_FILES, DEMO_HALL, SINGLE_ENTRY
from tests.support.hall_server import DEMO_PASSWORD
from workstation.app.workstation import EnrolmentFailed, LoginFailed, Stage
from workstation.credentials import SERVICE
from workstation.protocol.events import EventType
from workstation.protocol.records import ALREADY_STORED, STORED, RecordIn, UploadResult
from workstation.store.local import LocalStore
from workstation.sync.client import HallClient
from workstation.sync.engine import SyncStatus


def _instant(value: str | datetime) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _payload(n: int) -> dict:
    return {"n": n, "applicant": f"申请人{n:04d}", "materials": ["居民身份证", "户口簿"],
            "decision": {"accepted": n % 3 != 0, "reason": "材料齐全" if n % 3 else "缺少户口簿"},
            "fee": n * 0.5, "note": None}


class RecordingClient(HallClient):
    """A real HallClient that also keeps the server's answers, to see what it said."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.answers: list[UploadResult] = []

    def upload(self, records: list[RecordIn]) -> UploadResult:
        result = super().upload(records)
        self.answers.append(result)
        return result


# ---------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------


def test_records_written_offline_reach_the_server_once_and_intact(hall_server, store, make_engine, wait,
                                                                  list_server_records):
    statuses: list[SyncStatus] = []
    engine = make_engine(hall_server, store, on_status=statuses.append)
    warmup = store.add_record("test.warmup", {"hello": "大厅"})
    wait(lambda: engine.status().online and store.pending_count() == 0, "the engine is online")
    assert store.record(warmup.uuid) is not None

    hall_server.stop()
    written = {}
    for n in range(1000):
        record = store.add_record("test.offline", _payload(n))
        written[record.uuid] = record
    assert len(written) == 1000
    # The engine keeps trying, fails, and keeps every record queued.
    wait(lambda: sum(not s.online for s in list(statuses)) >= 3, "the engine failed several times")
    status = engine.status()
    assert not status.online and status.detail
    assert status.pending == 1000
    assert [r.uuid for r in store.next_batch(5000)] == list(written)

    hall_server.start()  # the same port: the engine finds it again by itself
    wait(lambda: store.pending_count() == 0, "the outbox is empty again", timeout=90)
    assert engine.status().online
    assert store.conflict_count() == 0

    held = list_server_records(hall_server, "test.offline")
    assert len(held) == 1000
    assert len({r["uuid"] for r in held}) == 1000
    for record in held:
        mine = written[uuid.UUID(record["uuid"])]
        assert record["payload"] == mine.payload == _payload(mine.payload["n"])
        assert _instant(record["created_at"]) == mine.created_at
    assert {uuid.UUID(r["uuid"]) for r in held} == set(written)
    assert len(list_server_records(hall_server, "test.warmup")) == 1


def test_a_lost_acknowledgement_is_sent_again_without_a_duplicate(hall_server, store, make_engine,
                                                                  make_client, list_server_records):
    token = hall_server.enrol("workstation", 2)
    early = store.add_records([("test.lostack", _payload(n)) for n in range(10)])
    # Uploaded, but the answer never reached the store (the PC lost power, say).
    first = make_client(hall_server, token).upload(store.next_batch(100))
    assert [r.status for r in first.results] == [STORED] * 10
    assert store.pending_count() == 10
    late = store.add_records([("test.lostack", _payload(n)) for n in range(10, 15)])

    engine = make_engine(hall_server, store, token=token, start=False, batch_size=6)
    client = RecordingClient(hall_server.url, token)
    try:
        while engine.upload_batch(client):
            pass
    finally:
        client.close()
    statuses = {r.uuid: r.status for answer in client.answers for r in answer.results}
    assert statuses == {**{r.uuid: ALREADY_STORED for r in early}, **{r.uuid: STORED for r in late}}
    assert store.pending_count() == 0
    assert store.conflict_count() == 0

    held = list_server_records(hall_server, "test.lostack")
    assert sorted(uuid.UUID(r["uuid"]) for r in held) == sorted(r.uuid for r in early + late)
    assert {uuid.UUID(r["uuid"]): r["payload"] for r in held} == {r.uuid: r.payload for r in early + late}
    conflicts = hall_server.login("supervisor").get(hall_server.api("/records/conflicts"), timeout=30)
    assert conflicts.status_code == 200
    assert conflicts.json() == []


def test_a_conflict_is_set_aside_and_the_servers_copy_kept(hall_server, store, make_engine, make_client,
                                                           wait, list_server_records):
    saved = store.add_records([("test.conflict", _payload(n)) for n in range(5)])
    clash = saved[2]
    theirs = {"applicant": "另一个人", "n": -1}
    other_device = hall_server.enrol("workstation", 3)
    answer = make_client(hall_server, other_device).upload(
        [RecordIn(uuid=clash.uuid, kind=clash.kind, created_at=clash.created_at, payload=theirs)])
    assert [r.status for r in answer.results] == [STORED]

    engine = make_engine(hall_server, store)
    wait(lambda: store.pending_count() == 0, "the outbox is empty")
    wait(lambda: engine.status().conflicts == 1, "the engine reports the conflict")
    assert store.conflict_count() == 1
    assert store.record(clash.uuid).payload == clash.payload  # our copy is kept too

    held = {uuid.UUID(r["uuid"]): r["payload"] for r in list_server_records(hall_server, "test.conflict")}
    assert held == {**{r.uuid: r.payload for r in saved}, clash.uuid: theirs}

    supervisor = hall_server.login("supervisor")
    conflicts = supervisor.get(hall_server.api("/records/conflicts"), timeout=30).json()
    assert [(uuid.UUID(c["uuid"]), c["offered_payload"]) for c in conflicts] == [(clash.uuid, clash.payload)]
    # The engine does not offer the conflicting record again and again.
    more = store.add_record("test.conflict", _payload(99))
    wait(lambda: store.pending_count() == 0, "the next record is uploaded")
    assert len(supervisor.get(hall_server.api("/records/conflicts"), timeout=30).json()) == 1
    assert more.uuid in {uuid.UUID(r["uuid"]) for r in list_server_records(hall_server, "test.conflict")}


def test_records_too_large_for_one_request_still_reach_the_server(hall_server, store, make_engine, wait,
                                                                 list_server_records):
    """Handwritten signatures make large records: a full batch of them is over the hall
    server's request limit, and must still arrive rather than be refused forever."""
    signature = "iVBORw0KGgo" * 45_000  # about 500 KB, a signature as base64 PNG
    saved = store.add_records([("test.signature", {"n": n, "png": signature}) for n in range(40)])
    make_engine(hall_server, store, batch_size=40)  # about 20 MB in one batch
    wait(lambda: store.pending_count() == 0, "every signature is uploaded", timeout=90)
    assert store.conflict_count() == 0
    held = list_server_records(hall_server, "test.signature", page_size=10)
    assert sorted(uuid.UUID(r["uuid"]) for r in held) == sorted(r.uuid for r in saved)
    assert all(r["payload"]["png"] == signature for r in held)


def _queued_by_an_older_version(store: LocalStore, kind: str) -> uuid.UUID:
    """A record in the outbox the way a version before the kind check wrote it: one the
    wire schema (and the hall) no longer takes."""
    record_uuid = uuid.uuid4()
    with store.engine.begin() as connection:
        # Sealed as the store seals every payload (#14), so only the kind is of the old days.
        connection.exec_driver_sql("INSERT INTO records (uuid, kind, created_at, sealed, content_sha256) "
                                   "VALUES (?, ?, ?, ?, ?)",
                                   (record_uuid.hex, kind, "2026-12-01 09:00:00.000000",
                                    store.sealer.seal(b"{}", record_uuid.bytes), "0" * 64))
        connection.exec_driver_sql("INSERT INTO outbox (record_uuid, attempts, state) VALUES (?, 0, 'pending')",
                                   (record_uuid.hex,))
    return record_uuid


def test_one_record_the_hall_refuses_is_set_aside_and_the_rest_of_its_batch_lands_in_order(
        hall_server, store, make_engine, make_client, list_server_records):
    """A case whose window number the hall's database cannot hold (beyond its integers:
    the server refuses that record alone), and a record an older version queued that the
    hall refuses the whole request for (422): each is set aside as refused (大厅未接收),
    kept on this PC, and every other record of the batch reaches the hall once, in the
    order it was written. Before, the first answered 500 (SQLite) or 422 for the whole batch
    (PostgreSQL) and the second 422: the same batch resent for ever, the outbox stalled."""
    good = store.add_records([("test.refusal", _payload(n)) for n in range(3)])
    case = {"case_number": "REFUSAL00000001", "decided_at": "2026-12-04T09:00:00+08:00", "window": 10**30,
            "decision": {"code": "accept"}, "item": {"code": "x", "name": "x", "department": {"name": "d"},
                                                       "promised_limit": {"value": 5}}}
    unholdable = store.add_record("case", case)
    good += store.add_records([("test.refusal", _payload(n)) for n in range(3, 6)])
    old = _queued_by_an_older_version(store, "Old Kind")
    good += store.add_records([("test.refusal", _payload(n)) for n in range(6, 9)])

    engine = make_engine(hall_server, store, start=False, batch_size=500)
    client = RecordingClient(hall_server.url, engine.device_token)
    try:
        rounds = 0
        while engine.upload_batch(client):
            rounds += 1
            assert rounds < 5, "the outbox keeps offering the same records"
    finally:
        client.close()
    assert store.pending_count() == 0
    status = engine.status()
    assert (status.refused, status.conflicts) == (2, 0)
    stored = [r.uuid for answer in client.answers for r in answer.results if r.status == STORED]
    assert stored == [r.uuid for r in good]  # each once, in the order written
    refusals = {r.uuid: r.detail for answer in client.answers for r in answer.results if r.status != STORED}
    assert "cannot hold" in refusals[unholdable.uuid]
    assert store.outbox_state(unholdable.uuid) == ("refused", refusals[unholdable.uuid])
    state, why = store.outbox_state(old)
    assert state == "refused" and "422" in why and "kind" in why, why
    held = list_server_records(hall_server, "test.refusal")
    assert {uuid.UUID(r["uuid"]): r["payload"] for r in held} == {r.uuid: r.payload for r in good}
    assert list_server_records(hall_server, "case") == []
    # Both stay on this PC, and a new record goes on as usual.
    assert store.record(unholdable.uuid).payload == case and store.record(old) is not None
    more = store.add_record("test.refusal", _payload(99))
    assert engine.upload_batch(make_client(hall_server, engine.device_token)) == 1
    assert store.pending_count() == 0 and more.uuid in {
        uuid.UUID(r["uuid"]) for r in list_server_records(hall_server, "test.refusal")}


def test_a_payload_nested_too_deep_to_send_is_refused_when_saved(store):
    """JSON nested some 255 levels cannot be sent: saved, it would stop the upload thread."""
    payload: dict = {"n": 1}
    for _ in range(300):
        payload = {"inner": payload}
    with pytest.raises(ValueError, match="nested more than"):
        store.add_record("test.deep", payload)
    assert store.pending_count() == 0


# ---------------------------------------------------------------------------------------
# The catalogue and other reference data
# ---------------------------------------------------------------------------------------


def _demo_hall_snapshot() -> dict[tuple[str, str], dict]:
    """What the server was seeded with, read from the demo hall's files as the server
    normalises them: the expected content of a workstation's cache."""
    expected = {}
    for kind, name in DEMO_FILES:
        values = json.loads((DEMO_HALL / name).read_text(encoding="utf-8"))
        for value in [values] if kind in SINGLE_ENTRY else values:
            model = server_reference.validate(kind, value)
            expected[(kind.value, server_reference.key_of(kind, model))] = server_reference.stored_form(kind, model)
    return expected


def test_a_full_pull_gives_the_servers_catalogue(hall_server, store, make_engine, make_client):
    token = hall_server.enrol("workstation", 1)
    engine = make_engine(hall_server, store, token=token, start=False)
    client = make_client(hall_server, token)
    applied = engine.pull(client)

    snapshot = store.reference_snapshot()
    assert snapshot == _demo_hall_snapshot()
    assert applied == len(snapshot)
    assert {kind for kind, _ in snapshot} >= {"hall", "business_type", "window", "service_item"}
    health = client.health()
    assert store.reference_since() == health.revision
    assert store.reference_values("hall")[0]["name"] == health.hall
    # Pulling again when nothing changed changes nothing.
    assert engine.pull(client) == 0
    assert store.reference_snapshot() == snapshot


def test_the_running_engine_follows_the_admins_changes_by_live_event(hall_server, store, make_engine,
                                                                     admin, wait):
    events = []
    # A poll interval far beyond the test's deadlines: only the live event can trigger the pull.
    engine = make_engine(hall_server, store, on_event=events.append, poll_interval=600)
    revision = requests.get(hall_server.api("/health"), timeout=10).json()["revision"]
    wait(lambda: engine.status().stream and store.reference_since() == revision,
         "the first pull is done and the event stream is up")

    business = store.reference_values("business_type")[0]
    changed = {**business, "name": business["name"] + "（调整后）", "daily_quota": 123}
    windows = store.reference_values("window")
    gone = windows[-1]["number"]
    response = admin.put(hall_server.api(f"/reference/business_type/{business['code']}"),
                         json={"payload": changed}, timeout=30)
    assert response.status_code == 200, response.text
    response = admin.delete(hall_server.api(f"/reference/window/{gone}"), timeout=30)
    assert response.status_code == 200, response.text

    def applied():
        snapshot = store.reference_snapshot()
        return (snapshot.get(("business_type", business["code"])) == changed
                and ("window", str(gone)) not in snapshot)

    wait(applied, "the change and the deletion reach the local cache", timeout=15)
    assert [w["number"] for w in store.reference_values("window")] == [
        w["number"] for w in windows if w["number"] != gone]

    def announced():
        # The first event's pull may bring both changes before the second event is read
        # off the stream: the app is still told of each, in the order they were made.
        changes = [(e.data["kind"], e.data["key"]) for e in list(events)
                   if e.type == EventType.REFERENCE_CHANGED]
        return changes == [("business_type", business["code"]), ("window", str(gone))]

    wait(announced, "each change is announced to the app, in order", timeout=15)


def test_an_interrupted_pull_resumes_and_ends_like_a_full_pull(hall_server, tmp_path, make_engine,
                                                               make_client, admin):
    token = hall_server.enrol("workstation", 1)
    client = make_client(hall_server, token)
    path = tmp_path / "interrupted.sqlite3"
    interrupted = LocalStore(path)
    pages = []
    try:
        for _ in range(2):
            page = client.changes(interrupted.reference_since(), limit=3)
            interrupted.apply_reference_page(page)
            pages.append(page)
        assert pages[-1].has_more, "the demo hall is too small for this test"
        partial = interrupted.reference_snapshot()
        assert len(partial) == 6
        assert interrupted.reference_since() == pages[-1].next_since
    finally:
        interrupted.close()  # the workstation is switched off here

    # Meanwhile the admin deletes something the partial cache holds and changes another.
    (deleted_kind, deleted_key), *_ = [k for k in partial if k[0] != "hall"]
    response = admin.delete(hall_server.api(f"/reference/{deleted_kind}/{deleted_key}"), timeout=30)
    assert response.status_code == 200, response.text
    hall = dict(partial[("hall", "hall")], welcome="欢迎光临（测试）")
    response = admin.put(hall_server.api("/reference/hall/hall"), json={"payload": hall}, timeout=30)
    assert response.status_code == 200, response.text

    resumed_store = LocalStore(path)
    fresh_store = LocalStore(tmp_path / "fresh.sqlite3")
    try:
        resumed = make_engine(hall_server, resumed_store, token=token, start=False)
        applied = resumed.pull(client, page_size=3)
        total = client.changes(0, limit=1000)
        assert not total.has_more
        # It asked only for what came after its cursor.
        assert applied == len([e for e in total.entries if e.revision > pages[-1].next_since])

        make_engine(hall_server, fresh_store, token=token, start=False).pull(client)
        assert resumed_store.reference_snapshot() == fresh_store.reference_snapshot()
        assert resumed_store.reference_since() == fresh_store.reference_since() == total.head
        assert (deleted_kind, deleted_key) not in resumed_store.reference_snapshot()
        assert resumed_store.reference_values("hall") == [hall]
    finally:
        resumed_store.close()
        fresh_store.close()


# ---------------------------------------------------------------------------------------
# The Workstation facade: connect, enrol, log in, also offline
# ---------------------------------------------------------------------------------------


def test_enrol_and_log_in_online_then_offline(hall_server, make_workstation, wait, list_server_records):
    workstation = make_workstation(hall_server)
    connection = workstation.connect()
    assert connection.stage is Stage.NEEDS_ENROLMENT
    assert connection.online and not connection.embedded
    assert connection.keyring_persistent
    assert connection.url == hall_server.url
    assert workstation.status() is None  # nothing to sync without a device token

    with pytest.raises(EnrolmentFailed):
        workstation.enrol("NOT-A-VALID-CODE")
    assert workstation.status() is None
    code = hall_server.new_code("workstation", 3)
    device = workstation.enrol(code)
    assert device.window == 3
    hall_name = wait(lambda: workstation.hall_name(), "the hall's name is pulled")

    clerk = workstation.login("clerk1", DEMO_PASSWORD)
    assert (clerk.username, clerk.role, clerk.online) == ("clerk1", "clerk", True)
    assert clerk.display_name
    with pytest.raises(LoginFailed):
        workstation.login("clerk1", "wrong-password")
    with pytest.raises(LoginFailed):
        workstation.login("nobody", DEMO_PASSWORD)
    workstation.shutdown()

    # Started again: the device token is in the keyring, no enrolment needed.
    again = make_workstation(hall_server)
    connection = again.connect()
    assert connection.stage is Stage.READY
    assert connection.window == 3
    assert connection.hall_name == hall_name
    with pytest.raises(EnrolmentFailed):  # a code enrols one device only
        again.enrol(code)

    hall_server.stop()
    wait(lambda: not again.status().online, "the workstation sees the hall is unreachable")
    offline = again.login("clerk1", DEMO_PASSWORD)
    assert (offline.username, offline.display_name, offline.role, offline.online) == (
        "clerk1", clerk.display_name, "clerk", False)
    with pytest.raises(LoginFailed):
        again.login("clerk1", "wrong-password")
    with pytest.raises(LoginFailed, match="not logged in here before"):
        again.login("clerk2", DEMO_PASSWORD)

    # Work done offline waits in the outbox and reaches the hall when it is back.
    again.record("test.facade", {"clerk": "clerk1", "事项": "户籍迁移"})
    assert again.status().pending == 1
    hall_server.start()
    wait(lambda: again.status().pending == 0, "the offline record is uploaded", timeout=60)
    assert [r["payload"] for r in list_server_records(hall_server, "test.facade")] == [
        {"clerk": "clerk1", "事项": "户籍迁移"}]


def test_a_workstation_whose_token_was_forgotten_by_the_server_asks_to_enrol(hall_server,
                                                                              make_workstation):
    workstation = make_workstation(hall_server)
    workstation.connect()
    workstation.enrol(hall_server.new_code("workstation", 2))
    workstation.shutdown()
    # A token the server does not know (another hall's database). A revoked one is kept: test_sync_revoke.py.
    key = f"device@{hall_server.url}"
    stored = json.loads(keyring.get_password(SERVICE, key))
    keyring.set_password(SERVICE, key, json.dumps({**stored, "token": "dev_unknown"}))

    again = make_workstation(hall_server)
    connection = again.connect()
    assert connection.stage is Stage.NEEDS_ENROLMENT
    assert again.credentials.device() is None
    assert again.status() is None


def test_many_records_from_several_threads_arrive_once(hall_server, store, make_engine, wait,
                                                        list_server_records):
    engine = make_engine(hall_server, store, batch_size=50)

    def clerk(worker: int) -> None:
        for n in range(100):
            store.add_record("test.threads", {"worker": worker, "n": n})

    threads = [threading.Thread(target=clerk, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait(lambda: store.pending_count() == 0, "every record is uploaded", timeout=60)
    assert engine.status().conflicts == 0
    held = list_server_records(hall_server, "test.threads")
    assert sorted((r["payload"]["worker"], r["payload"]["n"]) for r in held) == [
        (w, n) for w in range(4) for n in range(100)]


def test_stopping_the_engine_ends_its_threads_and_event_stream(hall_server, store, make_engine, wait):
    """A workstation that exits leaves nothing running behind: both sync threads end
    (the event stream is broken off, not left until the server's next keepalive)."""
    before = set(threading.enumerate())
    engine = make_engine(hall_server, store)
    wait(lambda: engine.status().stream, "the event stream is up")
    started = [t for t in threading.enumerate() if t not in before and t.name.startswith("sync-")]
    assert sorted(t.name for t in started) == ["sync-events", "sync-upload"]
    engine.stop()
    assert [t.name for t in started if t.is_alive()] == []


def test_a_calendar_published_by_the_hall_reaches_the_workstation(hall_server, tmp_path):
    """2027 is beyond the bundled calendar: until the hall publishes it, a promised date in
    2027 is reported unknown; once imported on the server, the workstation pulls it and
    counts working days across its Spring Festival."""
    import json
    from datetime import date

    from workstation.app.guide import GuideDesk
    from workstation.domain.catalogue import TimeUnit
    from workstation.domain.workdays import CalendarUnknown
    from workstation.protocol.catalogue import TimeLimit
    from workstation.store.local import LocalStore
    from workstation.sync.client import HallClient
    from workstation.sync.engine import SyncEngine

    token = hall_server.enrol("workstation", 1)
    store = LocalStore(tmp_path / "ws.sqlite3")
    client = HallClient(hall_server.url, token)
    engine = SyncEngine(store, hall_server.url, token)
    engine.pull(client)
    limit = TimeLimit(value=3, unit=TimeUnit.WORKING_DAYS)
    with pytest.raises(CalendarUnknown):
        GuideDesk(store).load().calendar.promised_date(date(2027, 2, 3), limit)

    # A fictional but well-formed 2027 arrangement: 02-05..02-11 off, Sunday 02-14 worked.
    published = {"year": 2027, "workdays": ["2027-02-14"],
                 "holidays": ["2027-01-01"] + [f"2027-02-{d:02d}" for d in range(5, 12)]}
    source = tmp_path / "calendar-2027.json"
    source.write_text(json.dumps([published]), encoding="utf-8")
    result = hall_server.run_cli("import", "calendar", str(source))
    assert result.returncode == 0, result.stderr
    assert engine.pull(client) == 1
    calendar = GuideDesk(store).load().calendar
    # From Wed 02-03: Thu 02-04 is one; 02-05..02-11 are off; Fri 02-12 two; Sun 02-14 three.
    assert calendar.promised_date(date(2027, 2, 3), limit) == date(2027, 2, 14)
    client.close()
    store.close()
