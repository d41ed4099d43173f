"""The 办件 screen of the clerk's window: a case after the counter.

The clerk finds a case by its 办件编号 (typed, in the printed hyphenated form, or scanned:
a QR scanner types the check address printed on the applicant's notice, and the number is
taken out of it) or by reading the applicant's ID card (their cases are listed, masked).
The screen shows the case's summary, its 容缺 materials and 告知承诺 verification, its
history, and a button for each step the case allows now: 开始办理, 办结 (准予 / 不予许可),
领取 / 送达, 容缺后补, 核查.

A step is a record in the outbox like every other (workstation.app.cases.CaseDesk), so an
offline window keeps working: the screen says 「已记录，正在上传…」, then what became of it
(CaseDesk.outcome): uploaded, or the hall server's refusal in plain words (another window
concluded the case first), or, offline, that it is saved and goes up by itself. It asks
for the outcome briefly on a timer, and again whenever the sync's status moves (a record
went up), so a step saved offline is reported uploaded once the hall is back.

Every call to the core runs in the background (ui.tasks); answers for a screen that moved
on are dropped. Names and ID numbers come masked from the core and stay so."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.tasks import run_in_background, while_alive
from ui.words import fill
from workstation.app.cases import OnlyAtHall, Outcome
from workstation.app.guide import HALL_TIMEZONE
from workstation.domain.case import CaseState, DeadlineLevel, Delivery, Result, Step, Verification
from workstation.domain.case_number import InvalidCaseNumber, parse
from workstation.domain.identity import mask_id, mask_name

log = logging.getLogger(__name__)
translate = QCoreApplication.translate  # the name lupdate looks for

POLL_MS = 400  # asking for a step's outcome while it is being uploaded
POLL_TICKS = 15  # so about six seconds before "saved, goes up by itself"

# The screen's keys: F11 reads the card as on the counter tab (that tab's F11 is inactive
# while it is hidden); the steps take Ctrl+1…5, since F2–F10 call tickets, which a pickup
# window does too.
READ_KEY = "F11"
STEP_KEYS = {Step.START: "Ctrl+1", Step.CONCLUDE: "Ctrl+2", Step.DELIVER: "Ctrl+3",
             Step.SUPPLEMENT: "Ctrl+4", Step.VERIFY: "Ctrl+5"}

_STYLE = """
QLineEdit#caseNumberInput { font-size: 14pt; padding: 4px; }
QLabel#caseTitle { font-size: 15pt; font-weight: bold; color: #1f3a5f; }
QLabel#caseState { font-size: 15pt; font-weight: bold; color: #17703a; }
QLabel#caseLevel[level="reminder"] { color: #9a5b00; font-weight: bold; }
QLabel#caseLevel[level="yellow"] { color: white; background: #c98a00; border-radius: 3px; padding: 1px 6px; }
QLabel#caseLevel[level="red"] { color: white; background: #b3261e; border-radius: 3px; padding: 1px 6px; }
QLabel#caseMessage { font-size: 12pt; color: #33475b; }
QLabel#caseMessage[tone="error"] { color: #b3261e; font-weight: bold; }
QLabel#caseMessage[tone="done"] { color: #17703a; font-weight: bold; }
QGroupBox QLabel { font-size: 11pt; }
QListWidget, QTableWidget { font-size: 11pt; }
QPushButton { font-size: 11pt; padding: 6px 10px; }
"""


# -- the words ------------------------------------------------------------------------


def state_word(state: CaseState, method: Delivery | None = None) -> str:
    if state is CaseState.DELIVERED and method is Delivery.MAIL:
        return translate("CasePanel", "Mailed to the applicant")
    return {
        CaseState.ACCEPTED: translate("CasePanel", "Accepted, waiting to be handled"),
        CaseState.IN_PROGRESS: translate("CasePanel", "Being handled"),
        CaseState.CONCLUDED: translate("CasePanel", "Concluded, ready to hand over"),
        CaseState.DELIVERED: translate("CasePanel", "Collected by the applicant"),
        CaseState.NOTIFIED: translate("CasePanel", "Notified once of what is missing (not accepted)"),
        CaseState.REJECTED: translate("CasePanel", "Not accepted"),
    }[state]


def decision_word(decision: str) -> str:
    return {
        "accept": translate("CasePanel", "Accepted"),
        "accept_with_deficiency": translate("CasePanel", "Accepted with deficiency"),
        "accept_on_commitment": translate("CasePanel", "Accepted on commitment"),
        "notify_once": translate("CasePanel", "Notified once"),
        "reject": translate("CasePanel", "Not accepted"),
    }.get(decision, decision)


def step_word(step: Step) -> str:
    """A step on its button and in the history."""
    return {
        Step.START: translate("CasePanel", "Start handling"),
        Step.CONCLUDE: translate("CasePanel", "Conclude"),
        Step.DELIVER: translate("CasePanel", "Hand over / mail"),
        Step.SUPPLEMENT: translate("CasePanel", "Deferred material received"),
        Step.VERIFY: translate("CasePanel", "Verify the commitment"),
    }[step]


def result_word(result: Result) -> str:
    return {Result.APPROVED: translate("CasePanel", "Approved"),
            Result.REFUSED: translate("CasePanel", "Refused")}[result]


def delivery_word(method: Delivery) -> str:
    return {Delivery.PICKUP: translate("CasePanel", "Collected at the window"),
            Delivery.MAIL: translate("CasePanel", "Sent by mail")}[method]


def verification_word(outcome: Verification) -> str:
    return {Verification.PENDING: translate("CasePanel", "Waiting to be verified"),
            Verification.CONFIRMED: translate("CasePanel", "Verified: the commitment is true"),
            Verification.FALSE: translate("CasePanel", "Verified: the commitment is false")}[outcome]


def level_word(level: DeadlineLevel) -> str:
    return {DeadlineLevel.NONE: "",
            DeadlineLevel.REMINDER: translate("CasePanel", "Due soon"),
            DeadlineLevel.YELLOW: translate("CasePanel", "Yellow card"),
            DeadlineLevel.RED: translate("CasePanel", "Red card: past the promised date")}[level]


_PAST_STEP = {"started": Step.START, "concluded": Step.CONCLUDE, "delivered": Step.DELIVER,
              "handed over": Step.DELIVER, "verified": Step.VERIFY}


def _who(detail: str) -> str:
    """Where, by whom and when another window did it, as the refusal names them."""
    parts = []
    if m := re.search(r"window (\d+)", detail):
        parts.append(fill(translate("CasePanel", "window %1"), m.group(1)))
    if m := re.search(r"\bby (.+?)(?= at | on |[,;()]|$)", detail):
        parts.append(m.group(1).strip())
    if m := re.search(r"\bat (\d{1,2}:\d\d|\d{4}-\d\d-\d\d[ T]\d\d:\d\d)", detail):
        parts.append(m.group(1).replace("T", " "))
    return translate("CasePanel", ", ").join(parts)


def plain_refusal(detail: str) -> str:
    """The hall server's refusal of a step (a 409's detail) in the clerk's words."""
    detail = detail or ""
    who = _who(detail)
    done = None
    if m := re.search(r"was (started|concluded|delivered|handed over|verified)\b", detail):
        done = _PAST_STEP[m.group(1)]
    elif m := re.search(r"is (concluded|delivered|in_progress): cannot", detail):
        done = {"concluded": Step.CONCLUDE, "delivered": Step.DELIVER, "in_progress": Step.START}[m.group(1)]
    if done is Step.CONCLUDE:
        return (fill(translate("CasePanel", "Another window concluded this case first (%1). It is not "
                                            "concluded again: see its history."), who) if who
                else translate("CasePanel", "Another window concluded this case first. It is not "
                                            "concluded again: see its history."))
    if done is Step.DELIVER:
        return (fill(translate("CasePanel", "The result of this case was handed over already (%1)."), who)
                if who else translate("CasePanel", "The result of this case was handed over already."))
    if done is Step.START:
        return (fill(translate("CasePanel", "Another window started handling this case already (%1)."), who)
                if who else translate("CasePanel", "Another window started handling this case already."))
    if "deferred material" in detail and "not yet received" in detail:
        return translate("CasePanel", "Deferred materials are still outstanding: record them as "
                                      "received before concluding.")
    if "not an outstanding deferred material" in detail:
        return translate("CasePanel", "That material was recorded as received already.")
    if done is Step.VERIFY or "verified already" in detail:
        return translate("CasePanel", "The commitment was verified already.")
    if "no commitment" in detail:
        return translate("CasePanel", "This case was not accepted on commitment: there is nothing to verify.")
    if m := re.search(r"is (\w+): cannot (\w+)", detail):
        try:
            now = state_word(CaseState(m.group(1)))
        except ValueError:
            now = m.group(1)
        try:
            action = step_word(Step(m.group(2)))
        except ValueError:
            action = m.group(2)
        return fill(translate("CasePanel", "The case is now “%1”: “%2” is not possible any more."), now, action)
    if re.search(r"no case|unknown case|not found", detail):
        return translate("CasePanel", "The hall server does not know this case (yet).")
    return fill(translate("CasePanel", "The hall server refused the step: %1"), detail)


