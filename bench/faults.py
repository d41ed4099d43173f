"""The figures of issue #14 in one table: the fault and hostile-input tests run with their
own output shown, and the figure each prints collected.

Run by hand:  .venv/bin/python bench/faults.py [--quick] [-- PYTEST ARGS…]

Runs tests/faults (SIGKILLed workstation, server outage, cut and slow network, database
faults, a wrong clock), the GUI stall on a broken link, the API fuzz and the role matrix
through pytest (-s, so each test's figure line reaches us), then prints, per figure,
`name: value` as the test said it, and pytest's own summary. --quick shortens the outage
(COUNTER_OUTAGE_SECONDS=15) and runs the fuzz on SQLite only. The figures are those the
tests assert on (0 lost, 0 duplicated, 0 answers >= 500, 0 wrong cells); what they
measure (how many crash points, outage seconds, fuzz cases, matrix cells, the longest
GUI pause) is printed here and never a pass/fail criterion."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TESTS = ["tests/faults", "tests/ui/test_network_stall.py", "tests/security/test_fuzz.py",
         "tests/security/test_role_matrix.py"]
# The first words of each figure line the tests print (after a newline, under -s).
FIGURES = re.compile(r"^(crash points|outage |faults |GUI thread|PostgreSQL down|SQLite on a full|PC clock|"
                     r"fuzz on|role matrix|  [a-z-]+: \d{3} x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a 15 s outage and the fuzz on SQLite only")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args()
    env = dict(os.environ)
    selection = list(TESTS)
    if args.quick:
        env["COUNTER_OUTAGE_SECONDS"] = "15"
        selection = [t if t != "tests/security/test_fuzz.py" else "tests/security/test_fuzz.py::test_fuzz_every_operation_as_every_role[sqlite]"
                     for t in selection]
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider", *selection,
                             *args.pytest_args], cwd=REPO, env=env, capture_output=True, text=True)
    lines = result.stdout.splitlines()
    figures = [line.rstrip() for line in lines if FIGURES.match(line)]
    summary = next((line for line in reversed(lines) if re.search(r"\d+ (passed|failed|error)", line)), "")
    print(f"# issue #14 figures ({time.monotonic() - started:.0f} s)")
    for line in figures:
        print(line)
    print(f"# pytest: {summary.strip('= ')}")
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-2000:], sep="\n", file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
