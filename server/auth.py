"""Who is calling: device tokens, login sessions, and the role checks every endpoint makes."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from server import security
from server.models import Account, Device, EnrolmentCode, LoginSession
from workstation.domain.roles import DeviceKind, Role
from workstation.protocol.auth import EnrolResponse, LoginResponse

SESSION_LIFETIME = timedelta(hours=12)
CODE_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class Principal:
    device_id: str
    device_kind: DeviceKind
    window: int | None
    account_id: int | None = None
    username: str | None = None
    display_name: str | None = None
    role: Role | None = None


class CodeUsed(ValueError):
    """A code given again that has enrolled a device already: it stays used."""


def create_enrolment_code(session: Session, kind: DeviceKind, window: int | None,
                          code: str | None = None, lifetime: timedelta = CODE_LIFETIME) -> str:
    """A new one-time code, or `code` (the server's bootstrap code) registered: again
    after a restart while unused, never again once it has enrolled a device (CodeUsed)."""
    code = code or security.new_enrolment_code()
    digest = security.token_hash(security.normalise_code(code))
    existing = session.get(EnrolmentCode, digest, with_for_update=True)
    if existing is not None and existing.used_at is not None:
        raise CodeUsed(f"this enrolment code enrolled a device at {existing.used_at:%Y-%m-%d %H:%M} UTC; "
                       "a code enrols one device only")
    now = datetime.now(UTC)
    session.merge(EnrolmentCode(code_hash=digest, device_kind=kind.value, window=window, created_at=now,
                                expires_at=now + lifetime, used_at=None, used_by=None))
    return code


def enrol(session: Session, code: str, name: str) -> EnrolResponse:
    now = datetime.now(UTC)
    row = session.execute(
        select(EnrolmentCode)
        .where(EnrolmentCode.code_hash == security.token_hash(security.normalise_code(code)))
        .with_for_update()
    ).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at < now:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            "enrolment code unknown, already used or expired")
    token = security.new_token("dev")
    device = Device(id=str(uuid.uuid4()), name=name, kind=row.device_kind, window=row.window,
                    token_hash=security.token_hash(token), enrolled_at=now, revoked=False)
    session.add(device)
    row.used_at, row.used_by = now, device.id
    return EnrolResponse(device_id=device.id, kind=DeviceKind(device.kind), window=device.window,
                         token=token)


def login(session: Session, device: Principal, username: str, password: str) -> LoginResponse:
    account = session.execute(select(Account).where(Account.username == username)).scalar_one_or_none()
    ok = security.verify_password(account.password_hash if account else None, password)
    if account is None or not ok or not account.active:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password")
    token = security.new_token("ses")
    now = datetime.now(UTC)
    session.add(LoginSession(token_hash=security.token_hash(token), account_id=account.id,
                             device_id=device.device_id, created_at=now,
                             expires_at=now + SESSION_LIFETIME, ended_at=None))
    return LoginResponse(token=token, username=account.username, display_name=account.display_name,
                         role=Role(account.role), expires_at=now + SESSION_LIFETIME)


def logout(session: Session, token: str) -> None:
    row = session.get(LoginSession, security.token_hash(token))
    if row is not None and row.ended_at is None:
        row.ended_at = datetime.now(UTC)


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a bearer token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


def resolve(session: Session, token: str) -> Principal:
    digest = security.token_hash(token)
    now = datetime.now(UTC)
    if token.startswith("ses_"):
        found = session.execute(
            select(LoginSession, Account, Device)
            .join(Account, Account.id == LoginSession.account_id)
            .join(Device, Device.id == LoginSession.device_id)
            .where(LoginSession.token_hash == digest)
        ).one_or_none()
        if found is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown session")
        login_session, account, device = found
        if login_session.ended_at is not None or login_session.expires_at < now:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "session ended or expired")
        if device.revoked or not account.active:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "device or account disabled")
        return Principal(device.id, DeviceKind(device.kind), device.window, account.id,
                         account.username, account.display_name, Role(account.role))
    device = session.execute(select(Device).where(Device.token_hash == digest)).scalar_one_or_none()
    if device is None or device.revoked:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown or revoked device token")
    kind = DeviceKind(device.kind)
    return Principal(device.id, kind, device.window, role=kind.own_role)


class PrincipalCache:
    """Recently resolved tokens, so a window calling tickets all day does not look its
    session up in the database on every request. Entries live a few seconds at most
    (never past the session's end) and logging out drops them at once."""

    def __init__(self, ttl: float = 10.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> Principal | None:
        with self._lock:
            found = self._entries.get(digest)
            if found is None:
                return None
            if found[1] < time.monotonic():
                del self._entries[digest]
                return None
            return found[0]

    def put(self, digest: str, caller: Principal, lifetime: float) -> None:
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[digest] = (caller, time.monotonic() + min(self.ttl, lifetime))

    def drop(self, digest: str) -> None:
        with self._lock:
            self._entries.pop(digest, None)


def _resolve_fresh(db, token: str) -> tuple[Principal, float]:
    with db.reading() as session:
        caller = resolve(session, token)
        lifetime = float("inf")
        if token.startswith("ses_"):
            row = session.get(LoginSession, security.token_hash(token))
            if row is not None:
                lifetime = (row.expires_at - datetime.now(UTC)).total_seconds()
        return caller, lifetime


async def principal(request: Request) -> Principal:
    """The caller, from its bearer token (a device token or a login session). Runs on the
    event loop for a cached token; only a miss goes to the database, in the thread pool."""
    token = _bearer(request)
    digest = security.token_hash(token)
    cache: PrincipalCache = request.app.state.principals
    caller = cache.get(digest)
    if caller is None:
        caller, lifetime = await run_in_threadpool(_resolve_fresh, request.app.state.db, token)
        cache.put(digest, caller, lifetime)
    return caller


def bearer_token(request: Request) -> str:
    return _bearer(request)


def require(*roles: Role, devices: tuple[DeviceKind, ...] = ()):
    """A dependency that lets through callers acting in one of `roles`, or devices of
    one of the `devices` kinds whoever is logged in at them; everyone else gets 403."""

    async def check(caller: Principal = Depends(principal)) -> Principal:
        if caller.role in roles or caller.device_kind in devices:
            return caller
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this role may not do that")

    return check
