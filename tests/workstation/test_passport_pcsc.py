"""The passport reader through the real PC/SC stack: a pcscd the tests start with vsmartcard's
vpcd driver (a virtual reader on a TCP port) and the test eMRTD chip (emrtd_card.py) plugged
into it.

pcscd is started in the foreground by the session fixture with its own reader.conf.d holding
only the vpcd reader (on a free port pair of this run). As root, where `unshare` works, it runs
in a private mount namespace whose /run/pcscd is a temporary folder, and this process reaches
it through PCSCLITE_CSOCK_NAME: a pcscd of the machine, if any, is left alone. Otherwise the
tests use the machine's /run/pcscd and stop a pcscd found running there first (by the pid in
its pid file).

Missing pcscd, vpcd or pyscard fail these tests (never skip) with what to install.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.waiting import wait_for
from tests.workstation.emrtd_card import (
    ATR,
    FACE_JPEG,
    FID_DG1,
    FID_DG2,
    FID_EF_SOD,
    EmrtdChip,
    Holder,
    VirtualCard,
)
from workstation.devices.mrz import BacKey

INSTALL = ("install them with: apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev swig gcc "
           "&& pip install pyscard pycryptodome")
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
READER = "Virtual PCD 00 00"
SOCKET_DIR = Path("/run/pcscd")


def _pcscd_binary() -> str | None:
    return shutil.which("pcscd") or next((p for p in ("/usr/sbin/pcscd", "/sbin/pcscd") if os.path.exists(p)),
                                         None)


def _free_port_pair() -> int:
    """A port P with P and P + 1 free (vpcd listens on one port per slot; it has two)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port >= 65535:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("0.0.0.0", port))
                b.bind(("0.0.0.0", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free pair of TCP ports for vpcd")


def _namespace_works() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


def _stop_foreign_pcscd() -> None:
    """Only where no private namespace can be had: a pcscd already running on /run/pcscd would
    own the socket, so it is stopped by the pid in its own pid file."""
    pid_file = SOCKET_DIR / "pcscd.pid"
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


class PcscDaemon:
    """A pcscd in the foreground with only the vpcd reader configured."""

    def __init__(self, workdir: Path, port: int):
        self.port = port
        self.binary = _pcscd_binary()
        self.config_dir = workdir / "reader.conf.d"
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "vpcd").write_text(
            f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x{port:04X}\n'
            f"LIBPATH {VPCD_DRIVER}\nCHANNELID 0x{port:04X}\n")
        self.log_path = workdir / "pcscd.log"
        self.private = _namespace_works()
        self.socket_dir = workdir / "run" if self.private else SOCKET_DIR
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def socket_path(self) -> Path:
        return self.socket_dir / "pcscd.comm"

    def start(self) -> None:
        assert self.binary is not None
        command = [self.binary, "--foreground", "--apdu", "--config", str(self.config_dir)]
        if self.private:
            SOCKET_DIR.mkdir(parents=True, exist_ok=True)      # the mount point
            command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                       f'mount --bind "{self.socket_dir}" {SOCKET_DIR} && exec "$@"', "pcscd", *command]
        else:
            _stop_foreign_pcscd()
        for stale in ("pcscd.comm", "pcscd.pid"):
            (self.socket_dir / stale).unlink(missing_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the process
        log.write(f"--- start {self.starts + 1} ---\n".encode())
        log.flush()
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.starts += 1
        deadline = time.monotonic() + 10
        while not self._vpcd_listening():
            if self.process.poll() is not None:
                pytest.fail(f"pcscd exited with {self.process.returncode}; its log:\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"pcscd did not open its socket and vpcd port {self.port} within 10 s:\n{self.log()}")
            time.sleep(0.05)

    def _vpcd_listening(self) -> bool:
        if not self.socket_path.exists():
            return False
        with socket.socket() as probe:
            probe.settimeout(0.2)
            return probe.connect_ex(("127.0.0.1", self.port + 1)) == 0   # probe slot 1, keep slot 0 free

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no log)"


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscDaemon]:
    missing = []
    if _pcscd_binary() is None:
        missing.append("pcscd (Debian package pcscd)")
    if not VPCD_DRIVER.exists():
        missing.append(f"the vpcd driver {VPCD_DRIVER} (Debian package vsmartcard-vpcd)")
    try:
        import smartcard.scard  # noqa: F401
    except ImportError:
        missing.append("pyscard (pip install pyscard; builds with libpcsclite-dev, swig, gcc)")
    try:
        import Crypto.Cipher.DES3  # noqa: F401
    except ImportError:
        missing.append("pycryptodome (pip install pycryptodome)")
    if missing:
        pytest.fail("the PC/SC passport tests need " + "; ".join(missing) + f" — {INSTALL}", pytrace=False)
    daemon = PcscDaemon(tmp_path_factory.mktemp("pcscd"), _free_port_pair())
    if daemon.private:
        # libpcsclite reads this once, at this process's first PC/SC call
        os.environ["PCSCLITE_CSOCK_NAME"] = str(daemon.socket_path)
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture
def chip() -> EmrtdChip:
    return EmrtdChip(Holder())


