"""`python main.py`: the workstation's command line."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from dataclasses import replace
from pathlib import Path

from workstation import __version__, config
from workstation.paths import default_paths


def build_parser() -> argparse.ArgumentParser:
    paths = default_paths()
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Counter workstation of a government service hall (政务服务中心).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            f"config file: {paths.config_file}\n"
            f"data folder: {paths.data_dir}\n"
            f"log folder:  {paths.log_dir}\n"
            "With no hall server configured (server.url empty), an embedded demo hall runs on\n"
            "this PC. Set COUNTER_HOME to keep config, data and logs in one other folder.\n"
            "The hall server and its admin commands: python main.py server --help"
        ),
    )
    parser.add_argument("--role", choices=["clerk", "supervisor", "kiosk", "display"], default="clerk",
                        help="which screen to run: clerk (the counter workstation, default), "
                        "supervisor (the follow-up of bad ratings; enrolled and logged in like a "
                        "workstation), kiosk (the ticket machine) or display (the hall's calling "
                        "screen); a kiosk or display is enrolled with a code made for that kind")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="read settings from FILE instead of the config file above")
    parser.add_argument("--server", metavar="URL",
                        help="the hall server, e.g. http://hall:8765 (overrides server.url)")
    parser.add_argument("--lang", choices=["zh_CN", "en"],
                        help="language of the screens (default zh_CN, or ui.lang)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _logging(log_dir) -> None:
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(log_dir / "workstation.log", maxBytes=5_000_000,
                                                   backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler, logging.StreamHandler()])
    logging.getLogger("alembic").setLevel(logging.WARNING)


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    paths = default_paths().ensure()
    _logging(paths.log_dir)
    try:
        if args.config is not None:
            if not args.config.exists():
                raise config.ConfigError(f"{args.config}: file not found")
            settings = config.load(args.config)
        else:
            config.write_example(paths.config_file)
            settings = config.load(paths.config_file)
    except config.ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        from ui.app import show_config_error

        show_config_error(exc, args.lang or "zh_CN")
        return 2
    if args.server:
        settings = replace(settings, server=replace(settings.server, url=args.server))
    if args.lang:
        settings = replace(settings, ui=replace(settings.ui, lang=args.lang))

    from ui.app import run
    from workstation.app.workstation import Workstation

    kind = {"clerk": "workstation", "supervisor": "workstation"}.get(args.role, args.role)
    return run(settings, Workstation(settings, paths, kind=kind), args.role)
