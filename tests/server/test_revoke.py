"""Revoking a device (a stolen PC), on a real hall server process over SQLite and
PostgreSQL: its token and its sessions are refused at once (also those a server process
had cached, also in every process of `--workers 2`), its open event stream ends, what it
uploads afterwards is refused with the admin's reason and kept for review (the same body
again counts on its row), and only the admin may do it or read what was kept."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from datetime import UTC, datetime

import pytest
import requests

from tests.support.hall_server import HallServer
from tests.support.waiting import wait_for

TIMEOUT = 30
REASON = "笔记本被盗 stolen from window 3, 2026-12-04"
PDF = b"%PDF-1.4\n% a receipt made after the theft\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def records_body(n: int = 2) -> bytes:
    """A records batch as the outbox sends it: exact bytes, so their hash is known."""
    records = [{"uuid": str(uuid.uuid4()), "kind": "rating", "created_at": datetime.now(UTC).isoformat(),
                "payload": {"n": i, "note": "离线办理"}} for i in range(n)]
    return json.dumps({"records": records}, ensure_ascii=False).encode()


class Stream:
    """A device's event stream, followed in a thread: `ended` once the server ends it."""

    def __init__(self, server: HallServer, token: str) -> None:
        self.response = requests.get(server.api("/events"), headers=auth(token), stream=True, timeout=TIMEOUT)
        assert self.response.status_code == 200, self.response.text
        self.process = self.response.headers["X-Server-Process"]
        self.ended = threading.Event()
        self.opened = threading.Event()
        threading.Thread(target=self._follow, daemon=True).start()
        assert self.opened.wait(TIMEOUT)

    def _follow(self) -> None:
        try:
            for line in self.response.iter_lines():
                if line == b": connected":
                    self.opened.set()
        except (requests.RequestException, AttributeError):  # AttributeError: closed under the read
            pass
        self.ended.set()

    def close(self) -> None:
        self.response.close()


@pytest.fixture
def stolen(hall_server):
    """Window 3's workstation with clerk3 logged in, both tokens used once (so the server
    has them cached): (device token, session token, device id)."""
    token = hall_server.enrol("workstation", 3)
    session = hall_server.login("clerk3", device_token=token).headers["Authorization"].split(" ", 1)[1]
    me = requests.get(hall_server.api("/me"), headers=auth(token), timeout=TIMEOUT)
    assert me.status_code == 200, me.text
    assert requests.get(hall_server.api("/me"), headers=auth(session), timeout=TIMEOUT).status_code == 200
    return token, session, me.json()["device_id"]


def revoke(server: HallServer, session: requests.Session, device_id: str, reason: str = REASON):
    return session.post(server.api(f"/devices/{device_id}/revoke"), json={"reason": reason}, timeout=TIMEOUT)


def assert_revoked(response: requests.Response, kept: bool | None = None) -> str:
    assert response.status_code == 403, (response.status_code, response.text)
    assert response.headers.get("X-Device-Revoked") == "revoked", response.headers
    detail = response.json()["detail"]
    assert "此设备已被管理员停用" in detail and REASON in detail and "revoked by an administrator" in detail
    assert ("上传的数据已留存在服务器待审核" in detail) is bool(kept), detail
    return detail


