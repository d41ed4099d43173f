"""A licence-lookup service (电子证照共享) simulator, run as a real HTTP process:

    python -m tests.support.licence_service DATA.json

DATA maps an ID number to its licences ([{type, number, holder, issued_by, valid_until}]).
It prints `LISTENING <port>` and answers POST /licences/search {"id_number": …}, with the
server the demo hall runs (workstation.app.licence_demo)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from workstation.app.licence_demo import from_mapping, serve


def main() -> None:
    data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    server = serve(from_mapping(data))
    print(f"LISTENING {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
