"""Failed logins and idle sessions, against a real hall server process: 5 wrong passwords
for one account in 15 minutes lock it for 15 minutes and the answer says until when; 10 at
one device lock the device; each failure and lockout is in the server's log; an admin
unlocks (API or CLI); a session unused for the idle limit answers 401 saying so, and the
workstation hears of it."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import keyring
import pytest
import requests

from tests.support.hall_server import DEMO_PASSWORD, REPO, HallServer
from tests.support.keyring_backend import MemoryKeyring
from tests.support.waiting import wait_for
from workstation.app.workstation import SESSION_ENDED, LoginFailed, Workstation
from workstation.config import ServerSettings, Settings, SyncSettings
from workstation.paths import Paths
from workstation.sync.client import HallClient
from workstation.sync.errors import HallRefused
from workstation.sync.queue_client import QueueClient

TIMEOUT = 30
IDLE_MINUTES = 0.1  # 6 s: the idle server's limit


def _server(tmp_path_factory, demo_hall_seed, name: str, env: dict[str, str] | None = None) -> HallServer:
    folder = tmp_path_factory.mktemp(name)
    url = f"sqlite:///{folder / 'hall.sqlite3'}"
    demo_hall_seed.fill_sqlite(url)
    return HallServer(url, demo=True, home=folder / "home", env=env).start()


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_hall_seed) -> Iterator[HallServer]:
    hall = _server(tmp_path_factory, demo_hall_seed, "login-hall")
    yield hall
    hall.stop()


@pytest.fixture(scope="module")
def idle_server(tmp_path_factory, demo_hall_seed) -> Iterator[HallServer]:
    hall = _server(tmp_path_factory, demo_hall_seed, "idle-hall",
                   {"COUNTER_SESSION_IDLE_MINUTES": str(IDLE_MINUTES)})
    yield hall
    hall.stop()


def login(server: HallServer, device: str, username: str, password: str) -> requests.Response:
    return requests.post(server.api("/login"), json={"username": username, "password": password},
                         headers={"Authorization": f"Bearer {device}"}, timeout=TIMEOUT)


def device_id(server: HallServer, device: str) -> str:
    return requests.get(server.api("/me"), headers={"Authorization": f"Bearer {device}"},
                        timeout=TIMEOUT).json()["device_id"]


def lockouts(server: HallServer) -> list[tuple]:
    path = server.db_url.split(":///", 1)[1]
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT scope, subject, locked_at, locked_until, failures, unlocked_by "
                          "FROM login_lockouts ORDER BY id").fetchall()
    db.close()
    return rows


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def test_five_wrong_passwords_lock_the_account_until_a_time_said_plainly(server):
    device = server.enrol("workstation", 1)
    for n in range(4):
        answer = login(server, device, "clerk2", f"wrong-{n}")
        assert answer.status_code == 401, answer.text
        left = 4 - n
        assert answer.json()["detail"] == (f"wrong username or password ({left} more "
                                           f"{'try' if left == 1 else 'tries'} before the account is "
                                           "locked for 15 minutes)")
    fifth = login(server, device, "clerk2", "wrong-4")
    assert fifth.status_code == 429, fifth.text
    detail = fifth.json()["detail"]
    found = re.fullmatch(r"too many failed logins: this account is locked until (\d\d:\d\d) hall time "
                         r"\((\d{4}-\d\d-\d\d)\); an administrator can unlock it sooner", detail)
    assert found, detail
    assert 0 < int(fifth.headers["Retry-After"]) <= 15 * 60

    (scope, subject, locked_at, locked_until, failures, unlocked_by), = lockouts(server)
    assert (scope, subject, failures, unlocked_by) == ("account", "clerk2", 5, None)
    until = _moment(locked_until)
    assert until - _moment(locked_at) == timedelta(minutes=15)
    hall_time = until.astimezone(ZoneInfo("Asia/Shanghai"))
    assert found.groups() == (f"{hall_time:%H:%M}", f"{hall_time:%Y-%m-%d}")

    # Locked: the right password does not help, at this device or any other.
    assert login(server, device, "clerk2", DEMO_PASSWORD).status_code == 429
    assert login(server, server.enrol("workstation", 2), "clerk2", DEMO_PASSWORD).status_code == 429
    # Another account at the same device is not locked (the device has 5 of its 10).
    assert login(server, device, "clerk1", DEMO_PASSWORD).status_code == 200

    log = server.stderr()
    assert log.count("login failed for 'clerk2'") == 5
    assert re.search(r"account 'clerk2' locked until \S+ after 5 failed logins", log)
    assert "login of 'clerk2' at device" in log and "refused: account locked until" in log

    # Only an admin unlocks; then the right password logs in again.
    clerk = server.login("clerk1")
    refused = clerk.post(server.api("/admin/accounts/clerk2/unlock"), timeout=TIMEOUT)
    assert refused.status_code == 403
    admin = server.admin_session()
    lifted = admin.post(server.api("/admin/accounts/clerk2/unlock"), timeout=TIMEOUT)
    assert lifted.status_code == 200, lifted.text
    assert lifted.json() == {"subject": "clerk2", "lockouts_lifted": 1, "failures_forgotten": 0}
    assert lockouts(server)[0][5] == "admin"
    assert "account 'clerk2' unlocked by admin" in server.stderr()
    assert login(server, device, "clerk2", DEMO_PASSWORD).status_code == 200


def test_a_good_login_starts_the_count_again(server):
    device = server.enrol("workstation", 3)
    for round_ in range(2):
        for n in range(4):
            assert login(server, device, "clerk3", f"wrong-{round_}-{n}").status_code == 401
        assert login(server, device, "clerk3", DEMO_PASSWORD).status_code == 200
    answer = login(server, device, "clerk3", "wrong-again")
    assert answer.status_code == 401 and "(4 more tries" in answer.json()["detail"]


def test_an_unknown_name_is_counted_and_locked_like_a_real_one(server):
    device = server.enrol("workstation", 4)
    answers = [login(server, device, "no-such-clerk", "guess") for _ in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    # The same words as for a real account: the answer does not tell which names exist.
    assert answers[0].json() == login(server, server.enrol("workstation", 5), "clerk4", "wrong").json()


def test_ten_failures_at_one_device_lock_the_device(server):
    device = server.enrol("workstation", 6)
    me = device_id(server, device)
    answers = [login(server, device, f"guess{n}", "guess") for n in range(10)]
    assert [a.status_code for a in answers] == [401] * 9 + [429]
    assert "logging in at this device is locked until" in answers[-1].json()["detail"]
    # Locked: nobody logs in at this device, while the same people can at another.
    assert login(server, device, "clerk5", DEMO_PASSWORD).status_code == 429
    assert login(server, server.enrol("workstation", 7), "clerk5", DEMO_PASSWORD).status_code == 200
    assert re.search(rf"device '{me}' locked until \S+ after 10 failed logins", server.stderr())

    # IT unlocks it with the admin command.
    result = server.run_cli("unlock", "--device", me)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"device {me}: 1 lockouts lifted, 0 failed logins forgotten"
    assert login(server, device, "clerk5", DEMO_PASSWORD).status_code == 200
    answer = login(server, device, "guess-after", "guess")
    assert answer.status_code == 401  # the device's count starts again


def test_the_unlock_command_lifts_an_account_lockout(server):
    device = server.enrol("workstation", 8)
    for n in range(5):
        login(server, device, "clerk6", f"wrong-{n}")
    assert login(server, device, "clerk6", DEMO_PASSWORD).status_code == 429
    result = server.run_cli("unlock", "--account", "clerk6")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "account clerk6: 1 lockouts lifted, 0 failed logins forgotten"
    assert login(server, device, "clerk6", DEMO_PASSWORD).status_code == 200
    refused = server.run_cli("unlock")
    assert refused.returncode != 0 and "--account" in refused.stderr


def test_a_session_unused_for_the_idle_limit_ends_saying_so(idle_server):
    server = idle_server
    session = server.login("clerk1")
    assert session.get(server.api("/me"), timeout=TIMEOUT).status_code == 200
    # In use (every half second for twice the limit), it stays.
    started = time.monotonic()
    while time.monotonic() - started < 2 * IDLE_MINUTES * 60:
        answer = session.get(server.api("/me"), timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text
        time.sleep(0.5)
    # Unused for longer than the limit, it has ended.
    time.sleep(IDLE_MINUTES * 60 + 2)
    answer = session.get(server.api("/me"), timeout=TIMEOUT)
    assert answer.status_code == 401
    assert answer.json()["detail"] == "session expired: unused for 0.1 minutes; log in again"
    assert answer.headers["X-Session-Ended"] == "idle"
    # The device's own token does not expire; the person logs in again.
    assert server.login("clerk1").get(server.api("/me"), timeout=TIMEOUT).status_code == 200


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_the_workstation_hears_that_its_session_expired(idle_server, tmp_path, memory_keyring):
    server = idle_server
    workstation = Workstation(Settings(server=ServerSettings(url=server.url, timeout=10.0),
                                       sync=SyncSettings(max_backoff=0.5, poll_interval=1.0)),
                              Paths(tmp_path / "config", tmp_path / "data", tmp_path / "logs"))
    ended: list[HallRefused] = []
    workstation.hub.subscribe(SESSION_ENDED, ended.append)
    try:
        workstation.connect()
        workstation.enrol(server.new_code("workstation", 9))
        workstation.login("clerk1", DEMO_PASSWORD)
        token = workstation.credentials.session_token()
        assert token
        client = QueueClient(server.url, token, 10.0)  # any client with the session token
        client.me()
        time.sleep(IDLE_MINUTES * 60 + 2)
        with pytest.raises(HallRefused) as refused:
            client.me()
        client.close()
        assert refused.value.status == 401 and refused.value.session_idle
        wait_for(lambda: ended, "the workstation is told the session ended")
        assert len(ended) == 1 and ended[0].session_idle

        # A device-token call refused is not a person's session ending.
        other = HallClient(server.url, "dev_not-a-token", 10.0)
        with pytest.raises(HallRefused):
            other.me()
        other.close()
        assert len(ended) == 1
    finally:
        workstation.shutdown()


def test_lockout_and_unlock_on_each_database(hall_server):
    """The same counting, locking and unlocking on SQLite and PostgreSQL."""
    device = hall_server.enrol("workstation", 1)
    codes = [login(hall_server, device, "clerk1", f"wrong-{n}").status_code for n in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    assert login(hall_server, device, "clerk1", DEMO_PASSWORD).status_code == 429
    admin = hall_server.admin_session()
    lifted = admin.post(hall_server.api("/admin/accounts/clerk1/unlock"), timeout=TIMEOUT)
    assert lifted.json() == {"subject": "clerk1", "lockouts_lifted": 1, "failures_forgotten": 0}
    again = admin.post(hall_server.api("/admin/accounts/clerk1/unlock"), timeout=TIMEOUT)
    assert again.json() == {"subject": "clerk1", "lockouts_lifted": 0, "failures_forgotten": 0}
    assert login(hall_server, device, "clerk1", DEMO_PASSWORD).status_code == 200
    lifted = admin.post(hall_server.api(f"/admin/devices/{device_id(hall_server, device)}/unlock"),
                        timeout=TIMEOUT)
    assert lifted.status_code == 200 and lifted.json()["lockouts_lifted"] == 0


def test_imported_accounts_must_have_strong_passwords(server, tmp_path):
    weak = [
        {"username": "clerk21", "display_name": "李明", "role": "clerk", "password": "short1A"},
        {"username": "clerk22", "display_name": "王芳", "role": "clerk", "password": "alllowercaseletters"},
        {"username": "clerk23", "display_name": "赵强", "role": "clerk", "password": "Clerk23-is-me"},
        {"username": "clerk24", "display_name": "钱丽", "role": "clerk", "password": "Good-Pass-2026"},
    ]
    file = tmp_path / "accounts.json"
    file.write_text(json.dumps(weak, ensure_ascii=False), encoding="utf-8")
    refused = server.run_cli("import-accounts", str(file))
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[1:] == [
        f"{file}[0] (clerk21): a password needs at least 10 characters",
        f"{file}[1] (clerk22): a password needs three of these: small letters, capital letters, digits, "
        "other characters",
        f"{file}[2] (clerk23): a password must not contain the username"]
    assert "short1A" not in refused.stderr and "Good-Pass-2026" not in refused.stderr
    device = server.enrol("workstation", 1)
    assert login(server, device, "clerk24", "Good-Pass-2026").status_code == 401  # nothing was added

    file.write_text(json.dumps(weak[3:], ensure_ascii=False), encoding="utf-8")
    added = server.run_cli("import-accounts", str(file))
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "1 accounts added"
    assert login(server, device, "clerk24", "Good-Pass-2026").status_code == 200
    again = server.run_cli("import-accounts", str(file))
    assert again.stdout.strip() == "0 accounts added"  # an existing account is left as it is


def test_an_admin_resets_a_password_ending_its_sessions_and_lockout(server):
    device = server.enrol("workstation", 1)
    clerk = server.login("clerk4")
    assert clerk.get(server.api("/me"), timeout=TIMEOUT).status_code == 200
    for n in range(5):
        login(server, device, "clerk4", f"wrong-{n}")
    assert login(server, device, "clerk4", DEMO_PASSWORD).status_code == 429

    admin = server.admin_session()
    weak = admin.post(server.api("/admin/accounts/clerk4/password"), json={"password": "demo2026"},
                      timeout=TIMEOUT)
    assert weak.status_code == 422 and weak.json()["detail"] == "a password needs at least 10 characters"
    unknown = admin.post(server.api("/admin/accounts/nobody/password"), json={"password": "New-Pass-2026"},
                         timeout=TIMEOUT)
    assert unknown.status_code == 404
    assert clerk.post(server.api("/admin/accounts/clerk4/password"), json={"password": "New-Pass-2026"},
                      timeout=TIMEOUT).status_code == 403

    reset = admin.post(server.api("/admin/accounts/clerk4/password"), json={"password": "New-Pass-2026"},
                       timeout=TIMEOUT)
    assert reset.status_code == 200, reset.text
    assert reset.json() == {"username": "clerk4", "sessions_ended": 1}
    assert clerk.get(server.api("/me"), timeout=TIMEOUT).status_code == 401  # at once, not after the cache
    assert login(server, device, "clerk4", DEMO_PASSWORD).status_code == 401
    assert login(server, device, "clerk4", "New-Pass-2026").status_code == 200
    assert "password of 'clerk4' reset by admin (1 sessions ended)" in server.stderr()


def test_the_reset_password_command_reads_the_password_from_standard_input(server, tmp_path):
    file = tmp_path / "accounts.json"
    file.write_text(json.dumps([{"username": "clerk31", "display_name": "孙红", "role": "clerk",
                                 "password": "First-Pass-31!"}], ensure_ascii=False), encoding="utf-8")
    assert server.run_cli("import-accounts", str(file)).returncode == 0

    def run(password: str):
        return subprocess.run(server.command("reset-password", "clerk31"), cwd=REPO, env=server.env(),
                              input=password + "\n", capture_output=True, text=True, timeout=60)

    weak = run("weakweak")
    assert weak.returncode == 2 and "refused, nothing was changed: a password needs" in weak.stderr
    done = run("Another-Pass-77")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "password of clerk31 changed; 0 sessions ended"
    device = server.enrol("workstation", 1)
    assert login(server, device, "clerk31", "First-Pass-31!").status_code == 401
    assert login(server, device, "clerk31", "Another-Pass-77").status_code == 200


def test_offline_logins_are_limited_at_the_pc_too(tmp_path, demo_hall_seed, memory_keyring):
    """While the hall is unreachable the workstation checks the password it cached; the
    hall cannot count those failures, so the PC does: five lock offline logins there."""
    url = f"sqlite:///{tmp_path / 'hall.sqlite3'}"
    demo_hall_seed.fill_sqlite(url)
    server = HallServer(url, demo=True, home=tmp_path / "home").start()
    workstation = Workstation(Settings(server=ServerSettings(url=server.url, timeout=5.0),
                                       sync=SyncSettings(max_backoff=0.5, poll_interval=1.0)),
                              Paths(tmp_path / "config", tmp_path / "data", tmp_path / "logs"))
    try:
        workstation.connect()
        workstation.enrol(server.new_code("workstation", 1))
        workstation.login("clerk1", DEMO_PASSWORD)  # online: the hash is cached here
        workstation.logout()
        server.stop()
        for n in range(5):
            with pytest.raises(LoginFailed) as failed:
                workstation.login("clerk1", f"wrong-{n}")
            assert failed.value.locked_for is None
        with pytest.raises(LoginFailed) as locked:
            workstation.login("clerk1", DEMO_PASSWORD)
        assert 0 < locked.value.locked_for <= 15 * 60
        assert "too many failed logins at this PC" in str(locked.value)
    finally:
        workstation.shutdown()
        server.stop()
