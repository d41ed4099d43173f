"""Turn reminders (叫号提醒): when a waiting ticket that carries a mobile number is a few
tickets or minutes from being called, the applicant gets one SMS.

How far a ticket is: the waiting tickets of its queue (its business type, or the window
it was transferred to) ordered by the hall's policy, as calling next orders them; the
minutes are the kiosk's estimate for the type (server.queue.estimated_wait) scaled to
the tickets ahead. A ticket is due at COUNTER_REMIND_AHEAD_TICKETS (3) ahead or fewer,
or at COUNTER_REMIND_AHEAD_MINUTES (10, 0: off) or fewer when an estimate exists.

Off the request path: the queue calls `nudge` after each committed change, which only
wakes this module's thread; the thread also looks every COUNTER_REMIND_RETRY_SECONDS (30)
for what is still due (a failed send, an estimate that moved with the clock). A send
that fails (gateway down, 5xx, timeout) is tried again after that interval; the queue
never waits for it. A sent reminder is recorded on the ticket (reminded_at) and its
number cleared, so it goes once, across restarts too; a ticket no longer waiting
(called, cancelled, finished, no-show) is never reminded.

The notifier is pluggable (COUNTER_NOTIFIER): `log` (default) writes one line with the
number masked; `http` POSTs {"phone", "text"} as JSON to COUNTER_SMS_URL, the hall's
SMS gateway."""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import bindparam, select

from server import reference
from server.db import Database
from server.halls import DEFAULT_HALL
from server.models import Ticket
from server.queue import QueueService
from workstation.domain.queue import Candidate, TicketState
from workstation.protocol.queue import mask_phone
from workstation.protocol.reference import ReferenceKind

log = logging.getLogger("hall.reminders")

DEFAULT_HALL_NAME = "演示区政务服务中心"
GATHER_SECONDS = 0.5  # a burst of queue changes is looked at once: at most two looks a second

T = Ticket.__table__
_WAITING = TicketState.WAITING.value


class RetryLater(Exception):
    """The reminder was not sent (the gateway is down or refused it): try again later."""


class Notifier(Protocol):
    """Sends one reminder; raises RetryLater when it could not."""

    def send(self, phone: str, text: str) -> None: ...


class LogNotifier:
    """The default: one log line per reminder, the number masked."""

    def send(self, phone: str, text: str) -> None:
        log.info("reminder to %s: %s", mask_phone(phone), text)


