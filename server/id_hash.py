"""The keyed hash of an applicant's ID number, shared by the queue (a ticket taken with an
ID card) and the case index (the pickup window finds a case by reading the card): one key,
so the same card gives the same hash in both. The number itself is never stored."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time

from server.paths import data_folder


def id_hash_key() -> bytes:
    """The key of the ID-number hash. A masked number shows 10 of 18 characters, so an
    unkeyed hash next to it would fall to ~40,000 guesses of the birth date; the key
    therefore lives outside the database: COUNTER_ID_HASH_KEY, or a file made once in the
    server's data folder."""
    configured = os.environ.get("COUNTER_ID_HASH_KEY")
    if configured:
        return configured.encode()
    path = data_folder() / "id-hash.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may have made it a moment ago
            key = path.read_bytes().strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: delete it to make a new ID-number key") from None
    with os.fdopen(fd, "wb") as out:
        key = secrets.token_hex(32).encode()
        out.write(key)
    return key


def id_hash(key: bytes, id_number: str) -> str:
    """The hash of a normalised ID number (workstation.domain.queue.normalise_id_number)."""
    return hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()
