"""Who is calling: device tokens, login sessions, and the role checks every endpoint makes."""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from server import audit, security
from server.halls import DEFAULT_HALL
from server.models import (
    Account,
    AccountHall,
    Device,
    EnrolmentCode,
    LoginFailure,
    LoginLockout,
    LoginSession,
)
from workstation.domain.queue import DEFAULT_TIMEZONE, hall_zone
from workstation.domain.roles import DeviceKind, Role
from workstation.protocol.auth import EnrolResponse, LoginResponse
from workstation.protocol.devices import DEVICE_REVOKED_HEADER, revoked_words

SESSION_LIFETIME = timedelta(hours=12)
CODE_LIFETIME = timedelta(days=7)
# The header an idle session's 401 carries, so a workstation can say why it logged out.
SESSION_ENDED_HEADER = "X-Session-Ended"

log = logging.getLogger("hall.auth")


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r}: give a number") from None
    if not value > 0 or math.isinf(value):
        raise SystemExit(f"{name}={raw!r}: give a positive number")
    return value


@dataclass(frozen=True)
class LoginSettings:
    """Failed logins and idle sessions. `max_failures` wrong passwords for one account name
    within `window` lock that name for `lock`; `device_max_failures` at one device (whatever
    names were tried) lock the device. A login session unused for `idle` ends."""

    max_failures: int = 5
    device_max_failures: int = 10
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)
    idle: timedelta = timedelta(minutes=30)
    timezone: tzinfo = field(default_factory=hall_zone)

    @classmethod
    def from_environment(cls, idle_minutes: float | None = None) -> LoginSettings:
        """COUNTER_LOGIN_MAX_FAILURES (5; a device may fail twice as often),
        COUNTER_LOGIN_LOCK_MINUTES (15, also the window failures are counted in),
        COUNTER_SESSION_IDLE_MINUTES (30), COUNTER_HALL_TIMEZONE (for the times said)."""
        failures = int(_env_number("COUNTER_LOGIN_MAX_FAILURES", 5))
        lock = timedelta(minutes=_env_number("COUNTER_LOGIN_LOCK_MINUTES", 15))
        idle = idle_minutes if idle_minutes is not None else _env_number("COUNTER_SESSION_IDLE_MINUTES", 30)
        zone = os.environ.get("COUNTER_HALL_TIMEZONE", DEFAULT_TIMEZONE)
        try:
            timezone = hall_zone(zone)
        except ValueError:
            raise SystemExit(f"COUNTER_HALL_TIMEZONE={zone!r} is not a known time zone") from None
        return cls(max_failures=max(1, failures), device_max_failures=max(1, 2 * failures), window=lock,
                   lock=lock, idle=timedelta(minutes=idle), timezone=timezone)

    @property
    def touch_every(self) -> timedelta:
        """How stale a session's last_seen_at may get before a use writes it again."""
        return min(timedelta(minutes=1), self.idle / 4)

    def idle_words(self) -> str:
        return _minutes(self.idle)


@dataclass(frozen=True)
class Principal:
    device_id: str
    device_kind: DeviceKind
    window: int | None
    account_id: int | None = None
    username: str | None = None
    display_name: str | None = None
    role: Role | None = None
    # The hall the device is enrolled to (server.halls): where it issues, calls and uploads.
    hall: str = DEFAULT_HALL
    # The halls the caller may read and act in: the device's, or a supervisor's or admin's
    # account_halls when they have any.
    halls: frozenset[str] = frozenset({DEFAULT_HALL})

    def may_see(self, hall: str) -> bool:
        return hall in self.halls


def halls_of(session: Session, account: Account, device: Device) -> frozenset[str]:
    """The halls a person at `device` works in: a clerk at the device's hall only; a
    supervisor or admin at the halls given to their account, or else the device's."""
    if account.role in (Role.SUPERVISOR.value, Role.ADMIN.value):
        given = frozenset(session.execute(select(AccountHall.hall)
                                          .where(AccountHall.account_id == account.id)).scalars())
        if given:
            return given
    return frozenset({device.hall})


class CodeUsed(ValueError):
    """A code given again that has enrolled a device already: it stays used."""


