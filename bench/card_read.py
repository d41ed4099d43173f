"""Reading a resident ID card over the serial backend, from card present to applicant data
parsed, against the simulated certified reader on a pseudo-terminal.

Run by hand:  .venv/bin/python bench/card_read.py [--reads 20] [--baudrate 115200]

The simulator paces every reply at the line rate (10 bits a byte, 8N1) and lets each
request take its own wire time before answering, so the figures include the wire as a
real reader's would; it spends no time of its own (a real SAM adds its card access).
The 1,295-byte read reply alone takes about 113 ms at 115200 baud.

Prints lines `name value unit`. Target: card_read_p99 ≤ 1.5 × the read reply's wire time
plus the wire time of find and select (card_read_target).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workstation.devices.sam_serial import READ_REPLY, SamSerialReader, wire_seconds  # noqa: E402
from workstation.simulation.sim_reader import SimulatedReader, card  # noqa: E402

REQUEST = 10  # every request frame: preamble, LEN, CMD, PARA, CHK
FIND_REPLY = 15  # status and 4 bytes
SELECT_REPLY = 19  # status and 8 bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--baudrate", type=int, default=115200)
    args = parser.parse_args()

    reply_floor = wire_seconds(READ_REPLY, args.baudrate)
    find_select = wire_seconds(2 * REQUEST + FIND_REPLY + SELECT_REPLY, args.baudrate)
    wire_floor = wire_seconds(3 * REQUEST + FIND_REPLY + SELECT_REPLY + READ_REPLY, args.baudrate)
    target = 1.5 * reply_floor + find_select

    timings = []
    with SimulatedReader(card(), baudrate=args.baudrate, pace=True) as sim:
        with SamSerialReader(sim.port, baudrate=args.baudrate) as reader:
            reader.read()  # warm-up: imports, first open of the tty
            for _ in range(args.reads):
                started = time.perf_counter()
                document = reader.read()
                timings.append(time.perf_counter() - started)
                assert document.id_number.endswith("1233")

    timings.sort()
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    print(f"card_read_p50 {statistics.median(timings) * 1000:.1f} ms")
    print(f"card_read_p99 {p99 * 1000:.1f} ms")
    print(f"card_read_max {timings[-1] * 1000:.1f} ms")
    print(f"card_read_reply_wire {reply_floor * 1000:.1f} ms")
    print(f"card_read_wire_floor {wire_floor * 1000:.1f} ms")
    print(f"card_read_target {target * 1000:.1f} ms")
    print(f"card_read_reads {len(timings)} reads")
    return 0 if p99 <= target else 1


if __name__ == "__main__":
    sys.exit(main())
