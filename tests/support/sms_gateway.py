"""An SMS gateway simulator as a real HTTP process, for the hall server's turn reminders.

    POST /sms {"phone", "text"}   recorded in `attempts`; 200 and recorded in `delivered`,
                                  or 503 while told to fail; while told to hold, the
                                  answer waits until POST /control/release
    POST /control {"fail": bool, "hold": bool}
    POST /control/release         lets the held answers go
    GET  /messages                {"delivered": [...], "attempts": [...], "held": n}

    gateway = SmsGateway().start()    # python -m tests.support.sms_gateway --port 0
    gateway.url                       # http://127.0.0.1:PORT/sms
    gateway.delivered()
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
HOLD_LIMIT = 60.0  # seconds a held answer waits at most for its release


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fail = False
        self.hold = False
        self.release = threading.Event()
        self.held = 0
        self.attempts: list[dict] = []
        self.delivered: list[dict] = []


class _Handler(BaseHTTPRequestHandler):
    state: _State

    def log_message(self, format, *args) -> None:  # quiet
        pass

    def _json(self, status: int, body: object) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_GET(self) -> None:
        state = self.state
        if self.path != "/messages":
            return self._json(404, {"detail": "no such page"})
        with state.lock:
            self._json(200, {"delivered": state.delivered, "attempts": state.attempts, "held": state.held})

    def do_POST(self) -> None:
        state = self.state
        if self.path == "/control":
            body = self._body()
            with state.lock:
                state.fail = bool(body.get("fail", state.fail))
                hold = bool(body.get("hold", state.hold))
                if hold and not state.hold:
                    state.release.clear()
                state.hold = hold
            return self._json(200, {"fail": state.fail, "hold": state.hold})
        if self.path == "/control/release":
            with state.lock:
                state.hold = False
                state.release.set()
            return self._json(200, {})
        if self.path != "/sms":
            return self._json(404, {"detail": "no such page"})
        try:
            message = self._body()
        except json.JSONDecodeError:
            return self._json(400, {"detail": "not JSON"})
        with state.lock:
            state.attempts.append(message)
            hold = state.hold
            if hold:
                state.held += 1
        if hold:
            state.release.wait(HOLD_LIMIT)
            with state.lock:
                state.held -= 1
        with state.lock:
            if state.fail:
                return self._json(503, {"detail": "the gateway is down (simulated)"})
            state.delivered.append(message)
        self._json(200, {"ok": True})


def serve(port: int) -> None:
    _Handler.state = _State()
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    print(f"sms gateway listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


class SmsGateway:
    """The simulator in a process of its own, and a client for its controls."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.base: str | None = None

    def start(self) -> SmsGateway:
        self.process = subprocess.Popen([sys.executable, "-m", "tests.support.sms_gateway", "--port", "0"],
                                        cwd=REPO, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("sms gateway listening on "):
            self.stop()
            raise RuntimeError(f"the SMS gateway simulator did not start: {line!r}")
        self.base = line.rsplit(" ", 1)[1]
        return self

    @property
    def url(self) -> str:
        return f"{self.base}/sms"

    def control(self, **settings: bool) -> None:
        requests.post(f"{self.base}/control", json=settings, timeout=10).raise_for_status()

    def release(self) -> None:
        requests.post(f"{self.base}/control/release", timeout=10).raise_for_status()

    def messages(self) -> dict:
        answer = requests.get(f"{self.base}/messages", timeout=10)
        answer.raise_for_status()
        return answer.json()

    def delivered(self) -> list[dict]:
        return self.messages()["delivered"]

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    serve(parser.parse_args().port)