def create_enrolment_code(session: Session, kind: DeviceKind, window: int | None,
                          code: str | None = None, lifetime: timedelta = CODE_LIFETIME,
                          hall: str = DEFAULT_HALL) -> str:
    """A new one-time code, or `code` (the server's bootstrap code) registered: again
    after a restart while unused, never again once it has enrolled a device (CodeUsed)."""
    code = code or security.new_enrolment_code()
    digest = security.token_hash(security.normalise_code(code))
    existing = session.get(EnrolmentCode, digest, with_for_update=True)
    if existing is not None and existing.used_at is not None:
        raise CodeUsed(f"this enrolment code enrolled a device at {existing.used_at:%Y-%m-%d %H:%M} UTC; "
                       "a code enrols one device only")
    now = datetime.now(UTC)
    session.merge(EnrolmentCode(code_hash=digest, device_kind=kind.value, window=window, hall=hall, created_at=now,
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
    device = Device(id=str(uuid.uuid4()), name=name, kind=row.device_kind, window=row.window, hall=row.hall,
                    token_hash=security.token_hash(token), enrolled_at=now, revoked=False)
    session.add(device)
    row.used_at, row.used_by = now, device.id
    return EnrolResponse(device_id=device.id, kind=DeviceKind(device.kind), window=device.window,
                         token=token, hall=device.hall)


def login(db, device: Principal, username: str, password: str,
          settings: LoginSettings | None = None) -> LoginResponse:
    """A new login session, or an HTTPException: 401 for a wrong username or password
    (counted), 429 while the account name or the device is locked (saying until when).
    The password is checked outside any transaction, so a slow hash holds no lock."""
    settings = settings or LoginSettings()
    now = datetime.now(UTC)
    with db.reading() as session:
        lockout = _active_lockout(session, username, device.device_id, now)
        account = session.execute(select(Account).where(Account.username == username)).scalar_one_or_none()
    if lockout is not None:
        log.warning("login of %r at device %s refused: %s locked until %s", username, device.device_id,
                    lockout.scope, lockout.locked_until.isoformat(timespec="seconds"))
        raise _locked(lockout, settings, now)
    ok = security.verify_password(account.password_hash if account else None, password)
    if account is None or not ok or not account.active:
        with db.session() as session:
            refusal = _failed(session, username, device.device_id, settings, now)
        raise refusal
    token = security.new_token("ses")
    with db.session() as session:
        session.execute(update(LoginFailure)
                        .where(LoginFailure.username == username, LoginFailure.cleared_at.is_(None))
                        .values(cleared_at=now))
        session.add(LoginSession(token_hash=security.token_hash(token), account_id=account.id,
                                 device_id=device.device_id, created_at=now,
                                 expires_at=now + SESSION_LIFETIME, ended_at=None, last_seen_at=now))
        audit.append(session, account.username, account.role, device.device_id, "login", account.username)
    log.info("login of %r at device %s", username, device.device_id)
    return LoginResponse(token=token, username=account.username, display_name=account.display_name,
                         role=Role(account.role), expires_at=now + SESSION_LIFETIME)


def _active_lockout(session: Session, username: str, device_id: str, now: datetime) -> LoginLockout | None:
    """The lockout of the account name or the device that ends last, if any is in force."""
    return session.execute(
        select(LoginLockout)
        .where(((LoginLockout.scope == "account") & (LoginLockout.subject == username))
               | ((LoginLockout.scope == "device") & (LoginLockout.subject == device_id)),
               LoginLockout.locked_until > now, LoginLockout.unlocked_at.is_(None))
        .order_by(LoginLockout.locked_until.desc()).limit(1)
    ).scalar_one_or_none()


def _counted(session: Session, column, value: str, since: datetime) -> int:
    return session.execute(select(func.count()).select_from(LoginFailure).where(
        column == value, LoginFailure.cleared_at.is_(None), LoginFailure.failed_at > since)).scalar_one()


def _failed(session: Session, username: str, device_id: str, settings: LoginSettings,
            now: datetime) -> HTTPException:
    """Counts a failed login and locks the name or the device when it is one too many."""
    session.add(LoginFailure(username=username, device_id=device_id, failed_at=now, cleared_at=None))
    session.flush()
    since = now - settings.window
    by_name = _counted(session, LoginFailure.username, username, since)
    by_device = _counted(session, LoginFailure.device_id, device_id, since)
    log.warning("login failed for %r at device %s (%d of %d for the account, %d of %d at the device)",
                username, device_id, by_name, settings.max_failures, by_device, settings.device_max_failures)
    lockout = None
    locks: list[LoginLockout] = []
    for scope, subject, count, limit, column in (
            ("device", device_id, by_device, settings.device_max_failures, LoginFailure.device_id),
            ("account", username, by_name, settings.max_failures, LoginFailure.username)):
        if count >= limit:
            lockout = LoginLockout(scope=scope, subject=subject, locked_at=now, locked_until=now + settings.lock,
                                   failures=count, unlocked_at=None, unlocked_by=None)
            session.add(lockout)
            locks.append(lockout)
            # Counted once: after the lock, the count starts again.
            session.execute(update(LoginFailure).where(column == subject, LoginFailure.cleared_at.is_(None))
                            .values(cleared_at=now))
            log.warning("%s %r locked until %s after %d failed logins in %s", scope, subject,
                        lockout.locked_until.isoformat(timespec="seconds"), count, settings.window)
    audit.append(session, username, None, device_id, "login.failed", username,
                 {"failures_of_account": by_name, "failures_at_device": by_device})
    for lock in locks:  # last in the transaction: the audit head's lock is held for the commit only
        audit.append(session, username, None, device_id, "login.lockout", lock.subject,
                     {"scope": lock.scope, "until": lock.locked_until.isoformat(), "failures": lock.failures})
    if lockout is not None:
        return _locked(lockout, settings, now)
    left = settings.max_failures - by_name
    return HTTPException(status.HTTP_401_UNAUTHORIZED,
                         f"wrong username or password ({left} more {'try' if left == 1 else 'tries'} "
                         f"before the account is locked for {_minutes(settings.lock)})")


def _minutes(span: timedelta) -> str:
    minutes = span.total_seconds() / 60
    return f"{minutes:g} minute{'s' if minutes != 1 else ''}"


def _locked(lockout: LoginLockout, settings: LoginSettings, now: datetime) -> HTTPException:
    until = lockout.locked_until.astimezone(settings.timezone)
    what = "this account" if lockout.scope == "account" else "logging in at this device"
    seconds = max(1, math.ceil((lockout.locked_until - now).total_seconds()))
    return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                         f"too many failed logins: {what} is locked until {until:%H:%M} hall time "
                         f"({until:%Y-%m-%d}); an administrator can unlock it sooner",
                         headers={"Retry-After": str(seconds)})


def unlock(session: Session, scope: str, subject: str, by: str) -> tuple[int, int]:
    """Lift the lockouts of an account name or a device and forget its counted failures;
    returns (lockouts lifted, failures forgotten)."""
    now = datetime.now(UTC)
    lifted = session.execute(update(LoginLockout).where(
        LoginLockout.scope == scope, LoginLockout.subject == subject, LoginLockout.locked_until > now,
        LoginLockout.unlocked_at.is_(None)).values(unlocked_at=now, unlocked_by=by)).rowcount
    column = LoginFailure.username if scope == "account" else LoginFailure.device_id
    forgotten = session.execute(update(LoginFailure).where(column == subject, LoginFailure.cleared_at.is_(None))
                                .values(cleared_at=now)).rowcount
    log.warning("%s %r unlocked by %s (%d lockouts lifted, %d failures forgotten)", scope, subject, by,
                lifted, forgotten)
    return lifted, forgotten


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


def resolve(session: Session, token: str, settings: LoginSettings | None = None) -> Principal:
    settings = settings or LoginSettings()
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
        if device.revoked:  # before "ended": revoking ends the device's sessions, and this says why
            raise DeviceRevoked(device.id, device.revoked_reason)
        if login_session.ended_at is not None or login_session.expires_at < now:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "session ended or expired")
        if now - (login_session.last_seen_at or login_session.created_at) > settings.idle:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                                f"session expired: unused for {settings.idle_words()}; log in again",
                                headers={SESSION_ENDED_HEADER: "idle"})
        if not account.active:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "account disabled")
        return Principal(device.id, DeviceKind(device.kind), device.window, account.id,
                         account.username, account.display_name, Role(account.role), device.hall,
                         halls_of(session, account, device))
    device = session.execute(select(Device).where(Device.token_hash == digest)).scalar_one_or_none()
    if device is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown device token")
    if device.revoked:
        raise DeviceRevoked(device.id, device.revoked_reason)
    kind = DeviceKind(device.kind)
    return Principal(device.id, kind, device.window, role=kind.own_role, hall=device.hall,
                     halls=frozenset({device.hall}))


