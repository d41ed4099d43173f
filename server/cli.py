"""`python main.py server …`: run the hall server, and the admin commands IT uses on it."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading
from pathlib import Path

import platformdirs

from workstation.domain.roles import DeviceKind
from workstation.protocol.reference import ReferenceKind

APP_NAME = "counter-workstation"
log = logging.getLogger("hall.server")


def default_db_url() -> str:
    base = os.environ.get("COUNTER_HOME")
    folder = Path(base) / "data" if base else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder = folder / "hall"
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

    imp = sub.add_parser("import", help="import reference data from a JSON file; refused whole "
                         "if any entry is invalid")
    imp.add_argument("kind", choices=[k.value for k in ReferenceKind])
    imp.add_argument("file", type=Path)

    exp = sub.add_parser("export", help="write the current reference data of one kind as JSON, "
                         "in the form `import` reads")
    exp.add_argument("kind", choices=[k.value for k in ReferenceKind])
    exp.add_argument("file", type=Path, help="where to write; - for standard output")

    sub.add_parser("migrate", help="bring the database schema up to date and exit")
    return parser


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    parser.add_argument("--demo", action=argparse.BooleanOptionalAction, default=None,
                        help="seed the demo hall into an empty database (default: only for the "
                        "default SQLite file)")
    parser.add_argument("--parent-watch", action="store_true",
                        help="stop when standard input closes (used by the workstation's embedded hall)")


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    url = args.db or default_db_url()
    from server import migrate, seed
    from server.db import Database

    migrate.upgrade(url)
    db = Database(url)
    try:
        if args.command == "enrol-code":
            from server import auth

            with db.session() as session:
                print(auth.create_enrolment_code(session, DeviceKind(args.kind), args.window))
            return 0
        if args.command == "import":
            try:
                with db.session() as session:
                    changed = seed.import_file(session, ReferenceKind(args.kind), args.file)
            except seed.ImportError_ as exc:
                print(f"import refused, nothing was changed:\n{exc}", file=sys.stderr)
                return 2
            print(f"{changed} entries changed")
            return 0
        if args.command == "export":
            import json

            from server import reference

            with db.reading() as session:
                values = reference.current(session, ReferenceKind(args.kind))
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
        demo = args.demo if args.demo is not None else args.db is None
        return serve(db, args.host, args.port, demo, args.parent_watch)
    finally:
        db.dispose()


def serve(db, host: str, port: int, demo: bool, parent_watch: bool) -> int:
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
            auth.create_enrolment_code(session, kind, window if kind is DeviceKind.WORKSTATION else None,
                                       code=bootstrap)

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    bound = sock.getsockname()[1]
    app = create_app(db)

    class Server(uvicorn.Server):
        async def shutdown(self, sockets=None) -> None:
            # End the event streams first: left open, they hold every shutdown for the
            # whole grace period and are then cancelled with an error in the log.
            app.state.bus.close_all()
            await super().shutdown(sockets=sockets)

    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=3,
                            access_log=False)
    server = Server(config)
    if parent_watch:
        threading.Thread(target=_watch_parent, args=(server,), daemon=True).start()
    # Whoever started us reads this line to learn the port.
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    print(f"hall server listening on http://{shown}:{bound}", flush=True)
    server.run(sockets=[sock])
    return 0


def _watch_parent(server) -> None:
    try:
        while sys.stdin.buffer.read(1024):
            pass
    except (OSError, ValueError):
        pass
    server.should_exit = True
