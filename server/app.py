"""The hall server's HTTP API (FastAPI): /api/v1, described at /openapi.json."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import uuid
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from server import audit, auth, devices, migrate, records, reference, security
from server.auth import Principal, require
from server.cases import CaseSettings, DeadlineJob
from server.db import Database, database_trouble
from server.devices_api import REVOKED_NOTICE, devices_router
from server.events import EVERYONE, EventBus, SharedEventBus
from server.halls import DEFAULT_HALL, HALL_CODE
from server.leader import Leadership
from server.ratings import RatingJob, RatingSettings
from workstation import __version__
from workstation.domain.roles import DeviceKind, Role
from workstation.protocol import API_PREFIX
from workstation.protocol import records as wire_records
from workstation.protocol.auth import EnrolRequest, EnrolResponse, Health, LoginRequest, LoginResponse, Me
from workstation.protocol.events import EventType
from workstation.protocol.reference import ChangeAck, ChangesPage, ReferenceChange, ReferenceKind

MAX_BODY = 16 * 1024 * 1024
MAX_REVISION = 2**63 - 1  # revisions are BIGINT; a larger `since` would overflow the driver
HEARTBEAT_SECONDS = 15.0
SUPERVISING = (Role.SUPERVISOR, Role.ADMIN)
ANY_ROLE = tuple(Role)


class BodyLimit:
    """Refuses a request body over MAX_BODY with 413 before it is read into memory."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            response = JSONResponse({"detail": "request body too large"}, status_code=413)
            return await response(scope, receive, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > MAX_BODY:
                    raise HTTPException(413, "request body too large")
            return message

        return await self.app(scope, limited_receive, send)


# Non-GET requests the Recorder does not note: uploads (the outbox's, whoever is logged in)
# are no one's action, and logging in is audited by server.auth itself.
UNRECORDED = {("POST", f"{API_PREFIX}/records"), ("POST", f"{API_PREFIX}/login"), ("POST", f"{API_PREFIX}/enrol")}
UNRECORDED_PREFIXES = {("PUT", f"{API_PREFIX}/documents/")}


class Recorder:
    """Audits every successful change an admin or a supervisor makes (a non-GET request
    answered below 400) that its handler did not audit itself (server.audit.append): one
    entry naming the route and the status, written before the answer leaves. An action
    that writes its own entry does so in its own transaction; this one follows the
    action's commit, so a database failing between the two loses it (logged)."""

    def __init__(self, app, db: Database) -> None:
        self.app = app
        self.db = db

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        note = audit.RequestNote(scope["method"], scope["path"])
        token = audit.begin_request(note)

        async def noting_send(message):
            if message["type"] == "http.response.start":
                await self._note(scope, note, message["status"])
            await send(message)

        try:
            return await self.app(scope, receive, noting_send)
        finally:
            audit.end_request(token)

    async def _note(self, scope, note: audit.RequestNote, status_code: int) -> None:
        caller = note.caller
        if note.audited or caller is None or caller.role not in SUPERVISING or status_code >= 400:
            return
        if (note.method, note.path) in UNRECORDED or any(
                note.method == m and note.path.startswith(p) for m, p in UNRECORDED_PREFIXES):
            return
        route = getattr(scope.get("route"), "path", None) or note.path
        if route.startswith(API_PREFIX):
            route = route[len(API_PREFIX):]

        def write() -> None:
            with self.db.session() as session:
                audit.append_for(session, caller, f"{caller.role.value}.request", f"{note.method} {route}",
                                 {"path": note.path[len(API_PREFIX):] if note.path.startswith(API_PREFIX)
                                  else note.path, "status": status_code, **note.extra})

        try:
            await run_in_threadpool(write)
        except Exception:  # the action is done; its entry is lost, and said so
            logging.getLogger("hall.audit").exception(
                "the audit entry of %s %s by %s could not be written", note.method, note.path, caller.username)


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: for an answer that echoes a lone UTF-16
    surrogate the caller sent, which UTF-8 cannot carry (the plain answer would be a 500)."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


class EnrolmentCodeRequest(BaseModel):
    kind: DeviceKind
    window: int | None = Field(default=None, ge=1, le=999)
    hall: str = Field(default=DEFAULT_HALL, pattern=HALL_CODE, description="the hall the device is enrolled to")


class EnrolmentCodeResponse(BaseModel):
    code: str


class NewPassword(BaseModel):
    password: str = Field(min_length=1, max_length=256)


class PasswordReset(BaseModel):
    username: str
    sessions_ended: int


class UnlockResult(BaseModel):
    subject: str = Field(description="the account name or device id unlocked")
    lockouts_lifted: int
    failures_forgotten: int


class Liveness(BaseModel):
    status: str = "alive"


class Readiness(BaseModel):
    status: str = Field(description="ready, or not ready")
    revision: str | None = Field(None, description="the database schema's revision, when ready")
    reason: str | None = Field(None, description="why not ready, in plain words")


async def _prune(bus: SharedEventBus, every: float = 300.0) -> None:
    """The leader keeps the events table to its last KEEP_EVENTS events."""
    while True:
        try:
            gone = await asyncio.to_thread(bus.prune)
            if gone:
                logging.getLogger("hall.events").info("pruned %d old events", gone)
        except (OperationalError, InterfaceError) as exc:
            database_trouble(exc)
        await asyncio.sleep(every)


async def _watch_revocations(db: Database, bus: EventBus, every: float = devices.WATCH_SECONDS) -> None:
    """The leader notices a device revoked outside the API (`main.py server revoke-device`,
    which on SQLite cannot reach this process) and tells every process, as the API does."""
    def revoked() -> set[str]:
        with db.reading() as session:
            return devices.revoked_ids(session)

    known: set[str] | None = None
    while True:
        try:
            now = await asyncio.to_thread(revoked)
            if known is not None:
                for device_id in sorted(now - known):
                    logging.getLogger("hall.devices").warning("device %s was revoked outside this server: "
                                                              "its tokens are dropped", device_id)
                    await asyncio.to_thread(bus.notice, REVOKED_NOTICE, {"device_id": device_id})
            known = now
        except (OperationalError, InterfaceError) as exc:
            database_trouble(exc)
        await asyncio.sleep(every)


def _not_ready(reason: str) -> JSONResponse:
    return JSONResponse(Readiness(status="not ready", reason=reason).model_dump(exclude_none=True),
                        status_code=503, headers={"Retry-After": "5"})


def create_app(db: Database, rating_settings: RatingSettings | None = None,
               queue_writer: str = "process", case_settings: CaseSettings | None = None,
               login_settings: auth.LoginSettings | None = None, processes: int = 1) -> FastAPI:
    """The server's application. `queue_writer`: on SQLite, whether the queue is written by
    a process of its own ("process", using a second core) or by a thread ("thread").
    `processes`: how many server processes serve the hall (--workers) with this one."""
    from server.queue import QueueService
    from server.queue_writer import ProcessWriter
    from server.reminders import ReminderService

    # PostgreSQL: one bus for every server process, through the database (--workers).
    bus = SharedEventBus(db) if db.dialect == "postgresql" else EventBus()
    rating_job = RatingJob(db, bus, rating_settings or RatingSettings())
    separate = queue_writer == "process" and ProcessWriter.can_serve(db)
    queue = QueueService(db, bus, writer=ProcessWriter if separate else None)
    reminders = ReminderService(db, queue)
    deadline_job = DeadlineJob(db, bus, case_settings or CaseSettings())
    principals = auth.PrincipalCache()
    # Every process drops what it cached of a token another one ended (a logout, a reset
    # password) or of everything (a device revoked: `bus.notice("principals.clear")`).
    bus.on_notice("principals.drop", lambda data: [principals.drop(d) for d in data.get("digests", ())])
    bus.on_notice("principals.clear", lambda data: principals.clear())
    bus.on_notice("jobs.deadline", lambda data: deadline_job.poke())
    pruning: list[asyncio.Task] = []
    led: list[bool] = []

    def lead() -> None:
        """The jobs that run once per hall, in the one process that leads (server.leader)."""
        led.append(True)
        queue.lead()
        reminders.start()
        rating_job.start()
        deadline_job.start()
        if bus.shared:
            pruning.append(asyncio.get_running_loop().create_task(_prune(bus)))
        pruning.append(asyncio.get_running_loop().create_task(_watch_revocations(db, bus)))

    async def follow() -> None:
        if not led:
            return
        led.clear()
        for task in pruning:
            task.cancel()
        pruning.clear()
        await rating_job.stop()
        await deadline_job.stop()
        reminders.stop()

    leadership = Leadership(db, lead, follow) if bus.shared else None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        bus.bind_loop(asyncio.get_running_loop())
        await asyncio.to_thread(bus.start)
        queue.start()
        leading = None
        if leadership is None:
            lead()
        else:
            leading = asyncio.get_running_loop().create_task(leadership.run())
        # What exists now (modules, the app, its models and statements) lives as long as
        # the server. Out of the collector's sight, a full collection scans a tenth of the
        # heap: a few milliseconds instead of some 100 ms that every request waits through.
        gc.collect()
        gc.freeze()
        yield
        if leading is not None:
            leading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await leading
        await follow()
        queue.close()
        bus.close_all()
        await asyncio.to_thread(bus.stop)

    app = FastAPI(title="Hall server", version=__version__, lifespan=lifespan,
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None)
    app.state.db = db
    app.state.principals = principals
    app.state.login_settings = login_settings = login_settings or auth.LoginSettings()
    app.state.bus = bus
    app.add_middleware(Recorder, db=db)
    app.add_middleware(BodyLimit)

    @app.exception_handler(UnicodeEncodeError)
    async def no_character(request: Request, exc: UnicodeEncodeError) -> JSONResponse:
        # JSON's \u escapes can carry half a UTF-16 pair, which no text encoding holds: a
        # token or code hashed, a value stored or logged fails on it.
        return JSONResponse({"detail": "the request holds a lone UTF-16 surrogate (such as \\ud800), "
                                       "which is no character"}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        try:
            return await request_validation_exception_handler(request, exc)
        except UnicodeEncodeError:  # the problems echo the input, and it holds a lone surrogate
            return AsciiJSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def refused(request: Request, exc: StarletteHTTPException) -> Response:
        try:
            return await http_exception_handler(request, exc)
        except UnicodeEncodeError:  # a message naming the caller's value, a lone surrogate in it
            return AsciiJSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                     headers=getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def database_down(request: Request, exc: DBAPIError) -> JSONResponse:
        # The database is down, restarting, locked or out of disk: nothing of this request
        # was committed. 503 with a plain reason and when to try again, never a 500; the
        # pool (pre-ping) reconnects by itself once the database is back.
        return JSONResponse({"detail": database_trouble(exc)}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(DataError)
    async def unstorable_value(request: Request, exc: DataError) -> JSONResponse:
        # A value the database refuses, e.g. a NUL character in a PostgreSQL string:
        # the caller's mistake, not a server error.
        return JSONResponse({"detail": "the request holds a value the database cannot take "
                                       "(such as a NUL character)"}, status_code=422)

    any_enrolled = require(*ANY_ROLE, devices=tuple(DeviceKind))
    workstation_device = require(devices=(DeviceKind.WORKSTATION,))

    @app.get(f"{API_PREFIX}/health", response_model=Health, tags=["system"])
    def health() -> Health:
        with db.reading() as session:
            halls = reference.current(session, ReferenceKind.HALL)
            now = queue.now()
            return Health(status="ok", version=__version__, database=db.dialect,
                          revision=reference.head(session),
                          hall=halls[0]["name"] if halls else None,
                          server_time=now, hall_date=queue.today(now))

    # For a load balancer: /live says only that this process answers (no database, on
    # the event loop, so a pool of requests waiting on the database does not hold it up);
    # /ready that it can serve, i.e. the database answers and its schema is this server's.
    schema_heads = migrate.heads()

    @app.get(f"{API_PREFIX}/live", response_model=Liveness, tags=["system"])
    async def live() -> Liveness:
        return Liveness()

    @app.get(f"{API_PREFIX}/ready", response_model=Readiness, tags=["system"],
             responses={503: {"model": Readiness, "description": "not ready: `reason` says why"}})
    def ready() -> Response:
        try:
            with db.reading() as session:
                at = frozenset(session.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except (OperationalError, InterfaceError) as exc:
            return _not_ready(database_trouble(exc).split(";")[0])
        except DBAPIError:  # no alembic_version table: the schema was never made
            return _not_ready("the hall's database has no schema: run `main.py server migrate`")
        if at != schema_heads:
            return _not_ready(f"the hall's database schema is at {', '.join(sorted(at)) or 'nothing'}, "
                              f"this server needs {', '.join(sorted(schema_heads))}: "
                              "run `main.py server migrate`")
        return JSONResponse(Readiness(status="ready", revision=", ".join(sorted(at))).model_dump())

    @app.post(f"{API_PREFIX}/enrol", response_model=EnrolResponse, tags=["auth"])
    def enrol(body: EnrolRequest) -> EnrolResponse:
        with db.session() as session:
            return auth.enrol(session, body.code, body.name)

    @app.post(f"{API_PREFIX}/admin/enrolment-codes", response_model=EnrolmentCodeResponse,
              tags=["auth"])
    def new_enrolment_code(body: EnrolmentCodeRequest,
                           admin: Principal = Depends(require(Role.ADMIN))) -> EnrolmentCodeResponse:
        with db.session() as session:
            code = auth.create_enrolment_code(session, body.kind, body.window, hall=body.hall)
            audit.append_for(session, admin, "admin.enrolment_code", body.kind.value,
                             {"kind": body.kind.value, "window": body.window, "hall": body.hall})
            return EnrolmentCodeResponse(code=code)

    @app.post(f"{API_PREFIX}/login", response_model=LoginResponse, tags=["auth"])
    def login(body: LoginRequest, device: Principal = Depends(workstation_device)) -> LoginResponse:
        if device.account_id is not None:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "log in with the device token")
        return auth.login(db, device, body.username, body.password, login_settings)

    def _unlock(scope: str, subject: str, admin: Principal) -> UnlockResult:
        with db.session() as session:
            lifted, forgotten = auth.unlock(session, scope, subject, admin.username or "admin")
            audit.append_for(session, admin, f"admin.unlock_{scope}", subject,
                             {"lockouts_lifted": lifted, "failures_forgotten": forgotten})
        return UnlockResult(subject=subject, lockouts_lifted=lifted, failures_forgotten=forgotten)

    @app.post(f"{API_PREFIX}/admin/accounts/{{username}}/unlock", response_model=UnlockResult,
              tags=["auth"])
    def unlock_account(username: Annotated[str, Path(min_length=1, max_length=64)],
                       admin: Principal = Depends(require(Role.ADMIN))) -> UnlockResult:
        """Lift the lockout of an account name after failed logins (and forget its failures)."""
        return _unlock("account", username, admin)

    @app.post(f"{API_PREFIX}/admin/accounts/{{username}}/password", response_model=PasswordReset,
              tags=["auth"])
    def reset_password(username: Annotated[str, Path(min_length=1, max_length=64)], body: NewPassword,
                       admin: Principal = Depends(require(Role.ADMIN))) -> PasswordReset:
        """Give an account a new password (the hall's policy applies): its sessions end at
        once and its lockout is lifted."""
        try:
            with db.session() as session:
                ended = auth.reset_password(session, username, body.password, admin.username or "admin")
                audit.append_for(session, admin, "admin.password_reset", username, {"sessions_ended": len(ended)})
        except LookupError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        except auth.WeakPassword as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
        bus.notice("principals.drop", {"digests": ended})
        return PasswordReset(username=username, sessions_ended=len(ended))

    @app.post(f"{API_PREFIX}/admin/devices/{{device_id}}/unlock", response_model=UnlockResult,
              tags=["auth"])
    def unlock_device(device_id: Annotated[str, Path(min_length=1, max_length=36)],
                      admin: Principal = Depends(require(Role.ADMIN))) -> UnlockResult:
        """Lift the lockout of a device after failed logins at it (and forget its failures)."""
        return _unlock("device", device_id, admin)

    @app.post(f"{API_PREFIX}/logout", status_code=204, tags=["auth"])
    def logout(token: str = Depends(auth.bearer_token), _: Principal = Depends(any_enrolled)) -> None:
        with db.session() as session:
            auth.logout(session, token)
        bus.notice("principals.drop", {"digests": [security.token_hash(token)]})

    @app.get(f"{API_PREFIX}/me", response_model=Me, tags=["auth"])
    def me(caller: Principal = Depends(any_enrolled)) -> Me:
        return Me(device_id=caller.device_id, device_kind=caller.device_kind, window=caller.window,
                  username=caller.username, display_name=caller.display_name, role=caller.role,
                  hall=caller.hall, halls=sorted(caller.halls))

    @app.get(f"{API_PREFIX}/reference/changes", response_model=ChangesPage, tags=["reference"])
    def reference_changes(
        since: Annotated[int, Query(ge=0, le=MAX_REVISION)] = 0,
        limit: Annotated[int, Query(ge=1, le=reference.MAX_PAGE)] = 500,
        kind: Annotated[list[ReferenceKind] | None, Query()] = None,
        _: Principal = Depends(any_enrolled),
    ) -> ChangesPage:
        with db.reading() as session:
            return reference.changes(session, since, limit, {k.value for k in kind} if kind else None)

    def _changed(entry) -> ChangeAck:
        bus.publish(EventType.REFERENCE_CHANGED, {"kind": entry.kind, "key": entry.key,
                                                  "revision": entry.revision}, EVERYONE)
        return ChangeAck(kind=ReferenceKind(entry.kind), key=entry.key, revision=entry.revision,
                         changed_at=entry.changed_at)

    @app.put(f"{API_PREFIX}/reference/{{kind}}/{{key}}", response_model=ChangeAck, tags=["reference"])
    def reference_put(kind: ReferenceKind, key: str, body: ReferenceChange,
                      admin: Principal = Depends(require(Role.ADMIN))) -> ChangeAck:
        try:
            value = reference.validate(kind, body.payload)
        except reference.InvalidReference as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None
        if reference.key_of(kind, value) != key:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                                f"the path names {key!r} but the value is {reference.key_of(kind, value)!r}")
        with db.session() as session:
            problems = reference.cross_problems(session, kind, [value])
            if problems:
                raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "; ".join(problems))
            before = reference.head(session)
            entry = reference.put(session, kind, body.payload)
            audit.append_for(session, admin, "admin.reference_put", f"{kind.value}/{entry.key}",
                             {"revision": entry.revision, "changed": entry.revision > before})
        if entry.revision <= before:  # the same value again: no new revision, nothing to tell
            return ChangeAck(kind=kind, key=entry.key, revision=entry.revision, changed_at=entry.changed_at)
        return _changed(entry)

    @app.delete(f"{API_PREFIX}/reference/{{kind}}/{{key}}", response_model=ChangeAck, tags=["reference"])
    def reference_delete(kind: ReferenceKind, key: str,
                         admin: Principal = Depends(require(Role.ADMIN))) -> ChangeAck:
        with db.session() as session:
            entry = reference.delete(session, kind, key)
            if entry is not None:
                audit.append_for(session, admin, "admin.reference_delete", f"{kind.value}/{key}",
                                 {"revision": entry.revision})
        if entry is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no {kind.value} {key!r}")
        return _changed(entry)

    @app.post(f"{API_PREFIX}/records", response_model=wire_records.UploadResult, tags=["records"])
    def upload(batch: wire_records.UploadBatch,
               device: Principal = Depends(workstation_device)) -> wire_records.UploadResult:
        for attempt in range(3):
            try:
                with db.session() as session:
                    result, stored, conflicts = records.store_batch(session, device.device_id, batch, device.hall)
                break
            except IntegrityError:
                # Another upload of the same UUIDs committed first; the next try sees them.
                if attempt == 2:
                    raise
        if stored:
            bus.publish(EventType.RECORDS_STORED, {"device_id": device.device_id, "count": stored},
                        frozenset(SUPERVISING))
        if conflicts:
            bus.publish(EventType.RECORD_CONFLICT, {"device_id": device.device_id, "count": conflicts},
                        frozenset(SUPERVISING))
        return result

    @app.get(f"{API_PREFIX}/records", response_model=wire_records.RecordsPage, tags=["records"])
    def list_records(
        kind: str | None = None,
        after: uuid.UUID | None = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
        caller: Principal = Depends(require(*SUPERVISING)),
    ) -> wire_records.RecordsPage:
        with db.reading() as session:
            found = records.page(session, kind, after, limit, caller.halls)
        # Records as uploaded: a case's applicant in full, a rating's phone.
        audit.record(db, caller, "reveal.records", kind, {
            "kind": kind, "after": str(after) if after else None, "count": len(found.records)})
        return found

    @app.get(f"{API_PREFIX}/records/conflicts", response_model=list[wire_records.ConflictOut],
             tags=["records"])
    def list_conflicts(limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                       caller: Principal = Depends(require(*SUPERVISING))) -> list[wire_records.ConflictOut]:
        with db.reading() as session:
            found = records.conflicts(session, limit, caller.halls)
        audit.record(db, caller, "reveal.record_conflicts", None, {"count": len(found)})
        return found

    @app.get(f"{API_PREFIX}/events", tags=["events"],
             response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}}})
    async def events(request: Request, caller: Principal = Depends(any_enrolled),
                     last_event_id: Annotated[int | None, Header()] = None) -> StreamingResponse:
        role = caller.role or Role.CLERK  # a workstation without a login sees what a clerk sees
        # A window's workstation (with a clerk or nobody logged in; a supervisor's desk at a
        # workstation is not the window's) counts in the window's presence.
        at_window = caller.window if (caller.device_kind is DeviceKind.WORKSTATION
                                      and role is Role.CLERK) else None

        async def stream():
            # Subscribed in the generator, so its `finally` always unsubscribes: a client
            # gone before the first write never leaves a window online.
            subscriber, missed = await bus.open(role, last_event_id, at_window, device_id=caller.device_id,
                                                halls=caller.halls)
            try:
                yield "retry: 2000\n: connected\n\n" + "".join(missed)
                while True:
                    try:
                        texts = await subscriber.next_texts(HEARTBEAT_SECONDS)
                    except TimeoutError:
                        if await request.is_disconnected():
                            return
                        yield ": keepalive\n\n"
                        continue
                    ending = texts[-1] is None
                    if ending:
                        texts.pop()
                    if texts:
                        yield "".join(texts)  # one write for everything waiting
                    if ending:
                        return
            finally:
                bus.unsubscribe(subscriber)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no",
                                          # which server process (--workers) serves this stream
                                          "X-Server-Process": str(os.getpid())})

    from server.documents import documents_router
    from server.queue import QueueError
    from server.queue_api import queue_refused, queue_router
    from server.ratings_api import ratings_router

    app.include_router(queue_router(queue))
    app.add_exception_handler(QueueError, queue_refused)
    app.include_router(ratings_router(db, bus, rating_job.settings))
    app.include_router(documents_router(db))
    from server.cases_api import cases_router

    app.include_router(cases_router(db, bus, deadline_job))
    from server.held import held_router  # its case indexer too: after the case index's own

    app.include_router(held_router(db))
    from server.monitoring_api import monitoring_router

    # A device revoked: its cached tokens and streams go in every process (devices.revoked).
    app.include_router(devices_router(db, bus, principals, processes))

    app.include_router(monitoring_router(db, bus, queue))
    from server import audit_chains
    from server.audit_api import alerts_router, audit_router

    audit_chains.configure(bus)
    app.include_router(audit_router(db))
    app.include_router(alerts_router(db, bus))
    return app

