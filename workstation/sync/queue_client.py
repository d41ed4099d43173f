"""The hall server's queue endpoints (/api/v1/queue), over HallClient's plumbing.

Every method answers with the protocol models and raises HallUnreachable (no answer, or a
server error) or HallRefused (4xx; its `detail` is the server's own words, e.g. the 409
naming the ticket's state). One instance per thread, like HallClient."""

from __future__ import annotations

from datetime import date

from workstation.protocol import queue as wire
from workstation.protocol.reference import ChangesPage, ReferenceEntry, ReferenceKind
from workstation.sync.client import HallClient

Q = wire.QUEUE_PREFIX


class QueueClient(HallClient):
    # -- the kiosk ---------------------------------------------------------------------

    def issue(self, request: wire.IssueRequest) -> wire.Ticket:
        """A new ticket (kiosk or admin). The body may hold an ID number: it is sent as
        bytes built here, never logged."""
        data = request.model_dump_json(exclude_none=True).encode()
        return wire.Ticket.model_validate(self._call("POST", f"{Q}/tickets", data=data))

    def cancel(self, ticket_id: int) -> wire.Ticket:
        return self._ticket("POST", f"/tickets/{ticket_id}/cancel")

    # -- appointments ------------------------------------------------------------------

    def appointment_slots(self, business_type: str, day: date | None = None) -> wire.SlotsPage:
        params = {"business_type": business_type}
        if day is not None:
            params["day"] = day.isoformat()
        return wire.SlotsPage.model_validate(self._call("GET", f"{Q}/appointments/slots", params=params))

    def book_appointment(self, request: wire.BookingRequest) -> wire.Appointment:
        """Books a slot (a clerk); the body holds an ID number: bytes built here, never logged."""
        data = request.model_dump_json(exclude_none=True).encode()
        return wire.Appointment.model_validate(self._call("POST", f"{Q}/appointments/book", data=data))

    # -- reading -----------------------------------------------------------------------

    def ticket(self, ticket_id: int) -> wire.Ticket:
        return self._ticket("GET", f"/tickets/{ticket_id}")

    def summary(self) -> wire.QueueSummary:
        return wire.QueueSummary.model_validate(self._call("GET", f"{Q}/summary"))

    def window(self, number: int) -> wire.WindowState:
        return wire.WindowState.model_validate(self._call("GET", f"{Q}/windows/{number}"))

    def parked(self, number: int) -> list[wire.Ticket]:
        return [wire.Ticket.model_validate(t) for t in self._call("GET", f"{Q}/windows/{number}/parked")]

    def reference(self, kind: ReferenceKind) -> list[ReferenceEntry]:
        """The current entries of one reference kind (the hall, windows, business types),
        deletions left out."""
        entries: dict[str, ReferenceEntry] = {}
        since = 0
        while True:
            page = ChangesPage.model_validate(self._call(
                "GET", "/reference/changes", params={"since": since, "limit": 500, "kind": [kind.value]}))
            for entry in page.entries:
                entries[entry.key] = entry
            if not page.has_more or page.next_since <= since:
                break
            since = page.next_since
        return [e for e in entries.values() if not e.deleted]

    # -- the counter (a clerk logged in at a workstation enrolled for a window) ----------

    def call_next(self) -> wire.Ticket:
        return self._ticket("POST", "/call-next")

    def call(self, *, number: str | None = None, ticket_id: int | None = None) -> wire.Ticket:
        """Calls one waiting ticket out of order, by today's number or by id."""
        body = wire.CallRequest(number=number, ticket_id=ticket_id)
        return self._ticket("POST", "/call", body=body.model_dump(exclude_none=True))

    def recall(self, ticket_id: int) -> wire.Ticket:
        return self._ticket("POST", f"/tickets/{ticket_id}/recall")

    def start(self, ticket_id: int) -> wire.Ticket:
        return self._ticket("POST", f"/tickets/{ticket_id}/start")

    def no_show(self, ticket_id: int) -> wire.Ticket:
        return self._ticket("POST", f"/tickets/{ticket_id}/no-show")

    def park(self, ticket_id: int) -> wire.Ticket:
        return self._ticket("POST", f"/tickets/{ticket_id}/park")

    def call_back(self, ticket_id: int) -> wire.Ticket:
        return self._ticket("POST", f"/tickets/{ticket_id}/call-back")

    def finish(self, ticket_id: int) -> wire.Ticket:
        return self._ticket("POST", f"/tickets/{ticket_id}/finish")

    def transfer(self, ticket_id: int, *, business_type: str | None = None,
                 window: int | None = None) -> wire.Ticket:
        """Returns the new waiting record in the target queue."""
        body = wire.TransferRequest(business_type=business_type, window=window)
        return self._ticket("POST", f"/tickets/{ticket_id}/transfer", body=body.model_dump(exclude_none=True))

    def pause(self, request: wire.PauseRequest | None = None) -> wire.WindowState:
        """Pauses the clerk's window; `request` says where they went and until when (去向公开)."""
        data = request.model_dump_json(exclude_none=True).encode() if request is not None else None
        return wire.WindowState.model_validate(self._call("POST", f"{Q}/window/pause", data=data))

    def resume(self) -> wire.WindowState:
        return wire.WindowState.model_validate(self._call("POST", f"{Q}/window/resume"))

    # -- plumbing ----------------------------------------------------------------------

    def _ticket(self, method: str, path: str, body: dict | None = None) -> wire.Ticket:
        return wire.Ticket.model_validate(self._call(method, f"{Q}{path}", body=body))
