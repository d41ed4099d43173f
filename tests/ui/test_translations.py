"""The zh_CN translation is complete and the shipped .qm matches it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TS = REPO / "resources" / "translations" / "workstation_zh_CN.ts"
QM = TS.with_suffix(".qm")


def _tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent))
    assert found, f"pyside6-{name} is missing from the venv"
    return found


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    tree = ET.parse(ts)
    return {(context.findtext("name"), message.findtext("source")): message.find("translation")
            for context in tree.iter("context") for message in context.iter("message")}


def test_every_ui_string_has_a_finished_chinese_translation(tmp_path):
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (REPO / "ui").rglob("*.py"))
    subprocess.run([_tool("lupdate"), *sources, "-ts", str(fresh)], check=True, capture_output=True)
    wanted = _messages(fresh)
    shipped = _messages(TS)
    assert len(wanted) > 50
    missing = [key for key in wanted if key not in shipped]
    assert not missing, f"strings not in {TS.name}: {missing}"
    unfinished = [key for key, tr in shipped.items()
                  if key in wanted and (not (tr.text or "").strip() or tr.get("type") == "unfinished")]
    assert not unfinished, f"untranslated: {unfinished}"


def test_shipped_qm_is_compiled_from_the_ts(tmp_path):
    built = tmp_path / "built.qm"
    subprocess.run([_tool("lrelease"), str(TS), "-qm", str(built)], check=True, capture_output=True)
    assert built.read_bytes() == QM.read_bytes(), "run pyside6-lrelease on the .ts and commit the .qm"


def test_english_is_the_source_and_chinese_the_default(qapp):
    from PySide6.QtCore import QCoreApplication

    from ui.style import install_translator

    assert install_translator(qapp, "zh_CN")
    assert QCoreApplication.translate("StartWindow", "Log in") == "登录"
    install_translator(qapp, "en")
    assert QCoreApplication.translate("StartWindow", "Log in") == "Log in"
