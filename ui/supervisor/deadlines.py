"""电子监察 (time-limit supervision): the open cases against their promised date, worst first,
in the three levels' colours (提醒, 黄牌, 红牌); filters by level, department and clerk;
the counts per department and clerk; a case's history a key press away (Enter or a double
click). A `case.deadline` or `case.changed` event re-reads the board, so a case turning
red shows without a refresh, and a red one is announced on the screen's banner.

The applicant shows only masked (张*, 110101********1234), as the server sends it."""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.hall_time import hall_time
from ui.supervisor.live import LiveFeed, Reader, stream_words
from ui.tasks import run_in_background, while_alive
from ui.words import fill
from workstation.app.monitoring import FeedConnected
from workstation.domain.case import CaseState, DeadlineLevel, Step
from workstation.protocol import cases as wire
from workstation.sync.errors import HallRefused, HallUnreachable

# level -> (background, text)
LEVEL_COLOURS = {
    DeadlineLevel.RED: ("#fde7e7", "#b3261e"),
    DeadlineLevel.YELLOW: ("#fff3b0", "#7a5b00"),
    DeadlineLevel.REMINDER: ("#e8f0fe", "#1f4f99"),
    DeadlineLevel.NONE: ("#ffffff", "#1b1b1b"),
}
(COL_LEVEL, COL_NUMBER, COL_ITEM, COL_DEPARTMENT, COL_CLERK, COL_WINDOW, COL_APPLICANT, COL_ACCEPTED,
 COL_PROMISED, COL_STATE) = range(10)
ANY = "*"


class CaseWords(QObject):
    """Levels, states and steps of a case in the hall's words."""

    def level(self, level: DeadlineLevel) -> str:
        return {DeadlineLevel.RED: self.tr("Red card"), DeadlineLevel.YELLOW: self.tr("Yellow card"),
                DeadlineLevel.REMINDER: self.tr("Reminder"), DeadlineLevel.NONE: self.tr("On time")}[level]

    def state(self, state: CaseState | None) -> str:
        if state is None:
            return "—"
        return {CaseState.ACCEPTED: self.tr("Accepted"), CaseState.IN_PROGRESS: self.tr("In progress"),
                CaseState.CONCLUDED: self.tr("Concluded"), CaseState.DELIVERED: self.tr("Handed over"),
                CaseState.NOTIFIED: self.tr("Told once what is missing"),
                CaseState.REJECTED: self.tr("Not accepted")}[state]

    def step(self, step: Step) -> str:
        return {Step.START: self.tr("Started"), Step.CONCLUDE: self.tr("Concluded"),
                Step.DELIVER: self.tr("Handed over"), Step.SUPPLEMENT: self.tr("Deferred material received"),
                Step.VERIFY: self.tr("Commitment verified")}[step]


