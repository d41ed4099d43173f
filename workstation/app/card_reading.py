"""Reading an identity document at the counter, and auditing it.

Every read attempt (a card read, no card, a reader failure, a crash in a backend) writes
one `audit.card_read` record; every reveal of a full ID number writes `audit.id_reveal`.
The records form one hash chain per device (workstation.domain.audit), appended under a
lock so two threads never link to the same predecessor; the chain head is kept in the
store's small state (`audit_head:<chain>`).

No audit record carries a full ID number or name: only the masked number (and nothing of
the photo). A passport read records Passive Authentication's outcome (`chip_auth`: verified,
unknown_csca, unverified, tampered; `chip_auth_detail` in words); a tampered chip's read
fails with outcome `chip_tampered` and gives no document. A read blocks for up to a few seconds: call `read` from a worker thread, or
`read_in_background`, never from the GUI thread (pass `gui_thread` to have that checked).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from workstation.clock import now as hall_now
from workstation.devices.idcard import IdCardReader, ReaderError
from workstation.domain.audit import ChainHead, head_after, seal
from workstation.domain.identity import (
    ChipAuthentication,
    Expiry,
    IdentityDocument,
    document_problems,
    expiry,
    mask_id,
    redact,
)

if TYPE_CHECKING:
    from workstation.store.local import LocalStore, SavedRecord

log = logging.getLogger(__name__)

AUDIT_CARD_READ = "audit.card_read"
AUDIT_ID_REVEAL = "audit.id_reveal"
AUDIT_DOCUMENT_PRINT = "audit.document_print"  # written by workstation.app.documents
AUDIT_PHONE_REVEAL = "audit.phone_reveal"  # written by workstation.app.rating (FollowUpDesk)
AUDIT_MATERIAL_CONSENT = "audit.material_consent"  # written by workstation.app.held (材料复用)
AUDIT_KINDS = (AUDIT_CARD_READ, AUDIT_ID_REVEAL, AUDIT_DOCUMENT_PRINT, AUDIT_PHONE_REVEAL, AUDIT_MATERIAL_CONSENT)
HEAD_KEY = "audit_head:"


def _utc_now() -> datetime:
    return hall_now()


class AuditTrail:
    """The audit hash chain of one device in a local store.

    Appending is "read head, write record, write head": one lock per (store file, chain),
    shared by every AuditTrail of this process, keeps two appends from interleaving. The
    record and the head are two transactions (LocalStore has no call for both), so a crash
    between them would leave the head one record behind; the first append of a process
    therefore takes the newest chain record in the store when it is ahead of the head."""

    _locks: dict[tuple[str, str], threading.Lock] = {}
    _locks_guard = threading.Lock()

    def __init__(self, store: LocalStore, chain: str) -> None:
        if not chain:
            raise ValueError("an audit chain needs a name (the device)")
        self.store = store
        self.chain = chain
        self._key = HEAD_KEY + chain
        self._reconciled = False
        with AuditTrail._locks_guard:
            self._lock = AuditTrail._locks.setdefault((str(store.path.resolve()), chain), threading.Lock())

    def head(self) -> ChainHead:
        with self._lock:
            return self._head()

    def _head(self) -> ChainHead:
        head = ChainHead.from_json(self.store.get_state(self._key), self.chain)
        if not self._reconciled:
            newest = self._newest_stored()
            if newest is not None and newest.seq > head.seq:
                log.warning("audit chain %s: head was behind the stored records (#%d < #%d); "
                            "continuing from the newest record", self.chain, head.seq, newest.seq)
                head = newest
            self._reconciled = True
        return head

    def _newest_stored(self) -> ChainHead | None:
        newest: ChainHead | None = None
        for record in self.store.newest_of(AUDIT_KINDS, 500):
            payload = record.payload  # None once purged: long behind the head by then
            if isinstance(payload, dict) and payload.get("chain") == self.chain \
                    and isinstance(payload.get("seq"), int):
                if newest is None or payload["seq"] > newest.seq:
                    newest = head_after(payload)
        return newest

    def append(self, kind: str, fields: dict[str, Any]) -> SavedRecord:
        """Save `fields` as the next record of the chain, with its outbox entry."""
        with self._lock:
            head = self._head()
            payload = seal(fields, head)
            saved = self.store.add_record(kind, payload)
            try:
                self.store.set_state(self._key, head_after(payload).to_json())
            except Exception:
                self._reconciled = False  # the next append finds the head from the records
                raise
            return saved


class ReaderClosed(ReaderError):
    """The workstation closed the reader; nothing reads from it any more."""


@dataclass(frozen=True)
class CardRead:
    """A document read, what is wrong with it, and whether it is about to expire."""

    document: IdentityDocument
    problems: tuple[str, ...]
    expiry: Expiry
    audit_record: str  # the UUID of the audit record of this read

    @property
    def valid(self) -> bool:
        return not self.problems


def _chip_auth_fields(chip_auth: ChipAuthentication | None) -> dict[str, Any]:
    """The audit's record of Passive Authentication; nothing for cards without a chip check."""
    if chip_auth is None:
        return {}
    return {"chip_auth": chip_auth.state.value, "chip_auth_detail": redact(chip_auth.detail)}


