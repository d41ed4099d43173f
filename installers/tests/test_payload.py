"""installers/payload.py: which libraries the Linux bundle leaves to the host."""

from __future__ import annotations

from installers import payload

PLUGINS = "PySide6/Qt/plugins/"


def test_host_and_bundled_names():
    for name in ("libGL.so.1", "libX11.so.6", "libxcb.so.1", "libfontconfig.so.1", "libstdc++.so.6",
                 "libpcsclite.so.1", "libcups.so.2", "libglib-2.0.so.0", "libpulsecommon-16.1.so"):
        assert payload.unwanted(name), name
    for name in ("libpython3.11.so.1.0", "libxcb-cursor.so.0", "libxkbcommon.so.0", "libssl.so.3",
                 "libxcb-9065bb12.so.1.1.0", "libfreetype-57f805ba.so.6.20.6", "libQt6Core.so.6"):
        assert not payload.unwanted(name), name
    assert payload.unwanted(PLUGINS + "platformthemes/libqgtk3.so")
    assert not payload.unwanted(PLUGINS + "platforms/libqxcb.so")
    assert not payload.unwanted(PLUGINS + "platforms/libqwayland.so")


def test_what_only_a_dropped_plugin_needed_goes_with_it(tmp_path):
    needs = {
        "gtk3": ["libgtk-3.so.0", "libQt6Gui.so.6"],
        "xcb": ["libxcb-cursor.so.0", "libQt6Gui.so.6"],
        "libgtk-3.so.0": ["libcairo.so.2", "libglib-2.0.so.0"],
        "libcairo.so.2": ["libpixman-1.so.0"],
        "libQt6Gui.so.6": ["libglib-2.0.so.0"],
    }
    sources = {name: tmp_path / name for name in [*needs, "libpixman-1.so.0", "libxcb-cursor.so.0",
                                                  "libglib-2.0.so.0", "libssl.so.3"]}
    for source in sources.values():
        source.write_bytes(b"\x7fELF")
    toc = [(PLUGINS + "platformthemes/libqgtk3.so", str(sources["gtk3"]), "BINARY"),
           (PLUGINS + "platforms/libqxcb.so", str(sources["xcb"]), "BINARY"),
           *[(name, str(sources[name]), "BINARY") for name in sources if name.startswith("lib")]]
    by_source = {str(sources[name]): needs.get(name, []) for name in sources}
    kept, dropped = payload.trim(toc, lambda source: by_source[source])
    assert sorted(dest for dest, _, _ in kept) == sorted(
        [PLUGINS + "platforms/libqxcb.so", "libQt6Gui.so.6", "libxcb-cursor.so.0", "libssl.so.3"])
    assert "libpixman-1.so.0" in dropped and "libglib-2.0.so.0" in dropped
