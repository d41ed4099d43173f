"""One clerk at one counter window for the simulated day, as a process of its own:

    python -m workstation.simulation.clerk CONFIG.json

The tokens come in the environment (COUNTER_SIM_DEVICE_TOKEN, COUNTER_SIM_SESSION_TOKEN),
never on the command line. It is the clerk's window without the window: the queue through
QueueDesk (call next, recall, no-show, start, park and call back, transfer, finish, pause
and resume), the ID card through CardReading on the simulated serial reader over a real
pseudo-terminal (audited on the device's chain), the material check with the cached guide
(GuideDesk: a case or a 一件事), the document built, signed by the applicant and sealed
(DocumentDesk), its print audited, the rating (RatingDesk), all saved through the store's
outbox and uploaded by the SyncEngine, as at a real counter.

Who is at the counter: the kiosk appends `ticket_id<TAB>applicant JSON` lines to the
applicants file as it issues; a transfer appends the new record's id. The clerk says what
happened on standard output, one line each, for the day's ground truth:

    READY
    SAVED <uuid> <kind> <sha256>           a record the core reported saved
    TICKET <operation> <ticket JSON>       the hall's answer to a queue operation
    CASE <JSON>                            one applicant's outcome at this window
    BLOCKED <what> <seconds>               how long the window could not call or save
    NOTE <text>                            anything else worth telling

Commands on standard input: `pause SECONDS`, `unplug` (the card reader's cable is pulled
during the next read), `stop` (finish the applicant at the counter and end).
COUNTER_SIM_DROP_RECORD=N makes this window report its Nth rating saved without saving it
(a broken workstation, to show the day's comparison catches a lost record)."""

from __future__ import annotations

import io
import json
import os
import random
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from workstation.app.card_reading import AUDIT_DOCUMENT_PRINT, CardReading
from workstation.app.documents import hall_seal
from workstation.app.guide import CASE_KIND, GuideSnapshot, Person, SavedCase
from workstation.app.queue_desk import QueueDesk
from workstation.clock import now as hall_now
from workstation.devices.idcard import ReaderError, ReaderSettings, create_reader
from workstation.documents.signature import Point, Signature
from workstation.domain import case_number as numbers
from workstation.domain.bundle import evaluate_bundle, item_choices, merged_materials
from workstation.domain.catalogue import MaterialForm, Necessity
from workstation.domain.checklist import (
    Decision,
    MaterialCheck,
    MaterialStatus,
    applicable_materials,
    decide,
    evaluate,
    required_counts,
    unanswered_groups,
)
from workstation.domain.queue import PauseReason, TicketState
from workstation.domain.rating import Channel, Level, RatingAnswer, Reason
from workstation.protocol import queue as wire
from workstation.protocol.ratings import RatingRecord
from workstation.simulation.counter import Counter, digest, saved_line
from workstation.simulation.sim_reader import ResidentCard, SimulatedReader, card
from workstation.store.local import StoreError
from workstation.sync.errors import HallRefused, HallUnreachable

OUT_LOCK = threading.Lock()


def tell(*words: object) -> None:
    with OUT_LOCK:
        print(*words, flush=True)


def ticket_json(ticket: wire.Ticket) -> str:
    return ticket.model_dump_json()


# ---------------------------------------------------------------------------------------
# The applicant's signature, as the pad would give it
# ---------------------------------------------------------------------------------------


