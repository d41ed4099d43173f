"""Identifiers that the workstation creates without asking the server."""

from __future__ import annotations

import uuid

import uuid6


def new_record_id() -> uuid.UUID:
    """A time-ordered UUID (version 7) for a record written at this window.

    Time order keeps the outbox and the server's indexes append-mostly, and the
    random part makes two windows, offline at the same moment, never collide."""
    return uuid.UUID(bytes=uuid6.uuid7().bytes)
