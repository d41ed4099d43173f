"""The serial backend end to end: pyserial on a real pseudo-terminal, the simulated reader
on its other side (workstation/simulation/sim_reader.py)."""

from __future__ import annotations

import time
from datetime import date

import pytest

from workstation.devices.idcard import (
    CardRemoved,
    ManualReader,
    NoCard,
    ProtocolError,
    ReaderConfigError,
    ReaderSettings,
    ReaderUnavailable,
    Timeout,
    UnsupportedCard,
    backend_names,
    create_reader,
)
from workstation.devices.sam_serial import (
    FIND_CARD,
    READ_REPLY,
    READ_TEXT_PHOTO,
    SAM_STATUS,
    SELECT_CARD,
    SamSerialReader,
    build_request,
)
from workstation.domain.identity import CardType, IdentityDocument, Nation, Sex, document_problems
from workstation.simulation import sim_reader as sim_mod
from workstation.simulation.sim_reader import (
    CMD_FIND,
    CMD_READ,
    CMD_SELECT,
    PHOTO,
    ForeignCard,
    PermitCard,
    ResidentCard,
    SimCard,
    SimulatedReader,
    card,
    id_number,
)

TIMEOUT = 0.3  # seconds a test waits for a silent reader


@pytest.fixture
def sim():
    with SimulatedReader(card()) as reader:
        yield reader


@pytest.fixture
def reader(sim):
    device = SamSerialReader(sim.port, timeout=TIMEOUT, attempts=3, retry_delay=0.01)
    device.open()
    yield device
    device.close()


def test_request_frames_are_the_documented_bytes():
    assert build_request(SAM_STATUS).hex(" ") == "aa aa aa 96 69 00 03 11 ff ed"
    assert build_request(FIND_CARD).hex(" ") == "aa aa aa 96 69 00 03 20 01 22"
    assert build_request(SELECT_CARD).hex(" ") == "aa aa aa 96 69 00 03 20 02 21"
    assert build_request(READ_TEXT_PHOTO).hex(" ") == "aa aa aa 96 69 00 03 30 01 32"
    assert READ_REPLY == sim_mod.READ_REPLY_SIZE == 1295


# cards ---------------------------------------------------------------------------------


def test_reads_a_resident_card(sim, reader):
    document = reader.read()
    assert document.card_type is CardType.RESIDENT
    assert document.name == "张三"
    assert document.sex is Sex.MALE
    assert document.nation == Nation("01", "汉")
    assert document.birth_date == date(1990, 3, 7)
    assert document.address == "北京市东城区景山前街4号"
    assert document.id_number == "110101199003071233"
    assert document.issuing_authority == "北京市公安局东城分局"
    assert (document.valid_from, document.valid_to, document.long_term) == (date(2015, 1, 1), date(2035, 1, 1), False)
    assert document.photo == PHOTO and document.photo_format == "wlt"
    assert document_problems(document) == []
    assert sim.requests == [CMD_FIND, CMD_SELECT, CMD_READ]
    assert sim.bad_requests == 0


def test_reads_a_long_term_card(sim, reader):
    number = id_number("440305", "19580102", "452")
    sim.card = card(ResidentCard(name="欧阳娜娜", sex="2", nation="05", birth="19580102", number=number,
                                 valid_to="长期"))
    document = reader.read()
    assert document.long_term and document.valid_to is None
    assert (document.name, document.sex, document.nation.name) == ("欧阳娜娜", Sex.FEMALE, "维吾尔")
    assert document_problems(document) == []


def test_reads_a_hk_macau_taiwan_residence_permit(sim, reader):
    permit = PermitCard()
    sim.card = card(permit)
    document = reader.read()
    assert document.card_type is CardType.HKMO_TW_PERMIT
    assert (document.name, document.sex, document.birth_date) == ("陈大文", Sex.MALE, date(1985, 6, 15))
    assert document.id_number == permit.number and document.id_number.startswith("810000")
    assert (document.pass_number, document.issue_count) == ("H12345678", 2)
    assert document.nation is None and document.address == permit.address
    assert document.issuing_authority == "深圳市公安局"
    assert (document.valid_from, document.valid_to) == (date(2020, 1, 1), date(2030, 1, 1))
    assert document_problems(document) == []


