"""The applicant (and agent) of the case at hand. Typed by the clerk until a card is read."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from workstation.app.guide import Person


class ApplicantPanel(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setObjectName("applicantName")
        self.id_number = QLineEdit()
        self.id_number.setObjectName("applicantId")
        self.id_number.setMaxLength(18)
        self.phone = QLineEdit()
        self.phone.setObjectName("applicantPhone")
        self.agent_name = QLineEdit()
        self.agent_name.setObjectName("agentName")
        self.agent_id = QLineEdit()
        self.agent_id.setObjectName("agentId")
        self.agent_id.setMaxLength(18)
        self.message = QLabel()
        self.message.setObjectName("applicantMessage")
        self.message.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("ID number"), self.id_number)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Agent"), self.agent_name)
        form.addRow(self.tr("Agent's ID number"), self.agent_id)
        form.addRow(self.message)
        for field in (self.id_number, self.agent_id):
            field.editingFinished.connect(self._check_ids)

    @Slot()
    def _check_ids(self) -> None:
        self.message.setText("\n".join(self.problems()))

    def problems(self) -> list[str]:
        found = []
        if not self.name.text().strip():
            found.append(self.tr("Enter the applicant's name."))
        for label, field in ((self.tr("ID number"), self.id_number), (self.tr("Agent's ID number"), self.agent_id)):
            value = field.text().strip().upper()
            if value:
                try:
                    ric.validate(value)
                except ValidationError:
                    found.append(self.tr("%1 is not a valid resident ID number.").replace("%1", label))
        if self.agent_name.text().strip() and not self.agent_id.text().strip():
            found.append(self.tr("Enter the agent's ID number."))
        return found

    def applicant(self) -> Person:
        return Person(name=self.name.text().strip(), id_number=self.id_number.text().strip().upper(),
                      phone=self.phone.text().strip())

    def agent(self) -> Person | None:
        if not self.agent_name.text().strip():
            return None
        return Person(name=self.agent_name.text().strip(), id_number=self.agent_id.text().strip().upper())

    def clear(self) -> None:
        for field in (self.name, self.id_number, self.phone, self.agent_name, self.agent_id):
            field.clear()
        self.message.clear()
