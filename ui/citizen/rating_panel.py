"""The rating on the citizen screen (好差评, 一次一评): five large buttons with the standard
wording, then, for a bad rating, what went wrong (choices, a handwritten note or typed
words) and whether we may call back; a thank-you; back to idle.

Touch first, very large text, one question per page. Nobody touching it for the
configured time ends it: with a level chosen, what was answered is kept; without one,
the case stays unrated. The panel only answers; the clerk's application saves the rating
and never shows the level on the clerk's screen."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.rating import Indicator, InvalidRating, Level, RatingAnswer, Reason

LEVELS, GOOD, REASONS, NOTE, CALLBACK, PHONE, THANKS = range(7)
THANKS_SECONDS = 5

translate = QCoreApplication.translate  # the name lupdate looks for

_COLOURS = {Level.VERY_SATISFIED: "#17703a", Level.SATISFIED: "#2f8f46", Level.BASICALLY_SATISFIED: "#9a7b00",
            Level.DISSATISFIED: "#c0561b", Level.VERY_DISSATISFIED: "#b3261e"}

_STYLE = """
QLabel {{ color: white; font-size: {body}px; }}
QLabel#ratingTitle {{ color: #ffd36b; font-size: {title}px; font-weight: bold; }}
QLabel#ratingNote {{ color: #c9d6e8; font-size: {small}px; }}
QLabel#ratingItem {{ color: white; font-size: {body}px; }}
QLabel#ratingProblem {{ color: #ffb4a8; font-size: {small}px; font-weight: bold; }}
QLabel#ratingPhone {{ background: white; color: #0f3057; font-size: {title}px; font-weight: bold;
                      border-radius: {radius}px; padding: {pad}px; }}
QLabel#ratingThanks {{ color: white; font-size: {huge}px; font-weight: bold; }}
QPushButton {{ background: #1f6fd1; color: white; border: none; border-radius: {radius}px;
               font-size: {button}px; font-weight: bold; padding: {pad}px; min-height: {tall}px; }}
