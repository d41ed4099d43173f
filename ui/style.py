"""Fonts, the style sheet and the translator: how every window of the product looks and speaks."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from workstation.paths import resources_dir

log = logging.getLogger(__name__)

_translators: list[QTranslator] = []


def install_fonts(app: QApplication) -> None:
    """Ship our own CJK font so Chinese renders the same on every PC, even one without any."""
    for path in sorted((resources_dir() / "fonts").glob("*.tt[cf]")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            font = QFont(families[0])
            font.setPointSize(11)
            app.setFont(font)
            return
    log.warning("no CJK font found under resources/fonts")


def install_style(app: QApplication) -> None:
    sheet = resources_dir() / "styles" / "workstation.qss"
    if sheet.exists():
        app.setStyleSheet(sheet.read_text(encoding="utf-8"))


def install_translator(app: QApplication, lang: str) -> bool:
    """Load the UI translation for `lang` (zh_CN by default). English is the source text."""
    for translator in _translators:
        app.removeTranslator(translator)
    _translators.clear()
    if lang == "en":
        QLocale.setDefault(QLocale("en_US"))
        return True
    QLocale.setDefault(QLocale(lang))
    ours = QTranslator(app)
    loaded = ours.load(str(resources_dir() / "translations" / f"workstation_{lang}.qm"))
    if loaded:
        app.installTranslator(ours)
        _translators.append(ours)
    else:
        log.error("translation %s not found", lang)
    qt_base = QTranslator(app)  # Qt's own dialogs and buttons
    if qt_base.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_base)
        _translators.append(qt_base)
    return loaded
