"""Broken input reaching the clerk's window, through the real windows and a real hall: a
catalogue entry this PC cannot read (as a newer hall's would be) arrives on a pull, and a
config file IT broke is met at start. The window says so in words a clerk or IT can act on;
the program keeps running with what it had, and nothing saved is lost."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.test_material_check import logged_in  # noqa: F401 - the fixture

TIMEOUT = 30000


def publish_as_a_newer_hall(hall, payload: dict) -> None:
    """A service item written the way a newer hall's server would hand it out: into its
    reference table at the next revision, past this version's schema."""
    path = hall.db_url.split(":///", 1)[1]
    with sqlite3.connect(path, timeout=30) as db:
        db.execute("UPDATE revision_counter SET value = value + 1 WHERE id = 1")
        (revision,) = db.execute("SELECT value FROM revision_counter WHERE id = 1").fetchone()
        db.execute("INSERT INTO reference_entries (kind, key, revision, deleted, payload, changed_at) "
                   "VALUES ('service_item', ?, ?, 0, ?, ?)",
                   (payload["code"], revision, json.dumps(payload, ensure_ascii=False),
                    datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")))
    db.close()


def test_a_catalogue_entry_this_pc_cannot_read_is_left_out_and_said(qtbot, logged_in, sqlite_hall):
    app = logged_in
    panel = app.main_window.materials
    before = panel.snapshot
    items = len(before.index)
    sample = before.item(sorted(before.index._by_code)[0])
    newer = {**sample.model_dump(mode="json"), "code": "NEWER0000000000000000000000000001", "name": "新版本事项",
             "case_type": "联办件"}  # a case type this version does not know
    publish_as_a_newer_hall(sqlite_hall, newer)
    # The admin's next change announces the pull that brings both.
    admin = sqlite_hall.admin_session()
    renamed = {**sample.model_dump(mode="json"), "name": sample.name + "（新）"}
    response = admin.put(sqlite_hall.api(f"/reference/service_item/{sample.code}"), json={"payload": renamed},
                         timeout=30)
    assert response.status_code == 200, response.text

    qtbot.waitUntil(lambda: panel.snapshot is not before and panel.snapshot.item(sample.code) is not None
                    and panel.snapshot.item(sample.code).name == renamed["name"], timeout=TIMEOUT)
    assert panel.guide_notice.isVisible()
    notice = panel.guide_notice.text()
    assert "1" in notice and "NEWER0000000000000000000000000001" in notice and "IT" in notice, notice
    assert "case_type" in notice, notice
    # The rest of the guide is all there, and the clerk can search and check as before.
    assert len(panel.snapshot.index) == items and panel.snapshot.item(newer["code"]) is None
    panel.search.setText(renamed["name"])
    panel._search(renamed["name"])
    assert panel.results.count() >= 1


def test_a_guide_that_cannot_be_read_again_keeps_the_one_on_screen(qtbot, logged_in):
    app = logged_in
    panel = app.main_window.materials
    before = panel.snapshot
    guide = app.workstation.guide()

    def broken():
        raise OSError("database disk image is malformed")

    guide.load = broken
    app._reference_moved()
    qtbot.waitUntil(panel.guide_notice.isVisible, timeout=TIMEOUT)
    assert "database disk image is malformed" in panel.guide_notice.text()
    assert panel.snapshot is before and len(panel.snapshot.index) >= 20
    assert app.main_window.isVisible()


def test_a_broken_config_file_is_shown_in_a_window_at_start(qtbot, styled_qapp, tmp_path, monkeypatch):
    """Started from its icon, a clerk's PC has no console: the config error must be read in a
    window, naming the file and the key, before the program ends (nothing is opened, so
    nothing saved can be touched)."""
    from ui import cli
    from workstation.store.local import LocalStore

    monkeypatch.setenv("COUNTER_HOME", str(tmp_path / "home"))
    store_path = tmp_path / "home" / "data" / "workstation.sqlite3"
    store = LocalStore(store_path)
    saved = store.add_record("test.kept", {"n": 1})
    store.close()
    config = tmp_path / "config.toml"
    config.write_text('[sync]\nbatch_size = 5000\n', encoding="utf-8")
    seen: list[str] = []

    def read_and_close() -> None:  # what the clerk reads, then OK
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(50, read_and_close)
            return
        seen.append(boxes[0].windowTitle() + "\n" + boxes[0].text())
        boxes[0].accept()

    QTimer.singleShot(50, read_and_close)
    assert cli.main(["--config", str(config)]) == 2
    assert seen, "no window showed the config error"
    text = seen[0]
    assert "sync.batch_size" in text and str(config) in text and "1000" in text, text
    kept = LocalStore(store_path)
    try:
        assert kept.record(saved.uuid).payload == {"n": 1} and kept.pending_count() == 1
    finally:
        kept.close()
