"""The identity document reader: one small interface, several backends chosen by name.

| name | module | what it talks to |
|---|---|---|
| `serial` | devices/sam_serial.py | a certified reader's SAM over its serial protocol (pyserial) |
| `termb` | devices/vendor_lib.py | the vendor's termb library (CVR_* and Get* functions) |
| `sdtapi` | devices/vendor_lib.py | the vendor's sdtapi library (SDT_* functions) |
| `manual` | here | the clerk types what the document says (no reader, or a broken one) |
| `pcsc-passport` | devices/passport*.py | ICAO 9303 passports over PC/SC (registers itself on import) |

Every call blocks on the device: call them from a worker thread, never from the GUI thread
(`workstation.app.card_reading` does). A reader is used by one thread at a time.

Errors are `ReaderError`s that say in plain words what happened and what to do; none of
their messages carries card data.
"""

from __future__ import annotations

import importlib
import math
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from workstation.domain.identity import IdentityDocument


class ReaderError(Exception):
    """A read did not give a document. The message is for the clerk or IT, without card data."""

    outcome = "error"  # the audit outcome of a read that failed this way


class NoCard(ReaderError):
    """No card on the reader, or it could not be selected."""

    outcome = "no_card"


class CardRemoved(ReaderError):
    """The card went away (or moved) while it was being read."""

    outcome = "card_removed"


class ReaderUnavailable(ReaderError):
    """The reader, its port or its library cannot be used."""

    outcome = "reader_unavailable"


class LibraryNotFound(ReaderUnavailable):
    """The configured vendor library file does not exist or cannot be loaded."""


class ProtocolError(ReaderError, ValueError):
    """The reader answered something this code cannot accept; the message names what."""

    outcome = "protocol_error"


class UnsupportedCard(ProtocolError):
    """A card of a type this code does not know how to read."""

    outcome = "unsupported_card"


class ReaderRefused(ReaderError):
    """The reader answered with an error status (SAM authentication failed, …)."""

    outcome = "reader_refused"


class Timeout(ReaderError):
    """The reader did not answer in time."""

    outcome = "timeout"


@dataclass(frozen=True)
class ReaderStatus:
    ready: bool
    detail: str  # plain words for the status bar, e.g. "SAM ready", "no answer on /dev/ttyUSB0"


class IdCardReader(ABC):
    """One identity document reader. `open` before `read`; `close` when done (also as a
    context manager)."""

    backend: str = ""

    @abstractmethod
    def open(self) -> None:
        """Claim the port or load the library. ReaderUnavailable when that fails."""

    @abstractmethod
    def close(self) -> None:
        """Release the port or library. Never raises."""

    @abstractmethod
    def status(self) -> ReaderStatus:
        """Whether the reader answers and is ready. Never raises a ReaderError."""

    @abstractmethod
    def read(self) -> IdentityDocument:
        """Read the document on the reader now. NoCard when there is none; any other
        ReaderError when the read fails."""

    def __enter__(self) -> IdCardReader:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------


class ReaderConfigError(ValueError):
    """The reader settings cannot be used; the message names the key."""


# Beyond these a reader cannot work (the serial port's rates) or a read would hang for good.
_LIMITS = {"baudrate": 4_000_000, "timeout": 60, "attempts": 100, "expiry_warning_days": 3650}


@dataclass(frozen=True)
class ReaderSettings:
    """The `[card]` settings. `port` is a device path or COM name for `serial`, and the
    vendor's port number for `termb`/`sdtapi` (1–16 serial, 1001–1016 USB by their
    convention). `library` is the vendor library's path; empty means the vendor's usual file
    name, looked up by the OS loader."""

    backend: str = "serial"
    port: str = ""
    library: str = ""
    baudrate: int = 115200
    timeout: float = 2.0  # seconds for one answer of the reader
    attempts: int = 3  # find and select tries before "no card"
    expiry_warning_days: int = 30
    options: Mapping[str, Any] = field(default_factory=dict)  # backend specific

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], where: str = "card") -> ReaderSettings:
        """Settings from a TOML table, each bad key reported by name (`card.baudrate`)."""
        known = {f.name: f for f in fields(cls)}
        result = cls()
        for key, value in values.items():
            if key not in known:
                raise ReaderConfigError(f"unknown key {where}.{key}")
            default = getattr(result, key)
            if key == "options":
                if not isinstance(value, Mapping):
                    raise ReaderConfigError(f"{where}.options must be a table")
            elif isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            elif key == "port" and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if key != "options" and type(value) is not type(default):
                raise ReaderConfigError(f"{where}.{key} must be a {type(default).__name__}")
            if isinstance(value, int | float) and not isinstance(value, bool):
                if not math.isfinite(value) or value <= 0:
                    raise ReaderConfigError(f"{where}.{key} must be a positive number")
                if value > _LIMITS.get(key, math.inf):
                    raise ReaderConfigError(f"{where}.{key} must be at most {_LIMITS[key]}")
            result = replace(result, **{key: value})
        if result.backend not in backend_names():
            raise ReaderConfigError(f"{where}.backend must be one of {', '.join(backend_names())}")
        return result


