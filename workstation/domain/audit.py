"""The audit hash chain: pure hashing and its verifier, shared by the workstation (which
writes the chain) and the hall server (which checks its copy).

Each audit payload carries, besides its own fields:

    chain      the chain's name: one chain per device (workstation)
    seq        1, 2, 3… within the chain
    prev_hash  the hash of the previous record of the chain (64 zeros for the first)
    hash       SHA-256 over the canonical JSON of {"prev_hash": …, "fields": everything
               else in the payload, chain and seq included}

Canonical JSON: keys sorted, no spaces, UTF-8 (not \\u escapes), no NaN. So an altered
field breaks that record's hash, a removed or reordered record breaks the next record's
prev_hash and the run of seq, and a removed tail shows against the chain head the device
reports (`heads`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
CHAIN_KEYS = ("chain", "seq", "prev_hash", "hash")


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def chain_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the previous hash and the record's fields."""
    return hashlib.sha256(canonical_json({"prev_hash": prev_hash, "fields": dict(fields)})).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    chain: str
    seq: int  # 0 before the first record
    hash: str

    def to_json(self) -> str:
        return json.dumps({"chain": self.chain, "seq": self.seq, "hash": self.hash})

    @classmethod
    def from_json(cls, text: str | None, chain: str) -> ChainHead:
        if not text:
            return cls(chain, 0, GENESIS)
        data = json.loads(text)
        return cls(chain, int(data["seq"]), str(data["hash"]))


def seal(fields: Mapping[str, Any], head: ChainHead) -> dict[str, Any]:
    """`fields` as the next payload of the chain after `head`: chain, seq, prev_hash and
    hash added. The fields must be JSON values and must not use the chain's own keys."""
    clash = set(CHAIN_KEYS) & set(fields)
    if clash:
        raise ValueError(f"audit fields may not be named {', '.join(sorted(clash))}")
    body = {**fields, "chain": head.chain, "seq": head.seq + 1}
    # Round-trip so what is hashed is exactly what JSON storage gives back.
    body = json.loads(canonical_json(body))
    digest = chain_hash(head.hash, body)
    return {**body, "prev_hash": head.hash, "hash": digest}


def head_after(payload: Mapping[str, Any]) -> ChainHead:
    return ChainHead(str(payload["chain"]), int(payload["seq"]), str(payload["hash"]))


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int | None
    kind: str  # altered, missing, reordered, duplicate, forked, truncated, malformed, bad_start
    detail: str

    def __str__(self) -> str:
        where = f"#{self.seq}" if self.seq is not None else ""
        return f"audit chain {self.chain}{where}: {self.kind}: {self.detail}"


def _payload_of(record: Any) -> Any:
    """A payload, a stored record (`.payload`) or a record as JSON ({"payload": …})."""
    if isinstance(record, Mapping):
        return record["payload"] if "payload" in record and isinstance(record["payload"], Mapping) else record
    return getattr(record, "payload", record)


def verify_chain(records: Iterable[Any], heads: Mapping[str, tuple[int, str]] | None = None,
                 allow_pruned_start: bool = False) -> list[ChainProblem]:
    """Every problem in the audit chains among `records` (payloads, or records carrying
    one), in any order and mixed across devices; an empty list when all is intact.

    `heads` maps a chain to the (seq, hash) its device last reported: records missing at
    the end show as `truncated`. `allow_pruned_start` accepts a chain whose oldest records
    were removed by the retention rule (it then starts at the first record present)."""
    problems: list[ChainProblem] = []
    chains: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        payload = _payload_of(record)
        if not isinstance(payload, Mapping) or not all(k in payload for k in CHAIN_KEYS) \
                or not isinstance(payload.get("seq"), int) or isinstance(payload.get("seq"), bool) \
                or not isinstance(payload.get("hash"), str) or not isinstance(payload.get("prev_hash"), str):
            chain = str(payload.get("chain", "?")) if isinstance(payload, Mapping) else "?"
            problems.append(ChainProblem(chain, None, "malformed", "a record lacks chain, seq, prev_hash or hash"))
            continue
        chains.setdefault(str(payload["chain"]), []).append(payload)

    for chain, payloads in sorted(chains.items()):
        payloads.sort(key=lambda p: p["seq"])
        by_hash = {}
        for payload in payloads:
            fields = {k: v for k, v in payload.items() if k not in ("prev_hash", "hash")}
            try:
                expected = chain_hash(str(payload["prev_hash"]), fields)
            except (TypeError, ValueError):
                expected = None
            if expected != payload["hash"]:
                problems.append(ChainProblem(chain, payload["seq"], "altered",
                                             "the record's content does not match its hash"))
            by_hash[payload["hash"]] = payload

        previous: Mapping[str, Any] | None = None
        for payload in payloads:
            seq = payload["seq"]
            if previous is None:
                if seq != 1 or payload["prev_hash"] != GENESIS:
                    if not allow_pruned_start:
                        problems.append(ChainProblem(
                            chain, seq, "bad_start",
                            f"the chain starts at #{seq}: the records before it are missing"
                            if seq != 1 else "the first record does not start from the genesis hash"))
            elif seq == previous["seq"]:
                kind = "duplicate" if payload["hash"] == previous["hash"] else "forked"
                problems.append(ChainProblem(chain, seq, kind, f"two records carry #{seq}"))
                continue
            elif seq != previous["seq"] + 1:
                problems.append(ChainProblem(chain, seq, "missing",
                                             f"records #{previous['seq'] + 1}–#{seq - 1} are missing"))
            elif payload["prev_hash"] != previous["hash"]:
                detail = ("it links to another record: records were reordered or replaced"
                          if payload["prev_hash"] in by_hash else
                          "it does not link to the record before it: a record was removed or replaced")
                problems.append(ChainProblem(chain, seq, "reordered" if payload["prev_hash"] in by_hash
                                             else "missing", detail))
            previous = payload

        if heads and chain in heads and previous is not None:
            head_seq, head_hash = heads[chain]
            if previous["seq"] < head_seq:
                problems.append(ChainProblem(chain, head_seq, "truncated",
                                             f"the device reports #{head_seq}, the last record here is "
                                             f"#{previous['seq']}"))
            elif previous["seq"] == head_seq and previous["hash"] != head_hash:
                problems.append(ChainProblem(chain, head_seq, "altered",
                                             "the last record differs from the head the device reports"))
    if heads:
        for chain, (head_seq, _) in sorted(heads.items()):
            if chain not in chains and head_seq > 0:
                problems.append(ChainProblem(chain, head_seq, "truncated", "every record of the chain is missing"))
    return problems
