"""The clerk books an appointment (预约) for an applicant at the counter or on the phone.

By keyboard: the business (Up/Down), the day (PageUp/PageDown move a day), a slot with
free places from the list (full and past ones cannot be chosen), the applicant's ID number
(filled from the card read at the counter) and an optional mobile number, 电话预约 when the
applicant is on the phone; Enter books, Esc closes. The hall answers with the code, shown
large to read out, and the hall's rule for the kiosk; Ctrl+P prints it as a slip (预约凭条). Every call to the hall runs
in the background (ui.tasks); a refusal (full, past, already booked) is the hall's own
words, shown as they come."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QLocale, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.hall_time import hall_time
from ui.tasks import run_in_background, while_alive
from workstation.domain.identity import mask_id
from workstation.domain.queue import normalise_id_number
from workstation.protocol import queue as wire
from workstation.sync.errors import HallRefused, HallUnreachable


class BookingDialog(QDialog):
    """Over a QueueDesk-like `desk` (bookable_types, appointment_slots, book_appointment)."""

    booked = Signal(object)  # protocol Appointment

    def __init__(self, desk, parent: QWidget | None = None, *, id_number: str = "", phone: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("bookingDialog")
        self.setWindowTitle(self.tr("Book an appointment"))
        self.setMinimumWidth(520)
        self.desk = desk
        self.page: wire.SlotsPage | None = None
        self.appointment: wire.Appointment | None = None
        self.busy = False
        self._card_number = id_number or None
        self._day: date | None = None

        self.business = QComboBox()
        self.business.setObjectName("bookingBusiness")
        self.business.currentIndexChanged.connect(lambda _: self._load(None))
        self.day = QLabel()
        self.day.setObjectName("bookingDay")
        self.earlier = QPushButton(self.tr("Day before (PgUp)"))
        self.earlier.setObjectName("bookingEarlier")
        self.earlier.clicked.connect(lambda: self._move_day(-1))
        self.later = QPushButton(self.tr("Next day (PgDown)"))
        self.later.setObjectName("bookingLater")
        self.later.clicked.connect(lambda: self._move_day(1))
        for key, step in (("PgUp", -1), ("PgDown", 1)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda step=step: self._move_day(step))
        self.slots = QListWidget()
        self.slots.setObjectName("bookingSlots")
        self.slots.setMinimumHeight(220)
        self.slots.itemDoubleClicked.connect(lambda _: self._book())
        self.id_number = QLineEdit()
        self.id_number.setObjectName("bookingId")
        self.id_number.setMaxLength(18)
        self.id_number.setPlaceholderText(self.tr("18 characters, from the ID card"))
        if self._card_number:
            self.id_number.setText(mask_id(self._card_number))
            self.id_number.setReadOnly(True)
            self.id_number.setToolTip(self.tr("From the ID card read at the counter"))
        self.phone = QLineEdit(phone)
        self.phone.setObjectName("bookingPhone")
        self.phone.setMaxLength(20)
        self.phone.setPlaceholderText(self.tr("optional: for the SMS when the turn comes"))
        self.by_phone = QCheckBox(self.tr("Booked by phone for the applicant"))
        self.by_phone.setObjectName("bookingByPhone")
        self.problem = QLabel()
        self.problem.setObjectName("bookingProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.code = QLabel()
        self.code.setObjectName("bookingCode")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code.setStyleSheet("font-size: 30pt; font-weight: bold; color: #1f3a5f;")
        self.code.hide()
        self.result = QLabel()
        self.result.setObjectName("bookingResult")
        self.result.setWordWrap(True)
        self.result.setStyleSheet("font-size: 12pt;")
        self.result.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        self.book_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.book_button.setText(self.tr("Book (Enter)"))
        self.book_button.setObjectName("bookingBook")
        self.book_button.setDefault(True)
        self.buttons.accepted.connect(self._book)
        self.buttons.rejected.connect(self.reject)
        self.print_button = self.buttons.addButton(self.tr("Print the slip (Ctrl+P)"),
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setObjectName("bookingPrint")
        self.print_button.clicked.connect(self.print_slip)
        self.print_button.hide()
        QShortcut(QKeySequence("Ctrl+P"), self).activated.connect(self.print_slip)
        # Enter books (or closes once booked) wherever the focus is; Esc closes.
        for button in (self.buttons.button(QDialogButtonBox.StandardButton.Close), self.earlier, self.later,
                       self.print_button):
            button.setAutoDefault(False)

        day_row = QWidget()
        line = QHBoxLayout(day_row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.earlier)
        line.addWidget(self.day, 1)
        line.addWidget(self.later)
        form = QFormLayout()
        form.addRow(self.tr("Business"), self.business)
        form.addRow(self.tr("Day"), day_row)
        form.addRow(self.tr("Slot"), self.slots)
        form.addRow(self.tr("ID number"), self.id_number)
        form.addRow(self.tr("Mobile"), self.phone)
        form.addRow("", self.by_phone)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.code)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        self._enable()
        self.business.setFocus()
        run_in_background(desk.bookable_types, while_alive(self, self._show_types),
                          while_alive(self, self._failed))

    # -- reading --------------------------------------------------------------------------

    def _show_types(self, kinds: list[wire.BusinessTypeCount]) -> None:
        self.business.blockSignals(True)
        for kind in kinds:
            self.business.addItem(f"{kind.prefix}  {kind.name}", kind.code)
        self.business.blockSignals(False)
        if not kinds:
            self.say(self.tr("No business of this hall takes appointments."))
            return
        self._load(None)

    def _load(self, day: date | None) -> None:
        code = self.business.currentData()
        if code is None:
            return
        self.busy = True
        self._enable()
        run_in_background(lambda: self.desk.appointment_slots(code, day), while_alive(self, self._show_slots),
                          while_alive(self, self._failed))

    def _show_slots(self, page: wire.SlotsPage) -> None:
        self.busy = False
        self.page = page
        self._day = page.day
        words = QLocale().toString(QDate(page.day.year, page.day.month, page.day.day), "yyyy-MM-dd dddd")
        if page.day == page.today:
            words = self.tr("%1 (today)").replace("%1", words)
        self.day.setText(words)
        keep = self.slots.currentItem().data(Qt.ItemDataRole.UserRole) if self.slots.currentItem() else None
        self.slots.clear()
        first_free = None
        for slot in page.slots:
            span = f"{hall_time(slot.start)}–{hall_time(slot.end)}"
            if slot.free:
                text = self.tr("%1   %2 of %3 free").replace("%1", span).replace("%2", str(slot.free)).replace(
                    "%3", str(slot.capacity))
            elif slot.booked >= slot.capacity:
                text = self.tr("%1   full").replace("%1", span)
            else:
                text = self.tr("%1   over").replace("%1", span)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, slot.start.isoformat())
            if not slot.free:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
            self.slots.addItem(item)
            if slot.free and (first_free is None or item.data(Qt.ItemDataRole.UserRole) == keep):
                first_free = item
        refocus = self.focusWidget() in (None, self.book_button, self.earlier, self.later,
                                         self.buttons.button(QDialogButtonBox.StandardButton.Close))
        if first_free is not None:
            self.slots.setCurrentItem(first_free)
        elif not self.problem.text():
            self.say(self.tr("No free slot on this day: PgDown shows the next day."))
        self._enable()
        if refocus:  # the list was disabled while it loaded: the focus comes back to it
            self.slots.setFocus()

    def _move_day(self, step: int) -> None:
        page = self.page
        if page is None or self.busy:
            return
        day = page.day + timedelta(days=step)
        if page.today <= day <= page.today + timedelta(days=page.days_ahead):
            self.say("")
            self._load(day)

    # -- booking --------------------------------------------------------------------------

    def chosen_slot(self) -> str | None:
        item = self.slots.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return None
        return item.data(Qt.ItemDataRole.UserRole)

    def _number(self) -> str | None:
        if self._card_number:
            return self._card_number
        try:
            return normalise_id_number(self.id_number.text())
        except ValueError:
            return None

    def _book(self) -> None:
        if self.appointment is not None:  # shown: Enter closes
            self.accept()
            return
        if self.busy:
            return
        code, slot, number = self.business.currentData(), self.chosen_slot(), self._number()
        if code is None or slot is None:
            self.say(self.tr("Choose a slot with free places."))
            self.slots.setFocus()
            return
        if number is None:
            self.say(self.tr("The ID number is not valid: 17 digits and a check digit or X."))
            self.id_number.setFocus()
            return
        phone, by_phone = self.phone.text().strip(), self.by_phone.isChecked()
        try:
            wire.normalise_phone(phone)
        except ValueError:
            self.say(self.tr("The mobile number is not valid: 11 digits starting with 1, or leave it empty."))
            self.phone.setFocus()
            return
        start = datetime.fromisoformat(slot)
        self.busy = True
        self.say(self.tr("Booking…"), error=False)
        self._enable()
        run_in_background(lambda: self.desk.book_appointment(code, start, number, phone, by_phone),
                          while_alive(self, self._booked), while_alive(self, self._book_failed))

    def _booked(self, appointment: wire.Appointment) -> None:
        self.busy = False
        self.appointment = appointment
        self.say("")
        name = self.business.currentText().split("  ", 1)[-1]
        late = self.page.late_minutes if self.page else 15
        early = self.page.early_minutes if self.page else 30
        self.code.setText(self.tr("Code %1").replace("%1", appointment.code))
        self.code.show()
        opens = appointment.slot_start - timedelta(minutes=early)
        closes = appointment.slot_end + timedelta(minutes=late)
        self.result.setText(
            self.tr("%1, %2 %3–%4. Please tell the applicant: check in at the ticket machine with this code "
                    "or the ID card from %5; until %6 the turn comes before ordinary numbers, later it is an "
                    "ordinary number.")
            .replace("%1", name).replace("%2", hall_time(appointment.slot_start, "%Y-%m-%d"))
            .replace("%3", hall_time(appointment.slot_start)).replace("%4", hall_time(appointment.slot_end))
            .replace("%5", hall_time(opens)).replace("%6", hall_time(closes)))
        self.result.show()
        self.print_button.show()
        self.book_button.setText(self.tr("Done (Enter)"))
        self._enable()
        self.booked.emit(appointment)
        if self.page is not None:
            self._load(self.page.day)  # the list shows the place taken

    def slip(self) -> QImage:
        """The booking slip for the applicant (预约凭条): the code large, the slot, the rule."""
        appointment = self.appointment
        assert appointment is not None
        image = QImage(1200, 760, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            font = QFont(self.font())
            lines = [(self.tr("Appointment slip"), 44, True),
                     (self.business.currentText().split("  ", 1)[-1], 34, False),
                     (f"{hall_time(appointment.slot_start, '%Y-%m-%d')}  {hall_time(appointment.slot_start)}–"
                      f"{hall_time(appointment.slot_end)}", 34, False),
                     (self.code.text(), 72, True),
                     (self.tr("ID %1").replace("%1", appointment.id_masked or ""), 26, False)]
            y = 40
            for text, size, bold in lines:
                font.setPixelSize(size)
                font.setBold(bold)
                painter.setFont(font)
                height = int(size * 1.6)
                painter.drawText(QRect(40, y, 1120, height), Qt.AlignmentFlag.AlignCenter, text)
                y += height + 10
            font.setPixelSize(26)
            font.setBold(False)
            painter.setFont(font)
            early = self.page.early_minutes if self.page else 30
            late = self.page.late_minutes if self.page else 15
            rule = self.tr("Please check in at the ticket machine with this code or your ID card from %1. Checked in "
                           "by %2, you are called before ordinary numbers; later, it is an ordinary number.")
            rule = rule.replace("%1", hall_time(appointment.slot_start - timedelta(minutes=early))).replace(
                "%2", hall_time(appointment.slot_end + timedelta(minutes=late)))
            painter.drawText(QRect(60, y, 1080, 760 - y - 30), Qt.TextFlag.TextWordWrap, rule)
        finally:
            painter.end()
        return image

    def print_slip(self) -> None:
        """Ctrl+P once booked: the slip through the system printer, with a preview."""
        if self.appointment is None:
            return
        from ui.clerk.document_printing import preview_and_print

        preview_and_print(self, [self.slip()], self.tr("Appointment slip"))

    def _book_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._failed(exc)
        if self.page is not None:
            self._load(self.page.day)  # the places may have gone meanwhile

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, HallUnreachable):
            self.say(self.tr("The hall server cannot be reached: appointments cannot be booked now."))
        elif isinstance(exc, HallRefused):
            self.say(exc.detail or self.tr("The hall server refused."))
        else:
            self.say(self.tr("Something went wrong: %1").replace("%1", str(exc)))
        self._enable()

    def say(self, text: str, error: bool = True) -> None:
        self.problem.setStyleSheet(f"color: {'#b3261e' if error else '#33475b'}; font-weight: bold;")
        self.problem.setText(text)

    def _enable(self) -> None:
        done = self.appointment is not None
        for widget in (self.business, self.slots, self.phone, self.by_phone):
            widget.setEnabled(not self.busy and not done)
        page = self.page
        self.earlier.setEnabled(not self.busy and not done and page is not None and page.day > page.today)
        self.later.setEnabled(not self.busy and not done and page is not None
                              and page.day < page.today + timedelta(days=page.days_ahead))
        self.id_number.setEnabled(not self.busy and not done)
        self.book_button.setEnabled(not self.busy or done)
