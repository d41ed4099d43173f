"""The 办件编号: readable, unique across devices and days, and a typo is caught."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain import case_number as cn
from workstation.domain.case_number import (
    ALPHABET,
    CaseNumber,
    InvalidCaseNumber,
    SequenceExhausted,
    device_tag,
    next_case_number,
    parse,
    validate,
)

DEVICE_A = "3f2c9a6e-1b7d-4c1e-9f0a-2d5e8b7c6a41"
DEVICE_B = "b81f04d2-6c3a-4e59-8a17-f0c2d9e5b3a6"
DAY = date(2025, 3, 3)


def issue(device_id: str, day: date, window: int | None, count: int) -> list[str]:
    """`count` numbers one device issues on one day, its counter kept as the caller would."""
    numbers, last = [], 0
    for _ in range(count):
        number = next_case_number("110105", day, window, device_id, last)
        last = number.sequence
        numbers.append(str(number))
    return numbers


def test_format_reads_in_groups() -> None:
    number = next_case_number("110105", DAY, 3, DEVICE_A, 0)
    text = str(number)
    assert len(text) == cn.LENGTH == 26
    assert text.startswith("11010520250303003" + device_tag(DEVICE_A) + "0001")
    region, day, window, tag, sequence, check = number.display().split("-")
    assert (region, day, window, sequence) == ("110105", "20250303", "003", "0001")
    assert tag == device_tag(DEVICE_A) and len(check) == 1
    assert set(text) <= set(ALPHABET)
    assert str(next_case_number("110105", DAY, None, DEVICE_A, 41)).startswith("11010520250303000")


def test_parse_round_trips_and_forgives_how_it_was_typed() -> None:
    number = next_case_number("110105", DAY, 12, DEVICE_A, 99)
    assert parse(str(number)) == number
    assert parse(number.display()) == number
    assert parse(" " + number.display().lower().replace("-", " ") + "\n") == number
    # Crockford look-alikes: a 0 typed as O, a 1 typed as I or l.
    typed = str(number).replace("0", "O").replace("1", "l")
    assert parse(typed) == number
    assert validate(str(number)) and not validate("nonsense")


def test_device_tag_is_stable_and_in_the_alphabet() -> None:
    assert device_tag(DEVICE_A) == device_tag(DEVICE_A)
    assert device_tag(DEVICE_A) != device_tag(DEVICE_B)
    assert len(device_tag(DEVICE_A)) == 4 and set(device_tag(DEVICE_A)) <= set(ALPHABET)
    with pytest.raises(ValueError):
        device_tag("")


def test_two_devices_sharing_a_window_never_collide() -> None:
    a = issue(DEVICE_A, DAY, 3, 300)
    b = issue(DEVICE_B, DAY, 3, 300)
    assert len(set(a) | set(b)) == 600


def test_a_re_enrolled_device_restarting_its_counter_never_collides() -> None:
    before = issue(DEVICE_A, DAY, 3, 50)
    re_enrolled = str(uuid.UUID(int=uuid.UUID(DEVICE_A).int ^ 1))  # a new id from enrolment
    assert not cn.tag_clashes([DEVICE_A, re_enrolled])
    after = issue(re_enrolled, DAY, 3, 50)
    assert not set(before) & set(after)


def test_days_and_windows_keep_numbers_apart() -> None:
    days = [date(2025, 1, 26), date(2025, 1, 27), date(2026, 2, 14)]
    numbers = [n for day in days for n in issue(DEVICE_A, day, 3, 100)]
    assert len(set(numbers)) == 300
    assert str(next_case_number("110105", DAY, 3, DEVICE_A, 0)) != str(next_case_number("110105", DAY, 4, DEVICE_A, 0))


def test_tag_clashes_are_found_for_enrolment() -> None:
    ids = [str(uuid.UUID(int=n)) for n in range(3000)]
    clashes = cn.tag_clashes(ids)
    for tag, clashing in clashes.items():
        assert len(clashing) > 1 and all(device_tag(i) == tag for i in clashing)
    assert cn.tag_clashes([DEVICE_A, DEVICE_A]) == {}  # the same device twice is no clash


def test_the_sequence_is_bounded() -> None:
    assert next_case_number("110105", DAY, 1, DEVICE_A, 9998).sequence == 9999
    with pytest.raises(SequenceExhausted):
        next_case_number("110105", DAY, 1, DEVICE_A, 9999)
    with pytest.raises(ValueError):
        next_case_number("110105", DAY, 1, DEVICE_A, -1)


@pytest.mark.parametrize(("fields", "message"), [
    ({"region_code": "11010"}, "区划代码"),
    ({"window": 1000}, "窗口号"),
    ({"device_tag": "ABCU"}, "设备标识"),
    ({"sequence": 0}, "序号"),
])
def test_invalid_fields_are_refused(fields: dict, message: str) -> None:
    values = {"region_code": "110105", "day": DAY, "window": 1, "device_tag": "7K2M", "sequence": 1, **fields}
    with pytest.raises(InvalidCaseNumber, match=message):
        CaseNumber(**values)


@pytest.mark.parametrize(("text", "message"), [
    ("", "应为 26 位"),
    ("110105202503030037K2M0001", "应为 26 位"),
    ("11010520250303003 7K2M 0001 U", "无效字符"),
    ("110105-20250303-003-7K2M-0001-0", "校验不符"),
])
def test_parse_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(InvalidCaseNumber, match=message):
        parse(text)


def test_a_bad_date_with_a_good_check_is_refused() -> None:
    body = "110105" + "20251301" + "003" + "7K2M" + "0001"
    with pytest.raises(InvalidCaseNumber, match="日期无效"):
        parse(body + cn.check_character(body))
    body = "11010A" + "20250301" + "003" + "7K2M" + "0001"
    with pytest.raises(InvalidCaseNumber, match="应为数字"):
        parse(body + cn.check_character(body))


numbers = st.builds(
    next_case_number,
    st.from_regex(r"\A[1-6][0-9]{5}\Z"),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    st.integers(0, 999),
    st.uuids().map(str),
    st.integers(0, 9998),
).map(str)


@settings(max_examples=200, deadline=None)
@given(numbers, st.data())
def test_a_single_wrong_character_is_caught(number: str, data) -> None:
    position = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from(ALPHABET).filter(lambda ch: ch != number[position]))
    typo = number[:position] + wrong + number[position + 1:]
    assert not cn.has_valid_check(typo)
    with pytest.raises(InvalidCaseNumber):
        parse(typo)


@settings(max_examples=200, deadline=None)
@given(numbers, st.data())
def test_swapping_two_adjacent_characters_is_caught(number: str, data) -> None:
    swappable = [i for i in range(len(number) - 1) if number[i] != number[i + 1]]
    position = data.draw(st.sampled_from(swappable))
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    assert not cn.has_valid_check(swapped)
    assert not validate(swapped)


def test_every_single_error_and_swap_on_one_number_exhaustively() -> None:
    number = str(next_case_number("110105", DAY, 3, DEVICE_A, 17))
    for position in range(len(number)):
        for ch in ALPHABET:
            if ch != number[position]:
                assert not cn.has_valid_check(number[:position] + ch + number[position + 1:])
    for position in range(len(number) - 1):
        a, b = number[position], number[position + 1]
        if a != b:
            assert not cn.has_valid_check(number[:position] + b + a + number[position + 2:])


@settings(max_examples=200, deadline=None)
@given(numbers)
def test_every_number_parses_back(number: str) -> None:
    assert str(parse(number)) == number
    assert validate(number)
