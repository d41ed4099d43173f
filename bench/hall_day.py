"""Simulated hall days with faults, over several seeds (issue #17).

Run by hand:  .venv/bin/python bench/hall_day.py [--seeds 20] [--first 1] [--windows 8]
              [--applicants 600] [--speed 60] [--db URL] [--no-faults]

Each seed is one `main.py simulate day --faults` (a real server, a process per window, a
kiosk, the display's stream, the supervisor's client; the server killed and restarted, the
queue writer killed, a window killed mid-case, a window's link cut through the proxy, a card
reader unplugged mid-read, a window's store on a full tmpfs). Prints per seed and summed:
lost records, duplicated records, double-called tickets, statistics differences (all must
be 0), the longest time a window could not call or save during a fault (the workstation's
own view), how long after the server's return every outbox was empty, and the CPU seconds
and peak memory of each process over the day."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOST = ("records_lost", "records_held_not_on_server", "records_not_kept_by_window", "tickets_not_ended",
        "applicants_without_ticket")
DUPLICATED = ("records_duplicated", "records_on_server_unknown")
CHANGED = ("records_changed", "records_held_differ", "documents_bytes_differ", "audit_chain_problems")


def run(seed: int, args: argparse.Namespace, folder: Path) -> dict:
    out = folder / f"seed{seed}"
    command = [sys.executable, str(REPO / "main.py"), "simulate", "day", "--seed", str(seed), "--out", str(out),
               "--windows", str(args.windows), "--applicants", str(args.applicants), "--speed", str(args.speed),
               "--faults" if args.faults else "--no-faults"]
    if args.db:
        command += ["--db", args.db.replace("{seed}", str(seed))]
    started = time.monotonic()
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    took = time.monotonic() - started
    path = out / "result.json"
    if not path.exists():
        print(f"seed {seed}: the day did not finish (exit {result.returncode}):\n{result.stderr[-2000:]}")
        return {"failed": True, "took": took}
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(code=result.returncode, took=took)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--windows", type=int, default=8)
    parser.add_argument("--applicants", type=int, default=600)
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--db", default="", help="a database URL; {seed} is replaced (one database a seed)")
    parser.add_argument("--faults", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hall-days-"))
    totals = {"lost": 0, "duplicated": 0, "changed": 0, "double_called": 0, "statistics": 0, "failed": 0}
    worst_call = worst_save = worst_drain = 0.0
    usage: dict[str, list[str]] = {}
    print(f"{'seed':>4} {'exit':>4} {'lost':>4} {'dup':>4} {'chg':>4} {'2call':>5} {'stat':>4} "
          f"{'no-call s':>9} {'no-save s':>9} {'drain s':>7} {'took s':>6}")
    for seed in range(args.first, args.first + args.seeds):
        data = run(seed, args, folder)
        if data.get("failed"):
            totals["failed"] += 1
            continue
        d, f = data["differences"], data["figures"]
        lost = sum(d.get(n, 0) for n in LOST)
        duplicated = sum(d.get(n, 0) for n in DUPLICATED)
        changed = sum(d.get(n, 0) for n in CHANGED)
        double = d.get("tickets_called_twice", 0) + d.get("display_missed_calls", 0)
        statistics = sum(v for n, v in d.items() if n.startswith("statistics_") or n == "deadline_levels")
        for name, value in (("lost", lost), ("duplicated", duplicated), ("changed", changed),
                            ("double_called", double), ("statistics", statistics)):
            totals[name] += value
        call = float(f.get("longest_unable_to_call_seconds", 0))
        save = float(f.get("longest_unable_to_save_seconds", 0))
        drain_text = f.get("outboxes_empty_after_server_return_seconds", "-")
        drain = float(drain_text) if drain_text not in ("-", "") else 0.0
        worst_call, worst_save, worst_drain = max(worst_call, call), max(worst_save, save), max(worst_drain, drain)
        for name, value in f.items():
            if name.startswith("process_"):
                usage.setdefault(name[8:], []).append(value)
        print(f"{seed:>4} {data['code']:>4} {lost:>4} {duplicated:>4} {changed:>4} {double:>5} {statistics:>4} "
              f"{call:>9.1f} {save:>9.1f} {drain_text:>7} {data['took']:>6.0f}", flush=True)
    print()
    for name, value in totals.items():
        print(f"total_{name} {value}")
    print(f"longest_unable_to_call_seconds {worst_call:.1f}  (real seconds; x speed for the hall's)")
    print(f"longest_unable_to_save_seconds {worst_save:.1f}")
    print(f"outboxes_empty_after_server_return_seconds {worst_drain:.1f}")
    for name, values in sorted(usage.items()):
        print(f"process {name}: {' | '.join(values)}")
    print(f"days kept in {folder}")
    return 0 if not any(totals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