def test_a_revoked_device_is_refused_at_once_and_what_it_uploads_is_kept_for_review(hall_server, stolen):
    token, session, device_id = stolen
    admin = hall_server.admin_session()
    stream = Stream(hall_server, token)
    try:
        answer = revoke(hall_server, admin, device_id)
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert result["already_revoked"] is False and result["sessions_ended"] == 1
        assert result["device"]["revoked"] is True and result["device"]["revoked_reason"] == REASON
        assert result["device"]["revoked_by"] == "admin" and result["device"]["window"] == 3

        # Refused at once, both cached tokens, with the reason; its open stream ends.
        assert_revoked(requests.get(hall_server.api("/me"), headers=auth(token), timeout=TIMEOUT))
        assert_revoked(requests.get(hall_server.api("/me"), headers=auth(session), timeout=TIMEOUT))
        assert_revoked(requests.get(hall_server.api("/events"), headers=auth(token), timeout=TIMEOUT))
        assert stream.ended.wait(TIMEOUT), "the revoked device's event stream stayed open"
    finally:
        stream.close()

    # Its pending upload: refused, kept with the exact body; the same body again counts.
    body = records_body()
    url = hall_server.api("/records")
    headers = auth(token) | {"Content-Type": "application/json"}
    assert_revoked(requests.post(url, data=body, headers=headers, timeout=TIMEOUT), kept=True)
    [kept] = admin.get(hall_server.api("/quarantine"), timeout=TIMEOUT).json()
    assert kept["device_id"] == device_id and kept["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert (kept["method"], kept["path"], kept["size"], kept["attempts"]) == ("POST", "/api/v1/records",
                                                                               len(body), 1)
    assert "body" not in kept and REASON in kept["reason"]
    assert_revoked(requests.post(url, data=body, headers=headers, timeout=TIMEOUT), kept=True)
    [again] = admin.get(hall_server.api("/quarantine"), timeout=TIMEOUT).json()
    assert (again["id"], again["attempts"]) == (kept["id"], 2)

    # At the session too, and a document's PDF: kept apart.
    sha = hashlib.sha256(PDF).hexdigest()
    assert_revoked(requests.put(hall_server.api(f"/documents/{sha}"), data=PDF, timeout=TIMEOUT,
                                headers=auth(session) | {"Content-Type": "application/pdf"}), kept=True)
    listed = admin.get(hall_server.api("/quarantine"), params={"device_id": device_id}, timeout=TIMEOUT).json()
    assert sorted((k["path"], k["attempts"]) for k in listed) == [("/api/v1/documents/" + sha, 1),
                                                                  ("/api/v1/records", 2)]
    pdf = next(k for k in listed if k["path"].startswith("/api/v1/documents/"))
    download = admin.get(hall_server.api(f"/quarantine/{pdf['id']}"), timeout=TIMEOUT)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["X-Original-Content-Type"] == "application/pdf"
    assert download.headers["Content-Type"] == "application/octet-stream"

    # None of it became the hall's: no record, no document.
    uuids = {r["uuid"] for r in json.loads(body)["records"]}
    stored = admin.get(hall_server.api("/records"), params={"kind": "rating"}, timeout=TIMEOUT).json()
    assert not uuids & {r["uuid"] for r in stored["records"]}
    assert admin.get(hall_server.api(f"/documents/{sha}"), timeout=TIMEOUT).status_code == 404

    # A login at it is refused, and its body (a password) is not kept; nor a queue call.
    assert_revoked(requests.post(hall_server.api("/login"), json={"username": "clerk3", "password": "demo2026"},
                                 headers=auth(token), timeout=TIMEOUT))
    assert_revoked(requests.post(hall_server.api("/queue/call-next"), headers=auth(session), timeout=TIMEOUT))
    assert len(admin.get(hall_server.api("/quarantine"), timeout=TIMEOUT).json()) == 2

    # Asked again: nothing changes (the first reason stays).
    second = revoke(hall_server, admin, device_id, "another reason")
    assert second.status_code == 200, second.text
    assert second.json()["already_revoked"] is True and second.json()["device"]["revoked_reason"] == REASON

    devices = {d["device_id"]: d for d in admin.get(hall_server.api("/devices"), timeout=TIMEOUT).json()}
    listed = devices[device_id]
    assert listed["revoked"] and listed["revoked_reason"] == REASON and listed["revoked_by"] == "admin"
    assert listed["quarantined"] == 2 and listed["kind"] == "workstation" and listed["last_seen_at"]
    assert sum(not d["revoked"] for d in devices.values()) >= 1  # the admin's own workstation


