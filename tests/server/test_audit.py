"""The server's own audit trail (server.audit) over real HTTP against a real server process,
on SQLite and PostgreSQL: admin and supervisor actions, reveals and exports leave entries
of one unbroken hash chain; the table refuses UPDATE and DELETE; an entry changed behind
the triggers' back is found by the verify endpoint and the CLI."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import create_engine, pool, text
from sqlalchemy.exc import DBAPIError

from server import audit
from tests.support.audit_chain import device_id, upload, workstation_chain
from tests.support.hall_server import HallServer
from workstation.domain.audit import GENESIS, head_after, seal

TIMEOUT = 30
ID_NUMBER = "110101199003071233"


def entries(admin, **params) -> list[dict]:
    """Every entry, oldest first, paging through the API."""
    found, before = [], None
    while True:
        query = {**params, "limit": 50, **({"before": before} if before else {})}
        page = admin.get(_api(admin, "/audit"), params=query, timeout=TIMEOUT)
        assert page.status_code == 200, page.text
        body = page.json()
        found.extend(body["entries"])
        before = body["next_before"]
        if before is None:
            return list(reversed(found))


def _api(session, path: str) -> str:
    return session.hall.api(path)


def sessions(server: HallServer):
    admin, supervisor = server.admin_session(), server.login("supervisor")
    admin.hall = supervisor.hall = server
    return admin, supervisor


def assert_chained(rows: list[dict]) -> None:
    previous = GENESIS
    for number, row in enumerate(rows, start=1):
        assert row["id"] == number
        assert row["prev_hash"] == previous
        assert audit.entry_hash(row) == row["hash"]
        previous = row["hash"]


def test_actions_reveals_and_exports_leave_one_chain(hall_server):
    admin, supervisor = sessions(hall_server)
    code = admin.post(hall_server.api("/admin/enrolment-codes"), json={"kind": "kiosk", "window": None},
                      timeout=TIMEOUT)
    assert code.status_code == 200, code.text
    unlocked = admin.post(hall_server.api("/admin/accounts/clerk2/unlock"), timeout=TIMEOUT)
    assert unlocked.status_code == 200, unlocked.text
    export = supervisor.get(hall_server.api("/monitoring/statistics/export"),
                            params={"from": "2026-01-01", "to": "2026-01-31", "format": "xlsx"}, timeout=TIMEOUT)
    assert export.status_code == 200, export.text
    ratings = supervisor.get(hall_server.api("/ratings/export"),
                             params={"from": "2026-01-01", "to": "2026-01-31", "format": "csv"}, timeout=TIMEOUT)
    assert ratings.status_code == 200, ratings.text
    assert supervisor.get(hall_server.api("/records"), timeout=TIMEOUT).status_code == 200
    searched = supervisor.post(hall_server.api("/cases/search"), json={"id_number": ID_NUMBER}, timeout=TIMEOUT)
    assert searched.status_code == 200, searched.text
    wrong = hall_server.session(hall_server.device_token()).post(
        hall_server.api("/login"), json={"username": "clerk3", "password": "not the password"}, timeout=TIMEOUT)
    assert wrong.status_code == 401
    # A supervisor's change no handler audits itself: noted by the middleware.
    assert supervisor.post(hall_server.api("/logout"), timeout=TIMEOUT).status_code == 204

    rows = entries(admin)
    assert_chained(rows)
    by_action = {}
    for row in rows:
        by_action.setdefault(row["action"], []).append(row)
    (made,) = by_action["admin.enrolment_code"]
    assert (made["actor"], made["role"], made["details"]) == ("admin", "admin", {"kind": "kiosk", "window": None, "hall": "main"})
    assert code.json()["code"] not in json.dumps(rows)
    (lifted,) = by_action["admin.unlock_account"]
    assert lifted["object"] == "clerk2"
    (stats,) = by_action["export.statistics"]
    assert (stats["actor"], stats["role"], stats["details"]["format"]) == ("supervisor", "supervisor", "xlsx")
    assert stats["object"] == "statistics-2026-01-01-2026-01-31.xlsx"
    assert by_action["export.ratings"][0]["details"]["rows"] == 0
    assert by_action["reveal.records"][0]["actor"] == "supervisor"
    (lookup,) = by_action["lookup.cases_by_id"]
    assert lookup["details"]["id_masked"] == "110101********1233"
    assert ID_NUMBER not in json.dumps(rows), "a raw ID number in the audit trail"
    (failed,) = by_action["login.failed"]
    assert failed["object"] == "clerk3"
    (logout,) = by_action["supervisor.request"]
    assert (logout["object"], logout["details"]["status"]) == ("POST /logout", 204)
    assert {"admin", "supervisor"} <= {r["object"] for r in by_action["login"]}
    # No GET by itself is a change: nothing was noted for reading the trail.
    assert not any(r["object"] and r["object"].startswith("GET") for r in rows)

    only = entries(admin, action="export.")
    assert {r["action"] for r in only} == {"export.statistics", "export.ratings"}

    verdict = admin.get(hall_server.api("/audit/verify"), timeout=TIMEOUT).json()
    # Reading the trail is no change, so nothing was added since.
    assert (verdict["ok"], verdict["checked"], verdict["first_break"]) == (True, len(rows), None)
    assert hall_server.run_cli("audit", "verify").returncode == 0


def test_the_trail_refuses_update_and_delete(hall_server):
    admin, _ = sessions(hall_server)
    admin.post(hall_server.api("/admin/accounts/clerk2/unlock"), timeout=TIMEOUT)
    engine = create_engine(hall_server.db_url, poolclass=pool.NullPool)
    try:
        for statement in ("UPDATE server_audit SET actor = 'nobody'",
                          "DELETE FROM server_audit",
                          "UPDATE server_audit SET details = '{}' WHERE id = 1"):
            with pytest.raises(DBAPIError, match="append-only|kept 180 days"), engine.begin() as conn:
                conn.execute(text(statement))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM server_audit")).scalar_one() >= 2
    finally:
        engine.dispose()


def _drop_triggers(conn, dialect: str) -> None:
    if dialect == "postgresql":
        conn.execute(text("DROP TRIGGER server_audit_append_only ON server_audit"))
    else:
        conn.execute(text("DROP TRIGGER server_audit_no_update"))
        conn.execute(text("DROP TRIGGER server_audit_keep"))


@pytest.mark.parametrize("tampering", ["changed", "removed"])
def test_verify_finds_an_entry_changed_behind_the_triggers(hall_server, tampering):
    admin, supervisor = sessions(hall_server)
    for account in ("clerk2", "clerk3", "clerk4"):
        assert admin.post(hall_server.api(f"/admin/accounts/{account}/unlock"), timeout=TIMEOUT).status_code == 200
    rows = entries(admin)
    target = next(r for r in rows if r["action"] == "admin.unlock_account" and r["object"] == "clerk3")
    assert admin.get(hall_server.api("/audit/verify"), timeout=TIMEOUT).json()["ok"]

    engine = create_engine(hall_server.db_url, poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            _drop_triggers(conn, engine.dialect.name)
            if tampering == "changed":
                conn.execute(text("UPDATE server_audit SET object = 'clerk9' WHERE id = :id"), {"id": target["id"]})
            else:
                conn.execute(text("DELETE FROM server_audit WHERE id = :id"), {"id": target["id"]})
    finally:
        engine.dispose()

    verdict = admin.get(hall_server.api("/audit/verify"), timeout=TIMEOUT).json()
    assert not verdict["ok"]
    assert verdict["first_break"]["kind"] == ("altered" if tampering == "changed" else "missing")
    assert verdict["first_break"]["id"] == target["id"] + (0 if tampering == "changed" else 1)
    cli = hall_server.run_cli("audit", "verify")
    assert cli.returncode == 1, cli.stdout + cli.stderr
    assert f"#{verdict['first_break']['id']}" in cli.stderr


def test_only_admins_read_the_trail(hall_server):
    _, supervisor = sessions(hall_server)
    assert supervisor.get(hall_server.api("/audit"), timeout=TIMEOUT).status_code == 403
    assert supervisor.get(hall_server.api("/audit/verify"), timeout=TIMEOUT).status_code == 403


@pytest.mark.postgres
def test_two_processes_appending_at_once_keep_one_chain(pg, tmp_path, demo_hall_seed, request):
    """Admins' actions through two server processes on one PostgreSQL, many at a time:
    every entry is in one chain, none forked, none lost."""
    url = pg.create_database(request.node.name)
    demo_hall_seed.fill_postgres(pg, url)
    with HallServer(url, demo=True, home=tmp_path / "home", workers=2) as server:
        admins = [server.admin_session() for _ in range(4)]
        processes: set[str] = set()
        failures: list[str] = []
        per_thread = 15

        def act(admin, n):
            for i in range(per_thread):
                answer = admin.post(server.api(f"/admin/accounts/clerk{(n + i) % 6 + 1}/unlock"), timeout=TIMEOUT)
                if answer.status_code != 200:
                    failures.append(answer.text)
                events = admin.get(server.api("/events"), stream=True, timeout=TIMEOUT)
                processes.add(events.headers.get("X-Server-Process", ""))
                events.close()

        threads = [threading.Thread(target=act, args=(admin, n)) for n, admin in enumerate(admins * 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures
        assert len(processes) == 2, "both server processes served"
        admin = admins[0]
        admin.hall = server
        rows = entries(admin)
        assert_chained(rows)
        assert len([r for r in rows if r["action"] == "admin.unlock_account"]) == per_thread * len(threads)
        assert admin.get(server.api("/audit/verify"), timeout=TIMEOUT).json()["ok"]
    pg.drop_database(pg.database_of(url))


# -- the workstations' chains, verified on arrival ---------------------------------------------


@pytest.mark.parametrize("damage", ["intact", "removed", "altered", "relinked"])
def test_a_workstation_chain_is_verified_as_it_arrives(hall_server, damage):
    admin, supervisor = sessions(hall_server)
    token = hall_server.enrol("workstation", 3)
    device = device_id(hall_server, token)
    records = workstation_chain(device, 6)
    if damage == "removed":
        del records[2]  # #3 never reaches the hall
    elif damage == "altered":
        records[2]["payload"]["id_masked"] = "110101********9999"  # its hash no longer matches
    elif damage == "relinked":
        # #3 replaced by one sealed anew after #2 with other content: its own hash is right,
        # but #4 links to the #3 that was.
        records[2]["payload"] = seal({"event": "card_read", "n": 33}, head_after(records[1]["payload"]))
    upload(hall_server, token, records[:3])
    upload(hall_server, token, records[3:])

    open_alerts = supervisor.get(hall_server.api("/monitoring/audit-alerts"), timeout=TIMEOUT)
    assert open_alerts.status_code == 200, open_alerts.text
    alerts = open_alerts.json()
    if damage == "intact":
        assert alerts == []
        return
    assert len(alerts) == 1, alerts
    (alert,) = alerts
    expected = {"removed": ("missing", 4), "altered": ("altered", 3), "relinked": ("forked", 4)}[damage]
    assert (alert["kind"], alert["seq"], alert["device_id"], alert["window"]) == (*expected, device, 3)
    # Nothing lost: every record that came is stored.
    stored = supervisor.get(hall_server.api("/records"), params={"kind": "audit.card_read"}, timeout=TIMEOUT).json()
    assert len(stored["records"]) == len(records)

    done = supervisor.post(hall_server.api(f"/monitoring/audit-alerts/{alert['id']}/acknowledge"), timeout=TIMEOUT)
    assert done.status_code == 200, done.text
    assert done.json()["acknowledged_by"] == "supervisor"
    again = supervisor.post(hall_server.api(f"/monitoring/audit-alerts/{alert['id']}/acknowledge"), timeout=TIMEOUT)
    assert again.status_code == 409
    assert supervisor.get(hall_server.api("/monitoring/audit-alerts"), timeout=TIMEOUT).json() == []
    every = supervisor.get(hall_server.api("/monitoring/audit-alerts"), params={"open": "false"}, timeout=TIMEOUT)
    assert [a["id"] for a in every.json()] == [alert["id"]]
    (acknowledged,) = entries(admin, action="supervisor.audit_alert_acknowledge")
    assert acknowledged["object"] == f"alert:{alert['id']}"
