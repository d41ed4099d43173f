"""Identity documents: GB 11643 through python-stdnum, birth date and sex against the
number, expiry, GB 3304 nation codes, masking, and that no log line carries a full number."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from workstation.domain.identity import (
    NATIONS,
    CardType,
    ExpiryState,
    IdentityDocument,
    InvalidIdNumber,
    Nation,
    Sex,
    birth_date_of,
    document_problems,
    expiry,
    is_gb11643,
    mask_address,
    mask_id,
    mask_name,
    redact,
    sex_of,
    validate_id_number,
)

VALID = "110101199003071233"


def with_check(base17: str) -> str:
    return base17 + ric.calc_check_digit(base17 + "?")


def resident(**changes) -> IdentityDocument:
    document = IdentityDocument(
        card_type=CardType.RESIDENT, name="张三", id_number=VALID, sex=Sex.MALE,
        birth_date=date(1990, 3, 7), nation=Nation.from_code("01"), nationality="CHN",
        address="北京市东城区景山前街4号", issuing_authority="北京市公安局东城分局",
        valid_from=date(2015, 1, 1), valid_to=date(2035, 1, 1), photo=b"\x01" * 1024, photo_format="wlt")
    return replace(document, **changes)


# GB 11643 -----------------------------------------------------------------------------


def test_a_valid_number_passes():
    assert validate_id_number(VALID) == VALID
    assert validate_id_number(" 110101199003071233 ") == VALID
    assert validate_id_number("１１０１０１１９９００３０７１２３３") == VALID  # typed full-width
    assert is_gb11643(VALID)


def test_an_x_check_character_is_accepted_in_either_case():
    number = next(n for n in (with_check(f"1101011990030712{i}") for i in range(10)) if n.endswith("X"))
    assert validate_id_number(number.lower()) == number


def test_a_bad_check_digit_is_named():
    with pytest.raises(InvalidIdNumber, match="check digit"):
        validate_id_number("110101199003071234")
    assert not is_gb11643("110101199003071234")


def test_a_bad_birth_date_is_named_even_with_a_good_check_digit():
    number = with_check("11010119900230123")  # 30 February
    with pytest.raises(InvalidIdNumber, match="birth date"):
        validate_id_number(number)


@pytest.mark.parametrize("number, reason", [
    ("", "0 characters"),
    ("11010119900307123", "17 characters"),
    ("1101011990030712333", "19 characters"),
    ("11010119900307A233", "17 digits"),
])
def test_malformed_numbers_are_named(number, reason):
    with pytest.raises(InvalidIdNumber, match=reason):
        validate_id_number(number)


def test_the_message_never_quotes_the_number():
    with pytest.raises(InvalidIdNumber) as caught:
        validate_id_number("110101199003071234")
    assert "1101011990" not in str(caught.value)


def test_permit_numbers_need_a_permit_region():
    permit = with_check("81000019850615005")
    assert validate_id_number(permit, CardType.HKMO_TW_PERMIT) == permit
    with pytest.raises(InvalidIdNumber, match="810000"):
        validate_id_number(VALID, CardType.HKMO_TW_PERMIT)


def test_foreign_permanent_numbers_of_2017_are_3_letters_and_12_digits():
    assert validate_id_number("USA110085061502", CardType.FOREIGN_PERMANENT) == "USA110085061502"
    with pytest.raises(InvalidIdNumber, match="3 letters"):
        validate_id_number("US1110085061502", CardType.FOREIGN_PERMANENT)


@settings(max_examples=300)
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_stdnum_check_character_is_the_one_domain_md_gives(base):
    """The oracle written from domain.md: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
    "10X98765432"[sum % 11]. The code itself uses stdnum; this says stdnum agrees."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    expected = "10X98765432"[sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11]
    assert ric.calc_check_digit(base + "?") == expected


# birth date and sex against the number ------------------------------------------------


def test_birth_date_and_sex_come_from_the_number():
    assert birth_date_of(VALID) == date(1990, 3, 7)
    assert sex_of(VALID) is Sex.MALE  # 17th digit 3: odd
    female = with_check("11010119900307124")
    assert sex_of(female) is Sex.FEMALE


def test_a_consistent_document_has_no_problems():
    assert document_problems(resident(), today=date(2026, 1, 1)) == []


def test_a_birth_date_differing_from_the_number_is_a_problem():
    problems = document_problems(resident(birth_date=date(1990, 3, 8)), today=date(2026, 1, 1))
    assert problems == ["the birth date on the card differs from the one in the ID number"]


def test_a_sex_differing_from_the_17th_digit_is_a_problem():
    problems = document_problems(resident(sex=Sex.FEMALE), today=date(2026, 1, 1))
    assert problems == ["the sex on the card differs from the one in the ID number (17th digit)"]


def test_a_bad_check_digit_and_an_unknown_nation_are_problems():
    problems = document_problems(resident(id_number="110101199003071234", nation=Nation.from_code("77")),
                                 today=date(2026, 1, 1))
    assert "ID number: the check digit does not match (GB 11643)" in problems
    assert "the nation code is not one of GB 3304" in problems
    assert not any("1101011990" in p for p in problems)


