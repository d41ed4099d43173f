"""Background sync: the outbox uploader, the reference puller and the live event listener.

Two threads, never the GUI's: one talks request/response (uploads, then pulls), the other
follows the event stream. When the stream is down, the first polls instead."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from pydantic_core import PydanticSerializationError

from workstation.clock import HALL_CLOCK
from workstation.config import SyncSettings
from workstation.protocol.documents import RECORD_KIND as DOCUMENT_KIND
from workstation.protocol.events import Event, EventType
from workstation.protocol.records import ALREADY_STORED, CONFLICT, REFUSED, STORED, RecordIn
from workstation.store.local import LocalStore, StoreError
from workstation.sync.client import HallClient, HallRefused, HallUnreachable
from workstation.sync.status import SyncStatus

log = logging.getLogger(__name__)

# A refusal of a whole upload that one of its records causes: 413 too large, 422 a record
# the hall cannot read (or this PC cannot put into JSON). Halved until that record is alone.
SET_ASIDE = (413, 422)

# With a live event stream, reference changes arrive as events; this is only a safety net.
STREAM_POLL_INTERVAL = 300.0
# The local store's state key holding the hall's words once it said this device is revoked:
# kept across restarts (nothing is sent again, offline logins are refused) until IT enrols
# the PC again (workstation.app.workstation).
REVOKED_STATE = "device_revoked"


class SyncEngine:
    def __init__(self, store: LocalStore, base_url: str, device_token: str,
                 settings: SyncSettings | None = None, timeout: float = 10.0,
                 on_status: Callable[[SyncStatus], None] | None = None,
                 on_event: Callable[[Event], None] | None = None) -> None:
        self.store = store
        self.base_url = base_url
        self.device_token = device_token
        self.settings = settings or SyncSettings()
        self.timeout = timeout
        self.on_status = on_status
        self.on_event = on_event
        self._stop = threading.Event()
        self._wake = threading.Event()  # new records, a pull request, stop
        self._urgent = threading.Event()  # a pull request or stop: ends a backoff early
        self._pull_requested = True
        self._online = False
        self._stream_up = False
        self._detail = ""
        self._threads: list[threading.Thread] = []
        self._event_client: HallClient | None = None
        # The hall's words since it said an admin revoked this device: both threads end and
        # nothing is sent again (the outbox stays as it is, for IT).
        self._revoked = store.get_state(REVOKED_STATE) or ""
        store.on_change(self.wake)

    # control

    @property
    def revoked(self) -> str:
        return self._revoked

    def _stopped(self) -> bool:
        return self._stop.is_set() or bool(self._revoked)

    def _device_revoked(self, refusal: HallRefused) -> None:
        """The hall says this device is revoked: stop sending, keep every record, say so."""
        if not self._revoked:
            log.error("the hall refuses this device, revoked by an administrator: %s; nothing more is sent, "
                      "the %d records waiting stay in the outbox", refusal.detail, self.store.pending_count())
        self._revoked = refusal.detail or "revoked"
        self._online, self._detail = True, self._revoked
        try:
            self.store.set_state(REVOKED_STATE, self._revoked)
        except StoreError as exc:  # pragma: no cover - said in the status all the same
            log.warning("the revocation is not noted in the store: %s", exc)
        self._wake.set()
        self._urgent.set()
        if self._event_client is not None:
            self._event_client.abort_events()
        self._report()

    def start(self) -> None:
        if self._revoked:
            # Told so before (a restart): nothing is sent to the hall again.
            log.error("this device was revoked by an administrator (%s): not syncing", self._revoked)
            self._online, self._detail = True, self._revoked
            return
        for name, target in (("sync-upload", self._sync_loop), ("sync-events", self._event_loop)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._urgent.set()
        if self._event_client is not None:
            # Break off the stream read at once: left open, the thread lives on until the
            # next keepalive and the server's shutdown (the embedded hall's, at every exit)
            # waits out its grace period for the connection.
            self._event_client.abort_events()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def wake(self) -> None:
        self._wake.set()

    def request_pull(self) -> None:
        self._pull_requested = True
        self._wake.set()
        self._urgent.set()

    def status(self) -> SyncStatus:
        return SyncStatus(online=self._online, pending=self.store.pending_count(),
                          conflicts=self.store.conflict_count(), refused=self.store.refused_count(),
                          clock_wrong_by=_clock_wrong_by(), revision=self.store.reference_since(),
                          stream=self._stream_up, detail=self._detail, revoked=self._revoked)

    def _report(self) -> None:
        if self.on_status is not None:
            try:
                self.on_status(self.status())
            except StoreError as exc:  # pragma: no cover - reported, never fatal
                log.warning("status not reported: %s", exc)

    # the request/response thread

    def _sync_loop(self) -> None:
        client = HallClient(self.base_url, self.device_token, self.timeout)
        backoff = 0.0
        last_pull = 0.0
        try:
            while not self._stopped():
                self._wake.clear()
                self._urgent.clear()
                more = False
                interval = STREAM_POLL_INTERVAL if self._stream_up else self.settings.poll_interval
                try:
                    # Uploads first: the window's own records matter most, and a refused
                    # pull must never hold them back.
                    more = self.upload_batch(client) >= self.settings.batch_size
                    if self._pull_requested or time.monotonic() - last_pull >= interval:
                        self._pull_requested = False
                        self.pull(client)
                        last_pull = time.monotonic()
                    self._online, self._detail, backoff = True, "", 0.0
                except HallUnreachable as exc:
                    self._online, self._detail = False, str(exc)
                    backoff = min(max(0.5, backoff * 2), self.settings.max_backoff)
                except HallRefused as exc:
                    if exc.device_revoked:
                        self._device_revoked(exc)
                        return
                    # The server answers but refuses (a pull it cannot serve, say): keep the
                    # records and retry slowly; IT sees the reason in the status bar.
                    self._online, self._detail = True, exc.detail
                    backoff = self.settings.max_backoff
                except StoreError as exc:
                    self._detail = str(exc)
                    backoff = min(max(0.5, backoff * 2), self.settings.max_backoff)
                self._report()
                if more and not backoff:
                    continue
                if backoff:
                    # Backing off, a new record must not trigger a retry (an offline window
                    # would retry once per record); the event stream coming back does.
                    self._urgent.wait(backoff * random.uniform(0.8, 1.2))
                else:
                    self._wake.wait(min(self.settings.poll_interval, interval))
        finally:
            client.close()

    def upload_batch(self, client: HallClient) -> int:
        """Send the oldest pending records once; returns how many were sent."""
        batch = self.store.next_batch(self.settings.batch_size)
        if not batch:
            return 0
        self._send(client, batch)
        return len(batch)

    def _send(self, client: HallClient, batch: list[RecordIn]) -> None:
        try:
            self._send_documents(client, batch)
        except HallUnreachable as exc:
            self.store.note_failure([r.uuid for r in batch], str(exc))
            raise
        self._upload(client, batch)

    def _upload(self, client: HallClient, batch: list[RecordIn]) -> None:
        try:
            try:
                result = client.upload(batch)
            except PydanticSerializationError as exc:  # a record this PC cannot put into JSON
                raise HallRefused(422, f"the record cannot be sent: {exc}") from exc
        except HallUnreachable as exc:
            self.store.note_failure([r.uuid for r in batch], str(exc))
            raise
        except HallRefused as exc:
            if exc.status not in SET_ASIDE:
                raise
            if len(batch) == 1:
                # The hall will never take this record as it is: kept here and set aside as
                # refused (大厅未接收), so the records behind it go on.
                log.error("record %s refused by the hall as a whole request: %s", batch[0].uuid, exc.detail)
                self.store.mark_refused(batch[0].uuid, f"the hall refused it ({exc.status}): {exc.detail}")
                return
            # Too large for one request (large records, signatures say), or one record the
            # hall refuses the whole request for: send it in halves, in order, until that one
            # is alone, else the same batch would be refused again and again and nothing move.
            half = len(batch) // 2
            self._upload(client, batch[:half])
            self._upload(client, batch[half:])
            return
        done = [r.uuid for r in result.results if r.status in (STORED, ALREADY_STORED)]
        for r in result.results:
            if r.status == CONFLICT:
                log.error("record %s conflicts with the server's copy: %s", r.uuid, r.detail)
                self.store.mark_conflict(r.uuid, r.detail)
            elif r.status == REFUSED:
                # The clerk was told where it matters (the 办件 screen shows a refused step);
                # kept here, never sent again, and not a conflict to report to anyone.
                log.info("record %s refused by the hall: %s", r.uuid, r.detail)
                self.store.mark_refused(r.uuid, r.detail)
        self.store.acknowledge(done)

    def _send_documents(self, client: HallClient, batch: list[RecordIn]) -> None:
        """The PDFs that the batch's `document` records name go first, so the server never
        holds a document record whose file it cannot show."""
        for record in batch:
            if record.kind != DOCUMENT_KIND:
                continue
            digest = str(record.payload.get("sha256", ""))
            content = self.store.document(digest)
            if content is None:
                log.error("document record %s names a PDF this window does not hold", record.uuid)
                continue
            try:
                client.put_document(digest, content)
            except HallRefused as exc:
                if exc.status not in (413, 422):
                    raise
                # The server will never take these bytes; the record still goes, so the
                # outbox keeps moving, and the check shows the document as not stored.
                log.error("the PDF of document record %s was refused: %s", record.uuid, exc.detail)

    def pull(self, client: HallClient, page_size: int = 500) -> int:
        """Pull reference changes since the cached revision until there are no more."""
        applied = 0
        while True:
            page = client.changes(self.store.reference_since(), page_size)
            applied += self.store.apply_reference_page(page)
            if not page.has_more:
                return applied

    # the event stream thread

    def _stream_opened(self) -> None:
        self._stream_up = True
        self.request_pull()  # whatever changed while the stream was down

    def _event_loop(self) -> None:
        client = self._event_client = HallClient(self.base_url, self.device_token, self.timeout)
        if self._stop.is_set():
            client.abort_events()
        last_id: int | None = None
        backoff = 0.0
        try:
            while not self._stopped():
                try:
                    for event in client.events(last_id, on_open=self._stream_opened):
                        backoff = 0.0
                        last_id = event.id
                        if event.type == EventType.REFERENCE_CHANGED:
                            self.request_pull()
                        if self.on_event is not None:
                            self.on_event(event)
                        if self._stop.is_set():
                            return
                except HallRefused as exc:
                    if exc.device_revoked:
                        self._stream_up = False
                        self._device_revoked(exc)
                        return
                    log.info("event stream down: %s", exc)
                except HallUnreachable as exc:
                    log.info("event stream down: %s", exc)
                if self._stream_up:
                    self._stream_up = False
                    self._report()
                backoff = min(max(1.0, backoff * 2), self.settings.max_backoff)
                self._stop.wait(backoff)
        finally:
            client.close()


def _clock_wrong_by() -> float | None:
    wrong = HALL_CLOCK.wrong_by()
    return wrong.total_seconds() if wrong is not None else None