class DeviceRevoked(HTTPException):
    """The caller's device (its own token, or a login session at it) was revoked by an
    admin: 403, saying so plainly with the admin's reason, and the DEVICE_REVOKED_HEADER
    so that the workstation stops sending (principal() adds whether an upload was kept)."""

    def __init__(self, device_id: str, reason: str | None, kept: bool | None = None) -> None:
        super().__init__(status.HTTP_403_FORBIDDEN, revoked_words(reason, kept),
                         headers={DEVICE_REVOKED_HEADER: "revoked"})
        self.device_id = device_id
        self.reason = reason


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

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class WeakPassword(ValueError):
    """A new password the hall's policy refuses (security.password_problem)."""


def reset_password(session: Session, username: str, password: str, by: str) -> list[str]:
    """Give an account a new password (checked against the policy): its sessions end, its
    lockouts are lifted. Returns the ended sessions' token hashes (to drop from the cache);
    LookupError for an unknown account, WeakPassword for a weak password."""
    account = session.execute(select(Account).where(Account.username == username)
                              .with_for_update()).scalar_one_or_none()
    if account is None:
        raise LookupError(f"no account {username!r}")
    problem = security.password_problem(password, username)
    if problem:
        raise WeakPassword(problem)
    account.password_hash = security.hash_password(password)
    now = datetime.now(UTC)
    ended = list(session.execute(select(LoginSession.token_hash).where(
        LoginSession.account_id == account.id, LoginSession.ended_at.is_(None),
        LoginSession.expires_at > now)).scalars())
    if ended:
        session.execute(update(LoginSession).where(LoginSession.token_hash.in_(ended)).values(ended_at=now))
    log.warning("password of %r reset by %s (%d sessions ended)", username, by, len(ended))
    unlock(session, "account", username, by)
    return ended


