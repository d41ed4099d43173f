"""The counter's documents (receipts and notices) checked with poppler's real tools:
pdftotext, pdffonts, pdfimages, pdfsig (against an NSS database trusting the demo CA),
pdftoppm + zbarimg for the QR code."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from workstation.documents import cli
from workstation.documents.builder import (
    KINDS,
    SealMark,
    build_document,
    check_reach,
    check_url,
    document_titles,
)
from workstation.documents.cli import demo_hall, sample_case
from workstation.documents.seal import demo_seal, demo_seal_png
from workstation.documents.signing import DocumentSigner, PadesSigner, content_hash, demo_pki
from workstation.domain.case_number import parse

TOOLS = ("pdftotext", "pdffonts", "pdfimages", "pdfsig", "pdftoppm", "zbarimg", "certutil")


def test_the_checking_tools_are_installed() -> None:
    # Never skipped: .ci/setup installs poppler-utils, zbar-tools and libnss3-tools.
    assert [t for t in TOOLS if shutil.which(t) is None] == []


def run(*args: str | Path) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=30)
    return done.stdout + done.stderr


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def signature_png() -> bytes:
    """A handwritten-looking stroke on a transparent background."""
    image = Image.new("RGBA", (480, 160), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    points = [(20 + i * 11, 90 + int(35 * ((-1) ** i) * (0.5 + (i % 5) / 8))) for i in range(40)]
    pen.line(points, fill=(20, 20, 90, 255), width=6, joint="curve")
    pen.line([(60, 130), (420, 118)], fill=(20, 20, 90, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    return demo_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def nss_db(pki: tuple[Path, Path, str], tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("nss")
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{folder}"], check=True,
                   capture_output=True)
    subprocess.run(["certutil", "-A", "-n", "demo-ca", "-t", "CT,C,C", "-i", str(pki[0]),
                    "-d", f"sql:{folder}"], check=True, capture_output=True)
    return f"sql:{folder}"


@pytest.fixture(scope="module")
def built(signature_png: bytes, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each kind of document for its sample case, with the applicant's signature."""
    folder = tmp_path_factory.mktemp("documents")
    files = {}
    for kind in KINDS:
        path = folder / f"{kind}.pdf"
        path.write_bytes(build_document(kind, sample_case(kind), demo_hall(), signature_png=signature_png))
        files[kind] = path
    return files


@pytest.mark.parametrize("kind", KINDS)
def test_text_has_title_case_number_and_every_material(kind: str, built: dict[str, Path]) -> None:
    case = sample_case(kind)
    text = squeeze(run("pdftotext", "-enc", "UTF-8", built[kind], "-"))
    for title in document_titles(kind):
        assert squeeze(title) in text
    assert parse(case["case_number"]).display() in text
    for material in case["materials"]:
        assert squeeze(material["name"]) in text, material["name"]
    assert case["item"]["name"] in text
    assert "演示区政务服务中心" in text
    assert "张**" in text and "110105********1238" in text  # masked by default
    assert "110105199003071238" not in text


def test_each_kind_says_what_it_must() -> None:
    hall = demo_hall()

    def text_of(kind: str) -> str:
        pdf = build_document(kind, sample_case(kind), hall)
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                              timeout=30)
        return squeeze(done.stdout.decode("utf-8"))

    deficiency = text_of("accept_with_deficiency")
    assert "受理通知书" in deficiency and "容缺承诺书" in deficiency and "2026年3月16日" in deficiency
    commitment = text_of("accept_on_commitment")
    for heading in ("告知事项", "证明内容", "承诺方式", "法律责任"):
        assert heading in commitment
    notice = text_of("notify_once")
    assert "第三十二条" in notice and "未经申请人签字" in notice and "申请人签字或盖章" in notice
    rejection = text_of("reject")
    assert "不属于本机关管辖范围" in rejection
    assert "六十日" in rejection and "行政复议" in rejection and "六个月" in rejection and "行政诉讼" in rejection


