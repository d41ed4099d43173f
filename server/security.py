"""Passwords, tokens and one-time codes."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Argon2id with the library's defaults (RFC 9106 low-memory profile): a strong salted hash.
_hasher = PasswordHasher()
# Verifying against this keeps an unknown username as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


PASSWORD_MIN_LENGTH = 10


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password for a real account is too weak (the hall's policy), or None: at least
    10 characters, three of the four kinds (small letters, capitals, digits, others), and
    not the username in it."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"a password needs at least {PASSWORD_MIN_LENGTH} characters"
    kinds = sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))
    if kinds < 3:
        return ("a password needs three of these: small letters, capital letters, digits, "
                "other characters")
    if username and username.lower() in password.lower():
        return "a password must not contain the username"
    return None


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    """Tokens are stored as their SHA-256: they are random, so no salt is needed, and a
    leaked table gives no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_enrolment_code() -> str:
    """A code IT can read out or type: 12 characters in groups, no look-alike letters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    """Codes are compared without case, spaces or dashes, as IT may type them."""
    return "".join(ch for ch in code.upper() if ch.isalnum())