# ---------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------

Factory = Callable[[ReaderSettings], IdCardReader]

# Built-in backends as "module:attribute", imported on first use so that choosing the
# serial backend never loads ctypes libraries and the other way round.
_LAZY: dict[str, str] = {
    "serial": "workstation.devices.sam_serial:SamSerialReader",
    "termb": "workstation.devices.vendor_lib:TermbReader",
    "sdtapi": "workstation.devices.vendor_lib:SdtapiReader",
    "manual": "workstation.devices.idcard:ManualReader",
}
# Backends whose module registers them when imported.
_SELF_REGISTERING: dict[str, str] = {"pcsc-passport": "workstation.devices.passport"}
_registry: dict[str, Factory] = {}
_registry_lock = threading.Lock()


def register_backend(name: str, factory: Factory) -> None:
    """Make `factory(settings)` the backend called `name` (e.g. the passport module calls
    `register_backend("pcsc-passport", PassportReader.from_settings)` when imported)."""
    with _registry_lock:
        _registry[name] = factory


def backend_names() -> list[str]:
    return sorted(set(_LAZY) | set(_SELF_REGISTERING) | set(_registry))


def create_reader(settings: ReaderSettings) -> IdCardReader:
    """The backend `settings.backend`, not yet opened. ReaderConfigError for an unknown
    name; ReaderUnavailable when the backend's module cannot be loaded."""
    name = settings.backend
    with _registry_lock:
        factory = _registry.get(name)
    if factory is None:
        if name in _LAZY:
            module_name, attribute = _LAZY[name].split(":")
            try:
                factory = getattr(importlib.import_module(module_name), attribute).from_settings
            except ImportError as exc:
                raise ReaderUnavailable(f"the {name} backend cannot be loaded: {exc}") from exc
        elif name in _SELF_REGISTERING:
            try:
                importlib.import_module(_SELF_REGISTERING[name])
            except ImportError as exc:
                raise ReaderUnavailable(f"the {name} backend cannot be loaded: {exc}") from exc
            with _registry_lock:
                factory = _registry.get(name)
            if factory is None:
                raise ReaderUnavailable(f"the module of the {name} backend did not register it")
        else:
            raise ReaderConfigError(f"unknown card reader backend {name!r}; "
                                    f"choose one of {', '.join(backend_names())}")
    reader = factory(settings)
    if not reader.backend:
        reader.backend = name
    return reader


# ---------------------------------------------------------------------------------------
# Manual entry
# ---------------------------------------------------------------------------------------


class ManualReader(IdCardReader):
    """The clerk types what the document says (no reader at the window, or it is broken).
    The form calls `enter(document)`; the next `read()` returns it, once, so manual entries
    go through the same validation and audit as a card read."""

    backend = "manual"

    def __init__(self) -> None:
        self._pending: IdentityDocument | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: ReaderSettings) -> ManualReader:
        return cls()

    def open(self) -> None:
        pass

    def close(self) -> None:
        with self._lock:
            self._pending = None

    def status(self) -> ReaderStatus:
        return ReaderStatus(True, "manual entry")

    def enter(self, document: IdentityDocument) -> None:
        with self._lock:
            self._pending = document

    def read(self) -> IdentityDocument:
        with self._lock:
            document, self._pending = self._pending, None
        if document is None:
            raise NoCard("nothing was entered")
        return document
