"""A headless keyring for tests: secrets in this process's memory, never on disk.

Tests select it with keyring.set_keyring() in-process, and with
PYTHON_KEYRING_BACKEND=tests.support.keyring_backend.MemoryKeyring for child processes."""

from __future__ import annotations

from keyring.backend import KeyringBackend, properties
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class FileKeyring(MemoryKeyring):
    """A keyring that outlives its process, for tests whose workstation is killed and
    started again (tests/faults): a JSON file named by COUNTER_TEST_KEYRING, written
    whole and renamed. Never for real secrets. Without that variable it is not viable, so
    keyring's own choice of a backend never lands on it."""

    @properties.classproperty
    def priority(cls):  # keyring reads it on the class; raising means "not viable here"
        import os

        if "COUNTER_TEST_KEYRING" not in os.environ:
            raise RuntimeError("COUNTER_TEST_KEYRING is not set")
        return 1

    def _path(self):
        import os
        from pathlib import Path

        return Path(os.environ["COUNTER_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        import json

        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        import json
        import os

        secrets = self._load()
        secrets[f"{service}\n{username}"] = password
        path = self._path()
        part = path.with_name(path.name + f".{os.getpid()}.part")
        with open(part, "w") as file:
            json.dump(secrets, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(part, path)

    def delete_password(self, service: str, username: str) -> None:
        import json

        secrets = self._load()
        if secrets.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError(username)
        self._path().write_text(json.dumps(secrets))
