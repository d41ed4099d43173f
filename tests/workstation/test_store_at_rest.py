"""#14, personal data at rest on the workstation: what the local store holds about
applicants is encrypted under a key kept in the OS keyring (the file read raw shows no ID
number, name or phone), and it is purged some days after the hall confirmed it, never
before; what stays keeps the window's look-ups and the outbox's guarantees working."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from server.records import content_hash
from tests.support.waiting import wait_for
from workstation.app.card_reading import AUDIT_CARD_READ, AUDIT_DOCUMENT_PRINT, AuditTrail
from workstation.app.cases import CaseDesk, OnlyAtHall
from workstation.app.documents import DocumentDesk, HallSeal
from workstation.app.guide import CASE_KIND, GuideDesk, GuideSnapshot, Person
from workstation.app.rating import AlreadyRated, RatingDesk
from workstation.clock import now as hall_now
from workstation.domain.checklist import Decision, MaterialCheck, decide, evaluate
from workstation.domain.rating import Level, RatingAnswer
from workstation.domain.search import CatalogueIndex
from workstation.domain.workdays import WorkCalendar
from workstation.protocol.catalogue import ServiceItem
from workstation.store.errors import StoreKeyUnavailable
from workstation.store.local import LocalStore
from workstation.store.purge import Purger
from workstation.sync.errors import HallUnreachable

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo_hall"
ID_NUMBER = "11010519491231002X"
NAME = "欧阳娜娜"
PHONE = "13912345678"
HALL = {"name": "演示区政务服务中心", "check_url": ""}


def traces(path: Path) -> list[str]:
    """Which of the applicant's ID number, name and phone the store's files show, in any
    encoding a reader of the raw bytes would try."""
    data = b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal")
                    if Path(f"{path}{suffix}").exists())
    forms = {"id number": [ID_NUMBER.encode()], "phone": [PHONE.encode()],
             "name": [NAME.encode(), NAME.encode("utf-16-le"), NAME.encode("gb18030"),
                      json.dumps(NAME).strip('"').encode()]}
    return [what for what, encodings in forms.items() if any(e in data for e in encodings)]


class Counter:
    """One window's core as the clerk's screen drives it: a case accepted, its card read
    audited, its receipt issued (signed) and printed, its rating."""

    def __init__(self, store: LocalStore) -> None:
        items = [ServiceItem.model_validate(v)
                 for v in json.loads((DEMO / "catalogue.json").read_text(encoding="utf-8"))]
        self.item = next(i for i in items if i.name == "个体工商户设立登记")
        self.snapshot = GuideSnapshot(0, CatalogueIndex.build([self.item]), WorkCalendar.official(), "110105",
                                      HALL["name"])
        self.store = store
        self.guide, self.ratings = GuideDesk(store), RatingDesk(store)
        self.audit = AuditTrail(store, "device-1")
        self.documents = DocumentDesk(store, lambda: HALL, HallSeal(None, "no seal here"), self.audit)

    def serve(self, n: int = 1):
        checks = [MaterialCheck.received(m, originals=1) for m in ("application", "operator_id")]
        checks.append(MaterialCheck.received("premises_proof", copies=1))
        evaluation = evaluate(self.item, {"individual", "self"}, checks)
        self.audit.append(AUDIT_CARD_READ, {"event": "card_read", "at": hall_now().isoformat(),
                                            "id_number": ID_NUMBER, "name": NAME})
        case = self.guide.save_case(self.snapshot, self.item, evaluation, decide(evaluation, Decision.ACCEPT),
                                    Person(NAME, id_number=ID_NUMBER, phone=PHONE), None,
                                    {"username": "clerk1", "name": "张伟"}, 1, "device-1", applied_at=hall_now())
        issued = self.documents.issue(self.documents.prepare(case), None)
        self.documents.printed(issued, "clerk1", 1, "test printer")
        self.ratings.rate(case, RatingAnswer(Level.SATISFIED))
        return case, issued


def upload_all(store: LocalStore, at: datetime | None = None) -> None:
    """What the uploader does once the hall confirms everything pending."""
    store.acknowledge([r.uuid for r in store.next_batch(10_000)])


class NoKeyring:
    """The OS offers no keyring (keyring's fail backend) while inside."""

    def __enter__(self):
        self.previous = keyring.get_keyring()
        keyring.set_keyring(keyring.backends.fail.Keyring())

    def __exit__(self, *exc):
        keyring.set_keyring(self.previous)


# ---------------------------------------------------------------------------------------
# Encryption
# ---------------------------------------------------------------------------------------


def test_the_file_read_raw_shows_no_id_number_name_or_phone(tmp_path, memory_keyring):
    path = tmp_path / "workstation.sqlite3"
    store = LocalStore(path)
    case, issued = Counter(store).serve()
    store.close()
    assert store.encrypted
    assert traces(path) == []
    # The key is in the keyring under the store's key id, and nowhere in the file.
    (entry,) = [user for service, user in memory_keyring._secrets if service == "counter-workstation"]
    assert entry.startswith("store-key:")
    key = memory_keyring._secrets[("counter-workstation", entry)].encode()
    assert key not in path.read_bytes()

    # Opened again with the keyring's key, everything reads as it was saved.
    again = LocalStore(path)
    try:
        (saved,) = again.records_of(CASE_KIND, case_number=case.case_number)
        assert saved.payload == case.payload and saved.payload["applicant"]["id_number"] == ID_NUMBER
        assert again.document(issued.sha256) == issued.pdf
        assert len(again.next_batch(100)) == 5
    finally:
        again.close()

    # The same work where the PC has no keyring: kept plain, and the test sees it.
    plain_path = tmp_path / "plain.sqlite3"
    with NoKeyring():
        plain = LocalStore(plain_path)
        Counter(plain).serve()
        plain.close()
    assert not plain.encrypted
    assert traces(plain_path) == ["id number", "phone", "name"]


def test_a_store_written_without_a_keyring_is_encrypted_once_there_is_one(tmp_path):
    path = tmp_path / "workstation.sqlite3"
    with NoKeyring():
        store = LocalStore(path)
        case, issued = Counter(store).serve()
        store.close()
    assert traces(path)
    store = LocalStore(path)
    try:
        assert store.encrypted
        assert traces(path) == []
        assert store.records_of(CASE_KIND, case_number=case.case_number)[0].payload == case.payload
        assert store.document(issued.sha256) == issued.pdf
        assert store.pending_count() == 5
    finally:
        store.close()


def test_a_wiped_keyring_leaves_the_old_store_aside_and_a_working_new_one(tmp_path, memory_keyring):
    path = tmp_path / "workstation.sqlite3"
    store = LocalStore(path)
    counter = Counter(store)
    counter.serve()
    store.acknowledge([store.next_batch(1)[0].uuid])  # one reached the hall, four did not
    store.close()
    memory_keyring._secrets.clear()  # the keyring wiped, the PC re-imaged with its data kept

    fresh = LocalStore(path)
    try:
        assert fresh.set_aside is not None and fresh.set_aside.unsent == 4
        assert fresh.set_aside.path.exists() and fresh.set_aside.path.name.startswith("workstation.sqlite3.no-key-")
        assert fresh.pending_count() == 0 and fresh.records_of(CASE_KIND) == []
        assert fresh.encrypted
        Counter(fresh).serve()  # the counter works on
        assert fresh.pending_count() == 5
    finally:
        fresh.close()
    assert traces(fresh.set_aside.path) == []  # and the one set aside stays unreadable


def test_an_unavailable_keyring_refuses_plainly_and_loses_nothing(tmp_path):
    path = tmp_path / "workstation.sqlite3"
    store = LocalStore(path)
    case, _ = Counter(store).serve()
    store.close()
    with NoKeyring(), pytest.raises(StoreKeyUnavailable, match="keyring is not available.*nothing is lost"):
        LocalStore(path)
    back = LocalStore(path)  # the keyring works again
    try:
        assert back.set_aside is None and back.pending_count() == 5
        assert back.records_of(CASE_KIND, case_number=case.case_number)[0].payload == case.payload
    finally:
        back.close()


def test_a_sealed_value_moved_to_another_row_does_not_open(store):
    import sqlite3

    from workstation.store.errors import StoreError

    first, second = store.add_records([("note", {"text": "一"}), ("note", {"text": "二"})])
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE records SET sealed = (SELECT sealed FROM records WHERE uuid = ?) WHERE uuid = ?",
                     (first.uuid.hex, second.uuid.hex))
    assert store.record(first.uuid).payload == {"text": "一"}
    with pytest.raises(StoreError, match="cannot be read"):
        store.record(second.uuid)