def test_a_birth_in_the_future_is_a_problem():
    number = with_check("11010120300101123")
    problems = document_problems(resident(id_number=number, birth_date=date(2030, 1, 1)), today=date(2026, 1, 1))
    assert "the birth date in the ID number is in the future" in problems


# expiry --------------------------------------------------------------------------------


@pytest.mark.parametrize("valid_to, state, days", [
    (date(2026, 5, 31), ExpiryState.EXPIRED, -1),
    (date(2026, 6, 1), ExpiryState.EXPIRING, 0),  # the printed last day is still valid
    (date(2026, 7, 1), ExpiryState.EXPIRING, 30),
    (date(2026, 7, 2), ExpiryState.VALID, 31),
])
def test_expiry_warns_within_the_period(valid_to, state, days):
    result = expiry(resident(valid_to=valid_to), today=date(2026, 6, 1), warn_days=30)
    assert (result.state, result.days_left) == (state, days)
    assert result.warn == (state != ExpiryState.VALID)


def test_long_term_not_yet_valid_and_unknown():
    assert expiry(resident(valid_to=None, long_term=True), today=date(2026, 6, 1)).state is ExpiryState.LONG_TERM
    assert expiry(resident(valid_from=date(2026, 6, 2)), today=date(2026, 6, 1)).state is ExpiryState.NOT_YET_VALID
    assert expiry(resident(valid_to=None), today=date(2026, 6, 1)).state is ExpiryState.UNKNOWN
    assert "the card carries no end of validity" in document_problems(resident(valid_to=None))


def test_expiry_defaults_to_today():
    soon = date.today() + timedelta(days=10)
    assert expiry(resident(valid_to=soon)).state is ExpiryState.EXPIRING


# nation codes --------------------------------------------------------------------------


def test_nation_table_is_gb_3304():
    assert [c for c in NATIONS] == [f"{n:02d}" for n in range(1, 57)] + ["97", "98"]
    assert NATIONS["01"] == "汉" and NATIONS["56"] == "基诺"
    assert NATIONS["97"] == "其他" and NATIONS["98"] == "外国血统中国籍人士"
    assert len(set(NATIONS.values())) == 58


def test_nations_parse_from_codes_and_names():
    assert Nation.parse("汉族") == Nation("01", "汉") == Nation.from_code("1")
    assert Nation.parse("05").name == "维吾尔" and Nation.parse("05").full_name == "维吾尔族"
    assert Nation.parse("98").full_name == "外国血统中国籍人士"
    assert not Nation.from_code("77").known
    with pytest.raises(ValueError):
        Nation.parse("火星")


# masking -------------------------------------------------------------------------------


def test_masking_examples():
    assert mask_id("110101199003071233") == "110101********1233"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_id("USA110085061502") == "USA110*****1502"
    assert mask_id("E12345678") == "E1*****78"
    assert mask_id("") == ""
    assert mask_name("SMITH, JOHN") == "S****, J***"
    assert mask_address("北京市东城区景山前街4号") == "北京市东城区******"


def test_redact_masks_numbers_in_free_text():
    assert redact(f"read {VALID} and USA110085061502.") == "read 110101********1233 and USA110*****1502."
    assert redact("window 12, 2026-01-01") == "window 12, 2026-01-01"


def test_the_masked_dict_hides_and_the_revealed_one_shows():
    masked = resident().masked_dict()
    assert masked["id_number"] == "110101********1233" and masked["name"] == "张*"
    assert masked["birth_date"] == "1990-**-**"
    assert masked["photo"] == {"format": "wlt", "bytes": 1024}
    assert VALID not in str(masked) and "张三" not in str(masked)
    full = resident().to_dict(reveal=True)
    assert full["id_number"] == VALID and full["name"] == "张三"
    assert "photo" in full and full["photo"] == {"format": "wlt", "bytes": 1024}


def test_repr_str_format_and_logging_never_carry_the_number_or_name(caplog):
    document = resident()
    log = logging.getLogger("tests.identity")
    with caplog.at_level(logging.DEBUG):
        log.info("read %s", document)
        log.info("read %r", document)
        log.info("read %s", [document, {"doc": document}])
        log.info(f"read {document} {document!r}")
        try:
            raise RuntimeError(document)
        except RuntimeError:
            log.exception("failed with %s", (document,))
    texts = [repr(document), str(document), f"{document}", caplog.text]
    assert "110101********1233" in repr(document)
    for text in texts:
        assert VALID not in text and "张三" not in text and "景山前街" not in text


@settings(max_examples=200)
@given(region=st.sampled_from(["110101", "310101", "440305", "810000"]),
       born=st.dates(date(1900, 1, 1), date(2025, 12, 31)),
       seq=st.integers(0, 999),
       name=st.text(alphabet="张王李赵欧阳娜明华伟芳", min_size=2, max_size=4))
def test_no_repr_ever_carries_a_full_number_or_name(region, born, seq, name):
    number = with_check(f"{region}{born:%Y%m%d}{seq:03d}")
    document = resident(id_number=number, name=name, english_name="ZHANG SAN", birth_date=born)
    for text in (repr(document), str(document), str(document.masked_dict())):
        assert number not in text and name not in text and "ZHANG SAN" not in text
