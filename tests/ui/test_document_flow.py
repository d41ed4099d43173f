"""A case's document through the real windows: the clerk accepts a case → the applicant
reads the document and signs on the citizen screen with a pen (tablet events with
pressure) → the PDF holds the signature and the hall's seal (pdfsig: valid against the
demo CA) → the clerk prints it twice (a print and an audited reprint) → the PDF reaches
the hall server, and the public check by 办件编号 returns its hash."""

from __future__ import annotations

import hashlib
import re
import subprocess
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from tests.ui.test_shell import FAST_SYNC, open_main_window
from ui.clerk.document_printing import a4_printer, paint_pages
from workstation.app.card_reading import AUDIT_DOCUMENT_PRINT
from workstation.config import DocumentSettings, ServerSettings, Settings, UiSettings
from workstation.credentials import save_hall_signing_password
from workstation.documents.signing import demo_pki
from workstation.domain.checklist import Decision, MaterialStatus

ITEM = "个体工商户设立登记"


def run(*args: object) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


@pytest.fixture
def pki(tmp_path):
    ca, p12, password = demo_pki(tmp_path / "pki")
    (tmp_path / "pki" / "hall.p12.password").unlink()  # the real thing: the password is in the keyring only
    save_hall_signing_password(str(p12), password)
    return ca, p12


def pen_stroke(pad, points: list[tuple[float, float, float]]) -> None:
    """A stroke of a stylus on a pen display: press, moves, release, with pressure."""
    pen = QPointingDevice("test pen", 4242, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                          QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 2)
    kinds = [QEvent.Type.TabletPress] + [QEvent.Type.TabletMove] * (len(points) - 2) + [QEvent.Type.TabletRelease]
    for kind, (x, y, pressure) in zip(kinds, points, strict=True):
        pos = QPointF(x, y)
        QApplication.sendEvent(pad, QTabletEvent(
            kind, pen, pos, pad.mapToGlobal(pos), pressure, 0.0, 0.0, 0.0, 0.0, 0.0,
            Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton))


def press_accept(qtbot, app, id_number: str = "11010519491231002X") -> None:
    """个体工商户设立登记 by the operator in person, every material received, 受理 pressed."""
    window = app.main_window
    panel = window.materials
    qtbot.waitUntil(lambda: panel.snapshot is not None and len(panel.snapshot.index) >= 20, timeout=30000)
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "gtgshsldj")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    panel.choose_situation("individual")
    panel.choose_situation("self")
    for material_id in ("application", "operator_id", "premises_proof"):
        panel.mark(material_id, MaterialStatus.RECEIVED)
    window.applicant.name.setText("李明")
    window.applicant.id_number.setText(id_number)
    qtbot.mouseClick(panel.buttons[Decision.ACCEPT], Qt.MouseButton.LeftButton)


def accept_a_case(qtbot, app) -> None:
    press_accept(qtbot, app)
    qtbot.waitUntil(lambda: app.last_case is not None, timeout=30000)


