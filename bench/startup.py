"""Process start to the login window shown, for the clerk workstation on its demo hall.

Run by hand:  .venv/bin/python bench/startup.py [--runs 5]
Prints lines `name value unit`. Target: ≤ 1.5 s on a 2-core machine."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def one_run(home: str) -> float:
    env = dict(os.environ, COUNTER_HOME=home, COUNTER_BENCH_STARTUP="1")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(REPO / "main.py")], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "login-window-shown":
            elapsed = time.perf_counter() - started
            break
    else:
        raise SystemExit("the workstation exited before showing the login window")
    process.wait(60)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        first = one_run(home)  # creates the config, the local store and its schema
        warm = [one_run(home) for _ in range(args.runs)]
    print(f"startup_first_run {first:.3f} s")
    print(f"startup_login_window_p50 {statistics.median(warm):.3f} s")
    print(f"startup_login_window_max {max(warm):.3f} s")


if __name__ == "__main__":
    main()
