"""Fuzzing the config file IT edits (TOML): whatever the file holds — broken TOML, bytes
that are no UTF-8, known keys with values of any type and size, unknown sections — load()
gives settings every part of the program can use, or a ConfigError naming the file and
the key. Never another exception (the program would die before showing a window), and
never a value that crashes later: a timer Qt cannot run, a batch the hall refuses, a NaN."""

from __future__ import annotations

import datetime as dt
import json
import math

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workstation.config import ConfigError, InsecureServer, Settings, check_transport, load, printer_settings
from workstation.devices.idcard import ReaderSettings
from workstation.protocol.records import MAX_BATCH

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])

KNOWN = {
    "server": ["url", "timeout", "ca_file", "allow_plain_http"],
    "ui": ["lang", "citizen_screen", "lock_minutes"],
    "sync": ["batch_size", "max_backoff", "poll_interval"],
    "documents": ["signing_p12", "seal_image"],
    "rating": ["timeout"],
    "licences": ["url", "timeout"],
    "passport": ["csca_file"],
    "card": ["backend", "port", "library", "baudrate", "timeout", "attempts", "expiry_warning_days", "options"],
    "printer": ["backend", "connection", "device", "baudrate", "flow_control", "host", "port", "usb_vendor",
                "usb_product", "timeout", "printer_name", "paper_width_mm"],
    "keys": ["call_next", "recall", "start", "finish", "park", "no_show", "transfer", "pause"],
}
# Qt runs a timer of at most 2^31 - 1 milliseconds.
QT_TIMER_MS = 2**31 - 1

scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, 3, 500, 1000, 1001, 10**6, 2**31, 2**63 - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, 0.0, -0.0, 1e-300]),
    st.text(max_size=30),
    st.sampled_from(["", "zh_CN", "en", "auto", "window", "off", "serial", "termb", "pcsc-passport", "manual",
                     "escpos", "system", "none", "network", "usb", "F2", "F3", "http://127.0.0.1:8765",
                     "https://hall.example.gov.cn", "http://10.0.0.5", "http://[::1", "http://h:99999",
                     "https://", "ftp://hall", "http://hall name", "hall-ca.pem", "/nonexistent/ca.pem",
                     "ca\u0000.pem", "COM3", "/dev/ttyUSB0"]),
    st.dates(), st.datetimes(), st.times(),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


@st.composite
def config_tables(draw):
    """Sections (mostly known, now and then not) with keys (mostly known) and any values."""
    data = {}
    for section in draw(st.lists(st.sampled_from([*KNOWN, "extra", "Server"]), max_size=5, unique=True)):
        names = KNOWN.get(section, ["x"])
        keys = draw(st.lists(st.sampled_from([*names, "unknown"]) | st.text(min_size=1, max_size=6),
                             max_size=5, unique=True))
        data[section] = {key: draw(values) for key in keys}
    if draw(st.booleans()):  # a value outside any table
        data[draw(st.sampled_from(["url", "server"]))] = draw(scalars)
    return data


def toml_key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)  # a basic string is always a valid key


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_text(data: dict) -> str:
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for section, table in data.items():
        if isinstance(table, dict):
            lines.append(f"[{toml_key(section)}]")
            lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def check(path, raw: bytes) -> None:
    path.write_bytes(raw)
    try:
        loaded = load(path)
    except ConfigError as exc:
        assert str(path) in str(exc) and "Traceback" not in str(exc), exc
        return
    usable(loaded)


def usable(loaded: Settings) -> None:
    """What the program does next with the settings, and the bounds it needs."""
    numbers = {
        "server.timeout": loaded.server.timeout, "licences.timeout": loaded.licences.timeout,
        "sync.max_backoff": loaded.sync.max_backoff, "sync.poll_interval": loaded.sync.poll_interval,
    }
    for name, value in numbers.items():
        assert math.isfinite(value) and value > 0, (name, value)
    assert 0 < loaded.sync.batch_size <= MAX_BATCH  # more: the hall refuses every upload
    assert 0 < loaded.ui.lock_minutes * 60_000 <= QT_TIMER_MS
    assert 0 < loaded.rating.timeout * 1000 <= QT_TIMER_MS
    try:
        check_transport(loaded.server)
    except InsecureServer as exc:
        assert str(exc)
    if loaded.card is not None:
        reader = ReaderSettings.from_mapping(loaded.card)
        assert math.isfinite(reader.timeout) and reader.attempts <= 100
    printer = printer_settings(loaded)
    assert 0 < printer.port <= 65535 and math.isfinite(printer.timeout)


@FUZZ
@given(config_tables())
@example({"sync": {"batch_size": 5000}})  # the hall takes at most 1,000 a request
@example({"ui": {"lock_minutes": math.nan}})
@example({"rating": {"timeout": 1e9}})  # 10^12 ms: QTimer overflows
@example({"server": {"timeout": math.inf}})
@example({"server": {"url": "http://[::1"}})  # the URL parser raises ValueError
@example({"server": {"url": "http://hall:99999"}})
@example({"server": {"url": "https://hall.example.gov.cn", "ca_file": "ca\u0000.pem"}})
@example({"printer": {"backend": "escpos", "connection": "network", "port": 10**9, "host": "p"}})
@example({"printer": {"timeout": 10**30}})
@example({"card": {"backend": "serial", "port": "/dev/ttyUSB0", "timeout": math.nan}})
@example({"card": {"backend": "serial", "port": "/dev/ttyUSB0", "attempts": 10**12}})
def test_any_config_gives_usable_settings_or_a_config_error(tmp_path, data):
    check(tmp_path / "config.toml", toml_text(data).encode("utf-8"))


@FUZZ
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))))
@example(b"\xef\xbb\xbf[server]\nurl = \"\"\n")  # a byte order mark, as Notepad writes
@example(b"[server]\nurl = \"" + b"\xff\"\n")
@example(b"[ui]\nlock_minutes = 1e400\n")  # TOML reads this as inf
def test_any_bytes_give_usable_settings_or_a_config_error(tmp_path, raw):
    check(tmp_path / "config.toml", raw)


def test_a_config_path_that_is_a_folder_is_a_config_error(tmp_path):
    folder = tmp_path / "config.toml"
    folder.mkdir()
    try:
        load(folder)
    except ConfigError as exc:
        assert "cannot be read" in str(exc)
    else:
        raise AssertionError("a folder was read as a config file")