def test_reads_a_foreign_permanent_residence_card(sim, reader):
    sim.card = card(ForeignCard())
    document = reader.read()
    assert document.card_type is CardType.FOREIGN_PERMANENT
    assert (document.english_name, document.name) == ("SMITH, JOHN", "史密斯")
    assert (document.sex, document.nationality) == (Sex.MALE, "USA")
    assert document.id_number == "USA110085061502"
    assert document.birth_date == date(1985, 6, 15)
    assert (document.valid_from, document.valid_to) == (date(2018, 3, 1), date(2028, 3, 1))
    assert (document.card_version, document.authority_code) == ("01", "1500")
    assert document.photo == PHOTO
    assert document_problems(document) == []


def test_an_unknown_card_type_is_refused_not_misread(sim, reader):
    block = bytearray(ResidentCard().block())
    block[248:250] = "Y".encode("utf-16-le")
    sim.card = SimCard(bytes(block))
    with pytest.raises(UnsupportedCard, match="'Y'"):
        reader.read()


def test_a_card_with_a_bad_check_digit_reads_but_is_flagged(sim, reader):
    sim.card = card(ResidentCard(number="110101199003071234"))
    document = reader.read()
    assert document_problems(document) == ["ID number: the check digit does not match (GB 11643)"]


# status, no card, retries --------------------------------------------------------------


def test_status(sim, reader):
    assert reader.status().ready
    sim.sam_status = 0x60
    status = reader.status()
    assert not status.ready and "0x60" in status.detail


def test_no_card_after_the_configured_finds(sim, reader):
    sim.card = None
    with pytest.raises(NoCard, match="no card"):
        reader.read()
    assert sim.requests == [CMD_FIND] * 3


def test_find_is_retried(sim, reader):
    sim.find_failures = 2
    assert reader.read().name == "张三"
    assert sim.requests == [CMD_FIND, CMD_FIND, CMD_FIND, CMD_SELECT, CMD_READ]


def test_select_is_retried_then_reported(sim, reader):
    sim.select_failures = 1
    assert reader.read().name == "张三"
    sim.requests.clear()
    sim.select_failures = 99
    with pytest.raises(NoCard, match="could not be selected"):
        reader.read()
    assert sim.requests == [CMD_FIND, CMD_SELECT] * 3


# damaged answers -----------------------------------------------------------------------


@pytest.mark.parametrize("command", [CMD_FIND, CMD_SELECT, CMD_READ])
def test_a_bad_checksum_is_a_protocol_error_and_the_next_read_works(sim, reader, command):
    sim.bad_checksum_on = {command}
    with pytest.raises(ProtocolError, match="checksum"):
        reader.read()
    sim.bad_checksum_on = set()
    assert reader.read().name == "张三"


@pytest.mark.parametrize("kind, command, message", [
    ("bad_length_field", CMD_FIND, "frame length 65535"),
    ("short_body", CMD_SELECT, "too short"),
    ("inconsistent_lengths", CMD_READ, "its lengths say 1280"),
    ("wrong_text_length", CMD_READ, "text block of 200 bytes"),
])
def test_malformed_frames_are_named(sim, reader, kind, command, message):
    sim.malformed_on = {command: kind}
    with pytest.raises(ProtocolError, match=message):
        reader.read()
    sim.malformed_on = {}
    assert reader.read().name == "张三"


def test_garbage_before_every_frame_is_skipped(sim, reader):
    sim.garbage = b"\x00\xff\xaa\xaa\x96\x69\xaa\xaa\xaa\x96" + bytes(range(40))
    assert reader.read().id_number == "110101199003071233"
    assert reader.status().ready