# ---------------------------------------------------------------------------------------
# The purge
# ---------------------------------------------------------------------------------------


def test_what_the_hall_confirmed_is_purged_after_keep_days_and_nothing_else(store):
    counter = Counter(store)
    old_case, old_issued = counter.serve()
    upload_all(store)
    new_case, new_issued = counter.serve()
    # The newer case: its case record refused, its document in conflict, the rest pending.
    batch = store.next_batch(100)
    store.mark_refused(batch[1].uuid, "refused by the hall")
    store.mark_conflict(batch[2].uuid, "other content under this UUID")
    later = datetime.now(UTC) + timedelta(days=7, hours=1)

    assert store.purge(7).total == 0  # nothing is old enough yet
    purged = store.purge(7, now=later)
    assert purged.records == {"audit.card_read": 1, "case": 1, "document": 1, "audit.document_print": 1,
                              "rating": 1}
    assert purged.documents == 1
    # Years later the unconfirmed records are still there, whole.
    assert store.purge(0, now=later + timedelta(days=3650)).total == 0
    assert store.pending_count() == 3 and store.refused_count() == 1 and store.conflict_count() == 1
    for record in batch:
        assert store.record(record.uuid).payload == record.payload
    assert store.document(new_issued.sha256) == new_issued.pdf

    # The purged case: only at the hall now, and still known as this window's.
    (stub,) = store.records_of(CASE_KIND, case_number=old_case.case_number)
    assert stub.payload is None and stub.purged_at == later
    assert store.document(old_issued.sha256) is None
    assert counter.documents.only_at_hall(old_issued.sha256) and not counter.documents.only_at_hall(new_issued.sha256)
    assert counter.documents.issued_for(old_case.case_number) == []
    with pytest.raises(AlreadyRated):  # 一次一评 holds after the purge
        counter.ratings.rate(old_case, RatingAnswer(Level.DISSATISFIED))
    issued_again = counter.documents.printed(old_issued, "clerk1", 1, "test printer")
    assert issued_again == 2  # a later copy is counted as a reprint still
    # Nothing purged is offered to the uploader again.
    assert {r.uuid for r in store.next_batch(100)} <= {r.uuid for r in batch} | {
        store.records_of(AUDIT_DOCUMENT_PRINT, sha256=old_issued.sha256)[-1].uuid}