def case_number_from(text: str) -> str | None:
    """The 办件编号 in what was typed or scanned: the number itself (hyphenated or not), or
    a check address carrying it (…/check/{number}, or ?case={number}). None when there is
    no valid number in it."""
    text = (text or "").strip()
    if not text:
        return None
    candidates = []
    if "/" in text or "?" in text or "=" in text:
        parts = urlsplit(text)
        for key in ("case", "case_number", "number"):
            candidates += parse_qs(parts.query).get(key, [])
        candidates += [unquote(p) for p in reversed(parts.path.split("/")) if p]
    candidates.append(text)
    for candidate in candidates:
        try:
            return str(parse(candidate))
        except InvalidCaseNumber:
            continue
    return None


def _local(moment: datetime | None) -> str:
    # The hall's clock, as the hall server's own words (a refusal's time) give it.
    return moment.astimezone(HALL_TIMEZONE).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _display(number: str) -> str:
    try:
        return parse(number).display()
    except InvalidCaseNumber:
        return number


def _value(obj, name: str, default=None):
    """A field of an answer that may be a model or a plain dict."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


# -- the step dialogs -------------------------------------------------------------------


@dataclass(frozen=True)
class StepInput:
    """What the clerk entered for a step (the fields of a CaseStepRecord)."""

    step: Step
    result: Result | None = None
    method: Delivery | None = None
    material_id: str | None = None
    material_name: str = ""
    outcome: Verification | None = None
    note: str = ""


_OK_CANCEL = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel


class CaseStepDialog(QDialog):
    """The details of one step: the result, the way it is handed over and to whom, the
    material received, or the verification's outcome; with a note."""

    chosen = Signal(object)  # StepInput

    def __init__(self, step: Step, case_number: str, deficiencies: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.setWindowTitle(fill(self.tr("%1 — case %2"), step_word(step), _display(case_number)))
        self.setMinimumWidth(460)
        self.choice = QComboBox()
        self.choice.setObjectName("caseStepChoice")
        self._values: list = []  # by the choice's index (a QComboBox's data turns a StrEnum into str)
        self.receiver = QLineEdit()
        self.receiver.setObjectName("caseStepReceiver")
        self.note = QPlainTextEdit()
        self.note.setObjectName("caseStepNote")
        self.note.setTabChangesFocus(True)  # Tab goes on to OK: the dialog works by keyboard
        self.note.setMaximumHeight(90)
        self.problem = QLabel()
        self.problem.setObjectName("caseStepProblem")
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.setWordWrap(True)
        form = QFormLayout(self)
        if step is Step.CONCLUDE:
            self._add(self.tr("Approved"), Result.APPROVED)
            self._add(self.tr("Refused"), Result.REFUSED)
            form.addRow(self.tr("Result"), self.choice)
            self.note.setPlaceholderText(self.tr("When refused: the reason, as the decision states it"))
        elif step is Step.DELIVER:
            self._add(delivery_word(Delivery.PICKUP), Delivery.PICKUP)
            self._add(delivery_word(Delivery.MAIL), Delivery.MAIL)
            form.addRow(self.tr("How"), self.choice)
            form.addRow(self.tr("Received by"), self.receiver)
            self.choice.currentIndexChanged.connect(self._method_changed)
            self._method_changed()
        elif step is Step.SUPPLEMENT:
            for item in deficiencies:
                if not _value(item, "received"):
                    due = _value(item, "due")
                    label = _value(item, "material_name")
                    if due:
                        label = fill(self.tr("%1 (due %2)"), label, due.isoformat())
                    self._add(label, (_value(item, "material_id"), _value(item, "material_name")))
            form.addRow(self.tr("Material received"), self.choice)
        elif step is Step.VERIFY:
            self._add(self.tr("True"), Verification.CONFIRMED)
            self._add(self.tr("False"), Verification.FALSE)
            form.addRow(self.tr("The commitment is"), self.choice)
            self.note.setPlaceholderText(self.tr("When false: what was found"))
        else:
            self.choice.hide()
        form.addRow(self.tr("Note"), self.note)
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(_OK_CANCEL)
        self.buttons.accepted.connect(self.accept_input)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def _add(self, label: str, value) -> None:
        self.choice.addItem(label)
        self._values.append(value)

    def _chosen(self):
        index = self.choice.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    @Slot()
    def _method_changed(self) -> None:
        mail = self._chosen() is Delivery.MAIL
        self.receiver.setPlaceholderText(self.tr("Addressee and the tracking number") if mail
                                         else self.tr("Name of who collected it (the applicant or their agent)"))

    def value(self) -> StepInput | None:
        """The input, or None with the problem shown."""
        note, data = self.note.toPlainText().strip(), self._chosen()
        if self.step is Step.CONCLUDE:
            if data is Result.REFUSED and not note:
                self.problem.setText(self.tr("A refusal needs its reason in the note."))
                return None
            return StepInput(self.step, result=data, note=note)
        if self.step is Step.DELIVER:
            receiver = self.receiver.text().strip()
            if not receiver:
                self.problem.setText(self.tr("Enter who received the result."))
                return None
            # The record has no field of its own for the receiver: it leads the note.
            text = fill(self.tr("Received by: %1"), receiver)
            return StepInput(self.step, method=data, note=f"{text}\n{note}" if note else text)
        if self.step is Step.SUPPLEMENT:
            if data is None:
                self.problem.setText(self.tr("No deferred material is outstanding."))
                return None
            return StepInput(self.step, material_id=data[0], material_name=data[1], note=note)
        if self.step is Step.VERIFY:
            if data is Verification.FALSE and not note:
                self.problem.setText(self.tr("A false commitment needs what was found in the note."))
                return None
            return StepInput(self.step, outcome=data, note=note)
        return StepInput(self.step, note=note)

    @Slot()
    def accept_input(self) -> None:
        value = self.value()
        if value is not None:
            self.accept()
            self.chosen.emit(value)


# -- the screen -----------------------------------------------------------------------


class CasePanel(QWidget):
    """The 办件 tab: find a case, see it, move it on. Give it a CaseDesk with `set_desk`."""

    case_shown = Signal(object)  # the CaseDetail on screen, or None

    def __init__(self, parent: QWidget | None = None, *, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.setObjectName("casePanel")
        self.setStyleSheet(_STYLE)
        self.desk = None  # workstation.app.cases.CaseDesk
        self.card_reading = None
        self.clerk = ""
        self.window: int | None = None
        self.detail = None  # the CaseDetail on screen
        self.detail_online = True
        self.found: list = []  # the CaseSummary list of the last card search
        self.online = True
        self._dialog: CaseStepDialog | None = None
        self._request = 0  # answers to an older find are dropped
        self._pending: dict[str, tuple[str, Step]] = {}  # record uuid -> (case number, step)
        self._checking = False
        self._ticks = 0
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self._tick)

        # finding
        self.number = QLineEdit()
        self.number.setObjectName("caseNumberInput")
        self.number.setPlaceholderText(self.tr("Case number: type it, or scan the QR code on the notice"))
        self.number.returnPressed.connect(self.find_typed)
        self.find_button = QPushButton(self.tr("Find (Enter)"))
        self.find_button.setObjectName("caseFind")
        self.find_button.clicked.connect(self.find_typed)
        self.read_button = QPushButton(fill(self.tr("Read ID card to find (%1)"), READ_KEY))
        self.read_button.setObjectName("caseReadCard")
        self.read_button.clicked.connect(self.read_card)
        QShortcut(QKeySequence(READ_KEY), self, self.read_card)
        search = QHBoxLayout()
        search.addWidget(QLabel(self.tr("Case number")))
        search.addWidget(self.number, 1)
        search.addWidget(self.find_button)
        search.addWidget(self.read_button)

        self.found_title = QLabel(self.tr("Read the applicant's ID card to list their cases here."))
        self.found_title.setWordWrap(True)
        self.found_list = QListWidget()
        self.found_list.setObjectName("caseFoundList")
        self.found_list.setWordWrap(True)
        self.found_list.itemActivated.connect(self._found_chosen)
        self.found_list.currentRowChanged.connect(lambda _row: self._found_chosen(self.found_list.currentItem()))
        left = QVBoxLayout()
        left.addWidget(self.found_title)
        left.addWidget(self.found_list, 1)

        # the case
        self.title = QLabel(self.tr("No case on screen."))
        self.title.setObjectName("caseTitle")
        self.title.setWordWrap(True)
        self.state = QLabel()
        self.state.setObjectName("caseState")
        self.level = QLabel()
        self.level.setObjectName("caseLevel")
        self.fields: dict[str, QLabel] = {}
        summary = QGridLayout()
        rows = [("number", self.tr("Case number")), ("department", self.tr("Department")), ("applicant", self.tr("Applicant")),
                ("decision", self.tr("Decision")), ("accepted", self.tr("Accepted at")),
                ("promised", self.tr("Promised completion")), ("result", self.tr("Result")),
                ("commitment", self.tr("Commitment"))]
        for i, (key, label) in enumerate(rows):
            value = QLabel()
            value.setObjectName(f"case_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            caption = QLabel(label)
            caption.setStyleSheet("color: #5b6b7f;")
            summary.addWidget(caption, i // 2, (i % 2) * 2, Qt.AlignmentFlag.AlignTop)
            summary.addWidget(value, i // 2, (i % 2) * 2 + 1)
        summary.setColumnStretch(1, 1)
        summary.setColumnStretch(3, 1)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.level)
        head.addSpacing(12)
        head.addWidget(self.state)

        self.deficiencies = QListWidget()
        self.deficiencies.setObjectName("caseDeficiencies")
        self.deficiencies_box = QGroupBox(self.tr("Deferred materials"))
        box = QVBoxLayout(self.deficiencies_box)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(self.deficiencies)

        self.history = QTableWidget(0, 4)
        self.history.setObjectName("caseHistory")
        self.history.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Step"), self.tr("By"), self.tr("Details")])
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setWordWrap(True)
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        # the steps
        self.step_buttons: dict[Step, QPushButton] = {}
        steps = QHBoxLayout()
        for step in Step:
            button = QPushButton(fill(self.tr("%1 (%2)"), step_word(step) + ("…" if step is not Step.START else ""),
                                      STEP_KEYS[step]))
            button.setObjectName("caseStep" + step.value.capitalize())
            button.clicked.connect(lambda _=False, s=step: self.take(s))
            button.hide()
            self.step_buttons[step] = button
            steps.addWidget(button)
            QShortcut(QKeySequence(STEP_KEYS[step]), self, lambda s=step: self.take(s))
        steps.addStretch(1)
        self.message = QLabel()
        self.message.setObjectName("caseMessage")
        self.message.setWordWrap(True)

        right = QVBoxLayout()
        right.addLayout(head)
        right.addLayout(summary)
        right.addWidget(self.deficiencies_box)
        right.addWidget(QLabel(self.tr("History")))
        right.addWidget(self.history, 1)
        right.addLayout(steps)
        right.addWidget(self.message)

        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 9)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(search)
        layout.addLayout(body, 1)
        self.show_case(None)
        self.set_desk(None)

    # -- set-up

    def set_desk(self, desk, card_reading=None, clerk: str = "", window: int | None = None) -> None:
        """The CaseDesk of the logged-in clerk (None: the screen says why it cannot work),
        and the card reader of the window (None: no reading)."""
        self.desk, self.card_reading, self.clerk, self.window = desk, card_reading, clerk, window
        for widget in (self.number, self.find_button):
            widget.setEnabled(desk is not None)
        self.read_button.setEnabled(desk is not None and card_reading is not None)
        self.read_button.setToolTip("" if card_reading else self.tr("No card reader is configured for this window."))
        if desk is None:
            self._say(self.tr("Cases after the counter need a clerk logged in at this window."))

    def focus_number(self) -> None:
        """For the key that opens the screen: ready for the next scan or number."""
        self.number.setFocus()
        self.number.selectAll()

    @Slot(object)
    def on_status(self, status) -> None:
        """The sync's status (SyncStatus) moved: a step waiting to upload may have gone up."""
        self.online = bool(status.online)
        if self._pending:
            self._check_outcomes()

    # -- finding

    @Slot()
    def find_typed(self) -> None:
        number = case_number_from(self.number.text())
        if number is None:
            text = self.number.text().strip()
            try:
                parse(text)
                reason = ""
            except InvalidCaseNumber as exc:
                reason = str(exc)
            self._say(fill(self.tr("No case number in “%1”: %2"), text[:60], reason) if text
                      else self.tr("Type or scan the case number."), "error")
            return
        self.number.setText(_display(number))
        self.found_list.clear()
        self.found = []
        self.find(number)

    def find(self, case_number: str) -> None:
        """Show the case `case_number` (canonical), asked of the CaseDesk in the background."""
        if self.desk is None:
            return
        self._request += 1
        request, desk = self._request, self.desk
        self._say(self.tr("Looking the case up…"))
        run_in_background(lambda: desk.find(case_number),
                          while_alive(self, lambda detail: self._found(request, case_number, detail)),
                          while_alive(self, lambda exc: self._find_failed(request, exc, case_number)))

    def _found(self, request: int, case_number: str, found) -> None:
        """`found`: a workstation.app.cases.FoundCase."""
        if request != self._request:
            return
        self.show_case(found.case, online=found.online)
        if not found.online:
            self._say(self.tr("Offline: shown as this window recorded it; steps taken at other windows "
                              "are not shown. Steps are saved and uploaded when the hall server is back."))
        else:
            self._say("")

    def _find_failed(self, request: int, exc: BaseException, case_number: str | None = None) -> None:
        """`case_number`: the number looked up, which may still be a 一件事's (None: asked already)."""
        if request != self._request:
            return
        from workstation.sync.errors import HallRefused

        log.info("case look-up failed: %s", exc)
        self.show_case(None)
        if isinstance(exc, HallRefused) and exc.status == 404 and case_number is not None:
            self._find_bundle(request, case_number, exc)
            return
        if isinstance(exc, HallRefused) and exc.status == 404:
            self._say(self.tr("The hall server knows no case with this number. Check the number "
                              "(a case accepted offline at another window appears once it is uploaded)."),
                      "error")
        elif isinstance(exc, OnlyAtHall):
            self._say(self.tr("The hall server cannot be reached. This window accepted the case, but its copy "
                              "here was removed after the hall confirmed it (applicants' data stays on this PC "
                              "only for a few days): the case is on the hall server only now, look it up when "
                              "the hall server is back."), "error")
        elif isinstance(exc, LookupError):
            self._say(self.tr("The hall server cannot be reached, and this window did not accept the case: "
                              "it can be looked up when the hall server is back."), "error")
        else:
            self._say(fill(self.tr("The case could not be looked up: %1"), self._explain(exc)), "error")

    def _find_bundle(self, request: int, number: str, not_a_case: BaseException) -> None:
        """A number the hall knows no case by may be a 一件事's (its receipt's): list the
        bundle's item cases, or say the number is unknown."""
        desk = self.desk
        if desk is None:
            return

        def failed(exc: BaseException) -> None:
            self._find_failed(request, not_a_case if getattr(exc, "status", None) == 404 else exc)

        run_in_background(lambda: desk.bundle(number),
                          while_alive(self, lambda cases: self._bundle_listed(request, number, cases)),
                          while_alive(self, failed))

    def _bundle_listed(self, request: int, number: str, cases) -> None:
        if request != self._request:
            return
        self.found = list(cases)
        self.found_list.clear()
        name = _value(cases[0], "bundle_name") or ""
        self.found_title.setText(fill(self.tr("One thing %1 (%2): %3 items"), name, _display(number), len(cases)))
        for case in cases:
            item = QListWidgetItem(self._found_row(case, state_word(CaseState(case.state))))
            item.setData(Qt.ItemDataRole.UserRole, _value(case, "case_number"))
            self.found_list.addItem(item)
        ready = [i for i, c in enumerate(cases) if _value(c, "state") == CaseState.CONCLUDED]
        self.found_list.setCurrentRow(ready[0] if ready else 0)
        self.found_list.setFocus()

    def _explain(self, exc: BaseException) -> str:
        from workstation.sync.errors import HallRefused, HallUnreachable

        if isinstance(exc, HallUnreachable):
            return self.tr("the hall server cannot be reached")
        if isinstance(exc, HallRefused):
            if exc.status == 404:
                return self.tr("the hall server does not know this case")
            if exc.status == 422:
                return self.tr("the hall server cannot use this number")
            if exc.status == 401:
                return self.tr("your login has ended; log out and log in again")
            return plain_refusal(exc.detail or "")
        return str(exc)

    # -- by the ID card

    @Slot()
    def read_card(self) -> None:
        if self.desk is None or not self.isVisible():
            return
        if self.card_reading is None:
            self._say(self.tr("No card reader is configured for this window."), "error")
            return
        self.read_button.setEnabled(False)
        self._request += 1
        request, reading, desk, clerk, window = self._request, self.card_reading, self.desk, self.clerk, self.window
        self._say(self.tr("Reading the card…"))

        def read_and_search():
            # The full number stays in this worker: the screen gets the masked forms only.
            document = reading.read_in_background(clerk, window).result().document
            return mask_name(document.display_name), mask_id(document.id_number), \
                list(desk.search_by_id(document.id_number))

        run_in_background(read_and_search, while_alive(self, lambda found: self._listed(request, found)),
                          while_alive(self, lambda exc: self._read_failed(request, exc)))

    def _listed(self, request: int, found) -> None:
        self.read_button.setEnabled(self.card_reading is not None)
        if request != self._request:
            return
        name, id_masked, cases = found
        self.found = cases
        self.found_list.clear()
        self.found_title.setText(fill(self.tr("Cases of %1 (%2): %3"), name, id_masked, len(cases)))
        for case in cases:
            item = QListWidgetItem(self._found_row(case, state_word(CaseState(case.state))))
            item.setData(Qt.ItemDataRole.UserRole, _value(case, "case_number"))
            self.found_list.addItem(item)
        if not cases:
            self.show_case(None)
            self._say(fill(self.tr("No case of %1 was found."), name), "error")
            return
        # The one waiting to be handed over first: that is what brings people to the window.
        ready = [i for i, c in enumerate(cases) if _value(c, "state") == CaseState.CONCLUDED]
        self.found_list.setCurrentRow(ready[0] if ready else 0)
        self.found_list.setFocus()

    def _read_failed(self, request: int, exc: BaseException) -> None:
        self.read_button.setEnabled(self.card_reading is not None)
        if request != self._request:
            return
        from workstation.devices import idcard

        plain = [(idcard.NoCard, self.tr("no card on the reader; place the card and try again")),
                 (idcard.CardRemoved, self.tr("the card was moved during the read; place it again")),
                 (idcard.Timeout, self.tr("the reader does not answer")),
                 (idcard.ReaderUnavailable, self.tr("the reader is not connected or not usable"))]
        for kind, text in plain:
            if isinstance(exc, kind):
                self._say(fill(self.tr("The card could not be read: %1"), text), "error")
                return
        from workstation.sync.errors import HallUnreachable

        if isinstance(exc, HallUnreachable):
            self._say(self.tr("Finding cases by ID card needs the hall server, which cannot be reached now. "
                              "Type or scan the case number instead."), "error")
        elif isinstance(exc, ValueError):
            self._say(self.tr("The number on this card is not a valid resident ID number."), "error")
        else:
            self._say(fill(self.tr("The applicant's cases could not be found: %1"), self._explain(exc)),
                      "error")

    def _found_text(self, case_number: str, item_name: str, state: str) -> str:
        return fill(self.tr("%1\n%2 · %3"), _display(case_number), item_name, state)

    def _found_row(self, case, state: str) -> str:
        """A listed case; an item of a 一件事 with its sub-number first."""
        text = self._found_text(case.case_number, case.item_name, state)
        sub = _value(case, "sub_number")
        return fill(self.tr("Sub %1 · %2"), sub, text) if sub else text

    def _update_found(self, case_number: str, state: str) -> None:
        """The card search's list follows a step taken on one of its cases."""
        for row in range(self.found_list.count()):
            item = self.found_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == case_number:
                item.setText(self._found_row(self.found[row], state))

    @Slot(object)
    def _found_chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            number = item.data(Qt.ItemDataRole.UserRole)
            if self.detail is None or self.detail.case_number != number:
                self.find(number)

    # -- showing

    def show_case(self, detail, online: bool = True) -> None:
        """Put `detail` (a CaseDetail, or None) on screen with the buttons of its allowed steps
        (`online` False: the window's own copy, built from its own records)."""
        self.detail, self.detail_online = detail, online
        for button in self.step_buttons.values():
            button.hide()
        self.history.setRowCount(0)
        self.deficiencies.clear()
        if detail is None:
            self.title.setText(self.tr("No case on screen."))
            self.state.clear()
            self.level.clear()
            for label in self.fields.values():
                label.clear()
            self.deficiencies_box.hide()
            self.case_shown.emit(None)
            return
        state = CaseState(_value(detail, "state"))
        history = list(_value(detail, "history", []) or [])
        delivered_by = None
        for entry in history:
            if _value(entry, "step") == Step.DELIVER:
                method = (_value(entry, "detail") or {}).get("method")
                delivered_by = Delivery(method) if method in set(Delivery) else None
        title = _value(detail, "item_name")
        if _value(detail, "bundle_number"):
            title = fill(self.tr("%1 (one thing %2, sub %3)"), title, _value(detail, "bundle_name") or "",
                         _value(detail, "sub_number") or "?")
        self.title.setText(title)
        self._update_found(detail.case_number, state_word(state, delivered_by))
        self.state.setText(state_word(state, delivered_by))
        level = DeadlineLevel(_value(detail, "level", DeadlineLevel.NONE) or DeadlineLevel.NONE)
        self.level.setText(level_word(level))
        self.level.setProperty("level", level.value)
        self.level.style().unpolish(self.level)
        self.level.style().polish(self.level)
        f = self.fields
        f["number"].setText(_display(_value(detail, "case_number")))
        f["department"].setText(_value(detail, "department_name") or "—")
        f["applicant"].setText(f"{_value(detail, 'applicant')}  {_value(detail, 'applicant_id')}")
        f["decision"].setText(decision_word(_value(detail, "decision")))
        window = _value(detail, "window")
        accepted = _local(_value(detail, "accepted_at"))
        who = _value(detail, "clerk_name") or ""
        f["accepted"].setText(" · ".join(p for p in (
            accepted, who, fill(self.tr("window %1"), window) if window else "") if p))
        promised = _value(detail, "promised_date")
        f["promised"].setText(promised.isoformat() if promised else self.tr("on the spot"))
        result = _value(detail, "result")
        f["result"].setText(result_word(Result(result)) if result else "—")
        commitment = _value(detail, "commitment")
        f["commitment"].setText(verification_word(Verification(commitment)) if commitment
                                else self.tr("not accepted on commitment"))

        deficiencies = list(_value(detail, "deficiencies", []) or [])
        today = datetime.now(HALL_TIMEZONE).date()  # the hall's day decides what is overdue
        for item in deficiencies:
            due = _value(item, "due")
            name = _value(item, "material_name")
            if _value(item, "received"):
                text, colour = fill(self.tr("%1 — received"), name), "#17703a"
            elif due is not None and due < today:
                text, colour = fill(self.tr("%1 — due %2, OVERDUE"), name, due.isoformat()), "#b3261e"
            elif due is not None:
                text, colour = fill(self.tr("%1 — due %2"), name, due.isoformat()), "#33475b"
            else:
                text, colour = fill(self.tr("%1 — outstanding"), name), "#33475b"
            row = QListWidgetItem(text)
            row.setForeground(QColor(colour))
            self.deficiencies.addItem(row)
        self.deficiencies_box.setVisible(bool(deficiencies))
        if deficiencies:  # as tall as its rows (up to three): the history needs the room
            rows = min(len(deficiencies), 3)
            self.deficiencies.setFixedHeight(self.deficiencies.sizeHintForRow(0) * rows
                                             + 2 * self.deficiencies.frameWidth() + 4)

        # The acceptance opens the history: who decided what, and when.
        self.history.insertRow(0)
        opened = [_local(_value(detail, "accepted_at")), decision_word(_value(detail, "decision")),
                  fill(self.tr("%1, window %2"), who, window) if who and window else who, ""]
        for column, text in enumerate(opened):
            self.history.setItem(0, column, QTableWidgetItem(text))
        for entry in history:
            row = self.history.rowCount()
            self.history.insertRow(row)
            step = _value(entry, "step")
            by = _value(entry, "actor_name") or ""
            window = _value(entry, "window")
            if window:
                by = fill(self.tr("%1, window %2"), by, window) if by else fill(self.tr("window %1"), window)
            cells = [_local(_value(entry, "at")), step_word(Step(step)), by, self._entry_detail(entry)]
            for column, text in enumerate(cells):
                self.history.setItem(row, column, QTableWidgetItem(text))
        self.history.resizeRowsToContents()

        for step in _value(detail, "allowed", []) or []:
            self.step_buttons[Step(step)].show()
        self.case_shown.emit(detail)

    def _entry_detail(self, entry) -> str:
        detail = dict(_value(entry, "detail") or {})
        parts = []
        if detail.get("result") in set(Result):
            parts.append(result_word(Result(detail["result"])))
        if detail.get("method") in set(Delivery):
            parts.append(delivery_word(Delivery(detail["method"])))
        if detail.get("material_name"):
            parts.append(detail["material_name"])
        if detail.get("outcome") in (Verification.CONFIRMED, Verification.FALSE):
            parts.append(verification_word(Verification(detail["outcome"])))
        if detail.get("note"):
            parts.append(str(detail["note"]).replace("\n", "；"))
        return "；".join(parts)

    # -- taking a step

    def take(self, step: Step) -> None:
        """Start `step` on the case on screen: at once for 开始办理, else through its dialog."""
        detail = self.detail
        if detail is None or self.desk is None or not self.isVisible():
            return
        if step not in {Step(s) for s in _value(detail, "allowed", []) or []} \
                or not self.step_buttons[step].isEnabled():
            return
        if step is Step.START:
            self._record(StepInput(step))
            return
        self._dialog = CaseStepDialog(step, _value(detail, "case_number"),
                                      list(_value(detail, "deficiencies", []) or []), self)
        self._dialog.chosen.connect(self._record)
        self._dialog.open()

    @Slot(object)
    def _record(self, value: StepInput) -> None:
        detail, desk = self.detail, self.desk
        if detail is None or desk is None:
            return
        number = _value(detail, "case_number")
        self._set_steps_enabled(False)
        self._say(self.tr("Recorded, uploading…"))

        def record():
            saved = desk.record_step(number, value.step, result=value.result, method=value.method,
                                     material_id=value.material_id, material_name=value.material_name,
                                     outcome=value.outcome, note=value.note)
            return saved

        run_in_background(record, while_alive(self, lambda uuid: self._recorded(uuid, number, value.step)),
                          while_alive(self, self._record_failed))

    def _recorded(self, record_uuid, number: str, step: Step) -> None:
        self._pending[record_uuid] = (number, step)
        self._ticks = 0
        self._poll.start()
        self._check_outcomes()

    def _record_failed(self, exc: BaseException) -> None:
        self._set_steps_enabled(True)
        log.warning("case step not recorded: %s", exc)
        self._say(fill(self.tr("The step was not recorded: %1"), self._explain(exc)), "error")

    @Slot()
    def _tick(self) -> None:
        self._ticks += 1
        if self._ticks >= POLL_TICKS or not self._pending:
            self._poll.stop()
            if self._pending:
                # Still waiting: it goes up by itself; the status signal reports it then.
                self._say(self.tr("Saved; it is uploaded automatically when the hall server is reachable.")
                          if not self.online else self.tr("Saved; waiting to be uploaded."))
                self._set_steps_enabled(True)
                self._reload_offline()
            return
        self._check_outcomes()

    def _check_outcomes(self) -> None:
        if self._checking or self.desk is None or not self._pending:
            return
        self._checking = True
        desk, uuids = self.desk, list(self._pending)

        def ask():
            return [(u, desk.outcome(u)) for u in uuids]

        def failed(exc: BaseException) -> None:
            self._checking = False
            log.info("step outcome not known: %s", exc)

        run_in_background(ask, while_alive(self, self._outcomes), while_alive(self, failed))

    def _outcomes(self, answers) -> None:
        self._checking = False
        reload = None
        for record_uuid, answer in answers:
            if answer.outcome is Outcome.PENDING or record_uuid not in self._pending:
                continue
            number, step = self._pending.pop(record_uuid)
            if answer.outcome is Outcome.REFUSED:
                text = plain_refusal(answer.detail)
                self._say(fill(self.tr("Not accepted by the hall server: %1"), text), "error")
            else:
                self._say(fill(self.tr("Uploaded: “%1” of case %2."), step_word(step), _display(number)), "done")
            reload = number
        if not self._pending:
            self._poll.stop()
            self._set_steps_enabled(True)
        if reload is not None and self.detail is not None and _value(self.detail, "case_number") == reload:
            self._refresh(reload)

    def _reload_offline(self) -> None:
        # The window's own copy shows the step taken offline (CaseDesk.find's fallback).
        if self.detail is not None:
            self._refresh(_value(self.detail, "case_number"))

    def _refresh(self, case_number: str) -> None:
        """Show the case again, keeping the message about the step."""
        if self.desk is None:
            return
        self._request += 1
        request, desk = self._request, self.desk

        def shown(found) -> None:  # a FoundCase
            if request == self._request:
                self.show_case(found.case, online=found.online)

        run_in_background(lambda: desk.find(case_number), while_alive(self, shown),
                          while_alive(self, lambda exc: log.info("case refresh failed: %s", exc)))

    def _set_steps_enabled(self, enabled: bool) -> None:
        for button in self.step_buttons.values():
            button.setEnabled(enabled)

    def _say(self, text: str, tone: str = "") -> None:
        self.message.setText(text)
        self.message.setProperty("tone", tone)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._poll.stop()
        super().closeEvent(event)
