"""The bad-rating follow-up screen of the supervisor's window
(回访 → 整改 or 解释 → 办结): open, overdue and closed tasks, each task's case, rating and
history, and the actions that move it on.

The list takes the screen's whole width (its columns fit a 1366×768 PC without scrolling
sideways), the chosen task's detail below it. The applicant's call-back phone shows
masked (138****5678) until the supervisor reveals it, giving a reason; the reveal is
audited (`audit.phone_reveal`, FollowUpDesk.reveal_phone) like an ID number's.

Every call to the hall runs in the background (ui.tasks); the list refreshes by itself."""

from __future__ import annotations

import base64
import html
import logging
from datetime import date, datetime
from pathlib import Path

import shiboken6
from PySide6.QtCore import QDate, QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.citizen.rating_panel import indicator_words, level_words, reason_words
from ui.hall_time import hall_time
from ui.tasks import run_in_background, while_alive
from ui.words import fill
from workstation.app.rating import mask_phone
from workstation.domain.rating import NOTE_REQUIRED, FollowUpAction, FollowUpState
from workstation.protocol import ratings as wire
from workstation.sync.errors import HallRefused, HallUnreachable

log = logging.getLogger(__name__)

REFRESH_MS = 15000
SUPERVISING_ROLES = ("supervisor", "admin")
COL_DUE, COL_STATE, COL_LEVEL, COL_ITEM, COL_WINDOW, COL_RATED, COL_CASE = range(7)
NOTE_WIDTH = 420  # the handwritten note's width in the detail, in pixels

_STYLE = """
QListWidget#supervisorNav { font-size: 13pt; }
QListWidget#supervisorNav::item { padding: 10px; }
QPushButton#followUpView { background: #e3e8ef; color: #1f3a5f; }
QPushButton#followUpView:checked { background: #1f3a5f; color: white; }
QTableWidget { font-size: 12pt; }
QTextBrowser#followUpDetail { font-size: 12pt; }
QLabel#followUpMessage { font-size: 11pt; color: #33475b; }
QLabel#followUpMessage[error="true"] { color: #b3261e; font-weight: bold; }
"""


def _local(moment: datetime | None) -> str:
    return hall_time(moment, "%Y-%m-%d %H:%M") if moment else "—"


