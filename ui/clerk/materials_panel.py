"""The material check (材料核验): find the service item, answer its situations, check each
material against the guide, and record the decision the rules allow."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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
    QSpinBox,
    QTableWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.app.guide import GuideSnapshot
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
from workstation.protocol.catalogue import Material, ServiceItem

COL_NAME, COL_NEED, COL_STATUS, COL_ORIGINALS, COL_COPIES, COL_REASON = range(6)


class MaterialsPanel(QWidget):
    """Emits `decided(item, evaluation, record)` when the clerk records a decision, and
    `checklist_changed(title, rows)` for the citizen screen's mirror."""

    decided = Signal(object, object, object)
    checklist_changed = Signal(str, object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.snapshot: GuideSnapshot | None = None
        self.item: ServiceItem | None = None
        self.evaluation: Evaluation | None = None
        self._materials: list[Material] = []
        self._situation_buttons: dict[str, QCheckBox | QRadioButton] = {}

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
        head = QHBoxLayout()
        head.addWidget(self.header, 1)
        head.addWidget(self.guide_button)

        self.situations = QWidget()
        self.situations_layout = QVBoxLayout(self.situations)
        self.situations_layout.setContentsMargins(0, 0, 0, 0)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("checklist")
        self.table.setHorizontalHeaderLabels([self.tr("Material"), self.tr("Required"),
                                              self.tr("Status"), self.tr("Originals"),
                                              self.tr("Copies"), self.tr("Problem")])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in (COL_NEED, COL_STATUS, COL_ORIGINALS, COL_COPIES):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_REASON, 200)
        header.setMinimumSectionSize(60)

        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)

        self.buttons: dict[Decision, QPushButton] = {}
        decisions = QHBoxLayout()
        labels = {Decision.ACCEPT: self.tr("Accept"),
                  Decision.ACCEPT_WITH_DEFICIENCY: self.tr("Accept with deficiency"),
                  Decision.ACCEPT_ON_COMMITMENT: self.tr("Accept on commitment"),
                  Decision.NOTIFY_ONCE: self.tr("Notify once"),
                  Decision.REJECT: self.tr("Reject")}
        for decision, label in labels.items():
            button = QPushButton(label)
            button.setObjectName(f"decide_{decision.value}")
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, d=decision: self._decide_clicked(d))
            decisions.addWidget(button)
            self.buttons[decision] = button

        self.result = QLabel()
        self.result.setObjectName("caseResult")
        self.result.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addLayout(head)
        layout.addWidget(self.situations)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addLayout(decisions)
        layout.addWidget(self.result)

    # the catalogue

    def set_snapshot(self, snapshot: GuideSnapshot) -> None:
        self.snapshot = snapshot
        if self.item is not None:
            fresh = snapshot.item(self.item.code)
            if fresh is None:  # withdrawn from the catalogue while on screen
                self.clear()
                self.header.setText(self.tr("This service item was withdrawn from the catalogue."))
        if self.search.text():
            self._search(self.search.text())

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
        self.choose_item(entry.data(Qt.ItemDataRole.UserRole))

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
        self.item = item
        self.results.hide()
        self.search.clear()
        self.result.clear()
        limit = item.promised_limit
        promise = (self.tr("done on the spot") if limit.value == 0 else
                   self.tr("promised within %1 %2").replace("%1", str(limit.value)).replace("%2", limit.unit.value))
        self.header.setText(f"{item.name} · {item.department.name} · {item.case_type.value} · {promise}")
        self.guide_button.setEnabled(True)
        self._build_situations(item)
        self._rebuild_checklist()

    def _build_situations(self, item: ServiceItem) -> None:
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
            self.situations_layout.addWidget(box)

    def chosen(self) -> set[str]:
        return {oid for oid, button in self._situation_buttons.items() if button.isChecked()}

    def choose_situation(self, option_id: str) -> None:
        self._situation_buttons[option_id].setChecked(True)

    @Slot(bool)
    def _situations_changed(self, _checked: bool) -> None:
        self._rebuild_checklist()

    # the checklist

    def _rebuild_checklist(self) -> None:
        assert self.item is not None
        previous = {m.id: self._row_state(r) for r, m in enumerate(self._materials)}
        self._materials = applicable_materials(self.item, self.chosen())
        for row in range(self.table.rowCount()):
            for col in range(self.table.columnCount()):
                old = self.table.cellWidget(row, col)
                if old is not None:
                    old.hide()  # deleted later by the table; never drawn over the new rows
        self.table.setRowCount(0)
        self.table.setRowCount(len(self._materials))
        for row, material in enumerate(self._materials):
            self._fill_row(row, material)
            if material.id in previous:
                self._restore_row(row, previous[material.id])
        self.table.resizeRowsToContents()
        self._reevaluate()

    def _fill_row(self, row: int, material: Material) -> None:
        necessity = {Necessity.REQUIRED: self.tr("required"), Necessity.OPTIONAL: self.tr("optional"),
                     Necessity.DEFERRABLE: self.tr("may follow later")}[material.necessity]
        name = QLabel(f"{material.name}<br><small>{html.escape(requirement_text(material))}</small>")
        name.setWordWrap(True)
        name.setToolTip("\n".join(material.acceptance_standards))
        self.table.setCellWidget(row, COL_NAME, name)
        self.table.setCellWidget(row, COL_NEED, QLabel(necessity))
        status = QComboBox()
        status.setObjectName(f"status_{material.id}")
        status.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for value in allowed_statuses(material):
            status.addItem(self._status_label(value), value.value)
        originals, copies = QSpinBox(), QSpinBox()
        originals.setObjectName(f"originals_{material.id}")
        copies.setObjectName(f"copies_{material.id}")
        for box in (originals, copies):
            box.setRange(0, 99)
            box.setEnabled(False)
        reason = QComboBox()
        reason.setObjectName(f"reason_{material.id}")
        reason.setEditable(True)
        reason.addItems(material.acceptance_standards)
        reason.setCurrentIndex(-1)
        reason.setEnabled(False)
        self.table.setCellWidget(row, COL_STATUS, status)
        self.table.setCellWidget(row, COL_ORIGINALS, originals)
        self.table.setCellWidget(row, COL_COPIES, copies)
        self.table.setCellWidget(row, COL_REASON, reason)

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
            r.setEnabled(value is MaterialStatus.DEFECTIVE)
            self._reevaluate()

        status.currentIndexChanged.connect(status_changed)
        originals.valueChanged.connect(lambda _v: self._reevaluate())
        copies.valueChanged.connect(lambda _v: self._reevaluate())
        reason.currentTextChanged.connect(lambda _t: self._reevaluate())

    def _status_label(self, status: MaterialStatus) -> str:
        return {MaterialStatus.NOT_CHECKED: self.tr("not checked"),
                MaterialStatus.RECEIVED: self.tr("received"),
                MaterialStatus.ELECTRONIC: self.tr("electronic"),
                MaterialStatus.SHARED: self.tr("fetched by data sharing"),
                MaterialStatus.MISSING: self.tr("missing"),
                MaterialStatus.DEFECTIVE: self.tr("defective")}[status]

    def _widgets(self, material_id: str) -> tuple[QComboBox, QSpinBox, QSpinBox, QComboBox]:
        row = next(r for r, m in enumerate(self._materials) if m.id == material_id)
        return (self.table.cellWidget(row, COL_STATUS), self.table.cellWidget(row, COL_ORIGINALS),
                self.table.cellWidget(row, COL_COPIES), self.table.cellWidget(row, COL_REASON))

    def _row_state(self, row: int) -> tuple[str, int, int, str]:
        status = self.table.cellWidget(row, COL_STATUS)
        return (status.currentData(), self.table.cellWidget(row, COL_ORIGINALS).value(),
                self.table.cellWidget(row, COL_COPIES).value(),
                self.table.cellWidget(row, COL_REASON).currentText())

    def _restore_row(self, row: int, state: tuple[str, int, int, str]) -> None:
        status, originals, copies, reason = state
        combo = self.table.cellWidget(row, COL_STATUS)
        combo.setCurrentIndex(max(0, combo.findData(status)))
        self.table.cellWidget(row, COL_ORIGINALS).setValue(originals)
        self.table.cellWidget(row, COL_COPIES).setValue(copies)
        self.table.cellWidget(row, COL_REASON).setCurrentText(reason)

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

    def _checks(self) -> tuple[list[MaterialCheck], list[str]]:
        checks, problems = [], []
        for row, material in enumerate(self._materials):
            status_value, originals, copies, reason = self._row_state(row)
            status = MaterialStatus(status_value)
            try:
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
                problems.append(f"{material.name}：{exc}")
        return checks, problems

    def _reevaluate(self) -> None:
        if self.item is None:
            return
        checks, entry_problems = self._checks()
        self.evaluation = evaluate(self.item, self.chosen(), checks)
        for decision, button in self.buttons.items():
            verdict = self.evaluation.verdict(decision)
            button.setEnabled(verdict.allowed)
            button.setToolTip(verdict.reason)
        lines = list(entry_problems)
        unanswered = [g.name for g in unanswered_groups(self.item, self.chosen())]
        if unanswered:
            lines.append(self.tr("Choose: %1").replace("%1", "、".join(unanswered)))
        for problem in self.evaluation.problems:
            lines.append(f"{problem.material_name}：{problem.kind.label}"
                         + (f"（{problem.detail}）" if problem.detail else ""))
        self.problems.setText("\n".join(lines) if lines else self.tr("Every material is in order."))
        self._mirror()

    def _mirror(self) -> None:
        assert self.item is not None and self.evaluation is not None
        states = {c.material_id: c.status for c in self.evaluation.checks}
        failing = {p.material_id for p in self.evaluation.problems if p.in_notice}
        rows = []
        for material in self.evaluation.materials:
            status = states[material.id]
            if status is MaterialStatus.NOT_CHECKED:
                state = "pending"
            elif material.id in failing or status is MaterialStatus.DEFECTIVE:
                state = "missing" if status is MaterialStatus.MISSING else "problem"
            elif status is MaterialStatus.MISSING:
                state = "missing"
            else:
                state = "ok"
            rows.append((material.name, state))
        self.checklist_changed.emit(self.item.name, rows)

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
            self.result.setText(str(exc))
            return False
        self.decided.emit(self.item, self.evaluation, record)
        return True

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

    def _ask_due_dates(self) -> dict[str, date] | None:
        assert self.evaluation is not None and self.snapshot is not None
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
        for problem in self.evaluation.deferred:
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
        self.result.setText(text)

    def clear(self) -> None:
        self.item = None
        self.evaluation = None
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
        while self.situations_layout.count():
            child = self.situations_layout.takeAt(0).widget()
            if child is not None:
                child.deleteLater()
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
