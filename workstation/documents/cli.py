"""`python main.py document sample --kind KIND --out FILE [--sign]`: a sample document.

Builds a plausible case from the demo hall's data (a real item of its catalogue, materials
checked as the kind needs), writes the PDF and, with --sign, prints the demo hall's seal on it
and signs it with the demo PKI kept under the workstation's data folder, printing the CA
certificate's path for pdfsig."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from workstation.documents.builder import SealMark, build_document
from workstation.documents.seal import demo_seal
from workstation.documents.signing import PadesSigner, content_hash, demo_pki
from workstation.domain.case_number import CaseNumber, device_tag
from workstation.paths import default_paths, resources_dir

# The CLI's names of the kinds, and the decision code each stands for.
SAMPLE_KINDS = {
    "acceptance": "accept",
    "deficiency": "accept_with_deficiency",
    "commitment": "accept_on_commitment",
    "notice": "notify_once",
    "rejection": "reject",
}
SAMPLE_ITEM = "食品经营许可（新办）"  # allows 告知承诺 and has a 容缺后补 material


def demo_hall() -> dict[str, Any]:
    return json.loads((resources_dir() / "demo_hall" / "hall.json").read_text(encoding="utf-8"))


def _item(name: str) -> dict[str, Any]:
    items = json.loads((resources_dir() / "demo_hall" / "catalogue.json").read_text(encoding="utf-8"))
    return next(i for i in items if i["name"] == name)


def sample_case(kind: str, *, sequence: int = 1) -> dict[str, Any]:
    """A case payload shaped like GuideDesk.save_case's, for `kind` (a decision code)."""
    hall = demo_hall()
    item = _item(SAMPLE_ITEM)
    applied = datetime(2026, 3, 2, 1, 12, 5, tzinfo=UTC)  # 09:12 in the hall
    decided = datetime(2026, 3, 2, 1, 31, 40, tzinfo=UTC)
    number = CaseNumber(hall["region_code"], date(2026, 3, 2), 3, device_tag("demo-counter-03"), sequence)
    # The materials that apply to a plain application (no 自动设备, no agent).
    wanted = [m for m in item["materials"] if not m["applies_when"]]
    materials = []
    deficiencies: list[dict[str, Any]] = []
    notice: list[dict[str, Any]] = []
    committed: list[str] = []
    reason = ""
    for m in wanted:
        entry = {"id": m["id"], "name": m["name"], "necessity": m["necessity"], "status": "received",
                 "originals": m["original_count"], "copies": m["copy_count"], "reason": "", "received": True}
        if m.get("shareable"):
            entry.update(status="shared", originals=0, copies=0)
        if kind == "accept_with_deficiency" and m["necessity"] == 3:
            entry.update(status="missing", originals=0, copies=0, received=False)
            deficiencies.append({"material_id": m["id"], "material_name": m["name"], "due": "2026-03-16"})
        if kind == "accept_on_commitment" and m["necessity"] == 3:
            entry.update(status="missing", originals=0, copies=0, received=False, reason="告知承诺替代")
            committed.append(m["name"])
        materials.append(entry)
    if kind == "notify_once":
        by_id = {m["id"]: m for m in wanted}
        first, second = materials[0], materials[2]
        first.update(status="defective", reason="未经申请人签字", received=False)
        second.update(status="missing", originals=0, copies=0, received=False)
        for entry, problem, detail in ((first, "defective", "未经申请人签字"), (second, "missing", "")):
            notice.append({"material_id": entry["id"], "material_name": entry["name"], "problem": problem,
                           "detail": detail, "standards": list(by_id[entry["id"]]["acceptance_standards"])})
    if kind == "reject":
        reason = "申请的经营场所位于外区，不属于本机关管辖范围，请向经营场所所在地市场监督管理部门申请"
    accepted = kind in ("accept", "accept_with_deficiency", "accept_on_commitment")
    return {
        "case_number": str(number),
        "item": {"code": item["code"], "basic_code": item["basic_code"], "name": item["name"],
                 "department": item["department"], "case_type": item["case_type"],
                 "promised_limit": item["promised_limit"]},
        "situations": [],
        "applicant": {"name": "张晓明", "id_type": "居民身份证", "id_number": "110105199003071238",
                      "phone": "13800138000", "kind": 1},
        "agent": None,
        "materials": materials,
        "decision": {"code": kind, "label": "", "reason": reason, "deficiencies": deficiencies,
                     "notice": notice, "committed": committed},
        "clerk": {"username": "clerk03", "name": "李静"},
        "window": 3,
        "device_id": "demo-counter-03",
        "region_code": hall["region_code"],
        "applied_at": applied.isoformat(),
        "decided_at": decided.isoformat(),
        "promised_date": "2026-03-09" if accepted else None,
        "calendar_note": "",
    }


def _set_password(p12: Path, from_stdin: bool) -> int:
    """Check the password opens the certificate, then keep it in the keyring."""
    import getpass
    import sys

    from keyring.errors import KeyringError

    from workstation.credentials import save_hall_signing_password

    if not p12.is_file():
        print(f"{p12}: no such file", file=sys.stderr)
        return 2
    secret = sys.stdin.readline().rstrip("\r\n") if from_stdin else getpass.getpass(f"password of {p12}: ")
    try:
        PadesSigner(p12, secret)
    except Exception as exc:
        print(f"{p12} cannot be opened with this password: {exc}", file=sys.stderr)
        return 1
    try:
        save_hall_signing_password(str(p12), secret)
    except KeyringError as exc:
        print(f"not saved: {exc}", file=sys.stderr)
        return 1
    print(f"the password of {p12} is in the OS keyring; documents will be signed with it")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="main.py document", description="受理文书 (receipts and notices)")
    sub = parser.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample", help="write a sample document of the demo hall")
    sample.add_argument("--kind", required=True, choices=sorted(SAMPLE_KINDS))
    sample.add_argument("--out", required=True, type=Path)
    sample.add_argument("--sign", action="store_true", help="sign it (PAdES) with the demo hall certificate")
    password = sub.add_parser("set-password", help="keep the hall signing certificate's password in the OS keyring")
    password.add_argument("--p12", required=True, type=Path, help="the PKCS#12 file named by [documents] signing_p12")
    password.add_argument("--stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command == "set-password":
        return _set_password(args.p12, args.stdin)

    kind = SAMPLE_KINDS[args.kind]
    if args.sign:
        folder = default_paths().data_dir / "pki"
        ca_path, p12_path, password = demo_pki(folder)
        signer = PadesSigner(p12_path, password)
        # The seal is printed on the bytes that are then signed (as DocumentDesk.issue does).
        seal = SealMark(signer.signer_name, datetime.now(UTC), demo_seal(folder).read_bytes())
        pdf = signer.sign(build_document(kind, sample_case(kind), demo_hall(), seal=seal))
    else:
        pdf = build_document(kind, sample_case(kind), demo_hall())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pdf)
    print(f"wrote {args.out} ({len(pdf)} bytes, sha256 {content_hash(pdf)})")
    if args.sign:
        print(f"signed as HallSeal; demo CA certificate: {ca_path}")
        print(f"verify: certutil -N --empty-password -d sql:DIR && "
              f"certutil -A -n demo-ca -t CT,C,C -i {ca_path} -d sql:DIR && pdfsig -nssdir sql:DIR {args.out}")
    return 0
