"""The demo hall data in resources/demo_hall must satisfy the wire schemas and hang together."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from workstation.domain.catalogue import Necessity
from workstation.domain.roles import PERSON_ROLES, Role
from workstation.protocol.catalogue import ServiceItem
from workstation.protocol.reference import BusinessType, Hall, Window

DEMO_HALL = Path(__file__).resolve().parents[2] / "resources" / "demo_hall"

REQUIRED_ITEMS = (
    "个体工商户设立登记",
    "居民身份证换领",
    "社会保障卡申领",
    "住房公积金提取",
    "国有建设用地使用权及房屋所有权转移登记",
    "城乡居民养老保险参保登记",
    "食品经营许可（新办）",
    "残疾人证办理（新办）",
)


def _load(name: str) -> Any:
    return json.loads((DEMO_HALL / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hall() -> Hall:
    return Hall.model_validate(_load("hall.json"))


@pytest.fixture(scope="module")
def business_types() -> list[BusinessType]:
    return [BusinessType.model_validate(raw) for raw in _load("business_types.json")]


@pytest.fixture(scope="module")
def windows() -> list[Window]:
    return [Window.model_validate(raw) for raw in _load("windows.json")]


@pytest.fixture(scope="module")
def items() -> list[ServiceItem]:
    return [ServiceItem.model_validate(raw) for raw in _load("catalogue.json")]


@pytest.fixture(scope="module")
def accounts() -> list[dict[str, Any]]:
    return _load("accounts.json")


def test_hall(hall: Hall) -> None:
    assert hall.name == "演示区政务服务中心"
    assert hall.region_code == "110105"
    assert hall.welcome
    assert hall.check_url


def test_business_types_have_unique_codes_and_prefixes(business_types: list[BusinessType]) -> None:
    codes = [b.code for b in business_types]
    prefixes = [b.prefix for b in business_types]
    assert len(set(codes)) == len(codes)
    assert len(set(prefixes)) == len(prefixes)
    assert set(codes) == {"general", "social", "fund", "estate", "market", "police", "civil"}


def test_windows_are_numbered_one_to_six(windows: list[Window]) -> None:
    assert sorted(w.number for w in windows) == [1, 2, 3, 4, 5, 6]
    assert all(1 <= len(w.business_types) <= 3 for w in windows)
    first = next(w for w in windows if w.number == 1)
    assert {"general", "market"} <= set(first.business_types)


def test_windows_serve_known_business_types_and_cover_them_all(
    windows: list[Window], business_types: list[BusinessType]
) -> None:
    known = {b.code for b in business_types}
    served = {code for w in windows for code in w.business_types}
    assert served <= known
    assert served == known


def test_catalogue_size_and_required_items(items: list[ServiceItem]) -> None:
    assert len(items) >= 22
    names = {i.name for i in items}
    missing = [name for name in REQUIRED_ITEMS if name not in names]
    assert not missing


def test_item_codes_unique(items: list[ServiceItem]) -> None:
    codes = [i.code for i in items]
    assert len(set(codes)) == len(codes)
    names = [i.name for i in items]
    assert len(set(names)) == len(names)


def test_basic_codes_are_twelve_characters(items: list[ServiceItem]) -> None:
    assert all(len(i.basic_code) == 12 for i in items)


def test_items_are_served_by_a_window(
    items: list[ServiceItem], windows: list[Window], business_types: list[BusinessType]
) -> None:
    known = {b.code for b in business_types}
    served = {code for w in windows for code in w.business_types}
    for i in items:
        assert i.business_type in known, i.name
        assert i.business_type in served, i.name


def test_situations_and_deferrable_materials(items: list[ServiceItem]) -> None:
    with_situations = [i for i in items if i.situations]
    with_deferrable = [i for i in items if any(m.necessity is Necessity.DEFERRABLE for m in i.materials)]
    assert len(with_situations) >= 12
    assert len(with_deferrable) >= 6


def test_situation_materials_are_reachable(items: list[ServiceItem]) -> None:
    """Every situation option that a material names exists, and an agent option brings
    the agent's own documents."""
    for i in items:
        option_ids = {o.id for g in i.situations for o in g.options}
        for m in i.materials:
            assert set(m.applies_when) <= option_ids, (i.name, m.id)
        if "agent" in option_ids:
            assert any("agent" in m.applies_when for m in i.materials), i.name


def test_charged_items_list_their_fees(items: list[ServiceItem]) -> None:
    by_name = {i.name: i for i in items}
    id_card = by_name["居民身份证换领"]
    assert id_card.fees.charged
    assert any("20元" in f.standard for f in id_card.fees.items)
    estate = by_name["国有建设用地使用权及房屋所有权转移登记"]
    assert estate.fees.charged
    standards = " ".join(f.standard for f in estate.fees.items)
    assert "80元" in standards and "550元" in standards
    assert all(f.basis for i in items for f in i.fees.items)


def test_some_items_allow_commitment(items: list[ServiceItem]) -> None:
    assert any(i.commitment_allowed for i in items)


def test_accounts(accounts: list[dict[str, Any]]) -> None:
    usernames = [a["username"] for a in accounts]
    assert len(set(usernames)) == len(usernames)
    for account in accounts:
        assert set(account) == {"username", "display_name", "role", "password"}
        assert Role(account["role"]) in PERSON_ROLES
        assert account["display_name"]
        assert account["password"] == "demo2026"
    roles = {a["username"]: Role(a["role"]) for a in accounts}
    assert roles["admin"] is Role.ADMIN
    assert roles["supervisor"] is Role.SUPERVISOR
    for n in range(1, 7):
        assert roles[f"clerk{n}"] is Role.CLERK