def test_accept_sign_seal_print_and_check(qtbot, clerk_app, sqlite_hall, pki, tmp_path):
    ca, p12 = pki
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="window"), documents=DocumentSettings(signing_p12=str(p12)))
    app = clerk_app(settings)
    open_main_window(qtbot, app, sqlite_hall, 4)
    accept_a_case(qtbot, app)
    case = app.last_case
    citizen, panel = app.citizen, app.main_window.documents

    # The citizen screen asks for the signature, with the document in view.
    qtbot.waitUntil(lambda: citizen.pages.currentWidget() is citizen.signing, timeout=30000)
    signing = citizen.signing
    assert "受理通知书" in signing.title.text() and case.display_number in signing.title.text()
    qtbot.waitUntil(lambda: not signing.preview.pixmap().isNull(), timeout=30000)
    assert "等待申请人" in panel.state.text()
    assert not signing.confirm_button.isEnabled()

    # A tap is not a signature; a real one enables 确认签名.
    pen_stroke(signing.pad, [(100, 100, 0.5), (102, 101, 0.5)])
    assert not signing.confirm_button.isEnabled()
    qtbot.mouseClick(signing.clear_button, Qt.MouseButton.LeftButton)
    assert signing.pad.strokes() == ()
    pen_stroke(signing.pad, [(60 + i * 14, 120 + (i % 6) * 9, 0.15 + (i % 10) / 12) for i in range(32)])
    pen_stroke(signing.pad, [(90 + i * 12, 190 - i, 0.6) for i in range(20)])
    assert signing.pad.source == "tablet"
    assert len({p.pressure for s in signing.pad.strokes() for p in s}) > 5  # the pen's pressure is kept
    qtbot.wait(50)
    citizen.grab().save(str(tmp_path / "citizen_signing.png"))
    qtbot.mouseClick(signing.confirm_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: app.documents.current is not None, timeout=30000)
    issued = app.documents.current
    assert issued.applicant_signed and issued.hall_signed, issued.seal_note
    assert "已加盖" in panel.state.text() or "电子签章" in panel.state.text()

    # The PDF as kept: the signature picture in it, the hall's seal valid against the demo CA.
    pdf = tmp_path / "issued.pdf"
    pdf.write_bytes(app.workstation.documents().pdf(issued.sha256))
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == issued.sha256
    assert "smask" in run("pdfimages", "-list", pdf)
    text = re.sub(r"\s+", "", run("pdftotext", "-layout", pdf, "-"))
    assert "受理通知书" in text and case.case_number in text
    nss = tmp_path / "nss"
    nss.mkdir()
    run("certutil", "-N", "--empty-password", "-d", f"sql:{nss}")
    run("certutil", "-A", "-n", "demo-ca", "-t", "CT,C,C", "-i", ca, "-d", f"sql:{nss}")
    assert "Signature is Valid" in run("pdfsig", "-nssdir", f"sql:{nss}", pdf)
    run("pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", pdf, tmp_path / "issued")
    qr = run("zbarimg", "--raw", "-q", next(tmp_path.glob("issued-*.png")))
    assert case.case_number in qr

    # Printing (the preview dialog replaced by printing straight to a PDF file), then a reprint.
    printed: list[Path] = []

    def to_file(parent, pages, title):
        out = tmp_path / f"printed-{len(printed) + 1}.pdf"
        printer = a4_printer()
        printer.setOutputFormat(printer.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        assert paint_pages(printer, pages)
        printed.append(out)
        return "PDF file"

    app.documents.print_pages = to_file
    window = app.main_window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.copies == 1, timeout=30000)
    qtbot.mouseClick(panel.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.copies == 2, timeout=30000)
    info = run("pdfinfo", printed[0])
    assert re.search(r"Pages:\s+1\n", info) and "(A4)" in info
    # What came out of the printer is the document: its QR code reads back from the paper.
    run("pdftoppm", "-r", "100", "-png", printed[0], tmp_path / "paper")
    assert case.case_number in run("zbarimg", "--raw", "-q", next(tmp_path.glob("paper-*.png")))
    audits = app.workstation.store.records_of(AUDIT_DOCUMENT_PRINT, sha256=issued.sha256)
    assert [a.payload["event"] for a in audits] == ["document_print", "document_reprint"]
    assert all(a.payload["clerk"] == "clerk1" and a.payload["window"] == 4 for a in audits)
    window.grab().save(str(tmp_path / "clerk_documents.png"))

    # The PDF and its records reach the hall server; the check answers with the hash.
    deadline = time.monotonic() + 30
    answer = None
    while time.monotonic() < deadline:
        response = sqlite_hall.session("").get(sqlite_hall.api(f"/documents/check/{case.display_number}"))
        if response.status_code == 200 and response.json()["documents"][0]["stored"]:
            answer = response.json()
            break
        time.sleep(0.3)
    assert answer is not None, "the document did not reach the hall server"
    [doc] = answer["documents"]
    assert doc["sha256"] == issued.sha256 and doc["applicant_signed"] and doc["hall_signed"]
    supervisor = sqlite_hall.login("supervisor")
    assert supervisor.get(sqlite_hall.api(f"/documents/{issued.sha256}")).content == pdf.read_bytes()
    signatures = supervisor.get(sqlite_hall.api("/records"), params={"kind": "signature"}).json()["records"]
    assert [s["payload"]["case_number"] for s in signatures] == [case.case_number]
    assert signatures[0]["payload"]["source"] == "tablet"