class HttpSmsNotifier:
    """POSTs {"phone": …, "text": …} as JSON to an SMS gateway; any answer but 2xx, a
    connection failure or a timeout is RetryLater."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url, self.timeout = url, timeout

    def send(self, phone: str, text: str) -> None:
        body = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                answer.read()
        except urllib.error.HTTPError as exc:
            raise RetryLater(f"the SMS gateway answered {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
            raise RetryLater(f"the SMS gateway cannot be reached: {getattr(exc, 'reason', exc)}") from None


@dataclass(frozen=True)
class ReminderSettings:
    ahead_tickets: int = 3
    ahead_minutes: int = 10
    notifier: str = "log"
    sms_url: str | None = None
    sms_timeout: float = 5.0
    retry_seconds: float = 30.0
    # The SMS signature; empty: the hall's own name (its reference data), read at each check.
    hall_name: str = ""

    @classmethod
    def from_env(cls) -> ReminderSettings:
        """COUNTER_REMIND_AHEAD_TICKETS (3), COUNTER_REMIND_AHEAD_MINUTES (10; 0: by tickets
        only), COUNTER_NOTIFIER (log|http), COUNTER_SMS_URL (for http), COUNTER_SMS_TIMEOUT
        (5 s), COUNTER_REMIND_RETRY_SECONDS (30), COUNTER_HALL_NAME (the SMS signature; default: the
        name in the hall's reference data)."""
        env = os.environ

        def number(name: str, default: str, kind=int, low: float = 0, high: float = 10_000):
            raw = env.get(name, default).strip()
            try:
                value = kind(raw)
            except ValueError:
                raise ValueError(f"{name}={raw!r}: give a number") from None
            if not low <= value <= high:
                raise ValueError(f"{name}={raw!r}: give a number from {low:g} to {high:g}")
            return value

        notifier = env.get("COUNTER_NOTIFIER", "log").strip().lower() or "log"
        if notifier not in ("log", "http"):
            raise ValueError(f"COUNTER_NOTIFIER={notifier!r}: give log or http")
        url = env.get("COUNTER_SMS_URL", "").strip() or None
        if notifier == "http" and url is None:
            raise ValueError("COUNTER_NOTIFIER=http needs COUNTER_SMS_URL, the SMS gateway's address")
        return cls(ahead_tickets=number("COUNTER_REMIND_AHEAD_TICKETS", "3", high=100),
                   ahead_minutes=number("COUNTER_REMIND_AHEAD_MINUTES", "10", high=600),
                   notifier=notifier, sms_url=url,
                   sms_timeout=number("COUNTER_SMS_TIMEOUT", "5", float, 0.1, 120),
                   retry_seconds=number("COUNTER_REMIND_RETRY_SECONDS", "30", float, 0.1, 3600),
                   hall_name=env.get("COUNTER_HALL_NAME", "").strip())

    def make_notifier(self) -> Notifier:
        if self.notifier == "http":
            assert self.sms_url is not None
            return HttpSmsNotifier(self.sms_url, self.sms_timeout)
        return LogNotifier()


def reminder_text(hall_name: str, number: str, ahead: int, minutes: int | None) -> str:
    """「【演示区政务服务中心】您的号码 A012 前面还有 3 人，预计 10 分钟后叫号，请回到等候区留意叫号。」"""
    where = f"前面还有 {ahead} 人，" if ahead > 0 else "即将叫号，"
    when = f"预计 {max(1, minutes)} 分钟后叫号，" if minutes is not None and ahead > 0 else ""
    return f"【{hall_name}】您的号码 {number} {where}{when}请回到等候区留意叫号。"


@dataclass(frozen=True)
class Due:
    ticket_id: int
    number: str
    phone: str
    ahead: int
    minutes: int | None


class ReminderService:
    """The reminders' thread over the hall's queue (see the module)."""

    def __init__(self, db: Database, queue: QueueService, settings: ReminderSettings | None = None,
                 notifier: Notifier | None = None) -> None:
        self.db, self.queue = db, queue
        self.settings = settings or ReminderSettings.from_env()
        self.notifier = notifier or self.settings.make_notifier()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._not_before: dict[int, float] = {}  # ticket id -> monotonic time of its next try
        self._pending = (select(T.c.id).where(T.c.service_date == bindparam("day"), T.c.state == _WAITING,
                                              T.c.phone.is_not(None), T.c.reminded_at.is_(None)).limit(1))
        self._waiting = select(T.c.id, T.c.hall, T.c.number, T.c.business_type, T.c.target_window, T.c.arrived_at,
                               T.c.green_channel, T.c.slot_start, T.c.slot_end, T.c.phone,
                               T.c.reminded_at).where(T.c.service_date == bindparam("day"), T.c.state == _WAITING)
        self._still_waiting = select(T.c.state, T.c.reminded_at).where(T.c.id == bindparam("ticket_id"))
        self._record = T.update().where(T.c.id == bindparam("ticket_id"), T.c.reminded_at.is_(None)).values(
            reminded_at=bindparam("now"), phone=None)

    def start(self) -> None:
        if self._thread is None:
            self.queue.after_change.append(self.nudge)
            self._thread = threading.Thread(target=self._run, name="hall-reminders", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self.nudge in self.queue.after_change:
            self.queue.after_change.remove(self.nudge)
        if self._thread is not None:
            self._thread.join(self.settings.sms_timeout + 5)

    def nudge(self) -> None:
        """The queue changed: look soon. Returns at once."""
        self._wake.set()

    def _run(self) -> None:
        self._wake.set()  # a look at start: what was due when the server stopped
        while not self._stopping:
            self._wake.wait(self.settings.retry_seconds)
            if self._stopping:
                return
            time.sleep(GATHER_SECONDS)
            self._wake.clear()
            try:
                self.check()
            except Exception as exc:  # the database away, say: the next look tries again
                log.warning("the turn reminders wait: %s", exc)

    # -- one look ------------------------------------------------------------------------

    def due(self) -> list[Due]:
        """The waiting tickets with a number, not reminded yet, that are near their turn."""
        now = self.queue.now()
        day = self.queue.today(now)
        with self.db.reading() as session:
            conn = session.connection()
            if conn.execute(self._pending, {"day": day}).first() is None:
                return []
            rows = conn.execute(self._waiting, {"day": day}).mappings().all()
        if not any(r["phone"] and r["reminded_at"] is None for r in rows):
            return []
        estimates: dict[str, dict[str, float]] = {}  # per hall (server.halls): its own windows' pace
        queues: dict[tuple[str, str, object], list] = {}
        for row in rows:
            key = ("type", row["business_type"]) if row["target_window"] is None else ("window", row["target_window"])
            queues.setdefault((row["hall"], *key), []).append(row)
        found: list[Due] = []
        for (hall, kind, _), members in queues.items():
            if hall not in estimates:
                estimates[hall] = self._estimates(hall) if self.settings.ahead_minutes > 0 else {}
            estimate = estimates[hall]
            by_id = {r["id"]: r for r in members}
            ordered = self.queue.policy.order(
                [Candidate(r["id"], r["business_type"], r["arrived_at"], r["green_channel"], r["slot_start"],
                           r["slot_end"]) for r in members], now)
            for ahead, candidate in enumerate(ordered):
                row = by_id[candidate.id]
                if not row["phone"] or row["reminded_at"] is not None:
                    continue
                minutes = None
                if kind == "type" and row["business_type"] in estimate:
                    per_ticket = estimate[row["business_type"]]
                    minutes = math.ceil(ahead * per_ticket)
                near = ahead <= self.settings.ahead_tickets or (
                    minutes is not None and minutes <= self.settings.ahead_minutes)
                if near:
                    found.append(Due(row["id"], row["number"], row["phone"], ahead, minutes))
        return found

    def _estimates(self, hall: str = DEFAULT_HALL) -> dict[str, float]:
        """Minutes per ticket ahead in `hall`, by business type: the kiosk's estimate for a new
        ticket (everyone waiting, today's mean service time, the open windows) over the waiting."""
        summary = self.queue.summary(hall)
        return {b.code: b.estimated_wait_minutes / b.waiting for b in summary.business_types
                if b.estimated_wait_minutes is not None and b.waiting > 0}

    def _signature(self) -> str:
        """COUNTER_HALL_NAME, or the name the hall's reference data gives it (an admin may
        rename the hall at any time), or the demo hall's."""
        if self.settings.hall_name:
            return self.settings.hall_name
        with self.db.reading() as session:
            halls = reference.current(session, ReferenceKind.HALL)
        return str(halls[0].get("name") or DEFAULT_HALL_NAME) if halls else DEFAULT_HALL_NAME

    def check(self) -> int:
        """Sends what is due; returns how many went."""
        sent = 0
        clock = time.monotonic()
        signature = None
        for due in self.due():
            if self._stopping:
                break
            if self._not_before.get(due.ticket_id, 0.0) > clock:
                continue
            with self.db.reading() as session:  # called or cancelled since the look: not any more
                row = session.connection().execute(self._still_waiting, {"ticket_id": due.ticket_id}).first()
            if row is None or row[0] != _WAITING or row[1] is not None:
                continue
            signature = signature or self._signature()
            text = reminder_text(signature, due.number, due.ahead, due.minutes)
            try:
                self.notifier.send(due.phone, text)
            except RetryLater as exc:
                self._not_before[due.ticket_id] = time.monotonic() + self.settings.retry_seconds
                log.warning("the reminder for ticket %s (%s) was not sent, trying again in %g s: %s",
                            due.number, mask_phone(due.phone), self.settings.retry_seconds, exc)
                continue
            with self.db.session() as session:
                session.connection().execute(self._record, {"ticket_id": due.ticket_id,
                                                            "now": datetime.now(UTC)})
            self._not_before.pop(due.ticket_id, None)
            log.info("reminded ticket %s (%s): %d ahead", due.number, mask_phone(due.phone), due.ahead)
            sent += 1
        return sent

