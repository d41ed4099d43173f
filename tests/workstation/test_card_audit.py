"""Every card read and every reveal is audited in the local store, in a hash chain that
shows a removed or altered record; no audit record or log line carries a full number."""

from __future__ import annotations

import copy
import json
import logging
import threading
from datetime import UTC, date, datetime

import pytest

from workstation.app.card_reading import (
    AUDIT_CARD_READ,
    AUDIT_ID_REVEAL,
    HEAD_KEY,
    AuditTrail,
    CardReading,
    ReaderClosed,
)
from workstation.devices.idcard import ManualReader, NoCard, Timeout
from workstation.devices.sam_serial import SamSerialReader
from workstation.domain.audit import GENESIS, ChainHead, chain_hash, seal, verify_chain
from workstation.domain.identity import CardType, IdentityDocument, Sex
from workstation.simulation.sim_reader import ResidentCard, SimulatedReader, card

NUMBER = "110101199003071233"
NAME = "张三"
DEVICE = "device-7"


@pytest.fixture
def sim():
    with SimulatedReader(card()) as reader:
        yield reader


@pytest.fixture
def reading(store, sim):
    use_case = CardReading(store, SamSerialReader(sim.port, timeout=0.3, retry_delay=0.01), DEVICE,
                           now=lambda: datetime(2026, 6, 1, 2, 0, tzinfo=UTC))
    yield use_case
    use_case.close()


def audit_payloads(store) -> list[dict]:
    return [r.payload for r in store.next_batch(10_000) if r.kind.startswith("audit.")]


def test_a_read_is_audited(store, reading):
    result = reading.read("clerk1", 3)
    assert result.document.id_number == NUMBER and result.valid
    (record,) = store.next_batch(10)
    assert record.kind == AUDIT_CARD_READ and str(record.uuid) == result.audit_record
    payload = record.payload
    assert {k: payload[k] for k in ("event", "clerk", "window", "backend", "card_type", "id_masked",
                                    "outcome", "expiry", "error", "chain", "seq", "prev_hash")} == {
        "event": "card_read", "clerk": "clerk1", "window": 3, "backend": "serial",
        "card_type": "resident", "id_masked": "110101********1233", "outcome": "ok",
        "expiry": "valid", "error": None, "chain": DEVICE, "seq": 1, "prev_hash": GENESIS}
    assert payload["at"] == "2026-06-01T02:00:00+00:00"
    assert payload["hash"] == chain_hash(GENESIS, {k: v for k, v in payload.items()
                                                   if k not in ("hash", "prev_hash")})
    assert json.loads(store.get_state(HEAD_KEY + DEVICE)) == {"chain": DEVICE, "seq": 1, "hash": payload["hash"]}


def test_every_failed_attempt_is_audited_too(store, reading, sim):
    sim.card = None
    with pytest.raises(NoCard):
        reading.read("clerk1", 3)
    sim.silent = True
    with pytest.raises(Timeout):
        reading.read("clerk1", 3)
    sim.silent = False
    sim.card = card(ResidentCard(number="110101199003071234"))  # bad check digit
    result = reading.read("clerk1", 3)
    assert not result.valid
    outcomes = [(p["seq"], p["outcome"]) for p in audit_payloads(store)]
    assert outcomes == [(1, "no_card"), (2, "timeout"), (3, "invalid")]
    third = audit_payloads(store)[2]
    assert third["problems"] == ["ID number: the check digit does not match (GB 11643)"]
    assert third["id_masked"] == "110101********1234"
    assert verify_chain(audit_payloads(store)) == []


def test_a_reader_that_cannot_be_opened_is_audited(store, tmp_path):
    use_case = CardReading(store, SamSerialReader(str(tmp_path / "nothing")), DEVICE)
    with pytest.raises(Exception) as caught:
        use_case.read("clerk2", 1)
    assert type(caught.value).__name__ == "ReaderUnavailable"
    (payload,) = audit_payloads(store)
    assert payload["outcome"] == "reader_unavailable" and "nothing" in payload["error"]