def test_only_the_admin_revokes_and_reads_the_quarantine(hall_server, stolen):
    token, _, device_id = stolen
    clerk = hall_server.login("clerk1")
    supervisor = hall_server.login("supervisor")
    for who in (clerk, supervisor, hall_server.session(token)):
        refused = revoke(hall_server, who, device_id)
        assert refused.status_code == 403, refused.text
        for path in ("/devices", "/quarantine", "/quarantine/1"):
            assert who.get(hall_server.api(path), timeout=TIMEOUT).status_code == 403, path
    assert requests.get(hall_server.api("/me"), headers=auth(token), timeout=TIMEOUT).status_code == 200

    admin = hall_server.admin_session()
    unknown = revoke(hall_server, admin, "00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404 and "no device" in unknown.json()["detail"]
    own = admin.get(hall_server.api("/me"), timeout=TIMEOUT).json()["device_id"]
    assert revoke(hall_server, admin, own).status_code == 409  # not the PC the admin is at
    assert admin.get(hall_server.api("/quarantine/999"), timeout=TIMEOUT).status_code == 404
    empty = revoke(hall_server, admin, device_id, "")
    assert empty.status_code == 422  # a reason is required


def test_the_command_line_revokes_and_every_server_notices(hall_server, stolen):
    """IT at the server's console: `revoke-device` and `devices`. The running server (on
    SQLite a process the command cannot reach) ends the device's stream by itself."""
    token, session, device_id = stolen
    stream = Stream(hall_server, token)
    try:
        done = hall_server.run_cli("revoke-device", device_id, "--reason", REASON)
        assert done.returncode == 0, done.stderr
        assert "revoked" in done.stdout and "1 sessions ended" in done.stdout
        assert stream.ended.wait(TIMEOUT), "the server did not notice the revocation"
    finally:
        stream.close()
    wait_for(lambda: requests.get(hall_server.api("/me"), headers=auth(token), timeout=TIMEOUT).status_code == 403,
             "the device token is refused")
    assert_revoked(requests.get(hall_server.api("/me"), headers=auth(session), timeout=TIMEOUT))
    listing = hall_server.run_cli("devices")
    assert listing.returncode == 0, listing.stderr
    line = next(x for x in listing.stdout.splitlines() if x.startswith(device_id))
    assert "REVOKED" in line and REASON in line and "the revoke-device command" in line
    unknown = hall_server.run_cli("revoke-device", "no-such-device", "--reason", "x")
    assert unknown.returncode == 2 and "no device" in unknown.stderr


@pytest.mark.postgres
def test_revoked_in_every_process_of_several(hall_database, tmp_path):
    """--workers 2: the device's token cached by both processes, its streams open on both;
    once the revocation through one process is answered, neither lets the token in (the
    other's cache dropped it: the answer waits for its word), and both streams end. Several
    devices, each asked at once from several connections: a process still holding the
    token, even for a millisecond, would answer one of them."""
    with HallServer(hall_database, workers=2, home=tmp_path / "home") as server:
        admin = server.admin_session()
        for _ in range(3):
            token = server.enrol("workstation", 3)
            device_id = requests.get(server.api("/me"), headers=auth(token), timeout=TIMEOUT).json()["device_id"]
            streams: dict[str, Stream] = {}
            for _ in range(60):  # each new connection goes to whichever process accepts it first
                stream = Stream(server, token)
                if stream.process in streams:
                    stream.close()
                else:
                    streams[stream.process] = stream
                if len(streams) == 2:
                    break
            assert len(streams) == 2, "both processes should have served one of the device's streams"
            try:
                answer = revoke(server, admin, device_id)
                assert answer.status_code == 200, answer.text
                answers: list[requests.Response] = []

                def ask(token: str, answers: list[requests.Response]) -> None:
                    for _ in range(5):  # new connections: either process
                        answers.append(requests.get(server.api("/me"), headers=auth(token), timeout=TIMEOUT))

                askers = [threading.Thread(target=ask, args=(token, answers)) for _ in range(4)]
                for asker in askers:
                    asker.start()
                for asker in askers:
                    asker.join()
                assert len(answers) == 20
                for refused in answers:
                    assert_revoked(refused)
                for stream in streams.values():
                    assert stream.ended.wait(TIMEOUT), f"the stream on process {stream.process} stayed open"
            finally:
                for stream in streams.values():
                    stream.close()
