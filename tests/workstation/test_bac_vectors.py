"""Basic Access Control and secure messaging against the worked example published in ICAO
Doc 9303 Part 11, Appendix D (D.2 key derivation, D.3 authentication and session keys, D.4
secure messaging), for both the reader's code (workstation.devices.bac) and the test card's
independent code (tests.workstation.emrtd_card), so the two cannot agree on a shared mistake.
Also the MRZ rules the keys come from (Doc 9303 Parts 3 and 4) and the DG1 / DG2 decoders."""

from __future__ import annotations

import hashlib
import os

import pytest

from tests.workstation import emrtd_card as card
from workstation.devices import bac
from workstation.devices.mrz import BacKey, MrzError, check_digit, parse_dg1, parse_td3

h = bytes.fromhex

# --- Appendix D.2: keys from the MRZ ----------------------------------------------------------
DOCUMENT_NUMBER, BIRTH, EXPIRY = "L898902C<", "690806", "940623"
MRZ_INFORMATION = "L898902C<369080619406236"
H_SHA1 = h("239AB9CB282DAF66231DC5A4DF6BFBAEDF477565")
K_SEED = h("239AB9CB282DAF66231DC5A4DF6BFBAE")
H_ENC = h("AB94FCEDF2664EDFB9B291F85D7F77F27F2F4A9D")       # SHA-1(K_seed || 00000001)
K_ENC = h("AB94FDECF2674FDFB9B391F85D7F76F2")                # parity adjusted
H_MAC = h("7862D9ECE03C1BCD4D77089DCF131442814EA70A")       # SHA-1(K_seed || 00000002)
K_MAC = h("7962D9ECE03D1ACD4C76089DCE131543")

