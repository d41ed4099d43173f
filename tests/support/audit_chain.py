"""A workstation's audit chain as its outbox uploads it, for tests of the hall's check on
arrival (server.audit_chains): records sealed as workstation.app.card_reading seals them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from workstation.domain.audit import GENESIS, ChainHead, head_after, seal

TIMEOUT = 30
START = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def workstation_chain(device: str, count: int) -> list[dict]:
    """`count` audit.card_read records of one device's chain, #1…#count, as uploaded."""
    head, records = ChainHead(device, 0, GENESIS), []
    for n in range(1, count + 1):
        at = (START + timedelta(seconds=n)).isoformat()
        payload = seal({"event": "card_read", "at": at, "window": 1, "id_masked": "110101********1233", "n": n},
                       head)
        head = head_after(payload)
        records.append({"uuid": str(uuid.uuid4()), "kind": "audit.card_read", "created_at": at, "payload": payload})
    return records


def upload(server, token: str, records: list[dict]) -> None:
    """POST /records with a workstation's device token, every record new."""
    answer = server.session(token).post(server.api("/records"), json={"records": records}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert all(r["status"] == 201 for r in answer.json()["results"]), answer.text


def device_id(server, token: str) -> str:
    return server.session(token).get(server.api("/me"), timeout=TIMEOUT).json()["device_id"]
