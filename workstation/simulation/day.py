"""`python main.py simulate day`: a working day of the hall played through the real
processes, broken on the way, and checked against the simulation's own record.

The processes: the hall server (`main.py server`), one clerk process per window
(workstation/simulation/clerk.py: the workstation core, its own store, outbox and sync),
and in this process the kiosk (KioskDesk, issuing at the planned arrivals), the hall
display's listener (HallFeed, following the event stream) and the supervisor's data client
(MonitoringDesk and FollowUpDesk, the calls the supervisor's screens make).

The server's clock cannot be driven (it is the machine's), so the day runs in real seconds
compressed by `--speed`: a planned wait of S hall seconds is S/speed real seconds, the
progress line and the report show the hall's clock (08:30 + elapsed × speed), and the
figures compared are those the server recorded (real seconds) against the clients' own
observations of the same moments.

The ground truth: what the kiosk issued, what every clerk was answered and told it saved
(`SAVED` lines), what each store still holds at the end, the calls the display announced.
The comparison prints one `NAME VALUE` line per check, the differences first; the exit
code is 0 only when every difference is 0."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter as Tally
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests

from workstation.simulation.hall import REPO, ClerkProcess, HallProcess, Proxy, usage
from workstation.simulation.plan import MAX_WINDOWS, OPENING_HOUR, Applicant, day_plan, hall_windows

API = "/api/v1"
PASSWORD = "demo2026"
CLERK_NAMES = {1: "张伟", 2: "李娜", 3: "刘洋", 4: "陈静", 5: "杨帆", 6: "赵敏", 7: "黄磊", 8: "周婷",
               9: "吴刚", 10: "郑洁", 11: "孙浩", 12: "马丽"}
DEMO_CLERKS = 6  # the demo hall's accounts clerk1…clerk6 (password PASSWORD)
# The clerks of added windows are imported as a hall imports accounts, so the password
# policy of import-accounts applies.
ADDED_PASSWORD = "Sim-Clerk-2026"


def hall_clock(hall_seconds: float) -> str:
    minutes = int(OPENING_HOUR * 60 + hall_seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class Fault:
    kind: str
    at: float  # hall seconds from opening, planned
    length: float = 0.0  # hall seconds it lasts
    window: int | None = None
    started: float | None = None  # real monotonic
    ended: float | None = None
    note: str = ""


@dataclass
class Truth:
    """What the simulation saw happen."""

    issued: dict[int, dict] = field(default_factory=dict)  # ticket id -> the kiosk's answer + applicant
    answers: list[tuple[int, str, dict]] = field(default_factory=list)  # (window, operation, ticket)
    saved: list[tuple[int, str, str, str]] = field(default_factory=list)  # (window, uuid, kind, sha)
    held: list[tuple[int, str, str, str]] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    blocked: list[tuple[int, str, float, float]] = field(default_factory=list)  # window, what, s, when
    announced: Tally = field(default_factory=Tally)  # ticket id -> ticket.called events seen
    notes: list[str] = field(default_factory=list)
    samples: list[tuple[float, dict[str, int]]] = field(default_factory=list)  # hall s, waiting per type
    pauses: list[tuple[float, int, float]] = field(default_factory=list)  # hall s, window, hall s long
    stuck: int = 0  # outbox entries refused or in conflict at the end
    blobs: dict[str, bytes] = field(default_factory=dict)  # the PDFs the windows kept
    lock: threading.Lock = field(default_factory=threading.Lock)


class Day:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.folder = Path(args.out or tempfile.mkdtemp(prefix="hall-day-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.truth = Truth()
        self.plan = day_plan(args.seed, args.applicants, args.windows)
        self.chance = random.Random(args.seed + 17)
        self.faults: list[Fault] = []
        self.mounts: list[Path] = []
        self.started = 0.0
        self.stop_sampling = threading.Event()
        self.clerks: dict[int, ClerkProcess] = {}
        self.proxy: Proxy | None = None
        self.usage: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
        self.last_server_back: float | None = None
        self.outboxes_empty_after: float | None = None

    # -- time ------------------------------------------------------------------------

    def hall_now(self) -> float:
        return (time.monotonic() - self.started) * self.args.speed

    def real_at(self, hall_seconds: float) -> float:
        return self.started + hall_seconds / self.args.speed

    def wait_until(self, hall_seconds: float) -> None:
        delay = self.real_at(hall_seconds) - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    # -- the hall --------------------------------------------------------------------

    def api(self, path: str) -> str:
        return f"{self.server.url}{API}{path}"

    def enrol(self, admin: requests.Session, kind: str, window: int | None, name: str) -> str:
        code = admin.post(self.api("/admin/enrolment-codes"), json={"kind": kind, "window": window},
                          timeout=30).json()["code"]
        answer = requests.post(self.api("/enrol"), json={"code": code, "name": name}, timeout=30)
        answer.raise_for_status()
        return answer.json()["token"]

    def login(self, device_token: str, username: str) -> str:
        password = ADDED_PASSWORD if username.startswith("clerk") and int(username[5:]) > DEMO_CLERKS \
            else PASSWORD
        answer = requests.post(self.api("/login"), json={"username": username, "password": password},
                               headers={"Authorization": f"Bearer {device_token}"}, timeout=30)
        answer.raise_for_status()
        return answer.json()["token"]

    def session(self, token: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        return session

    def start_hall(self) -> None:
        db = self.args.db or f"sqlite:///{self.folder / 'hall.sqlite3'}"
        code = f"SIM-{self.args.seed}-{os.getpid()}"
        self.server = HallProcess(db, self.folder / "hall-home", {
            "COUNTER_BOOTSTRAP_CODE": code, "COUNTER_BOOTSTRAP_WINDOW": "1", "COUNTER_RATING_JOB_INTERVAL": "86400",
            "COUNTER_SESSION_IDLE_MINUTES": "720"})
        self.server.start()
        answer = requests.post(self.api("/enrol"), json={"code": code, "name": "sim-admin-pc"}, timeout=30)
        answer.raise_for_status()
        self.admin_device = answer.json()["token"]
        self.admin = self.session(self.login(self.admin_device, "admin"))
        self.supervisor_token = self.login(self.admin_device, "supervisor")
        self.add_windows(db)
        self.kiosk_token = self.enrol(self.admin, "kiosk", None, "sim-kiosk")
        self.display_token = self.enrol(self.admin, "display", None, "sim-display")

    def add_windows(self, db: str) -> None:
        """Windows beyond the demo hall's six, as IT would add them: the clerks' accounts
        through `import-accounts`, the windows through the reference API."""
        if self.args.windows <= DEMO_CLERKS:
            return
        added = range(DEMO_CLERKS + 1, self.args.windows + 1)
        accounts = self.folder / "added-accounts.json"
        accounts.write_text(json.dumps([{"username": f"clerk{n}", "display_name": CLERK_NAMES[n], "role": "clerk",
                                         "password": ADDED_PASSWORD} for n in added], ensure_ascii=False),
                            encoding="utf-8")
        result = subprocess.run([sys.executable, str(REPO / "main.py"), "server", "--db", db, "import-accounts",
                                 str(accounts)], cwd=REPO, env=self.server.env, capture_output=True, text=True,
                                timeout=120, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RuntimeError(f"the added windows' clerks were not imported:\n{result.stderr}")
        for window in hall_windows(self.args.windows)[DEMO_CLERKS:]:
            answer = self.admin.put(self.api(f"/reference/window/{window['number']}"), json={"payload": window},
                                    timeout=30)
            answer.raise_for_status()

    def start_clerks(self) -> None:
        applicants = self.folder / "applicants.tsv"
        applicants.touch()
        seal = self.folder / "pki"
        from workstation.app.documents import hall_seal

        hall_seal("", lambda _: None, demo_folder=seal)  # the demo hall's CA and seal, once, before the windows
        for window in range(1, self.args.windows + 1):
            device = self.enrol(self.admin, "workstation", window, f"sim-window-{window}")
            session = self.login(device, f"clerk{window}")
            store_folder = self.folder / f"window{window}"
            store_folder.mkdir(exist_ok=True)
            if self.args.faults and window == self.disk_window:
                self.mount_small(store_folder)
            url = self.server.url
            if self.args.faults and window == self.net_window:
                self.proxy = Proxy(self.server.port)
                url = self.proxy.url
            config = {"store": str(store_folder / "store.sqlite3"), "url": url, "window": window,
                      "device": f"sim-window-{window}", "username": f"clerk{window}", "name": CLERK_NAMES[window],
                      "applicants": str(applicants), "speed": self.args.speed, "seed": self.args.seed,
                      "seal_folder": str(seal)}
            env = {"COUNTER_SIM_DEVICE_TOKEN": device, "COUNTER_SIM_SESSION_TOKEN": session}
            # only window 1 is broken on purpose, whatever this process's environment says
            env["COUNTER_SIM_DROP_RECORD"] = str(self.args.drop_record if window == 1 else 0)
            self.clerks[window] = ClerkProcess(config, self.folder, env, self.heard)
        for clerk in self.clerks.values():
            clerk.start()
        for clerk in self.clerks.values():
            deadline = time.monotonic() + 180
            while not clerk.ready.wait(0.2):
                if clerk.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"window {clerk.window} did not start:\n{clerk.stderr()}")

    def mount_small(self, folder: Path) -> None:
        """The store of one window on a 24 MB tmpfs, so the disk can be filled."""
        if os.geteuid() != 0:
            print(f"full disk: skipped (mounting a tmpfs needs root; window {self.disk_window} keeps its disk)")
            self.disk_window = None
            return
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(folder)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            print(f"full disk: skipped (mount failed: {result.stderr.strip()})")
            self.disk_window = None
            return
        self.mounts.append(folder)

    # -- what the clerks say ---------------------------------------------------------

    def heard(self, window: int, line: str) -> None:
        word, _, rest = line.partition(" ")
        truth = self.truth
        with truth.lock:
            if word == "SAVED":
                uuid, kind, sha = rest.split()
                truth.saved.append((window, uuid, kind, sha))
            elif word == "HELD":
                uuid, kind, sha = rest.split()
                truth.held.append((window, uuid, kind, sha))
            elif word == "TICKET":
                operation, _, body = rest.partition(" ")
                truth.answers.append((window, operation, json.loads(body)))
            elif word == "CASE":
                truth.outcomes.append(json.loads(rest))
            elif word == "BLOCKED":
                what, seconds = rest.split()
                truth.blocked.append((window, what, float(seconds), self.hall_now()))
            elif word == "NOTE":
                truth.notes.append(f"window {window}: {rest}")

    # -- the kiosk, the display, the supervisor ----------------------------------------

    def kiosk(self) -> None:
        from workstation.app.queue_desk import KioskDesk
        from workstation.domain.queue import GreenReason
        from workstation.sync.errors import HallRefused, HallUnreachable

        desk = KioskDesk(self.server.url, self.kiosk_token, timeout=5.0)
        mapping = self.folder / "applicants.tsv"
        for person in self.plan:
            self.wait_until(person.arrives)
            while True:
                try:
                    issued = desk.issue(None if person.appointment else person.business_type,
                                        green_reason=GreenReason(person.green) if person.green else None,
                                        appointment_code=person.appointment,
                                        id_number=person.id_number if person.kiosk_card else None)
                    break
                except HallUnreachable:
                    time.sleep(0.3)
                except HallRefused as exc:
                    with self.truth.lock:
                        self.truth.notes.append(f"kiosk refused applicant {person.index}: {exc}")
                    issued = None
                    break
            if issued is None:
                continue
            ticket = issued.ticket.model_dump(mode="json")
            with self.truth.lock:
                self.truth.issued[issued.ticket.id] = {"ticket": ticket, "applicant": person.index}
            fd = os.open(mapping, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, f"{issued.ticket.id}\t{person.as_json()}\n".encode())
            finally:
                os.close(fd)
        desk.close()

    def book_appointments(self) -> None:
        for person in self.plan:
            if person.appointment:
                arrival = datetime.now(UTC) + timedelta(seconds=person.arrives / self.args.speed)
                body = {"code": person.appointment, "business_type": person.business_type,
                        "slot_start": (arrival - timedelta(minutes=10)).isoformat(),
                        "slot_end": (arrival + timedelta(minutes=30)).isoformat()}
                answer = self.admin.post(self.api("/queue/appointments"), json=body, timeout=30)
                if answer.status_code != 201:
                    person.appointment = None
                    self.truth.notes.append(f"appointment refused: {answer.status_code} {answer.text[:200]}")

    def display(self) -> None:
        from workstation.app.queue_desk import HallFeed
        from workstation.protocol import queue as wire

        self.feed = HallFeed(self.server.url, self.display_token, timeout=5.0, first_backoff=0.2, max_backoff=1.0,
                             catch_up=600.0)
        for update in self.feed.follow():
            if isinstance(update, wire.TicketCalled):
                with self.truth.lock:
                    self.truth.announced[update.ticket_id] += 1

    def supervisor(self) -> None:
        """The supervisor's board re-read every few seconds: queue lengths for the report."""
        from workstation.app.monitoring import MonitoringDesk
        from workstation.sync.errors import HallRefused, HallUnreachable

        desk = MonitoringDesk(self.server.url, self.supervisor_token, 5.0)
        while not self.stop_sampling.wait(max(0.5, 300 / self.args.speed)):
            try:
                now = desk.hall_now()
            except (HallUnreachable, HallRefused):
                continue
            with self.truth.lock:
                self.truth.samples.append((self.hall_now(), {t.code: t.waiting for t in now.business_types}))

    def follow_ups(self) -> int:
        """The supervisor works the bad ratings: contact, rectify, close (every other one
        is left open, so open follow-ups count too). Returns how many were closed."""
        from workstation.app.rating import FollowUpDesk
        from workstation.protocol import ratings as rwire

        desk = FollowUpDesk(self.server.url, self.supervisor_token, 10.0)
        closed = 0
        for index, task in enumerate(desk.tasks(rwire.FollowUpFilter("open"))):
            if index % 2:
                continue
            for action, note in (("contact", "已电话回访"), ("rectify", "已整改"), ("close", "办结")):
                desk.act(task.id, rwire.FollowUpAction(action), note)
            closed += 1
        return closed

    def pauses(self) -> None:
        """Two clerks step away during the day (a meeting, a break): 去向公开 on the hall's
        screens, the AB角 window covering."""
        last = max((p.arrives for p in self.plan), default=3600)
        windows = sorted(self.clerks)
        moments = sorted((self.chance.uniform(0.2, 0.8) * last, windows[i % len(windows)]) for i in range(2))
        for moment, window in moments:
            self.wait_until(moment)
            seconds = max(1.0, 15 * 60 / self.args.speed)
            self.clerks[window].send(f"pause {seconds:.2f}")
            with self.truth.lock:
                self.truth.pauses.append((moment, window, seconds * self.args.speed))

    # -- faults ----------------------------------------------------------------------

    def plan_faults(self) -> None:
        windows = list(range(1, self.args.windows + 1))
        self.chance.shuffle(windows)
        self.net_window = windows[0 % len(windows)]
        self.disk_window = windows[1 % len(windows)]
        self.kill_window = windows[2 % len(windows)]
        self.reader_window = windows[3 % len(windows)]
        if not self.args.faults:
            return
        last = max(p.arrives for p in self.plan) if self.plan else 3600
        spots = sorted(self.chance.uniform(0.1, 0.85) * last for _ in range(6))
        kinds = ["server", "queue-writer", "workstation", "network", "reader", "disk"]
        self.chance.shuffle(kinds)
        minutes = {"server": 20, "network": 25, "disk": 15}
        for kind, spot in zip(kinds, spots, strict=True):
            window = {"workstation": self.kill_window, "network": self.net_window, "reader": self.reader_window,
                      "disk": self.disk_window}.get(kind)
            self.faults.append(Fault(kind, spot, minutes.get(kind, 0) * 60, window))

    def injector(self) -> None:
        for fault in sorted(self.faults, key=lambda f: f.at):
            self.wait_until(fault.at)
            fault.started = time.monotonic()
            length = max(3.0, fault.length / self.args.speed)
            if fault.kind == "server":
                self.server.kill()
                time.sleep(length)
                self.server.start()
                self.last_server_back = time.monotonic()
                threading.Thread(target=self.watch_outboxes, daemon=True).start()
            elif fault.kind == "queue-writer":
                if self.server.db_url.startswith("postgresql"):
                    fault.note = "skipped: on PostgreSQL the queue has no writer process"
                    print(f"queue writer killed: {fault.note}", flush=True)
                else:
                    give_up = time.monotonic() + 30  # after a restart it starts with the first operation
                    while not self.server.kill_queue_writer():
                        if time.monotonic() > give_up:
                            fault.note = "skipped: no queue writer process was found"
                            print(f"queue writer killed: {fault.note}", flush=True)
                            break
                        time.sleep(0.2)
            elif fault.kind == "workstation":
                self.kill_mid_case(self.clerks[fault.window], fault)
            elif fault.kind == "network" and self.proxy is not None:
                self.proxy.send("drop")
                self.proxy.send("cut")
                time.sleep(length)
                self.proxy.send("pass")
            elif fault.kind == "reader":
                self.clerks[fault.window].send("unplug")
            elif fault.kind == "disk":
                if self.disk_window is None:
                    fault.note = "skipped: no small volume"
                else:
                    self.fill_disk(self.folder / f"window{fault.window}", length)
            fault.ended = time.monotonic()

    def kill_mid_case(self, clerk: ClerkProcess, fault: Fault) -> None:
        """SIGKILL the window right after it saved a case (before its document), then start
        it again on the same store."""
        seen = len([s for s in self.truth.saved if s[0] == clerk.window and s[2] == "case"])
        deadline = time.monotonic() + max(20.0, 3600 / self.args.speed)
        while time.monotonic() < deadline:
            if len([s for s in self.truth.saved if s[0] == clerk.window and s[2] == "case"]) > seen:
                break
            time.sleep(0.01)
        clerk.kill()
        fault.note = f"killed after {seen + 1} case(s)"
        time.sleep(1.0)
        clerk.start()
        clerk.ready.wait(120)

    def fill_disk(self, folder: Path, seconds: float) -> None:
        filler = folder / "filler.bin"
        with open(filler, "wb") as out:
            block = b"\0" * (1 << 20)
            try:
                while True:
                    out.write(block)
                    out.flush()
            except OSError:
                pass
        time.sleep(seconds)
        filler.unlink()

    def watch_outboxes(self) -> None:
        back = self.last_server_back
        while True:
            if all(pending(self.folder / f"window{w}" / "store.sqlite3") == 0 for w in self.clerks):
                if back == self.last_server_back:
                    self.outboxes_empty_after = time.monotonic() - back
                return
            time.sleep(0.2)

    # -- the day ---------------------------------------------------------------------

    def progress(self) -> None:
        last = max((p.arrives for p in self.plan), default=0)
        while not self.stop_sampling.wait(1.0):
            now = self.hall_now()
            done = len(self.truth.outcomes)
            width = 30
            filled = min(width, int(width * now / max(last, 1)))
            line = (f"\r[{'#' * filled}{'.' * (width - filled)}] hall {hall_clock(now)}  issued "
                    f"{len(self.truth.issued)}/{len(self.plan)}  done {done}")
            sys.stderr.write(line)
            sys.stderr.flush()
            for name, pid in self.pids().items():
                figures = usage(pid)
                if figures:
                    self.usage[name].append((now, *figures))

    def pids(self) -> dict[str, int]:
        found = {"simulation": os.getpid()}
        if self.server.process and self.server.process.poll() is None:
            found["server"] = self.server.process.pid
            writer = self.server.queue_writer()
            if writer:
                found["queue-writer"] = writer
        for window, clerk in self.clerks.items():
            if clerk.process and clerk.process.poll() is None:
                found[f"window{window}"] = clerk.process.pid
        return found

    def finished(self) -> bool:
        ended = {"served", "no_show", "transferred"}
        with self.truth.lock:
            final = {o["ticket"] for o in self.truth.outcomes if o["outcome"] in ended}
            tickets = set(self.truth.issued) | {o["to"] for o in self.truth.outcomes if o.get("to")}
        return tickets <= final

    def run(self) -> int:
        self.plan_faults()
        self.start_hall()
        self.book_appointments()
        self.start_clerks()
        self.started = time.monotonic()
        threads = [threading.Thread(target=target, daemon=True, name=target.__name__)
                   for target in (self.display, self.supervisor, self.progress)]
        threads.append(threading.Thread(target=self.pauses, daemon=True))
        kiosk = threading.Thread(target=self.kiosk, daemon=True)
        injector = threading.Thread(target=self.injector, daemon=True)
        for thread in (*threads, kiosk, injector):
            thread.start()
        kiosk.join()
        injector.join()
        deadline = time.monotonic() + max(600.0, 3 * 3600 / self.args.speed)
        while not self.finished() and time.monotonic() < deadline:
            time.sleep(0.5)
        for clerk in self.clerks.values():
            clerk.send("stop")
        for clerk in self.clerks.values():
            if not clerk.done.wait(240):
                self.truth.notes.append(f"window {clerk.window} did not end: {clerk.stderr()[-500:]}")
        self.stop_sampling.set()
        sys.stderr.write("\n")
        self.feed.stop()
        for clerk in self.clerks.values():
            held(clerk, self)
        closed = self.follow_ups()
        code = self.compare(closed)
        self.stop()
        return code

    def stop(self) -> None:
        for clerk in self.clerks.values():
            if clerk.process and clerk.process.poll() is None:
                clerk.kill()
        if self.proxy:
            self.proxy.stop()
        self.server.stop()
        for folder in self.mounts:
            copy = folder.with_name(folder.name + "-copy")
            shutil.copytree(folder, copy, dirs_exist_ok=True)
            subprocess.run(["umount", str(folder)], capture_output=True)
            shutil.copytree(copy, folder, dirs_exist_ok=True)
            shutil.rmtree(copy, ignore_errors=True)

    # -- the comparison --------------------------------------------------------------

    def compare(self, closed_follow_ups: int) -> int:
        from workstation.simulation.compare import compare

        differences, figures = compare(self, closed_follow_ups)
        from workstation.simulation.report import write_report

        report = write_report(self, differences, figures)
        for name, value in differences:
            print(f"{name} {value}")
        for name, value in figures:
            print(f"{name} {value}")
        print(f"report {report}")
        (self.folder / "result.json").write_text(json.dumps({"differences": dict(differences),
                                                             "figures": dict(figures)}, ensure_ascii=False),
                                                 encoding="utf-8")
        return 0 if all(value == 0 for _, value in differences) else 1


