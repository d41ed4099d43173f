"""Catalogue search as the clerk types: the demo catalogue found by name, pinyin, initials,
code and department; the ranking; and any input at all answered without an exception."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from workstation.domain.search import CatalogueIndex, MatchKind, normalise
from workstation.protocol.catalogue import ServiceItem

CATALOGUE = Path(__file__).resolve().parents[2] / "resources" / "demo_hall" / "catalogue.json"
ITEMS = [ServiceItem.model_validate(raw) for raw in json.loads(CATALOGUE.read_text(encoding="utf-8"))]
INDEX = CatalogueIndex.build(ITEMS)
TEMPLATE = json.loads(CATALOGUE.read_text(encoding="utf-8"))[0]


def make_item(name: str, code: str, department: str = "演示局") -> ServiceItem:
    """A copy of the first demo item under another name, code and department."""
    raw = dict(TEMPLATE, name=name, code=code, basic_code=code[:12], handling_code="",
               department={"name": department})
    return ServiceItem.model_validate(raw)


def names(query: str, index: CatalogueIndex = INDEX, limit: int = 20) -> list[str]:
    return [hit.name for hit in index.search(query, limit)]


def test_pinyin_initials_find_an_item() -> None:
    hits = INDEX.search("gtgshsldj")
    assert [(h.name, h.matched) for h in hits] == [("个体工商户设立登记", MatchKind.INITIALS_PREFIX)]
    assert names("gtgs")[0] == "个体工商户设立登记"
    assert names("GT GS")[0] == "个体工商户设立登记"  # case and spaces ignored
    assert names("ＧＴＧＳ")[0] == "个体工商户设立登记"  # full-width letters from a Chinese IME
    assert "个体工商户设立登记" in names("sldj")  # initials in the middle of the name


@pytest.mark.parametrize("item", ITEMS, ids=[i.name for i in ITEMS])
def test_every_item_is_found_by_its_name_pinyin_and_initials(item: ServiceItem) -> None:
    initials = "".join(lazy_pinyin(item.name, style=Style.FIRST_LETTER))
    full = "".join(lazy_pinyin(item.name))
    assert INDEX.search(item.name)[0].matched is MatchKind.NAME_EXACT
    assert INDEX.search(item.name)[0].code == item.code
    assert item.code in [h.code for h in INDEX.search(initials)]
    assert item.code in [h.code for h in INDEX.search(full)]
    assert item.code in [h.code for h in INDEX.search(initials[:3])]


def test_full_pinyin_finds_an_item() -> None:
    hits = INDEX.search("zhufanggongjijin")
    assert {h.name for h in hits} == {"住房公积金提取", "住房公积金缴存登记（单位）"}
    assert {h.matched for h in hits} == {MatchKind.PINYIN_PREFIX}
    assert names("ge ti gong")[0] == "个体工商户设立登记"
    assert names("gongjijintiqu") == ["住房公积金提取"]  # inside the pinyin


def test_substring_of_the_name() -> None:
    assert set(names("身份证")) == {"居民身份证换领", "居民身份证首次申领", "临时身份证明开具"}
    assert names("公积金提取") == ["住房公积金提取"]
    assert names("(新办)") == names("（新办）")  # half- or full-width brackets alike
    assert len(names("（新办）")) == 4


def test_codes_and_departments() -> None:
    fund = next(i for i in ITEMS if i.name == "住房公积金提取")
    assert INDEX.search(fund.code) and INDEX.search(fund.code)[0].code == fund.code
    assert INDEX.search(fund.code)[0].matched is MatchKind.CODE
    assert set(names("000131")) == {"住房公积金提取", "住房公积金缴存登记（单位）"}  # basic code prefix
    assert names("000131002") == ["住房公积金提取"]
    police = {i.name for i in ITEMS if i.department.name == "演示区公安分局"}
    assert set(names("公安分局")) == police
    assert {h.matched for h in INDEX.search("公安分局")} == {MatchKind.DEPARTMENT}
    assert set(names("gafj")) >= police  # the department's initials
    assert INDEX.item(fund.code) == fund


def test_ranking() -> None:
    index = CatalogueIndex.build([
        make_item("政务服务综合查询", "X01", department="工商局"),  # department initials g s j
        make_item("GS", "X02"),  # exact name
        make_item("ABGS检测", "X03"),  # name substring
        make_item("银行授信", "X04"),  # "gs" inside yinhangshouxin
        make_item("个体工商户", "X05"),  # "gs" inside the initials g t g s h
        make_item("公示信息查询", "X06"),  # initials g s x x c x
        make_item("GS认证服务", "X07"),  # name prefix
        make_item("营业执照打印", "GS001"),  # code prefix
    ])
    hits = index.search("gs")
    assert [(h.code, h.matched) for h in hits] == [
        ("X02", MatchKind.NAME_EXACT), ("X07", MatchKind.NAME_PREFIX), ("X06", MatchKind.INITIALS_PREFIX),
        ("X03", MatchKind.NAME), ("X05", MatchKind.INITIALS), ("X04", MatchKind.PINYIN),
        ("GS001", MatchKind.CODE), ("X01", MatchKind.DEPARTMENT)]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert index.search("gs", limit=3) == hits[:3]


def test_ties_go_by_name_in_pinyin_order() -> None:
    index = CatalogueIndex.build([make_item(name, f"T{n}") for n, name in
                                  enumerate(["农村社保登记", "城乡社保登记", "安置社保登记", "城乡社保变更"])])
    assert names("社保", index) == ["安置社保登记", "城乡社保变更", "城乡社保登记", "农村社保登记"]
    assert names("社保", index, limit=2) == ["安置社保登记", "城乡社保变更"]


def test_heteronyms_by_default_or_first_reading() -> None:
    index = CatalogueIndex.build([make_item("银行开户许可", "H1"), make_item("重度残疾人护理补贴", "H2")])
    assert names("yhkh", index) == ["银行开户许可"]  # the phrase reading yin hang
    assert names("yxkh", index) == ["银行开户许可"]  # 行's first reading xing
    assert names("yinhang", index) == ["银行开户许可"]
    assert names("zdcj", index) == ["重度残疾人护理补贴"]


@pytest.mark.parametrize("query", ["", " ", "\t\n", "\x00", "\u200b", "　"])
def test_an_empty_query_finds_nothing(query: str) -> None:
    assert INDEX.search(query) == []


def test_odd_input() -> None:
    assert INDEX.search("gt", limit=0) == []
    assert INDEX.search("gt\x00\x07\x1b[0m") == INDEX.search("gt[0m")
    assert names("\x01g\x02t\x7fgs")[0] == "个体工商户设立登记"
    assert INDEX.search("个" * 100_000) == []
    assert INDEX.search(None) == []  # type: ignore[arg-type]
    assert CatalogueIndex.build([]).search("gt") == []
    assert normalise("ＡＢ　c\u200d") == "abc"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")), st.integers(-5, 50))
def test_any_input_gives_a_result(query: str, limit: int) -> None:
    hits = INDEX.search(query, limit)
    assert isinstance(hits, list) and len(hits) <= max(limit, 0)
    assert len({h.code for h in hits}) == len(hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ITEMS), st.data())
def test_every_prefix_as_typed_keeps_the_item(item: ServiceItem, data) -> None:
    """Typing a name or its initials key by key, the item stays among the hits."""
    initials = "".join(lazy_pinyin(item.name, style=Style.FIRST_LETTER))
    text = data.draw(st.sampled_from([item.name, initials]))
    length = data.draw(st.integers(2, len(text)))
    assert item.code in [h.code for h in INDEX.search(text[:length], limit=len(ITEMS))]