# --- Appendix D.3: mutual authentication ------------------------------------------------------
RND_IC = h("4608F91988702212")
RND_IFD = h("781723860C06C226")
K_IFD = h("0B795240CB7049B01C19B33E32804F0B")
S = h("781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B")
E_IFD = h("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
M_IFD = h("5F1448EEA8AD90A7")
EXTERNAL_AUTHENTICATE = h("0082000028" "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
                          "5F1448EEA8AD90A7" "28")
RESPONSE = h("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F" "2F2D235D074D7449")
E_IC, M_IC = RESPONSE[:32], RESPONSE[32:]
R = h("4608F91988702212781723860C06C2260B4F80323EB3191CB04970CB4052790B")
K_IC = h("0B4F80323EB3191CB04970CB4052790B")
SESSION_SEED = h("0036D272F5C350ACAC50C3F572D23600")            # K.IFD xor K.IC
KS_ENC = h("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = h("F1CB1F1FB5ADF208806B89DC579DC1F8")
SSC = h("887022120C06C226")

# --- Appendix D.4: secure messaging -----------------------------------------------------------
SELECT_EF_COM = h("00A4020C02011E")
SELECT_DO87 = h("8709016375432908C044F6")
SELECT_MAC_INPUT = h("887022120C06C227" "0CA4020C80000000" "8709016375432908C044F6")
SELECT_CC = h("BF8B92D635FF24F8")
SELECT_PROTECTED = h("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
SELECT_RESPONSE = h("990290008E08FA855A5D4C50A8ED9000")
SELECT_RESPONSE_MAC_INPUT = h("887022120C06C228" "99029000")
SELECT_RESPONSE_CC = h("FA855A5D4C50A8ED")

READ_4 = h("00B0000004")
READ_4_MAC_INPUT = h("887022120C06C229" "0CB0000080000000" "970104")
READ_4_CC = h("ED6705417E96BA55")
READ_4_PROTECTED = h("0CB000000D9701048E08ED6705417E96BA5500")
READ_4_RESPONSE = h("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")
READ_4_RESPONSE_CC = h("AD55CC17140B2DED")
READ_4_DATA = h("60145F01")

READ_18 = h("00B0000412")
READ_18_MAC_INPUT = h("887022120C06C22B" "0CB0000480000000" "970112")
READ_18_CC = h("2EA28A70F3C7B535")
READ_18_PROTECTED = h("0CB000040D9701128E082EA28A70F3C7B53500")
READ_18_RESPONSE = h("871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A"
                     "990290008E08C8B2787EAEA07D749000")
READ_18_RESPONSE_CC = h("C8B2787EAEA07D74")
READ_18_DATA = h("04303130365F36063034303030305C026175")
EF_COM = READ_4_DATA + READ_18_DATA


# --- the reader's code ------------------------------------------------------------------------

def test_mrz_information_and_check_digits() -> None:
    assert (check_digit(DOCUMENT_NUMBER), check_digit(BIRTH), check_digit(EXPIRY)) == ("3", "1", "6")
    assert BacKey("L898902C", BIRTH, EXPIRY).mrz_information == MRZ_INFORMATION


def test_key_derivation() -> None:
    assert hashlib.sha1(MRZ_INFORMATION.encode()).digest() == H_SHA1
    assert bac.kdf_seed(MRZ_INFORMATION) == K_SEED
    assert bac.adjust_parity(H_ENC[:16]) == K_ENC and bac.adjust_parity(H_MAC[:16]) == K_MAC
    assert bac.derive_key(K_SEED, 1) == K_ENC and bac.derive_key(K_SEED, 2) == K_MAC
    keys = bac.derive_keys(MRZ_INFORMATION)
    assert (keys.k_enc, keys.k_mac) == (K_ENC, K_MAC)
    assert K_ENC.hex() not in repr(keys)


def test_mutual_authentication_and_session_keys() -> None:
    handshake = bac.BacHandshake(bac.derive_keys(MRZ_INFORMATION), rnd_ifd=RND_IFD, k_ifd=K_IFD)
    assert bac.tdes_encrypt(K_ENC, S) == E_IFD
    assert bac.retail_mac(K_MAC, E_IFD) == M_IFD
    assert b"\x00\x82\x00\x00\x28" + handshake.external_authenticate_data(RND_IC) + b"\x28" \
        == EXTERNAL_AUTHENTICATE
    assert bac.retail_mac(K_MAC, E_IC) == M_IC
    assert bac.tdes_decrypt(K_ENC, E_IC) == R and R[16:] == K_IC
    assert bytes(a ^ b for a, b in zip(K_IFD, K_IC, strict=True)) == SESSION_SEED
    sm = handshake.finish(RESPONSE)
    assert (sm.ks_enc, sm.ks_mac, sm.ssc) == (KS_ENC, KS_MAC, SSC)


def test_authentication_answer_with_a_bad_mac_or_echo_is_refused() -> None:
    keys = bac.derive_keys(MRZ_INFORMATION)
    handshake = bac.BacHandshake(keys, rnd_ifd=RND_IFD, k_ifd=K_IFD)
    handshake.external_authenticate_data(RND_IC)
    with pytest.raises(bac.BacAuthenticationError, match="MAC"):
        handshake.finish(RESPONSE[:-1] + bytes([RESPONSE[-1] ^ 1]))
    other = bac.BacHandshake(keys, rnd_ifd=bytes(8), k_ifd=K_IFD)     # the chip echoes another RND.IFD
    other.external_authenticate_data(RND_IC)
    with pytest.raises(bac.BacAuthenticationError, match="echo"):
        other.finish(RESPONSE)


def test_secure_messaging_select_and_read_ef_com() -> None:
    assert bac.tdes_encrypt(KS_ENC, bac.pad(h("011E"))) == SELECT_DO87[3:]
    assert bac.retail_mac(KS_MAC, SELECT_MAC_INPUT) == SELECT_CC
    assert bac.retail_mac(KS_MAC, SELECT_RESPONSE_MAC_INPUT) == SELECT_RESPONSE_CC
    assert bac.retail_mac(KS_MAC, READ_4_MAC_INPUT) == READ_4_CC
    assert bac.retail_mac(KS_MAC, h("887022120C06C22A") + READ_4_RESPONSE[:15]) == READ_4_RESPONSE_CC
    assert bac.retail_mac(KS_MAC, READ_18_MAC_INPUT) == READ_18_CC
    assert bac.retail_mac(KS_MAC, h("887022120C06C22C") + READ_18_RESPONSE[:31]) == READ_18_RESPONSE_CC

    sm = bac.SecureMessaging(KS_ENC, KS_MAC, SSC)
    assert sm.protect(SELECT_EF_COM) == SELECT_PROTECTED
    assert sm.unprotect(SELECT_RESPONSE) == (b"", 0x9000)
    assert sm.ssc == h("887022120C06C228")
    assert sm.protect(READ_4) == READ_4_PROTECTED
    assert sm.unprotect(READ_4_RESPONSE) == (READ_4_DATA, 0x9000)
    assert sm.protect(READ_18) == READ_18_PROTECTED
    assert sm.unprotect(READ_18_RESPONSE) == (READ_18_DATA, 0x9000)
    assert sm.ssc == h("887022120C06C22C")


def test_secure_messaging_refuses_a_wrong_mac_or_a_missing_status() -> None:
    sm = bac.SecureMessaging(KS_ENC, KS_MAC, SSC)
    sm.protect(SELECT_EF_COM)
    tampered = bytearray(SELECT_RESPONSE)
    tampered[-3] ^= 0x01
    with pytest.raises(bac.SecureMessagingError, match="MAC"):
        sm.unprotect(bytes(tampered))
    sm = bac.SecureMessaging(KS_ENC, KS_MAC, SSC)
    sm.protect(SELECT_EF_COM)
    with pytest.raises(bac.SecureMessagingError, match="DO'99'"):
        sm.unprotect(h("8E08FA855A5D4C50A8ED9000"))
    # a chip rejecting our secure messaging answers a bare status word
    assert bac.SecureMessaging(KS_ENC, KS_MAC, SSC).unprotect(h("6988")) == (b"", 0x6988)


# --- the test card's independent code ---------------------------------------------------------

def test_card_crypto_reproduces_the_published_values() -> None:
    assert card.mrz_check_digit(DOCUMENT_NUMBER) + card.mrz_check_digit(BIRTH) + card.mrz_check_digit(EXPIRY) \
        == "316"
    assert card.derive(K_SEED, 1) == K_ENC and card.derive(K_SEED, 2) == K_MAC
    assert card.tdes_cbc_encrypt(K_ENC, S) == E_IFD and card.tdes_cbc_decrypt(K_ENC, E_IC) == R
    assert card.retail_mac(K_MAC, E_IFD) == M_IFD and card.retail_mac(K_MAC, E_IC) == M_IC
    assert card.derive(SESSION_SEED, 1) == KS_ENC and card.derive(SESSION_SEED, 2) == KS_MAC


def test_card_answers_the_published_exchange() -> None:
    holder = card.Holder(document_number="L898902C", birth_date=BIRTH, expiry_date=EXPIRY)
    assert holder.mrz_information == MRZ_INFORMATION
    randoms = [RND_IC, K_IC]
    chip = card.EmrtdChip(holder, rng=lambda n: randoms.pop(0), files={0x011E: EF_COM})
    assert chip.process(h("00A4040C07A0000002471001")) == h("9000")
    assert chip.process(h("0084000008")) == RND_IC + h("9000")
    assert chip.process(EXTERNAL_AUTHENTICATE) == RESPONSE + h("9000")
    assert (chip.ks_enc, chip.ks_mac, chip.ssc) == (KS_ENC, KS_MAC, int.from_bytes(SSC, "big"))
    assert chip.process(SELECT_PROTECTED) == SELECT_RESPONSE
    assert chip.process(READ_4_PROTECTED) == READ_4_RESPONSE
    assert chip.process(READ_18_PROTECTED) == READ_18_RESPONSE


def test_card_refuses_a_cryptogram_from_other_keys() -> None:
    chip = card.EmrtdChip(card.Holder(document_number="L898902C", birth_date=BIRTH, expiry_date="940624"),
                          rng=lambda n: RND_IC if n == 8 else K_IC)
    chip.process(h("00A4040C07A0000002471001"))
    chip.process(h("0084000008"))
    assert chip.process(EXTERNAL_AUTHENTICATE) == h("6300") and not chip.authenticated


def test_reader_and_card_agree_on_random_inputs() -> None:
    for size in (0, 1, 7, 8, 9, 31, 200):
        key, data = os.urandom(16), os.urandom(size)
        assert bac.retail_mac(key, data) == card.retail_mac(key, data)
        padded = bac.pad(data)
        assert padded == card.iso_pad(data)
        assert bac.tdes_encrypt(key, padded) == card.tdes_cbc_encrypt(key, padded)
        assert card.iso_unpad(bac.tdes_decrypt(key, card.tdes_cbc_encrypt(key, padded))) == data
    for _ in range(20):
        seed = os.urandom(16)
        assert bac.derive_key(seed, 1) == card.derive(seed, 1)


# --- MRZ, DG1, DG2 ----------------------------------------------------------------------------

SPECIMEN = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"      # Doc 9303 Part 4 specimen
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10")


def test_parse_the_specimen_passport_mrz() -> None:
    mrz = parse_td3(SPECIMEN)
    assert (mrz.surname, mrz.given_names, mrz.issuing_state, mrz.nationality) == \
        ("ERIKSSON", "ANNA MARIA", "UTO", "UTO")
    assert (mrz.document_number, mrz.birth_date, mrz.sex, mrz.expiry_date, mrz.optional_data) == \
        ("L898902C3", "740812", "F", "120415", "ZE184226B")
    assert mrz.birth_date_value.isoformat() == "1974-08-12"
    assert BacKey.from_mrz(SPECIMEN).mrz_information == "L898902C3674081221204159"
    # a scanner may type both lines as one run, in lower case
    assert parse_td3(SPECIMEN.replace("\n", "").lower()) == mrz


@pytest.mark.parametrize(("position", "char", "field"), [
    (44 + 9, "7", "document_number"),
    (44 + 19, "3", "birth_date"),
    (44 + 27, "0", "expiry_date"),
    (44 + 42, "2", "optional_data"),
    (44 + 43, "1", "composite"),
    (44 + 15, "X", "birth_date"),
])
def test_a_wrong_check_digit_names_the_field(position: int, char: str, field: str) -> None:
    text = SPECIMEN.replace("\n", "")
    with pytest.raises(MrzError) as caught:
        parse_td3(text[:position] + char + text[position + 1:])
    assert caught.value.field == field


def test_typed_fields_are_checked() -> None:
    key = BacKey.from_fields("l898902c3", "740812", "120415", document_number_check="6",
                             birth_date_check="2", expiry_date_check="9")
    assert key.document_number == "L898902C3"
    with pytest.raises(MrzError) as caught:
        BacKey.from_fields("L898902C3", "740812", "120415", birth_date_check="3")
    assert caught.value.field == "birth_date" and "check digit" in str(caught.value)
    with pytest.raises(MrzError) as caught:
        BacKey("L898902C3", "741312", "120415")
    assert caught.value.field == "birth_date"
    with pytest.raises(MrzError) as caught:
        BacKey("L898902C3XX", "740812", "120415")
    assert caught.value.field == "document_number"
    with pytest.raises(MrzError) as caught:
        parse_td3(SPECIMEN.splitlines()[0])
    assert caught.value.field == "mrz"


def test_dg1_and_dg2_of_the_test_card_decode() -> None:
    from workstation.devices.passport import _parse_ef_com, extract_face_image

    holder = card.Holder()
    mrz = parse_dg1(card.build_dg1(holder))
    assert mrz.lines == holder.mrz_lines and mrz.given_names == "LENA MARIE"
    assert extract_face_image(card.build_dg2()) == (card.FACE_JPEG, "image/jpeg")
    jp2 = bytes.fromhex("0000000C6A5020200D0A870A") + b"rest of a JPEG 2000 file"
    assert extract_face_image(card.build_dg2(jp2, jpeg2000=True)) == (jp2, "image/jp2")
    assert _parse_ef_com(EF_COM) == ("01.06", (1, 2))
    with pytest.raises(MrzError, match="5F1F"):
        parse_dg1(card.tlv(0x61, card.tlv(0x5F20, b"x")))
