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

from tests.support.screenshots import save_screen
from tests.ui.test_shell import FAST_SYNC, open_main_window
from ui.citizen.signing_page import READABLE_SCALE
from ui.clerk.document_printing import a4_printer, paint_pages
from workstation.app.card_reading import AUDIT_DOCUMENT_PRINT
from workstation.config import DocumentSettings, ServerSettings, Settings, UiSettings
from workstation.credentials import save_hall_signing_password
from workstation.documents.seal import demo_seal
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
    before = app.last_case
    qtbot.mouseClick(panel.buttons[Decision.ACCEPT], Qt.MouseButton.LeftButton)
    # 材料复用: an applicant with an ID number is asked first whether the hall may keep what was received.
    # (Not when the applicant's fields are refused: the case is not saved at all then.)
    qtbot.waitUntil(lambda: app.citizen.consent.active or app.last_case is not before
                    or bool(window.applicant.problems()), timeout=10000)
    if app.citizen.consent.active:
        qtbot.mouseClick(app.citizen.consent.no, Qt.MouseButton.LeftButton)


def accept_a_case(qtbot, app) -> None:
    press_accept(qtbot, app)
    qtbot.waitUntil(lambda: app.last_case is not None, timeout=30000)


def test_accept_sign_seal_print_and_check(qtbot, clerk_app, sqlite_hall, pki, tmp_path):
    ca, p12 = pki
    settings = Settings(server=ServerSettings(url=sqlite_hall.url), sync=FAST_SYNC,
                        ui=UiSettings(citizen_screen="window"),
                        documents=DocumentSettings(signing_p12=str(p12), seal_image=str(demo_seal(tmp_path / "seal"))))
    app = clerk_app(settings)
    open_main_window(qtbot, app, sqlite_hall, 4)
    accept_a_case(qtbot, app)
    case = app.last_case
    citizen, panel = app.citizen, app.main_window.documents

    # The citizen screen (at the size the applicant has it) asks for the signature, with the
    # document in view at a readable size.
    citizen.resize(1920, 1080)
    qtbot.waitUntil(lambda: citizen.pages.currentWidget() is citizen.signing, timeout=30000)
    signing = citizen.signing
    assert "受理通知书" in signing.title.text() and case.display_number in signing.number.text()
    qtbot.waitUntil(lambda: signing.settled and not signing.preview.pixmap().isNull(), timeout=30000)
    assert signing.shown.scale >= READABLE_SCALE
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
    save_screen(citizen, tmp_path / "citizen_signing.png")
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
    # The seal printed where the hall signed: the picture, the certificate's subject, the time.
    assert "受理机关（电子印章）" in text and "签章人：演示区政务服务中心文书签章(demo)" in text
    assert [row.split()[2] for row in run("pdfimages", "-list", pdf).splitlines()[2:]].count("image") == 2
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
    save_screen(window, tmp_path / "clerk_documents.png")

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


def words_pt(pdf: bytes, page: int) -> list[tuple[str, float]]:
    """Each word of a page with its height in points (pdftotext -bbox: the font size)."""
    done = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"], input=pdf,
                          capture_output=True, timeout=60)
    found = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', done.stdout.decode())
    return [(word, float(bottom) - float(top)) for top, bottom, word in found]


