"""Sealing what the local store holds about applicants: AES-256-GCM under a per-store key.

A sealed value is one byte of format, then for format 1 a 12-byte random nonce and the
AES-GCM ciphertext with its tag. The associated data binds a value to its row (a record's
UUID, a PDF's SHA-256), so a ciphertext moved to another row does not open. Format 0 is
the plain bytes, written only where this PC has no OS keyring to keep a key in (the start
window says so) and sealed at the next start that has one.

The key lives in the OS keyring (workstation.credentials.StoreKeys), never in the file;
the store keeps only the key's id, a hash from which the key cannot be recovered."""

from __future__ import annotations

import hashlib
import os

PLAIN = 0
AES_GCM = 1
NONCE_BYTES = 12
KEY_BYTES = 32


class Unreadable(ValueError):
    """A sealed value that this key cannot open (another key, or damaged bytes)."""


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def key_id(key: bytes) -> str:
    """The name the store and the keyring know a key by: a hash, never the key."""
    return hashlib.sha256(b"counter-workstation store key\0" + key).hexdigest()[:32]


class Sealer:
    """Seals and opens values of one store. `key` None: this PC has no keyring, values are
    written plain (format 0) and only plain values can be opened."""

    def __init__(self, key: bytes | None) -> None:
        if key is not None and len(key) != KEY_BYTES:
            raise ValueError("a store key is 32 bytes")
        self.key_id = key_id(key) if key is not None else None
        self._aead = None
        if key is not None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._aead = AESGCM(key)

    @property
    def encrypting(self) -> bool:
        return self._aead is not None

    def seal(self, plain: bytes, bound_to: bytes) -> bytes:
        if self._aead is None:
            return bytes([PLAIN]) + plain
        nonce = os.urandom(NONCE_BYTES)
        return bytes([AES_GCM]) + nonce + self._aead.encrypt(nonce, plain, bound_to)

    def open(self, sealed: bytes, bound_to: bytes) -> bytes:
        sealed = bytes(sealed)
        if not sealed:
            raise Unreadable("an empty sealed value")
        if sealed[0] == PLAIN:
            return sealed[1:]
        if sealed[0] != AES_GCM:
            raise Unreadable(f"unknown sealed format {sealed[0]}")
        if self._aead is None:
            raise Unreadable("the value is encrypted and this store has no key")
        from cryptography.exceptions import InvalidTag

        nonce, body = sealed[1:1 + NONCE_BYTES], sealed[1 + NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, body, bound_to)
        except InvalidTag:
            raise Unreadable("the value does not open with this store's key") from None


def is_plain(sealed: bytes) -> bool:
    return bool(sealed) and sealed[0] == PLAIN
