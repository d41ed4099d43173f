"""The workstation's settings: defaults in one place, overridden by the config file IT edits.

The file is TOML. Every key is optional; an unknown key or a value of the wrong type is
reported by name instead of being ignored."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

EXAMPLE = """\
# Counter workstation configuration. Every key is optional.

[server]
# The hall server. Leave empty to run an embedded demo hall on this PC.
url = ""
# Seconds to wait for one request to the hall server.
timeout = 10
# The hall's CA certificate (PEM) that the server's HTTPS certificate must be signed by,
# e.g. "/etc/counter/hall-ca.pem" (relative: next to this file). Empty: this PC's CAs.
ca_file = ""
# Plain http:// to a server that is not on this PC sends passwords and applicants' data
# unencrypted, and is refused unless this is true (a network protected otherwise).
allow_plain_http = false

[ui]
# zh_CN (default) or en
lang = "zh_CN"
# Where the citizen screen goes: "auto" (second monitor if any, else a window),
# "window" (always a separate window) or "off".
citizen_screen = "auto"
# Minutes without a key, click or touch after which the clerk's screen locks (the citizen
# screen then shows nothing personal); the clerk's password opens it again.
lock_minutes = 10

# [card]
# The ID card reader. Leave this section out when the window has none.
# backend: "serial" (certified reader's SAM protocol), "termb" or "sdtapi" (vendor library),
# "pcsc-passport" (passports over PC/SC), "manual" (typed by the clerk).
# backend = "serial"
# port = "/dev/ttyUSB0"        # COM3 on Windows; the vendor's port number for termb/sdtapi
# library = ""                 # the vendor library's path for termb/sdtapi

[passport]
# Passive Authentication of passports read over PC/SC: the CSCA certificates of the issuing
# states this hall trusts (from the national or the ICAO master list), as a PEM bundle, a
# DER certificate, a master list (.ml), or a folder of those, e.g. "/etc/counter/csca"
# (relative: next to this file). Re-read when its files change. Empty: chips are read but
# shown as 无法验证 (not verifiable).
csca_file = ""

# [printer]
# The kiosk's ticket printer: backend "escpos" (thermal printer), "system" (the OS printer)
# or "none". For escpos, connection "file" (device = "/dev/usb/lp0"), "serial"
# (device = "COM3", baudrate), "network" (host, port 9100) or "usb" (usb_vendor, usb_product).
# backend = "escpos"
# connection = "network"
# host = "192.168.1.50"

# [keys]
# The call panel's keys. Defaults: call_next F2, recall F3, start F4, finish F5, park F6,
# no_show F7, transfer F8, pause F9, call_number F10, call_back Shift+F6, book Ctrl+B.
# call_next = "F2"

[documents]
# The hall's certificate and key for signing receipts and notices (PAdES), as a PKCS#12
# file. Its password is kept in the OS keyring, never here: IT stores it with
#   python main.py document set-password --p12 FILE
# Leave empty to hand out documents signed by the applicant only. The embedded demo hall
# makes its own demo CA and hall certificate.
signing_p12 = ""
# The hall's seal picture (a PNG, transparent background), printed with the signer and the
# signing time where the hall signs, e.g. "/etc/counter/hall-seal.png". Leave empty to
# print the signer and time in words. The embedded demo hall draws its own demo seal.
seal_image = ""

[licences]
# The licence-lookup service (电子证照共享): materials the guide marks 免提交 are fetched from it
# by the applicant's ID number instead of asked on paper. Empty: no service, paper only.
url = ""
# Seconds to wait for it; when it does not answer the clerk is told and takes paper.
timeout = 5

[rating]
# Seconds the citizen screen waits for the applicant's rating before going back to idle.
timeout = 90

[privacy]
# Days this PC keeps applicants' data (cases, documents, signatures, ratings, card-read
# audits) after the hall server confirmed it has them; then only the record's id, kind,
# times and hash stay here. 0: removed as soon as the hall has them. Records the hall
# has not confirmed are never removed.
keep_days = 7