def test_a_receipt_says_which_material_was_reused_and_which_is_kept() -> None:
    """材料复用: a reused material reads 复用 with the case it comes from; a kept one says until when."""
    case = sample_case("accept")
    first, second = case["materials"][0], case["materials"][1]
    first.update(status="reused", originals=0, copies=0, reused_from="11010520261012001WXZA0001C")
    second["kept_until"] = "2027-10-11"
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=build_document("accept", case, demo_hall()),
                          capture_output=True, timeout=30)
    text = squeeze(done.stdout.decode("utf-8"))
    assert "复用" in text and "11010520261012001WXZA0001C" in text and "保存至2027-10-11" in text


@pytest.mark.parametrize("kind", KINDS)
def test_every_font_is_embedded(kind: str, built: dict[str, Path]) -> None:
    rows = run("pdffonts", built[kind]).splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        # name type encoding emb sub uni object-id generation; the name and type have no spaces here
        assert row.split()[-5] == "yes", row


@pytest.mark.parametrize("kind", KINDS)
def test_signature_image_is_placed(kind: str, built: dict[str, Path]) -> None:
    rows = run("pdfimages", "-list", built[kind]).splitlines()[2:]
    assert any(row.split()[2] == "image" for row in rows), rows


def test_no_signature_means_no_image_and_an_empty_line(tmp_path: Path) -> None:
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(build_document("accept", sample_case("accept"), demo_hall()))
    rows = run("pdfimages", "-list", path).splitlines()[2:]
    assert rows == []
    assert "签名时间：______年" in squeeze(run("pdftotext", "-enc", "UTF-8", path, "-"))


@pytest.mark.parametrize("kind", KINDS)
def test_qr_code_decodes_to_the_check_address(kind: str, built: dict[str, Path], tmp_path: Path) -> None:
    run("pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", built[kind], tmp_path / kind)
    page = next(tmp_path.glob(f"{kind}*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(page)], capture_output=True, text=True,
                             timeout=30).stdout.strip()
    case_number = sample_case(kind)["case_number"]
    assert decoded == f"http://127.0.0.1/check?case={case_number}"
    assert decoded == check_url(demo_hall(), case_number)


@pytest.mark.parametrize("kind", KINDS)
def test_signed_document_verifies_and_tampering_breaks_it(kind: str, built: dict[str, Path],
                                                          pki: tuple[Path, Path, str], nss_db: str,
                                                          tmp_path: Path) -> None:
    signer = PadesSigner(pki[1], pki[2])
    assert isinstance(signer, DocumentSigner)
    signed = signer.sign(built[kind].read_bytes())
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    report = run("pdfsig", "-nssdir", nss_db, path)
    assert "Signature Field Name: HallSeal" in report
    assert "Signature is Valid" in report, report
    assert "Certificate is Trusted" in report, report
    assert "Total document signed" in report
    assert "ETSI.CAdES.detached" in report  # PAdES

    # One byte changed inside the first page's content stream, which the signature covers.
    contents = int(re.search(rb"/Contents (\d+) 0 R /MediaBox", signed).group(1))
    obj = signed.index(b"\n%d 0 obj" % contents) + 1
    stream = signed.index(b"stream\n", obj) + len(b"stream\n")
    ranges = [int(v) for v in re.search(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", signed).groups()]
    assert stream + 10 < ranges[1]  # inside the first signed range
    tampered = bytearray(signed)
    tampered[stream + 10] ^= 0x01
    bad = tmp_path / "tampered.pdf"
    bad.write_bytes(bytes(tampered))
    report = run("pdfsig", "-nssdir", nss_db, bad)
    assert "Signature is Valid" not in report
    assert "Signature is Invalid" in report or "Digest Mismatch" in report, report


def test_output_is_deterministic_and_masking_can_be_turned_off(signature_png: bytes) -> None:
    case, hall = sample_case("accept"), demo_hall()
    first = build_document("accept", case, hall, signature_png=signature_png)
    again = build_document("accept", case, hall, signature_png=signature_png)
    assert first == again and content_hash(first) == content_hash(again)
    assert len(content_hash(first)) == 64
    plain = build_document("accept", case, hall, mask_applicant=False)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=plain, capture_output=True,
                          timeout=30)
    text = squeeze(done.stdout.decode("utf-8"))
    assert "张晓明" in text and "110105199003071238" in text
    with pytest.raises(ValueError):
        build_document("approve", case, hall)
    at = datetime(2026, 3, 2, 1, 40, 15, tzinfo=UTC)  # 09:40 in the hall
    signed = build_document("accept", case, hall, signature_png=signature_png, signed_at=at)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=signed, capture_output=True,
                          timeout=30)
    assert "签名时间：2026-03-0209:40" in squeeze(done.stdout.decode("utf-8"))


def test_pages_render_to_png(built: dict[str, Path], tmp_path: Path) -> None:
    for kind, path in built.items():
        run("pdftoppm", "-r", "60", "-png", path, tmp_path / kind)
        pages = sorted(tmp_path.glob(f"{kind}-*.png"))
        assert len(pages) == len(document_titles(kind)), kind
        with Image.open(pages[0]) as page:
            assert page.size[0] > 400


def test_cli_writes_a_signed_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COUNTER_HOME", str(tmp_path / "home"))
    out = tmp_path / "out" / "rejection.pdf"
    assert cli.main(["sample", "--kind", "rejection", "--out", str(out), "--sign"]) == 0
    printed = capsys.readouterr().out
    ca = tmp_path / "home" / "data" / "pki" / "demo-ca.pem"
    assert ca.exists() and str(ca) in printed
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{nss}"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-n", "demo-ca", "-t", "CT,C,C", "-i", str(ca), "-d", f"sql:{nss}"],
                   check=True, capture_output=True)
    report = run("pdfsig", "-nssdir", f"sql:{nss}", out)
    assert "Signature is Valid" in report and "Certificate is Trusted" in report, report
    assert "不予受理通知书" in squeeze(run("pdftotext", "-enc", "UTF-8", out, "-"))
    # The PKI is made once and reused.
    before = ca.read_bytes()
    assert cli.main(["sample", "--kind", "acceptance", "--out", str(tmp_path / "a.pdf"), "--sign"]) == 0
    assert ca.read_bytes() == before


