"""Basic Access Control and secure messaging of eMRTD chips (ICAO Doc 9303 Part 11 §4.3, §9.7,
§9.8; worked example in Appendix D). Pure crypto with pycryptodome: no I/O.

- ``derive_keys(mrz_information)`` gives K_enc and K_mac (K_seed = SHA-1(MRZ information)
  [:16]; KDF(K_seed, c) = SHA-1(K_seed || c as 4 bytes)[:16] with c = 1 for K_enc and 2 for
  K_mac, parity adjusted 2-key 3DES keys).
- ``BacHandshake`` builds the EXTERNAL AUTHENTICATE data (E_IFD || M_IFD) for the chip's
  RND.IC and checks the chip's answer, giving a ``SecureMessaging`` session with KS_enc,
  KS_mac from K.IFD xor K.IC and SSC = RND.IC[4:] || RND.IFD[4:].
- ``SecureMessaging.protect`` / ``unprotect`` wrap command APDUs into DO'87' / DO'97' /
  DO'8E' and verify the chip's DO'99' and MAC, incrementing the SSC each way.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from Crypto.Cipher import DES, DES3

from workstation.devices.mrz import TlvError, read_tlv

__all__ = [
    "BacAuthenticationError",
    "BacError",
    "BacHandshake",
    "BacKeys",
    "SecureMessaging",
    "SecureMessagingError",
    "adjust_parity",
    "derive_key",
    "derive_keys",
    "kdf_seed",
    "pad",
    "retail_mac",
    "tdes_decrypt",
    "tdes_encrypt",
    "unpad",
]

ENC_COUNTER = 1
MAC_COUNTER = 2
_ZERO_IV = bytes(8)


class BacError(Exception):
    """Base of BAC and secure-messaging failures."""


class BacAuthenticationError(BacError):
    """The chip's mutual-authentication answer does not check out (wrong MAC, or it does not
    echo our RND.IFD): the keys, i.e. the MRZ, do not match the chip."""


class SecureMessagingError(BacError):
    """A secure-messaging response is malformed or its MAC does not verify."""


# --- primitives ------------------------------------------------------------------------------

def adjust_parity(key: bytes) -> bytes:
    """Set the lowest bit of every byte so that each byte has odd parity (DES key parity)."""
    out = bytearray()
    for byte in key:
        high = byte & 0xFE
        out.append(high | ((bin(high).count("1") + 1) & 1))
    return bytes(out)


def kdf_seed(mrz_information: str) -> bytes:
    """K_seed: the first 16 bytes of SHA-1 over the MRZ information."""
    return hashlib.sha1(mrz_information.encode("ascii")).digest()[:16]


def derive_key(seed: bytes, counter: int) -> bytes:
    """KDF(K_seed, c): 16-byte 2-key 3DES key, parity adjusted."""
    return adjust_parity(hashlib.sha1(seed + counter.to_bytes(4, "big")).digest()[:16])


@dataclass(frozen=True)
class BacKeys:
    k_enc: bytes
    k_mac: bytes

    def __repr__(self) -> str:
        return "BacKeys(<secret>)"


def derive_keys(mrz_information: str) -> BacKeys:
    seed = kdf_seed(mrz_information)
    return BacKeys(derive_key(seed, ENC_COUNTER), derive_key(seed, MAC_COUNTER))


def pad(data: bytes) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 80 then zeros up to a multiple of 8 bytes."""
    data = data + b"\x80"
    return data + bytes(-len(data) % 8)


def unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise SecureMessagingError("decrypted data lacks ISO 9797-1 method 2 padding")
    return stripped[:-1]


def tdes_encrypt(key: bytes, data: bytes) -> bytes:
    """2-key 3DES in CBC mode with a zero IV (no padding added)."""
    return DES3.new(key, DES3.MODE_CBC, iv=_ZERO_IV).encrypt(data)


