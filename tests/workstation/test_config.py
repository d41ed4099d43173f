"""The config file IT edits: defaults when it is missing, every value read, and every
mistake reported with the file and the key instead of being ignored."""

from __future__ import annotations

import pytest

from workstation.config import (
    ConfigError,
    ServerSettings,
    Settings,
    SyncSettings,
    UiSettings,
    load,
    write_example,
)


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir()

    def _write(text: str):
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def test_defaults_when_the_file_is_missing(tmp_path):
    settings = load(tmp_path / "nowhere" / "config.toml")
    assert settings == Settings()
    assert settings.embedded
    assert settings.server.url == ""
    assert settings.ui.lang == "zh_CN"
    assert settings.sync.batch_size == 500


def test_every_value_is_read(config_file):
    path = config_file(
        '# 大厅服务器\n'
        '[server]\nurl = "https://hall.example.gov.cn:8443/"\ntimeout = 4.5\n'
        '[ui]\nlang = "en"\ncitizen_screen = "window"\n'
        '[sync]\nbatch_size = 200\nmax_backoff = 60\npoll_interval = 2.5\n'
    )
    settings = load(path)
    assert settings == Settings(
        server=ServerSettings(url="https://hall.example.gov.cn:8443/", timeout=4.5),
        ui=UiSettings(lang="en", citizen_screen="window"),
        sync=SyncSettings(batch_size=200, max_backoff=60.0, poll_interval=2.5),
    )
    assert not settings.embedded
    assert isinstance(settings.sync.max_backoff, float)  # an integer is accepted for seconds


def test_a_partial_file_keeps_the_other_defaults(config_file):
    settings = load(config_file('[server]\nurl = "http://10.0.0.5:8765"\n'))
    assert settings.server == ServerSettings(url="http://10.0.0.5:8765", timeout=10.0)
    assert settings.ui == UiSettings()
    assert settings.sync == SyncSettings()


@pytest.mark.parametrize("text, names", [
    ('[server]\nport = 8765\n', "server.port"),
    ('[sync]\nbatchsize = 100\n', "sync.batchsize"),
    ('[network]\nproxy = "x"\n', "[network]"),
    ('url = "http://hall:8765"\n', "[url]"),
    ('[sync]\nbatch_size = "500"\n', "sync.batch_size"),
    ('[sync]\nbatch_size = 2.5\n', "sync.batch_size"),
    ('[sync]\nbatch_size = true\n', "sync.batch_size"),
    ('[server]\ntimeout = "10"\n', "server.timeout"),
    ('[server]\nurl = 8765\n', "server.url"),
    ('[server]\nurl = "hall.local:8765"\n', "server.url"),
    ('[server]\nurl = "ftp://hall.local"\n', "server.url"),
    ('[ui]\nlang = "fr"\n', "ui.lang"),
    ('[ui]\ncitizen_screen = "second"\n', "ui.citizen_screen"),
    ('[sync]\nmax_backoff = 0\n', "sync.max_backoff"),
    ('[sync]\npoll_interval = -1\n', "sync.poll_interval"),
    ('server = "http://hall:8765"\n', "[server]"),
])
def test_a_mistake_is_reported_by_file_and_key(config_file, text, names):
    path = config_file(text)
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert str(path) in message
    assert names in message


@pytest.mark.parametrize("text", [
    '[server\nurl = "http://hall:8765"\n',
    '[server]\nurl = http://hall:8765\n',
    '[server]\nurl = "a"\nurl = "b"\n',
])
def test_a_file_that_is_not_toml_is_reported(config_file, text):
    path = config_file(text)
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load(path)
    assert str(path) in str(caught.value)


def test_a_file_in_another_encoding_is_reported(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes('[ui]\n# 界面语言\nlang = "en"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load(path)
    assert str(path) in str(caught.value)


def test_the_example_is_accepted_and_gives_the_defaults(tmp_path):
    path = tmp_path / "new" / "folder" / "config.toml"
    write_example(path)
    assert path.is_file()
    assert load(path) == Settings()


def test_the_example_never_overwrites_a_file(config_file):
    mine = '[server]\nurl = "http://10.1.2.3:8765"\n'
    path = config_file(mine)
    write_example(path)
    assert path.read_text(encoding="utf-8") == mine
    assert load(path).server.url == "http://10.1.2.3:8765"


def test_card_reader_section_is_checked_when_present(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[card]\nbackend = "serial"\nport = "/dev/ttyUSB0"\n', encoding="utf-8")
    assert load(path).card == {"backend": "serial", "port": "/dev/ttyUSB0"}
    path.write_text('[card]\nbackend = "magic"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="card.backend"):
        load(path)
    path.write_text("[server]\n", encoding="utf-8")
    assert load(path).card is None


def test_call_panel_keys_are_configurable_and_checked(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[keys]\ncall_next = "F12"\nfinish = "Ctrl+Return"\n', encoding="utf-8")
    assert load(path).keys == {"call_next": "F12", "finish": "Ctrl+Return"}
    path.write_text('[keys]\nlaunch_rocket = "F2"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="keys.launch_rocket"):
        load(path)
    path.write_text('[keys]\ncall_next = "F2"\nrecall = "F2"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="more than one"):
        load(path)
