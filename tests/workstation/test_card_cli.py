"""`python main.py card read …` for IT: workstation.cardcli.main in process (and once as a
process of its own) against the simulated reader on a pty."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workstation.cardcli import main
from workstation.domain.audit import verify_chain
from workstation.simulation.sim_reader import SimulatedReader, card
from workstation.store.local import LocalStore

NUMBER = "110101199003071233"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """The workstation's folders (and so its audit store) under the test's folder."""
    monkeypatch.setenv("COUNTER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def sim():
    with SimulatedReader(card()) as reader:
        yield reader


def audit_records(home: Path) -> list:
    store = LocalStore(home / "data" / "workstation.sqlite3")
    try:
        return store.next_batch(1000)
    finally:
        store.close()


def test_read_prints_masked_json(home, sim, capsys):
    assert main(["read", "--backend", "serial", "--port", sim.port]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["masked"] is True and data["backend"] == "serial"
    document = data["document"]
    assert document["id_number"] == "110101********1233"
    assert document["name"] == "张*"
    assert document["birth_date"] == "1990-**-**"
    assert document["nation"] == {"code": "01", "name": "汉"}
    assert document["photo"] == {"format": "wlt", "bytes": 1024}
    assert data["problems"] == [] and data["expiry"]["state"] == "valid"
    assert NUMBER not in out + err and "张三" not in out + err
    (record,) = audit_records(home)
    assert record.kind == "audit.card_read" and record.payload["outcome"] == "ok"
    assert record.payload["clerk"].startswith("it:") and record.payload["chain"].startswith("cli:")


def test_reveal_prints_the_full_values_and_is_audited(home, sim, capsys):
    assert main(["card", "read", "--port", sim.port, "--reveal", "--clerk", "it-zhang"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["masked"] is False
    assert data["document"]["id_number"] == NUMBER and data["document"]["name"] == "张三"
    assert data["document"]["birth_date"] == "1990-03-07"
    records = audit_records(home)
    assert [r.kind for r in records] == ["audit.card_read", "audit.id_reveal"]
    assert records[1].payload["clerk"] == "it-zhang"
    assert NUMBER not in json.dumps([r.payload for r in records], ensure_ascii=False)
    assert verify_chain(records) == []


def test_no_card_exits_3(home, sim, capsys):
    sim.card = None
    assert main(["read", "--port", sim.port]) == 3
    out, err = capsys.readouterr()
    assert out == "" and "no card" in err
    assert audit_records(home)[0].payload["outcome"] == "no_card"


def test_a_silent_reader_exits_4(home, sim, capsys):
    sim.silent = True
    assert main(["read", "--port", sim.port, "--timeout", "0.3"]) == 4
    assert "did not answer" in capsys.readouterr().err


def test_a_port_that_does_not_exist_exits_4(home, tmp_path, capsys):
    assert main(["read", "--port", str(tmp_path / "ttyUSB7")]) == 4
    assert "ttyUSB7" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["read", "--backend", "smartcard"], "invalid choice"),
    (["read"], "card.port"),  # serial needs a port
    (["read", "--port", "x", "--timeout", "0"], "positive"),
    (["read", "--backend", "termb", "--port", "COM3"], "card.port"),
    (["read", "--backend", "termb", "--library", "/nonexistent/libtermb.so"], "does not exist"),
    (["list"], "invalid choice"),
    ([], "required"),
])
def test_usage_and_config_errors_exit_2(home, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_help_exits_0(capsys):
    assert main(["read", "--help"]) == 0
    assert "--reveal" in capsys.readouterr().out


def test_as_a_process(home, sim):
    """Exit code, stdout and stderr as IT sees them."""
    command = [sys.executable, "-c", "import sys; from workstation.cardcli import main; sys.exit(main(sys.argv[1:]))",
               "read", "--port", sim.port]
    env = {**os.environ, "COUNTER_HOME": str(home)}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["document"]["id_number"] == "110101********1233"
    sim.card = None
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr.strip() == "card read: no card on the reader"
