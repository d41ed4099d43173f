"""Which shared libraries the Linux bundle carries, and which it takes from the host.

PyInstaller collects every library its binaries link to. On Linux that includes the
desktop's own stack, which must match the host's drivers, daemons and configuration: GL,
the X server's client libraries, fontconfig, D-Bus, GLib, PulseAudio, CUPS and their
dependencies, and libstdc++ (Mesa's drivers need the host's). Those stay on the host
(docs/installing.md lists the packages); so do pcscd's libpcsclite and libusb (pyscard and
pyusb load them at run time). Qt plugins the program has no use for are left out, and with
them whatever only they needed (GTK for the GTK theme, QtQuick for the virtual keyboard…).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

# Sonames (without the hashed copies that wheels carry) the host provides.
HOST_LIBRARIES = re.compile(r"""^(
    libGL|libEGL|libOpenGL|libGLX|libGLdispatch|libglapi|libdrm|libgbm|libwayland-[a-z]+|libvulkan
  | libX11|libX11-xcb|libxcb|libxcb-glx|libxcb-dri[23]|libxcb-present|libXau|libXdmcp|libbsd|libmd
  | libfontconfig|libfreetype|libexpat|libz
  | libglib-2\.0|libgthread-2\.0|libgobject-2\.0|libgio-2\.0|libgmodule-2\.0|libpcre2-8|libmount|libblkid
  | libselinux|libdbus-1|libsystemd|libudev|libcap|libgcrypt|libgpg-error|liblz4
  | libpulse|libpulse-simple|libpulsecommon-[\d.]+|libasound|libjack|libpipewire-[\d.]+|libsndfile|libFLAC
  | libogg|libvorbis|libvorbisenc|libopus|libmp3lame|libmpg123|libasyncns
  | libcups|libavahi-client|libavahi-common|libgnutls|libp11-kit|libtasn1|libnettle|libhogweed|libidn2
  | libunistring|libgmp|libgssapi_krb5|libkrb5|libk5crypto|libkrb5support|libcom_err|libkeyutils
  | libstdc\+\+|libgcc_s|libpcsclite|libusb-1\.0
)\.so(\.[\d.]+)?$""", re.VERBOSE)

# Qt plugins (paths under PySide6/Qt/plugins/) the workstation does not use.
UNUSED_PLUGINS = re.compile(r"""^(
    platformthemes/libqgtk3 | platforminputcontexts/libqtvirtualkeyboardplugin
  | platforms/lib(qeglfs|qlinuxfb|qminimalegl|qvkkhrdisplay|qvnc) | egldeviceintegrations/ | generic/
  | networkinformation/
)""", re.VERBOSE)


def _plugin(dest: str) -> str | None:
    marker = "PySide6/Qt/plugins/"
    normal = dest.replace("\\", "/")
    return normal.split(marker, 1)[1] if marker in normal else None


def unwanted(dest: str) -> bool:
    plugin = _plugin(dest)
    if plugin is not None:
        return bool(UNUSED_PLUGINS.match(plugin))
    return bool(HOST_LIBRARIES.match(Path(dest).name))


def trim(binaries: Iterable[tuple[str, str, str]], needed) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(kept entries, names left out) of a PyInstaller binaries TOC. `needed(source)` gives
    a file's DT_NEEDED sonames. A library is dropped when it is unwanted, or when what
    needed it was dropped and nothing kept needs it."""
    entries = list(binaries)
    needs = {dest: set(needed(source)) if _is_elf(source) else set() for dest, source, _ in entries}
    dropped = {dest for dest, _, _ in entries if unwanted(dest)}
    while True:
        kept_needs = set().union(*(needs[dest] for dest in needs if dest not in dropped))
        freed = set().union(*(needs[dest] for dest in dropped))
        orphans = {dest for dest, _, _ in entries
                   if dest not in dropped and Path(dest).name in freed and Path(dest).name not in kept_needs}
        if not orphans:
            break
        dropped |= orphans
    return [entry for entry in entries if entry[0] not in dropped], sorted(dropped)


def _is_elf(source: str) -> bool:
    try:
        with open(source, "rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False