def _resolve_fresh(db, token: str, settings: LoginSettings) -> tuple[Principal, float]:
    """The caller and how long it may be cached. A login session in use has its
    last_seen_at written again once it is `touch_every` old; it is cached for a quarter of
    the idle limit at most, so a session in use is touched well before it would expire."""
    digest = security.token_hash(token)
    with db.reading() as session:
        caller = resolve(session, token, settings)
        if not token.startswith("ses_"):
            return caller, float("inf")
        row = session.get(LoginSession, digest)
    now = datetime.now(UTC)
    if row is None:
        return caller, 0.0
    if now - (row.last_seen_at or row.created_at) >= settings.touch_every:
        try:
            with db.session() as session:
                session.execute(update(LoginSession).where(LoginSession.token_hash == digest)
                                .values(last_seen_at=now))
        except Exception as exc:  # the caller is let through; the next use tries again
            log.warning("could not note a session's use: %s", exc)
    lifetime = min((row.expires_at - now).total_seconds(), settings.idle.total_seconds() / 4)
    return caller, lifetime


async def principal(request: Request) -> Principal:
    """The caller, from its bearer token (a device token or a login session). Runs on the
    event loop for a cached token; only a miss goes to the database, in the thread pool."""
    token = _bearer(request)
    digest = security.token_hash(token)
    cache: PrincipalCache = request.app.state.principals
    caller = cache.get(digest)
    if caller is None:
        settings = getattr(request.app.state, "login_settings", None) or LoginSettings()
        try:
            caller, lifetime = await run_in_threadpool(_resolve_fresh, request.app.state.db, token, settings)
        except DeviceRevoked as refusal:
            raise (await _quarantined(request, refusal)) from None
        cache.put(digest, caller, lifetime)
    audit.note_caller(caller)  # for the Recorder middleware (server.app)
    return caller


async def _quarantined(request: Request, refusal: DeviceRevoked) -> DeviceRevoked:
    """A revoked device's refusal; for an upload (server.devices.is_upload), its body is
    kept for review first (bounded by the server's body limit), and the refusal says so."""
    from server import devices

    method, path = request.method, request.url.path
    if not devices.is_upload(method, path):
        return refusal
    body = await request.body()
    if not body:
        return refusal
    kept = await run_in_threadpool(devices.quarantine, request.app.state.db, refusal.device_id, method, path,
                                   request.headers.get("content-type"), body,
                                   f"device revoked: {refusal.reason or 'no reason given'}")
    return DeviceRevoked(refusal.device_id, refusal.reason, kept)


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
