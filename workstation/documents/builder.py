"""The documents handed to an applicant at the counter, as PDFs (reportlab, A4).

One document per decision code of a case (see domain.md, "The case and its decisions"):

    accept                  受理通知书（收件凭证）
    accept_with_deficiency  受理通知书 + 容缺承诺书 (two pages)
    accept_on_commitment    告知承诺书
    notify_once             一次性告知书
    reject                  不予受理通知书

Every document carries its title and number, the hall and department, the applicant
(masked unless told otherwise), the item, the 办件编号, the application and decision times
in the hall's time zone, the materials as checked, the promised completion date, the clerk
and window, a seal area, a QR code to check the case and the applicant's signature.

The CJK font is the TrueType collection shipped in resources/fonts, embedded (subset);
reportlab cannot embed CFF fonts. Output is deterministic (reportlab's invariant mode):
the same case, hall and signature give the same bytes, so a document's SHA-256 is stable.
"""

from __future__ import annotations

import io
import ipaddress
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from workstation.domain.case_number import InvalidCaseNumber, parse
from workstation.domain.identity import mask_id, mask_name
from workstation.paths import resources_dir

HALL_TIMEZONE = ZoneInfo("Asia/Shanghai")
FONT_NAME = "WQYMicroHei"

KINDS = ("accept", "accept_with_deficiency", "accept_on_commitment", "notify_once", "reject")

# Each page (document) of a kind: its title and the code in its document number.
_PAGES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "accept": (("受理通知书（收件凭证）", "SL"),),
    "accept_with_deficiency": (("受理通知书（收件凭证）", "SL"), ("容缺承诺书", "RQ")),
    "accept_on_commitment": (("告知承诺书", "CN"),),
    "notify_once": (("一次性告知书", "GZ"),),
    "reject": (("不予受理通知书", "BY"),),
    # 一件事: one receipt for the bundle, each item's decision and deadline on it.
    "bundle": (("一件事受理回执", "YJ"),),
}
_DECISION_WORDS = {"accept": "受理", "accept_with_deficiency": "容缺受理", "accept_on_commitment": "告知承诺受理",
                   "notify_once": "一次性告知", "reject": "不予受理"}

_NECESSITY = {1: "必要", 2: "非必要", 3: "容缺后补"}
_STATUS = {"received": "已收取", "electronic": "电子材料", "shared": "共享免提交", "reused": "复用",
           "missing": "缺少", "defective": "不符合要求", "not_checked": "未核验"}
_PROBLEM = {"missing": "缺少", "defective": "不符合要求", "insufficient": "份数不足",
            "not_checked": "未核验"}

_INK = colors.HexColor("#1a1a1a")
_RULE = colors.HexColor("#555555")
_SHADE = colors.HexColor("#eeeeee")
_SEAL = colors.HexColor("#b22222")


@lru_cache(maxsize=1)
def register_font() -> str:
    """Register the shipped CJK TrueType font once; its name for reportlab."""
    path = resources_dir() / "fonts" / "wqy-microhei.ttc"
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


def document_number(case_number: str, page_code: str) -> str:
    """The number of one document of a case: its kind's code and the canonical 办件编号."""
    return f"{page_code}-{case_number}"


def document_titles(kind: str) -> tuple[str, ...]:
    """The titles of the documents (pages) a decision gives, in order."""
    return tuple(title for title, _ in _pages(kind))


def _pages(kind: str) -> tuple[tuple[str, str], ...]:
    try:
        return _PAGES[kind]
    except KeyError:
        raise ValueError(f"unknown document kind {kind!r}; one of {', '.join(KINDS)}") from None


# Accepting decisions: only their documents promise a completion date (承诺时限).
ACCEPTING = ("accept", "accept_with_deficiency", "accept_on_commitment")


@dataclass(frozen=True)
class SealMark:
    """The hall's seal as printed on the document it signs, so the paper shows what the
    PDF signature proves: who signed (the certificate's subject) and when. `image` is the
    hall's seal picture (a PNG, transparency kept); without one the seal area says the same
    in words."""

    signer: str
    signed_at: datetime
    image: bytes | None = None