def test_the_applicant_reads_pages_through_and_zooms_on_the_citizen_screen(qtbot, styled_qapp, tmp_path):
    from ui.citizen.citizen_screen import CitizenScreen
    from ui.citizen.signing_page import READABLE_SCALE
    from workstation.documents.builder import build_document
    from workstation.documents.cli import demo_hall, sample_case
    from workstation.domain.case_number import parse

    case = sample_case("accept_with_deficiency")  # two pages: 受理通知书 and 容缺承诺书
    pdf = build_document("accept_with_deficiency", case, demo_hall())
    number = parse(case["case_number"]).display()
    screen = CitizenScreen()
    qtbot.addWidget(screen)
    screen.resize(1920, 1080)  # the citizen screen as the applicant has it
    screen.show()
    screen.show_welcome("演示区政务服务中心", "欢迎", 3)
    screen.show_applicant("张**")
    screen.show_signing("受理通知书（收件凭证） + 容缺承诺书", number)
    signing = screen.signing
    qtbot.waitExposed(screen)
    signing.show_document(pdf)
    qtbot.waitUntil(lambda: signing.settled, timeout=30000)

    # The title on one line, the 办件编号 whole on its own line (not cut, not wrapped).
    assert signing.title.text() == "受理通知书（收件凭证） + 容缺承诺书"
    assert signing.number.text() == f"办件编号 {number}"
    for label in (signing.title, signing.number):
        assert not label.wordWrap() and label.fontMetrics().horizontalAdvance(label.text()) < label.width()

    # Readable: every word of the page at 14 px or more on screen, the table text at 16 px.
    shown = signing.shown
    assert shown.scale == pytest.approx(signing.scale, rel=1e-3) and shown.scale >= READABLE_SCALE
    assert shown.image.width() >= round(595 * READABLE_SCALE)
    heights = [h for _, h in words_pt(pdf, 1)]
    assert min(heights) * shown.scale >= 14
    assert sorted(heights)[len(heights) // 2] * shown.scale >= 16
    # The page is as wide as the viewer (no thumbnail), and the pad stays big enough to sign.
    assert shown.image.width() >= signing.scroll.viewport().width() - 20
    assert signing.pad.width() >= 500 and signing.pad.height() >= 300
    assert signing.page_label.text() == "第 1 页，共 2 页"
    # It opens at the top of the first page, where the document starts.
    assert signing.scroll.verticalScrollBar().value() == 0 and signing.scroll.horizontalScrollBar().value() == 0
    assert not signing.previous_button.isEnabled() and signing.next_button.isEnabled()
    qtbot.wait(50)
    save_screen(screen, tmp_path / "citizen_signing_1920x1080.png")

    # Page through: 下一页 shows the 容缺承诺书, 上一页 goes back.
    first = shown.image
    qtbot.mouseClick(signing.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: signing.settled and signing.shown.index == 1, timeout=30000)
    assert signing.page_label.text() == "第 2 页，共 2 页" and not signing.next_button.isEnabled()
    assert signing.shown.image != first
    qtbot.mouseClick(signing.previous_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: signing.settled and signing.shown.index == 0, timeout=30000)

    # Zoom: larger draws the page bigger (sharp, not stretched) and it scrolls sideways too.
    base = signing.shown.scale
    qtbot.mouseClick(signing.zoom_in_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(signing.zoom_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: signing.settled and signing.shown.scale > base * 1.4, timeout=30000)
    assert signing.shown.scale == pytest.approx(base * 1.5)
    assert signing.shown.image.width() == round(signing.shown.width_pt * signing.shown.scale)
    qtbot.waitUntil(lambda: signing.scroll.horizontalScrollBar().maximum() > 0, timeout=5000)
    qtbot.wait(50)
    save_screen(screen, tmp_path / "citizen_signing_zoomed.png")
    while signing.zoom_out_button.isEnabled():
        qtbot.mouseClick(signing.zoom_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: signing.settled and signing.shown.scale < base * 0.4, timeout=30000)
    # The smallest step: the whole page in view, to see where things are.
    qtbot.waitUntil(lambda: signing.scroll.verticalScrollBar().maximum() == 0, timeout=5000)
    assert signing.shown.image.height() <= signing.scroll.viewport().height()
    save_screen(screen, tmp_path / "citizen_signing_whole_page.png")

    # A smaller citizen screen (1366×768): every button whole, the title on one line, a pad to sign on.
    screen.resize(1366, 768)
    qtbot.waitUntil(lambda: signing.settled, timeout=30000)
    qtbot.wait(200)
    assert (screen.width(), screen.height()) == (1366, 768), "the screen fits a 1366×768 display"
    assert signing.pad.geometry().bottom() < signing.clear_button.geometry().top() or \
        signing.pad.mapTo(screen, signing.pad.rect().bottomLeft()).y() < signing.clear_button.mapTo(screen, signing.clear_button.rect().topLeft()).y()
    for button in (signing.previous_button, signing.next_button, signing.zoom_out_button, signing.zoom_in_button,
                   signing.clear_button, signing.confirm_button):
        assert button.isVisible() and button.width() >= button.sizeHint().width() - 2, button.text()
        assert button.fontMetrics().horizontalAdvance(button.text()) < button.width(), button.text()
    for label in (signing.title, signing.number):
        assert label.fontMetrics().horizontalAdvance(label.text()) < label.width()
    assert signing.pad.width() >= 400 and signing.pad.height() >= 200
    save_screen(screen, tmp_path / "citizen_signing_1366x768.png")
