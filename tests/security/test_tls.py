"""TLS between the workstations and the hall server, through real processes: the server
serves HTTPS with the hall's certificate (--certfile/--keyfile), a workstation that trusts
the hall's CA (server.ca_file) enrols, syncs and logs in over it; a workstation trusting
another CA sends nothing and says why; plain http:// to a server that is not on this PC
is refused unless the config allows it."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.hall_server import DEMO_PASSWORD, HallServer
from tests.support.keyring_backend import MemoryKeyring
from tests.support.waiting import wait_for
from workstation.app.workstation import Stage, Workstation
from workstation.config import (
    ConfigError,
    InsecureServer,
    ServerSettings,
    Settings,
    SyncSettings,
    check_transport,
)
from workstation.config import load as load_config
from workstation.paths import Paths
from workstation.sync.client import HallClient, trust
from workstation.sync.errors import HallUntrusted

FAST_SYNC = SyncSettings(batch_size=500, max_backoff=0.5, poll_interval=1.0)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "测试政务服务中心"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(folder: Path, common: str) -> tuple[Path, ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(_name(common))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    path = folder / f"{common}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path, key, cert


def make_server_cert(folder: Path, ca_key, ca_cert: x509.Certificate) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name("hall-server")).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    certfile, keyfile = folder / "hall-server.pem", folder / "hall-server.key"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    keyfile.chmod(0o600)
    return certfile, keyfile


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pki")
    hall_ca, ca_key, ca_cert = make_ca(folder, "hall-ca")
    other_ca, _, _ = make_ca(folder, "other-ca")
    certfile, keyfile = make_server_cert(folder, ca_key, ca_cert)
    return {"ca": hall_ca, "other_ca": other_ca, "cert": certfile, "key": keyfile}


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory, demo_hall_seed, pki) -> Iterator[HallServer]:
    folder = tmp_path_factory.mktemp("tls-hall")
    url = f"sqlite:///{folder / 'hall.sqlite3'}"
    demo_hall_seed.fill_sqlite(url)
    hall = HallServer(url, demo=True, home=folder / "home", verify=str(pki["ca"]),
                      args=("--certfile", str(pki["cert"]), "--keyfile", str(pki["key"])))
    hall.start()
    yield hall
    hall.stop()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def make_workstation(tmp_path) -> Iterator:
    made: list[Workstation] = []

    def _make(server: ServerSettings, name: str = "ws") -> Workstation:
        root = tmp_path / name
        workstation = Workstation(Settings(server=server, sync=FAST_SYNC),
                                  Paths(root / "config", root / "data", root / "logs"))
        made.append(workstation)
        return workstation

    yield _make
    for workstation in made:
        workstation.shutdown()
    trust_reset = {w.url for w in made if w.url}
    for url in trust_reset:
        trust(url, None)


def test_the_server_speaks_https_only_with_its_certificate(tls_server, pki):
    assert tls_server.url.startswith("https://127.0.0.1:")
    answer = requests.get(tls_server.api("/health"), verify=str(pki["ca"]), timeout=30)
    assert answer.status_code == 200 and answer.json()["status"] == "ok"
    with pytest.raises(requests.exceptions.SSLError):  # the system's CAs do not know the hall's
        requests.get(tls_server.api("/health"), timeout=30)
    plain = tls_server.url.replace("https://", "http://")
    with pytest.raises(requests.exceptions.ConnectionError):  # no plain HTTP on the TLS port
        requests.get(f"{plain}/api/v1/health", timeout=30)


def test_a_workstation_trusting_the_halls_ca_enrols_syncs_and_logs_in(tls_server, pki, make_workstation):
    workstation = make_workstation(ServerSettings(url=tls_server.url, timeout=10.0, ca_file=str(pki["ca"])))
    connection = workstation.connect()
    assert connection.online and connection.untrusted is None
    assert connection.stage is Stage.NEEDS_ENROLMENT
    workstation.enrol(tls_server.new_code("workstation", 2))
    wait_for(lambda: workstation.hall_name(), "the catalogue and the hall are pulled over HTTPS")
    wait_for(lambda: workstation.status().stream, "the event stream is open over HTTPS")
    clerk = workstation.login("clerk1", DEMO_PASSWORD)
    assert clerk.online

    workstation.record("test.tls", {"事项": "居住证签注", "n": 1})
    wait_for(lambda: workstation.status().pending == 0, "the record is uploaded over HTTPS")
    supervisor = tls_server.login("supervisor")
    held = supervisor.get(tls_server.api("/records"), params={"kind": "test.tls"}, timeout=30).json()
    assert [r["payload"] for r in held["records"]] == [{"事项": "居住证签注", "n": 1}]


def test_a_workstation_trusting_another_ca_sends_nothing_and_says_why(tls_server, pki, make_workstation):
    client = HallClient(tls_server.url, timeout=10.0)
    client.verify = str(pki["other_ca"])
    with pytest.raises(HallUntrusted, match="not trusted: its certificate does not verify against "
                                            "the hall's CA in .*other-ca.pem"):
        client.health()
    client.close()

    workstation = make_workstation(ServerSettings(url=tls_server.url, timeout=10.0,
                                                  ca_file=str(pki["other_ca"])), "other")
    connection = workstation.connect()
    assert not connection.online
    assert connection.untrusted and "not trusted" in connection.untrusted
    assert connection.stage is Stage.NEEDS_ENROLMENT  # nothing was sent: no code was offered


def test_every_client_of_the_hall_verifies_alike(tls_server, pki):
    from workstation.sync.cases_client import CasesClient
    from workstation.sync.queue_client import QueueClient
    from workstation.sync.supervisor_client import SupervisorClient

    trust(tls_server.url, str(pki["other_ca"]))
    try:
        for kind in (HallClient, QueueClient, CasesClient, SupervisorClient):
            client = kind(tls_server.url, "ses_whatever", 10.0)
            with pytest.raises(HallUntrusted):
                client.health()
            with pytest.raises(HallUntrusted):
                next(client.events())
            client.close()
        trust(tls_server.url, str(pki["ca"]))
        for kind in (HallClient, QueueClient, CasesClient, SupervisorClient):
            client = kind(tls_server.url, None, 10.0)
            assert client.health().status == "ok"
            client.close()
    finally:
        trust(tls_server.url, None)


def test_plain_http_to_another_pc_is_refused_unless_the_config_allows_it(tmp_path, make_workstation):
    check_transport(ServerSettings(url="http://127.0.0.1:8765"))  # this PC: nothing crosses a wire
    check_transport(ServerSettings(url="http://localhost:8765"))
    check_transport(ServerSettings(url="http://[::1]:8765"))
    check_transport(ServerSettings(url="https://hall.example:8765"))
    check_transport(ServerSettings(url="http://10.1.2.3:8765", allow_plain_http=True))
    for url in ("http://10.1.2.3:8765", "http://hall.example", "http://127.0.0.1.example.com"):
        with pytest.raises(InsecureServer, match="plain http://.*allow_plain_http = true"):
            check_transport(ServerSettings(url=url))

    config = tmp_path / "counter.toml"
    config.write_text('[server]\nurl = "http://10.1.2.3:8765"\n', encoding="utf-8")
    settings = load_config(config)
    workstation = make_workstation(settings.server, "plain")
    with pytest.raises(InsecureServer):  # before anything is sent, or the store opened
        workstation.connect()
    assert workstation.store is None

    config.write_text('[server]\nurl = "http://10.1.2.3:8765"\nallow_plain_http = true\n'
                      'ca_file = "hall-ca.pem"\n', encoding="utf-8")
    settings = load_config(config)
    assert settings.server.allow_plain_http
    assert settings.server.ca_file == str(tmp_path / "hall-ca.pem")  # next to the config file
    check_transport(settings.server)

    config.write_text('[server]\nurl = "https://10.1.2.3:8765"\nca_file = "missing.pem"\n', encoding="utf-8")
    with pytest.raises(InsecureServer, match="missing.pem cannot be read"):
        check_transport(load_config(config).server)
    config.write_text('[server]\nallow_plain_http = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="allow_plain_http must be a bool"):
        load_config(config)


def test_the_server_refuses_a_key_that_is_not_the_certificates(tmp_path, pki):
    other_key = tmp_path / "other.key"
    other_key.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    hall = HallServer(f"sqlite:///{tmp_path / 'hall.sqlite3'}", demo=False, home=tmp_path / "home",
                      args=("--certfile", str(pki["cert"]), "--keyfile", str(other_key)))
    from tests.support.hall_server import HallServerError

    with pytest.raises(HallServerError, match="cannot be used together"):
        hall.start()
    result = hall.run_cli("--certfile", str(pki["cert"]))
    assert result.returncode != 0 and "needs both --certfile and --keyfile" in result.stderr