class CaseDialog(QDialog):
    """One case and its history (every step: when, who, at which window, what)."""

    def __init__(self, detail: wire.CaseDetail, words: CaseWords, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseDialog")
        self.setWindowTitle(fill(self.tr("Case %1"), detail.case_number))
        self.detail = detail
        self.view = QTextBrowser()
        self.view.setObjectName("caseHistory")
        self.view.setStyleSheet("font-size: 12pt;")
        self.view.setHtml(self._html(detail, words))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(820, 560)

    def _html(self, d: wire.CaseDetail, words: CaseWords) -> str:
        e = html.escape
        background, colour = LEVEL_COLOURS[d.level]
        rows = [(self.tr("Case number"), d.case_number), (self.tr("Item"), d.item_name),
                (self.tr("Department"), d.department_name), (self.tr("Accepted by"), d.clerk_name),
                (self.tr("Window"), str(d.window or "—")), (self.tr("Applicant"), f"{d.applicant}　{d.applicant_id}"),
                (self.tr("Accepted at"), hall_time(d.accepted_at, "%Y-%m-%d %H:%M")),
                (self.tr("Promised by"), d.promised_date.isoformat() if d.promised_date else "—"),
                (self.tr("State"), words.state(d.state))]
        head = "".join(f"<tr><td style='color:#555;padding-right:16px'>{e(k)}</td><td>{e(v)}</td></tr>"
                       for k, v in rows)
        level = (f"<p style='background:{background};color:{colour};font-weight:bold;padding:4px'>"
                 f"{e(words.level(d.level))}</p>")
        steps = "".join(
            "<tr>"
            f"<td>{e(hall_time(s.at, '%m-%d %H:%M'))}</td><td>{e(words.step(s.step))}</td>"
            f"<td>{e(s.actor_name)}</td><td>{e(str(s.window or '—'))}</td>"
            f"<td>{e(words.state(s.from_state))} → {e(words.state(s.to_state))}</td>"
            f"<td>{e(str(s.detail.get('note', '') or s.detail.get('material_name', '') or ''))}</td>"
            "</tr>" for s in d.history)
        counter = self.tr("Accepted at the counter")
        titles = [self.tr("When"), self.tr("Step"), self.tr("Who"), self.tr("Window"), self.tr("State"),
                  self.tr("Note")]
        received, outstanding, due = self.tr("received"), self.tr("outstanding"), self.tr(", due %1")
        accepted = (f"<tr><td>{e(hall_time(d.accepted_at, '%m-%d %H:%M'))}</td>"
                    f"<td>{e(counter)}</td><td>{e(d.clerk_name)}</td>"
                    f"<td>{e(str(d.window or '—'))}</td><td>{e(words.state(CaseState.ACCEPTED))}</td><td></td></tr>")
        heads = "".join(f"<th>{e(t)}</th>" for t in titles)
        history_title = self.tr("History")
        history = (f"<h3>{e(history_title)}</h3><table cellpadding='4' border='1' cellspacing='0'>"
                   f"<tr>{heads}</tr>{accepted}{steps}</table>")
        missing = ""
        if d.deficiencies:
            items = "".join(
                f"<li>{e(m.material_name)}：{e(received if m.received else outstanding)}"
                f"{e(fill(due, m.due.isoformat())) if m.due else ''}</li>" for m in d.deficiencies)
            deferred = self.tr("Deferred materials")
            missing = f"<h3>{e(deferred)}</h3><ul>{items}</ul>"
        return f"<h2>{e(d.item_name)}</h2>{level}<table>{head}</table>{history}{missing}"


class DeadlineScreen(QWidget):
    """电子监察 over a MonitoringDesk-like `desk` and a LiveFeed."""

    board_shown = Signal(object)  # wire.DeadlineBoard
    case_opened = Signal(object)  # wire.CaseDetail, its dialog shown
    turned_red = Signal(str)  # a case number: a `case.deadline` event to red arrived

    def __init__(self, desk, live: LiveFeed | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deadlineScreen")
        self.desk, self.live = desk, live
        self.words = CaseWords(self)
        self.board: wire.DeadlineBoard | None = None
        self.shown: list[wire.CaseSummary] = []
        self.dialog: CaseDialog | None = None

        self.totals = QLabel()
        self.totals.setObjectName("deadlineTotals")
        self.status = QLabel()
        self.status.setObjectName("deadlineStatus")
        self.banner = QLabel()
        self.banner.setObjectName("deadlineBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        head = QHBoxLayout()
        head.addWidget(self.totals, 1)
        head.addWidget(self.status)

        self.level_filter = QComboBox()
        self.level_filter.setObjectName("levelFilter")
        for text, rank in ((self.tr("All open cases"), 0), (self.tr("Reminder and worse"), 1),
                           (self.tr("Yellow and red cards"), 2), (self.tr("Red cards only"), 3)):
            self.level_filter.addItem(text, rank)
        self.department_filter = QComboBox()
        self.department_filter.setObjectName("departmentFilter")
        self.clerk_filter = QComboBox()
        self.clerk_filter.setObjectName("clerkFilter")
        self.search = QLineEdit()
        self.search.setObjectName("deadlineSearch")
        self.search.setPlaceholderText(self.tr("Case number or item"))
        self.search.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        for label, widget in ((self.tr("&Level"), self.level_filter), (self.tr("&Department"), self.department_filter),
                              (self.tr("&Clerk"), self.clerk_filter), (self.tr("&Find"), self.search)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget, 1)
        for combo in (self.level_filter, self.department_filter, self.clerk_filter):
            combo.currentIndexChanged.connect(self._render_cases)
        self.search.textChanged.connect(self._render_cases)

        self.table = QTableWidget(0, 10)
        self.table.setObjectName("deadlineTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("Level"), self.tr("Case number"), self.tr("Item"), self.tr("Department"), self.tr("Accepted by"),
            self.tr("Window"), self.tr("Applicant"), self.tr("Accepted"), self.tr("Promised by"), self.tr("State")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.Stretch)
        # A department's full name is long; the item matters more at a glance.
        header.setSectionResizeMode(COL_DEPARTMENT, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(COL_DEPARTMENT, 150)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.doubleClicked.connect(lambda index: self.open_case(self._number_at(index.row())))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self.open_case(self._number_at(self.table.currentRow())))

        self.empty = QLabel(self.tr("No open case is near or past its promised date."))
        self.empty.setObjectName("deadlineEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        cases_box = QWidget()
        cases_layout = QVBoxLayout(cases_box)
        cases_layout.setContentsMargins(0, 0, 0, 0)
        cases_layout.addWidget(self.empty)
        cases_layout.addWidget(self.table, 1)

        self.by_department = self._counts_table(self.tr("Department"))
        self.by_department.setObjectName("countsByDepartment")
        self.by_clerk = self._counts_table(self.tr("Clerk"))
        self.by_clerk.setObjectName("countsByClerk")
        counts = QWidget()
        counts_layout = QHBoxLayout(counts)
        counts_layout.setContentsMargins(0, 0, 0, 0)
        for title, table in ((self.tr("Per department"), self.by_department), (self.tr("Per clerk"), self.by_clerk)):
            box = QVBoxLayout()
            box.addWidget(QLabel(f"<b>{html.escape(title)}</b>"))
            box.addWidget(table)
            counts_layout.addLayout(box)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(cases_box)
        split.addWidget(counts)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.banner)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        self.setStyleSheet(
            "QLabel#deadlineTotals { font-size: 14pt; font-weight: bold; color: #1f3a5f; }"
            " QLabel#deadlineStatus { color: #33475b; }"
            " QLabel#deadlineStatus[down=\"true\"] { color: #b3261e; font-weight: bold; }"
            " QLabel#deadlineBanner { background: #fde7e7; color: #b3261e; font-size: 13pt; font-weight: bold;"
            " padding: 6px; border: 1px solid #b3261e; }"
            " QLabel#deadlineEmpty { font-size: 13pt; color: #1e7a3c; padding: 8px; }"
            " QTableWidget { font-size: 12pt; }")
        self.setTabOrder(self.level_filter, self.department_filter)
        self.setTabOrder(self.department_filter, self.clerk_filter)
        self.setTabOrder(self.clerk_filter, self.search)
        self.setTabOrder(self.search, self.table)

        self.reader = Reader(self, desk.deadlines, self.show_board, self._failed, live)
        if live is not None:
            live.update.connect(self.on_update)
            live.live_changed.connect(self._show_status)
        self._show_status()

    def _counts_table(self, first: str) -> QTableWidget:
        table = QTableWidget(0, 5)
        table.setHorizontalHeaderLabels([first, self.tr("Open"), self.tr("Reminder"), self.tr("Yellow"),
                                         self.tr("Red")])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        return table

    # reading

    def refresh(self) -> None:
        self.reader.request()

    @Slot(object)
    def on_update(self, update) -> None:
        if isinstance(update, wire.CaseDeadlineEvent):
            if update.level is DeadlineLevel.RED and update.previous is not DeadlineLevel.RED:
                self.banner.setText(fill(self.tr("Red card: case %1 (%2) is past its promised date."),
                                         update.case_number, update.item_name))
                self.banner.show()
                self.turned_red.emit(update.case_number)
            self.refresh()
        elif isinstance(update, (wire.CaseChangedEvent, FeedConnected)):
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, (HallUnreachable, HallRefused)):
            raise exc
        self.status.setText(fill(self.tr("The hall server did not answer: %1"), str(exc)))
        self.status.setProperty("down", True)
        self.status.style().polish(self.status)

    @Slot()
    def _show_status(self, *_: object) -> None:
        live = self.live.live if self.live is not None else True
        self.status.setText(stream_words(live))
        self.status.setProperty("down", not live)
        self.status.style().polish(self.status)

    # showing

    @Slot(object)
    def show_board(self, board: wire.DeadlineBoard) -> None:
        self.board = board
        t = board.totals
        self.totals.setText(fill(self.tr("Open cases %1 · reminders %2 · yellow cards %3 · red cards %4 (as of %5)"),
                                 t.open, t.reminder, t.yellow, t.red, board.today.isoformat()))
        self._fill_choices(self.department_filter, self.tr("All departments"),
                           [(c.key, c.name) for c in board.by_department])
        self._fill_choices(self.clerk_filter, self.tr("All clerks"), [(c.key, c.name) for c in board.by_clerk])
        self._fill_counts(self.by_department, board.by_department)
        self._fill_counts(self.by_clerk, board.by_clerk)
        self._render_cases()
        self._show_status()
        self.board_shown.emit(board)

    def _fill_choices(self, combo: QComboBox, everyone: str, choices: list[tuple[str, str]]) -> None:
        current = combo.currentData() or ANY
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everyone, ANY)
        for key, name in choices:
            combo.addItem(name or key, key)
        index = combo.findData(current)
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def _fill_counts(self, table: QTableWidget, counts: list[wire.LevelCounts]) -> None:
        table.setRowCount(len(counts))
        for row, c in enumerate(counts):
            for column, (text, level) in enumerate(((c.name or c.key, None), (str(c.open), None),
                                                    (str(c.reminder), DeadlineLevel.REMINDER),
                                                    (str(c.yellow), DeadlineLevel.YELLOW),
                                                    (str(c.red), DeadlineLevel.RED))):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if level is not None and text != "0":
                    background, colour = LEVEL_COLOURS[level]
                    item.setBackground(QColor(background))
                    item.setForeground(QColor(colour))
                table.setItem(row, column, item)

    @Slot()
    def _render_cases(self) -> None:
        if self.board is None:
            return
        rank = self.level_filter.currentData() or 0
        department = self.department_filter.currentData() or ANY
        clerk = self.clerk_filter.currentData() or ANY
        clerk_name = self.clerk_filter.currentText()
        needle = self.search.text().strip().lower()
        cases = [c for c in self.board.cases
                 if c.level.rank >= rank
                 and (department == ANY or c.department_code == department)
                 and (clerk == ANY or c.clerk_name in (clerk, clerk_name))
                 and (not needle or needle in c.case_number.lower() or needle in c.item_name.lower())]
        current = self._number_at(self.table.currentRow()) if self.table.currentRow() >= 0 else None
        self.shown = cases
        self.empty.setVisible(not cases)
        if not cases and self.board.cases:
            self.empty.setText(self.tr("No case matches the filters."))
        elif not cases:
            self.empty.setText(self.tr("No open case is near or past its promised date."))
        self.table.setRowCount(len(cases))
        for row, c in enumerate(cases):
            background, colour = LEVEL_COLOURS[c.level]
            cells = [self.words.level(c.level), c.case_number, c.item_name, c.department_name, c.clerk_name,
                     str(c.window or "—"), c.applicant,
                     hall_time(c.accepted_at, "%m-%d %H:%M"),
                     self._promised(c), self.words.state(c.state)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.case_number)
                if column in (COL_ITEM, COL_DEPARTMENT):
                    item.setToolTip(text)
                if column == COL_APPLICANT:  # the masked number on pointing: the name is enough to read
                    item.setToolTip(f"{c.applicant} {c.applicant_id}")
                if column == COL_LEVEL:
                    item.setBackground(QColor(background))
                    item.setForeground(QColor(colour))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                elif c.level in (DeadlineLevel.RED, DeadlineLevel.YELLOW) and column == COL_PROMISED:
                    item.setForeground(QColor(colour))
                self.table.setItem(row, column, item)
        if current is not None:
            row = self.row_of(current)
            if row >= 0:
                self.table.selectRow(row)

    def _promised(self, case: wire.CaseSummary) -> str:
        if case.promised_date is None:
            return "—"
        text = case.promised_date.isoformat()
        if self.board is not None and case.promised_date < self.board.today:
            text += fill(self.tr(" (%1 days over)"), (self.board.today - case.promised_date).days)
        return text

    def _number_at(self, row: int) -> str | None:
        item = self.table.item(row, COL_NUMBER) if row >= 0 else None
        return item.text() if item is not None else None

    def row_of(self, case_number: str) -> int:
        return next((row for row, c in enumerate(self.shown) if c.case_number == case_number), -1)

    def level_of(self, case_number: str) -> DeadlineLevel | None:
        """The level the table shows for a case (None: not listed)."""
        row = self.row_of(case_number)
        if row < 0:
            return None
        text = self.table.item(row, COL_LEVEL).text()
        return next(level for level in DeadlineLevel if self.words.level(level) == text)

    def level_colour(self, case_number: str) -> str | None:
        row = self.row_of(case_number)
        return self.table.item(row, COL_LEVEL).background().color().name() if row >= 0 else None

    # a case's history

    def open_case(self, case_number: str | None) -> None:
        if not case_number:
            return
        desk = self.desk
        run_in_background(lambda: desk.case(case_number), while_alive(self, self._show_case),
                          while_alive(self, self._failed))

    def _show_case(self, detail: wire.CaseDetail) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = CaseDialog(detail, self.words, self)
        self.dialog.show()
        self.case_opened.emit(detail)