@pytest.fixture
def card(pcscd: PcscDaemon, chip: EmrtdChip) -> Iterator[VirtualCard]:
    if pcscd.process is None or pcscd.process.poll() is not None:
        pcscd.start()
    virtual = VirtualCard(chip, port=pcscd.port)
    virtual.insert()
    wait_for(lambda: _card_present(READER), "pcscd sees the test card", timeout=15.0)
    yield virtual
    virtual.remove()
    if pcscd.process is not None:
        wait_for(lambda: not _card_present(READER), "pcscd sees the test card gone", timeout=15.0)
    assert virtual.error is None, f"the test card failed: {virtual.error!r}"



def _card_present(reader: str) -> bool:
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return False
    try:
        hresult, states = scard.SCardGetStatusChange(context, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        return hresult == scard.SCARD_S_SUCCESS and bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(context)


def _reader(**options: Any):
    from workstation.devices.passport import PcscPassportReader

    return PcscPassportReader(READER, **options)


# --- reading -------------------------------------------------------------------------------

def test_reads_dg1_and_dg2_with_the_right_mrz_on_a_worker_thread(card: VirtualCard) -> None:
    holder = card.chip.holder
    reader = _reader()
    threads: set[str] = set()
    steps: list[tuple[str, int, int]] = []

    def progress(step: str, done: int, total: int) -> None:
        threads.add(threading.current_thread().name)
        steps.append((step, done, total))

    try:
        future = reader.read_async(BacKey.from_mrz("\n".join(holder.mrz_lines)), progress=progress)
        data = future.result(timeout=30)
    finally:
        reader.close()

    assert threads and threading.main_thread().name not in threads
    assert (data.document_code, data.issuing_state, data.nationality) == ("P", "UTO", "UTO")
    assert (data.surname, data.given_names) == ("HARTMANN", "LENA MARIE")
    assert (data.document_number, data.birth_date, data.expiry_date, data.sex) == \
        ("C01X00T47", "850412", "310927", "F")
    assert data.optional_data == "ZE184226B"
    assert data.mrz.lines == holder.mrz_lines
    assert data.face_image == FACE_JPEG
    assert data.face_image_type == "image/jpeg"
    assert data.lds_version == "01.07" and data.data_groups == (1, 2)
    assert data.reader == READER and data.atr == ATR
    # DG2 (about 1.5 KB) came in several READ BINARY chunks
    dg2_steps = [s for s in steps if s[0] == "DG2"]
    assert len(dg2_steps) > 3 and dg2_steps[-1][1] == dg2_steps[-1][2]
    assert "C01X00T47" not in repr(data) and "HARTMANN" not in repr(data)

    from PySide6.QtGui import QImage

    image = QImage.fromData(data.face_image)
    assert (image.width(), image.height()) == (60, 80)


def test_reads_with_fields_typed_by_the_clerk_in_small_chunks(card: VirtualCard) -> None:
    key = BacKey.from_fields("c01x00t47", "850412", "310927", document_number_check="8",
                             birth_date_check="4", expiry_date_check="0")
    assert key.mrz_information == card.chip.holder.mrz_information
    data = _reader(chunk_size=0x40).read_passport(key)
    assert data.face_image == FACE_JPEG


def test_the_identity_reader_interface(card: VirtualCard) -> None:
    from workstation.devices.idcard import ReaderSettings, create_reader
    from workstation.domain.identity import CardType, Sex, document_problems, expiry

    reader = create_reader(ReaderSettings(backend="pcsc-passport", port=READER, options={"chunk_size": 200}))
    assert reader.backend == "pcsc-passport"
    with reader:
        status = reader.status()
        assert status.ready and "passport on the reader" in status.detail
        reader.set_access_key("\n".join(card.chip.holder.mrz_lines))     # as an MRZ scanner types it
        document = reader.read()
    assert document.card_type == CardType.PASSPORT
    assert (document.id_number, document.english_name, document.nationality) == \
        ("C01X00T47", "HARTMANN, LENA MARIE", "UTO")
    assert document.sex == Sex.FEMALE and document.birth_date.isoformat() == "1985-04-12"
    assert document.valid_to.isoformat() == "2031-09-27" and expiry(document).state.value in ("valid", "expiring")
    assert document.photo == FACE_JPEG and document.photo_format == "jpeg"
    assert document_problems(document) == []
    assert "C01X00T47" not in repr(document)


def test_errors_are_the_interface_errors(card: VirtualCard) -> None:
    from workstation.devices import idcard
    from workstation.devices.passport import MrzRequiredError, PcscPassportReader

    with pytest.raises(MrzRequiredError) as caught:
        PcscPassportReader(READER).read()
    assert isinstance(caught.value, idcard.ReaderError) and caught.value.outcome == "mrz_required"
    reader = PcscPassportReader(READER, key=BacKey("C01X00T47", "850412", "310928"))
    with pytest.raises(idcard.ReaderRefused) as refused:
        reader.read()
    assert refused.value.outcome == "access_denied" and "C01X00T47" not in str(refused.value)


def test_a_wrong_mrz_is_refused_clearly(card: VirtualCard) -> None:
    from workstation.devices.passport import AccessDeniedError

    wrong = BacKey("C01X00T47", "850413", "310927")          # birth date off by one day
    with pytest.raises(AccessDeniedError, match="does not match this passport"):
        _reader().read_passport(wrong)
    assert "00820000" in card.chip.log and not card.chip.authenticated


def test_card_removed_mid_read_is_reported_clearly(card: VirtualCard, chip: EmrtdChip) -> None:
    from workstation.devices.passport import CardRemovedError

    chip.pull_during_read = (FID_DG2, 600)
    key = chip.holder.mrz_lines
    with pytest.raises(CardRemovedError, match=r"removed from the reader .*while reading DG2"):
        _reader().read_passport(BacKey.from_mrz("\n".join(key)))
    assert not card.inserted

    chip.pull_during_read = None                              # put it back: it reads again
    card.insert()
    wait_for(lambda: _card_present(READER), "the card is back", timeout=15.0)
    assert _reader().read_passport(BacKey.from_mrz("\n".join(key))).face_image == FACE_JPEG


def test_a_bad_secure_messaging_mac_is_reported(card: VirtualCard, chip: EmrtdChip) -> None:
    from workstation.devices.passport import SecureMessagingFailure

    chip.corrupt_response_mac = True
    with pytest.raises(SecureMessagingFailure, match="MAC"):
        _reader().read_passport(BacKey.from_mrz("\n".join(chip.holder.mrz_lines)))


def test_no_card_and_no_reader(card: VirtualCard, chip: EmrtdChip) -> None:
    from workstation.devices.passport import NoCardError, NoReaderError, PcscPassportReader

    card.remove()
    wait_for(lambda: not _card_present(READER), "pcscd sees the card gone", timeout=15.0)
    key = BacKey.from_mrz("\n".join(chip.holder.mrz_lines))
    with pytest.raises(NoCardError, match="no passport on the reader") as caught:
        _reader().read_passport(key)
    assert caught.value.outcome == "no_card"
    status = _reader().status()
    assert status.ready and "no passport" in status.detail
    with pytest.raises(NoReaderError, match="not connected"):
        PcscPassportReader("Reader That Is Not There").read_passport(key)


# --- the monitor ---------------------------------------------------------------------------

class Recorder:
    def __init__(self) -> None:
        self.snapshots: list[Any] = []
        self.lock = threading.Lock()

    def __call__(self, snapshot: Any) -> None:
        with self.lock:
            self.snapshots.append(snapshot)

    def last(self) -> Any:
        with self.lock:
            return self.snapshots[-1] if self.snapshots else None

    def card_atr(self) -> bytes | None:
        last = self.last()
        return None if last is None else last.cards.get(READER)


def test_monitor_sees_card_removal_and_insertion(card: VirtualCard) -> None:
    from workstation.devices.passport import ReaderMonitor

    seen = Recorder()
    with ReaderMonitor(seen, poll_timeout=0.3):
        wait_for(lambda: seen.card_atr() == ATR, "the monitor sees the card with its ATR", timeout=15.0)
        card.remove()
        wait_for(lambda: seen.last().service_available and READER in seen.last().reader_names
                  and READER not in seen.last().cards, "the monitor sees the card removed", timeout=15.0)
        card.insert()
        wait_for(lambda: seen.card_atr() == ATR, "the monitor sees the card again", timeout=15.0)


def test_monitor_survives_a_pcscd_restart(pcscd: PcscDaemon, card: VirtualCard) -> None:
    from workstation.devices.passport import PcscPassportReader, PcscServiceError, ReaderMonitor

    seen = Recorder()
    monitor = ReaderMonitor(seen, poll_timeout=0.3, min_backoff=0.05, max_backoff=0.5)
    with monitor:
        wait_for(lambda: seen.card_atr() == ATR, "the monitor sees the card", timeout=15.0)
        pcscd.stop()
        wait_for(lambda: not seen.last().service_available, "the monitor reports the service gone", timeout=15.0)
        assert seen.last().error and seen.last().readers == ()
        status = PcscPassportReader(READER).status()
        assert not status.ready and "not running" in status.detail
        with pytest.raises(PcscServiceError, match="pcscd"):
            PcscPassportReader(READER).read_passport(BacKey.from_mrz("\n".join(card.chip.holder.mrz_lines)))

        pcscd.start()          # the card, still "in the reader", reconnects to the new vpcd
        wait_for(lambda: seen.card_atr() == ATR, "the monitor sees the reader and card after the restart", timeout=15.0)
        snapshot = seen.last()
        assert snapshot.service_available and snapshot.error is None and snapshot.last_error
        info = monitor.diagnostics()
        assert info["contexts_established"] >= 2 and info["errors"] >= 1
        assert READER in info["readers_seen"] and info["atrs_seen"][READER] == ATR.hex(" ").upper()
        assert info["pyscard"][0].isdigit() and info["pcsc"].startswith("pcsc-lite")
        assert info["last_error"] and info["last_error_at"]
        # and the reader reads again through the restarted service
        data = PcscPassportReader(READER).read_passport(BacKey.from_mrz("\n".join(card.chip.holder.mrz_lines)))
        assert data.face_image == FACE_JPEG
    assert monitor._thread is None


def test_card_read_command_reads_a_passport_with_its_mrz(card: VirtualCard, tmp_path, monkeypatch, capsys) -> None:
    """`python main.py card read --backend pcsc-passport --mrz …` for IT, masked JSON."""
    import json

    from workstation.cardcli import main

    monkeypatch.setenv("COUNTER_HOME", str(tmp_path / "home"))
    mrz = "".join(card.chip.holder.mrz_lines)
    assert main(["read", "--backend", "pcsc-passport", "--port", READER, "--mrz", mrz]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["document"]["card_type"] == "passport"
    assert "C01X00T47" not in json.dumps(printed, ensure_ascii=False)
    assert main(["read", "--backend", "pcsc-passport", "--port", READER]) == 2
    assert "--mrz" in capsys.readouterr().err
    assert main(["read", "--backend", "pcsc-passport", "--port", READER, "--mrz", mrz[:-1] + "X"]) == 2


# --- Passive Authentication ----------------------------------------------------------------

@pytest.fixture(scope="module")
def utopia():
    """The test issuing state: its CSCA signs the Document Signer that signs the chips' SODs."""
    from tests.workstation.emrtd_pki import IssuingState

    return IssuingState.make("UT", "CSCA Utopia")


@pytest.fixture
def trust_file(tmp_path: Path, utopia) -> Path:
    """IT's trust list: a PEM bundle with another state's CSCA and Utopia's."""
    from tests.workstation.emrtd_pki import IssuingState

    path = tmp_path / "csca.pem"
    path.write_bytes(IssuingState.make("AT", "CSCA Atlantis").csca_pem() + utopia.csca_pem())
    return path


def _key(chip: EmrtdChip) -> BacKey:
    return BacKey.from_mrz("\n".join(chip.holder.mrz_lines))


def test_a_genuine_chip_is_verified_against_the_trust_list(card: VirtualCard, chip: EmrtdChip, utopia,
                                                          trust_file: Path) -> None:
    from workstation.domain.identity import ChipAuthState

    chip.files[FID_EF_SOD] = utopia.sign_sod(chip.data_groups)
    data = _reader(csca=trust_file).read_passport(_key(chip))
    assert data.chip_auth.state is ChipAuthState.VERIFIED
    assert "CSCA Utopia" in data.chip_auth.detail
    assert data.face_image == FACE_JPEG
    assert data.to_identity_document().chip_auth == data.chip_auth
    # the same chip, no trust list configured: its signature checks out but nothing vouches for it
    alone = _reader().read_passport(_key(chip))
    assert alone.chip_auth.state is ChipAuthState.UNVERIFIED and "no CSCA trust list" in alone.chip_auth.detail
    # a folder of certificates works as well as a bundle, and small chunks read EF.SOD whole
    folder = trust_file.parent / "csca.d"
    folder.mkdir()
    (folder / "utopia.pem").write_bytes(utopia.csca_pem())
    assert _reader(csca=folder, chunk_size=0x30).read_passport(_key(chip)).chip_auth.state is ChipAuthState.VERIFIED


def test_a_tampered_dg1_is_refused_and_audited(card: VirtualCard, chip: EmrtdChip, utopia, trust_file: Path,
                                              store) -> None:
    from tests.workstation.emrtd_card import build_dg1
    from workstation.app.card_reading import CardReading
    from workstation.devices.idcard import ProtocolError
    from workstation.devices.passport import ChipTamperedError
    from workstation.domain.identity import ChipAuthState

    chip.files[FID_EF_SOD] = utopia.sign_sod(chip.data_groups)
    # the same document number and dates (BAC still opens it), another name written into DG1
    chip.files[FID_DG1] = build_dg1(Holder(surname="MUSTERMANN"))
    with pytest.raises(ChipTamperedError, match="DG1 does not match") as caught:
        _reader(csca=trust_file).read_passport(_key(chip))
    assert isinstance(caught.value, ProtocolError) and caught.value.outcome == "chip_tampered"
    assert caught.value.chip_auth.state is ChipAuthState.TAMPERED
    assert "MUSTERMANN" not in str(caught.value) and "C01X00T47" not in str(caught.value)

    reading = CardReading(store, _reader(csca=trust_file, key=_key(chip)), "ws-pa-test")
    with pytest.raises(ChipTamperedError):
        reading.read("clerk1", 3)
    record = [r for r in store.next_batch(100) if r.kind == "audit.card_read"][-1].payload
    assert record["outcome"] == "chip_tampered" and record["chip_auth"] == "tampered"
    assert "DG1" in record["chip_auth_detail"] and record["id_masked"] is None
    reading.close()


def test_a_signature_over_other_data_is_refused(card: VirtualCard, chip: EmrtdChip, utopia,
                                                trust_file: Path) -> None:
    from workstation.devices.passport import ChipTamperedError

    sod = bytearray(utopia.sign_sod(chip.data_groups))
    sod[-3] ^= 0x40                       # a bit of the RSA signature (the SOD's last bytes)
    chip.files[FID_EF_SOD] = bytes(sod)
    with pytest.raises(ChipTamperedError, match="signature .* does not verify"):
        _reader(csca=trust_file).read_passport(_key(chip))


def test_a_document_signer_of_an_unknown_csca_is_usable_but_flagged(card: VirtualCard, chip: EmrtdChip,
                                                                    trust_file: Path) -> None:
    from tests.workstation.emrtd_pki import IssuingState
    from workstation.domain.identity import ChipAuthState

    forger = IssuingState.make("UT", "CSCA Utopia")      # same name as the trusted CSCA, another key
    chip.files[FID_EF_SOD] = forger.sign_sod(chip.data_groups)
    data = _reader(csca=trust_file).read_passport(_key(chip))
    assert data.chip_auth.state is ChipAuthState.UNKNOWN_CSCA and data.chip_auth.usable
    assert data.surname == "HARTMANN"
    stranger = IssuingState.make("NR", "CSCA Nowhere")
    chip.files[FID_EF_SOD] = stranger.sign_sod(chip.data_groups)
    data = _reader(csca=trust_file).read_passport(_key(chip))
    assert data.chip_auth.state is ChipAuthState.UNKNOWN_CSCA and "not in the CSCA trust list" in data.chip_auth.detail


def test_a_chip_without_sod_or_with_a_broken_trust_list_is_not_verifiable(card: VirtualCard, chip: EmrtdChip,
                                                                          utopia, tmp_path: Path) -> None:
    from workstation.domain.identity import ChipAuthState

    assert FID_EF_SOD not in chip.files
    broken = tmp_path / "broken.pem"
    broken.write_text("not a certificate")
    data = _reader(csca=broken).read_passport(_key(chip))
    assert data.chip_auth.state is ChipAuthState.UNVERIFIED and "no security object" in data.chip_auth.detail
    assert data.face_image == FACE_JPEG
    chip.files[FID_EF_SOD] = utopia.sign_sod(chip.data_groups)
    data = _reader(csca=broken).read_passport(_key(chip))
    assert data.chip_auth.state is ChipAuthState.UNVERIFIED and "no usable certificate" in data.chip_auth.detail
    # IT fixes the file: the same reader picks it up at the next read
    broken.write_bytes(utopia.csca_pem())
    reader = _reader(csca=broken)
    assert reader.read_passport(_key(chip)).chip_auth.state is ChipAuthState.VERIFIED


def test_the_clerks_reader_panel_shows_the_chip_check(qtbot, qapp, card: VirtualCard, chip: EmrtdChip, utopia,
                                                      trust_file: Path, store) -> None:
    """The applicant panel (the clerk's reader panel) in Chinese: a verified chip fills in and
    says 芯片数据已验证; a chip of an untrusted issuer fills in with a warning; a tampered chip
    fills in nothing and says 芯片数据被篡改; the GUI thread never reads the card."""
    from tests.workstation.emrtd_card import build_dg1
    from tests.workstation.emrtd_pki import IssuingState
    from ui.clerk.applicant_panel import ApplicantPanel
    from ui.style import install_translator
    from workstation.app.card_reading import CardReading

    assert install_translator(qapp, "zh_CN")
    reading = CardReading(store, _reader(csca=trust_file), "ws-pa-panel", gui_thread=threading.main_thread())
    try:
        panel = ApplicantPanel()
        qtbot.addWidget(panel)
        panel.set_reader(reading, "clerk1", 3)
        panel.show()
        qtbot.waitExposed(panel)
        panel.mrz.setText("\n".join(chip.holder.mrz_lines))

        def read() -> None:
            panel.read_button.click()
            assert panel.message.text() == "正在读取证件…" and not panel.read_button.isEnabled()
            qtbot.waitUntil(panel.read_button.isEnabled, timeout=30000)

        chip.files[FID_EF_SOD] = utopia.sign_sod(chip.data_groups)
        read()
        assert panel.chip_check.isVisible() and panel.chip_check.text() == "护照芯片：芯片数据已验证"
        assert panel.chip_check.property("state") == "verified"
        assert panel.name.text().startswith("H") and not panel.photo.isHidden()

        chip.files[FID_EF_SOD] = IssuingState.make("NR", "CSCA Nowhere").sign_sod(chip.data_groups)
        read()
        assert panel.chip_check.text() == "护照芯片：签发机构证书不在信任列表"
        assert "人工核对护照" in panel.message.text() and panel.name.text().startswith("H")

        chip.files[FID_EF_SOD] = utopia.sign_sod(chip.data_groups)
        chip.files[FID_DG1] = build_dg1(Holder(surname="MUSTERMANN"))
        read()
        assert panel.chip_check.text() == "护照芯片：芯片数据被篡改"
        assert panel.chip_check.property("state") == "tampered"
        assert panel.message.text().startswith("芯片数据被篡改：不予采用")
        assert panel.name.text() == "" and panel.id_number.text() == "" and panel.photo.isHidden()
        assert panel.applicant_fields.document is None

        outcomes = [(r.payload["outcome"], r.payload.get("chip_auth"))
                    for r in store.next_batch(100) if r.kind == "audit.card_read"]
        assert outcomes == [("ok", "verified"), ("ok", "unknown_csca"), ("chip_tampered", "tampered")]
    finally:
        reading.close()
        install_translator(qapp, "en")


def test_card_read_command_shows_the_chip_check(card: VirtualCard, chip: EmrtdChip, utopia, trust_file: Path,
                                                tmp_path, monkeypatch, capsys) -> None:
    """IT's `card read --csca FILE`: the chip check in the JSON; a tampered chip is a reader error."""
    import json

    from tests.workstation.emrtd_card import build_dg1
    from workstation.cardcli import main

    monkeypatch.setenv("COUNTER_HOME", str(tmp_path / "home"))
    mrz = "".join(chip.holder.mrz_lines)
    chip.files[FID_EF_SOD] = utopia.sign_sod(chip.data_groups)
    assert main(["read", "--backend", "pcsc-passport", "--port", READER, "--mrz", mrz, "--csca", str(trust_file)]) == 0
    assert json.loads(capsys.readouterr().out)["document"]["chip_auth"]["state"] == "verified"
    chip.files[FID_DG1] = build_dg1(Holder(surname="MUSTERMANN"))
    assert main(["read", "--backend", "pcsc-passport", "--port", READER, "--mrz", mrz, "--csca", str(trust_file)]) == 4
    assert "failed Passive Authentication" in capsys.readouterr().err
