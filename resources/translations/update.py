"""Bring the zh_CN translation up to date with the UI's source, then compile it.

    .venv/bin/python resources/translations/update.py [words.json ...]

1. `pyside6-lupdate` over every `ui/**/*.py` updates workstation_zh_CN.ts in place: new
   strings arrive unfinished, translations of unchanged strings are kept, vanished ones are
   dropped (-no-obsolete).
2. Each JSON file given, `{"Context": {"English source": "中文"}}`, fills in translations
   (and replaces old ones for the same source).
3. Strings still unfinished are listed, and the exit status is 1 if there are any.
4. `pyside6-lrelease` compiles the .qm that the application loads.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TS = HERE / "workstation_zh_CN.ts"


def _tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(f"pyside6-{name}")
    if not found:
        sys.exit(f"pyside6-{name} not found: run this with the venv's python")
    return found


def main(word_files: list[str]) -> int:
    sources = sorted(str(p) for p in (REPO / "ui").rglob("*.py"))
    lupdate = [_tool("lupdate"), "-no-obsolete", *sources, "-ts", str(TS)]
    subprocess.run(lupdate, check=True, capture_output=True)
    words: dict[str, dict[str, str]] = {}
    for name in word_files:
        for context, pairs in json.loads(Path(name).read_text(encoding="utf-8")).items():
            words.setdefault(context, {}).update(pairs)
    tree = ET.parse(TS)
    unfinished = []
    for context in tree.iter("context"):
        cname = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source")
            translation = message.find("translation")
            wanted = words.get(cname, {}).get(source)
            if wanted is not None:
                translation.text = wanted
                translation.attrib.pop("type", None)
            if not (translation.text or "").strip() or translation.get("type") == "unfinished":
                unfinished.append((cname, source))
    if words:
        tree.write(TS, encoding="utf-8", xml_declaration=True)
        subprocess.run(lupdate, check=True, capture_output=True)  # back into lupdate's own layout
    subprocess.run([_tool("lrelease"), str(TS), "-qm", str(TS.with_suffix(".qm"))], check=True, capture_output=True)
    for cname, source in unfinished:
        print(f"unfinished: {cname}: {source!r}")
    return 1 if unfinished else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