def test_a_reveal_is_audited_and_gives_the_full_number(store, reading):
    document = reading.read("clerk1", 3).document
    assert reading.reveal(document, "clerk1", 3, "applicant asked to check the number") == NUMBER
    kinds = [r.kind for r in store.next_batch(10)]
    assert kinds == [AUDIT_CARD_READ, AUDIT_ID_REVEAL]
    reveal = audit_payloads(store)[1]
    assert (reveal["event"], reveal["clerk"], reveal["window"], reveal["reason"], reveal["id_masked"], reveal["seq"]) \
        == ("id_reveal", "clerk1", 3, "applicant asked to check the number", "110101********1233", 2)
    with pytest.raises(ValueError, match="reason"):
        reading.reveal(document, "clerk1", 3, "  ")
    assert verify_chain(store.next_batch(10)) == []


def test_the_full_number_and_name_never_reach_an_audit_record_or_a_log(store, reading, sim, caplog):
    with caplog.at_level(logging.DEBUG):
        document = reading.read("clerk1", 3).document
        reading.reveal(document, "clerk1", 3, f"typed by mistake: {NUMBER}")
        sim.card = None
        with pytest.raises(NoCard):
            reading.read("clerk1", 3)
        logging.getLogger("test").info("document %s %r", document, document)
    everything = json.dumps([r.model_dump(mode="json") for r in store.next_batch(100)], ensure_ascii=False)
    for secret in (NUMBER, NAME, "景山前街"):
        assert secret not in everything
        assert secret not in caplog.text
    assert "110101********1233" in everything


# the chain -----------------------------------------------------------------------------


def manual_document(number: str = NUMBER) -> IdentityDocument:
    return IdentityDocument(card_type=CardType.RESIDENT, name=NAME, id_number=number, sex=Sex.MALE,
                            birth_date=date(1990, 3, 7), valid_to=date(2035, 1, 1))


@pytest.fixture
def five_records(store):
    reader = ManualReader()
    use_case = CardReading(store, reader, DEVICE)
    for _ in range(5):
        reader.enter(manual_document())
        use_case.read("clerk1", 1)
    records = [r.model_dump(mode="json") for r in store.next_batch(100)]  # as the server has them
    assert verify_chain(records) == []
    return records


def kinds(problems):
    return [(p.seq, p.kind) for p in problems]


def test_removing_a_record_is_detected(five_records):
    del five_records[2]
    assert kinds(verify_chain(five_records)) == [(4, "missing")]


def test_removing_the_first_record_is_detected(five_records):
    assert kinds(verify_chain(five_records[1:])) == [(2, "bad_start")]
    assert verify_chain(five_records[1:], allow_pruned_start=True) == []


def test_removing_the_last_record_is_detected_against_the_head(five_records, store):
    head = json.loads(store.get_state(HEAD_KEY + DEVICE))
    assert verify_chain(five_records[:-1]) == []  # no record can show its own absence …
    problems = verify_chain(five_records[:-1], heads={DEVICE: (head["seq"], head["hash"])})
    assert kinds(problems) == [(5, "truncated")]  # … the head the device reports does
    assert verify_chain(five_records, heads={DEVICE: (head["seq"], head["hash"])}) == []


@pytest.mark.parametrize("field, value", [("outcome", "no_card"), ("clerk", "clerk9"), ("window", 2),
                                          ("id_masked", "110101********9999"), ("seq", 3)])
def test_altering_a_record_is_detected(five_records, field, value):
    altered = copy.deepcopy(five_records)
    altered[1]["payload"][field] = value
    problems = verify_chain(altered)
    assert (2, "altered") in kinds(problems) or (3, "altered") in kinds(problems)


