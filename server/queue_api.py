"""The queue's HTTP endpoints, under /api/v1/queue. Kiosks issue and cancel tickets,
clerks operate at the window their workstation is enrolled for, displays read the
summary, supervisors read everything. Each in its own hall (server.halls): the caller's
device's, or one of the halls given to a supervisor or admin (`?hall=`); a ticket, window
or appointment of another hall is refused with 403."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from server.auth import Principal, principal, require
from server.halls import HALL_CODE
from server.queue import QueueError, QueueService
from workstation.domain.queue import Operation
from workstation.domain.roles import DeviceKind, Role
from workstation.protocol import API_PREFIX
from workstation.protocol import queue as wire

PREFIX = f"{API_PREFIX}{wire.QUEUE_PREFIX}"
# Ids are BIGINT: a larger one in the address is refused (422) before the database
# driver overflows on it; window numbers are those the reference data allows.
TicketId = Annotated[int, Path(ge=1, le=wire.MAX_ID)]
WindowNumber = Annotated[int, Path(ge=1, le=999)]
HallCode = Annotated[str | None, Query(pattern=HALL_CODE, description="one of the caller's halls (default: "
                                      "the device's)")]


async def queue_refused(request: Request, exc: QueueError) -> JSONResponse:
    """Every QueueError, from any endpoint: its status (404, 409…) and its plain detail."""
    return JSONResponse({"detail": exc.detail}, status_code=exc.status)


def _answer(model: BaseModel, status_code: int = 200) -> Response:
    """A counter operation's answer, serialized once. Returned as a model, FastAPI would
    validate it against the response model again first; the route's response_model still
    describes it in /openapi.json."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")


def _validated(model: type[BaseModel], raw: bytes) -> Any:
    """A body that may hold ID numbers, validated by hand: FastAPI's own 422 echoes the input."""
    try:
        payload = json.loads(raw or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise HTTPException(422, "the body is not JSON") from None
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        problems = [{"loc": ["body", *err["loc"]], "msg": err["msg"], "type": err["type"]}
                    for err in exc.errors(include_input=False, include_url=False, include_context=False)]
        raise HTTPException(422, problems) from None


def _pause_request(raw: bytes) -> wire.PauseRequest | None:
    """An optional body: FastAPI takes a missing body for an optional model, but then
    documents it oddly; parsed here, `null` too means none."""
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise HTTPException(422, "the body is not JSON") from None
    if payload is None:
        return None
    try:
        return wire.PauseRequest.model_validate(payload)
    except ValidationError as exc:
        raise HTTPException(422, exc.errors(include_url=False, include_context=False)) from None


def _kiosk(caller: Principal) -> str | None:
    """The device id a ticket must have been issued by for `caller` to touch it: a kiosk's
    own; None (any ticket) for a person."""
    return caller.device_id if caller.role is Role.KIOSK else None


def in_hall(caller: Principal, hall: str | None) -> str:
    """The hall a request acts in: `hall` if the caller works there (else 403), or the device's."""
    if hall is None:
        return caller.hall
    if not caller.may_see(hall):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"this device works in hall "
                                                       f"{', '.join(sorted(caller.halls))}, not in hall {hall!r}")
    return hall


def _json_body(model, required: bool = True) -> dict[str, Any]:
    # Its enums are components already (the Ticket and WindowState answers use them).
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}}