def tdes_decrypt(key: bytes, data: bytes) -> bytes:
    return DES3.new(key, DES3.MODE_CBC, iv=_ZERO_IV).decrypt(data)


def retail_mac(key: bytes, data: bytes, *, padded: bool = False) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 (retail MAC) with DES, padding method 2 (applied unless
    ``padded``): single-DES CBC with K_a over all blocks, then decrypt with K_b and encrypt
    with K_a on the last block."""
    message = data if padded else pad(data)
    if len(message) % 8:
        raise ValueError("retail MAC input is not a multiple of 8 bytes")
    ka, kb = key[:8], key[8:16]
    chain = DES.new(ka, DES.MODE_CBC, iv=_ZERO_IV).encrypt(message)[-8:]
    chain = DES.new(kb, DES.MODE_ECB).decrypt(chain)
    return DES.new(ka, DES.MODE_ECB).encrypt(chain)


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


# --- mutual authentication ------------------------------------------------------------------

class BacHandshake:
    """One run of BAC mutual authentication from the terminal's side.

    >>> hs = BacHandshake(derive_keys(mrz_information))
    >>> data = hs.external_authenticate_data(rnd_icc)     # send 00 82 00 00 28 <data> 28
    >>> sm = hs.finish(response_data)                     # 40 bytes the chip answered
    """

    def __init__(self, keys: BacKeys, *, rnd_ifd: bytes | None = None, k_ifd: bytes | None = None):
        self.keys = keys
        self.rnd_ifd = rnd_ifd if rnd_ifd is not None else os.urandom(8)
        self.k_ifd = k_ifd if k_ifd is not None else os.urandom(16)
        if len(self.rnd_ifd) != 8 or len(self.k_ifd) != 16:
            raise ValueError("RND.IFD is 8 bytes and K.IFD 16 bytes")
        self.rnd_icc: bytes | None = None

    def external_authenticate_data(self, rnd_icc: bytes) -> bytes:
        """E_IFD || M_IFD for the chip's challenge RND.IC."""
        if len(rnd_icc) != 8:
            raise BacAuthenticationError(f"the chip's challenge has {len(rnd_icc)} bytes, not 8")
        self.rnd_icc = bytes(rnd_icc)
        s = self.rnd_ifd + self.rnd_icc + self.k_ifd
        e_ifd = tdes_encrypt(self.keys.k_enc, s)
        return e_ifd + retail_mac(self.keys.k_mac, e_ifd)

    def finish(self, response: bytes) -> SecureMessaging:
        """Verify the chip's E_IC || M_IC and derive the session."""
        if self.rnd_icc is None:
            raise BacError("external_authenticate_data() was not called")
        if len(response) != 40:
            raise BacAuthenticationError(f"the chip's authentication answer has {len(response)} bytes, not 40")
        e_icc, m_icc = response[:32], response[32:]
        if retail_mac(self.keys.k_mac, e_icc) != m_icc:
            raise BacAuthenticationError("the chip's authentication MAC does not verify")
        r = tdes_decrypt(self.keys.k_enc, e_icc)
        if r[:8] != self.rnd_icc or r[8:16] != self.rnd_ifd:
            raise BacAuthenticationError("the chip's answer does not echo the challenges")
        k_icc = r[16:32]
        return SecureMessaging.from_key_seed(_xor(self.k_ifd, k_icc), self.rnd_icc, self.rnd_ifd)


# --- secure messaging -----------------------------------------------------------------------

def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n <= 0xFF:
        return bytes([0x81, n])
    return bytes([0x82]) + n.to_bytes(2, "big")


