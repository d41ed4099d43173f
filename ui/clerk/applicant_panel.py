"""The applicant (and agent) of the case at hand: read from the ID card with one action, or
typed when a card cannot be read. Numbers and names show masked; revealing them is an
explicit, audited action for the case on screen. A passport's chip check (Passive
Authentication) is shown in words beside the read: verified, issuer not trusted, not
verifiable, or tampered — a tampered chip's data is refused and nothing of it is filled in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from ui.tasks import run_in_background
from workstation.app.guide import Person
from workstation.domain.identity import (
    ChipAuthentication,
    ChipAuthState,
    IdentityDocument,
    mask_id,
    mask_name,
)


class _PersonFields(QWidget):
    """Name and ID number of one person, typed or filled from a card.

    The number is shown whole only while the clerk types it, or after a reveal; otherwise
    masked (first 6, last 4). A card's number is revealed through an audited action; a
    number the clerk typed is masked once entered (Enter, Tab, or leaving the field) and
    shown again, to correct it, with the same reveal control."""

    changed = Signal()  # what the number field shows changed (masked, whole, empty)

    def __init__(self, prefix: str, parent=None) -> None:
        super().__init__(parent)
        self.document: IdentityDocument | None = None
        self.revealed = False
        self._typed = ""  # a typed number, whole, while the field shows it masked
        self.name = QLineEdit()
        self.name.setObjectName(f"{prefix}Name")
        self.id_number = QLineEdit()
        self.id_number.setObjectName(f"{prefix}Id")
        self.id_number.setMaxLength(18)
        self.id_number.editingFinished.connect(self._typing_done)
        self.id_number.textEdited.connect(lambda _t: self.changed.emit())

    def fill(self, document: IdentityDocument) -> None:
        self.document, self.revealed, self._typed = document, False, ""
        self.name.setText(mask_name(document.display_name))
        self.id_number.setText(mask_id(document.id_number))
        for field in (self.name, self.id_number):
            field.setReadOnly(True)
        self.changed.emit()

    def reveal(self, number: str) -> None:
        assert self.document is not None
        self.revealed = True
        self.name.setText(self.document.display_name)
        self.id_number.setText(number)
        self.changed.emit()

    @Slot()
    def _typing_done(self) -> None:
        """A typed number is entered: keep it, show it masked."""
        if self.document is not None or self.id_number.isReadOnly():
            return
        number = self.id_number.text().strip().upper()
        if number:
            self._typed, self.revealed = number, False
            self.id_number.setText(mask_id(number))
            self.id_number.setReadOnly(True)
        self.changed.emit()

    def show_typed(self) -> None:
        """Show a typed number whole again, editable, so the clerk can check or correct it."""
        if self.document is None and self._typed:
            self.id_number.setReadOnly(False)
            self.id_number.setText(self._typed)
            self._typed, self.revealed = "", True
            self.id_number.setFocus()
            self.changed.emit()

    def hide_number(self) -> None:
        """Mask again what a reveal showed."""
        if self.document is not None and self.revealed:
            self.revealed = False
            self.name.setText(mask_name(self.document.display_name))
            self.id_number.setText(mask_id(self.document.id_number))
        elif self.document is None and not self.id_number.isReadOnly():
            self._typing_done()
        self.changed.emit()

    def number(self) -> str:
        """The whole number, whatever the field shows."""
        if self.document is not None:
            return self.document.id_number
        if self.id_number.isReadOnly():
            return self._typed
        return self.id_number.text().strip().upper()

    def masked(self) -> bool:
        """A number is there and the field shows it masked."""
        return bool(self.number()) and (self.id_number.isReadOnly() and not self.revealed)

    def shown_whole(self) -> bool:
        """A number is there and the field shows it whole (being typed, or revealed)."""
        return bool(self.number()) and not self.masked()

    def person(self, **extra) -> Person:
        if self.document is not None:
            return Person(name=self.document.display_name, id_number=self.document.id_number,
                          id_type=_ID_TYPES.get(self.document.card_type.value, "居民身份证"), **extra)
        return Person(name=self.name.text().strip(), id_number=self.number(), **extra)

    def typed_number(self) -> str:
        return "" if self.document is not None else self.number()

    def has_name(self) -> bool:
        return self.document is not None or bool(self.name.text().strip())

    def clear(self) -> None:
        self.document, self.revealed, self._typed = None, False, ""
        for field in (self.name, self.id_number):
            field.clear()
            field.setReadOnly(False)
        self.changed.emit()


_ID_TYPES = {"resident": "居民身份证", "hkmo_tw_permit": "港澳台居民居住证",
             "foreign_permanent": "外国人永久居留身份证", "passport": "护照"}


class ApplicantPanel(QWidget):
    # The masked name for the citizen screen ("" when cleared), so the applicant can confirm.
    applicant_shown = Signal(str)
    reader_state = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.card_reading = None  # workstation.app.card_reading.CardReading, set when a reader exists
        self.clerk = ""
        self.window: int | None = None
        self.applicant_fields = _PersonFields("applicant")
        self.agent_fields = _PersonFields("agent")
        self.name, self.id_number = self.applicant_fields.name, self.applicant_fields.id_number
        self.agent_name, self.agent_id = self.agent_fields.name, self.agent_fields.id_number
        self.phone = QLineEdit()
        self.phone.setObjectName("applicantPhone")
        self.details = QLabel()
        self.details.setObjectName("applicantDetails")
        self.details.setWordWrap(True)
        self.photo = QLabel()
        self.photo.setObjectName("applicantPhoto")
        self.photo.setFixedSize(102, 126)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.hide()

        self.read_button = QPushButton(self.tr("Read ID card (F11)"))
        self.read_button.setObjectName("readCard")
        self.read_agent_button = QPushButton(self.tr("Agent's card (F12)"))
        self.read_agent_button.setObjectName("readAgentCard")
        self.reveal_button = QPushButton(self.tr("Show full number"))
        self.reveal_button.setObjectName("revealNumber")
        self.reveal_button.setEnabled(False)
        self.read_button.clicked.connect(lambda: self.read_card(self.applicant_fields))
        self.read_agent_button.clicked.connect(lambda: self.read_card(self.agent_fields))
        self.reveal_button.clicked.connect(self._reveal_clicked)
        for fields in (self.applicant_fields, self.agent_fields):
            fields.changed.connect(self._update_reveal)
            fields.id_number.setToolTip(self.tr("Shown whole while you type it, masked once entered."))
        QShortcut(QKeySequence("F11"), self, lambda: self.read_card(self.applicant_fields))
        QShortcut(QKeySequence("F12"), self, lambda: self.read_card(self.agent_fields))

        self.mrz = QLineEdit()
        self.mrz.setObjectName("passportMrz")
        self.mrz.setPlaceholderText(self.tr("Passport: type or scan the two MRZ lines"))
        self.mrz.hide()
        self.message = QLabel()
        self.message.setObjectName("applicantMessage")
        self.message.setWordWrap(True)
        # the passport chip's Passive Authentication, in a clerk's words (hidden for ID cards)
        self.chip_check = QLabel()
        self.chip_check.setObjectName("chipAuthentication")
        self.chip_check.setWordWrap(True)
        self.chip_check.hide()
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("ID number"), self.id_number)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Agent"), self.agent_name)
        form.addRow(self.tr("Agent's ID number"), self.agent_id)
        # 帮办: a helper of the hall who does the case with or for the applicant (the agent with a
        # power of attorney is the 代理人 above, whose card is read and audited like the applicant's).
        self.helper = QLineEdit()
        self.helper.setObjectName("helperName")
        self.helper.setPlaceholderText(self.tr("Hall helper's name, if one helps"))
        form.addRow(self.tr("Helper"), self.helper)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.read_agent_button)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.mrz)
        layout.addLayout(top)
        layout.addWidget(self.details)
        layout.addWidget(self.chip_check)
        layout.addWidget(self.reveal_button)
        layout.addWidget(self.message)
        for field in (self.id_number, self.agent_id):
            field.editingFinished.connect(self._check_ids)
        self.set_reader(None)
        self._update_reveal()

    def set_reader(self, card_reading, clerk: str = "", window: int | None = None) -> None:
        self.card_reading, self.clerk, self.window = card_reading, clerk, window
        self.mrz.setVisible(bool(card_reading is not None and card_reading.needs_mrz))
        for button in (self.read_button, self.read_agent_button):
            button.setEnabled(card_reading is not None)
            button.setToolTip("" if card_reading else self.tr("No card reader is configured for this window."))

    # reading

    def read_card(self, target: _PersonFields) -> None:
        if self.card_reading is None:
            self.message.setText(self.tr("No card reader is configured for this window."))
            return
        self.message.setText(self.tr("Reading the card…"))
        self.read_button.setEnabled(False)
        self.read_agent_button.setEnabled(False)
        reading, clerk, window = self.card_reading, self.clerk, self.window
        mrz = self.mrz.text().strip() if self.mrz.isVisible() else None

        def read():
            if mrz is not None:
                reading.set_mrz(mrz)
            return reading.read_in_background(clerk, window).result()

        run_in_background(read, lambda result: self._read_done(target, result),
                          lambda error: self._read_failed(error, target))

    def _read_done(self, target: _PersonFields, result) -> None:
        self.set_reader(self.card_reading, self.clerk, self.window)
        document: IdentityDocument = result.document
        target.fill(document)
        lines = []
        if result.problems:
            lines.append(self.tr("Check this card: %1").replace("%1", "；".join(result.problems)))
        if result.expiry.warn:
            lines.append(self.tr("The card expires soon or has expired (%1).").replace(
                "%1", document.valid_to.isoformat() if document.valid_to else "?"))
        hint = self._show_chip_check(document.chip_auth)
        if hint:
            lines.append(hint)
        self.message.setText("\n".join(lines) or self.tr("Card read."))
        self.reader_state.emit(self.tr("Card reader: last read OK"))
        if target is self.applicant_fields:
            data = document.masked_dict()
            self.details.setText(" · ".join(str(v) for v in (
                data["sex"], (data["nation"] or {}).get("name", ""), data["birth_date"], data["address"],
                data["issuing_authority"], f"{data['valid_from']}—{data['valid_to']}") if v))
            self._show_photo(document)
            self.applicant_shown.emit(mask_name(document.display_name))

    def _show_chip_check(self, chip_auth: ChipAuthentication | None) -> str:
        """Show the chip check's state; return what the clerk should do about it ("" if nothing)."""
        if chip_auth is None:
            self.chip_check.clear()
            self.chip_check.hide()
            return ""
        words = {
            ChipAuthState.VERIFIED: (self.tr("Chip data verified"), "#1b7f3b", ""),
            ChipAuthState.UNKNOWN_CSCA: (
                self.tr("Issuing authority's certificate is not in the trust list"), "#a15c00",
                self.tr("The chip's data can be used, but check the passport itself by eye.")),
            ChipAuthState.UNVERIFIED: (
                self.tr("Cannot verify"), "#a15c00",
                self.tr("The chip's data is not verified; check the passport itself by eye.")),
            ChipAuthState.TAMPERED: (
                self.tr("Chip data has been tampered with"), "#b3261e",
                self.tr("The passport's chip data is refused and not used. Check the passport by eye "
                        "and tell the supervisor.")),
        }
        text, colour, hint = words[chip_auth.state]
        self.chip_check.setText(self.tr("Passport chip: %1").replace("%1", text))
        self.chip_check.setProperty("state", chip_auth.state.value)
        self.chip_check.setStyleSheet(f"font-weight: bold; color: {colour};")
        self.chip_check.setToolTip(chip_auth.detail)
        self.chip_check.show()
        return hint

    def _show_photo(self, document: IdentityDocument) -> None:
        # Only a photo a vendor library or a passport chip decoded can be shown; it stays
        # in memory (a QPixmap), never on disk.
        pixmap = QPixmap()
        if document.photo and document.photo_format in ("bmp", "jpeg", "jp2", "png") \
                and pixmap.loadFromData(document.photo):
            self.photo.setPixmap(pixmap.scaled(self.photo.size(), Qt.AspectRatioMode.KeepAspectRatio))
            self.photo.show()
        else:
            self.photo.clear()
            self.photo.hide()

    def _explain(self, error: BaseException) -> str:
        from workstation.devices import idcard

        plain = [(idcard.NoCard, self.tr("no card on the reader; place the card and try again")),
                 (idcard.CardRemoved, self.tr("the card was moved during the read; place it again")),
                 (idcard.Timeout, self.tr("the reader does not answer")),
                 (idcard.ReaderUnavailable, self.tr("the reader is not connected or not usable")),
                 (idcard.ProtocolError, self.tr("the reader sent data that cannot be used"))]
        for kind, text in plain:
            if isinstance(error, kind):
                return text
        return str(error)

    def _read_failed(self, error: BaseException, target: _PersonFields | None = None) -> None:
        self.set_reader(self.card_reading, self.clerk, self.window)
        chip_auth = getattr(error, "chip_auth", None)
        if isinstance(chip_auth, ChipAuthentication) and not chip_auth.usable:
            # A tampered chip: nothing of it is shown, and what was read before into the same
            # fields goes, so that nothing on screen seems to come from this passport.
            if target is not None:
                target.clear()
            if target is self.applicant_fields:
                self.details.clear()
                self.photo.clear()
                self.photo.hide()
                self.applicant_shown.emit("")
            self._update_reveal()
            hint = self._show_chip_check(chip_auth)
            self.message.setText(self.tr("Chip data has been tampered with: %1").replace("%1", hint))
            self.message.setToolTip(str(error))
            self.reader_state.emit(self.tr("Card reader: passport chip data refused"))
            return
        self._show_chip_check(None)
        reason = self._explain(error)
        self.message.setText(self.tr("The card could not be read: %1").replace("%1", reason))
        self.message.setToolTip(str(error))
        self.reader_state.emit(self.tr("Card reader: %1").replace("%1", reason))

    # revealing

    def _fields(self) -> tuple[_PersonFields, _PersonFields]:
        return self.applicant_fields, self.agent_fields

    @Slot()
    def _update_reveal(self) -> None:
        """The reveal control agrees with what is shown: it offers to show whatever is masked,
        to hide again what a reveal showed, and nothing when there is no number."""
        masked = any(f.masked() for f in self._fields())
        revealed = any(f.revealed and f.shown_whole() for f in self._fields())
        self.reveal_button.setText(self.tr("Hide full number") if revealed and not masked
                                   else self.tr("Show full number"))
        self.reveal_button.setEnabled(masked or revealed)
        self.reveal_button.setToolTip("" if masked or revealed else self.tr("There is no masked number to show."))

    @Slot()
    def _reveal_clicked(self) -> None:
        if not any(f.masked() for f in self._fields()):
            for fields in self._fields():
                fields.hide_number()
            return
        reason = ""
        if any(f.masked() and f.document is not None for f in self._fields()):
            # A card's number is shown only for a stated reason, which is audited.
            reason, ok = QInputDialog.getText(self, self.tr("Show full number"),
                                              self.tr("Why do you need the full number for this case?"))
            if not ok or not reason.strip():
                return
        self.reveal(reason.strip())

    def reveal(self, reason: str) -> None:
        """Show every masked number whole: a card's after auditing who, where and why
        (`reason`); one the clerk typed at once, to check or correct it."""
        for fields in self._fields():
            if not fields.masked():
                continue
            if fields.document is None:
                fields.show_typed()
                continue
            if self.card_reading is None or not reason.strip():
                continue
            reading, document, clerk, window = self.card_reading, fields.document, self.clerk, self.window
            run_in_background(lambda r=reading, d=document, c=clerk, w=window: r.reveal(d, c, w, reason),
                              fields.reveal, self._read_failed)

    # checking and handing over

    @Slot()
    def _check_ids(self) -> None:
        self.message.setText("\n".join(self.problems()))

    def problems(self) -> list[str]:
        found = []
        if not self.applicant_fields.has_name():
            found.append(self.tr("Enter the applicant's name."))
        for label, fields in ((self.tr("ID number"), self.applicant_fields),
                              (self.tr("Agent's ID number"), self.agent_fields)):
            value = fields.typed_number()
            if value:
                try:
                    ric.validate(value)
                except ValidationError:
                    found.append(self.tr("%1 is not a valid resident ID number.").replace("%1", label))
        if self.agent_fields.has_name() and not self.agent_fields.number():
            found.append(self.tr("Enter the agent's ID number."))
        return found

    def applicant(self) -> Person:
        return self.applicant_fields.person(phone=self.phone.text().strip())

    def helped_by(self) -> dict | None:
        """The hall's helper (帮办员) named for this case, or None."""
        name = self.helper.text().strip()
        return {"kind": "hall_helper", "name": name} if name else None

    def agent(self) -> Person | None:
        return self.agent_fields.person() if self.agent_fields.has_name() else None

    def clear(self) -> None:
        self.applicant_fields.clear()
        self.agent_fields.clear()
        self.phone.clear()
        self.helper.clear()
        self.message.clear()
        self.details.clear()
        self.photo.clear()
        self.photo.hide()
        self._show_chip_check(None)
        self._update_reveal()
        self.applicant_shown.emit("")
