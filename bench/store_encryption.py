"""The cost of encrypting the local store (#14, personal data at rest), per record saved.

Run by hand:  .venv/bin/python bench/store_encryption.py [--saves 300]

Saves the same records into two stores in a temporary folder, one encrypted (AES-GCM,
key from a memory keyring) and one plain (as on a PC without an OS keyring), alternating
so that both see the same disk and load: a case as the counter saves it (about 2 KB of
JSON), a 60 KB PDF with its `document` record, and a signature (20 KB). Each save is a
real transaction with synchronous=FULL, as at the counter. Then reads back what the
window's look-ups read (a case by number among all saved, the outbox's next batch).
Prints lines `name value unit`; the *_overhead lines are encrypted minus plain. The
clerk notices nothing below a few milliseconds per save."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keyring  # noqa: E402
import keyring.backends.fail  # noqa: E402

from tests.support.keyring_backend import MemoryKeyring  # noqa: E402
from workstation.store.crypto import Sealer, new_key  # noqa: E402
from workstation.store.local import LocalStore  # noqa: E402


def case_payload(n: int) -> dict:
    return {"case_number": f"32010520261204{n:05d}", "item": {"name": "个体工商户设立登记", "code": "X" * 36,
            "department": {"name": "区市场监督管理局", "code": "11010500000000000X"}},
            "applicant": {"name": "欧阳娜娜", "id_type": "居民身份证", "id_number": "11010519491231002X",
                          "phone": "13912345678", "kind": 1},
            "materials": [{"material_id": f"m{i}", "name": "材料" * 8, "originals": 1, "copies": 1}
                          for i in range(12)],
            "decision": {"code": "accept", "deficiencies": []}, "note": "材料齐全，准予受理。" * 20}


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()
    pdf = b"%PDF-1.7\n" + os.urandom(60_000)
    signature = {"case_number": "x", "png": os.urandom(15_000).hex()[:20_000]}

    # The cipher alone, on the case's JSON.
    sealer = Sealer(new_key())
    plain = repr(case_payload(1)).encode()
    bound = os.urandom(16)
    n = 20_000
    start = time.perf_counter()
    for _ in range(n):
        sealer.open(sealer.seal(plain, bound), bound)
    print(f"seal_and_open_case_json {(time.perf_counter() - start) / n * 1e6:.1f} us ({len(plain)} bytes)")

    with tempfile.TemporaryDirectory() as folder:
        keyring.set_keyring(MemoryKeyring())
        sealed_store = LocalStore(Path(folder) / "sealed.sqlite3")
        keyring.set_keyring(keyring.backends.fail.Keyring())
        plain_store = LocalStore(Path(folder) / "plain.sqlite3")
        assert sealed_store.encrypted and not plain_store.encrypted
        times: dict[tuple[str, str], list[float]] = {}
        for i in range(args.saves):
            for name, store in (("encrypted", sealed_store), ("plain", plain_store)):
                times.setdefault(("case", name), []).append(timed(lambda s=store, i=i: s.add_record("case", case_payload(i))))
                times.setdefault(("document", name), []).append(timed(lambda s=store, i=i: s.add_document(
                    pdf[:-8] + i.to_bytes(8, "big"), [("signature", signature),
                                                      ("document", {"case_number": f"c{i}", "sha256": "0" * 64})])))
        for what in ("case", "document"):
            medians = {}
            for name in ("encrypted", "plain"):
                values = times[(what, name)]
                medians[name] = statistics.median(values)
                print(f"save_{what}_{name}_p50 {medians[name]:.2f} ms")
                print(f"save_{what}_{name}_p99 {percentile(values, 99):.2f} ms")
            print(f"save_{what}_overhead_p50 {medians['encrypted'] - medians['plain']:.2f} ms")
        for name, store in (("encrypted", sealed_store), ("plain", plain_store)):
            look = [timed(lambda s=store, i=i: s.records_of("case", case_number=f"32010520261204{i:05d}"))
                    for i in range(0, args.saves, 10)]
            print(f"find_case_by_number_{name}_p50 {statistics.median(look):.2f} ms (of {args.saves})")
            every = timed(lambda s=store: s.records_of("case"))
            print(f"read_all_{args.saves}_cases_{name} {every:.1f} ms")
            batch = timed(lambda s=store: s.next_batch(500))
            print(f"next_batch_500_{name} {batch:.1f} ms")
        sealed_store.close()
        plain_store.close()


if __name__ == "__main__":
    main()
