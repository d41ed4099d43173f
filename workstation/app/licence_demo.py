"""The licence service (电子证照共享) as the demo hall and the tests run it: a small HTTP
server on loopback speaking `HttpLicenceLookup`'s protocol (POST /licences/search with
{"id_number": …} → {"licences": […]}).

The embedded demo hall starts one in a thread of the workstation (`start_demo`), so that
查电子证照 works out of the box: every valid ID number has a demo 居民户口簿, 营业执照 and
不动产权证书 (marked 演示). The tests run `python -m tests.support.licence_service DATA.json`,
the same server answering from a file, as a process they can stop."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from workstation.domain.identity import InvalidIdNumber, validate_id_number

log = logging.getLogger(__name__)

Answer = Callable[[str], list[dict]]
# Longest request body taken: an ID number in JSON is some 40 bytes.
MAX_BODY = 4096


def serve(answer: Answer, port: int = 0) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 answering with `answer(id_number)`; call `serve_forever`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            if self.path != "/licences/search":
                self.send_error(404)
                return
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 <= length <= MAX_BODY:
                self.send_error(413)
                return
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
                id_number = str(body.get("id_number", "")) if isinstance(body, dict) else ""
            except (ValueError, UnicodeDecodeError):
                self.send_error(400, "the body is not JSON")
                return
            data = json.dumps({"licences": answer(id_number)}, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:  # quiet: the requests carry ID numbers
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


def from_mapping(data: dict[str, list[dict]]) -> Answer:
    return lambda id_number: data.get(id_number, [])


def demo_licences(id_number: str) -> list[dict]:
    """Every valid ID number's demo licences; numbers derived from it, so they stay the same."""
    try:
        id_number = validate_id_number(id_number)
    except InvalidIdNumber:
        return []
    digest = hashlib.sha256(id_number.encode()).hexdigest().upper()
    return [
        {"type": "居民户口簿", "number": f"演示{digest[:9]}", "holder": "（演示）本人户",
         "issued_by": "演示区公安分局", "valid_until": ""},
        {"type": "营业执照", "number": f"92110105MA{digest[9:17]}", "holder": "（演示）个体工商户",
         "issued_by": "演示区市场监督管理局", "valid_until": "2046-12-31"},
        {"type": "不动产权证书", "number": f"京(2026)演示区不动产权第{int(digest[17:23], 16) % 10**7:07d}号",
         "holder": "（演示）本人", "issued_by": "演示区不动产登记中心", "valid_until": ""},
    ]


def start_demo() -> str:
    """The demo hall's licence service in a daemon thread of this process; its URL."""
    server = serve(demo_licences)
    threading.Thread(target=server.serve_forever, name="demo-licences", daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    log.info("demo licence service on %s", url)
    return url