def test_rehashing_an_altered_record_still_breaks_the_next_link(five_records):
    altered = copy.deepcopy(five_records)
    payload = altered[1]["payload"]
    payload["clerk"] = "clerk9"
    payload["hash"] = chain_hash(payload["prev_hash"], {k: v for k, v in payload.items()
                                                        if k not in ("hash", "prev_hash")})
    assert kinds(verify_chain(altered)) == [(3, "missing")]


def test_swapping_records_is_detected(five_records):
    swapped = copy.deepcopy(five_records)
    swapped[1]["payload"]["seq"], swapped[2]["payload"]["seq"] = 3, 2
    assert verify_chain(swapped) != []


def test_chains_of_several_devices_are_checked_apart(store, five_records):
    other = AuditTrail(store, "device-8")
    other.append(AUDIT_CARD_READ, {"event": "card_read", "outcome": "no_card"})
    records = five_records + [r.model_dump(mode="json") for r in store.next_batch(100)
                              if r.payload["chain"] == "device-8"]
    assert verify_chain(reversed(records)) == []


def test_seal_refuses_fields_named_like_the_chain():
    with pytest.raises(ValueError, match="hash"):
        seal({"hash": "x"}, ChainHead("d", 0, GENESIS))


def test_malformed_records_are_reported(five_records):
    problems = verify_chain([{"payload": {"chain": DEVICE}}, *five_records])
    assert kinds(problems) == [(None, "malformed")]


def test_concurrent_appends_never_fork_the_chain(store):
    trails = [AuditTrail(store, DEVICE) for _ in range(4)]

    def append(trail: AuditTrail, n: int) -> None:
        for i in range(10):
            trail.append(AUDIT_CARD_READ, {"event": "card_read", "n": n * 100 + i})

    threads = [threading.Thread(target=append, args=(t, n)) for n, t in enumerate(trails)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    payloads = audit_payloads(store)
    assert sorted(p["seq"] for p in payloads) == list(range(1, 41))
    assert verify_chain(payloads) == []


def test_a_head_left_behind_by_a_crash_is_caught_up(store):
    trail = AuditTrail(store, DEVICE)
    trail.append(AUDIT_CARD_READ, {"event": "card_read"})
    behind = store.get_state(HEAD_KEY + DEVICE)
    trail.append(AUDIT_CARD_READ, {"event": "card_read"})
    store.set_state(HEAD_KEY + DEVICE, behind)  # as if the process died before saving the head
    AuditTrail(store, DEVICE).append(AUDIT_CARD_READ, {"event": "card_read"})
    payloads = audit_payloads(store)
    assert [p["seq"] for p in payloads] == [1, 2, 3]
    assert verify_chain(payloads) == []


# threads -------------------------------------------------------------------------------


def test_reads_run_on_the_reader_thread_never_the_gui_thread(store, sim):
    gui = threading.current_thread()
    use_case = CardReading(store, SamSerialReader(sim.port, timeout=0.3), DEVICE, gui_thread=gui)
    try:
        with pytest.raises(RuntimeError, match="GUI thread"):
            use_case.read("clerk1", 1)
        future = use_case.read_in_background("clerk1", 1)
        assert future.result(timeout=10).document.name == NAME
        assert len(audit_payloads(store)) == 1  # the refused call touched nothing
    finally:
        use_case.close()


def test_a_closed_reader_is_never_opened_again(store, sim):
    """A window's timer may poll once more after the workstation shut down: the poll is
    refused, and the port (whose name may belong to another device by then) stays shut."""
    use_case = CardReading(store, SamSerialReader(sim.port, timeout=0.3), DEVICE)
    assert use_case.status().ready
    use_case.close()
    received = sim.bytes_received
    with pytest.raises(ReaderClosed, match="closed"):
        use_case.status()
    with pytest.raises(ReaderClosed):
        use_case.read_in_background("clerk1", 1)
    assert sim.bytes_received == received
    assert audit_payloads(store) == []