QPushButton:pressed {{ background: #0b3d91; }}
QPushButton#ratingBack, QPushButton#ratingCallNo {{ background: #4a5a70; }}
QPushButton#ratingLevel {{ font-size: {level}px; min-height: {level_tall}px; }}
QPushButton#ratingChoice, QPushButton#ratingKey {{ background: white; color: #0f3057; }}
QPushButton#ratingKey {{ min-height: {key_tall}px; }}
QPushButton#ratingChoice:checked {{ background: #ffd36b; color: #0f3057; border: {border}px solid white; }}
QLineEdit {{ font-size: {body}px; padding: {pad}px; border-radius: {radius}px; }}
"""


def level_words(level: Level) -> str:
    """The standard wording, on screen exactly as the national scheme writes it."""
    return {
        Level.VERY_SATISFIED: translate("RatingPanel", "非常满意"),
        Level.SATISFIED: translate("RatingPanel", "满意"),
        Level.BASICALLY_SATISFIED: translate("RatingPanel", "基本满意"),
        Level.DISSATISFIED: translate("RatingPanel", "不满意"),
        Level.VERY_DISSATISFIED: translate("RatingPanel", "非常不满意"),
    }[level]


def indicator_words(indicator: Indicator) -> str:
    return {
        Indicator.EFFICIENCY: translate("RatingPanel", "服务效率"),
        Indicator.COMPETENCE: translate("RatingPanel", "服务水平"),
        Indicator.ATTITUDE: translate("RatingPanel", "服务态度"),
    }[indicator]


def reason_words(reason: Reason) -> str:
    return {
        Reason.SLOW: translate("RatingPanel", "It took too long"),
        Reason.UNCLEAR: translate("RatingPanel", "Things were not explained clearly"),
        Reason.MORE_TRIPS: translate("RatingPanel", "I have to come again"),
        Reason.ATTITUDE: translate("RatingPanel", "The staff were unfriendly"),
        Reason.NOT_DONE: translate("RatingPanel", "My matter was not done"),
        Reason.OTHER: translate("RatingPanel", "Something else"),
    }[reason]


def masked_phone(phone: str) -> str:
    """`13812345678` → `138****5678`."""
    return phone[:3] + "*" * max(len(phone) - 7, 0) + phone[-4:] if len(phone) > 7 else phone


def _label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


def _button(text: str, name: str = "", checkable: bool = False) -> QPushButton:
    button = QPushButton(text)
    if name:
        button.setObjectName(name)
    button.setCheckable(checkable)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return button


class NotePad(QWidget):
    """A white pad to write on with a finger (or the mouse)."""

    touched = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ratingNotePad")
        self.setMinimumHeight(120)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self._strokes: list[QPainterPath] = []

    @property
    def empty(self) -> bool:
        return not self._strokes

    def clear(self) -> None:
        self._strokes = []
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        path = QPainterPath(event.position())
        path.lineTo(event.position() + QPointF(0.1, 0.1))  # a dot is a stroke too
        self._strokes.append(path)
        self.touched.emit()
        self.update()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._strokes and event.buttons():
            self._strokes[-1].lineTo(event.position())
            self.update()

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#0f3057"), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        for path in self._strokes:
            painter.drawPath(path)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        self._paint(painter)
        painter.end()

    def png(self) -> bytes | None:
        """What was written, as a PNG; None when nothing was."""
        if self.empty:
            return None
        image = QImage(self.size(), QImage.Format.Format_Grayscale8)
        painter = QPainter(image)
        self._paint(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(data.data())


class RatingPanel(QWidget):
    """`ask(title)` starts a rating. `rated(RatingAnswer)` when the applicant answered (or
    walked away after choosing a level), `dismissed()` when nobody chose a level in time,
    then `finished()` when the panel is done and the citizen screen may go back to idle."""

    rated = Signal(object)
    dismissed = Signal()
    finished = Signal()

    def __init__(self, timeout: float = 90.0, thanks_seconds: float = THANKS_SECONDS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ratingPanel")
        self.timeout = timeout
        self.thanks_seconds = thanks_seconds
        self.active = False
        self.level: Level | None = None
        self.known_phone = ""
        self.phone = ""
        self.callback = False

        self.pages = QStackedWidget()
        for build in (self._build_levels, self._build_good, self._build_reasons, self._build_note,
                      self._build_callback, self._build_phone, self._build_thanks):
            self.pages.addWidget(build())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._timed_out)
        self._thanks = QTimer(self)
        self._thanks.setSingleShot(True)
        self._thanks.timeout.connect(self._end)
        self._restyle()

    # -- building -------------------------------------------------------------------------

    def _page(self, title: QLabel, *rows, note: QLabel | None = None) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        if note is not None:
            layout.addWidget(note)
        for row in rows:
            if isinstance(row, QWidget):
                layout.addWidget(row, 1)
            else:
                layout.addLayout(row, 1)
        return page

    def _build_levels(self) -> QWidget:
        self.levels_title = _label(self.tr("How was our service today? Please touch one."), "ratingTitle")
        self.item_label = _label("", "ratingItem")
        self.level_buttons: dict[Level, QPushButton] = {}
        row = QHBoxLayout()
        for level in Level:  # 5 down to 1: 非常满意 on the left
            button = _button(level_words(level), "ratingLevel")
            button.setStyleSheet(f"background: {_COLOURS[level]};")
            button.setAccessibleName(level_words(level))
            button.clicked.connect(lambda _=False, chosen=level: self.choose(chosen))
            self.level_buttons[level] = button
            row.addWidget(button)
        private = _label(self.tr("Only you see what you choose. The staff do not."), "ratingNote")
        page = self._page(self.levels_title, row, note=self.item_label)
        page.layout().addWidget(private)
        return page

    def _choices(self, values, words) -> tuple[QGridLayout, dict]:
        grid = QGridLayout()
        buttons = {}
        for i, value in enumerate(values):
            button = _button(words(value), "ratingChoice", checkable=True)
            button.toggled.connect(self._touch)
            buttons[value] = button
            grid.addWidget(button, i // 2, i % 2)
        return grid, buttons

    def _actions(self, *buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in buttons:
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            row.addWidget(button, 2 if button.objectName() != "ratingBack" else 1)
        return row

    def _back(self) -> QPushButton:
        button = _button(self.tr("Back"), "ratingBack")
        button.clicked.connect(self._back_to_levels)
        return button

    def _build_good(self) -> QWidget:
        grid, self.indicator_buttons = self._choices(list(Indicator), indicator_words)
        self.good_done = _button(self.tr("Done"), "ratingDone")
        self.good_done.clicked.connect(self.submit)
        page = self._page(_label(self.tr("Thank you! Was anything especially good? (You may skip this.)"),
                                 "ratingTitle"), grid)
        page.layout().addLayout(self._actions(self._back(), self.good_done))
        return page

    def _build_reasons(self) -> QWidget:
        grid, self.reason_buttons = self._choices(list(Reason), reason_words)
        self.reasons_next = _button(self.tr("Next"), "ratingNext")
        self.reasons_next.clicked.connect(lambda: self._show(NOTE))
        page = self._page(_label(self.tr("We are sorry. What went wrong? Touch all that apply."),
                                 "ratingTitle"), grid)
        page.layout().addLayout(self._actions(self._back(), self.reasons_next))
        return page

    def _build_note(self) -> QWidget:
        self.note_pad = NotePad()
        self.note_pad.touched.connect(self._touch)
        self.note_text = QLineEdit()
        self.note_text.setObjectName("ratingText")
        self.note_text.setMaxLength(200)
        self.note_text.setPlaceholderText(self.tr("Or type here"))
        self.note_text.textEdited.connect(self._touch)
        clear = _button(self.tr("Clear"), "ratingBack")
        clear.clicked.connect(self.note_pad.clear)
        clear.clicked.connect(self._touch)
        self.note_next = _button(self.tr("Next"), "ratingNext")
        self.note_next.clicked.connect(lambda: self._show(CALLBACK))
        page = self._page(_label(self.tr("Would you like to tell us more? Write with your finger "
                                         "in the white box. (You may skip this.)"), "ratingTitle"),
                          self.note_pad)
        page.layout().addWidget(self.note_text)
        page.layout().addLayout(self._actions(clear, self.note_next))
        return page

    def _build_callback(self) -> QWidget:
        self.call_known = _button("", "ratingCallKnown")
        self.call_known.clicked.connect(lambda: self._call_back(self.known_phone))
        self.call_other = _button(self.tr("Yes, call me"), "ratingCallOther")
        self.call_other.clicked.connect(lambda: self._call_back(""))
        self.call_no = _button(self.tr("No, thank you"), "ratingCallNo")
        self.call_no.clicked.connect(self._no_call)
        page = self._page(_label(self.tr("May we call you back about this?"), "ratingTitle"),
                          self.call_known, self.call_other, self.call_no)
        return page

    def _build_phone(self) -> QWidget:
        self.phone_label = _label("", "ratingPhone")
        self.phone_problem = _label("", "ratingProblem")
        keys = QGridLayout()
        self.keys: dict[str, QPushButton] = {}
        for i, key in enumerate([*"123456789", "⌫", "0", "✕"]):
            button = _button(key, "ratingKey")
            button.clicked.connect(lambda _=False, k=key: self._key(k))
            self.keys[key] = button
            keys.addWidget(button, i // 3, i % 3)
        self.phone_done = _button(self.tr("Done"), "ratingDone")
        self.phone_done.clicked.connect(self.submit)
        back = _button(self.tr("Back"), "ratingBack")
        back.clicked.connect(lambda: self._show(CALLBACK))
        page = self._page(_label(self.tr("Please enter your phone number"), "ratingTitle"), keys,
                          note=self.phone_label)
        page.layout().addWidget(self.phone_problem)
        page.layout().addLayout(self._actions(back, self.phone_done))
        return page

    def _build_thanks(self) -> QWidget:
        self.thanks = _label(self.tr("Thank you for your rating!"), "ratingThanks")
        self.thanks_note = _label("", "ratingNote")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.thanks)
        layout.addWidget(self.thanks_note)
        layout.addStretch(1)
        return page

    # -- the flow -------------------------------------------------------------------------

    def ask(self, item_name: str, phone: str = "") -> None:
        """Start a rating of the case of `item_name`; `phone`: the contact number the case
        gave, offered for a call-back (shown masked)."""
        self.active = True
        self.level = None
        self.callback, self.phone = False, ""
        self.known_phone = phone if phone.isdigit() else ""
        for button in (*self.indicator_buttons.values(), *self.reason_buttons.values()):
            button.setChecked(False)
        self.note_pad.clear()
        self.note_text.clear()
        self.item_label.setText(item_name)
        self.call_known.setText(self.tr("Yes, call me on %1").replace("%1", masked_phone(self.known_phone)))
        self.call_known.setVisible(bool(self.known_phone))
        self.call_other.setText(self.tr("Yes, on another number") if self.known_phone
                                else self.tr("Yes, call me"))
        self._thanks.stop()
        self._show(LEVELS)

    def choose(self, level: Level) -> None:
        self.level = Level(level)
        self._show(REASONS if self.level.bad else GOOD)

    def choose_reason(self, reason: Reason) -> None:
        self.reason_buttons[reason].setChecked(True)

    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self._touch()

    def _touch(self, *_args) -> None:
        """Someone is there: the idle time starts again."""
        if self.active and self.pages.currentIndex() != THANKS:
            self._idle.start(round(self.timeout * 1000))

    @Slot()
    def _back_to_levels(self) -> None:
        self.level = None
        self._show(LEVELS)

    def _call_back(self, phone: str) -> None:
        self.callback = True
        self.phone = phone
        if phone:
            self.submit()
            return
        self.phone_problem.setText("")
        self._show_phone()
        self._show(PHONE)

    @Slot()
    def _no_call(self) -> None:
        self.callback, self.phone = False, ""
        self.submit()

    def _key(self, key: str) -> None:
        if key == "⌫":
            self.phone = self.phone[:-1]
        elif key == "✕":
            self.phone = ""
        elif len(self.phone) < 15:
            self.phone += key
        self.phone_problem.setText("")
        self._show_phone()
        self._touch()

    def _show_phone(self) -> None:
        self.phone_label.setText(self.phone or " ")

    def answer(self) -> RatingAnswer:
        """What was answered so far (InvalidRating: a call-back without a usable number)."""
        assert self.level is not None
        bad = self.level.bad
        picked = {i for i, b in self.indicator_buttons.items() if b.isChecked()} if not bad else set()
        return RatingAnswer(
            level=self.level, indicators=frozenset(picked),
            reasons=frozenset(r for r, b in self.reason_buttons.items() if b.isChecked()) if bad else frozenset(),
            text=self.note_text.text() if bad else "", note_png=self.note_pad.png() if bad else None,
            callback=self.callback and bad, phone=self.phone if self.callback and bad else "")

    @Slot()
    def submit(self) -> None:
        if not self.active or self.level is None:
            return
        try:
            answer = self.answer()
        except InvalidRating:
            self.phone_problem.setText(self.tr("Please enter a phone number we can call."))
            self._show(PHONE)
            return
        self._finish(answer)

    def _finish(self, answer: RatingAnswer) -> None:
        self._idle.stop()
        self.thanks_note.setText(self.tr("We will call you back.") if answer.callback else "")
        self.pages.setCurrentIndex(THANKS)
        self.rated.emit(answer)
        self._thanks.start(round(self.thanks_seconds * 1000))

    @Slot()
    def _timed_out(self) -> None:
        if not self.active:
            return
        if self.level is None:
            self.dismissed.emit()
            self._end()
            return
        try:
            answer = self.answer()
        except InvalidRating:  # walked away half-way through the number: no call-back then
            self.callback, self.phone = False, ""
            answer = self.answer()
        self._finish(answer)

    @Slot()
    def _end(self) -> None:
        self._idle.stop()
        self._thanks.stop()
        was_active, self.active = self.active, False
        if was_active:
            self.finished.emit()

    def cancel(self) -> None:
        """Stop without an answer (the clerk logged out)."""
        self._end()

    # -- size -----------------------------------------------------------------------------

    def _restyle(self) -> None:
        # Sizes follow the panel: readable from arm's length on a 1024×640 window and on a
        # full-HD second monitor alike; never below what an elderly applicant reads easily.
        unit = min(max(min(self.height() / 600, self.width() / 1200), 0.8), 1.8)
        px = {"body": 30, "small": 26, "title": 40, "huge": 64, "button": 34, "level": 46, "tall": 76,
              "key_tall": 56, "level_tall": 160, "radius": 14, "pad": 10, "border": 4}
        self.setStyleSheet(_STYLE.format(**{k: max(1, round(v * unit)) for k, v in px.items()}))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._restyle()