def pending(store: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10) as db:
            return db.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    except sqlite3.Error:
        return -1


def held(clerk: ClerkProcess, day: Day) -> None:
    """Every record the window's store holds at the end (read after it ended, through the
    store: its payloads and PDFs are sealed under its key in the keyring)."""
    from workstation.simulation.counter import digest
    from workstation.store.local import LocalStore

    local = LocalStore(Path(clerk.config["store"]))
    try:
        for record in local.every_record():
            day.truth.held.append((clerk.window, str(record.uuid), record.kind,
                                   digest(record.payload) if record.payload is not None else None))
            if record.kind == "document" and record.payload is not None:
                content = local.document(str(record.payload.get("sha256", "")))
                if content is not None:
                    day.truth.blobs[record.payload["sha256"]] = content
        day.truth.stuck += local.refused_count() + local.conflict_count()
    finally:
        local.close()


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py simulate day", description=__doc__.split("\n\n")[0])
    parser.add_argument("--windows", type=int, default=8,
                        help=f"clerk workstations, 1 to {MAX_WINDOWS} (the demo hall has 6 windows; more are added)")
    parser.add_argument("--applicants", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--faults", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--speed", type=float, default=60.0, help="hall seconds per real second")
    parser.add_argument("--db", default="", help="the hall's database URL (default: SQLite in --out)")
    parser.add_argument("--out", default="", help="folder for stores, logs and the report (default: a temp folder)")
    parser.add_argument("--drop-record", type=int, default=0, help=argparse.SUPPRESS)  # the check must bite
    args = parser.parse_args(argv)
    if not 1 <= args.windows <= MAX_WINDOWS:
        parser.error(f"--windows: 1 to {MAX_WINDOWS}")
    if args.applicants < 1 or args.speed <= 0:
        parser.error("--applicants and --speed must be positive")
    args.drop_record = args.drop_record or int(os.environ.get("COUNTER_SIM_DROP_RECORD", "0") or 0)
    return args


def main(argv: list[str]) -> int:
    if argv[:1] != ["day"]:
        print("usage: main.py simulate day [--windows N --applicants N --seed S --faults/--no-faults "
              "--speed X --db URL --out DIR]", file=sys.stderr)
        return 2
    day = Day(parse(argv[1:]))
    try:
        return day.run()
    except BaseException:
        day.stop_sampling.set()
        try:
            day.stop()
        finally:
            pass
        raise


_ = (Applicant, date)
