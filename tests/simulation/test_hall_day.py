"""#17: `main.py simulate day` as a hall would run it: a short day with every fault, on
SQLite and on PostgreSQL, must end with every check's difference 0; and a window that
loses one record on purpose must make the comparison fail (the check bites)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.hall_server import REPO

LINE = re.compile(r"^([a-z0-9_\-]+) (.*)$")


def simulate(tmp_path, *options: str, env: dict | None = None, timeout: float = 280) -> tuple[int, dict, str]:
    import os

    result = subprocess.run([sys.executable, str(REPO / "main.py"), "simulate", "day", "--out", str(tmp_path / "day"),
                             *options], cwd=REPO, capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, **(env or {})})
    figures = {}
    for line in result.stdout.splitlines():
        match = LINE.match(line)
        if match:
            figures[match.group(1)] = match.group(2)
    return result.returncode, figures, result.stdout + result.stderr[-3000:]


def differences(stdout: str) -> list[tuple[str, int]]:
    """The check lines: they come first, up to the first figure (`applicants`)."""
    found = []
    for line in stdout.splitlines():
        name, _, value = line.partition(" ")
        if name == "applicants":
            break
        if value.strip().lstrip("-").isdigit():
            found.append((name, int(value)))
    return found


@pytest.mark.timeout(300)
def test_a_short_day_with_faults_loses_nothing_and_its_figures_are_true(db_url, tmp_path):
    options = ["--windows", "4", "--applicants", "24", "--seed", "7", "--speed", "600", "--faults"]
    if db_url.startswith("postgresql"):
        options += ["--db", db_url]
    code, figures, output = simulate(tmp_path, *options)
    checks = differences(output)
    assert len(checks) >= 25, output
    wrong = [(name, value) for name, value in checks if value]
    assert code == 0 and not wrong, output
    # the day happened, with its faults
    assert int(figures["tickets_issued"]) == 24 and int(figures["cases"]) > 10, output
    for fault in ("server", "workstation", "network", "reader", "disk"):
        assert f"fault_{fault}" in figures and "skipped" not in figures[f"fault_{fault}"], output
    if db_url.startswith("sqlite"):
        assert "skipped" not in figures["fault_queue-writer"], output
    report = (tmp_path / "day" / "report.html").read_text(encoding="utf-8")
    assert report.count("<svg") == 3 and "every check agrees" in report


@pytest.mark.timeout(300)
def test_a_window_that_drops_a_record_fails_the_comparison(tmp_path):
    code, figures, output = simulate(tmp_path, "--windows", "2", "--applicants", "6", "--seed", "3", "--speed", "900",
                                     "--no-faults", env={"COUNTER_SIM_DROP_RECORD": "1"})
    checks = dict(differences(output))
    assert code == 1, output
    assert checks["records_lost"] == 1 and checks["statistics_ratings_total"] == 1, output
    # the differences come first
    lines = [line for line in output.splitlines() if line.split(" ")[0] in checks]
    assert lines[0].split()[1] != "0", output