[sync]
# Records sent to the hall server in one request.
batch_size = 500
# Longest wait between retries while the hall server is unreachable, in seconds.
max_backoff = 30
# Seconds between catalogue checks when live events are unavailable.
poll_interval = 15
"""


# The call panel's actions that [keys] may bind (ui/call_panel.py has the defaults).
KEY_ACTIONS = ("call_next", "recall", "start", "finish", "park", "no_show", "transfer", "pause",
               "call_number", "call_back", "book")


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class ServerSettings:
    url: str = ""
    timeout: float = 10.0
    ca_file: str = ""
    allow_plain_http: bool = False


@dataclass(frozen=True)
class UiSettings:
    lang: str = "zh_CN"
    citizen_screen: str = "auto"
    lock_minutes: float = 10.0


@dataclass(frozen=True)
class SyncSettings:
    batch_size: int = 500
    max_backoff: float = 30.0
    poll_interval: float = 15.0


@dataclass(frozen=True)
class DocumentSettings:
    signing_p12: str = ""
    seal_image: str = ""


@dataclass(frozen=True)
class LicenceSettings:
    url: str = ""
    timeout: float = 5.0


@dataclass(frozen=True)
class PassportSettings:
    csca_file: str = ""


@dataclass(frozen=True)
class RatingSettings:
    timeout: float = 90.0


@dataclass(frozen=True)
class PrivacySettings:
    keep_days: float = 7.0


@dataclass(frozen=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    documents: DocumentSettings = field(default_factory=DocumentSettings)
    rating: RatingSettings = field(default_factory=RatingSettings)
    licences: LicenceSettings = field(default_factory=LicenceSettings)
    passport: PassportSettings = field(default_factory=PassportSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    # The [card] table as written; None when the window has no reader.
    # workstation.devices.idcard.ReaderSettings.from_mapping reads it (checked at load).
    card: dict[str, Any] | None = None
    # The [printer] table of a kiosk (workstation.devices.printer.PrinterSettings).
    printer: dict[str, Any] | None = None
    # [keys]: the call panel's shortcuts, action -> key ("call_next" = "F2", …).
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def embedded(self) -> bool:
        """No hall server configured: the workstation runs its own demo hall."""
        return not self.server.url


_CHOICES = {("ui", "lang"): {"zh_CN", "en"}, ("ui", "citizen_screen"): {"auto", "window", "off"}}
# The largest value that still works: a batch the hall takes (MAX_BATCH), timers Qt can run
# (its milliseconds are a 32-bit int), waits a clerk would still sit through.
_LIMITS = {("server", "timeout"): (600, "seconds"), ("licences", "timeout"): (600, "seconds"),
           ("ui", "lock_minutes"): (1440, "minutes"), ("rating", "timeout"): (3600, "seconds"),
           ("sync", "batch_size"): (1000, "records"), ("sync", "max_backoff"): (3600, "seconds"),
           ("sync", "poll_interval"): (3600, "seconds")}
_MAY_BE_ZERO = {("privacy", "keep_days")}


def _section(name: str, cls: type, values: Any, path: Path):
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    known = {f.name: f for f in fields(cls)}
    result = cls()
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown key {name}.{key}")
        default = getattr(result, key)
        if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not type(default):
            raise ConfigError(f"{path}: {name}.{key} must be a {type(default).__name__}")
        allowed = _CHOICES.get((name, key))
        if allowed and value not in allowed:
            raise ConfigError(f"{path}: {name}.{key} must be one of {', '.join(sorted(allowed))}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            if (name, key) in _MAY_BE_ZERO:
                if not math.isfinite(value) or value < 0:
                    raise ConfigError(f"{path}: {name}.{key} must be 0 or more")
            else:
                _number(path, f"{name}.{key}", value, *_LIMITS.get((name, key), (None, "")))
        result = replace(result, **{key: value})
    return result


def _number(path: Path, name: str, value: float, most: float | None, unit: str = "") -> None:
    """A number a setting can use: finite, positive and at most `most` (None: no bound)."""
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{path}: {name} must be a positive number")
    if most is not None and value > most:
        raise ConfigError(f"{path}: {name} must be at most {most} {unit}".rstrip())


def load(path: Path) -> Settings:
    """Settings from `path`; defaults when the file does not exist."""
    if not path.exists():
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    sections = {"server": ServerSettings, "ui": UiSettings, "sync": SyncSettings,
                "documents": DocumentSettings, "rating": RatingSettings, "licences": LicenceSettings,
                "passport": PassportSettings, "privacy": PrivacySettings}
    unknown = set(data) - set(sections) - {"card", "printer", "keys"}
    if unknown:
        raise ConfigError(f"{path}: unknown section [{sorted(unknown)[0]}]")
    parts = {name: _section(name, cls, data.get(name, {}), path) for name, cls in sections.items()}
    card = data.get("card")
    if card is not None:
        from workstation.devices.idcard import ReaderConfigError, ReaderSettings

        if not isinstance(card, dict):
            raise ConfigError(f"{path}: [card] must be a table")
        try:
            ReaderSettings.from_mapping(card)
        except ReaderConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    printer = data.get("printer")
    if printer is not None:
        _printer_settings(printer, path)
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise ConfigError(f"{path}: [keys] must be a table")
    for action, key in keys.items():
        if action not in KEY_ACTIONS:
            raise ConfigError(f"{path}: unknown key keys.{action} (one of {', '.join(KEY_ACTIONS)})")
        if not isinstance(key, str) or not key.strip():
            raise ConfigError(f"{path}: keys.{action} must be a key name such as \"F2\"")
    taken = [k for k in set(keys.values()) if list(keys.values()).count(k) > 1]
    if taken:
        raise ConfigError(f"{path}: [keys] gives {taken[0]} to more than one action")
    server = parts["server"]
    if server.ca_file and not Path(server.ca_file).is_absolute():
        parts["server"] = replace(server, ca_file=str(path.parent / server.ca_file))
    passport = parts["passport"]
    if passport.csca_file and not Path(passport.csca_file).is_absolute():
        parts["passport"] = replace(passport, csca_file=str(path.parent / passport.csca_file))
    settings = Settings(**parts, card=card, printer=printer, keys=dict(keys))
    url = settings.server.url
    if url and not url.startswith(("http://", "https://")):
        raise ConfigError(f"{path}: server.url must start with http:// or https://")
    for name, address in (("server.url", url), ("licences.url", settings.licences.url)):
        _address(path, name, address)
    return settings


def _address(path: Path, name: str, url: str) -> None:
    """An http(s) address with a host and a port that exists (empty: none configured)."""
    from urllib.parse import urlsplit

    if not url:
        return
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port beyond 65535 or not a number
    except ValueError as exc:
        raise ConfigError(f"{path}: {name} is not a usable address ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() or c == "\0" for c in url):
        raise ConfigError(f"{path}: {name} must be an http:// or https:// address with a host name")


class InsecureServer(ConfigError):
    """The configured hall server would be reached without verified TLS. `plain_url`: the
    plain http:// address refused (None: the CA file is the problem)."""

    def __init__(self, message: str, plain_url: str | None = None) -> None:
        super().__init__(message)
        self.plain_url = plain_url


