"""What can go wrong talking to the hall server (kept import-light for the UI's start)."""


class HallUnreachable(ConnectionError):
    """The hall server did not answer (network down, server stopped, or a server error)."""


class HallUntrusted(HallUnreachable):
    """The server at the hall's address did not prove it is the hall's: its TLS certificate
    is not signed by the CA the config names (server.ca_file), or it has expired, or is for
    another name. Nothing was sent to it; the workstation works on as if offline."""


class HallRefused(RuntimeError):
    """The hall server answered and said no (4xx); `status` and `detail` say why, and
    `headers` are the answer's (Retry-After of a locked login, X-Session-Ended: idle)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})

    @property
    def retry_after(self) -> float | None:
        """Seconds until the refusal ends, where the server said (a locked login)."""
        raw = next((v for k, v in self.headers.items() if k.lower() == "retry-after"), None)
        try:
            return float(raw) if raw is not None else None
        except ValueError:
            return None

    @property
    def session_idle(self) -> bool:
        """The login session ended because it was not used for the server's idle limit."""
        return any(k.lower() == "x-session-ended" and v == "idle" for k, v in self.headers.items())

    @property
    def device_revoked(self) -> bool:
        """An admin revoked this device (a stolen PC, say): the hall refuses everything it
        sends until IT enrols it again. `detail` says so, with the admin's reason."""
        return any(k.lower() == "x-device-revoked" and v == "revoked" for k, v in self.headers.items())
