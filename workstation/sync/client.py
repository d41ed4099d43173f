"""The HTTP client of the hall server API (requests). One instance per thread."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from workstation.clock import HALL_CLOCK
from workstation.protocol import API_PREFIX
from workstation.protocol.auth import EnrolRequest, EnrolResponse, Health, LoginRequest, LoginResponse, Me
from workstation.protocol.documents import DOCUMENTS_PREFIX, BlobStored, CheckAnswer
from workstation.protocol.events import Event
from workstation.protocol.records import RecordIn, UploadBatch, UploadResult
from workstation.protocol.reference import ChangesPage
from workstation.sync.errors import HallRefused, HallUnreachable, HallUntrusted

__all__ = ["HallClient", "HallRefused", "HallUnreachable", "HallUntrusted", "trust", "watch_session"]

# base URL -> the CA file (PEM) the server's certificate must be signed by (server.ca_file).
# Every client of that hall (sync, event stream, queue, cases, supervisor) verifies alike;
# a hall without one is verified against the system's CAs.
_TRUSTED: dict[str, str] = {}
# session token -> what to call when the server refuses it (401): the workstation goes back
# to its login window saying why.
_SESSION_WATCH: dict[str, Callable[[HallRefused], None]] = {}


def trust(base_url: str, ca_file: str | None) -> None:
    """Verify the hall at `base_url` against `ca_file` (None or "": the system's CAs)."""
    if ca_file:
        _TRUSTED[base_url.rstrip("/")] = ca_file
    else:
        _TRUSTED.pop(base_url.rstrip("/"), None)


def watch_session(token: str, on_refused: Callable[[HallRefused], None] | None) -> None:
    """Call `on_refused` when any client's request with this session token is refused with
    401 (expired, ended, account disabled); None stops watching it."""
    if on_refused is None:
        _SESSION_WATCH.pop(token, None)
    else:
        _SESSION_WATCH[token] = on_refused


def _refused_session(token: str | None, refusal: HallRefused) -> None:
    callback = _SESSION_WATCH.pop(token, None) if token and refusal.status == 401 else None
    if callback is not None:
        callback(refusal)


def _untrusted(base_url: str, verify: bool | str, exc: Exception) -> HallUntrusted:
    against = f"the hall's CA in {verify}" if isinstance(verify, str) else "this PC's trusted CAs"
    return HallUntrusted(f"the server at {base_url} is not trusted: its certificate does not verify "
                         f"against {against} ({exc})")


class HallClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        # Passed with every request: a session-wide setting loses to REQUESTS_CA_BUNDLE.
        self.verify: bool | str = _TRUSTED.get(self.base_url, True)
        self._http = requests.Session()
        self._http.headers["User-Agent"] = "counter-workstation"
        self._stream: requests.Response | None = None
        self._aborted = False

    def close(self) -> None:
        self._http.close()

    def _headers(self, token: str | None) -> dict[str, str]:
        token = token or self.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, *, token: str | None = None, body: Any = None,
              params: dict[str, Any] | None = None, data: bytes | None = None,
              content_type: str = "application/json") -> Any:
        """A call answered with JSON (or nothing)."""
        response = self._request(method, path, token=token, body=body, params=params, data=data,
                                 content_type=content_type)
        if not response.content:
            if response.status_code == 204 or response.headers.get("content-length") == "0":
                return None
            # The link closed inside the answer's head (a proxy, a cut cable): the call may
            # well have been done, but what it answered is unknown.
            raise HallUnreachable("the hall server's answer was cut off")
        try:
            return response.json()
        except ValueError as exc:
            raise HallUnreachable(f"the hall server's answer was cut off or garbled ({exc})") from exc

    def _request(self, method: str, path: str, *, token: str | None = None, body: Any = None,
                 params: dict[str, Any] | None = None, data: bytes | None = None,
                 content_type: str = "application/json") -> requests.Response:
        """The answer of a call that succeeded; HallUnreachable for no answer or a server
        error, HallRefused with the server's detail for a refusal."""
        headers = self._headers(token)
        if data is not None:
            headers["Content-Type"] = content_type
        sent = datetime.now(UTC)
        try:
            response = self._http.request(method, f"{self.base_url}{API_PREFIX}{path}", json=body,
                                          data=data, params=params, headers=headers,
                                          timeout=self.timeout, verify=self.verify)
        except requests.exceptions.SSLError as exc:
            raise _untrusted(self.base_url, self.verify, exc) from exc
        except requests.RequestException as exc:
            raise HallUnreachable(str(exc)) from exc
        _observe_clock(response, sent)
        if response.status_code >= 500:
            raise HallUnreachable(f"hall server error {response.status_code}")
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            refusal = HallRefused(response.status_code, detail if isinstance(detail, str) else json.dumps(detail),
                                  dict(response.headers))
            _refused_session(token or self.token, refusal)
            raise refusal
        return response

    def health(self) -> Health:
        return Health.model_validate(self._call("GET", "/health"))

    def enrol(self, code: str, name: str) -> EnrolResponse:
        return EnrolResponse.model_validate(
            self._call("POST", "/enrol", body=EnrolRequest(code=code, name=name).model_dump()))

    def login(self, username: str, password: str) -> LoginResponse:
        body = LoginRequest(username=username, password=password).model_dump()
        return LoginResponse.model_validate(self._call("POST", "/login", body=body))

    def logout(self, session_token: str) -> None:
        self._call("POST", "/logout", token=session_token)

    def me(self, token: str | None = None) -> Me:
        return Me.model_validate(self._call("GET", "/me", token=token))

    def changes(self, since: int, limit: int = 500) -> ChangesPage:
        return ChangesPage.model_validate(
            self._call("GET", "/reference/changes", params={"since": since, "limit": limit}))

    def upload(self, records: list[RecordIn]) -> UploadResult:
        data = UploadBatch(records=records).model_dump_json().encode()
        return UploadResult.model_validate(self._call("POST", "/records", data=data))

    def put_document(self, sha256: str, content: bytes) -> BlobStored:
        """Upload a document's PDF under its SHA-256 (the server checks it); idempotent."""
        return BlobStored.model_validate(self._call("PUT", f"{DOCUMENTS_PREFIX}/{sha256}", data=content,
                                                    content_type="application/pdf"))

    def check_document(self, case_number: str) -> CheckAnswer:
        """What the hall server answers to a check by 办件编号 (the QR code's target)."""
        return CheckAnswer.model_validate(self._call("GET", f"{DOCUMENTS_PREFIX}/check/{case_number}"))

    def events(self, last_event_id: int | None = None, read_timeout: float = 45.0,
               on_open: Callable[[], None] | None = None) -> Iterator[Event]:
        """Follow the Server-Sent Events stream; returns when it ends, raises when it breaks.
        The server sends a keepalive every 15 s, so `read_timeout` catches a dead link."""
        headers = self._headers(None) | {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        try:
            response = self._http.get(f"{self.base_url}{API_PREFIX}/events", headers=headers,
                                      stream=True, timeout=(self.timeout, read_timeout), verify=self.verify)
        except requests.exceptions.SSLError as exc:
            raise _untrusted(self.base_url, self.verify, exc) from exc
        except requests.RequestException as exc:
            raise HallUnreachable(str(exc)) from exc
        self._stream = response
        try:
            with response:
                if self._aborted:
                    return
                if response.status_code != 200:
                    try:
                        detail = response.json().get("detail")
                    except ValueError:
                        detail = None
                    raise HallRefused(response.status_code,
                                      detail if isinstance(detail, str) and detail else "event stream refused",
                                      dict(response.headers))
                if on_open is not None:
                    on_open()
                event_id: int | None = None
                data: list[str] = []
                try:
                    for raw in response.iter_lines(decode_unicode=True):
                        line = raw or ""
                        if not line:
                            if data and event_id is not None:
                                payload = json.loads("\n".join(data))
                                yield Event(id=event_id, type=payload["type"], data=payload["data"])
                            event_id, data = None, []
                        elif line.startswith("id:"):
                            event_id = int(line[3:].strip())
                        elif line.startswith("data:"):
                            data.append(line[5:].lstrip())
                except (requests.RequestException, ValueError, KeyError) as exc:
                    if self._aborted:
                        return
                    raise HallUnreachable(f"event stream broke: {exc}") from exc
        finally:
            self._stream = None

    def abort_events(self) -> None:
        """End the event stream another thread is following (or about to open): its read
        returns at once instead of at the next keepalive, and the server sees us leave."""
        self._aborted = True
        response = self._stream
        connection = getattr(getattr(response, "raw", None), "connection", None)
        sock = getattr(connection, "sock", None)
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass


def _observe_clock(response: requests.Response, sent: datetime) -> None:
    """The hall's clock, from the answer's Date header (RFC 9110), for workstation.clock."""
    header = response.headers.get("Date")
    if not header:
        return
    try:
        server_time = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return
    if server_time.tzinfo is None:
        server_time = server_time.replace(tzinfo=UTC)
    HALL_CLOCK.observe(server_time, sent, datetime.now(UTC))