def check_url(hall: Mapping[str, Any], case_number: str) -> str:
    """The address the QR code carries: the hall's check address with the case number, in
    place of `{case_number}` when the address has it (the hall server's own check is
    https://HALL/api/v1/documents/check/{case_number}), else as `?case=`. Empty when the
    hall has no check address."""
    base = str(hall.get("check_url") or "").strip()
    if not base:
        return ""
    if "{case_number}" in base:
        return base.replace("{case_number}", case_number)
    return f"{base}{'&' if '?' in base else '?'}case={case_number}"


def check_reach(url: str) -> str:
    """Who can open a check address: "public", "lan" (a private address: the hall's own
    network), "local" (a loopback address: this PC only, as the embedded demo hall's) or
    "none" (no address)."""
    if not url:
        return "none"
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return "local"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "lan" if host.endswith((".local", ".lan", ".internal")) else "public"
    if address.is_loopback or address.is_unspecified:
        return "local"
    return "lan" if address.is_private or address.is_link_local else "public"


def build_document(kind: str, case_payload: Mapping[str, Any], hall: Mapping[str, Any], *,
                   signature_png: bytes | None = None, signed_at: datetime | None = None,
                   mask_applicant: bool = True, seal: SealMark | None = None) -> bytes:
    """The PDF of `kind` (a decision code) for the case `case_payload` (GuideDesk.save_case's
    payload) in `hall` (name, check_url). `signature_png` is the applicant's handwritten
    signature (a PNG, transparency kept), signed at `signed_at` (default: the decision time);
    without it the signature line is left empty for a pen. `seal` is the hall's seal for
    the build that the hall then signs (PAdES): it must be drawn on the very bytes signed,
    so it is known before signing; without it the seal area is left for an ink stamp."""
    pages = _pages(kind)
    register_font()
    styles = _styles()
    case_number = str(case_payload.get("case_number") or "")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=" + ".join(t for t, _ in pages), author=str(hall.get("name") or ""),
        subject=f"办件编号 {_display(case_number)}", creator="counter-workstation",
        producer="counter-workstation (reportlab)", keywords=case_number,
        invariant=1, initialFontName=FONT_NAME, initialFontSize=10, initialLeading=12,
        pageCompression=1,
    )
    story: list[Flowable] = []
    for index, (title, code) in enumerate(pages):
        if index:
            story.append(PageBreak())
        story.extend(_page(kind, code, title, case_payload, hall, styles, signature_png=signature_png,
                           signed_at=signed_at, mask_applicant=mask_applicant, seal=seal))
    doc.build(story)
    return buffer.getvalue()


# ---------------------------------------------------------------- layout


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT_NAME, fontSize=10, leading=14.5, textColor=_INK,
                          wordWrap="CJK")
    return {
        "base": base,
        "hall": ParagraphStyle("hall", parent=base, fontSize=11, leading=14, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontSize=19, leading=26, alignment=TA_CENTER,
                                spaceBefore=2, spaceAfter=2),
        "number": ParagraphStyle("number", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "label": ParagraphStyle("label", parent=base, fontSize=9, leading=12, textColor=colors.HexColor("#333333")),
        "head": ParagraphStyle("head", parent=base, fontSize=9, leading=12, alignment=TA_CENTER),
        "section": ParagraphStyle("section", parent=base, fontSize=11, leading=15, spaceBefore=3, spaceAfter=1),
        "body": ParagraphStyle("body", parent=base, fontSize=10, leading=15, firstLineIndent=20),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, alignment=TA_CENTER),
        "smallleft": ParagraphStyle("smallleft", parent=base, fontSize=8.5, leading=11),
    }