def signature_of(seed: int) -> Signature:
    """A plausible handwritten stroke set and its transparent PNG (Pillow)."""
    from PIL import Image, ImageDraw

    chance = random.Random(seed)
    strokes = []
    t = 0
    for s in range(3):
        points = []
        x, y = 40 + 120 * s, 80 + chance.randint(-20, 20)
        for _ in range(16):
            x += chance.uniform(2, 9)
            y += chance.uniform(-12, 12)
            t += 12
            points.append(Point(round(x, 1), round(y, 1), t, round(chance.uniform(0.3, 0.9), 2)))
        strokes.append(tuple(points))
    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        draw.line([(p.x, p.y) for p in stroke], fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return Signature(tuple(strokes), 480, 160, buffer.getvalue(), hall_now(), "tablet")


# ---------------------------------------------------------------------------------------
# The material check
# ---------------------------------------------------------------------------------------


def full_check(material, statuses=None) -> MaterialCheck:
    """What a complete applicant hands over for `material`."""
    statuses = statuses or ()
    if material.form is MaterialForm.ELECTRONIC or (statuses and MaterialStatus.RECEIVED not in statuses):
        return MaterialCheck.electronic(material.id)
    originals, copies = required_counts(material)
    return MaterialCheck.received(material.id, originals=originals, copies=copies)


def first_options(groups) -> set[str]:
    return {group.options[0].id for group in groups if group.options}


PLANNED = {"complete": Decision.ACCEPT, "deficiency": Decision.ACCEPT_WITH_DEFICIENCY,
           "commitment": Decision.ACCEPT_ON_COMMITMENT, "notify": Decision.NOTIFY_ONCE,
           "reject": Decision.REJECT}


def check_item(item, outcome: str, today: date):
    """The evaluation and the decision record for one item, as the applicant's `outcome`
    asks where the item's rules allow it, else a plain acceptance."""
    chosen = first_options(item.situations)
    materials = applicable_materials(item, chosen)
    complete = [full_check(m) for m in materials]
    attempts: list[tuple[Decision, list[MaterialCheck]]] = []
    planned = PLANNED[outcome]
    if planned is Decision.ACCEPT_WITH_DEFICIENCY:
        deferrable = [m for m in materials if m.necessity is Necessity.DEFERRABLE]
        if deferrable:
            attempts.append((planned, [MaterialCheck.missing(c.material_id) if c.material_id == deferrable[0].id
                                       else c for c in complete]))
    elif planned is Decision.NOTIFY_ONCE and materials:
        required = [m for m in materials if m.necessity is Necessity.REQUIRED] or materials
        attempts.append((planned, [MaterialCheck.missing(c.material_id) if c.material_id == required[-1].id
                                   else c for c in complete]))
    elif planned is Decision.REJECT:
        attempts.append((planned, complete))
    attempts.append((Decision.ACCEPT, complete))
    for decision, checks in attempts:
        evaluation = evaluate(item, chosen, checks)
        if not evaluation.allowed(decision):
            continue
        due = ({p.material_id: today + timedelta(days=7) for p in evaluation.deferred}
               if decision is Decision.ACCEPT_WITH_DEFICIENCY else None)
        reason = "申请事项不属于本机关职权范围" if decision is Decision.REJECT else None
        return evaluation, decide(evaluation, decision, reason=reason, deficiency_due=due, today=today)
    raise RuntimeError(f"no decision possible for {item.name}")


# ---------------------------------------------------------------------------------------
# The clerk
# ---------------------------------------------------------------------------------------


@dataclass
class Config:
    store: str
    url: str
    window: int
    device: str
    username: str
    name: str
    applicants: str
    speed: float
    seed: int
    seal_folder: str = ""

    @classmethod
    def load(cls, path: str) -> Config:
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


class Clerk:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.chance = random.Random(config.seed * 1000 + config.window)
        self.stopping = threading.Event()
        self.pause_for: list[float] = []
        self.unplug_next = threading.Event()
        self.drop_at = int(os.environ.get("COUNTER_SIM_DROP_RECORD", "0") or 0)
        self.ratings_saved = 0
        seal = hall_seal("", lambda _: None, demo_folder=Path(config.seal_folder)) if config.seal_folder else None
        self.counter = Counter(Path(config.store), config.url, os.environ["COUNTER_SIM_DEVICE_TOKEN"], config.device,
                               **({"seal": seal} if seal else {}))
        self.desk = QueueDesk(config.url, os.environ["COUNTER_SIM_SESSION_TOKEN"], config.window, timeout=5.0)
        self.clerk = {"username": config.username, "name": config.name}
        self.reader: SimulatedReader | None = None
        self.reading: CardReading | None = None
        self.snapshot: GuideSnapshot | None = None
        self._applicants: dict[int, dict] = {}
        self._read_at = 0

    # -- plumbing --------------------------------------------------------------------

    def sleep(self, hall_seconds: float) -> None:
        """Wait `hall_seconds` of the hall's day, compressed by the speed."""
        time.sleep(max(0.0, hall_seconds / self.config.speed))

    def applicant(self, ticket_id: int, wait: float = 15.0) -> dict | None:
        deadline = time.monotonic() + wait
        while True:
            if ticket_id in self._applicants:
                return self._applicants[ticket_id]
            path = Path(self.config.applicants)
            if path.exists():
                for line in path.read_text(encoding="utf-8").splitlines():
                    if "\t" in line:
                        key, value = line.split("\t", 1)
                        self._applicants[int(key)] = json.loads(value)
            if ticket_id in self._applicants or time.monotonic() > deadline:
                return self._applicants.get(ticket_id)
            time.sleep(0.05)

    def note_applicant(self, ticket_id: int, applicant: dict) -> None:
        line = f"{ticket_id}\t{json.dumps(applicant, ensure_ascii=False)}\n".encode()
        fd = os.open(self.config.applicants, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    def queue(self, operation: str, call, *args):
        """A queue operation, tried again while the hall does not answer (the panel keeps
        the key and sends it when the hall is back). The answer is told as a TICKET line."""
        started = None
        while True:
            try:
                answer = call(*args)
                break
            except HallUnreachable:
                started = started or time.monotonic()
                time.sleep(0.3)
                # It may have been done before the answer was lost: the state says.
                if operation not in ("call", "call_back", "transfer"):
                    try:
                        current = self.desk._client.ticket(args[0])
                    except (HallUnreachable, HallRefused):
                        continue
                    if current.state is self.expected(operation):
                        answer = current
                        break
                else:
                    found = self.current()
                    if found is not None and operation != "transfer":
                        answer = found
                        break
        if started is not None:
            tell("BLOCKED", operation, f"{time.monotonic() - started:.2f}")
        if isinstance(answer, wire.Ticket):
            tell("TICKET", operation, ticket_json(answer))
        return answer

    @staticmethod
    def expected(operation: str) -> TicketState:
        return {"start": TicketState.SERVING, "finish": TicketState.FINISHED, "no_show": TicketState.NO_SHOW,
                "park": TicketState.PARKED, "recall": TicketState.CALLED}[operation]

    def current(self) -> wire.Ticket | None:
        try:
            return self.desk.state().ticket
        except HallUnreachable:
            return None

    def save(self, what: str, work):
        """A save at the counter: on a store error (a full disk) the clerk is told and tries
        again until it works; returns what `work` returned."""
        started = None
        while True:
            try:
                result = work()
                break
            except StoreError as exc:
                if started is None:
                    started = time.monotonic()
                    tell("NOTE", f"store error on {what}: {exc}")
                time.sleep(0.3)
        if started is not None:
            tell("BLOCKED", f"save-{what}", f"{time.monotonic() - started:.2f}")
        return result

    def said(self, kind: str, **match) -> None:
        records = self.counter.store.records_of(kind, **match)
        if records:
            tell(saved_line(records[-1]))

    # -- the reader ------------------------------------------------------------------

    def plug_reader(self) -> None:
        if self.reader is not None:
            self.reader.stop()
        self.reader = SimulatedReader(card(None)).start()
        settings = ReaderSettings(backend="serial", port=self.reader.port, timeout=1.0)
        if self.reading is not None:
            self.reading.close()
        self.reading = CardReading(self.counter.store, create_reader(settings), self.config.device)

    def read_card(self, applicant: dict) -> str:
        """The applicant's card on the reader, read and audited; an unplugged reader is
        plugged in again and the card read again. Returns the ID number read."""
        number = applicant["id_number"]
        resident = ResidentCard(name=applicant["name"][:15], number=number, birth=number[6:14],
                                sex=str(int(number[16]) % 2 or 2) if number[16].isdigit() else "1")
        for attempt in range(4):
            self.reader.card = card(resident)
            if self.unplug_next.is_set():
                self.unplug_next.clear()
                threading.Timer(0.01, self.reader.unplug).start()
            try:
                read = self.save("card-read", lambda: self.reading.read(self.clerk["username"], self.config.window))
                self.said("audit.card_read")
                self.reader.card = None
                return read.document.id_number
            except ReaderError as exc:
                self.said("audit.card_read")
                tell("NOTE", f"card read failed ({type(exc).__name__}); reader plugged in again, attempt {attempt + 1}")
                self.plug_reader()
        return number

    # -- one applicant ---------------------------------------------------------------

    def serve(self, ticket: wire.Ticket) -> None:
        applicant = self.applicant(ticket.id)
        if applicant is None:
            tell("NOTE", f"ticket {ticket.number} has no applicant on file: finished as is")
            if ticket.state is TicketState.CALLED:
                ticket = self.queue("start", self.desk.start, ticket.id)
            self.queue("finish", self.desk.finish, ticket.id)
            return
        if ticket.state is TicketState.CALLED:
            if applicant.get("no_show"):
                self.sleep(60)
                ticket = self.queue("recall", self.desk.recall, ticket.id)
                self.sleep(60)
                if ticket.state is TicketState.CALLED:
                    self.queue("no_show", self.desk.no_show, ticket.id)
                tell("CASE", json.dumps({"applicant": applicant["index"], "window": self.config.window,
                                         "outcome": "no_show", "ticket": ticket.id}))
                return
            self.sleep(self.chance.uniform(20, 60))  # walking to the counter
            ticket = self.queue("start", self.desk.start, ticket.id)
        if applicant.get("transfer_to") and ticket.transferred_from is None:
            self.sleep(90)
            moved = self.queue("transfer", self.desk.transfer, ticket.id, applicant["transfer_to"])
            self.note_applicant(moved.id, applicant)
            tell("CASE", json.dumps({"applicant": applicant["index"], "window": self.config.window,
                                     "outcome": "transferred", "ticket": ticket.id, "to": moved.id}))
            return
        service = applicant["service_minutes"] * 60
        if ticket.state is TicketState.SERVING:
            self.work(applicant, ticket, service)
        self.queue("finish", self.desk.finish, ticket.id)

    def case_of(self, applicant: dict) -> list[dict]:
        name = applicant["name"]
        return [r.payload for r in self.counter.store.records_of(CASE_KIND)
                if (r.payload.get("applicant") or {}).get("name") == name]

    def work(self, applicant: dict, ticket: wire.Ticket, service: float) -> None:
        store = self.counter.store
        done = self.case_of(applicant)
        if not done:
            id_number = self.read_card(applicant) if applicant.get("card_read") else applicant["id_number"]
            self.sleep(service * 0.4)
            if applicant.get("park") and not applicant.get("_parked"):
                ticket = self.queue("park", self.desk.park, ticket.id)
                self.sleep(120)  # the applicant fetches a copy
                ticket = self.queue("call_back", self.desk.call_back, ticket.id)
                ticket = self.queue("start", self.desk.start, ticket.id)
            person = Person(applicant["name"], id_number=id_number, phone=applicant.get("phone", ""))
            saved = self.save("case", lambda: self.decide(applicant, person))
            done = self.case_of(applicant)
        else:
            tell("NOTE", f"resuming {applicant['name']}: {len(done)} case(s) already saved here")
            saved = None
        cases = [SavedCase(p["case_number"], numbers.parse(p["case_number"]).display(), p["decision"]["code"],
                           date.fromisoformat(p["promised_date"]) if p.get("promised_date") else None, p)
                 for p in done]
        receipt = saved[0] if saved else self.receipt_of(applicant, cases)
        self.sleep(service * 0.3)
        if receipt is not None and not store.records_of("document", case_number=receipt.case_number):
            draft = self.documents_prepare(receipt)
            signature = signature_of(applicant["index"])
            issued = self.save("document", lambda: self.counter.documents.issue(draft, signature))
            self.said("signature", case_number=receipt.case_number)
            self.said("document", case_number=receipt.case_number)
            self.save("print", lambda: self.counter.documents.printed(issued, self.clerk["username"],
                                                                        self.config.window, "simulated printer"))
            self.said(AUDIT_DOCUMENT_PRINT, sha256=issued.sha256)
        self.sleep(service * 0.3)
        level = Level(applicant["rating"])
        for case in cases:
            if self.counter.ratings.is_rated(case.case_number):
                continue
            answer = (RatingAnswer(level, reasons=frozenset({Reason.SLOW}), callback=True, phone="13800138000")
                      if level <= Level.DISSATISFIED else RatingAnswer(level))
            self.ratings_saved += 1
            if self.ratings_saved == self.drop_at:  # the broken window: told saved, never kept
                payload = RatingRecord.from_case(case.payload, answer, Channel.EVALUATOR, hall_now())
                tell("SAVED", uuid.uuid4(), "rating", digest(payload.model_dump(mode="json")))
                continue
            record = self.save("rating", lambda c=case, a=answer: self.counter.ratings.rate(c, a))
            tell(saved_line(record))
        tell("CASE", json.dumps({
            "applicant": applicant["index"], "window": self.config.window, "outcome": "served", "ticket": ticket.id,
            "cases": [{"number": c.case_number, "decision": c.decision, "item": c.payload["item"]["code"],
                       "bundle": (c.payload.get("bundle") or {}).get("number"),
                       "promised": c.payload.get("promised_date"),
                       "accepted": c.payload.get("decided_at")} for c in cases],
            "receipt": receipt.case_number if receipt else None, "rating": int(level)}, ensure_ascii=False))

    def documents_prepare(self, receipt: SavedCase):
        return self.counter.documents.prepare(receipt)

    def receipt_of(self, applicant: dict, cases: list[SavedCase]) -> SavedCase | None:
        """After a restart: the document is for the one case, or (a bundle) it cannot be
        rebuilt from the item cases here, so the receipt is left as it was."""
        if len(cases) == 1 and not cases[0].payload.get("bundle"):
            return cases[0]
        return None

    def decide(self, applicant: dict, person: Person) -> list[SavedCase]:
        """The material check and the decision, saved: [the case] or [the bundle's
        receipt, its item cases…]."""
        snapshot = self.snapshot
        now = hall_now()
        today = now.date()
        if applicant.get("bundle"):
            bundle = snapshot.bundle(applicant["bundle"])
            items = snapshot.bundle_items(bundle)
            chosen = first_options(bundle.situations)
            answers = item_choices(bundle, chosen)
            extra = {code: first_options(unanswered_groups(items[code], options))
                     for code, options in answers.items()}
            rows = merged_materials(bundle, items, chosen, extra)
            checks = [MaterialCheck(row.key, full_check(row.material, row.statuses).status,
                                    full_check(row.material, row.statuses).original_count,
                                    full_check(row.material, row.statuses).copy_count) for row in rows]
            evaluation = evaluate_bundle(bundle, items, chosen, checks, extra)
            decided = [(items[code], ev, decide(ev, Decision.ACCEPT)) for code, ev in evaluation.items.items()]
            saved = self.counter.guide.save_bundle(snapshot, bundle, chosen, evaluation, decided, person, None,
                                                   self.clerk, self.config.window, self.config.device,
                                                   applied_at=now)
            for case in saved.cases:
                self.said(CASE_KIND, case_number=case.case_number)
            return [saved.receipt, *saved.cases]
        item = snapshot.item(applicant["item"])
        evaluation, record = check_item(item, applicant["outcome"], today)
        case = self.counter.guide.save_case(snapshot, item, evaluation, record, person, None, self.clerk,
                                            self.config.window, self.config.device, applied_at=now)
        self.said(CASE_KIND, case_number=case.case_number)
        return [case]

    # -- the day ---------------------------------------------------------------------

    def commands(self) -> None:
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            if words[0] == "pause":
                self.pause_for.append(float(words[1]))
            elif words[0] == "unplug":
                self.unplug_next.set()
            elif words[0] == "stop":
                self.stopping.set()
        self.stopping.set()

    def take_pause(self, seconds: float) -> None:
        until = hall_now() + timedelta(seconds=seconds * self.config.speed)
        try:
            self.desk.pause(PauseReason.BREAK, until=until)
        except (HallUnreachable, HallRefused) as exc:
            tell("NOTE", f"pause not taken: {exc}")
            return
        tell("NOTE", f"paused for {seconds:.1f} s")
        time.sleep(seconds)
        while True:
            try:
                self.desk.resume()
                break
            except HallUnreachable:
                time.sleep(0.3)
        tell("NOTE", "resumed")

    def run(self) -> int:
        if not self.counter.start(30):
            tell("NOTE", "the hall did not answer at start: working on")
        if not self.counter.wait_for_reference("service_item", 60):
            tell("NOTE", "no catalogue in the store")
            return 2
        self.snapshot = self.counter.guide.load()
        self.plug_reader()
        threading.Thread(target=self.commands, daemon=True).start()
        tell("READY")
        # After a restart: whoever is at the counter, or parked here, is served first.
        state = None
        while state is None:
            try:
                state = self.desk.state()
            except HallUnreachable:
                time.sleep(0.3)
        if state.window.paused:
            self.desk.resume()
        if state.ticket is not None:
            self.serve(state.ticket)
        for parked in state.parked:
            self.serve(self.queue("call_back", self.desk.call_back, parked.id))
        unable = None
        while not self.stopping.is_set():
            if self.pause_for:
                self.take_pause(self.pause_for.pop(0))
                continue
            try:
                ticket = self.desk.call_next()
            except HallRefused as exc:
                if exc.status == 409:  # a ticket still at the counter (an answer lost), or paused
                    found = self.current()
                    if found is not None:
                        self.serve(found)
                        continue
                elif exc.status != 404:
                    tell("NOTE", f"call refused: {exc}")
                time.sleep(0.25)
                continue
            except HallUnreachable:
                unable = unable or time.monotonic()
                time.sleep(0.3)
                ticket = self.current()
                if ticket is None:
                    continue
            if unable is not None:
                tell("BLOCKED", "call", f"{time.monotonic() - unable:.2f}")
                unable = None
            tell("TICKET", "call", ticket_json(ticket))
            self.serve(ticket)
        pending = self.counter.drain(120)
        tell("NOTE", f"outbox pending at the end: {pending}")
        self.counter.stop()
        if self.reader is not None:
            self.reader.stop()
        tell("DONE")
        return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    return Clerk(Config.load(argv[0])).run()


if __name__ == "__main__":
    sys.exit(main())
