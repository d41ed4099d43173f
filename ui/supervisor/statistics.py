"""Today and any date range: tickets issued, served, no-shows, transfers, wait and service
times (average and p90) by business type, window and clerk; the ratings summary; as
QtCharts bar charts and as tables; exported as XLSX or CSV (rendered by the server, the
same file the hall's monthly report takes), written in the background."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.supervisor.live import minutes
from ui.tasks import run_in_background, while_alive
from ui.words import fill
from workstation.protocol import monitoring as mon
from workstation.sync.errors import HallRefused, HallUnreachable

TODAY, WEEK, MONTH, CUSTOM = "today", "week", "month", "custom"
COLOURS = ("#3b6fb6", "#c77700", "#1e7a3c", "#8e44ad", "#b3261e")


def range_of(choice: str, today: date) -> tuple[date, date]:
    """The days a range button means, ending today (本周 from Monday, 本月 from the 1st)."""
    if choice == WEEK:
        return today - timedelta(days=today.weekday()), today
    if choice == MONTH:
        return today.replace(day=1), today
    return today, today


def _minutes_value(seconds: float | None) -> float:
    return round((seconds or 0) / 60, 1)


class StatisticsScreen(QWidget):
    """Statistics over a MonitoringDesk-like `desk`."""

    statistics_shown = Signal(object)  # mon.Statistics
    exported = Signal(str)  # the file written

    def __init__(self, desk, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statisticsScreen")
        self.desk = desk
        self._today = today
        self.statistics: mon.Statistics | None = None
        self._asked: object | None = None

        self.range_buttons: dict[str, QPushButton] = {}
        self.range_group = QButtonGroup(self)
        self.range_group.setExclusive(True)
        ranges = QHBoxLayout()
        for key, text in ((TODAY, self.tr("&Today")), (WEEK, self.tr("This &week")), (MONTH, self.tr("This &month")),
                          (CUSTOM, self.tr("&Custom"))):
            button = QPushButton(text)
            button.setObjectName("statisticsRange")
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, k=key: self.choose(k))
            self.range_group.addButton(button)
            self.range_buttons[key] = button
            ranges.addWidget(button)
        self.first = QDateEdit()
        self.last = QDateEdit()
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        ranges.addWidget(QLabel(self.tr("From")))
        ranges.addWidget(self.first)
        ranges.addWidget(QLabel(self.tr("to")))
        ranges.addWidget(self.last)
        self.show_button = QPushButton(self.tr("&Show"))
        self.show_button.setObjectName("statisticsShow")
        self.show_button.clicked.connect(self.load_chosen)
        ranges.addWidget(self.show_button)
        ranges.addStretch(1)
        self.export_xlsx = QPushButton(self.tr("Export &Excel (XLSX)"))
        self.export_csv = QPushButton(self.tr("Export C&SV"))
        self.export_xlsx.clicked.connect(lambda: self.ask_export(mon.ExportFormat.XLSX))
        self.export_csv.clicked.connect(lambda: self.ask_export(mon.ExportFormat.CSV))
        ranges.addWidget(self.export_xlsx)
        ranges.addWidget(self.export_csv)

        self.totals = QLabel()
        self.totals.setObjectName("statisticsTotals")
        self.totals.setWordWrap(True)
        self.rating_line = QLabel()
        self.rating_line.setObjectName("statisticsRatings")
        self.rating_line.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("statisticsMessage")
        self.message.setWordWrap(True)

        self.wait_chart = self._chart_view(self.tr("Waiting and service by business type (min)"))
        self.window_chart = self._chart_view(self.tr("Served by window"))
        self.rating_chart = self._chart_view(self.tr("Ratings by level"))
        charts = QWidget()
        charts_layout = QHBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.wait_chart, 3)
        charts_layout.addWidget(self.window_chart, 2)
        charts_layout.addWidget(self.rating_chart, 2)

        self.tables = QTabWidget()
        self.tables.setObjectName("statisticsTables")
        self.by_type = self._table()
        self.by_window = self._table()
        self.by_clerk = self._table()
        self.by_day = self._table()
        self.tables.addTab(self.by_type, self.tr("By business type"))
        self.tables.addTab(self.by_window, self.tr("By window"))
        self.tables.addTab(self.by_clerk, self.tr("By clerk"))
        self.tables.addTab(self.by_day, self.tr("By day"))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(charts)
        split.addWidget(self.tables)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(ranges)
        layout.addWidget(self.totals)
        layout.addWidget(self.rating_line)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self.setStyleSheet(
            "QLabel#statisticsTotals { font-size: 13pt; font-weight: bold; color: #1f3a5f; }"
            " QLabel#statisticsRatings { font-size: 12pt; color: #33475b; }"
            " QLabel#statisticsMessage { color: #1f3a5f; }"
            " QLabel#statisticsMessage[error=\"true\"] { color: #b3261e; font-weight: bold; }"
            " QPushButton#statisticsRange { background: #e3e8ef; color: #1f3a5f; }"
            " QPushButton#statisticsRange:checked { background: #1f3a5f; color: white; }"
            " QTableWidget { font-size: 11pt; }")
        self.choose(TODAY, load=False)

    def _chart_view(self, title: str) -> QChartView:
        chart = QChart()
        chart.setTitle(title)
        font = QFont(self.font())
        font.setPointSize(12)
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        view = QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(220)
        return view

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, 9)
        table.setHorizontalHeaderLabels([
            self.tr("Name"), self.tr("Issued"), self.tr("Served"), self.tr("No-shows"), self.tr("Transfers"),
            self.tr("Average wait"), self.tr("P90 wait"), self.tr("Average service"), self.tr("P90 service")])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return table

    # choosing and reading

    def choose(self, choice: str, load: bool = True) -> None:
        """A range button: 今日, 本周 and 本月 end on the hall's today, asked of the server
        with the figures (this PC's clock may be wrong or in another zone); 自定义 leaves
        the dates to the supervisor."""
        self.range_buttons[choice].setChecked(True)
        custom = choice == CUSTOM
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        if custom:
            self.first.setFocus()
            return
        first, last = range_of(choice, self._today or date.today())
        self._show_range(first, last)
        if load:
            self._load_range(choice)

    def _show_range(self, first: date, last: date) -> None:
        self.first.setDate(QDate(first))
        self.last.setDate(QDate(last))

    def chosen(self) -> tuple[date, date]:
        return self.first.date().toPython(), self.last.date().toPython()

    @Slot()
    def load_chosen(self) -> None:
        self.load(*self.chosen())

    def refresh(self) -> None:
        choice = next((name for name, button in self.range_buttons.items() if button.isChecked()), CUSTOM)
        if choice == CUSTOM:
            self.load_chosen()
        else:
            self._load_range(choice)

    def load(self, first: date, last: date) -> None:
        if last < first:
            self._say(self.tr("The last day is before the first."), error=True)
            return
        desk = self.desk
        self._ask(lambda: desk.statistics(first, last))

    def _load_range(self, choice: str) -> None:
        desk, fixed = self.desk, self._today

        def work() -> mon.Statistics:
            return desk.statistics(*range_of(choice, fixed or desk.hall_today()))
        self._ask(work)

    def _ask(self, work) -> None:
        asked = self._asked = object()  # a newer question makes older answers stale
        self._say(self.tr("Reading…"))
        run_in_background(work, while_alive(self, lambda s: self._loaded(asked, s)),
                          while_alive(self, self._failed))

    def _loaded(self, asked: object, statistics: mon.Statistics) -> None:
        if asked is not self._asked:
            return  # an older range's answer, come back after the newer one was asked
        if not self.first.isEnabled():
            self._show_range(statistics.first, statistics.last)  # the hall's days, as the server counted
        self.show_statistics(statistics)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, (HallUnreachable, HallRefused, OSError)):
            raise exc
        self._say(fill(self.tr("Could not do that: %1"), str(exc)), error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.style().polish(self.message)

    # showing

    @Slot(object)
    def show_statistics(self, s: mon.Statistics) -> None:
        self.statistics = s
        t = s.totals
        span = s.first.isoformat() if s.first == s.last else f"{s.first.isoformat()} — {s.last.isoformat()}"
        self.totals.setText(fill(
            self.tr("%1: issued %2 · served %3 · no-shows %4 · transfers %5 · wait average %6, p90 %7 · "
                    "service average %8, p90 %9"),
            span, t.issued, t.served, t.no_shows, t.transfers, minutes(t.wait_average_seconds),
            minutes(t.wait_p90_seconds), minutes(t.service_average_seconds), minutes(t.service_p90_seconds)))
        r = s.ratings
        rate = f"{r.bad_rate * 100:.1f}%" if r.bad_rate is not None else "—"
        self.rating_line.setText(fill(
            self.tr("Ratings %1 · bad ratings %2 (%3) · follow-ups open %4, overdue %5"),
            r.total, r.bad, rate, r.follow_ups_open, r.follow_ups_overdue)
            + fill(self.tr(" · cases decided %1 · helped %2 · items of bundles %3"),
                   s.cases.decided, s.cases.helped, s.cases.bundle_items))
        self._say("")
        for table, groups in ((self.by_type, s.by_business_type), (self.by_window, s.by_window),
                              (self.by_clerk, s.by_clerk), (self.by_day, s.by_day)):
            self._fill(table, groups)
        self._charts(s)
        self.statistics_shown.emit(s)

    def _fill(self, table: QTableWidget, groups: list[mon.GroupFigures]) -> None:
        table.setRowCount(len(groups))
        for row, g in enumerate(groups):
            cells = [g.name or g.key, str(g.issued), str(g.served), str(g.no_shows), str(g.transfers),
                     minutes(g.wait_average_seconds), minutes(g.wait_p90_seconds),
                     minutes(g.service_average_seconds), minutes(g.service_p90_seconds)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(row, column, item)

    def _bars(self, view: QChartView, categories: list[str], sets: list[tuple[str, list[float]]],
              horizontal: bool = False) -> None:
        """Bars of `sets` over `categories`; horizontal where the categories are words too
        long to stand under a bar (the rating levels)."""
        chart = view.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        series: QAbstractBarSeries = QHorizontalBarSeries() if horizontal else QBarSeries()
        top = 0.0
        for index, (name, values) in enumerate(sets):
            bar = QBarSet(name)
            bar.setColor(QColor(COLOURS[index % len(COLOURS)]))
            bar.setLabelColor(QColor("#1b1b1b"))
            bar.append(values)
            series.append(bar)
            top = max([top, *values])
        # Value labels where they fit: over one or two bars per category, not three.
        series.setLabelsVisible(len(sets) <= 2)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsPrecision(3)
        chart.addSeries(series)
        categories_axis = QBarCategoryAxis()
        categories_axis.append(categories or ["—"])
        small = QFont(self.font())
        small.setPointSize(9)
        categories_axis.setLabelsFont(small)
        values_axis = QValueAxis()
        values_axis.setRange(0, max(4.0, top * 1.25))
        values_axis.applyNiceNumbers()
        values_axis.setLabelFormat("%d")
        chart.addAxis(categories_axis, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories_axis)
        series.attachAxis(values_axis)
        chart.legend().setVisible(len(sets) > 1)

    def _charts(self, s: mon.Statistics) -> None:
        types = s.by_business_type
        self._bars(self.wait_chart, [g.name or g.key for g in types], [
            (self.tr("Average wait"), [_minutes_value(g.wait_average_seconds) for g in types]),
            (self.tr("P90 wait"), [_minutes_value(g.wait_p90_seconds) for g in types]),
            (self.tr("Average service"), [_minutes_value(g.service_average_seconds) for g in types])])
        windows = s.by_window
        self._bars(self.window_chart, [fill(self.tr("No. %1"), g.key) for g in windows], [
            (self.tr("Served"), [float(g.served) for g in windows]),
            (self.tr("No-shows"), [float(g.no_shows) for g in windows])])
        levels = [1, 2, 3, 4, 5]  # bottom to top: 非常满意 on top
        words = {5: self.tr("Very satisfied"), 4: self.tr("Satisfied"), 3: self.tr("Fairly satisfied"),
                 2: self.tr("Dissatisfied"), 1: self.tr("Very dissatisfied")}
        counts = {int(k): v for k, v in s.ratings.levels.items()}
        self._bars(self.rating_chart, [words[n] for n in levels],
                   [(self.tr("Ratings"), [float(counts.get(n, 0)) for n in levels])], horizontal=True)

    # exporting

    def ask_export(self, fmt: mon.ExportFormat) -> None:
        first, last = self.chosen()
        suffix = fmt.value
        name = f"大厅统计_{first.isoformat()}_{last.isoformat()}.{suffix}"
        filters = self.tr("Excel workbook (*.xlsx)") if fmt is mon.ExportFormat.XLSX else self.tr("CSV file (*.csv)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export statistics"), str(Path.home() / name), filters)
        if path:
            if not path.lower().endswith(f".{suffix}"):
                path += f".{suffix}"
            self.export_to(Path(path), fmt, first, last)

    def export_to(self, path: Path, fmt: mon.ExportFormat, first: date | None = None,
                  last: date | None = None) -> None:
        """Fetch the export of first…last (default: the range chosen) and write it to `path`,
        all in the background."""
        if first is None or last is None:
            first, last = self.chosen()

        desk = self.desk

        def work() -> str:
            content = desk.export_statistics(first, last, fmt)
            partial = path.with_name(path.name + ".part")  # never a half-written report under its name
            partial.write_bytes(content)
            partial.replace(path)
            return str(path)

        self._say(self.tr("Exporting…"))
        run_in_background(work, while_alive(self, self._exported), while_alive(self, self._failed))

    def _exported(self, path: str) -> None:
        self._say(fill(self.tr("Written to %1"), path))
        self.exported.emit(path)
