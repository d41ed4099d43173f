"""材料复用 on the hall server, over real HTTP, on SQLite and PostgreSQL: cases saved by the
workstation's own GuideDesk with and without the applicant's consent, uploaded through the
outbox; the hall keeps the consented materials by the keyed ID hash only, answers each
applicant's own and nobody else's, lets a later receipt replace an earlier one (and not
the other way round), and keeps nothing without consent."""

from __future__ import annotations

import json
from datetime import date

import keyring
import pytest
import sqlalchemy as sa

from tests.server.test_audit import entries
from tests.support.hall_server import HallServer
from tests.support.keyring_backend import MemoryKeyring
from tests.ui.rating_fixtures import CaseMaker, demo_item, hall_time
from workstation.app.guide import Person
from workstation.app.held import Consent
from workstation.domain.checklist import held_until
from workstation.store.local import LocalStore

TIMEOUT = 30
LI = Person("李明", id_number="11010519491231002X")
WANG = Person("王芳", id_number="110101199003071233")
ZHAO = Person("赵强", id_number="110105198001010015")
UNEMPLOYMENT = "失业保险金申领"  # 本人银行结算账户信息 (a copy), 终止或者解除劳动关系的证明, a form, the ID card
MATERNITY = "生育津贴申领"  # 本人银行结算账户信息 again, when the applicant applies in person
CHOSEN = {MATERNITY: {"person", "birth"}}


def _case(maker: CaseMaker, item_name: str, applicant: Person, at, consent: bool | None):
    return maker.case(item_name, at=at, applicant=applicant, chosen=CHOSEN.get(item_name),
                      consent=None if consent is None else Consent(consent, at))


def _held(server: HallServer, session, person: Person) -> list[dict]:
    answer = session.post(server.api("/held-materials/search"), json={"id_number": person.id_number},
                          timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _rows(db_url: str) -> list[dict]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(sa.text("SELECT * FROM held_materials"))]
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def memory_keyring():
    """The windows' store keys in memory, whatever other test modules loaded as backends."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def makers(hall_server, tmp_path):
    stores = [LocalStore(tmp_path / f"window-{n}.sqlite3") for n in (1, 2)]
    made = [CaseMaker(hall_server, store, hall_server.enrol("workstation", n)) for n, store in zip((1, 2), stores, strict=True)]
    yield made
    for store in stores:
        store.close()


def test_consented_materials_are_kept_by_hash_for_their_applicant_only(hall_server, makers, db_url):
    one, two = makers
    first = _case(one, UNEMPLOYMENT, LI, hall_time(2026, 10, 12), consent=True)
    _case(one, UNEMPLOYMENT, WANG, hall_time(2026, 10, 12, 11), consent=True)
    refused = _case(one, UNEMPLOYMENT, ZHAO, hall_time(2026, 10, 12, 14), consent=False)
    one.upload()
    clerk = hall_server.login("clerk1", device_token=one.token)

    held = _held(hall_server, clerk, LI)
    item = demo_item(UNEMPLOYMENT)
    bank = next(m for m in item.materials if m.id == "bank_account")
    assert {h["material_id"] for h in held} == {"bank_account", "termination_proof"}  # not the form, not the ID card
    row = next(h for h in held if h["material_id"] == "bank_account")
    assert row == {"material_name": bank.name, "material_id": "bank_account", "item_name": UNEMPLOYMENT,
                   "case_number": first.case_number, "received_on": "2026-10-12",
                   "valid_until": held_until(bank, date(2026, 10, 12)).isoformat()}
    assert row["valid_until"] == "2027-10-11"
    # Each applicant sees their own; the one who said no has nothing kept at all.
    assert {h["case_number"] for h in _held(hall_server, clerk, WANG)} != {first.case_number}
    assert all(h["case_number"] != first.case_number for h in _held(hall_server, clerk, WANG))
    assert _held(hall_server, clerk, ZHAO) == []
    assert refused.payload["consent"]["given"] is False
    assert not any("kept_until" in m for m in refused.payload["materials"])
    # The hall keeps the keyed hash, never the number.
    rows = _rows(db_url)
    assert len(rows) == 4 and len({r["applicant_id_hash"] for r in rows}) == 2
    assert not any(p.id_number in str(r.values()) for r in rows for p in (LI, WANG, ZHAO))
    assert {r["case_number"] for r in rows} <= {first.case_number, *[
        h["case_number"] for h in _held(hall_server, clerk, WANG)]}

    # A later receipt at window 2 replaces the earlier one; window 1's older case uploaded
    # after it does not.
    later = _case(two, MATERNITY, LI, hall_time(2026, 11, 20), consent=True)
    two.upload()
    _case(one, MATERNITY, LI, hall_time(2026, 10, 1), consent=True)
    one.upload()
    bank_row = next(h for h in _held(hall_server, clerk, LI) if h["material_name"] == bank.name)
    assert bank_row["case_number"] == later.case_number and bank_row["received_on"] == "2026-11-20"
    assert bank_row["item_name"] == MATERNITY


def test_only_the_clerk_asks_and_a_strange_number_finds_nothing(hall_server, makers):
    one, _two = makers
    _case(one, UNEMPLOYMENT, LI, hall_time(2026, 10, 12), consent=True)
    one.upload()
    for username in ("supervisor", "admin"):
        session = hall_server.login(username, device_token=one.token)
        assert session.post(hall_server.api("/held-materials/search"), json={"id_number": LI.id_number},
                            timeout=TIMEOUT).status_code == 403
    clerk = hall_server.login("clerk1", device_token=one.token)
    # the number as typed (a small x) is the same applicant; another document number finds nothing
    assert len(_held(hall_server, clerk, Person("李明", id_number=LI.id_number.lower()))) == 2
    assert _held(hall_server, clerk, Person("X", id_number="E12345678")) == []
    bad = clerk.post(hall_server.api("/held-materials/search"), json={"id_number": "\x00"}, timeout=TIMEOUT)
    assert bad.status_code == 422
    # Each look-up is in the server's audit trail: masked number and keyed hash, never the number.
    admin = hall_server.login("admin", device_token=one.token)
    admin.hall = hall_server  # how test_audit's pager finds the server
    rows = entries(admin, action="lookup.held_materials")
    assert len(rows) == 2 and rows[0]["actor"] == "clerk1" and rows[0]["details"]["id_masked"].upper() == "110105********002X"
    assert LI.id_number not in json.dumps(rows)