def _esc(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _display(case_number: str) -> str:
    try:
        return parse(case_number).display()
    except InvalidCaseNumber:
        return case_number


def _local_time(value: Any) -> str:
    if not value:
        return "—"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        return f"{moment:%Y-%m-%d %H:%M}"
    return f"{moment.astimezone(HALL_TIMEZONE):%Y-%m-%d %H:%M}"


def _local_date(value: Any) -> str:
    """A date, or the hall's local day of a moment (a UTC decision time is often the
    previous day in UTC)."""
    if not value:
        return "—"
    if isinstance(value, datetime) or (isinstance(value, str) and len(value) > 10):
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        day = moment.astimezone(HALL_TIMEZONE).date() if moment.tzinfo else moment.date()
    else:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日"


def _mask_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


def _person(person: Mapping[str, Any] | None, masked: bool) -> tuple[str, str, str]:
    if not person:
        return "—", "—", "—"
    name = str(person.get("name") or "")
    number = str(person.get("id_number") or "")
    phone = str(person.get("phone") or "")
    id_type = str(person.get("id_type") or "")
    if masked:
        name, number, phone = mask_name(name), mask_id(number), _mask_phone(phone)
    id_text = f"{id_type} {number}".strip() if id_type and not id_type.isdigit() else number
    return name or "—", id_text or "—", phone or "—"


def _page(kind: str, code: str, title: str, case: Mapping[str, Any], hall: Mapping[str, Any],
          styles: dict[str, ParagraphStyle], *, signature_png: bytes | None, signed_at: datetime | None,
          mask_applicant: bool, seal: SealMark | None) -> list[Flowable]:
    case_number = str(case.get("case_number") or "")
    item = case.get("item") or {}
    department = (item.get("department") or {}).get("name", "")
    flow: list[Flowable] = [
        Paragraph(_esc(hall.get("name") or ""), styles["hall"]),
        Paragraph(_esc(title), styles["title"]),
        Paragraph(f"文书编号：{_esc(document_number(case_number, code))}", styles["number"]),
        Spacer(0, 2 * mm),
        _info_table(kind, case, department, styles, mask_applicant),
        Spacer(0, 3 * mm),
        Paragraph("申请材料核验情况", styles["section"]),
        _materials_table(case.get("materials") or [], styles),
        Spacer(0, 2 * mm),
    ]
    flow.extend(_body(kind, code, case, department, styles))
    flow.append(Spacer(0, 2.5 * mm))
    flow.append(KeepTogether(_footer(case, hall, department, styles, signature_png, signed_at, code, seal)))
    return flow


def _info_table(kind: str, case: Mapping[str, Any], department: str, styles: dict[str, ParagraphStyle],
                masked: bool) -> Table:
    item = case.get("item") or {}
    name, id_text, phone = _person(case.get("applicant"), masked)
    agent = case.get("agent")
    clerk = case.get("clerk") or {}
    window = case.get("window")
    limit = item.get("promised_limit") or {}
    limit_text = f"{limit.get('value')} {limit.get('unit', '')}".strip() if limit else "—"
    if limit and not limit.get("value"):
        limit_text = "即办"
    accepting = kind in ACCEPTING
    decided_label = "受理时间" if accepting else "处理时间"
    promised = _local_date(case.get("promised_date"))

    def p(text: Any, style: str = "cell") -> Paragraph:
        return Paragraph(_esc(text), styles[style])

    rows = [
        [p("办件编号", "label"), p(_display(str(case.get("case_number") or ""))), p("", "label"), p("")],
        [p("申请人", "label"), p(name), p("证件号码", "label"), p(id_text)],
        [p("联系电话", "label"), p(phone), p("代理人", "label"),
         p("—" if not agent else f"{_person(agent, masked)[0]}（{_person(agent, masked)[1]}）")],
        [p("一件事" if kind == "bundle" else "事项名称", "label"), p(item.get("name", "")), p("", "label"), p("")],
        [p("事项数" if kind == "bundle" else "事项编码", "label"),
         p(f"{len((case.get('bundle') or {}).get('items') or [])} 项" if kind == "bundle" else item.get("code", "")),
         p("", "label"), p("")],
        [p("受理部门", "label"), p(department or "—"), p("办件类型", "label"), p(item.get("case_type", "") or "—")],
        [p("申请时间", "label"), p(_local_time(case.get("applied_at"))), p(decided_label, "label"),
         p(_local_time(case.get("decided_at")))],
        # A notice that accepts nothing (一次性告知, 不予受理) promises nothing: no 承诺时限 row.
        *([[p("承诺时限", "label"), p(limit_text), p("承诺办结时间", "label"), p(promised)]] if accepting else []),
        *([[p("帮办人", "label"), p(f"{(case.get('helper') or {}).get('name', '')}（本中心帮办员）"), p("", "label"),
             p("")]] if case.get("helper") else []),
        [p("受理人员" if accepting else "经办人员", "label"),
         p(f"{clerk.get('name', '')}（{clerk.get('username', '')}）" if clerk else "—"),
         p("服务窗口", "label"), p(f"{window}号窗口" if window else "—")],
    ]
    width = A4[0] - 36 * mm
    table = Table(rows, colWidths=[24 * mm, width / 2 - 24 * mm, 24 * mm, width / 2 - 24 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT_NAME, 9),
        ("GRID", (0, 0), (-1, -1), 0.5, _RULE),
        ("BACKGROUND", (0, 0), (0, -1), _SHADE),
        ("BACKGROUND", (2, 1), (2, 2), _SHADE),
        ("BACKGROUND", (2, 5), (2, -1), _SHADE),
        ("SPAN", (1, 0), (3, 0)),
        ("SPAN", (1, 3), (3, 3)),
        ("SPAN", (1, 4), (3, 4)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    if case.get("helper"):  # 帮办人 across the row, just above 受理人员
        table.setStyle(TableStyle([("SPAN", (1, len(rows) - 2), (3, len(rows) - 2))]))
    return table


def _material_note(material: Mapping[str, Any]) -> str:
    """The 说明 of a material: the defect, the earlier case a reused one comes from (材料复用),
    or until when the hall keeps it with the applicant's consent."""
    notes = [str(material.get("reason") or "")]
    if material.get("reused_from"):
        notes.append(f"复用办件 {material['reused_from']} 所收材料")
    if material.get("kept_until"):
        notes.append(f"经申请人同意保存至 {material['kept_until']}")
    return "；".join(n for n in notes if n)


def _materials_table(materials: list[Mapping[str, Any]], styles: dict[str, ParagraphStyle]) -> Table:
    def p(text: Any, style: str = "cell") -> Paragraph:
        return Paragraph(_esc(text), styles[style])

    rows: list[list[Any]] = [[p(h, "head") for h in ("序号", "材料名称", "必要性", "核验结果", "原件", "复印件", "说明")]]
    for number, material in enumerate(materials, start=1):
        status = str(material.get("status") or "")
        rows.append([
            p(number, "head"), p(material.get("name", "")),
            p(_NECESSITY.get(int(material.get("necessity") or 0), "—"), "head"),
            p(_STATUS.get(status, status or "—"), "head"),
            p(material.get("originals") or 0, "head"), p(material.get("copies") or 0, "head"),
            p(_material_note(material)),
        ])
    if not materials:
        rows.append([p("—", "head"), p("（无）"), p(""), p(""), p(""), p(""), p("")])
    width = A4[0] - 36 * mm
    fixed = 12 * mm + 19 * mm + 23 * mm + 11 * mm + 14 * mm + 30 * mm
    table = Table(rows, colWidths=[12 * mm, width - fixed, 19 * mm, 23 * mm, 11 * mm, 14 * mm, 30 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT_NAME, 9),
        ("GRID", (0, 0), (-1, -1), 0.5, _RULE),
        ("BACKGROUND", (0, 0), (-1, 0), _SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _body(kind: str, code: str, case: Mapping[str, Any], department: str,
          styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    item = case.get("item") or {}
    decision = case.get("decision") or {}
    item_name = _esc(item.get("name", ""))
    applied = _local_date(case.get("applied_at"))
    promised = _local_date(case.get("promised_date"))
    dept = _esc(department or "本机关")
    body, section = styles["body"], styles["section"]
    flow: list[Flowable] = []
    if code == "SL":
        flow.append(Paragraph(
            f"你（单位）于{applied}提出的【{item_name}】申请，经审查，申请材料齐全、符合法定形式"
            f"{'（容缺材料按容缺承诺书约定期限补齐）' if kind == 'accept_with_deficiency' else ''}，"
            f"根据《中华人民共和国行政许可法》第三十二条的规定，决定予以受理。", body))
        if case.get("promised_date"):
            flow.append(Paragraph(f"本件承诺于{promised}前办结。请凭本通知书或扫描下方二维码查询办理进度。", body))
        else:
            flow.append(Paragraph("请凭本通知书或扫描下方二维码查询办理进度。", body))
        flow.append(Paragraph("本通知书同时作为申请材料的收件凭证，请妥善保管。", body))
    elif code == "RQ":
        flow.append(Paragraph("容缺材料及补齐期限", section))
        flow.append(_simple_table(
            ("序号", "容缺材料", "补齐期限"),
            [(i, d.get("material_name", ""), _local_date(d.get("due")))
             for i, d in enumerate(decision.get("deficiencies") or [], start=1)],
            (12 * mm, None, 40 * mm), styles))
        flow.append(Spacer(0, 2 * mm))
        flow.append(Paragraph(
            f"本人（单位）申请办理【{item_name}】，主要申请材料齐全、符合法定形式，上表所列材料暂缺。"
            f"本人（单位）自愿申请容缺受理，并郑重承诺：在上表所列期限内向{dept}补齐补正上述材料，"
            "并对所提交材料的真实性、合法性负责。逾期未补齐补正或者所作承诺不实的，"
            "同意行政机关依法终止办理或者撤销相关决定，由此产生的法律责任和后果由本人（单位）承担。", body))
    elif code == "CN":
        committed = [str(name) for name in decision.get("committed") or []]
        flow.append(Paragraph("一、告知事项", section))
        flow.append(Paragraph(
            f"你（单位）申请办理【{item_name}】，{dept}依法实行证明事项告知承诺制。"
            "申请人应当符合该事项法律、法规规定的条件，如实填写申请信息，并对承诺内容的真实性负责；"
            "行政机关将在作出决定后依法对承诺内容进行核查。", body))
        flow.append(Paragraph("二、证明内容", section))
        proven = "、".join(f"【{_esc(n)}】" for n in committed) if committed else "（无）"
        flow.append(Paragraph(f"以书面承诺替代提交的证明材料：{proven}。申请人承诺已符合上述证明材料所证明的事实和条件。", body))
        flow.append(Paragraph("三、承诺方式", section))
        flow.append(Paragraph(
            "申请人自愿选择告知承诺方式办理，在本告知承诺书上签名（单位加盖公章）后，视为作出承诺；"
            "本承诺书一式两份，申请人和行政机关各执一份。申请人也可以选择不承诺，改为提交相应证明材料。", body))
        flow.append(Paragraph("四、虚假承诺的法律责任", section))
        flow.append(Paragraph(
            "申请人作出不实承诺的，行政机关将依法撤销所作决定，责令限期整改，"
            "并将不实承诺信息记入信用记录、依法实施信用惩戒；涉嫌违法犯罪的，依法追究法律责任。", body))
        flow.append(Paragraph("五、申请人承诺", section))
        flow.append(Paragraph(
            "本人（单位）已知晓上述告知的全部内容，承诺所填写的信息真实、准确，"
            "已符合告知的条件和要求，愿意承担不实承诺的法律责任。", body))
    elif code == "GZ":
        flow.append(Paragraph(
            f"你（单位）于{applied}提出的【{item_name}】申请，经审查，申请材料不齐全或者不符合法定形式。"
            "根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，"
            "现一次性告知需要补齐补正的全部内容如下：", body))
        flow.append(Spacer(0, 1.5 * mm))
        rows = []
        for i, n in enumerate(decision.get("notice") or [], start=1):
            standards = "；".join(str(s) for s in n.get("standards") or []) or "—"
            problem = _PROBLEM.get(str(n.get("problem") or ""), str(n.get("problem") or ""))
            detail = str(n.get("detail") or "")
            rows.append((i, n.get("material_name", ""), f"{problem}{'：' + detail if detail else ''}", standards))
        flow.append(_simple_table(("序号", "材料名称", "存在问题", "应当符合的标准"), rows,
                                  (12 * mm, 50 * mm, 38 * mm, None), styles))
        flow.append(Spacer(0, 1.5 * mm))
        flow.append(Paragraph("请按上述要求补齐补正全部材料后重新提交申请。本告知书所列即为需补正的全部内容，"
                              "不再另行要求补正其他材料。", body))
    elif code == "YJ":
        bundle = case.get("bundle") or {}
        lines = bundle.get("items") or []
        flow.append(Paragraph(
            f"你（单位）于{applied}申请办理一件事【{_esc(bundle.get('name', ''))}】，"
            f"共 {len(lines)} 个事项，一次提交、共用材料只收一次。各事项的受理结果和承诺办结日期如下：", body))
        flow.append(Spacer(0, 1.5 * mm))
        flow.append(_simple_table(
            ("子件", "事项名称", "办件编号", "处理结果", "承诺办结日期"),
            [(line.get("sub_number", ""), line.get("item", ""), _display(str(line.get("case_number") or "")),
              _DECISION_WORDS.get(str(line.get("decision")), str(line.get("label") or "")),
              _local_date(line.get("promised_date")) if line.get("promised_date") else "—")
             for line in lines],
            (10 * mm, None, 55 * mm, 22 * mm, 30 * mm), styles))
        told = [line for line in lines if line.get("decision") in ("notify_once", "reject")]
        for line in told:
            if line.get("decision") == "notify_once":
                flow.append(Paragraph(
                    f"子件 {_esc(line.get('sub_number'))}【{_esc(line.get('item'))}】一次性告知需补齐补正："
                    f"{_esc('；'.join(_notice_words(n) for n in line.get('notice') or []) or '见一次性告知书')}。"
                    "补齐补正后可就该事项再次申请。", body))
            else:
                flow.append(Paragraph(
                    f"子件 {_esc(line.get('sub_number'))}【{_esc(line.get('item'))}】不予受理："
                    f"{_esc(line.get('reason') or '')}。", body))
        flow.append(Paragraph("本回执同时作为申请材料的收件凭证，请妥善保管；凭本回执的办件编号或各子件的办件编号"
                              "查询办理进度。", body))
    elif code == "BY":
        reason = _esc(decision.get("reason") or "申请事项不属于本机关职权范围或者申请人不符合申请条件")
        flow.append(Paragraph(
            f"你（单位）于{applied}提出的【{item_name}】申请，经审查，因{reason}，"
            "根据《中华人民共和国行政许可法》第三十二条第一款的规定，决定不予受理。", body))
        flow.append(Paragraph(
            "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，"
            "或者自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。", body))
    return flow


def _notice_words(notice: Mapping[str, Any]) -> str:
    problem = _PROBLEM.get(str(notice.get("problem") or ""), str(notice.get("problem") or ""))
    detail = str(notice.get("detail") or "")
    return f"{notice.get('material_name', '')}（{problem}{'：' + detail if detail else ''}）"


def _simple_table(headers: tuple[str, ...], rows: list[tuple[Any, ...]], widths: tuple[float | None, ...],
                  styles: dict[str, ParagraphStyle]) -> Table:
    width = A4[0] - 36 * mm
    known = sum(w for w in widths if w is not None)
    col_widths = [w if w is not None else width - known for w in widths]
    data: list[list[Any]] = [[Paragraph(_esc(h), styles["head"]) for h in headers]]
    for row in rows or [tuple("—" if i == 1 else "" for i in range(len(headers)))]:
        data.append([Paragraph(_esc(v), styles["head" if i == 0 else "cell"]) for i, v in enumerate(row)])
    table = Table(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT_NAME, 9),
        ("GRID", (0, 0), (-1, -1), 0.5, _RULE),
        ("BACKGROUND", (0, 0), (-1, 0), _SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


class _Box(Flowable):
    """A labelled box of fixed size, optionally with an image inside and text under it."""

    def __init__(self, width: float, height: float, label: str, *, colour: Any = _RULE,
                 dashed: bool = False, note: str = "", image: Image | None = None, line: bool = False) -> None:
        super().__init__()
        self.width, self.height = width, height
        self.label, self.colour, self.dashed, self.note = label, colour, dashed, note
        self.image, self.line = image, line

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setStrokeColor(self.colour)
        c.setLineWidth(0.8)
        if self.dashed:
            c.setDash(3, 2)
        c.rect(0, 0, self.width, self.height)
        c.setDash()
        c.setFillColor(self.colour)
        c.setFont(FONT_NAME, 9)
        c.drawString(4, self.height - 12, self.label)
        c.setFillColor(_INK)
        if self.image is not None:
            x = (self.width - self.image.drawWidth) / 2
            self.image.drawOn(c, x, 18)
        if self.line:
            c.setStrokeColor(_RULE)
            c.setLineWidth(0.5)
            c.line(10, 26, self.width - 10, 26)
        if self.note:
            c.setFont(FONT_NAME, 8.5)
            c.drawCentredString(self.width / 2, 6, self.note)
        c.restoreState()


class _QrCode(Flowable):
    """A QR code drawn as filled runs of modules straight on the canvas (no graphics
    renderer, whose default state would add an unembedded base font to the page)."""

    def __init__(self, text: str, size: float, border: int = 2) -> None:
        super().__init__()
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(text)
        code.make()
        self.modules = [[bool(v) for v in row] for row in code.modules]
        self.width = self.height = size
        self.border = border

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        count = len(self.modules)
        box = self.width / (count + 2 * self.border)
        c.saveState()
        c.setFillColor(colors.black)
        path = c.beginPath()
        for r, row in enumerate(self.modules):
            y = self.height - (r + self.border + 1) * box
            column = 0
            for dark, run in itertools.groupby(row):
                length = len(list(run))
                if dark:
                    path.rect((column + self.border) * box, y, length * box, box)
                column += length
        c.drawPath(path, stroke=0, fill=1)
        c.restoreState()


class _SealBox(Flowable):
    """The seal area (受理机关（印章）). Before the hall signs it is an empty dashed box for an
    ink stamp. On the build the hall signs, it shows the hall's seal picture over the
    department and date, as a stamp sits on paper, and under it the signer and the signing
    time: the paper then shows what the PDF signature proves. Without a seal picture the
    same is said in words, never an empty box."""

    def __init__(self, width: float, height: float, note: str, seal: SealMark | None) -> None:
        super().__init__()
        self.width, self.height, self.note, self.seal = width, height, note, seal
        self.image: Image | None = None
        if seal is not None and seal.image:
            self.image = _fitted_image(seal.image, height - 36, height - 36)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setStrokeColor(_SEAL)
        c.setLineWidth(0.8)
        if self.seal is None:
            c.setDash(3, 2)
        c.rect(0, 0, self.width, self.height)
        c.setDash()
        c.setFillColor(_SEAL)
        c.setFont(FONT_NAME, 9)
        c.drawString(4, self.height - 12, "受理机关（印章）" if self.seal is None else "受理机关（电子印章）")
        middle = self.width / 2
        if self.seal is None:
            c.setFillColor(_INK)
            c.setFont(FONT_NAME, 8.5)
            c.drawCentredString(middle, 6, self.note)
            c.restoreState()
            return
        when = f"签章时间：{_local_time(self.seal.signed_at)}"
        signer = _fit_text(f"签章人：{self.seal.signer}", 7, self.width - 6)
        if self.image is not None:
            # The department and date first, the seal over them, the signer and time at the foot.
            c.setFillColor(_INK)
            c.setFont(FONT_NAME, 8.5)
            c.drawCentredString(middle, 26, self.note)
            self.image.drawOn(c, middle - self.image.drawWidth / 2, 21)
            c.setFillColor(_INK)
            c.setFont(FONT_NAME, 7)
            c.drawCentredString(middle, 12, signer)
            c.drawCentredString(middle, 3.5, when)
        else:
            c.setFillColor(_SEAL)
            c.setFont(FONT_NAME, 12)
            c.drawCentredString(middle, self.height / 2 + 14, "已加盖电子签章")
            c.setFillColor(_INK)
            c.setFont(FONT_NAME, 8.5)
            c.drawCentredString(middle, self.height / 2 - 2, self.note)
            c.setFont(FONT_NAME, 7)
            c.drawCentredString(middle, 14, signer)
            c.drawCentredString(middle, 5, when)
        c.restoreState()


def _fit_text(text: str, size: float, width: float) -> str:
    """`text`, cut with an ellipsis where it would overrun `width` at `size` points."""
    if pdfmetrics.stringWidth(text, FONT_NAME, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT_NAME, size) > width:
        text = text[:-1]
    return text + "…"


def _fitted_image(png: bytes, max_width: float, max_height: float) -> Image:
    image = Image(io.BytesIO(png), mask="auto")
    scale = min(max_width / image.imageWidth, max_height / image.imageHeight)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    return image


def _check_caption(reach: str) -> tuple[str, str]:
    """What the QR's caption and the printed address line say about who can open it."""
    if reach == "local":
        return "演示地址，仅本机可用", "（演示地址，仅本机可用）"
    if reach == "lan":
        return "大厅内网地址", "（大厅内部网络地址，仅在大厅内可用）"
    return "扫码查询办件进度", ""


def _footer(case: Mapping[str, Any], hall: Mapping[str, Any], department: str,
            styles: dict[str, ParagraphStyle], signature_png: bytes | None, signed_at: datetime | None,
            code: str, seal: SealMark | None) -> list[Flowable]:
    case_number = str(case.get("case_number") or "")
    height = 38 * mm
    seal_width, qr_width, sign_width = 58 * mm, 40 * mm, 70 * mm
    decided = _local_date(case.get("decided_at"))
    # A bundle's receipt is the hall's (its items' departments each seal their own notices).
    sealer = hall.get("name", "") if code == "YJ" else department or hall.get("name", "")
    seal_box = _SealBox(seal_width, height, f"{sealer}  {decided}", seal)
    url = check_url(hall, case_number)
    reach = check_reach(url)
    phone = _esc(hall.get("phone") or "—")
    if url:
        caption, where = _check_caption(reach)
        qr_cell = [_QrCode(url, 30 * mm), Paragraph(caption, styles["small"])]
        address = f"查询地址：{_esc(url)}{where}　咨询电话：{phone}"
    else:
        # No check address: the QR carries the 办件编号 alone, which the hall's scanners read.
        qr_cell = [_QrCode(case_number, 30 * mm), Paragraph("办件编号二维码", styles["small"])]
        address = f"本中心暂未提供网上查询，请凭办件编号到窗口或致电查询　咨询电话：{phone}"
    signer_label = "申请人（签名）" if code != "GZ" else "申请人（签收）"
    if signature_png:
        moment = signed_at or (datetime.fromisoformat(str(case["decided_at"])) if case.get("decided_at") else None)
        when = f"签名时间：{_local_time(moment)}" if moment else "签名时间："
        sign = _Box(sign_width, height, signer_label, note=when,
                    image=_fitted_image(signature_png, sign_width - 16, height - 34))
    else:
        sign = _Box(sign_width, height, signer_label, note="签名时间：______年____月____日 ____:____", line=True)
    table = Table([[seal_box, qr_cell, sign]],
                  colWidths=[seal_width + 4 * mm, qr_width + 4 * mm, sign_width + 4 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT_NAME, 9),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return [table, Spacer(0, 2 * mm), Paragraph(address, styles["smallleft"])]