class CardReading:
    """The use case: read through the configured backend, validate, audit."""

    def __init__(self, store: LocalStore, reader: IdCardReader, device: str, *,
                 backend: str | None = None, warn_days: int = 30,
                 now: Callable[[], datetime] = _utc_now, gui_thread: threading.Thread | None = None) -> None:
        self.reader = reader
        self.backend = backend or reader.backend or type(reader).__name__
        self.audit = AuditTrail(store, device)
        self.warn_days = warn_days
        self._now = now
        self._gui_thread = gui_thread
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self._closed = False

    def _check_thread(self) -> None:
        if self._gui_thread is not None and threading.current_thread() is self._gui_thread:
            raise RuntimeError("a card read blocks on the device: run it off the GUI thread")

    def _base(self, event: str, clerk: str, window: int | None) -> dict[str, Any]:
        return {"event": event, "at": self._now().astimezone(UTC).isoformat(), "clerk": clerk,
                "window": window, "backend": self.backend}

    def read(self, clerk: str, window: int | None) -> CardRead:
        """Read the document on the reader now, check it and audit the attempt. Raises the
        ReaderError (after auditing it) when nothing could be read."""
        self._check_thread()
        fields = self._base("card_read", clerk, window)
        try:
            self.reader.open()
            document = self.reader.read()
        except ReaderError as exc:
            fields.update(card_type=None, id_masked=None, outcome=exc.outcome, problems=[],
                          expiry=None, error=redact(str(exc)), **_chip_auth_fields(getattr(exc, "chip_auth", None)))
            self.audit.append(AUDIT_CARD_READ, fields)
            log.info("card read at window %s by %s: %s", window, clerk, exc.outcome)
            raise
        except Exception as exc:
            # A bug in a backend still leaves a trace of the attempt.
            fields.update(card_type=None, id_masked=None, outcome="error", problems=[], expiry=None,
                          error=f"{type(exc).__name__}: {redact(str(exc))}")
            self.audit.append(AUDIT_CARD_READ, fields)
            log.exception("card read at window %s by %s failed", window, clerk)
            raise
        today = self._now().astimezone().date()  # the hall's local day decides expiry
        problems = tuple(document_problems(document, today))
        state = expiry(document, today, self.warn_days)
        fields.update(card_type=document.card_type.value, id_masked=mask_id(document.id_number),
                      outcome="invalid" if problems else "ok", problems=[redact(p) for p in problems],
                      expiry=state.state.value, error=None, **_chip_auth_fields(document.chip_auth))
        saved = self.audit.append(AUDIT_CARD_READ, fields)
        log.info("card read at window %s by %s: %s %s %s", window, clerk, fields["outcome"],
                 document.card_type.value, mask_id(document.id_number))
        return CardRead(document, problems, state, str(saved.uuid))

    def read_in_background(self, clerk: str, window: int | None) -> Future[CardRead]:
        """`read` on the reader's own worker thread (one at a time, in order)."""
        return self.submit(self.read, clerk, window)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run `fn` on the reader's worker thread, after whatever is queued there: a status
        poll never interleaves its frames with a read's on the same port."""
        with self._executor_lock:
            if self._closed:
                raise ReaderClosed("the card reader was closed: the workstation is shutting down")
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="card-reader")
            return self._executor.submit(fn, *args)

    def status(self):
        """The reader's state (ReaderStatus), asked on the reader's worker thread."""
        return self.submit(self.reader.status).result()

    def set_mrz(self, mrz: str) -> None:
        """A passport's MRZ (typed by the clerk or by a scanner) for the next read; only
        readers that need one (PC/SC passports) take it."""
        setter = getattr(self.reader, "set_access_key", None)
        if setter is None:
            raise ValueError("this reader reads no passports")
        self.submit(setter, mrz or None).result()

    @property
    def needs_mrz(self) -> bool:
        return hasattr(self.reader, "set_access_key")

    def reveal(self, document: IdentityDocument, clerk: str, window: int | None, reason: str) -> str:
        """The full ID number, for the clerk who asked to see it, after auditing who, where
        and why. The screen shows numbers masked until then."""
        reason = (reason or "").strip()
        if not reason:
            raise ValueError("revealing an ID number needs a reason")
        fields = self._base("id_reveal", clerk, window)
        fields.update(card_type=document.card_type.value, id_masked=mask_id(document.id_number),
                      reason=redact(reason))
        self.audit.append(AUDIT_ID_REVEAL, fields)
        log.info("ID number %s revealed at window %s to %s", mask_id(document.id_number), window, clerk)
        return document.id_number

    def close(self) -> None:
        """For good: a late poll must not open the device again (on a test machine its
        pseudo-terminal's name may belong to another reader by then)."""
        with self._executor_lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
        self.reader.close()