def queue_router(service: QueueService) -> APIRouter:
    """The queue endpoints over the hall's queue service."""
    router = APIRouter(prefix=PREFIX, tags=["queue"])

    kiosk_or_admin = require(Role.KIOSK, Role.ADMIN)
    supervising = (Role.SUPERVISOR, Role.ADMIN)
    reader = require(Role.CLERK, Role.SUPERVISOR, Role.ADMIN, Role.KIOSK, Role.DISPLAY)
    ticket_reader = require(Role.CLERK, Role.SUPERVISOR, Role.ADMIN, Role.KIOSK)
    parked_reader = require(Role.CLERK, *supervising)
    booking_reader = require(Role.CLERK, *supervising, Role.KIOSK)
    booking_clerk = require(Role.CLERK, *supervising)

    async def at_window(request: Request) -> Principal:
        """The clerk at a window's workstation (the only window they operate; their
        username goes on the tickets they call). One dependency doing what
        require(Role.CLERK) does, since every counter operation pays for each level of
        FastAPI's dependency solving (async: a cached token needs no thread)."""
        caller = await principal(request)
        if caller.role is not Role.CLERK:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "this role may not do that")
        if caller.device_kind is not DeviceKind.WORKSTATION or caller.window is None:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "this workstation is not assigned to a window")
        return caller

    @router.post("/tickets", response_model=wire.Ticket, status_code=201,
                 openapi_extra=_json_body(wire.IssueRequest))
    async def issue(request: Request, hall: HallCode = None, caller: Principal = Depends(kiosk_or_admin)) -> Response:
        where = in_hall(caller, hall)
        body = _validated(wire.IssueRequest, await request.body())
        return _answer(await service.write_async(service.issue, body, caller.device_id, where), 201)

    @router.get("/tickets/{ticket_id}", response_model=wire.Ticket)
    async def get_ticket(ticket_id: TicketId, caller: Principal = Depends(ticket_reader)) -> wire.Ticket:
        """A kiosk sees only the tickets it issued itself (403 for another's)."""
        return await run_in_threadpool(service.ticket, ticket_id, _kiosk(caller), caller.halls)

    @router.post("/tickets/{ticket_id}/cancel", response_model=wire.Ticket)
    async def cancel(ticket_id: TicketId, caller: Principal = Depends(kiosk_or_admin)) -> Response:
        """The applicant leaves. A kiosk cancels only the tickets it issued itself (403 for
        another's); the admin any."""
        return _answer(await service.write_async(service.cancel, ticket_id, _kiosk(caller), caller.halls))

    @router.post("/call-next", response_model=wire.Ticket)
    async def call_next(clerk: Principal = Depends(at_window)) -> Response:
        """Calls the next waiting ticket by the ordering policy, for this window's business
        types and, while a window it backs up (AB角) is paused or has no clerk logged in,
        that window's too. Refused (409) while the window is paused or still has a ticket
        called or serving: finish, park or mark it no-show first. 404 when nobody is waiting."""
        return _answer(await service.write_async(service.call_next, clerk.window, clerk.username, clerk.hall))

    @router.post("/call", response_model=wire.Ticket)
    async def call_ticket(body: wire.CallRequest, clerk: Principal = Depends(at_window)) -> Response:
        """Calls one waiting ticket out of order, by id or by today's number: one this
        window serves, or one of a window it covers now (AB角)."""
        ticket_id = body.ticket_id
        if ticket_id is None:
            ticket_id = await run_in_threadpool(service.resolve_number, body.number or "", clerk.hall)
        return _answer(await service.write_async(service.operate, clerk.window, ticket_id, Operation.CALL,
                                                 None, clerk.username, clerk.hall))

    def _operation(operation: Operation, doc: str):
        async def endpoint(ticket_id: TicketId, clerk: Principal = Depends(at_window)) -> Response:
            return _answer(await service.write_async(service.operate, clerk.window, ticket_id, operation,
                                                     None, None, clerk.hall))

        endpoint.__doc__ = doc
        endpoint.__name__ = f"ticket_{operation.value}"
        return endpoint

    for path, operation, doc in (
        ("recall", Operation.RECALL, "Calls the ticket again. Once the calls are used up "
                                     "(COUNTER_QUEUE_MAX_CALLS, 3), a recall makes it a no-show."),
        ("start", Operation.START, "The applicant arrived: serving starts."),
        ("no-show", Operation.NO_SHOW, "The applicant did not come (过号)."),
        ("park", Operation.PARK, "The applicant stepped away (挂起); the window is free to call."),
        ("call-back", Operation.CALL_BACK, "Calls a ticket this window parked (回呼)."),
        ("finish", Operation.FINISH, "Serving is done (办结)."),
    ):
        router.add_api_route(f"/tickets/{{ticket_id}}/{path}", _operation(operation, doc),
                             methods=["POST"], response_model=wire.Ticket)

    @router.post("/tickets/{ticket_id}/transfer", response_model=wire.Ticket)
    async def transfer(ticket_id: TicketId, body: wire.TransferRequest,
                       clerk: Principal = Depends(at_window)) -> Response:
        """Ends this record as transferred and returns the new waiting one, in the target
        queue with the same number and the original arrival time."""
        return _answer(await service.write_async(service.operate, clerk.window, ticket_id, Operation.TRANSFER,
                                                 body, None, clerk.hall))

    @router.post("/window/pause", response_model=wire.WindowState,
                 openapi_extra=_json_body(wire.PauseRequest, required=False))
    async def pause(request: Request, clerk: Principal = Depends(at_window)) -> Response:
        """Pauses the window: nothing is called to it, and its AB角 backup serves its
        tickets meanwhile. The body (optional: older workstations send none) says where
        the clerk went (去向公开) and when they expect to be back."""
        raw = await request.body()
        body = _pause_request(raw) if raw.strip() else None
        return _answer(await service.write_async(service.set_paused, clerk.window, True, body, clerk.hall))

    @router.post("/window/resume", response_model=wire.WindowState)
    async def resume(clerk: Principal = Depends(at_window)) -> Response:
        return _answer(await service.write_async(service.set_paused, clerk.window, False, None, clerk.hall))

    @router.get("/summary", response_model=wire.QueueSummary)
    async def summary(hall: HallCode = None, caller: Principal = Depends(reader)) -> wire.QueueSummary:
        """One hall's queue: the device's, or `hall` for a supervisor or admin given it."""
        return await run_in_threadpool(service.summary, in_hall(caller, hall))

    @router.get("/windows/{number}", response_model=wire.WindowState)
    async def window_state(number: WindowNumber, caller: Principal = Depends(reader)) -> wire.WindowState:
        return await run_in_threadpool(service.window_state, number, caller.halls)

    @router.get("/windows/{number}/parked", response_model=list[wire.Ticket])
    async def parked(number: WindowNumber, caller: Principal = Depends(parked_reader)) -> list[wire.Ticket]:
        if caller.role is Role.CLERK and caller.window != number:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "a clerk sees the parked tickets of their own window")
        return await run_in_threadpool(service.parked, number, caller.halls)

    @router.post("/appointments", response_model=wire.Appointment, status_code=201,
                 openapi_extra=_json_body(wire.AppointmentIn))
    async def add_appointment(request: Request, hall: HallCode = None,
                              caller: Principal = Depends(require(Role.ADMIN))) -> Response:
        """One appointment by the admin, any slot (outside the plan's capacity)."""
        where = in_hall(caller, hall)
        body = _validated(wire.AppointmentIn, await request.body())
        return _answer(await service.write_async(service.add_appointment, body, caller.username, where), 201)

    @router.get("/appointments/slots", response_model=wire.SlotsPage)
    async def appointment_slots(business_type: Annotated[str, Query(pattern=wire.BUSINESS_TYPE_CODE)],
                                day: date | None = None, hall: HallCode = None,
                                caller: Principal = Depends(booking_reader)) -> wire.SlotsPage:
        """A business type's appointment slots on one hall day (today by default) with
        their booked and free places, in the caller's hall."""
        return await run_in_threadpool(service.appointment_slots, business_type, day, in_hall(caller, hall))

    @router.post("/appointments/book", response_model=wire.Appointment, status_code=201,
                 openapi_extra=_json_body(wire.BookingRequest))
    async def book_appointment(request: Request, hall: HallCode = None,
                               caller: Principal = Depends(booking_clerk)) -> Response:
        """A clerk books a slot for an applicant at the counter or on the phone; the answer's
        code is read out or printed. Refused (409) when full, past, or the person already
        has one for the type that day; 422 for a time that is not one of the plan's slots."""
        where = in_hall(caller, hall)
        body = _validated(wire.BookingRequest, await request.body())
        return _answer(await service.write_async(service.book_appointment, body, caller.username, where), 201)

    @router.post("/appointments/import", response_model=wire.ImportAnswer,
                 openapi_extra=_json_body(wire.AppointmentImport))
    async def import_appointments(request: Request, hall: HallCode = None,
                                  caller: Principal = Depends(require(Role.ADMIN))) -> Response:
        """The province's booking platform's appointments (JSON), whole or not at all: 200
        with what was added and left unchanged; 409 with `over_capacity` (and nothing
        added) when rows exceed their slots' places."""
        where = in_hall(caller, hall)
        body = _validated(wire.AppointmentImport, await request.body())
        answer = await service.write_async(service.import_appointments, body, caller.username, where)
        return _answer(answer, 409 if answer.over_capacity else 200)

    return router