class SecureMessaging:
    """A BAC secure-messaging session (3DES, retail MAC, 8-byte SSC)."""

    def __init__(self, ks_enc: bytes, ks_mac: bytes, ssc: bytes):
        if len(ssc) != 8:
            raise ValueError("the SSC is 8 bytes")
        self.ks_enc = ks_enc
        self.ks_mac = ks_mac
        self._ssc = int.from_bytes(ssc, "big")

    @classmethod
    def from_key_seed(cls, seed: bytes, rnd_icc: bytes, rnd_ifd: bytes) -> SecureMessaging:
        return cls(derive_key(seed, ENC_COUNTER), derive_key(seed, MAC_COUNTER), rnd_icc[4:] + rnd_ifd[4:])

    @property
    def ssc(self) -> bytes:
        return self._ssc.to_bytes(8, "big")

    def _next_ssc(self) -> bytes:
        self._ssc = (self._ssc + 1) % (1 << 64)
        return self.ssc

    def __repr__(self) -> str:
        return "SecureMessaging(<session keys>)"

    def protect(self, apdu: bytes) -> bytes:
        """Wrap a short plain command APDU (CLA INS P1 P2 [Lc data] [Le])."""
        if len(apdu) < 4:
            raise ValueError("an APDU has at least 4 bytes")
        cla, ins, p1, p2 = apdu[:4]
        if ins & 1:
            raise ValueError("odd INS codes (DO'85') are not supported")
        body = apdu[4:]
        data, le = b"", None
        if len(body) == 1:
            le = body[0]
        elif len(body) > 1:
            lc = body[0]
            data = body[1:1 + lc]
            if len(data) != lc or len(body) not in (1 + lc, 2 + lc):
                raise ValueError("malformed APDU: Lc does not match the data")
            if len(body) == 2 + lc:
                le = body[-1]
        header = bytes([cla | 0x0C, ins, p1, p2])
        objects = b""
        if data:
            encrypted = tdes_encrypt(self.ks_enc, pad(data))
            objects += b"\x87" + _der_length(len(encrypted) + 1) + b"\x01" + encrypted
        if le is not None:
            objects += b"\x97\x01" + bytes([le])
        mac = retail_mac(self.ks_mac, self._next_ssc() + pad(header) + objects)
        objects += b"\x8e\x08" + mac
        return header + bytes([len(objects)]) + objects + b"\x00"

    def unprotect(self, response: bytes) -> tuple[bytes, int]:
        """Verify and decrypt a protected response (data + SW1 SW2): (plain data, status word
        from DO'99'). A bare status word without data objects (what a chip answers when it
        rejects secure messaging itself, e.g. 6987 / 6988) is returned as it is."""
        if len(response) < 2:
            raise SecureMessagingError("the chip answered with fewer than 2 bytes")
        body, sw = response[:-2], int.from_bytes(response[-2:], "big")
        ssc = self._next_ssc()
        if not body:
            if sw == 0x9000:
                raise SecureMessagingError("the chip answered 9000 without secure-messaging objects")
            return b"", sw
        do87 = do99 = mac = None
        covered = b""
        try:
            offset = 0
            while offset < len(body):
                start = offset
                tag, value, offset = read_tlv(body, offset)
                if tag == 0x8E:
                    mac = value
                    continue
                covered += body[start:offset]      # the MAC covers the objects as sent
                if tag == 0x87:
                    do87 = value
                elif tag == 0x99:
                    do99 = value
        except TlvError as exc:
            raise SecureMessagingError(f"malformed secure-messaging response: {exc}") from None
        if mac is None:
            raise SecureMessagingError("the chip's response has no MAC (DO'8E')")
        if do99 is None or len(do99) != 2:
            raise SecureMessagingError("the chip's response has no status (DO'99')")
        if retail_mac(self.ks_mac, ssc + covered) != mac:
            raise SecureMessagingError("the MAC of the chip's response does not verify")
        data = b""
        if do87 is not None:
            if not do87 or do87[0] != 0x01 or (len(do87) - 1) % 8:
                raise SecureMessagingError("the chip's encrypted data (DO'87') is malformed")
            data = unpad(tdes_decrypt(self.ks_enc, do87[1:]))
        return data, int.from_bytes(do99, "big")