def test_what_stays_of_a_purged_record_is_its_name_and_the_halls_hash(store):
    saved = store.add_record("case", {"case_number": "3201052026120400001", "applicant": {"name": NAME}})
    store.acknowledge([saved.uuid])
    store.purge(0)
    import sqlite3

    with sqlite3.connect(store.path) as conn:
        row = conn.execute("SELECT kind, sealed, content_sha256, case_number, uploaded_at IS NOT NULL, "
                           "purged_at IS NOT NULL FROM records").fetchone()
    assert row == ("case", None, content_hash("case", saved.created_at, saved.payload), "3201052026120400001",
                   1, 1)


def test_keep_days_0_purges_as_soon_as_the_hall_confirms(store, caplog):
    purger = Purger(store, keep_days=0, interval=3600)
    purger.start()
    try:
        counter = Counter(store)
        case, issued = counter.serve()
        assert store.records_of(CASE_KIND, case_number=case.case_number)[0].payload is not None
        with caplog.at_level(logging.INFO, logger="workstation.store.purge"):
            upload_all(store)
            wait_for(lambda: store.records_of(CASE_KIND, case_number=case.case_number)[0].payload is None,
                     "the purge after the upload")
            wait_for(lambda: store.document(issued.sha256) is None, "the PDF purged")
    finally:
        purger.stop()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "purged 5 records" in logged and "1 documents" in logged
    assert ID_NUMBER not in logged and NAME not in logged and PHONE not in logged and case.case_number not in logged


def test_the_offline_case_screen_says_a_purged_case_is_at_the_hall_only(store):
    def unreachable():
        raise HallUnreachable("connection refused")

    desk = CaseDesk(store, unreachable, lambda: ("clerk1", "张伟"), 1)
    case, _ = Counter(store).serve()
    assert not desk.find(case.case_number).online  # offline: this window's own copy
    upload_all(store)
    store.purge(0)
    with pytest.raises(OnlyAtHall, match="hall server alone holds it"):
        desk.find(case.case_number)
    assert desk.local_case(case.case_number) is None


def test_keep_days_is_configured_and_checked(tmp_path):
    from workstation.config import ConfigError, load

    path = tmp_path / "config.toml"
    path.write_text("[privacy]\nkeep_days = 0\n")
    assert load(path).privacy.keep_days == 0
    path.write_text("[privacy]\nkeep_days = 30\n")
    assert load(path).privacy.keep_days == 30
    path.write_text("[privacy]\nkeep_days = -1\n")
    with pytest.raises(ConfigError, match="privacy.keep_days must be 0 or more"):
        load(path)
    assert load(tmp_path / "missing.toml").privacy.keep_days == 7