def test_silence_is_a_timeout_and_the_reader_recovers(sim, reader):
    sim.silent = True
    started = time.monotonic()
    with pytest.raises(Timeout, match="did not answer"):
        reader.read()
    assert time.monotonic() - started < TIMEOUT * 2 + 1
    assert not reader.status().ready
    sim.silent = False
    assert reader.read().name == "张三"


@pytest.mark.parametrize("sent", [3, 7, 100, 600, 1294])
def test_a_card_removed_mid_read_is_card_removed(sim, reader, sent):
    sim.remove_after = sent
    with pytest.raises(CardRemoved):
        reader.read()
    sim.remove_after = None
    with pytest.raises(NoCard):
        reader.read()
    sim.card = card()
    assert reader.read().name == "张三"


def test_a_read_failed_status_is_card_removed(sim, reader):
    sim.read_status = 0x41
    with pytest.raises(CardRemoved, match="0x41"):
        reader.read()


def test_an_unplugged_reader_is_unavailable(sim, reader):
    sim.unplug()
    with pytest.raises(ReaderUnavailable):
        reader.read()
    assert not reader.status().ready


def test_a_reader_plugged_in_again_is_found_by_the_next_status(sim):
    device = SamSerialReader(sim.port, timeout=TIMEOUT)
    device.open()
    sim.unplug()
    with pytest.raises(ReaderUnavailable):
        device.read()
    with SimulatedReader(card()) as again:
        device.port = again.port  # the same reader back, on its (new) device name
        assert device.status().ready
        assert device.read().name == "张三"
    device.close()


def test_a_port_that_does_not_exist_is_unavailable(tmp_path):
    device = SamSerialReader(str(tmp_path / "ttyUSB9"))
    with pytest.raises(ReaderUnavailable, match="ttyUSB9"):
        device.open()
    with pytest.raises(ReaderUnavailable, match="not open"):
        device.read()


def test_the_registry_builds_the_serial_backend(sim):
    device = create_reader(ReaderSettings(backend="serial", port=sim.port, timeout=TIMEOUT))
    assert isinstance(device, SamSerialReader) and device.backend == "serial"
    with device:
        assert device.read().name == "张三"


def test_reader_settings_from_a_config_table():
    settings = ReaderSettings.from_mapping({"backend": "sdtapi", "port": 1001, "library": "C:/sdtapi.dll",
                                            "timeout": 3, "options": {"calling_convention": "cdecl"}})
    assert (settings.backend, settings.port, settings.timeout) == ("sdtapi", "1001", 3.0)
    assert settings.options == {"calling_convention": "cdecl"}
    for table, message in [({"backend": "smartcard"}, "card.backend"), ({"speed": 1}, "card.speed"),
                           ({"baudrate": "fast"}, "card.baudrate"), ({"attempts": 0}, "card.attempts")]:
        with pytest.raises(ReaderConfigError, match=message):
            ReaderSettings.from_mapping(table)


def test_the_registry_knows_every_backend():
    assert {"serial", "termb", "sdtapi", "manual", "pcsc-passport"} <= set(backend_names())
    with pytest.raises(ReaderConfigError, match="unknown card reader backend"):
        create_reader(ReaderSettings(backend="smartcard"))


def test_manual_entry_goes_through_the_same_interface():
    manual = create_reader(ReaderSettings(backend="manual"))
    assert isinstance(manual, ManualReader) and manual.status().ready
    document = IdentityDocument(card_type=CardType.RESIDENT, name="张三", id_number="110101199003071233")
    manual.enter(document)
    assert manual.read() is document
    with pytest.raises(NoCard, match="nothing was entered"):
        manual.read()


def test_paced_at_the_line_rate_a_read_takes_at_least_the_wire_time():
    with SimulatedReader(card(), pace=True) as paced:
        with SamSerialReader(paced.port) as device:
            started = time.perf_counter()
            device.read()
            elapsed = time.perf_counter() - started
    assert elapsed >= 1295 * 10 / 115200  # the read reply alone: about 113 ms
