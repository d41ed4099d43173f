"""The material check (材料核验): find the service item, answer its situations, check each
material against the guide, and record the decision the rules allow."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.citizen.citizen_screen import finding_word
from ui.words import fill
from workstation.app.guide import GuideSnapshot
from workstation.domain.bundle import (
    BundleEvaluation,
    BundleProblem,
    MergedMaterial,
    evaluate_bundle,
    merged_materials,
)
from workstation.domain.bundle import unanswered as bundle_unanswered
from workstation.domain.case_number import InvalidCaseNumber
from workstation.domain.case_number import parse as parse_case_number
from workstation.domain.catalogue import Necessity
from workstation.domain.checklist import (
    Decision,
    DecisionNotAllowed,
    Evaluation,
    MaterialCheck,
    MaterialStatus,
    allowed_statuses,
    applicable_materials,
    decide,
    evaluate,
    required_counts,
    requirement_text,
    unanswered_groups,
)
from workstation.domain.workdays import CalendarUnknown
from workstation.protocol.bundles import Bundle
from workstation.protocol.catalogue import Material, ServiceItem

# The material (its name, what to bring, and the defect's reason when there is one), then the
# short columns, each as wide as its longest content, and last what the applicant is shown.
COL_NAME, COL_NEED, COL_STATUS, COL_ORIGINALS, COL_COPIES, COL_FINDING = range(6)

# The colours the citizen screen uses for the same four findings (readable on white too).
FINDING_COLOURS = {"ok": "#17703a", "missing": "#b3261e", "problem": "#9a5b00", "pending": "#4a5a70"}
FINDING_MARKS = {"ok": "✔", "missing": "✘", "problem": "！", "pending": "…"}
_WORST_FIRST = ("missing", "problem", "pending", "ok")  # a shared row shows its worst finding
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def display_case_number(number: str) -> str:
    """A 办件编号 grouped for reading (as printed on the receipt), or as it came."""
    try:
        return parse_case_number(number).display()
    except InvalidCaseNumber:
        return number


def item_mark(index: int) -> str:
    """①, ② … for the bundle's items, in order (10 and on as (11) …)."""
    return _CIRCLED[index] if index < len(_CIRCLED) else f"({index + 1})"


@dataclass(frozen=True)
class Finding:
    """What one material comes to at this moment: `state` is ok, missing, problem (handed
    over but defective or short) or pending (not checked yet, or its entry is unfinished);
    `detail` says why, for the clerk."""

    material_id: str
    name: str
    state: str
    detail: str = ""


def findings(evaluation: Evaluation, unfinished: Mapping[str, str] | None = None) -> list[Finding]:
    """Each applicable material's finding, from one evaluation. The clerk's table and the
    citizen's checklist both show exactly these, so the two screens cannot disagree.
    `unfinished` maps a material to why its entry does not count yet (counted as not checked)."""
    unfinished = unfinished or {}
    statuses = {c.material_id: c for c in evaluation.checks}
    problems = {p.material_id: p for p in evaluation.problems}
    result = []
    for material in evaluation.materials:
        check, problem = statuses[material.id], problems.get(material.id)
        if check.status is MaterialStatus.NOT_CHECKED:
            state, detail = "pending", unfinished.get(material.id, "")
        elif check.status is MaterialStatus.MISSING:
            state, detail = "missing", ""
        elif check.status is MaterialStatus.DEFECTIVE:
            state, detail = "problem", check.defect_reason or ""
        elif problem is not None and problem.in_notice:  # received, but too few originals or copies
            state, detail = "problem", problem.detail or problem.kind.label
        else:
            state, detail = "ok", ""
        result.append(Finding(material.id, material.name, state, detail))
    return result


class _DecisionBar(QWidget):
    """The decision buttons. A click on a greyed-out one is not lost: the clerk who tries a
    decision the rules refuse is told why, there and then (Qt gives a disabled button's
    clicks to its event filters only, so the bar watches its buttons)."""

    refused_click = Signal(object)  # the Decision whose disabled button was clicked

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.buttons: dict[Decision, QPushButton] = {}

    def add(self, decision: Decision, button: QPushButton) -> None:
        self.buttons[decision] = button
        button.installEventFilter(self)
        self.layout().addWidget(button)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(watched, QPushButton) \
                and not watched.isEnabled() and watched.rect().contains(event.position().toPoint()):
            decision = next((d for d, b in self.buttons.items() if b is watched), None)
            if decision is not None:
                self.refused_click.emit(decision)
                return True
        return super().eventFilter(watched, event)