def framed_note(image: QImage, width: int = NOTE_WIDTH) -> QImage:
    """The handwritten note on white paper inside a thin frame, scaled to `width`: the pad's
    PNG may be transparent or grey ink alone, which on a white page reads as a stray stroke."""
    pad = 12
    inner = image.scaledToWidth(width - 2 * pad, Qt.TransformationMode.SmoothTransformation) \
        if image.width() > width - 2 * pad else image
    framed = QImage(width, inner.height() + 2 * pad, QImage.Format.Format_RGB32)
    framed.fill(QColor("white"))
    painter = QPainter(framed)
    painter.drawImage((width - inner.width()) // 2, pad, inner)
    painter.setPen(QPen(QColor("#8a99ad"), 2))
    painter.drawRect(1, 1, framed.width() - 2, framed.height() - 2)
    painter.end()
    return framed


class FollowUpWords(QObject):
    """The follow-up's states and actions in the supervisor's words."""

    def state(self, state: FollowUpState) -> str:
        return {FollowUpState.OPEN: self.tr("Open"), FollowUpState.CONTACTED: self.tr("Called back"),
                FollowUpState.RECTIFIED: self.tr("Rectified"), FollowUpState.EXPLAINED: self.tr("Explained"),
                FollowUpState.CLOSED: self.tr("Closed")}[state]

    def action(self, action: FollowUpAction) -> str:
        """An action's button."""
        return {FollowUpAction.CONTACT: self.tr("Record a call-back"),
                FollowUpAction.RECTIFY: self.tr("Rectified"), FollowUpAction.EXPLAIN: self.tr("Explained"),
                FollowUpAction.CLOSE: self.tr("Close")}[action]

    def done(self, action: FollowUpAction) -> str:
        """An action in the history."""
        return {FollowUpAction.OPEN: self.tr("Opened by the bad rating"),
                FollowUpAction.CONTACT: self.tr("Called back"), FollowUpAction.RECTIFY: self.tr("Rectified"),
                FollowUpAction.EXPLAIN: self.tr("Explained"), FollowUpAction.CLOSE: self.tr("Closed")}[action]

    def note_prompt(self, action: FollowUpAction) -> str:
        return {FollowUpAction.CONTACT: self.tr("What did the applicant say on the call?"),
                FollowUpAction.RECTIFY: self.tr("What was fixed?"),
                FollowUpAction.EXPLAIN: self.tr("What was explained to the applicant?"),
                FollowUpAction.CLOSE: self.tr("A closing note (optional)")}.get(action, "")


class NoteDialog(QDialog):
    """Asks for the note of an action; refuses an empty one where the action needs it."""

    note_given = Signal(str)

    def __init__(self, title: str, prompt: str, required: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.required = required
        self.note = QPlainTextEdit()
        self.note.setObjectName("followUpNote")
        self.problem = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        layout.addWidget(self.note)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(480, 260)

    def _accept(self) -> None:
        text = self.note.toPlainText().strip()
        if self.required and not text:
            self.problem.setText(self.tr("Please write a note."))
            return
        self.accept()
        self.note_given.emit(text)


class ExportDialog(QDialog):
    """Which days and which format to export the ratings in."""

    chosen = Signal(object, object, object)  # first day, last day, wire.ExportFormat

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export ratings"))
        today = QDate.currentDate()
        self.first = QDateEdit(QDate(today.year(), today.month(), 1))
        self.last = QDateEdit(today)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.format = QComboBox()
        self.format.addItem(self.tr("CSV (spreadsheet)"), wire.ExportFormat.CSV)
        self.format.addItem(self.tr("JSON"), wire.ExportFormat.JSON)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("From"), self.first)
        form.addRow(self.tr("To"), self.last)
        form.addRow(self.tr("Format"), self.format)
        form.addRow(buttons)

    def _accept(self) -> None:
        self.accept()
        self.chosen.emit(self.first.date().toPython(), self.last.date().toPython(), self.format.currentData())


class FollowUpScreen(QWidget):
    """The bad-rating follow-up over a FollowUpDesk-like `desk`."""

    detail_shown = Signal(object)  # wire.FollowUpDetail
    tasks_shown = Signal(object)  # list[wire.FollowUpSummary]
    exported = Signal(str)  # the file written
    phone_revealed = Signal(int)  # the task whose call-back phone is shown in full

    def __init__(self, desk, parent: QWidget | None = None, *, refresh_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        self.setObjectName("followUpScreen")
        self.setStyleSheet(_STYLE)
        self.desk = desk
        self.words = FollowUpWords(self)
        self.view = wire.FollowUpFilter.OPEN
        self.tasks: list[wire.FollowUpSummary] = []
        self.detail: wire.FollowUpDetail | None = None
        self.busy = False
        self._dialog: QDialog | None = None
        # Detail answers come back in any order: only the latest asked for is shown, and
        # an action's own answer outdates every fetch begun before it.
        self._detail_asked = 0

        self.view_buttons: dict[wire.FollowUpFilter, QPushButton] = {}
        group = QButtonGroup(self)
        views = QHBoxLayout()
        for view, text in ((wire.FollowUpFilter.OPEN, self.tr("Open")),
                           (wire.FollowUpFilter.OVERDUE, self.tr("Overdue")),
                           (wire.FollowUpFilter.CLOSED, self.tr("Closed")),
                           (wire.FollowUpFilter.ALL, self.tr("All"))):
            button = QPushButton(text)
            button.setObjectName("followUpView")
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, v=view: self.show_view(v))
            group.addButton(button)
            views.addWidget(button)
            self.view_buttons[view] = button
        self.view_buttons[self.view].setChecked(True)
        self.count = QLabel()
        views.addWidget(self.count, 1)
        self.export_button = QPushButton(self.tr("Export ratings…"))
        self.export_button.setObjectName("followUpExport")
        self.export_button.clicked.connect(self._ask_export)
        views.addWidget(self.export_button)

        self.table = QTableWidget(0, 7)
        self.table.setObjectName("followUpTable")
        self.table.setHorizontalHeaderLabels([self.tr("Due"), self.tr("State"), self.tr("Rating"),
                                              self.tr("Service item"), self.tr("Window / clerk"),
                                              self.tr("Rated"), self.tr("Case")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Every column but the service item takes its contents' width; the item takes the rest
        # and elides a long name (its tooltip has it whole): the case number, last, stays whole.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._selected)

        self.detail_view = QTextBrowser()
        self.detail_view.setObjectName("followUpDetail")
        self.detail_view.setPlaceholderText(self.tr("Choose a task to see its case, its rating and what was done."))
        self.action_buttons: dict[FollowUpAction, QPushButton] = {}
        actions = QVBoxLayout()
        for action in (FollowUpAction.CONTACT, FollowUpAction.RECTIFY, FollowUpAction.EXPLAIN,
                       FollowUpAction.CLOSE):
            button = QPushButton(self.words.action(action))
            button.setObjectName(f"followUp_{action.value}")
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, a=action: self._ask_note(a))
            actions.addWidget(button)
            self.action_buttons[action] = button
        actions.addSpacing(16)
        self.reveal_button = QPushButton(self.tr("Show full phone number"))
        self.reveal_button.setObjectName("followUpRevealPhone")
        self.reveal_button.setEnabled(False)
        self.reveal_button.setToolTip(self.tr("The full number is shown after you give a reason; "
                                              "this is recorded in the audit log."))
        self.reveal_button.clicked.connect(self._ask_reveal)
        actions.addWidget(self.reveal_button)
        actions.addStretch(1)
        # The task whose phone was revealed, and the phone: shown until another task is opened.
        self._revealed: tuple[int, str] | None = None
        lower = QWidget()
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail_view, 1)
        lower_layout.addLayout(actions)
        # The list above the detail, both the screen's whole width: seven columns side by side
        # with the detail did not fit a 1366-pixel screen.
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("followUpSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([260, 400])
        splitter.setChildrenCollapsible(False)

        self.message = QLabel()
        self.message.setObjectName("followUpMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(views)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

        self._poll = QTimer(self)
        self._poll.timeout.connect(self.refresh)
        self._poll.start(refresh_ms)
        self.refresh()

    def say(self, text: str, error: bool = False) -> None:
        self.message.setProperty("error", error)
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._enable()
        if isinstance(exc, HallUnreachable):
            self.say(self.tr("The hall server cannot be reached; the list is tried again by itself."), True)
        elif isinstance(exc, HallRefused) and exc.status in (401, 403):
            self.say(self.tr("Your login has ended or may not do this. Please log in again."), True)
        elif isinstance(exc, HallRefused):
            self.say(fill(self.tr("The hall server refused: %1"), exc.detail), True)
        else:
            self.say(fill(self.tr("Something went wrong: %1"), exc), True)

    # -- the list -------------------------------------------------------------------------

    def show_view(self, view: wire.FollowUpFilter) -> None:
        self.view = view
        self.view_buttons[view].setChecked(True)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        view = self.view
        run_in_background(lambda: self.desk.tasks(view), while_alive(self, lambda tasks: self._show(view, tasks)),
                          while_alive(self, self._failed))

    def _show(self, view: wire.FollowUpFilter, tasks: list[wire.FollowUpSummary]) -> None:
        if view is not self.view:
            return  # a later view was asked for meanwhile
        selected = self.detail.id if self.detail else None
        self.tasks = tasks
        self.table.blockSignals(True)
        self.table.setRowCount(len(tasks))
        red = QColor("#b3261e")
        for row, task in enumerate(tasks):
            state = self.words.state(task.state)
            if task.overdue:
                state = fill(self.tr("%1 — overdue"), state)
            cells = [task.due_on.isoformat() if task.due_on else self.tr("unknown"), state,
                     level_words(task.level), task.item_name,
                     fill(self.tr("Window %1 · %2"), task.window or "–", task.clerk_name), _local(task.rated_at),
                     task.case_number]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                cell.setData(Qt.ItemDataRole.UserRole, task.id)
                if task.overdue:
                    cell.setForeground(red)
                self.table.setItem(row, col, cell)
            if task.id == selected:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        overdue = sum(t.overdue for t in tasks)
        self.count.setText(fill(self.tr("%1 tasks, %2 overdue"), len(tasks), overdue))
        # A task that left this view (just closed, say) stays in the detail as it was.
        if selected is not None and selected in {t.id for t in tasks}:
            self.open_task(selected)
        self.tasks_shown.emit(tasks)

    def row_of(self, task_id: int) -> int | None:
        return next((i for i, t in enumerate(self.tasks) if t.id == task_id), None)

    @Slot()
    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_task(self.tasks[rows[0].row()].id)

    # -- one task -------------------------------------------------------------------------

    def open_task(self, task_id: int) -> None:
        self._detail_asked += 1
        asked = self._detail_asked

        def show(detail: wire.FollowUpDetail) -> None:
            if asked == self._detail_asked:  # not outdated by a later fetch or an action
                self._show_detail(detail)

        run_in_background(lambda: self.desk.task(task_id), while_alive(self, show),
                          while_alive(self, self._failed))

    def _show_detail(self, detail: wire.FollowUpDetail) -> None:
        if self._revealed is not None and self._revealed[0] != detail.id:
            self._revealed = None  # another task: its phone starts masked
        self.detail = detail
        document = self.detail_view.document()
        if detail.rating.note_png:
            image = QImage.fromData(base64.b64decode(detail.rating.note_png))
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl("note.png"), framed_note(image))
        self.detail_view.setHtml(self.detail_html(detail))
        self._enable()
        self.detail_shown.emit(detail)

    def shown_phone(self, d: wire.FollowUpDetail) -> str:
        """The call-back phone as the detail shows it: masked until revealed for this task."""
        if not d.rating.callback:
            return self.tr("not wanted")
        if self._revealed is not None and self._revealed[0] == d.id:
            return self._revealed[1]
        return mask_phone(d.rating.phone)

    def detail_html(self, d: wire.FollowUpDetail) -> str:
        e = html.escape
        r = d.rating
        rows = [(self.tr("Case"), d.case_number), (self.tr("Service item"), r.item_name),
                (self.tr("Department"), r.department_name),
                (self.tr("Window / clerk"), fill(self.tr("Window %1 · %2"), r.window or "–", r.clerk.name))]
        if d.case is not None:
            rows += [(self.tr("Decision"), d.case.decision), (self.tr("Accepted"), _local(d.case.accepted_at)),
                     (self.tr("Promised by"), d.case.promised_date.isoformat() if d.case.promised_date else "—")]
        rows += [(self.tr("Applicant"), f"{r.rater.masked_name} {r.rater.masked_id}"),
                 (self.tr("Rating"), level_words(r.level)), (self.tr("Rated"), _local(r.rated_at)),
                 (self.tr("What went wrong"), "、".join(reason_words(x) for x in r.reasons) or "—"),
                 (self.tr("Indicators"), "、".join(indicator_words(i) for i in r.indicators) or "—"),
                 (self.tr("In their words"), r.text or "—"),
                 (self.tr("Call back"), self.shown_phone(d)),
                 (self.tr("State"), self.words.state(d.state)),
                 (self.tr("Due"), (d.due_on.isoformat() if d.due_on else self.tr("unknown"))
                  + (" " + self.tr("(overdue)") if d.overdue else ""))]
        table = "".join(f"<tr><td style='color:#4a5a70; padding-right:12px; white-space:nowrap'>{e(k)}</td>"
                        f"<td>{e(str(v))}</td></tr>"
                        for k, v in rows)
        note_label = self.tr("Handwritten note")
        note = (f"<p style='color:#4a5a70; font-weight:bold; margin-bottom:4px'>{e(note_label)}"
                f"</p><p><img src='note.png' width='{NOTE_WIDTH}'></p>" if r.note_png else "")
        steps = []
        for step in d.history:
            who = self.tr("System") if step.actor_username == "system" else step.actor_name or step.actor_username
            line = f"{e(_local(step.at))} · {e(who)} · <b>{e(self.words.done(step.action))}</b>"
            if step.note:
                line += f"<br>{e(step.note)}"
            steps.append(f"<li>{line}</li>")
        history = self.tr("History")
        # Two columns: the facts on the left, the note and the history on the right; the
        # detail is wide and not tall under the list.
        return (f"<table width='100%' cellspacing='0'><tr><td valign='top' width='52%'><table>{table}</table></td>"
                f"<td valign='top' width='48%' style='padding-left:16px'>{note}"
                f"<h3 style='margin-top:0'>{e(history)}</h3>"
                f"<ol>{''.join(steps)}</ol></td></tr></table>")

    def _enable(self) -> None:
        allowed = set(self.detail.allowed) if self.detail and not self.busy else set()
        for action, button in self.action_buttons.items():
            button.setEnabled(action in allowed)
        d = self.detail
        self.reveal_button.setEnabled(
            d is not None and d.rating.callback and bool(d.rating.phone) and not self.busy
            and getattr(self.desk, "can_reveal", False)
            and (self._revealed is None or self._revealed[0] != d.id))

    # -- the call-back phone --------------------------------------------------------------

    def _ask_reveal(self) -> None:
        if self.detail is None:
            return
        task_id = self.detail.id
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Show full phone number"))
        dialog.setLabelText(self.tr("Why do you need the applicant's full phone number?"))
        dialog.textValueSelected.connect(lambda reason: self.reveal_phone(reason, task_id))
        self._open(dialog)

    def reveal_phone(self, reason: str, task_id: int | None = None) -> None:
        """Show the call-back phone of the task in the detail in full, after auditing who
        saw it and why (a reason is needed; an empty one reveals nothing)."""
        detail = self.detail
        reason = (reason or "").strip()
        if detail is None or (task_id is not None and detail.id != task_id):
            return
        if not reason:
            self.say(self.tr("Please give a reason to see the full phone number."), True)
            return
        desk = self.desk

        def done(phone: str) -> None:
            self._revealed = (detail.id, phone)
            if self.detail is not None and self.detail.id == detail.id:
                self.detail_view.setHtml(self.detail_html(self.detail))
            self._enable()
            self.say(self.tr("The full phone number is shown; this was recorded in the audit log."))
            self.phone_revealed.emit(detail.id)

        run_in_background(lambda: desk.reveal_phone(detail, reason), while_alive(self, done),
                          while_alive(self, self._failed))

    def _ask_note(self, action: FollowUpAction) -> None:
        if self.detail is None:
            return
        task_id = self.detail.id
        dialog = NoteDialog(self.words.action(action), self.words.note_prompt(action),
                            action in NOTE_REQUIRED, self)
        dialog.note_given.connect(lambda note: self.act(task_id, action, note))
        self._open(dialog)

    def act(self, task_id: int, action: FollowUpAction, note: str) -> None:
        if self.busy:
            return
        self.busy = True
        self._enable()

        def done(detail: wire.FollowUpDetail) -> None:
            self.busy = False
            self._detail_asked += 1  # what a poll fetched before this answer is older than it
            self.say(fill(self.tr("Case %1: %2."), detail.case_number, self.words.state(detail.state)))
            self._show_detail(detail)
            self.refresh()

        run_in_background(lambda: self.desk.act(task_id, action, note), while_alive(self, done),
                          while_alive(self, self._failed))

    # -- export ---------------------------------------------------------------------------

    def _ask_export(self) -> None:
        dialog = ExportDialog(self)
        dialog.chosen.connect(self._export_chosen)
        self._open(dialog)

    def _export_chosen(self, first: date, last: date, fmt: wire.ExportFormat) -> None:
        name = f"ratings-{first.isoformat()}-{last.isoformat()}.{fmt.value}"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export ratings"), str(Path.home() / name))
        if path:
            self.export_to(Path(path), first, last, fmt)

    def export_to(self, path: Path, first: date, last: date, fmt: wire.ExportFormat) -> None:
        """Write the ratings of first…last to `path` in the national field set."""

        def work() -> str:
            path.write_bytes(self.desk.export(first, last, fmt))
            return str(path)

        def done(written: str) -> None:
            self.say(fill(self.tr("Ratings exported to %1."), written))
            self.exported.emit(written)

        run_in_background(work, while_alive(self, done), while_alive(self, self._failed))

    def _open(self, dialog: QDialog) -> None:
        # open(), not exec(): no nested event loop; the list keeps refreshing meanwhile.
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.close()
        self._dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
