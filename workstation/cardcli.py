"""`python main.py card read …`: read the card on a reader and print it as JSON, for IT.

    python main.py card read [--backend serial|termb|sdtapi|pcsc-passport] [--port PORT] [--library PATH] [--mrz MRZ] [--reveal]

Masked by default (first 6 and last 4 of the number, the name's first character); with
--reveal the full values, after an `audit.id_reveal` record. Every attempt is audited in
the local store like a read at the counter, on the chain `cli:<host name>`.

Exit codes: 0 read, 2 usage or configuration error, 3 no card, 4 reader error; the reason
goes to stderr in plain words.

`main(argv)` takes the words after `card` (a leading `card` is also accepted).
"""

from __future__ import annotations

import argparse
import getpass
import json
import socket
import sys
from collections.abc import Sequence

from workstation.devices.idcard import (
    LibraryNotFound,
    NoCard,
    ReaderConfigError,
    ReaderError,
    ReaderSettings,
    create_reader,
)

EXIT_OK, EXIT_USAGE, EXIT_NO_CARD, EXIT_READER = 0, 2, 3, 4
CLI_BACKENDS = ["serial", "termb", "sdtapi", "pcsc-passport"]  # a passport needs --mrz


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment (a service account, a container)
        return "unknown"


def _configured_csca() -> str | None:
    """The config file's [passport] csca_file, if the config can be read."""
    from workstation.config import ConfigError, load
    from workstation.paths import default_paths

    try:
        return load(default_paths().config_file).passport.csca_file or None
    except (ConfigError, OSError):
        return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py card", description="Identity card reader tools for IT.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    read = commands.add_parser(
        "read", help="read the card on the reader and print it as JSON (masked)",
        description="Read the card on the reader and print what it says as JSON, masked unless "
                    "--reveal. Exit codes: 0 read, 2 usage/config error, 3 no card, 4 reader error.")
    read.add_argument("--backend", choices=CLI_BACKENDS, default="serial",
                      help="how to reach the reader (default serial)")
    read.add_argument("--port", help="serial: the port (/dev/ttyUSB0, COM3); termb/sdtapi: the vendor's "
                                     "port number (1-16 serial, 1001-1016 USB; default 1001)")
    read.add_argument("--library", help="termb/sdtapi: the vendor library file (.dll / .so)")
    read.add_argument("--baudrate", type=int, default=115200, help="serial: line speed (default 115200)")
    read.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for each answer (default 2)")
    read.add_argument("--mrz", help="pcsc-passport: the passport's two MRZ lines (joined, or as typed "
                                    "by a scanner), for Basic Access Control")
    read.add_argument("--csca", help="pcsc-passport: the CSCA trust list for Passive Authentication (PEM "
                                     "bundle, certificate, master list or folder; default: the config's "
                                     "[passport] csca_file)")
    read.add_argument("--reveal", action="store_true", help="print full values (audited)")
    read.add_argument("--reason", default="IT check of the card reader",
                      help="why the full values are needed (goes into the audit record)")
    read.add_argument("--clerk", default=None, help="who reads, for the audit (default it:<login name>)")
    read.add_argument("--window", type=int, default=None, help="the window number, for the audit")
    return parser


def _fail(code: int, message: str) -> int:
    print(message, file=sys.stderr)
    return code


def main(argv: Sequence[str]) -> int:
    argv = list(argv)
    if argv[:1] == ["card"]:
        argv = argv[1:]
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2); argparse printed why
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.baudrate <= 0 or args.timeout <= 0:
        return _fail(EXIT_USAGE, "card read: --baudrate and --timeout must be positive")
    if args.backend == "pcsc-passport" and not args.mrz:
        return _fail(EXIT_USAGE, "card read: a passport needs --mrz (its two machine-readable lines)")
    settings = ReaderSettings(backend=args.backend, port=args.port or "", library=args.library or "",
                              baudrate=args.baudrate, timeout=args.timeout)
    try:
        reader = create_reader(settings)
        if args.mrz:
            setter = getattr(reader, "set_access_key", None)
            if setter is None:
                return _fail(EXIT_USAGE, f"card read: --mrz is for passports, not {args.backend}")
            try:
                setter(args.mrz)
            except ValueError as exc:  # MrzError names the field that does not check out
                return _fail(EXIT_USAGE, f"card read: the MRZ does not check out: {exc}")
            reader.set_trust_list(args.csca or _configured_csca())
    except ReaderConfigError as exc:
        return _fail(EXIT_USAGE, f"card read: {exc}")
    except ReaderError as exc:
        return _fail(EXIT_READER, f"card read: {exc}")

    from workstation.app.card_reading import CardReading
    from workstation.paths import default_paths
    from workstation.store.errors import StoreError
    from workstation.store.local import LocalStore

    try:
        store = LocalStore(default_paths().ensure().store_file)
    except (StoreError, OSError) as exc:
        return _fail(EXIT_USAGE, f"card read: the local store for the audit cannot be opened: {exc}")
    clerk = args.clerk or f"it:{_user()}"
    reading = CardReading(store, reader, device=f"cli:{socket.gethostname()}", backend=args.backend)
    try:
        try:
            result = reading.read(clerk, args.window)
        except NoCard as exc:
            return _fail(EXIT_NO_CARD, f"card read: {exc}")
        except (LibraryNotFound, ReaderConfigError) as exc:
            return _fail(EXIT_USAGE, f"card read: {exc}")
        except ReaderError as exc:
            return _fail(EXIT_READER, f"card read: {exc}")
        document = result.document
        if args.reveal:
            reading.reveal(document, clerk, args.window, args.reason)
        output = {
            "backend": args.backend,
            "masked": not args.reveal,
            "document": document.to_dict(reveal=args.reveal),
            "problems": list(result.problems),
            "expiry": {"state": result.expiry.state.value, "days_left": result.expiry.days_left},
            "audit_record": result.audit_record,
        }
        print(json.dumps(output, ensure_ascii=False, indent=2))
        return EXIT_OK
    except StoreError as exc:
        return _fail(EXIT_READER, f"card read: the audit record could not be saved: {exc}")
    finally:
        reading.close()
        store.close()