class _Situations(QWidget):
    """The item's situation groups side by side while the width allows, else wrapped onto
    more rows: one box a row cost a 768-pixel screen two of the table's rows."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # The width is the panel's to give; the boxes adapt to it, never widen the window.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[QGroupBox] = []
        self._placement: list[tuple[int, int, int]] = []

    def add(self, box: QGroupBox) -> None:
        self.boxes.append(box)
        self._reflow()

    def clear(self) -> None:
        for box in self.boxes:
            self.grid.removeWidget(box)
            box.hide()
            box.deleteLater()
        self.boxes, self._placement = [], []

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._reflow()

    def _reflow(self) -> None:
        spacing = max(self.grid.horizontalSpacing(), 6)
        rows: list[list[QGroupBox]] = [[]]
        used = 0
        for box in self.boxes:
            wanted = box.sizeHint().width()
            if rows[-1] and used + spacing + wanted > self.width():
                rows.append([])
                used = 0
            rows[-1].append(box)
            used += wanted + (spacing if used else 0)
        columns = max(len(r) for r in rows)
        placement = []
        for r, boxes in enumerate(rows):
            for c, _box in enumerate(boxes):
                placement.append((r, c, columns - c if c == len(boxes) - 1 else 1))  # the last one spans
        if placement == self._placement:
            return
        self._placement = placement
        for box in self.boxes:
            self.grid.removeWidget(box)
        for box, (r, c, span) in zip(self.boxes, placement, strict=True):
            self.grid.addWidget(box, r, c, 1, span)


class _MaterialCell(QWidget):
    """The material's name with what to bring under it, whole (wrapped, never cut); and,
    when the clerk finds it defective, the field for what is wrong."""

    def __init__(self, material: Material, parent=None, used_by: str = "", held_line: str = "",
                 reusable: bool = False) -> None:
        super().__init__(parent)
        hint = requirement_text(material) + (f" · {used_by}" if used_by else "")
        self.label = QLabel(
            f"<span style='color:#1f2d3d'>{html.escape(material.name)}</span><br>"
            f"<span style='color:#5a6b80; font-size:10pt'>{html.escape(hint)}</span>")
        self.label.setObjectName(f"name_{material.id}")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setToolTip("\n".join([f"{material.name}：{requirement_text(material)}",
                                         *material.acceptance_standards]))
        self.reason = QComboBox()
        self.reason.setObjectName(f"reason_{material.id}")
        self.reason.setEditable(True)
        # As wide as the cell, not as the longest standard; the list opens wide enough to read them.
        self.reason.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.reason.setMinimumContentsLength(6)
        self.reason.addItems(material.acceptance_standards)
        self.reason.setCurrentIndex(-1)
        self.reason.currentTextChanged.connect(self.reason.setToolTip)
        if material.acceptance_standards:
            widest = max(self.reason.fontMetrics().horizontalAdvance(t) for t in material.acceptance_standards)
            self.reason.view().setMinimumWidth(widest + 40)
        self.reason.hide()
        # 材料复用: what the hall holds of this material for the applicant, and the tick that
        # reuses it (a valid one only; Tab reaches it, Space ticks it).
        self.held = QLabel(held_line)
        self.held.setObjectName(f"held_{material.id}")
        self.held.setWordWrap(True)
        self.held.setStyleSheet("color: #17703a; font-size: 10pt;" if reusable else "color: #9a5b00; font-size: 10pt;")
        self.held.setVisible(bool(held_line))
        self.reuse = QCheckBox(QCoreApplication.translate("MaterialsPanel", "Reuse, do not ask again"))
        self.reuse.setObjectName(f"reuse_{material.id}")
        self.reuse.setVisible(reusable)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(3)
        layout.addWidget(self.label)
        layout.addWidget(self.held)
        layout.addWidget(self.reuse)
        layout.addWidget(self.reason)

    def needed_height(self, width: int) -> int:
        """The height that shows everything at `width`."""
        margins = self.layout().contentsMargins()
        inner = max(1, width - margins.left() - margins.right())
        height = margins.top() + margins.bottom() + self.label.heightForWidth(inner)
        if not self.held.isHidden():
            height += self.layout().spacing() + self.held.heightForWidth(inner)
        if not self.reuse.isHidden():
            height += self.layout().spacing() + self.reuse.sizeHint().height()
        if not self.reason.isHidden():
            height += self.layout().spacing() + self.reason.sizeHint().height()
        return height


class MaterialsPanel(QWidget):
    """Emits `decided(item, evaluation, record)` when the clerk records a decision, and
    `checklist_changed(title, rows)` for the citizen screen's mirror."""

    decided = Signal(object, object, object)
    # 一件事: (bundle, chosen options, BundleEvaluation, [(item, evaluation, record)] in order)
    bundle_decided = Signal(object, object, object, object)
    checklist_changed = Signal(str, object)
    licences_requested = Signal()  # 查电子证照: the clerk asks the licence service (the app does it)
    consent_skipped = Signal()  # 材料复用: the clerk goes on without the applicant's answer (nothing kept)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.snapshot: GuideSnapshot | None = None
        self.item: ServiceItem | None = None
        self.evaluation: Evaluation | None = None
        self.findings: list[Finding] = []  # of `evaluation`: what the table and the citizen screen show
        self._materials: list[Material] = []
        self._building = False  # rows half built: nothing to evaluate yet
        self._situation_buttons: dict[str, QCheckBox | QRadioButton] = {}
        # 一件事: the bundle on screen instead of one item, its merged rows and its verdicts.
        self.bundle: Bundle | None = None
        self.bundle_evaluation: BundleEvaluation | None = None
        self._rows: list[MergedMaterial] = []

        self.search = QLineEdit()
        self.search.setObjectName("itemSearch")
        self.search.setPlaceholderText(self.tr("Find the service item: name, pinyin initials or code (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("itemResults")
        self.results.setMaximumHeight(180)
        self.results.hide()
        self.search.textEdited.connect(self._search)
        self.search.returnPressed.connect(self._pick_first)
        self.results.itemActivated.connect(self._picked)
        QShortcut(QKeySequence("Ctrl+F"), self, self._focus_search)

        self.header = QLabel(self.tr("Choose the service item to check the materials."))
        self.header.setObjectName("itemHeader")
        self.header.setWordWrap(True)
        self.guide_button = QPushButton(self.tr("Guide (F1)"))
        self.guide_button.setObjectName("guideButton")
        self.guide_button.setEnabled(False)
        self.guide_button.clicked.connect(self.show_guide)
        QShortcut(QKeySequence("F1"), self, self.show_guide)
        self.licence_button = QPushButton(self.tr("E-licences (Ctrl+L)"))
        self.licence_button.setObjectName("licenceLookup")
        self.licence_button.setToolTip(self.tr("Fetch the materials marked 免提交 from the licence service by the "
                                               "applicant's ID number"))
        self.licence_button.setEnabled(False)
        self.licence_button.hide()  # shown when the window has a licence service ([licences] url)
        self.licence_button.clicked.connect(self._licences_clicked)
        QShortcut(QKeySequence("Ctrl+L"), self, self._licences_clicked)
        self.licences: dict[str, object] = {}  # material id -> the Licence that stands for it
        # 材料复用: what the hall holds for the applicant at the counter, by material name.
        self.held: dict[str, object] = {}  # name -> workstation.app.held.HeldMaterial
        self.held_today = date.today()
        self.reuse_button = QPushButton(self.tr("Reuse held (Ctrl+R)"))
        self.reuse_button.setObjectName("reuseHeld")
        self.reuse_button.setToolTip(self.tr("Reuse every material the centre holds, still valid, for this applicant"))
        self.reuse_button.hide()
        self.reuse_button.clicked.connect(self.reuse_all)
        QShortcut(QKeySequence("Ctrl+R"), self, self.reuse_all)
        self.held_notice = QLabel()
        self.held_notice.setObjectName("heldNotice")
        self.held_notice.setWordWrap(True)
        self.held_notice.hide()
        head = QHBoxLayout()
        head.addWidget(self.header, 1)
        head.addWidget(self.reuse_button)
        head.addWidget(self.licence_button)
        head.addWidget(self.guide_button)

        self.situations = _Situations()

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("checklist")
        self.table.setHorizontalHeaderLabels([self.tr("Material"), self.tr("Required"),
                                              self.tr("Status"), self.tr("Originals"),
                                              self.tr("Copies"), self.tr("Applicant sees")])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        # The name takes all the room the short columns leave; they are sized by `_fit_columns`
        # to their longest content, so that nothing in them is ever cut.
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in (COL_NEED, COL_STATUS, COL_ORIGINALS, COL_COPIES, COL_FINDING):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(24)
        header.sectionResized.connect(self._name_resized)

        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)

        self.decision_bar = _DecisionBar()
        self.decision_bar.refused_click.connect(self._refused_click)
        self.buttons = self.decision_bar.buttons
        decisions = QHBoxLayout(self.decision_bar)
        decisions.setContentsMargins(0, 0, 0, 0)
        for decision, label in self._decision_labels().items():
            button = QPushButton(label)
            button.setObjectName(f"decide_{decision.value}")
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, d=decision: self._decide_clicked(d))
            self.decision_bar.add(decision, button)

        self.bundle_items = QTableWidget(0, 3)
        self.bundle_items.setObjectName("bundleItems")
        self.bundle_items.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Check"), self.tr("Decision")])
        self.bundle_items.verticalHeader().hide()
        self.bundle_items.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.bundle_items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        items_header = self.bundle_items.horizontalHeader()
        items_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        items_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        items_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.bundle_items.hide()
        self.bundle_save = QPushButton(self.tr("Record the decisions of the bundle"))
        self.bundle_save.setObjectName("bundleSave")
        self.bundle_save.setEnabled(False)
        self.bundle_save.clicked.connect(self._save_bundle_clicked)
        self.bundle_save.hide()

        self.result = QLabel()
        self.result.setObjectName("caseResult")
        self.result.setWordWrap(True)

        # 材料复用: while the citizen screen asks whether the materials may be kept.
        self.consent_wait = QWidget()
        wait = QHBoxLayout(self.consent_wait)
        wait.setContentsMargins(0, 0, 0, 0)
        self.consent_label = QLabel(self.tr("The applicant is asked on their screen whether the centre may keep "
                                            "the materials received…"))
        self.consent_label.setObjectName("consentWaiting")
        self.consent_label.setWordWrap(True)
        self.consent_skip = QPushButton(self.tr("Go on without keeping (Esc)"))
        self.consent_skip.setObjectName("consentSkip")
        self.consent_skip.clicked.connect(self.consent_skipped)
        wait.addWidget(self.consent_label, 1)
        wait.addWidget(self.consent_skip)
        self.consent_wait.hide()
        QShortcut(QKeySequence("Esc"), self.consent_wait, self._skip_consent)

        # What of the hall's guide this PC could not read (kept until a good read).
        self.guide_notice = QLabel()
        self.guide_notice.setObjectName("guideNotice")
        self.guide_notice.setWordWrap(True)
        self.guide_notice.setStyleSheet("color: #b3261e;")
        self.guide_notice.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.guide_notice)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addLayout(head)
        layout.addWidget(self.held_notice)
        layout.addWidget(self.situations)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.decision_bar)
        layout.addWidget(self.bundle_items)
        layout.addWidget(self.bundle_save)
        layout.addWidget(self.consent_wait)
        layout.addWidget(self.result)

    # 电子证照 (免提交)

    def set_licence_service(self, available: bool) -> None:
        self.licence_button.setVisible(available)
        self._update_licence_button()

    def _update_licence_button(self) -> None:
        self.licence_button.setEnabled(any(m.shareable for m in self._materials))

    @Slot()
    def _licences_clicked(self) -> None:
        if self.licence_button.isVisible() and self.licence_button.isEnabled():
            self._show_result(self.tr("Asking the licence service…"))
            self.licences_requested.emit()

    def apply_licences(self, licences: list, today: date | None = None) -> list[str]:
        """Mark each 免提交 material a valid licence stands for as fetched by data sharing
        (共享免提交), its licence named on the row; returns the names marked."""
        from workstation.app.licences import licence_for

        today = today or date.today()
        marked = []
        for row, material in enumerate(self._materials):
            licence = licence_for(material, licences, today)
            combo = self.table.cellWidget(row, COL_STATUS)
            if licence is None or combo is None or combo.findData(MaterialStatus.SHARED.value) < 0:
                continue
            self.licences[material.id] = licence
            combo.setCurrentIndex(combo.findData(MaterialStatus.SHARED.value))
            self._name_licence(combo, licence)
            marked.append(material.name)
        if marked:
            self._show_result(fill(self.tr("Fetched by data sharing: %1"), "、".join(marked)))
        else:
            self._show_result(self.tr("The licence service holds nothing for these materials: take them on paper."))
        return marked

    def _name_licence(self, combo, licence) -> None:
        until = licence.valid_until.isoformat() if licence.valid_until else self.tr("no end")
        combo.setToolTip(fill(self.tr("E-licence %1 %2, valid until %3"), licence.type, licence.number, until))

    def licence_problem(self, reason: str) -> None:
        """The service could not be asked: the clerk goes on with paper; nothing changes."""
        self._show_result(fill(self.tr("The licence service cannot be used now (%1): take the materials on paper."),
                               reason), refused=True)

    # 材料复用

    def ask_consent_shown(self, waiting: bool) -> None:
        """While the applicant answers, no decision can be recorded a second time."""
        self.consent_wait.setVisible(waiting)
        if waiting:
            for button in self.buttons.values():
                button.setEnabled(False)
            self.bundle_save.setEnabled(False)
            self.consent_skip.setFocus()
        elif self.item is not None or self.bundle is not None:
            self._reevaluate()

    @Slot()
    def _skip_consent(self) -> None:
        if self.consent_wait.isVisible():
            self.consent_skipped.emit()

    def set_held(self, held: list, today: date | None = None) -> None:
        """What the hall holds for the applicant now at the counter (HeldMaterial, any
        validity): each matching row says so, and a valid one may be ticked 复用."""
        self.held_today = today or date.today()
        self.held = {}
        for entry in held:  # newest first: the first of a name is the one the hall keeps
            self.held.setdefault(entry.material_name, entry)
        valid = [h for h in self.held.values() if h.valid_on(self.held_today)]
        if not held:
            self._show_held_notice(self.tr("The centre holds no materials of this applicant."), "#4a5a70")
        else:
            names = "、".join(h.material_name for h in valid) or self.tr("none still valid")
            self._show_held_notice(fill(self.tr("The centre holds %1 material(s) of this applicant; valid for reuse: "
                                                 "%2"), len(self.held), names), "#17703a")
        self._rows_again()

    def held_problem(self, reason: str) -> None:
        """The hall could not be asked: the clerk takes paper as usual; nothing is offered."""
        self.held = {}
        self._show_held_notice(fill(self.tr("The centre's held materials cannot be looked up now (%1): take the "
                                            "materials on paper."), reason), "#b3261e")
        self._rows_again()

    def clear_held(self) -> None:
        self.held = {}
        self.held_notice.hide()
        self._rows_again()

    def _show_held_notice(self, text: str, colour: str) -> None:
        self.held_notice.setText(text)
        self.held_notice.setStyleSheet(f"color: {colour};")
        self.held_notice.show()

    def _rows_again(self) -> None:
        if self.item is not None or self.bundle is not None:
            # The hall's answer about held materials changes no check the clerk made: the
            # line below the checklist (such as what the licence service just fetched, which
            # may have come first) stays.
            text, style = self.result.text(), self.result.styleSheet()
            self._rebuild_checklist()
            self.result.setText(text)
            self.result.setStyleSheet(style)
        else:
            self.reuse_button.hide()

    def held_for(self, material: Material):
        """The hall's held copy of `material` for this applicant, valid or not, or None."""
        return self.held.get(material.name)

    def _reusable(self, material: Material):
        held = self.held_for(material)
        return held if held is not None and held.valid_on(self.held_today) else None

    def _held_line(self, material: Material) -> str:
        held = self.held_for(material)
        if held is None:
            return ""
        number = display_case_number(held.case_number)
        if held.valid_on(self.held_today):
            return fill(self.tr("Held: received %1 (case %2), valid until %3"), held.received_on.isoformat(), number,
                        held.valid_until.isoformat())
        return fill(self.tr("Held: received %1 (case %2), expired %3: ask for it again"),
                    held.received_on.isoformat(), number, held.valid_until.isoformat())

    @Slot()
    def reuse_all(self) -> list[str]:
        """Tick 复用 on every row whose material the hall holds, still valid (Ctrl+R)."""
        ticked = []
        for row, material in enumerate(self._materials):
            cell = self.table.cellWidget(row, COL_NAME)
            if isinstance(cell, _MaterialCell) and cell.reuse.isVisible() and cell.reuse.isEnabled():
                cell.reuse.setChecked(True)
                ticked.append(material.name)
        return ticked

    # the catalogue

    def set_snapshot(self, snapshot: GuideSnapshot) -> None:
        self.snapshot = snapshot
        if snapshot.unreadable:
            self.guide_notice.setText(fill(self.tr(
                "%1 entries of the hall's guide cannot be read at this PC and are left out (%2); "
                "everything else works. Tell IT: this PC may need the hall's newer version."),
                str(len(snapshot.unreadable)), "; ".join(snapshot.unreadable[:3])))
        self.guide_notice.setVisible(bool(snapshot.unreadable))
        if self.item is not None:
            fresh = snapshot.item(self.item.code)
            if fresh is None:  # withdrawn from the catalogue while on screen
                self.clear()
                self.header.setText(self.tr("This service item was withdrawn from the catalogue."))
        if self.bundle is not None and snapshot.bundle(self.bundle.code) is None:
            self.clear()
            self.header.setText(self.tr("This bundle was withdrawn from the catalogue."))
        if self.search.text():
            self._search(self.search.text())

    def guide_failed(self, reason: str) -> None:
        """The guide could not be read again: the one on screen stays in use."""
        kept = self.tr("the guide read before stays in use") if self.snapshot is not None else \
            self.tr("no service item can be checked until it is")
        self.guide_notice.setText(fill(self.tr("The hall's guide cannot be read at this PC (%1): %2. Tell IT."),
                                       reason, kept))
        self.guide_notice.show()

    @Slot()
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    @Slot(str)
    def _search(self, text: str) -> None:
        self.results.clear()
        if self.snapshot is None or not text.strip():
            self.results.hide()
            return
        for bundle in self.snapshot.search_bundles(text):
            entry = QListWidgetItem(self.tr("[One thing] %1　%2 items").replace("%1", bundle.name).replace(
                "%2", str(len(bundle.items))))
            entry.setData(Qt.ItemDataRole.UserRole, ("bundle", bundle.code))
            self.results.addItem(entry)
        for hit in self.snapshot.index.search(text, limit=20):
            item = self.snapshot.item(hit.code)
            entry = QListWidgetItem(f"{hit.name}　{item.department.name if item else ''}")
            entry.setData(Qt.ItemDataRole.UserRole, hit.code)
            self.results.addItem(entry)
        self.results.setVisible(self.results.count() > 0)
        if self.results.count():
            self.results.setCurrentRow(0)

    @Slot()
    def _pick_first(self) -> None:
        current = self.results.currentItem() or self.results.item(0)
        if current is not None:
            self._picked(current)

    @Slot(QListWidgetItem)
    def _picked(self, entry: QListWidgetItem) -> None:
        data = entry.data(Qt.ItemDataRole.UserRole)
        if isinstance(data, (tuple, list)) and data and data[0] == "bundle":
            self.choose_bundle(data[1])
        else:
            self.choose_item(data)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.search.hasFocus() and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
            self.results.setFocus()
            self.results.keyPressEvent(event)
            return
        super().keyPressEvent(event)

    def choose_item(self, code: str) -> None:
        assert self.snapshot is not None
        item = self.snapshot.item(code)
        if item is None:
            return
        self._leave_bundle()
        self.item = item
        self.results.hide()
        self.search.clear()
        self._show_result("")
        limit = item.promised_limit
        promise = (self.tr("done on the spot") if limit.value == 0 else
                   self.tr("promised within %1 %2").replace("%1", str(limit.value)).replace("%2", limit.unit.value))
        self.header.setText(f"{item.name} · {item.department.name} · {item.case_type.value} · {promise}")
        self.guide_button.setEnabled(True)
        self._build_situations(item)
        self._rebuild_checklist()

    # 一件事

    def choose_bundle(self, code: str) -> None:
        """Check a bundle: its situations asked once, one merged checklist (each shared
        material once, marked with the items that need it), a decision per item."""
        assert self.snapshot is not None
        bundle = self.snapshot.bundle(code)
        if bundle is None:
            return
        self.item, self.evaluation = None, None
        self.bundle = bundle
        self.results.hide()
        self.search.clear()
        self._show_result("")
        self.header.setText(self.tr("One thing: %1 · %2").replace("%1", bundle.name).replace("%2", bundle.description))
        self.guide_button.setEnabled(False)
        self.decision_bar.hide()
        for button in self.buttons.values():
            button.setEnabled(False)
        self.bundle_items.show()
        self.bundle_save.show()
        self._build_situations(bundle)
        self._fill_bundle_items()
        self._rebuild_checklist()

    def _leave_bundle(self) -> None:
        self.bundle = self.bundle_evaluation = None
        self._rows = []
        self.bundle_items.setRowCount(0)
        self.bundle_items.hide()
        self.bundle_save.hide()
        self.bundle_save.setEnabled(False)
        self.decision_bar.show()

    def _bundle_item_codes(self) -> list[str]:
        assert self.bundle is not None
        return [entry.item for entry in self.bundle.items]

    def _fill_bundle_items(self) -> None:
        """One row per item of the bundle: ① name, what its check comes to, its decision."""
        assert self.bundle is not None and self.snapshot is not None
        codes = self._bundle_item_codes()
        self.bundle_items.setRowCount(len(codes))
        for row, code in enumerate(codes):
            item = self.snapshot.item(code)
            name = QTableWidgetItem(f"{item_mark(row)} {item.name if item else code}")
            name.setToolTip(f"{item.name} · {item.department.name}" if item else code)
            self.bundle_items.setItem(row, 0, name)
            self.bundle_items.setItem(row, 1, QTableWidgetItem(""))
            combo = QComboBox()
            combo.setObjectName(f"bundleDecision_{row}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            self.bundle_items.setCellWidget(row, 2, combo)
        self.bundle_items.setMaximumHeight(self.bundle_items.horizontalHeader().height()
                                           + sum(self.bundle_items.rowHeight(r) for r in range(len(codes))) + 4)

    def _decision_labels(self) -> dict[Decision, str]:
        return {Decision.ACCEPT: self.tr("Accept"),
                Decision.ACCEPT_WITH_DEFICIENCY: self.tr("Accept with deficiency"),
                Decision.ACCEPT_ON_COMMITMENT: self.tr("Accept on commitment"),
                Decision.NOTIFY_ONCE: self.tr("Notify once"),
                Decision.REJECT: self.tr("Reject")}

    def bundle_decision(self, row: int) -> Decision | None:
        combo = self.bundle_items.cellWidget(row, 2)
        data = combo.currentData() if combo is not None else None
        return Decision(data) if data else None

    def choose_bundle_decision(self, row: int, decision: Decision) -> None:
        combo = self.bundle_items.cellWidget(row, 2)
        index = combo.findData(decision.value)
        if index < 0:
            raise ValueError(f"{decision.value} is not allowed for item {row + 1}")
        combo.setCurrentIndex(index)

    def _show_bundle_verdicts(self) -> None:
        """Each item's allowed decisions in its combo (the clerk's choice kept while it is
        still allowed; else the first the rules allow, the applicant's best), and whether
        the whole bundle can be recorded: every item answered and checked."""
        assert self.bundle is not None and self.bundle_evaluation is not None
        labels = self._decision_labels()
        evaluations = self.bundle_evaluation.items
        applicable = set(evaluations)
        ready = not self.bundle_evaluation.unanswered and bool(applicable)
        for row, code in enumerate(self._bundle_item_codes()):
            state = self.bundle_items.item(row, 1)
            combo = self.bundle_items.cellWidget(row, 2)
            kept = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            evaluation = evaluations.get(code)
            if evaluation is None:
                state.setText(self.tr("not applied for"))
                state.setForeground(QColor(FINDING_COLOURS["pending"]))
                combo.setEnabled(False)
            else:
                allowed = evaluation.allowed_decisions if evaluation.complete else ()
                for decision in allowed:
                    combo.addItem(labels[decision], decision.value)
                if kept and combo.findData(kept) >= 0:
                    combo.setCurrentIndex(combo.findData(kept))
                combo.setEnabled(bool(allowed))
                if not evaluation.complete:
                    state.setText(self.tr("checking"))
                    state.setForeground(QColor(FINDING_COLOURS["pending"]))
                    ready = False
                elif evaluation.allowed(Decision.ACCEPT):
                    state.setText(self.tr("complete"))
                    state.setForeground(QColor(FINDING_COLOURS["ok"]))
                else:
                    state.setText(self.tr("materials missing or defective"))
                    state.setForeground(QColor(FINDING_COLOURS["problem"]))
                if not allowed:
                    ready = False
            combo.blockSignals(False)
        self.bundle_save.setEnabled(ready)
        self.bundle_save.setToolTip("" if ready else self.tr(
            "Answer every question and check every material first."))

    @Slot()
    def _save_bundle_clicked(self) -> None:
        if self.bundle is None or self.bundle_evaluation is None:
            return
        choices: dict[int, tuple[str | None, dict[str, date] | None]] = {}
        for row, code in enumerate(self._bundle_item_codes()):
            evaluation = self.bundle_evaluation.items.get(code)
            decision = self.bundle_decision(row)
            if evaluation is None or decision is None:
                continue
            reason, due = None, None
            if decision is Decision.REJECT:
                reason = self._ask_reason()
                if reason is None:
                    return
            elif decision is Decision.ACCEPT_WITH_DEFICIENCY:
                due = self._ask_due_dates(evaluation)
                if due is None:
                    return
            choices[row] = (reason, due)
        self.record_bundle(choices)

    def record_bundle(self, answers: Mapping[int, tuple[str | None, dict[str, date] | None]] | None = None) -> bool:
        """Record each applied-for item's chosen decision (with the reason or due dates in
        `answers`, by row) if the rules allow it; a refusal is shown, never bypassed."""
        assert self.bundle is not None and self.bundle_evaluation is not None and self.snapshot is not None
        answers = answers or {}
        decided = []
        for row, code in enumerate(self._bundle_item_codes()):
            evaluation = self.bundle_evaluation.items.get(code)
            if evaluation is None:
                continue
            decision = self.bundle_decision(row)
            reason, due = answers.get(row, (None, None))
            try:
                if decision is None:
                    raise DecisionNotAllowed(Decision.ACCEPT, self.tr("no decision is allowed yet"))
                record = decide(evaluation, decision, reason=reason, deficiency_due=due, today=date.today())
            except DecisionNotAllowed as exc:
                self._show_result(f"{item_mark(row)} {self.snapshot.item(code).name}：{exc}", refused=True)
                return False
            decided.append((self.snapshot.item(code), evaluation, record))
        self.bundle_decided.emit(self.bundle, sorted(self.chosen()), self.bundle_evaluation, decided)
        return True

    def _build_situations(self, item: ServiceItem | Bundle) -> None:
        self._clear_situations()
        for group in item.situations:
            box = QGroupBox(group.name)
            row = QHBoxLayout(box)
            exclusive = QButtonGroup(box)
            exclusive.setExclusive(not group.multiple)
            for option in group.options:
                button = QCheckBox(option.name) if group.multiple else QRadioButton(option.name)
                button.setObjectName(f"situation_{option.id}")
                exclusive.addButton(button)
                button.toggled.connect(self._situations_changed)
                row.addWidget(button)
                self._situation_buttons[option.id] = button
            row.addStretch(1)
            self.situations.add(box)

    def chosen(self) -> set[str]:
        return {oid for oid, button in self._situation_buttons.items() if button.isChecked()}

    def choose_situation(self, option_id: str) -> None:
        self._situation_buttons[option_id].setChecked(True)

    @Slot(bool)
    def _situations_changed(self, _checked: bool) -> None:
        self._rebuild_checklist()

    # the checklist

    def _rebuild_checklist(self) -> None:
        assert self.item is not None or self.bundle is not None
        previous = {m.id: self._row_state(r) for r, m in enumerate(self._materials)}
        if self.bundle is not None:
            assert self.snapshot is not None
            try:
                self._rows = merged_materials(self.bundle, self.snapshot.bundle_items(self.bundle), self.chosen())
            except (BundleProblem, ValueError):
                self._rows = []
            # A row's id is its merged key: a shared group's id, or "item/material".
            self._materials = [row.material.model_copy(update={"id": row.key}) for row in self._rows]
        else:
            self._materials = applicable_materials(self.item, self.chosen())
        for row in range(self.table.rowCount()):
            for col in range(self.table.columnCount()):
                old = self.table.cellWidget(row, col)
                if old is not None:
                    old.hide()  # deleted later by the table; never drawn over the new rows
        self.table.setRowCount(0)
        self.table.setRowCount(len(self._materials))
        # Restoring a row fires its signals; evaluating then would read rows not yet built.
        self._building = True
        try:
            for row, material in enumerate(self._materials):
                if self.bundle is not None:
                    self._fill_row(row, material, self._rows[row].statuses, self._used_by(self._rows[row]))
                else:
                    self._fill_row(row, material)
                if material.id in previous:
                    self._restore_row(row, previous[material.id])
                    licence = self.licences.get(material.id)
                    if licence is not None and previous[material.id][0] == MaterialStatus.SHARED.value:
                        self._name_licence(self.table.cellWidget(row, COL_STATUS), licence)
        finally:
            self._building = False
        self._update_licence_button()
        self.reuse_button.setVisible(any(not self.table.cellWidget(r, COL_NAME).reuse.isHidden()
                                         for r in range(len(self._materials))))
        self._fit_columns()
        # The situation boxes and the bundle's rows settle their layout after this: fit the
        # rows again once they have, so no wrapped name or hint is cut.
        QTimer.singleShot(0, self._fit_rows)
        self._reevaluate()

    def _used_by(self, merged: MergedMaterial) -> str:
        """"用于 ①③": the bundle's items that need the row."""
        codes = self._bundle_item_codes()
        marks = "".join(item_mark(codes.index(code)) for code in dict.fromkeys(merged.items) if code in codes)
        return self.tr("for %1").replace("%1", marks)

    def _fill_row(self, row: int, material: Material, statuses=None, used_by: str = "") -> None:
        necessity = {Necessity.REQUIRED: self.tr("required"), Necessity.OPTIONAL: self.tr("optional"),
                     Necessity.DEFERRABLE: self.tr("may follow later")}[material.necessity]
        reusable = self._reusable(material)
        offered = [v for v in (statuses or allowed_statuses(material))
                   if v is not MaterialStatus.REUSED or reusable is not None]
        cell = _MaterialCell(material, used_by=used_by, held_line=self._held_line(material),
                             reusable=reusable is not None and MaterialStatus.REUSED in offered)
        self.table.setCellWidget(row, COL_NAME, cell)
        need = QTableWidgetItem(necessity)
        need.setFlags(Qt.ItemFlag.ItemIsEnabled)
        need.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.setItem(row, COL_NEED, need)
        status = QComboBox()
        status.setObjectName(f"status_{material.id}")
        status.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for value in offered:
            status.addItem(self._status_label(value), value.value)
        originals, copies = QSpinBox(), QSpinBox()
        originals.setObjectName(f"originals_{material.id}")
        copies.setObjectName(f"copies_{material.id}")
        for box in (originals, copies):
            box.setRange(0, 99)
            box.setEnabled(False)
        finding = QTableWidgetItem()
        finding.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.table.setCellWidget(row, COL_STATUS, status)
        self.table.setCellWidget(row, COL_ORIGINALS, originals)
        self.table.setCellWidget(row, COL_COPIES, copies)
        self.table.setItem(row, COL_FINDING, finding)
        reason = cell.reason

        def status_changed(_index: int, m=material, s=status, o=originals, c=copies, r=reason) -> None:
            value = MaterialStatus(s.currentData())
            counted = value in (MaterialStatus.RECEIVED, MaterialStatus.DEFECTIVE)
            o.setEnabled(counted)
            c.setEnabled(counted)
            if value is MaterialStatus.RECEIVED and not (o.value() or c.value()):
                want_o, want_c = required_counts(m)
                o.setValue(want_o)
                c.setValue(want_c)
            if not counted:
                o.setValue(0)
                c.setValue(0)
            # Only a defective material has a reason; a hidden one is kept in case the clerk
            # comes back to 不符合要求, but never shown on a row that says otherwise.
            r.setVisible(value is MaterialStatus.DEFECTIVE)
            tick.blockSignals(True)
            tick.setChecked(value is MaterialStatus.REUSED)
            tick.blockSignals(False)
            if not self._building:
                self._fit_rows()
            self._reevaluate()

        tick = cell.reuse

        def ticked(on: bool, s=status) -> None:
            wanted = MaterialStatus.REUSED if on else MaterialStatus.NOT_CHECKED
            if s.findData(wanted.value) >= 0:
                s.setCurrentIndex(s.findData(wanted.value))

        status.currentIndexChanged.connect(status_changed)
        tick.toggled.connect(ticked)
        originals.valueChanged.connect(lambda _v: self._reevaluate())
        copies.valueChanged.connect(lambda _v: self._reevaluate())
        reason.currentTextChanged.connect(lambda _t: self._reevaluate())

    # sizing: every cell whole, the name given the room

    def _fit_columns(self) -> None:
        """Size each short column to its longest content (the combo's longest choice, the
        header, the widest word), then the rows to their wrapped names."""
        header = self.table.horizontalHeader()
        for col in (COL_NEED, COL_STATUS, COL_ORIGINALS, COL_COPIES, COL_FINDING):
            width = header.sectionSizeFromContents(col).width()
            for row in range(self.table.rowCount()):
                width = max(width, self._cell_width(row, col))
            header.resizeSection(col, width)
        # However narrow the window, the name keeps room for about ten characters a line
        # (the table scrolls sideways rather than squeeze it into a column of single characters).
        fixed = sum(self.table.columnWidth(c) for c in range(self.table.columnCount()) if c != COL_NAME)
        self.table.setMinimumWidth(fixed + 10 * self.table.fontMetrics().horizontalAdvance("材")
                                   + self.table.verticalScrollBar().sizeHint().width() + 2 * self.table.frameWidth())
        self._fit_rows()

    def _cell_width(self, row: int, col: int) -> int:
        widget = self.table.cellWidget(row, col)
        if widget is not None:
            widget.ensurePolished()
            return widget.sizeHint().width() + 4
        item = self.table.item(row, col)
        if item is None:
            return 0
        if col == COL_FINDING:  # whichever finding it will show, it must fit
            texts = [self._finding_text(state) for state in FINDING_MARKS]
        else:
            texts = [item.text()]
        metrics = self.table.fontMetrics()
        return max(metrics.horizontalAdvance(t) for t in texts) + 2 * self._item_margin() + 4

    def _item_margin(self) -> int:
        style = self.table.style()
        return style.pixelMetric(style.PixelMetric.PM_FocusFrameHMargin, None, self.table) + 1

    @Slot(int, int, int)
    def _name_resized(self, col: int, _old: int, _new: int) -> None:
        if col == COL_NAME:
            self._fit_rows()

    def _fit_rows(self) -> None:
        width = self.table.columnWidth(COL_NAME)
        for row in range(self.table.rowCount()):
            height = self.table.fontMetrics().height() + 8
            for col in range(self.table.columnCount()):
                widget = self.table.cellWidget(row, col)
                if isinstance(widget, _MaterialCell):
                    height = max(height, widget.needed_height(width))
                elif widget is not None:
                    height = max(height, widget.sizeHint().height())
            if self.table.rowHeight(row) != height + 2:
                self.table.setRowHeight(row, height + 2)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # A new font or style (scaling, the style sheet) changes every width.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and self._materials:
            self._fit_columns()
        super().changeEvent(event)

    def _status_label(self, status: MaterialStatus) -> str:
        return {MaterialStatus.NOT_CHECKED: self.tr("not checked"),
                MaterialStatus.RECEIVED: self.tr("received"),
                MaterialStatus.ELECTRONIC: self.tr("electronic"),
                MaterialStatus.SHARED: self.tr("fetched by data sharing"),
                MaterialStatus.REUSED: self.tr("reused"),
                MaterialStatus.MISSING: self.tr("missing"),
                MaterialStatus.DEFECTIVE: self.tr("defective")}[status]

    def _widgets(self, material_id: str) -> tuple[QComboBox, QSpinBox, QSpinBox, QComboBox]:
        row = next(r for r, m in enumerate(self._materials) if m.id == material_id)
        return (self.table.cellWidget(row, COL_STATUS), self.table.cellWidget(row, COL_ORIGINALS),
                self.table.cellWidget(row, COL_COPIES), self.table.cellWidget(row, COL_NAME).reason)

    def _row_state(self, row: int) -> tuple[str, int, int, str]:
        status = self.table.cellWidget(row, COL_STATUS)
        return (status.currentData(), self.table.cellWidget(row, COL_ORIGINALS).value(),
                self.table.cellWidget(row, COL_COPIES).value(),
                self.table.cellWidget(row, COL_NAME).reason.currentText())

    def _restore_row(self, row: int, state: tuple[str, int, int, str]) -> None:
        status, originals, copies, reason = state
        combo = self.table.cellWidget(row, COL_STATUS)
        combo.setCurrentIndex(max(0, combo.findData(status)))
        self.table.cellWidget(row, COL_ORIGINALS).setValue(originals)
        self.table.cellWidget(row, COL_COPIES).setValue(copies)
        self.table.cellWidget(row, COL_NAME).reason.setCurrentText(reason)

    def mark(self, material_id: str, status: MaterialStatus, originals: int | None = None,
             copies: int | None = None, reason: str | None = None) -> None:
        """Set one material's finding, as the clerk would with the row's controls."""
        combo, o, c, r = self._widgets(material_id)
        combo.setCurrentIndex(combo.findData(status.value))
        if originals is not None:
            o.setValue(originals)
        if copies is not None:
            c.setValue(copies)
        if reason is not None:
            r.setCurrentText(reason)

    def _checks(self) -> tuple[list[MaterialCheck], dict[str, str]]:
        """The rows as checks; a row whose entry is unfinished counts as not checked, and
        the second value says why, per material."""
        checks, unfinished = [], {}
        for row, material in enumerate(self._materials):
            status_value, originals, copies, reason = self._row_state(row)
            status = MaterialStatus(status_value)
            try:
                if status is MaterialStatus.REUSED:
                    held = self._reusable(material)
                    if held is None:
                        raise ValueError(self.tr("the centre holds no valid copy of it any more"))
                    checks.append(MaterialCheck.reused(material.id, held.case_number))
                    continue
                if status is MaterialStatus.RECEIVED and not (originals or copies):
                    raise ValueError(self.tr("count the originals or copies received"))
                if status is MaterialStatus.DEFECTIVE and not reason.strip():
                    raise ValueError(self.tr("choose or type what is wrong"))
                checks.append(MaterialCheck(material.id, status,
                                            originals if status in (MaterialStatus.RECEIVED, MaterialStatus.DEFECTIVE) else 0,
                                            copies if status in (MaterialStatus.RECEIVED, MaterialStatus.DEFECTIVE) else 0,
                                            reason.strip() if status is MaterialStatus.DEFECTIVE else None))
            except ValueError as exc:
                checks.append(MaterialCheck.not_checked(material.id))
                unfinished[material.id] = str(exc)
        return checks, unfinished

    def _reevaluate(self) -> None:
        if self.bundle is not None:
            if not self._building:
                self._reevaluate_bundle()
            return
        if self.item is None or self._building:
            return
        checks, unfinished = self._checks()
        self.evaluation = evaluate(self.item, self.chosen(), checks)
        # One evaluation, one list of findings, for the table and the citizen screen alike.
        self.findings = findings(self.evaluation, unfinished)
        for decision, button in self.buttons.items():
            verdict = self.evaluation.verdict(decision)
            button.setEnabled(verdict.allowed)
            # A greyed-out button says why when pointed at; clicking it says so below it.
            button.setToolTip(verdict.reason if verdict.allowed else str(DecisionNotAllowed(decision, verdict.reason)))
        # A refusal answers one attempt; once the check changes it no longer applies.
        self._show_result("")
        self._show_findings()
        names = {m.id: m.name for m in self._materials}
        lines = [f"{names[mid]}：{why}" for mid, why in unfinished.items()]
        unanswered = [g.name for g in unanswered_groups(self.item, self.chosen())]
        if unanswered:
            lines.append(self.tr("Choose: %1").replace("%1", "、".join(unanswered)))
        for problem in self.evaluation.notice:
            lines.append(f"{problem.material_name}：{problem.kind.label}"
                         + (f"（{problem.detail}）" if problem.detail else ""))
        # Materials not looked at yet share one line: at the start of a check every row is one,
        # and a line each would push the table itself off a 768-pixel screen.
        unchecked = [p.material_name for p in self.evaluation.unchecked if p.material_id not in unfinished]
        if unchecked:
            lines.append(self.tr("Not checked yet: %1").replace("%1", "、".join(unchecked)))
        self.problems.setText("\n".join(lines) if lines else self.tr("Every material is in order."))

    def _reevaluate_bundle(self) -> None:
        assert self.bundle is not None and self.snapshot is not None
        checks, unfinished = self._checks()
        items = self.snapshot.bundle_items(self.bundle)
        try:
            self.bundle_evaluation = evaluate_bundle(self.bundle, items, self.chosen(), checks)
        except (BundleProblem, ValueError) as exc:
            self.problems.setText(str(exc))
            return
        # A row's finding is the worst of what it comes to for each item that needs it.
        per_item = {code: {f.material_id: f for f in findings(evaluation)}
                    for code, evaluation in self.bundle_evaluation.items.items()}
        self.findings = []
        for merged, material in zip(self._rows, self._materials, strict=True):
            states = [per_item[ref.item][ref.material] for ref in merged.needed_by
                      if ref.material in per_item.get(ref.item, {})]
            worst = min(states, key=lambda f: _WORST_FIRST.index(f.state)) if states else None
            if material.id in unfinished:
                state, detail = "pending", unfinished[material.id]
            elif worst is None:
                state, detail = "pending", ""
            else:
                state, detail = worst.state, worst.detail
            self.findings.append(Finding(material.id, material.name, state, detail))
        self._show_result("")
        self._show_findings()
        self._show_bundle_verdicts()
        lines = [f"{m.name}：{unfinished[m.id]}" for m in self._materials if m.id in unfinished]
        unanswered = bundle_unanswered(self.bundle, self.chosen())
        if unanswered:
            lines.append(self.tr("Choose: %1").replace("%1", "、".join(unanswered)))
        codes = self._bundle_item_codes()
        for code, evaluation in self.bundle_evaluation.items.items():
            mark = item_mark(codes.index(code))
            if evaluation.unanswered:
                lines.append(f"{mark} " + self.tr("Choose: %1").replace("%1", "、".join(
                    g.name for g in unanswered_groups(items[code], evaluation.chosen))))
            for problem in evaluation.notice:
                lines.append(f"{mark} {problem.material_name}：{problem.kind.label}"
                             + (f"（{problem.detail}）" if problem.detail else ""))
        unchecked = [f.name for f in self.findings if f.state == "pending" and f.material_id not in unfinished]
        if unchecked:
            lines.append(self.tr("Not checked yet: %1").replace("%1", "、".join(unchecked)))
        self.problems.setText("\n".join(lines) if lines else self.tr("Every material is in order."))

    def _finding_text(self, state: str) -> str:
        # The citizen screen's own word: the clerk reads what the applicant reads.
        return f"{FINDING_MARKS[state]} {finding_word(state)}"

    def _show_findings(self) -> None:
        """Show `findings` in the table's last column and on the citizen screen, together."""
        assert self.item is not None or self.bundle is not None
        for row, finding in enumerate(self.findings):
            item = self.table.item(row, COL_FINDING)
            item.setText(self._finding_text(finding.state))
            item.setForeground(QColor(FINDING_COLOURS[finding.state]))
            item.setToolTip(finding.detail)
        title = self.bundle.name if self.bundle is not None else self.item.name
        self.checklist_changed.emit(title, [(f.name, f.state) for f in self.findings])

    # deciding

    @Slot()
    def _decide_clicked(self, decision: Decision) -> None:
        if self.evaluation is None:
            return
        reason, due = None, None
        if decision is Decision.REJECT:
            reason = self._ask_reason()
            if reason is None:
                return
        elif decision is Decision.ACCEPT_WITH_DEFICIENCY:
            due = self._ask_due_dates()
            if due is None:
                return
        self.record_decision(decision, reason=reason, due=due)

    def record_decision(self, decision: Decision, reason: str | None = None,
                        due: dict[str, date] | None = None) -> bool:
        """Record `decision` if the rules allow it; the refusal is shown, never bypassed."""
        assert self.item is not None and self.evaluation is not None
        try:
            record = decide(self.evaluation, decision, reason=reason, deficiency_due=due,
                            today=date.today())
        except DecisionNotAllowed as exc:
            self._show_result(str(exc), refused=True)
            return False
        self.decided.emit(self.item, self.evaluation, record)
        return True

    @Slot(object)
    def _refused_click(self, decision: Decision) -> None:
        if self.evaluation is not None:
            self.record_decision(decision)

    def _show_result(self, text: str, refused: bool = False) -> None:
        self.result.setText(text)
        self.result.setStyleSheet("color: #b3261e;" if refused else "")

    def _ask_reason(self) -> str | None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Reject"))
        text = QPlainTextEdit()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form = QFormLayout(dialog)
        form.addRow(QLabel(self.tr("The specific reason the application is not accepted:")))
        form.addRow(text)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted or not text.toPlainText().strip():
            return None
        return text.toPlainText().strip()

    def _ask_due_dates(self, evaluation: Evaluation | None = None) -> dict[str, date] | None:
        evaluation = evaluation or self.evaluation
        assert evaluation is not None and self.snapshot is not None
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Accept with deficiency"))
        form = QFormLayout(dialog)
        form.addRow(QLabel(self.tr("By when will the applicant bring each missing material?")))
        today = date.today()
        try:
            default = self.snapshot.calendar.add_working_days(today, 5)
        except CalendarUnknown:
            default = today.replace(day=min(today.day, 28))
        editors = {}
        for problem in evaluation.deferred:
            editor = QDateEdit(QDate(default.year, default.month, default.day))
            editor.setCalendarPopup(True)
            editor.setMinimumDate(QDate.currentDate().addDays(1))
            editors[problem.material_id] = editor
            form.addRow(problem.material_name, editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return {mid: editor.date().toPython() for mid, editor in editors.items()}

    def show_saved(self, text: str) -> None:
        self.clear()
        self._show_result(text)

    def clear(self) -> None:
        self._leave_bundle()
        self.item = None
        self.evaluation = None
        self.findings = []
        self._materials = []
        self.table.setRowCount(0)
        self._clear_situations()
        self.problems.clear()
        self.guide_button.setEnabled(False)
        for button in self.buttons.values():
            button.setEnabled(False)
        self.header.setText(self.tr("Choose the service item to check the materials."))
        self.checklist_changed.emit("", [])

    def _clear_situations(self) -> None:
        self.situations.clear()
        self._situation_buttons = {}

    # the guide itself

    @Slot()
    def show_guide(self) -> None:
        if self.item is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(self.item.name)
        dialog.resize(820, 700)
        view = QTextBrowser()
        view.setObjectName("guideView")
        view.setHtml(guide_html(self.item))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(view)
        layout.addWidget(close)
        dialog.exec()


APPLICANT_KINDS = {1: "自然人", 2: "企业法人", 3: "事业法人", 4: "社会组织法人", 5: "非法人企业",
                   6: "行政机关", 9: "其他组织"}


def guide_html(item: ServiceItem) -> str:
    """The whole 办事指南 of `item` as one readable page."""
    e = html.escape
    fees = ("；".join(f"{f.name}：{f.standard}" + (f"（{f.basis}）" if f.basis else "") for f in item.fees.items)
            if item.fees.charged else "不收费")
    rows = [
        ("实施编码", item.code), ("基本编码", item.basic_code), ("事项类型", item.item_type.value),
        ("实施主体", item.department.name),
        ("服务对象", "、".join(APPLICANT_KINDS.get(int(k), str(int(k))) for k in item.applicant_kinds)),
        ("办件类型", item.case_type.value),
        ("法定办结时限", f"{item.legal_limit.value} 个{item.legal_limit.unit.value}"),
        ("承诺办结时限", "当场办结" if item.promised_limit.value == 0
         else f"{item.promised_limit.value} 个{item.promised_limit.unit.value}"),
        ("告知承诺", "可适用" if item.commitment_allowed else "不适用"),
        ("收费", fees), ("办理地点", item.place), ("办理时间", item.hours),
        ("咨询电话", item.phone), ("监督投诉电话", item.complaint_phone),
    ]
    parts = [f"<h2>{e(item.name)}</h2><table cellpadding='4'>"]
    parts += [f"<tr><td><b>{e(k)}</b></td><td>{e(v)}</td></tr>" for k, v in rows]
    parts.append("</table>")
    parts.append(f"<h3>受理条件</h3><p>{e(item.conditions)}</p>")
    if item.basis:
        parts.append("<h3>设定依据</h3><ul>" + "".join(f"<li>{e(b)}</li>" for b in item.basis) + "</ul>")
    parts.append("<h3>申请材料</h3><ol>")
    necessity = {1: "必要", 2: "非必要", 3: "容缺后补"}
    options = {o.id: o.name for g in item.situations for o in g.options}
    for m in item.materials:
        when = f"；适用：{e('、'.join(options[o] for o in m.applies_when))}" if m.applies_when else ""
        parts.append(f"<li><b>{e(m.name)}</b>（{necessity[int(m.necessity)]}，{e(requirement_text(m))}{when}）"
                     + (f"<br>填报须知：{e(m.filling_notes)}" if m.filling_notes else "")
                     + "<br>受理标准：" + e("；".join(m.acceptance_standards)) + "</li>")
    parts.append("</ol>")
    if item.situations:
        parts.append("<h3>办事情形</h3><ul>")
        for g in item.situations:
            parts.append(f"<li>{e(g.name)}：{e('、'.join(o.name for o in g.options))}</li>")
        parts.append("</ul>")
    parts.append("<h3>办理流程</h3><ol>" + "".join(f"<li>{e(s)}</li>" for s in item.procedure) + "</ol>")
    if item.faq:
        parts.append("<h3>常见问题</h3>" + "".join(f"<p><b>问：{e(q.question)}</b><br>答：{e(q.answer)}</p>"
                                                  for q in item.faq))
    return "".join(parts)
