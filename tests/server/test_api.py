"""The hall server's HTTP API, spoken to over real HTTP by a real server process on
SQLite and on PostgreSQL (every test runs on both through the `hall_server` fixture)."""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests
import uuid6

from tests.support.hall_server import HallServer

TIMEOUT = 30
CST = timezone(timedelta(hours=8))


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def pull(session: requests.Session, server: HallServer, since: int = 0, limit: int = 1000,
         **params) -> dict:
    response = session.get(server.api("/reference/changes"), timeout=TIMEOUT,
                           params={"since": since, "limit": limit, **params})
    assert response.status_code == 200, response.text
    return response.json()


def pull_pages(session: requests.Session, server: HallServer, since: int = 0, limit: int = 1000,
               max_pages: int | None = None) -> tuple[list[dict], int, int]:
    """Pages of the change feed from `since` until has_more is false (or max_pages were
    read). Returns the entries, the next_since to resume from and the pages read."""
    entries: list[dict] = []
    pages = 0
    while True:
        page = pull(session, server, since, limit)
        pages += 1
        assert len(page["entries"]) <= limit
        entries += page["entries"]
        since = page["next_since"]
        if not page["has_more"] or (max_pages is not None and pages >= max_pages):
            return entries, since, pages


def apply(state: dict, entries: list[dict]) -> dict:
    """What a client holds after applying entries: live values only."""
    state = dict(state)
    for entry in entries:
        key = (entry["kind"], entry["key"])
        if entry["deleted"]:
            state.pop(key, None)
        else:
            state[key] = entry["payload"]
    return state


def assert_increasing(entries: list[dict]) -> None:
    revisions = [e["revision"] for e in entries]
    assert all(a < b for a, b in zip(revisions, revisions[1:], strict=False)), revisions


def by_kind(entries: list[dict], kind: str) -> list[dict]:
    return [e for e in entries if e["kind"] == kind]


def note(index: int, text: str = "窗口受理：营业执照变更登记") -> dict:
    make = uuid.uuid4 if index % 2 else uuid6.uuid7
    return {
        "uuid": str(make()),
        "kind": "test.note",
        "created_at": datetime(2026, 3, 2, 9, 30, index % 60, tzinfo=CST).isoformat(),
        "payload": {"index": index, "text": f"{text} #{index}", "clerk": "张三",
                    "nested": {"window": 3, "tags": ["加急", "容缺受理"]}},
    }


