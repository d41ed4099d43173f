"""Passive Authentication of a passport chip's data, without the reader: parse EF.SOD, hash
DG1 and DG2, verify the Document Signer's signature and the DS certificate against a trust
list of `--cscas` CSCA certificates (the test issuing state's among them).

Run by hand:  .venv/bin/python bench/passive_auth.py [--runs 200] [--cscas 300]

The test state's DS key is RSA 2048 (SHA-256, PKCS#1 v1.5) and its CSCA ECDSA P-256, as
many states' are. Prints lines `name value unit`: the SOD's size, the trust list's load time,
and the p50 / p99 of one check. Target: pa_check_p99 well under the time the chip takes to
send EF.SOD over secure messaging (tens of milliseconds at least).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.workstation.emrtd_card import Holder, build_dg1, build_dg2  # noqa: E402
from tests.workstation.emrtd_pki import IssuingState  # noqa: E402
from workstation.devices.passive_auth import TrustList, passive_authentication  # noqa: E402
from workstation.domain.identity import ChipAuthState  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--cscas", type=int, default=300, help="CSCA certificates in the trust list")
    args = parser.parse_args()

    state = IssuingState.make("UT", "CSCA Utopia")
    groups = {1: build_dg1(Holder()), 2: build_dg2()}
    sod = state.sign_sod(groups)
    others = [IssuingState.make(f"X{i % 10}", f"CSCA {i}").csca_pem() for i in range(max(0, args.cscas - 1))]
    with tempfile.TemporaryDirectory() as folder:
        bundle = Path(folder) / "csca.pem"
        bundle.write_bytes(b"".join(others) + state.csca_pem())
        start = time.perf_counter()
        trust = TrustList.load(bundle)
        load_ms = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        result = passive_authentication(sod, groups, trust)
        times.append((time.perf_counter() - start) * 1000)
        assert result.state is ChipAuthState.VERIFIED, result
    times.sort()
    print(f"sod_size {len(sod)} bytes")
    print(f"trust_list_certificates {len(trust)} certs")
    print(f"trust_list_load {load_ms:.1f} ms")
    print(f"pa_check_p50 {statistics.median(times):.2f} ms")
    print(f"pa_check_p99 {times[min(len(times) - 1, int(len(times) * 0.99))]:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