def text_of(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, timeout=30)
    return squeeze(done.stdout.decode("utf-8"))


def qr_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    run("pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", path, tmp_path / "qr")
    page = next(tmp_path.glob("qr*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(page)], capture_output=True, text=True,
                             timeout=30).stdout.strip()
    page.unlink()
    return decoded


@pytest.mark.parametrize("kind", KINDS)
def test_only_an_accepting_document_promises_a_completion_date(kind: str) -> None:
    text = text_of(build_document(kind, sample_case(kind), demo_hall()))
    if kind.startswith("accept"):
        assert "承诺时限" in text and "承诺办结时间" in text and "2026年3月9日" in text
    else:  # 一次性告知书 and 不予受理通知书 accept nothing, so they promise nothing
        assert "承诺时限" not in text and "承诺办结" not in text


@pytest.mark.parametrize(("url", "reach"), [
    ("http://127.0.0.1/check", "local"), ("http://localhost:8000/c", "local"), ("http://[::1]/c", "local"),
    ("http://192.168.10.5/check", "lan"), ("http://10.1.2.3:8080/c", "lan"),
    ("https://zwfw.example.gov.cn/check/{case_number}", "public"), ("https://8.8.8.8/c", "public"), ("", "none"),
])
def test_who_can_open_a_check_address(url: str, reach: str) -> None:
    assert check_reach(url) == reach


def test_the_check_address_says_who_can_open_it(tmp_path: Path) -> None:
    case = sample_case("accept")
    number = case["case_number"]
    # The embedded demo hall's loopback address: printed, and plainly marked as this PC's only.
    demo = build_document("accept", case, demo_hall())
    assert "演示地址，仅本机可用" in text_of(demo)
    assert qr_of(demo, tmp_path) == f"http://127.0.0.1/check?case={number}"
    # A real hall's public address: in the QR and on paper, no demo warning.
    public = dict(demo_hall(), check_url="https://zwfw.example.gov.cn/check/{case_number}")
    pdf = build_document("accept", case, public)
    text = text_of(pdf)
    assert f"https://zwfw.example.gov.cn/check/{number}" in text and "演示" not in text.replace("演示区", "")
    assert qr_of(pdf, tmp_path) == f"https://zwfw.example.gov.cn/check/{number}"
    # An address inside the hall's network says so.
    lan = build_document("accept", case, dict(demo_hall(), check_url="http://192.168.10.5/check"))
    assert "仅在大厅内可用" in text_of(lan)
    # No address: no made-up link; the QR carries the 办件编号 and the paper says where to ask.
    none = build_document("accept", case, dict(demo_hall(), check_url=""))
    text = text_of(none)
    assert "?case=" not in text and "暂未提供网上查询" in text and "010-65001200" in text
    assert qr_of(none, tmp_path) == number


def red_share(png: Path, box: tuple[float, float, float, float]) -> float:
    """The share of clearly red pixels inside `box` (fractions of the page's width and height)."""
    with Image.open(png) as page:
        w, h = page.size
        area = page.convert("RGB").crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
        pixels = [area.getpixel((x, y)) for x in range(area.width) for y in range(area.height)]
    return sum(1 for r, g, b in pixels if r > 150 and g < 110 and b < 110) / len(pixels)


def seal_area(pdf: bytes, tmp_path: Path, name: str) -> float:
    """Red in the seal area (left of the footer) of the first page, rendered by pdftoppm."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    run("pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", path, tmp_path / name)
    words = run("pdftotext", "-bbox", "-f", "1", "-l", "1", path, "-")
    # The seal area's label locates the box, whatever the length of the material table.
    top = float(re.search(r'yMin="([\d.]+)"[^>]*>受理机关', words).group(1)) / 842
    return red_share(next(tmp_path.glob(f"{name}-*.png")), (0.09, top + 0.01, 0.36, top + 0.12))


def test_the_seal_is_printed_where_the_hall_signs_and_the_signature_covers_it(
        signature_png: bytes, pki: tuple[Path, Path, str], nss_db: str, tmp_path: Path) -> None:
    case, hall = sample_case("accept"), demo_hall()
    signer = PadesSigner(pki[1], pki[2])
    at = datetime(2026, 3, 2, 1, 40, 15, tzinfo=UTC)  # 09:40 in the hall
    seal = SealMark(signer.signer_name, at, demo_seal_png())
    pdf = signer.sign(build_document("accept", case, hall, signature_png=signature_png, seal=seal))
    path = tmp_path / "sealed.pdf"
    path.write_bytes(pdf)
    text = text_of(pdf)
    assert "受理机关（电子印章）" in text
    assert squeeze(f"签章人：{signer.signer_name}") in text and "签章时间：2026-03-0209:40" in text
    images = [row.split()[2] for row in run("pdfimages", "-list", path).splitlines()[2:]]
    assert images.count("image") == 2 and images.count("smask") == 2  # the seal and the signature, both see-through
    report = run("pdfsig", "-nssdir", nss_db, path)
    assert "Signature is Valid" in report and "Total document signed" in report, report
    # The draft the applicant reads has an empty box for an ink stamp; the sealed one is red.
    unsealed = build_document("accept", case, hall, signature_png=signature_png)
    assert "签章人" not in text_of(unsealed) and "受理机关（印章）" in text_of(unsealed)
    assert seal_area(pdf, tmp_path, "sealed") > 4 * seal_area(unsealed, tmp_path, "unsealed") + 0.02


def test_without_a_seal_picture_the_seal_area_says_who_signed_in_words(tmp_path: Path) -> None:
    seal = SealMark("某区政务服务中心 文书签章", datetime(2026, 3, 2, 1, 40, tzinfo=UTC))
    pdf = build_document("reject", sample_case("reject"), demo_hall(), seal=seal)
    text = text_of(pdf)
    assert "已加盖电子签章" in text and "签章人：某区政务服务中心文书签章" in text and "签章时间：2026-03-0209:40" in text
    path = tmp_path / "words.pdf"
    path.write_bytes(pdf)
    assert run("pdfimages", "-list", path).splitlines()[2:] == []


def test_the_demo_seal_is_a_round_red_picture_marked_as_a_specimen(tmp_path: Path) -> None:
    folder = tmp_path / "pki"
    path = demo_seal(folder)
    assert demo_seal(folder) == path and path.read_bytes() == demo_seal_png()  # made once, then reused
    with Image.open(path) as image:
        assert image.mode == "RGBA" and image.size[0] == image.size[1]
        assert image.getpixel((2, 2))[3] == 0  # a transparent ground: the text under it shows
        assert red_share(path, (0.0, 0.45, 0.06, 0.55)) > 0.2  # the rim