def is_loopback(url: str) -> bool:
    """The URL names this PC (localhost, 127.0.0.0/8, ::1)."""
    import ipaddress
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(server: ServerSettings) -> None:
    """Refuse (InsecureServer) plain http:// to a server that is not on this PC unless
    server.allow_plain_http says so, and a server.ca_file that cannot be read."""
    url = server.url
    if not url:
        return
    if url.startswith("http://") and not is_loopback(url) and not server.allow_plain_http:
        raise InsecureServer(f"the hall server {url} is addressed with plain http://: passwords and "
                             "applicants' data would cross the network unencrypted. Use https:// (with "
                             "the hall's CA in server.ca_file), or set server.allow_plain_http = true "
                             "if the network is protected otherwise", plain_url=url)
    if server.ca_file and url.startswith("https://"):
        try:
            text = Path(server.ca_file).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a NUL in the name
            raise InsecureServer(f"server.ca_file {server.ca_file} cannot be read: {exc}") from None
        if "-----BEGIN CERTIFICATE-----" not in text:
            raise InsecureServer(f"server.ca_file {server.ca_file} holds no PEM certificate")


_PRINTER_LIMITS = {"port": 65535, "baudrate": 4_000_000, "timeout": 600, "usb_vendor": 0xFFFF,
                   "usb_product": 0xFFFF, "paper_width_mm": 300}


def _printer_settings(table: Any, path: Path):
    from dataclasses import fields as dc_fields

    from workstation.devices.printer import PrinterSettings

    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [printer] must be a table")
    defaults = PrinterSettings()
    known = {f.name for f in dc_fields(PrinterSettings)}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown key printer.{key}")
        default = getattr(defaults, key)
        wanted = str if isinstance(default, str) else type(default)
        whole_for_float = wanted is float and isinstance(value, int) and not isinstance(value, bool)
        if not whole_for_float and (not isinstance(value, wanted) or isinstance(value, bool) != isinstance(default, bool)):
            raise ConfigError(f"{path}: printer.{key} must be a {wanted.__name__}")
        if key in _PRINTER_LIMITS and not (key.startswith("usb_") and value == 0):  # 0: not given
            _number(path, f"printer.{key}", value, _PRINTER_LIMITS[key])
    if table.get("backend", "none") not in ("escpos", "system", "none"):
        raise ConfigError(f"{path}: printer.backend must be one of escpos, system, none")
    if table.get("connection", "file") not in ("file", "serial", "network", "usb"):
        raise ConfigError(f"{path}: printer.connection must be one of file, serial, network, usb")
    try:
        return PrinterSettings(**table)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: [printer]: {exc}") from None


def printer_settings(settings: Settings):
    """The kiosk's printer settings (none configured: no printer)."""
    from workstation.devices.printer import PrinterSettings

    return PrinterSettings(**settings.printer) if settings.printer else PrinterSettings()


def write_example(path: Path) -> None:
    """Leave a commented example where IT will look for the file, never overwriting one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(EXAMPLE, encoding="utf-8")
