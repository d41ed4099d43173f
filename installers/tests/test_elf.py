"""installers/elf.py on small libraries compiled here: what they need of glibc, and the
pinning of hypot to its old version."""

from __future__ import annotations

import ctypes
import shutil
from pathlib import Path

import pytest

from installers import elf
from installers.tests.support import run

SOURCES = {
    # sin keeps GLIBC_2.2.5 among the library's version names, which pinning reuses in place
    "hypot": "#include <math.h>\ndouble length(double x, double y) { return hypot(x, y) + 0 * sin(x); }\n",
    "hypot-only": "#include <math.h>\ndouble length(double x, double y) { return hypot(x, y); }\n",
    "arc4random": "#include <stdlib.h>\nunsigned draw(void) { return arc4random(); }\n",
}


def compile_library(folder: Path, name: str) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("needs gcc")
    source = folder / f"{name}.c"
    source.write_text(SOURCES[name])
    library = folder / f"lib{name.split('-')[0]}.so"
    result = run("gcc", "-shared", "-fPIC", "-O1", "-o", library, source, "-lm")
    if result.returncode != 0:
        pytest.skip(f"this glibc has no {name}: {result.stderr.strip()}")
    return library


def test_needs_and_pinning_of_hypot(tmp_path):
    library = compile_library(tmp_path, "hypot")
    needs = {(n.library, n.version): n.symbols for n in elf.version_needs(library.read_bytes())}
    if ("libm.so.6", "GLIBC_2.35") not in needs:
        pytest.skip("this glibc gives hypot no 2.35 version")
    assert needs[("libm.so.6", "GLIBC_2.35")] == ["hypot"]
    assert elf.glibc_needed(library) == "GLIBC_2.35"
    assert "libm.so.6" in elf.needed_libraries(library)
    changes = elf.pin_versions(library, "GLIBC_2.34")
    assert changes == ["libhypot.so: hypot GLIBC_2.35 → GLIBC_2.2.5"]
    assert elf.glibc_key(elf.glibc_needed(library)) <= elf.glibc_key("GLIBC_2.34")
    assert "(GLIBC_2.2.5) hypot" in run("objdump", "-T", library).stdout
    function = ctypes.CDLL(str(library)).length  # still loads and binds to the old hypot
    function.restype, function.argtypes = ctypes.c_double, [ctypes.c_double, ctypes.c_double]
    assert function(3.0, 4.0) == 5.0


def test_pinning_needs_the_older_version_name_in_the_file(tmp_path):
    library = compile_library(tmp_path, "hypot-only")
    if elf.glibc_needed(library) != "GLIBC_2.35":
        pytest.skip("this glibc gives hypot no 2.35 version")
    with pytest.raises(elf.ElfError, match="GLIBC_2.2.5 is not in the file's string table"):
        elf.pin_versions(library, "GLIBC_2.34")


def test_a_need_without_an_older_version_is_refused(tmp_path):
    library = compile_library(tmp_path, "arc4random")
    assert elf.glibc_needed(library) == "GLIBC_2.36"
    with pytest.raises(elf.ElfError, match="arc4random"):
        elf.pin_versions(library, "GLIBC_2.34")
    assert elf.pin_versions(library, "GLIBC_2.36") == []


def test_report_over_a_folder(tmp_path):
    compile_library(tmp_path, "hypot")
    (tmp_path / "notes.txt").write_text("not an ELF file")
    highest, files = elf.glibc_report(tmp_path)
    assert highest == files[0][0] and [path.name for _, path in files] == ["libhypot.so"]
