"""Revealing a bad rating's call-back phone at the supervisor's PC: audited in the device's
hash chain with the phone masked, after the chain's earlier records; refused without a
reason or where there is no phone to reveal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workstation.app.card_reading import AUDIT_PHONE_REVEAL, AuditTrail
from workstation.app.rating import FollowUpDesk, mask_phone
from workstation.domain.audit import verify_chain
from workstation.protocol import ratings as wire

PHONE = "13812345678"
DEVICE = "supervisor-pc"


def _detail(callback: bool = True, phone: str = PHONE) -> wire.FollowUpDetail:
    # Only the fields the reveal reads: the full detail is the server's to fill.
    rating = wire.RatingRecord.model_construct(callback=callback, phone=phone)
    return wire.FollowUpDetail.model_construct(id=7, case_number="11010520261203001ZFRC0001H", rating=rating)


def _desk(store) -> FollowUpDesk:
    return FollowUpDesk("http://127.0.0.1:9", "token", audit=AuditTrail(store, DEVICE), supervisor="wangli",
                        now=lambda: datetime(2026, 12, 3, 1, 30, tzinfo=UTC))


def test_masking():
    assert mask_phone(PHONE) == "138****5678"
    assert mask_phone("02161234567") == "021****4567"
    assert mask_phone("12345") == "*****"  # too short to show any of it


def test_a_reveal_is_audited_with_the_phone_masked(store):
    trail = AuditTrail(store, DEVICE)
    trail.append("audit.card_read", {"event": "card_read"})  # the PC's chain already has a record
    desk = _desk(store)
    assert desk.can_reveal
    assert desk.reveal_phone(_detail(), f"回访，申请人留的号码 {PHONE}") == PHONE
    (record,) = store.records_of(AUDIT_PHONE_REVEAL)
    payload = record.payload
    assert {k: payload[k] for k in ("event", "clerk", "window", "follow_up", "case_number", "phone_masked",
                                    "reason", "at", "seq")} == {
        "event": "phone_reveal", "clerk": "wangli", "window": None, "follow_up": 7,
        "case_number": "11010520261203001ZFRC0001H", "phone_masked": "138****5678",
        "reason": "回访，申请人留的号码 138****5678", "at": "2026-12-03T01:30:00+00:00", "seq": 2}
    assert PHONE not in str(payload)
    chain = [r.payload for r in store.next_batch(100) if r.kind.startswith("audit.")]
    assert verify_chain(chain) == []


def test_a_reveal_needs_a_reason_a_phone_and_an_audit_trail(store):
    desk = _desk(store)
    with pytest.raises(ValueError, match="reason"):
        desk.reveal_phone(_detail(), "  ")
    with pytest.raises(ValueError, match="no call-back phone"):
        desk.reveal_phone(_detail(callback=False, phone=""), "回访")
    unaudited = FollowUpDesk("http://127.0.0.1:9", "token")
    assert not unaudited.can_reveal
    with pytest.raises(RuntimeError, match="audit"):
        unaudited.reveal_phone(_detail(), "回访")
    assert store.records_of(AUDIT_PHONE_REVEAL) == []
