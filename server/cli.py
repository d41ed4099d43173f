"""`python main.py server …`: run the hall server, and the admin commands IT uses on it."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading
from pathlib import Path

from server.paths import data_folder
from workstation.domain.roles import DeviceKind, Role
from workstation.protocol.halls import DEFAULT_HALL
from workstation.protocol.reference import ReferenceKind

log = logging.getLogger("hall.server")


def default_db_url() -> str:
    folder = data_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'hall.sqlite3'}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py server",
        description="The hall server: queues, the guide catalogue, accounts and the hall's records.",
    )
    parser.add_argument("--db", help="SQLAlchemy URL of the database, e.g. "
                        "postgresql+psycopg://user:pw@host/hall (default: a SQLite file in the "
                        "user data folder)")
    sub = parser.add_subparsers(dest="command")

    _run_options(parser)

    code = sub.add_parser("enrol-code", help="print a one-time code that enrols one device")
    code.add_argument("--kind", choices=[k.value for k in DeviceKind], default="workstation")
    code.add_argument("--window", type=int, help="the counter window a workstation serves")
    code.add_argument("--hall", type=_hall_arg, default=None, metavar="CODE",
                      help="the hall the device is enrolled to (default: main, the server's first hall)")

    imp = sub.add_parser("import", help="import reference data from a JSON file; refused whole "
                         "if any entry is invalid")
    imp.add_argument("kind", choices=[k.value for k in ReferenceKind])
    imp.add_argument("file", type=Path)
    imp.add_argument("--hall", type=_hall_arg, default=None, metavar="CODE",
                     help="windows: the hall they belong to (window numbers are unique on the server)")

    given = sub.add_parser("account-halls", help="give a supervisor or admin the halls they work in "
                           "(none: their device's hall); prints the account's halls")
    given.add_argument("username")
    given.add_argument("halls", nargs="*", type=_hall_arg, metavar="CODE")

    exp = sub.add_parser("export", help="write the current reference data of one kind as JSON, "
                         "in the form `import` reads")
    exp.add_argument("kind", choices=[k.value for k in ReferenceKind])
    exp.add_argument("file", type=Path, help="where to write; - for standard output")

    sub.add_parser("migrate", help="bring the database schema up to date and exit")

    appointments = sub.add_parser("import-appointments", help="import the province's booking platform's "
                                  "appointments (JSON: {\"appointments\": [{code, business_type, slot_start, "
                                  "slot_end, id_number?, phone?}]}, at most 5,000); refused whole if any row "
                                  "is invalid or over its slot's capacity; rows already here are left unchanged")
    appointments.add_argument("file", type=Path)

    accounts = sub.add_parser("import-accounts", help="add the accounts of a JSON list (username, "
                              "display_name, role, password) not there yet; refused whole if any "
                              "entry is invalid or any password too weak (10 characters, three of: "
                              "small letters, capitals, digits, others; not the username)")
    accounts.add_argument("file", type=Path)

    reset = sub.add_parser("reset-password", help="give an account a new password, read from "
                           "standard input (the policy of import-accounts applies); its sessions "
                           "end and its lockout is lifted")
    reset.add_argument("username")

    unlock = sub.add_parser("unlock", help="lift the lockout of an account or a device after failed "
                            "logins, and forget its failed logins")
    which = unlock.add_mutually_exclusive_group(required=True)
    which.add_argument("--account", metavar="USERNAME")
    which.add_argument("--device", metavar="DEVICE_ID")

    sub.add_parser("devices", help="list the enrolled devices: id, kind, window, name, enrolment, last "
                   "login session use, and when, by whom and why a device was revoked")
    revoke = sub.add_parser("revoke-device", help="revoke a device (a stolen PC): its token and its login "
                            "sessions are refused at once, and what it uploads from now on is refused "
                            "and kept on the server for review (see `devices` for the ids)")
    revoke.add_argument("device_id")
    revoke.add_argument("--reason", required=True, help="why, for the record (shown to the device too)")
    revoke.add_argument("--by", default="the revoke-device command",
                        help="who revokes it, for the record (default: %(default)s)")

    trail = sub.add_parser("audit", help="the server's audit trail")
    trail_sub = trail.add_subparsers(dest="audit_command", required=True)
    trail_sub.add_parser("verify", help="walk the audit chain; exit 1 and name the first break if it is broken")

    ratings = sub.add_parser("export-ratings", help="write the ratings given on a range of days (hall "
                             "time) in the national report's field set")
    ratings.add_argument("--from", dest="first", type=_day, required=True, metavar="YYYY-MM-DD")
    ratings.add_argument("--to", dest="last", type=_day, required=True, metavar="YYYY-MM-DD")
    ratings.add_argument("--format", choices=["csv", "json"], default="csv",
                         help="csv (UTF-8 with a byte order mark, opens in spreadsheet programs) or json")
    ratings.add_argument("--out", type=Path, default=Path("-"), help="where to write; - (default) for "
                         "standard output")
    sub.add_parser("rate-defaults", help="run the default-rating job once: cases unrated for "
                   "--rating-default-days working days get 满意 (channel system default); "
                   "prints how many")
    return parser


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _whole(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
    if not raw.isdigit():
        raise SystemExit(f"{name}={raw!r}: give a whole number")
    return int(raw)


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    parser.add_argument("--demo", action=argparse.BooleanOptionalAction, default=None,
                        help="seed the demo hall into an empty database (default: only for the "
                        "default SQLite file)")
    parser.add_argument("--parent-watch", action="store_true",
                        help="stop when standard input closes (used by the workstation's embedded hall)")
    parser.add_argument("--rating-default-days", type=int, metavar="N",
                        default=_whole("COUNTER_RATING_DEFAULT_DAYS", 5),
                        help="working days after which an unrated case gets 满意 with channel system "
                        "default (default 5, or COUNTER_RATING_DEFAULT_DAYS)")
    parser.add_argument("--follow-up-days", type=int, metavar="N",
                        default=_whole("COUNTER_FOLLOW_UP_DAYS", 5),
                        help="working days within which a bad rating's follow-up is due (default 5, or "
                        "COUNTER_FOLLOW_UP_DAYS)")
    parser.add_argument("--rating-job-interval", type=int, metavar="SECONDS",
                        default=_whole("COUNTER_RATING_JOB_INTERVAL", 3600),
                        help="how often the server runs the default-rating job; 0: never, run "
                        "`rate-defaults` from a scheduler instead (default 3600, or "
                        "COUNTER_RATING_JOB_INTERVAL)")
    parser.add_argument("--deadline-interval", type=float, metavar="SECONDS",
                        default=float(os.environ.get("COUNTER_DEADLINE_INTERVAL", "60")),
                        help="how often the server rescans open cases against their promised dates "
                        "(电子监察); it also rescans soon after every step or new case; 0: only then "
                        "(default 60, or COUNTER_DEADLINE_INTERVAL)")
    parser.add_argument("--certfile", type=Path, metavar="FILE",
                        default=os.environ.get("COUNTER_TLS_CERTFILE") or None,
                        help="serve HTTPS with the hall's certificate in FILE (PEM, the chain after "
                        "the server's own certificate); needs --keyfile (or COUNTER_TLS_CERTFILE)")
    parser.add_argument("--keyfile", type=Path, metavar="FILE",
                        default=os.environ.get("COUNTER_TLS_KEYFILE") or None,
                        help="the certificate's private key (PEM, not encrypted; readable by the "
                        "server's account only) (or COUNTER_TLS_KEYFILE)")
    parser.add_argument("--workers", type=int, metavar="N", default=None,
                        help="HTTP front processes on the one port, on PostgreSQL (default: the "
                        "machine's cores); a SQLite hall is served by one process (and its queue "
                        "writer)")
    parser.add_argument("--session-idle-minutes", type=float, metavar="MINUTES",
                        default=float(os.environ.get("COUNTER_SESSION_IDLE_MINUTES", "30")),
                        help="a login session unused this long ends; the person logs in again "
                        "(default 30, or COUNTER_SESSION_IDLE_MINUTES)")


def _hall_arg(value: str) -> str:
    from server.halls import hall_code

    try:
        return hall_code(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _account_halls(db, username: str, halls: list[str]) -> int:
    from sqlalchemy import delete, select

    from server.models import Account, AccountHall

    with db.session() as session:
        account = session.execute(select(Account).where(Account.username == username)).scalar_one_or_none()
        if account is None:
            print(f"no account {username!r}; nothing was changed", file=sys.stderr)
            return 2
        if halls and account.role not in (Role.SUPERVISOR.value, Role.ADMIN.value):
            print(f"{username} is a {account.role}: a clerk works at their workstation's hall; nothing was changed",
                  file=sys.stderr)
            return 2
        session.execute(delete(AccountHall).where(AccountHall.account_id == account.id))
        session.add_all([AccountHall(account_id=account.id, hall=h) for h in dict.fromkeys(halls)])
        _audited(session, "cli.account_halls", username, {"halls": list(dict.fromkeys(halls))})
    print(f"{username}: {', '.join(dict.fromkeys(halls)) or 'the hall of the device they log in at'}")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["queue-writer"]:  # the server's own child (server.queue_writer), not for people
        from server.queue_writer import child_main

        return child_main(argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    url = args.db or default_db_url()
    from server import migrate, seed
    from server.db import Database

    try:
        migrate.upgrade(url)
    except migrate.MigrationRefused as exc:
        print(f"hall server: {exc}", file=sys.stderr)
        return 2
    db = Database(url)
    try:
        if args.command == "audit":
            return _audit_verify(db)
        if args.command == "enrol-code":
            from server import auth

            with db.session() as session:
                code = auth.create_enrolment_code(session, DeviceKind(args.kind), args.window,
                                                  hall=args.hall or DEFAULT_HALL)
                _audited(session, "cli.enrolment_code", args.kind,
                         {"kind": args.kind, "window": args.window, "hall": args.hall or DEFAULT_HALL})
            print(code)
            return 0
        if args.command in ("import", "import-accounts"):
            try:
                with db.session() as session:
                    if args.command == "import":
                        changed, what = seed.import_file(session, ReferenceKind(args.kind), args.file,
                                                         args.hall), "entries changed"
                    else:
                        changed, what = seed.import_accounts_file(session, args.file), "accounts added"
                    _audited(session, f"cli.{args.command}", args.kind if args.command == "import" else None,
                             {"file": str(args.file), "changed": changed,
                              **({"hall": args.hall} if getattr(args, "hall", None) else {})})
            except seed.ImportError_ as exc:
                print(f"import refused, nothing was changed:\n{exc}", file=sys.stderr)
                return 2
            print(f"{changed} {what}")
            return 0
        if args.command == "import-appointments":
            return _import_appointments(db, args.file)
        if args.command == "export":
            import json

            from server import reference

            with db.session() as session:
                values = reference.current(session, ReferenceKind(args.kind))
                _audited(session, "export.reference", args.kind, {"file": str(args.file), "entries": len(values)})
            key = {"window": "number", "calendar": "year"}.get(args.kind, "code")
            values.sort(key=lambda v: v.get(key, 0))
            if args.kind == ReferenceKind.HALL.value:
                values = values[0] if values else {}
            text = json.dumps(values, ensure_ascii=False, indent=2) + "\n"
            if str(args.file) == "-":
                sys.stdout.write(text)
            else:
                args.file.write_text(text, encoding="utf-8")
            return 0
        if args.command == "migrate":
            return 0
        if args.command == "reset-password":
            return _reset_password(db, args.username)
        if args.command == "unlock":
            from server import auth

            scope, subject = ("account", args.account) if args.account else ("device", args.device)
            with db.session() as session:
                lifted, forgotten = auth.unlock(session, scope, subject, "the unlock command")
                _audited(session, f"cli.unlock_{scope}", subject,
                         {"lockouts_lifted": lifted, "failures_forgotten": forgotten})
            print(f"{scope} {subject}: {lifted} lockouts lifted, {forgotten} failed logins forgotten")
            return 0
        if args.command == "devices":
            return _list_devices(db)
        if args.command == "account-halls":
            return _account_halls(db, args.username, args.halls)
        if args.command == "revoke-device":
            return _revoke_device(db, args.device_id, args.reason, args.by)
        settings = _rating_settings(args)
        if args.command == "export-ratings":
            from server import ratings
            from workstation.protocol.ratings import ExportFormat, render_export

            try:
                with db.session() as session:
                    rows = ratings.export_rows(session, args.first, args.last, settings.timezone)
                    _audited(session, "export.ratings", str(args.out), {
                        "from": args.first.isoformat(), "to": args.last.isoformat(), "format": args.format,
                        "rows": len(rows)})
            except ValueError as exc:
                print(f"export refused: {exc}", file=sys.stderr)
                return 2
            data = render_export(rows, ExportFormat(args.format))
            if str(args.out) == "-":
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            else:
                args.out.write_bytes(data)
            print(f"{len(rows)} ratings", file=sys.stderr)
            return 0
        if args.command == "rate-defaults":
            from server import ratings

            print(ratings.apply_default_ratings(db, settings))
            return 0
        demo = args.demo if args.demo is not None else args.db is None
        return serve(db, args.host, args.port, demo, args.parent_watch, settings, _case_settings(args),
                     tls=_tls(args), login=_login_settings(args), workers=_workers(args, db))
    finally:
        db.dispose()


def _audited(session, action: str, object: str | None, details: dict) -> None:
    """An admin command's entry in the server's audit trail (actor "cli", the OS user in the details)."""
    import getpass

    from server import audit

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = None
    audit.append(session, audit.CLI, "admin", None, action, object, {**details, "os_user": who})


def _audit_verify(db) -> int:
    from server import audit

    with db.reading() as session:
        verdict = audit.verify(session)
    span = f"entries #{verdict.first_id}–#{verdict.last_id}" if verdict.first_id else "no entries"
    if verdict.ok:
        print(f"audit chain intact: {verdict.checked} entries checked ({span})")
        return 0
    found = verdict.first_break
    print(f"audit chain BROKEN at entry #{found.id}: {found.kind}: {found.detail} "
          f"({verdict.checked} entries checked)", file=sys.stderr)
    return 1


def _import_appointments(db, file: Path) -> int:
    """The admin API's import (POST /queue/appointments/import) from the command line: the same
    queue operation, so capacity holds beside a running server (SQLite serialises writers;
    PostgreSQL takes the operation's advisory locks)."""
    import json

    from pydantic import ValidationError

    from server.events import EventBus
    from server.queue import QueueError, QueueService
    from workstation.protocol.queue import AppointmentImport

    try:
        payload = json.loads(file.read_text(encoding="utf-8"))
        body = AppointmentImport.model_validate({"appointments": payload} if isinstance(payload, list) else payload)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
        print(f"import refused, nothing was changed:\n{exc}", file=sys.stderr)
        return 2
    service = QueueService(db, EventBus())
    try:
        answer = service.write(service.import_appointments, body, "import-appointments")
    except QueueError as exc:
        print(f"import refused, nothing was changed: {exc.detail}", file=sys.stderr)
        return 2
    finally:
        service.close()
    if answer.over_capacity:
        print(f"import refused, nothing was changed: {answer.detail}: {', '.join(answer.over_capacity)}",
              file=sys.stderr)
        return 2
    with db.session() as session:
        _audited(session, "cli.import_appointments", None,
                 {"file": str(file), "added": answer.added, "unchanged": answer.unchanged})
    print(f"{answer.added} appointments added, {answer.unchanged} unchanged")
    return 0


def _rating_settings(args):
    from server.ratings import RatingSettings

    for name in ("rating_default_days", "follow_up_days", "rating_job_interval"):
        if getattr(args, name) < 0:
            raise SystemExit(f"--{name.replace('_', '-')} cannot be negative")
    return RatingSettings(default_days=args.rating_default_days, follow_up_days=args.follow_up_days,
                          job_interval=float(args.rating_job_interval))


def _workers(args, db) -> int:
    if args.workers is None:
        return (os.cpu_count() or 1) if db.dialect == "postgresql" else 1
    if args.workers < 1:
        raise SystemExit("--workers must be at least 1")
    if args.workers > 1 and db.dialect != "postgresql":
        raise SystemExit(f"--workers {args.workers}: several server processes need PostgreSQL; a SQLite "
                         "hall is served by one process (with its queue writer)")
    return args.workers


def _case_settings(args):
    from server.cases import CaseSettings

    if args.deadline_interval < 0:
        raise SystemExit("--deadline-interval cannot be negative")
    return CaseSettings(interval=args.deadline_interval)


def _reset_password(db, username: str) -> int:
    import getpass

    from server import auth

    if sys.stdin.isatty():
        password = getpass.getpass(f"new password for {username}: ")
        if getpass.getpass("again: ") != password:
            print("the two passwords differ; nothing was changed", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        with db.session() as session:
            ended = auth.reset_password(session, username, password, "the reset-password command")
            _audited(session, "cli.password_reset", username, {"sessions_ended": len(ended)})
    except (LookupError, auth.WeakPassword) as exc:
        print(f"refused, nothing was changed: {exc.args[0]}", file=sys.stderr)
        return 2
    print(f"password of {username} changed; {len(ended)} sessions ended")
    return 0


def _list_devices(db) -> int:
    from server import devices

    with db.reading() as session:
        rows = devices.listing(session)

    def when(moment) -> str:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "-"

    for d in rows:
        state = (f"REVOKED {when(d.revoked_at)} by {d.revoked_by or '?'}: {d.revoked_reason or '-'}"
                 f" ({d.quarantined} uploads kept)" if d.revoked else "active")
        print(f"{d.device_id}  {d.kind.value:<11} hall {d.hall:<8} window {d.window if d.window is not None else '-':<3}  "
              f"{d.name}  enrolled {when(d.enrolled_at)}  last seen {when(d.last_seen_at)}  {state}")
    print(f"{len(rows)} devices, {sum(d.revoked for d in rows)} revoked", file=sys.stderr)
    return 0


def _revoke_device(db, device_id: str, reason: str, by: str) -> int:
    from server import devices

    if not reason.strip():
        print("give the reason with --reason; nothing was changed", file=sys.stderr)
        return 2
    try:
        with db.session() as session:
            result, digests = devices.revoke(session, device_id, by, reason[:200])
            _audited(session, "cli.device_revoke", device_id, {
                "reason": reason[:200], "by": by, "already_revoked": result.already_revoked,
                "sessions_ended": result.sessions_ended})
    except LookupError as exc:
        print(f"refused, nothing was changed: {exc.args[0]} (see `main.py server devices`)", file=sys.stderr)
        return 2
    if db.dialect == "postgresql":
        # Every running server process drops the device's tokens now (on SQLite, the
        # server's leader notices within a few seconds: server.devices.WATCH_SECONDS).
        from server.devices_api import REVOKED_NOTICE
        from server.events import SharedEventBus

        SharedEventBus(db).notice(REVOKED_NOTICE, {"device_id": device_id, "digests": digests})
    d = result.device
    at = f" at {d.revoked_at:%Y-%m-%d %H:%M} UTC" if d.revoked_at else ""
    print(f"device {d.device_id} ({d.kind.value}, window {d.window}, {d.name}) "
          f"{'was already revoked' if result.already_revoked else 'revoked'}{at} by {d.revoked_by}: "
          f"{d.revoked_reason}; {result.sessions_ended} sessions ended")
    return 0


def _loopback(host: str) -> bool:
    import ipaddress

    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _tls(args) -> tuple[Path, Path] | None:
    """The certificate and key files to serve HTTPS with, checked before the server starts."""
    import ssl

    if args.certfile is None and args.keyfile is None:
        return None
    if args.certfile is None or args.keyfile is None:
        raise SystemExit("HTTPS needs both --certfile and --keyfile")
    for name, path in (("--certfile", args.certfile), ("--keyfile", args.keyfile)):
        if not path.is_file():
            raise SystemExit(f"{name} {path}: no such file")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(args.certfile, args.keyfile)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise SystemExit(f"the certificate {args.certfile} and key {args.keyfile} cannot be used "
                         f"together: {exc}") from None
    return args.certfile, args.keyfile


def _login_settings(args):
    from server.auth import LoginSettings

    if args.session_idle_minutes <= 0:
        raise SystemExit("--session-idle-minutes must be positive")
    return LoginSettings.from_environment(idle_minutes=args.session_idle_minutes)


def serve(db, host: str, port: int, demo: bool, parent_watch: bool, ratings=None, cases=None,
          tls: tuple[Path, Path] | None = None, login=None, workers: int = 1) -> int:
    """Serves until stopped: one process, or `workers` of them (server.workers). What
    must happen once (migrating, seeding, the bootstrap code) happens here, before."""
    import uvicorn

    from server import auth, seed
    from server.app import create_app

    with db.session() as session:
        if demo and seed.is_empty(session):
            seed.seed_demo_hall(session)
            log.info("seeded the demo hall")
        bootstrap = os.environ.pop("COUNTER_BOOTSTRAP_CODE", None)
        if bootstrap:
            kind = DeviceKind(os.environ.get("COUNTER_BOOTSTRAP_KIND", DeviceKind.WORKSTATION.value))
            window = int(os.environ.get("COUNTER_BOOTSTRAP_WINDOW", "1"))
            try:
                auth.create_enrolment_code(session, kind, window if kind is DeviceKind.WORKSTATION else None,
                                           code=bootstrap)
            except auth.CodeUsed as exc:  # a restart with the same environment: it stays used
                log.warning("COUNTER_BOOTSTRAP_CODE not registered: %s", exc)

    if tls is None and not _loopback(host):
        log.warning("serving plain HTTP on %s: passwords and applicants' data cross the network "
                    "unencrypted; give --certfile and --keyfile", host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    bound = sock.getsockname()[1]
    # Whoever started us reads this line to learn the port.
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    listening = f"hall server listening on {'https' if tls else 'http'}://{shown}:{bound}"
    if workers > 1:
        from server import workers as several

        db.dispose()  # the workers make their own connections
        return several.serve(db.url, sock, workers, (ratings, cases, login), tls, parent_watch, listening)
    app = create_app(db, ratings, case_settings=cases, login_settings=login)

    class Server(uvicorn.Server):
        async def shutdown(self, sockets=None) -> None:
            # End the event streams first: left open, they hold every shutdown for the
            # whole grace period and are then cancelled with an error in the log.
            app.state.bus.close_all()
            await super().shutdown(sockets=sockets)

    certificate = {"ssl_certfile": str(tls[0]), "ssl_keyfile": str(tls[1])} if tls else {}
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=3,
                            access_log=False, **certificate)
    server = Server(config)
    if parent_watch:
        threading.Thread(target=_watch_parent, args=(server,), daemon=True).start()
    print(listening, flush=True)
    server.run(sockets=[sock])
    return 0


def _watch_parent(server) -> None:
    try:
        while sys.stdin.buffer.read(1024):
            pass
    except (OSError, ValueError):
        pass
    server.should_exit = True
