"""A workstation the admin revoked (a stolen PC), against a real hall server process on
SQLite and PostgreSQL: its sync engine stops (no retries), its outbox stays as it was,
its status says it was revoked, and after a restart nothing is sent and nobody logs in,
not even offline."""

from __future__ import annotations

import pytest
import requests

from tests.support.hall_server import DEMO_PASSWORD
from workstation.app.workstation import LoginFailed, Stage
from workstation.sync.engine import REVOKED_STATE
from workstation.sync.errors import HallRefused

TIMEOUT = 30
REASON = "被盗 stolen"


def _device_id(server, token: str) -> str:
    return requests.get(server.api("/me"), headers={"Authorization": f"Bearer {token}"},
                        timeout=TIMEOUT).json()["device_id"]


def _revoke(server, admin, device_id: str) -> None:
    answer = admin.post(server.api(f"/devices/{device_id}/revoke"), json={"reason": REASON}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text


def _kept(server, admin, device_id: str) -> list[dict]:
    answer = admin.get(server.api("/quarantine"), params={"device_id": device_id}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_engine_stops_and_keeps_its_outbox(hall_server, store, make_engine, make_client, wait):
    token = hall_server.enrol("workstation", 3)
    device_id = _device_id(hall_server, token)
    admin = hall_server.admin_session()
    engine = make_engine(hall_server, store, token=token)
    store.add_record("test.revoke", {"n": 0})
    wait(lambda: store.pending_count() == 0 and engine.status().stream, "the first record is uploaded")

    _revoke(hall_server, admin, device_id)
    saved = [store.add_record("test.revoke", {"n": n, "事项": "户籍迁移"}) for n in range(1, 4)]
    status = wait(lambda: engine.status().revoked and engine.status(), "the engine says the PC was revoked")
    assert "此设备已被管理员停用" in status.revoked and REASON in status.revoked
    assert not status.stream
    wait(lambda: not any(t.is_alive() for t in engine._threads), "both sync threads end")

    # Nothing deleted, nothing marked: the three records wait as they were.
    assert store.pending_count() == 3
    assert [store.outbox_state(r.uuid)[0] for r in saved] == [store.outbox_state(saved[0].uuid)[0]] * 3
    assert store.get_state(REVOKED_STATE) == status.revoked
    # At most the one upload that met the revocation was sent (and kept): no retries.
    before = _kept(hall_server, admin, device_id)
    assert len(before) <= 1 and all(k["attempts"] == 1 for k in before), before
    store.add_record("test.revoke", {"n": 4})
    engine.request_pull()
    assert store.pending_count() == 4 and engine.status().revoked
    assert _kept(hall_server, admin, device_id) == before

    # Started again on the same store: nothing is sent at all.
    again = make_engine(hall_server, store, token=token)
    assert again.status().revoked == status.revoked and not again._threads
    assert _kept(hall_server, admin, device_id) == before

    # What the hall answers an upload of it, as such: refused as revoked, and kept.
    with pytest.raises(HallRefused) as refused:
        make_client(hall_server, token).upload(store.next_batch(10))
    assert refused.value.device_revoked and refused.value.status == 403
    assert "上传的数据已留存在服务器待审核" in refused.value.detail
    assert len(_kept(hall_server, admin, device_id)) == len(before) + 1


def test_a_revoked_workstation_says_so_and_nobody_logs_in_after_a_restart(hall_server, make_workstation, wait):
    workstation = make_workstation(hall_server)
    workstation.connect()
    device = workstation.enrol(hall_server.new_code("workstation", 3))
    assert workstation.login("clerk3", DEMO_PASSWORD).online
    workstation.record("test.revoke", {"clerk": "clerk3"})
    wait(lambda: workstation.status().pending == 0, "the record is uploaded")
    admin = hall_server.admin_session()
    _revoke(hall_server, admin, device.device_id)
    wait(lambda: workstation.status().revoked, "the workstation learns it was revoked")
    workstation.record("test.revoke", {"clerk": "clerk3", "n": 2})  # the clerk's work is still saved here
    with pytest.raises(LoginFailed) as refused:
        workstation.login("clerk3", DEMO_PASSWORD)
    assert refused.value.revoked and "此设备已被管理员停用" in str(refused.value)
    workstation.shutdown()

    again = make_workstation(hall_server)
    connection = again.connect()
    assert connection.stage is Stage.READY and connection.revoked and REASON in connection.revoked
    assert again.status().revoked and again.status().pending == 1
    # The hall out of reach (the PC taken away): still nobody logs in, not even with the
    # credential cached at clerk3's last login here.
    hall_server.stop()
    with pytest.raises(LoginFailed) as offline:
        again.login("clerk3", DEMO_PASSWORD)
    assert offline.value.revoked
