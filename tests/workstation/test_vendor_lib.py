"""The vendor-library backends through ctypes, against small C libraries the tests compile
(tests/workstation/vendor/fake_termb.c, fake_sdtapi.c) with gcc into a temporary folder."""

from __future__ import annotations

import ctypes
import shutil
import struct
import subprocess
from datetime import date
from pathlib import Path

import pytest

from workstation.devices.idcard import (
    LibraryNotFound,
    NoCard,
    ReaderConfigError,
    ReaderSettings,
    ReaderUnavailable,
    create_reader,
)
from workstation.devices.vendor_lib import SdtapiReader, TermbReader
from workstation.domain.identity import CardType, ExpiryState, Nation, Sex, document_problems, expiry

SOURCES = Path(__file__).parent / "vendor"
NONE, RESIDENT, PERMIT, FOREIGN = 0, 1, 2, 3


def compile_library(source: str, output: Path, *flags: str) -> Path:
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.fail("gcc is needed to build the fake vendor libraries (.ci/setup installs it)")
    subprocess.run([gcc, "-shared", "-fPIC", "-O1", "-Wall", "-Wextra", *flags,
                    "-o", str(output), str(SOURCES / source)], check=True)
    return output


@pytest.fixture(scope="module")
def libraries(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("vendor")
    return {
        # -fexec-charset=GBK: the getters' strings reach Python in GBK, as real termb gives them.
        "termb": compile_library("fake_termb.c", folder / "libtermb.so", "-fexec-charset=GBK"),
        "sdtapi": compile_library("fake_sdtapi.c", folder / "libsdtapi.so", "-std=c11"),
    }


def put_card(library: Path, kind: int) -> None:
    """Lay a card on the fake reader (the same loaded library instance ctypes uses)."""
    ctypes.CDLL(str(library)).Fake_SetCard(kind)


@pytest.fixture
def termb(libraries):
    put_card(libraries["termb"], RESIDENT)
    reader = TermbReader(str(libraries["termb"]), port=1001)
    reader.open()
    yield reader
    reader.close()


@pytest.fixture
def sdtapi(libraries):
    put_card(libraries["sdtapi"], RESIDENT)
    reader = SdtapiReader(str(libraries["sdtapi"]), port=1001)
    reader.open()
    yield reader
    reader.close()


def bmp_size(data: bytes) -> tuple[int, int, int]:
    assert data[:2] == b"BM"
    width, height = struct.unpack_from("<ii", data, 18)
    (bits,) = struct.unpack_from("<H", data, 28)
    return width, height, bits


# termb ---------------------------------------------------------------------------------


def test_termb_reads_every_field_of_a_resident_card(termb):
    document = termb.read()
    assert document.card_type is CardType.RESIDENT
    assert document.name == "李四"
    assert document.sex is Sex.FEMALE
    assert document.nation == Nation("01", "汉")
    assert document.birth_date == date(1960, 5, 12)
    assert document.address == "北京市东城区东华门大街7号院3号楼"
    assert document.id_number == "110101196005124526"
    assert document.issuing_authority == "北京市公安局东城分局"
    assert document.valid_from == date(2010, 6, 1)
    assert document.long_term and document.valid_to is None
    assert expiry(document).state is ExpiryState.LONG_TERM
    assert document.photo_format == "bmp" and len(document.photo) == 38862
    assert bmp_size(document.photo) == (102, 126, 24)
    assert document_problems(document) == []


def test_termb_reads_a_permit_with_separated_dates(termb, libraries):
    put_card(libraries["termb"], PERMIT)
    document = termb.read()
    assert document.card_type is CardType.HKMO_TW_PERMIT
    assert (document.name, document.sex, document.nation) == ("陈美玲", Sex.FEMALE, None)
    assert document.birth_date == date(1992, 7, 4)
    assert document.address == "澳门特别行政区"
    assert document.id_number == "820000199207040047"
    assert (document.pass_number, document.issue_count) == ("M87654321", 1)
    assert document.issuing_authority == "广东省珠海市公安局"
    assert (document.valid_from, document.valid_to) == (date(2021, 3, 15), date(2026, 3, 15))
    assert expiry(document, today=date(2026, 3, 1)).state is ExpiryState.EXPIRING
    assert expiry(document, today=date(2026, 3, 16)).state is ExpiryState.EXPIRED
    assert document_problems(document) == []


def test_termb_reads_a_foreign_permanent_residence_card(termb, libraries):
    put_card(libraries["termb"], FOREIGN)
    document = termb.read()
    assert document.card_type is CardType.FOREIGN_PERMANENT
    assert (document.english_name, document.name, document.nationality) == ("SMITH, JOHN", "史密斯", "USA")
    assert (document.sex, document.birth_date) == (Sex.MALE, date(1985, 6, 15))
    assert (document.id_number, document.authority_code, document.card_version) == ("USA110085061502", "1500", "01")
    assert (document.valid_from, document.valid_to) == (date(2018, 3, 1), date(2028, 3, 1))
    assert bmp_size(document.photo) == (102, 126, 24)


def test_termb_no_card(termb, libraries):
    put_card(libraries["termb"], NONE)
    with pytest.raises(NoCard, match="no card"):
        termb.read()
    put_card(libraries["termb"], RESIDENT)
    assert termb.read().name == "李四"


def test_termb_no_reader_on_the_port(libraries):
    reader = TermbReader(str(libraries["termb"]), port=7)
    with pytest.raises(ReaderUnavailable, match="port 7"):
        reader.open()


def test_termb_close_releases_the_port(termb, libraries):
    probe = ctypes.CDLL(str(libraries["termb"]))
    assert probe.Fake_IsOpen() == 1
    termb.close()
    assert probe.Fake_IsOpen() == 0
    with pytest.raises(ReaderUnavailable, match="not open"):
        termb.read()


# sdtapi --------------------------------------------------------------------------------


def test_sdtapi_reads_every_field_of_a_resident_card(sdtapi):
    assert sdtapi.status().ready
    document = sdtapi.read()
    assert document.card_type is CardType.RESIDENT
    assert document.name == "欧阳娜娜"
    assert document.sex is Sex.FEMALE
    assert document.nation == Nation("03", "回")
    assert document.birth_date == date(1998, 2, 15)
    assert document.address == "上海市黄浦区人民大道200号"
    assert document.id_number == "310101199802152424"
    assert document.issuing_authority == "上海市公安局黄浦分局"
    assert (document.valid_from, document.valid_to) == (date(2016, 3, 1), date(2036, 3, 1))
    assert document.photo == bytes((i * 13 + 5) & 0xFF for i in range(1024))
    assert document.photo_format == "wlt"
    assert document_problems(document) == []


def test_sdtapi_reads_a_permit_and_a_foreign_card(sdtapi, libraries):
    put_card(libraries["sdtapi"], PERMIT)
    permit = sdtapi.read()
    assert (permit.card_type, permit.name, permit.id_number) == (
        CardType.HKMO_TW_PERMIT, "陈美玲", "820000199207040047")
    assert (permit.pass_number, permit.issue_count, permit.valid_to) == ("M87654321", 1, date(2031, 3, 15))
    put_card(libraries["sdtapi"], FOREIGN)
    foreign = sdtapi.read()
    assert (foreign.card_type, foreign.english_name, foreign.name) == (
        CardType.FOREIGN_PERMANENT, "SMITH, JOHN", "史密斯")
    assert (foreign.nationality, foreign.id_number) == ("USA", "USA110085061502")


def test_sdtapi_no_card(sdtapi, libraries):
    put_card(libraries["sdtapi"], NONE)
    with pytest.raises(NoCard, match="no card"):
        sdtapi.read()


def test_sdtapi_no_reader_on_the_port(libraries):
    with pytest.raises(ReaderUnavailable, match="port 3"):
        SdtapiReader(str(libraries["sdtapi"]), port=3).open()


# libraries and the registry ------------------------------------------------------------


@pytest.mark.parametrize("family", [TermbReader, SdtapiReader])
def test_a_library_that_does_not_exist(tmp_path, family):
    reader = family(str(tmp_path / "missing" / "libtermb.so"), port=1001)
    with pytest.raises(LibraryNotFound, match="does not exist"):
        reader.open()


def test_a_file_that_is_no_library(tmp_path):
    fake = tmp_path / "libsdtapi.so"
    fake.write_text("not a shared object")
    with pytest.raises(LibraryNotFound, match="could not be loaded"):
        SdtapiReader(str(fake), port=1001).open()


def test_a_library_of_the_other_family(libraries):
    with pytest.raises(ReaderUnavailable, match="lacks SDT_OpenPort"):
        SdtapiReader(str(libraries["termb"]), port=1001).open()


def test_a_library_name_the_loader_cannot_find():
    with pytest.raises(LibraryNotFound):
        TermbReader("libtermb-not-installed-here.so", port=1001).open()


@pytest.mark.parametrize("backend", ["termb", "sdtapi"])
def test_the_registry_builds_vendor_backends_from_settings(libraries, backend):
    put_card(libraries[backend], RESIDENT)
    reader = create_reader(ReaderSettings(backend=backend, library=str(libraries[backend]), port="1001"))
    assert reader.backend == backend
    with reader:
        assert reader.read().card_type is CardType.RESIDENT


def test_a_port_that_is_no_number_is_a_config_error(libraries):
    with pytest.raises(ReaderConfigError, match="card.port"):
        create_reader(ReaderSettings(backend="termb", library=str(libraries["termb"]), port="COM3"))
