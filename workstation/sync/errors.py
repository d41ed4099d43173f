"""What can go wrong talking to the hall server (kept import-light for the UI's start)."""


class HallUnreachable(ConnectionError):
    """The hall server did not answer (network down, server stopped, or a server error)."""


class HallRefused(RuntimeError):
    """The hall server answered and said no (4xx); `status` and `detail` say why."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