def upload(session: requests.Session, server: HallServer, records: list[dict]) -> list[dict]:
    response = session.post(server.api("/records"), json={"records": records}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def stored_notes(supervisor: requests.Session, server: HallServer) -> dict[str, dict]:
    response = supervisor.get(server.api("/records"), params={"kind": "test.note"}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return {r["uuid"]: r for r in response.json()["records"]}


class EventStream:
    """A Server-Sent Events stream read by a background thread into a queue."""

    def __init__(self, session: requests.Session, server: HallServer, headers: dict | None = None):
        self.response = session.get(server.api("/events"), stream=True, timeout=(10, 60),
                                    headers={"Accept": "text/event-stream", **(headers or {})})
        assert self.response.status_code == 200, self.response.text
        assert self.response.headers["content-type"].startswith("text/event-stream")
        self.events: queue.Queue[dict] = queue.Queue()
        self.connected = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self.connected.wait(10), "the event stream sent nothing"

    def _read(self) -> None:
        event: dict = {}
        try:
            for raw in self.response.iter_lines(chunk_size=None):
                line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                if line.startswith(":"):
                    self.connected.set()  # a comment: ": connected" or ": keepalive"
                elif not line:
                    if "data" in event:
                        event["data"] = json.loads(event["data"])
                        self.events.put(event)
                    event = {}
                else:
                    field, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    event[field] = event[field] + "\n" + value if field == "data" and field in event else value
        except (requests.RequestException, OSError, ValueError, AttributeError):
            pass

    def next(self, type_: str | None = None, timeout: float = 5.0) -> dict:
        """The next event (of `type_`, skipping others); fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                event = self.events.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise AssertionError(f"no {type_ or 'event'} within {timeout} s") from None
            if type_ is None or event["event"] == type_:
                return event

    def ended(self, timeout: float = 5.0) -> bool:
        """Whether the server ended the stream within `timeout` seconds."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self) -> None:
        connection = getattr(self.response.raw, "connection", None)
        sock = getattr(connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.response.close()
        self._thread.join(5)


@pytest.fixture
def admin(hall_server: HallServer) -> requests.Session:
    return hall_server.admin_session()


# ---------------------------------------------------------------------------------------
# The basics
# ---------------------------------------------------------------------------------------


def test_health_and_openapi(hall_server: HallServer, db_url: str):
    health = requests.get(hall_server.api("/health"), timeout=TIMEOUT)
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok"
    assert body["database"] == db_url.split(":")[0].split("+")[0]
    assert body["hall"], "the demo hall has a name"
    assert body["revision"] > 0
    # The server's clock is the hall's: its time, and its date in the hall's zone (UTC+8).
    server_time = datetime.fromisoformat(body["server_time"])
    assert abs((server_time - datetime.now(UTC)).total_seconds()) < 60
    assert body["hall_date"] == (server_time + timedelta(hours=8)).date().isoformat()

    spec = requests.get(f"{hall_server.url}/openapi.json", timeout=TIMEOUT)
    assert spec.status_code == 200
    paths = set(spec.json()["paths"])
    for path in ("/health", "/enrol", "/login", "/logout", "/me", "/reference/changes",
                 "/reference/{kind}/{key}", "/records", "/records/conflicts", "/events",
                 "/admin/enrolment-codes"):
        assert f"/api/v1{path}" in paths
    assert all(p.startswith("/api/v1/") for p in paths), paths


def test_restart_on_the_same_port_keeps_the_data(hall_server: HallServer):
    admin = hall_server.admin_session()
    device = hall_server.device_token()
    url = hall_server.url
    stream = EventStream(admin, hall_server)
    assert hall_server.stop() == 0, hall_server.stderr()
    # An open event stream is ended by the shutdown, not cut off after a grace period.
    assert stream.ended(5)
    assert "Traceback" not in hall_server.stderr(), hall_server.stderr()
    with pytest.raises(requests.ConnectionError):
        requests.get(hall_server.api("/health"), timeout=5)

    hall_server.start()
    assert hall_server.url == url
    assert requests.get(hall_server.api("/health"), timeout=TIMEOUT).status_code == 200
    # Tokens live in the database: the device and the admin's session survive a restart.
    assert hall_server.session(device).get(hall_server.api("/me"), timeout=TIMEOUT).status_code == 200
    me = admin.get(hall_server.api("/me"), timeout=TIMEOUT)
    assert me.status_code == 200 and me.json()["role"] == "admin"


# ---------------------------------------------------------------------------------------
# Who may do what
# ---------------------------------------------------------------------------------------


def _put_business_type(session: requests.Session, server: HallServer, value: dict) -> requests.Response:
    return session.put(server.api(f"/reference/business_type/{value['code']}"),
                       json={"payload": value}, timeout=TIMEOUT)


def test_callers_without_a_valid_token_are_refused(hall_server: HallServer):
    a_record = {"records": [note(1)]}
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic YWRtaW46ZGVtbzIwMjY="},
                    {"Authorization": "Bearer garbage"}, {"Authorization": "Bearer ses_garbage"},
                    {"Authorization": "Bearer dev_" + "A" * 43}):
        for method, path, body in (("GET", "/me", None), ("GET", "/reference/changes", None),
                                   ("POST", "/records", a_record), ("GET", "/records", None),
                                   ("PUT", "/reference/hall/hall", {"payload": {}}),
                                   ("POST", "/login", {"username": "admin", "password": "demo2026"}),
                                   ("GET", "/events", None)):
            response = requests.request(method, hall_server.api(path), json=body, headers=headers,
                                        timeout=TIMEOUT)
            assert response.status_code == 401, (method, path, headers, response.text)


def test_device_tokens(hall_server: HallServer, admin: requests.Session):
    changes = pull(admin, hall_server)
    business_type = by_kind(changes["entries"], "business_type")[0]["payload"]
    workstation = hall_server.session(hall_server.device_token())

    # A workstation device uploads records, reads reference data, and nothing more.
    assert workstation.get(hall_server.api("/reference/changes"), timeout=TIMEOUT).status_code == 200
    assert [r["status"] for r in upload(workstation, hall_server, [note(1)])] == [201]
    assert workstation.get(hall_server.api("/records"), timeout=TIMEOUT).status_code == 403
    assert workstation.get(hall_server.api("/records/conflicts"), timeout=TIMEOUT).status_code == 403
    assert _put_business_type(workstation, hall_server, business_type).status_code == 403
    assert workstation.delete(hall_server.api("/reference/window/1"), timeout=TIMEOUT).status_code == 403
    assert workstation.post(hall_server.api("/admin/enrolment-codes"), json={"kind": "kiosk"},
                            timeout=TIMEOUT).status_code == 403

    # A hall display and a kiosk act as themselves: they read, they do not write.
    for kind in ("display", "kiosk"):
        device = hall_server.session(hall_server.enrol(kind, window=None))
        me = device.get(hall_server.api("/me"), timeout=TIMEOUT).json()
        assert (me["device_kind"], me["role"], me["username"]) == (kind, kind, None)
        assert device.get(hall_server.api("/reference/changes"), timeout=TIMEOUT).status_code == 200
        assert device.post(hall_server.api("/records"), json={"records": [note(2)]},
                           timeout=TIMEOUT).status_code == 403
        assert device.post(hall_server.api("/login"), json={"username": "admin", "password": "demo2026"},
                           timeout=TIMEOUT).status_code == 403
        assert device.get(hall_server.api("/records"), timeout=TIMEOUT).status_code == 403
        assert _put_business_type(device, hall_server, business_type).status_code == 403
    assert len(stored_notes(hall_server.login("supervisor"), hall_server)) == 1


def test_people_roles(hall_server: HallServer, admin: requests.Session):
    business_types = by_kind(pull(admin, hall_server)["entries"], "business_type")
    value = business_types[0]["payload"]

    clerk = hall_server.login("clerk1")
    assert clerk.get(hall_server.api("/me"), timeout=TIMEOUT).json()["role"] == "clerk"
    assert clerk.get(hall_server.api("/reference/changes"), timeout=TIMEOUT).status_code == 200
    assert _put_business_type(clerk, hall_server, {**value, "name": "改名"}).status_code == 403
    assert clerk.delete(hall_server.api(f"/reference/business_type/{value['code']}"),
                        timeout=TIMEOUT).status_code == 403
    assert clerk.get(hall_server.api("/records"), timeout=TIMEOUT).status_code == 403
    assert clerk.get(hall_server.api("/records/conflicts"), timeout=TIMEOUT).status_code == 403
    # A clerk logged in at a workstation uploads its records.
    assert [r["status"] for r in upload(clerk, hall_server, [note(1)])] == [201]

    supervisor = hall_server.login("supervisor")
    assert supervisor.get(hall_server.api("/records"), timeout=TIMEOUT).status_code == 200
    assert supervisor.get(hall_server.api("/records/conflicts"), timeout=TIMEOUT).status_code == 200
    assert _put_business_type(supervisor, hall_server, {**value, "name": "改名"}).status_code == 403

    renamed = _put_business_type(admin, hall_server, {**value, "name": "综合受理（改）"})
    assert renamed.status_code == 200, renamed.text
    gone = admin.delete(hall_server.api(f"/reference/business_type/{business_types[1]['key']}"),
                        timeout=TIMEOUT)
    assert gone.status_code == 200, gone.text
    assert gone.json()["revision"] > renamed.json()["revision"]
    assert admin.delete(hall_server.api("/reference/window/998"), timeout=TIMEOUT).status_code == 404

    # Logging in at a session token (not a device token) is refused; logging out ends a session.
    assert clerk.post(hall_server.api("/login"), json={"username": "clerk2", "password": "demo2026"},
                      timeout=TIMEOUT).status_code in (400, 403)
    assert clerk.post(hall_server.api("/logout"), timeout=TIMEOUT).status_code == 204
    assert clerk.get(hall_server.api("/me"), timeout=TIMEOUT).status_code == 401


def test_a_used_bootstrap_code_stays_used_after_a_restart(tmp_path):
    """A server started from a unit file with COUNTER_BOOTSTRAP_CODE set gets it again at
    every restart: it must enrol one device, not one per restart."""
    code = "BOOT-STRA-P123"
    server = HallServer(f"sqlite:///{tmp_path / 'hall.sqlite3'}", home=tmp_path / "home",
                        env={"COUNTER_BOOTSTRAP_CODE": code})
    with server:
        server.enrol("workstation", 1, code=code)
    restarted_before_use = HallServer(f"sqlite:///{tmp_path / 'other.sqlite3'}", home=tmp_path / "other",
                                      env={"COUNTER_BOOTSTRAP_CODE": code})
    with restarted_before_use:
        pass
    with restarted_before_use:  # unused: still good after a restart
        restarted_before_use.enrol("workstation", 1, code=code)
    with server:
        again = requests.post(server.api("/enrol"), json={"code": code, "name": "intruder"}, timeout=TIMEOUT)
        assert again.status_code == 403, again.text
        assert "COUNTER_BOOTSTRAP_CODE not registered" in server.stderr()


def test_enrolment_codes_and_passwords(hall_server: HallServer):
    code = hall_server.enrol_code("workstation", window=4)
    first = requests.post(hall_server.api("/enrol"), json={"code": code, "name": "窗口4-PC"}, timeout=TIMEOUT)
    assert first.status_code == 200, first.text
    assert (first.json()["kind"], first.json()["window"]) == ("workstation", 4)
    again = requests.post(hall_server.api("/enrol"), json={"code": code, "name": "another PC"},
                          timeout=TIMEOUT)
    assert again.status_code == 403
    # Typed by IT in lower case and without dashes: still the same, used, code.
    typed = requests.post(hall_server.api("/enrol"),
                          json={"code": code.replace("-", "").lower(), "name": "x"}, timeout=TIMEOUT)
    assert typed.status_code == 403
    unknown = requests.post(hall_server.api("/enrol"), json={"code": "ABCD-EFGH-JKLM", "name": "x"},
                            timeout=TIMEOUT)
    assert unknown.status_code == 403

    device = {"Authorization": f"Bearer {first.json()['token']}"}
    for username, password in (("admin", "wrong"), ("admin", "DEMO2026"), ("nobody", "demo2026"),
                               ("clerk1", "demo2026 ")):
        response = requests.post(hall_server.api("/login"), headers=device, timeout=TIMEOUT,
                                 json={"username": username, "password": password})
        assert response.status_code == 401, (username, password, response.text)
    ok = requests.post(hall_server.api("/login"), headers=device, timeout=TIMEOUT,
                       json={"username": "clerk1", "password": "demo2026"})
    assert ok.status_code == 200 and ok.json()["role"] == "clerk"


# ---------------------------------------------------------------------------------------
# Reference data and its change feed
# ---------------------------------------------------------------------------------------


def test_reference_changes_since_a_revision(hall_server: HallServer, admin: requests.Session):
    full = pull(admin, hall_server)
    assert not full["has_more"]
    entries = full["entries"]
    assert_increasing(entries)
    assert full["head"] == full["next_since"] == entries[-1]["revision"]
    assert len(by_kind(entries, "hall")) == 1
    assert len(by_kind(entries, "business_type")) == 7
    assert len(by_kind(entries, "window")) == 6
    assert len(by_kind(entries, "service_item")) >= 20
    assert not any(e["deleted"] for e in entries)
    head = full["head"]

    business_type = dict(by_kind(entries, "business_type")[2]["payload"])
    business_type["name"] += "（调整）"
    business_type["daily_quota"] = 123
    changed = _put_business_type(admin, hall_server, business_type)
    assert changed.status_code == 200, changed.text
    window = by_kind(entries, "window")[-1]
    deleted = admin.delete(hall_server.api(f"/reference/window/{window['key']}"), timeout=TIMEOUT)
    assert deleted.status_code == 200, deleted.text

    since = pull(admin, hall_server, since=head)
    assert [(e["kind"], e["key"]) for e in since["entries"]] == [
        ("business_type", business_type["code"]), ("window", window["key"])]
    bt_entry, tombstone = since["entries"]
    assert bt_entry["payload"] == business_type and not bt_entry["deleted"]
    assert tombstone["deleted"] is True and tombstone["payload"] is None
    assert head < bt_entry["revision"] < tombstone["revision"]
    assert [bt_entry["revision"], tombstone["revision"]] == [changed.json()["revision"],
                                                            deleted.json()["revision"]]
    assert since["head"] == since["next_since"] == tombstone["revision"]
    assert not since["has_more"]

    # The same value again makes no new revision, so no client pulls it again.
    again = _put_business_type(admin, hall_server, business_type)
    assert again.status_code == 200 and again.json()["revision"] == bt_entry["revision"]
    assert pull(admin, hall_server, since=tombstone["revision"])["entries"] == []
    assert requests.get(hall_server.api("/health"), timeout=TIMEOUT).json()["revision"] == tombstone["revision"]

    # A filter by kind, and a pull from the head, are empty-handed but well formed.
    windows = pull(admin, hall_server, kind="window")
    assert {e["kind"] for e in windows["entries"]} == {"window"}
    assert windows["entries"][-1] == tombstone
    at_head = pull(admin, hall_server, since=since["head"])
    assert at_head == {"entries": [], "next_since": since["head"], "has_more": False, "head": since["head"]}

    # An invalid value is refused with a message naming the field, and changes nothing.
    bad = _put_business_type(admin, hall_server, {**business_type, "prefix": "AA"})
    assert bad.status_code == 422
    assert "prefix" in json.dumps(bad.json(), ensure_ascii=False)
    mismatch = admin.put(hall_server.api("/reference/business_type/not-this-one"),
                         json={"payload": business_type}, timeout=TIMEOUT)
    assert mismatch.status_code == 422
    extra = _put_business_type(admin, hall_server, {**business_type, "colour": "red"})
    assert extra.status_code == 422 and "colour" in extra.text
    unknown_kind = admin.put(hall_server.api("/reference/queue/x"), json={"payload": {}}, timeout=TIMEOUT)
    assert unknown_kind.status_code == 422
    assert pull(admin, hall_server)["head"] == tombstone["revision"]


def test_paging_and_an_interrupted_pull(hall_server: HallServer, admin: requests.Session):
    entries = pull(admin, hall_server)["entries"]
    # Some history first: an update moves an entry forward, a deletion leaves a tombstone.
    for e in by_kind(entries, "business_type")[:3]:
        assert _put_business_type(admin, hall_server, {**e["payload"], "daily_quota": 321}).status_code == 200
    assert admin.delete(hall_server.api(f"/reference/window/{by_kind(entries, 'window')[0]['key']}"),
                        timeout=TIMEOUT).status_code == 200

    big = pull(admin, hall_server)
    assert not big["has_more"]
    truth = apply({}, big["entries"])

    paged, next_since, pages = pull_pages(admin, hall_server, since=0, limit=7)
    assert_increasing(paged)
    assert paged == big["entries"]
    assert pages == -(-len(big["entries"]) // 7)
    assert next_since == big["head"]
    assert apply({}, paged) == truth

    # Stopped after two pages; meanwhile the admin changes a value the client has not
    # reached yet and one it has already passed. Resuming from the remembered cursor
    # ends identical to a full pull.
    first, cursor, _ = pull_pages(admin, hall_server, since=0, limit=7, max_pages=2)
    assert len(first) == 14 and cursor == first[-1]["revision"]
    passed = next(e for e in first if e["kind"] == "business_type" and not e["deleted"])
    assert _put_business_type(admin, hall_server, {**passed["payload"], "name": "已改"}).status_code == 200
    ahead = by_kind(big["entries"], "service_item")[-1]
    assert admin.delete(hall_server.api(f"/reference/service_item/{ahead['key']}"),
                        timeout=TIMEOUT).status_code == 200

    rest, resumed_at, _ = pull_pages(admin, hall_server, since=cursor, limit=7)
    assert_increasing(first + rest)
    final = pull(admin, hall_server)
    assert resumed_at == final["head"]
    assert apply(apply({}, first), rest) == apply({}, final["entries"])
    client = apply(apply({}, first), rest)
    assert client[("business_type", passed["key"])]["name"] == "已改"
    assert ("service_item", ahead["key"]) not in client


# ---------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------


def test_record_upload_is_idempotent(hall_server: HallServer):
    device = hall_server.session(hall_server.device_token())
    supervisor = hall_server.login("supervisor")
    batch = [note(i) for i in range(50)]

    results = upload(device, hall_server, batch)
    assert [r["uuid"] for r in results] == [r["uuid"] for r in batch]
    assert {r["status"] for r in results} == {201}

    again = upload(device, hall_server, batch)
    assert {r["status"] for r in again} == {200}
    held = stored_notes(supervisor, hall_server)
    assert len(held) == 50
    for record in batch:
        stored = held[record["uuid"]]
        assert stored["payload"] == record["payload"]
        assert datetime.fromisoformat(stored["created_at"]) == datetime.fromisoformat(record["created_at"])
        assert datetime.fromisoformat(stored["received_at"]).tzinfo is not None

    # The same UUID with other content: refused as a conflict, kept aside, never overwriting.
    changed = {**batch[7], "payload": {**batch[7]["payload"], "text": "被篡改的内容"}}
    assert [(r["uuid"], r["status"]) for r in upload(device, hall_server, [changed])] == [
        (changed["uuid"], 409)]
    conflicts = supervisor.get(hall_server.api("/records/conflicts"), timeout=TIMEOUT)
    assert conflicts.status_code == 200
    [conflict] = [c for c in conflicts.json() if c["uuid"] == changed["uuid"]]
    assert conflict["offered_payload"] == changed["payload"]
    assert conflict["stored_hash"] != conflict["offered_hash"]
    held = stored_notes(supervisor, hall_server)
    assert len(held) == 50
    assert held[changed["uuid"]]["payload"] == batch[7]["payload"]

    # A mixed batch: each record gets its own answer. A changed timestamp is other content.
    fresh = note(99)
    later = {**batch[3], "created_at": datetime(2026, 3, 2, 10, 0, tzinfo=CST).isoformat()}
    same_instant = {**batch[4], "created_at": datetime.fromisoformat(batch[4]["created_at"])
                    .astimezone(UTC).isoformat()}
    statuses = [r["status"] for r in upload(device, hall_server, [fresh, batch[0], later, same_instant])]
    assert statuses == [201, 200, 409, 200]
    assert len(stored_notes(supervisor, hall_server)) == 51

    # Paging through the records by UUID.
    first = supervisor.get(hall_server.api("/records"), params={"kind": "test.note", "limit": 20},
                           timeout=TIMEOUT).json()
    assert len(first["records"]) == 20 and first["next_after"]
    seen = [r["uuid"] for r in first["records"]]
    after = first["next_after"]
    while after:
        page = supervisor.get(hall_server.api("/records"), timeout=TIMEOUT,
                              params={"kind": "test.note", "limit": 20, "after": after}).json()
        seen += [r["uuid"] for r in page["records"]]
        after = page["next_after"]
    assert sorted(seen) == sorted(stored_notes(supervisor, hall_server)) and len(seen) == 51


def test_hostile_requests(hall_server: HallServer, admin: requests.Session):
    device = hall_server.session(hall_server.device_token())
    supervisor = hall_server.login("supervisor")
    upload(device, hall_server, [note(1)])
    head = pull(admin, hall_server)["head"]
    auth = device.headers["Authorization"]

    # Over 16 MiB: refused from the declared length, and when streamed without one.
    big = b"x" * (16 * 1024 * 1024 + 1)
    response = requests.post(hall_server.api("/records"), data=big, timeout=TIMEOUT,
                             headers={"Authorization": auth, "Content-Type": "application/json"})
    assert response.status_code == 413

    def chunks():
        for _ in range(17):
            yield b" " * (1024 * 1024)

    response = requests.post(hall_server.api("/records"), data=chunks(), timeout=TIMEOUT,
                             headers={"Authorization": auth, "Content-Type": "application/json"})
    assert response.status_code == 413

    # Broken and oversized JSON.
    for body in (b'{"records": [', b'{"records": [}', b"{'records': []}", b'{"records": "no"}', b"[]",
                 b"null", b'{"records": []}'):
        response = requests.post(hall_server.api("/records"), data=body, timeout=TIMEOUT,
                                 headers={"Authorization": auth, "Content-Type": "application/json"})
        assert response.status_code == 422, (body[:40], response.status_code, response.text)
    # Bytes that are not even text: refused as a bad request, never a server error.
    for body in (b"\xff\xfe\x00 not json", b'{"records": [' * 100_000):
        response = requests.post(hall_server.api("/records"), data=body, timeout=TIMEOUT,
                                 headers={"Authorization": auth, "Content-Type": "application/json"})
        assert response.status_code in (400, 422), response.text
    too_many = [note(i) for i in range(1001)]
    response = device.post(hall_server.api("/records"), json={"records": too_many}, timeout=TIMEOUT)
    assert response.status_code == 422
    bad_records = [{**note(1), "uuid": "not-a-uuid"}, {**note(2), "kind": "Bad Kind; DROP TABLE records"},
                   {**note(3), "created_at": "yesterday"}, {**note(4), "payload": ["a", "list"]}]
    for record in bad_records:
        response = device.post(hall_server.api("/records"), json={"records": [record]}, timeout=TIMEOUT)
        assert response.status_code == 422, record

    # SQL in query parameters and paths is only ever data.
    for kind in ("' OR '1'='1", "test.note' OR 1=1 --", "test.note'; DROP TABLE records; --",
                 '"; DELETE FROM records; --', "test.note\x00"):
        response = supervisor.get(hall_server.api("/records"), params={"kind": kind}, timeout=TIMEOUT)
        assert response.status_code in (200, 422), (kind, response.text)
        if response.status_code == 200:
            assert response.json()["records"] == [], kind
    for params in ({"since": "0 OR 1=1"}, {"since": "-1"}, {"limit": "1; DROP TABLE reference_entries"},
                   {"kind": "window' OR '1'='1"}):
        response = supervisor.get(hall_server.api("/reference/changes"), params=params, timeout=TIMEOUT)
        assert response.status_code == 422, params
    response = supervisor.get(hall_server.api("/records"), params={"after": "' OR 1=1 --"}, timeout=TIMEOUT)
    assert response.status_code == 422
    response = admin.delete(hall_server.api("/reference/window/1' OR '1'='1"), timeout=TIMEOUT)
    assert response.status_code == 404
    response = admin.delete(hall_server.api("/reference/window/1%3B%20DROP%20TABLE%20reference_entries"),
                            timeout=TIMEOUT)
    assert response.status_code == 404

    # Values a database cannot take (a NUL in a PostgreSQL string, a revision past
    # BIGINT) are the caller's mistake, never a server error.
    response = supervisor.get(hall_server.api("/reference/changes"), params={"since": 2**63}, timeout=TIMEOUT)
    assert response.status_code == 422
    response = supervisor.get(hall_server.api("/reference/changes"), params={"since": 2**63 - 1},
                              timeout=TIMEOUT)
    assert response.status_code == 200 and response.json()["entries"] == []
    response = requests.post(hall_server.api("/login"), json={"username": "ad\x00min", "password": "demo2026"},
                             headers={"Authorization": auth}, timeout=TIMEOUT)
    assert response.status_code in (401, 422), response.text
    response = admin.delete(hall_server.api("/reference/window/1%00"), timeout=TIMEOUT)
    assert response.status_code in (404, 422), response.text
    response = requests.post(hall_server.api("/enrol"), timeout=TIMEOUT,
                             json={"code": hall_server.new_code("display", None), "name": "PC\x00"})
    assert response.status_code in (200, 422), response.text

    # Everything is as it was.
    assert requests.get(hall_server.api("/health"), timeout=TIMEOUT).status_code == 200
    assert len(stored_notes(supervisor, hall_server)) == 1
    after = pull(admin, hall_server)
    assert after["head"] == head and len(by_kind(after["entries"], "window")) == 6


# ---------------------------------------------------------------------------------------
# Live events
# ---------------------------------------------------------------------------------------


def test_events_reach_the_roles_that_may_see_them(hall_server: HallServer, admin: requests.Session):
    supervisor_stream = EventStream(hall_server.login("supervisor"), hall_server)
    clerk_stream = EventStream(hall_server.login("clerk2"), hall_server)
    device = hall_server.session(hall_server.device_token())
    try:
        value = by_kind(pull(admin, hall_server)["entries"], "business_type")[0]["payload"]
        ack = _put_business_type(admin, hall_server, {**value, "name": "事件测试"}).json()
        for stream in (supervisor_stream, clerk_stream):
            event = stream.next("reference.changed", timeout=5)
            assert event["data"]["data"] == {"kind": "business_type", "key": value["code"],
                                             "revision": ack["revision"]}
            assert event["data"]["type"] == "reference.changed"
        first_id = int(event["id"])

        batch = [note(i) for i in range(3)]
        upload(device, hall_server, batch)
        stored = supervisor_stream.next(timeout=5)
        assert stored["event"] == "records.stored"
        assert stored["data"]["data"]["count"] == 3
        upload(device, hall_server, [{**batch[0], "payload": {"changed": True}}])
        assert supervisor_stream.next(timeout=5)["event"] == "records.conflict"

        # The clerk's stream carries the next change for everyone, and nothing before it.
        ack2 = _put_business_type(admin, hall_server, {**value, "name": "事件测试二"}).json()
        event = clerk_stream.next(timeout=5)
        assert event["event"] == "reference.changed"
        assert event["data"]["data"]["revision"] == ack2["revision"]
        assert int(event["id"]) > int(stored["id"])

        # Reconnecting with Last-Event-ID replays what was missed, in order.
        replay = EventStream(hall_server.login("supervisor"), hall_server,
                             headers={"Last-Event-ID": str(first_id)})
        try:
            assert [replay.next(timeout=5)["event"] for _ in range(3)] == [
                "records.stored", "records.conflict", "reference.changed"]
        finally:
            replay.close()
    finally:
        supervisor_stream.close()
        clerk_stream.close()


def test_a_stream_resuming_after_a_server_restart_gets_what_was_published_since(hall_server: HallServer,
                                                                                 admin: requests.Session):
    """A hall TV was following the stream when the server went down; the server comes back
    and a change is published before the TV reconnects. Resuming with the last id the old
    process gave, the TV is handed that change (on SQLite no event outlives the process)."""
    stream = EventStream(hall_server.login("supervisor"), hall_server)
    value = by_kind(pull(admin, hall_server)["entries"], "business_type")[0]["payload"]
    try:
        _put_business_type(admin, hall_server, {**value, "name": "重启之前"})
        last_id = stream.next("reference.changed", timeout=5)["id"]
    finally:
        stream.close()
    hall_server.stop()
    hall_server.start()
    admin = hall_server.admin_session()
    ack = _put_business_type(admin, hall_server, {**value, "name": "重启之后"}).json()
    resumed = EventStream(hall_server.login("supervisor"), hall_server, headers={"Last-Event-ID": last_id})
    try:
        event = resumed.next("reference.changed", timeout=5)
        assert event["data"]["data"]["revision"] == ack["revision"]
        assert int(event["id"]) > int(last_id)
    finally:
        resumed.close()
