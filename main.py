"""Counter workstation of a government service hall.

    python main.py                      the clerk workstation (embedded demo hall if no server is configured)
    python main.py --role supervisor|display|kiosk
    python main.py server …             the hall server and its admin commands
    python main.py card read …          read an ID card or passport without the GUI (for IT)
    python main.py document sample …    write a sample receipt or notice PDF (for IT)
    python main.py simulate day …       a working day played through the real processes, with faults, checked
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["server"]:
        from server.cli import main as server_main

        return server_main(argv[1:])
    if argv[:1] == ["document"]:
        from workstation.documents.cli import main as document_main

        return document_main(argv[1:])
    if argv[:1] == ["simulate"]:
        from workstation.simulation.day import main as simulate_main

        return simulate_main(argv[1:])
    if argv[:1] == ["card"]:
        from workstation.cardcli import main as card_main

        return card_main(argv[1:])
    from ui.cli import main as ui_main

    return ui_main(argv)


if __name__ == "__main__":
    sys.exit(main())
