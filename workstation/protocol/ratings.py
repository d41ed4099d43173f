"""Ratings on the wire: the `rating` record a workstation uploads (and the hall server
writes for a case left unrated), its row in the national report, and the bad-rating
follow-up tasks supervisors work through."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workstation.domain.catalogue import CaseType
from workstation.domain.identity import mask_id, mask_name
from workstation.domain.rating import (
    CASE_TYPE_CODE,
    MAX_STEP_NOTE,
    MAX_TEXT,
    NATIONAL_COLUMNS,
    TIME_FORMAT,
    AssessNumber,
    CaseStatus,
    Channel,
    FollowUpAction,
    FollowUpState,
    Indicator,
    Level,
    RaterKind,
    RatingAnswer,
    Reason,
    case_status,
    rater_kind,
)
from workstation.protocol.records import RecordTime

RATINGS_PREFIX = "/ratings"


class RatingEventType(StrEnum):
    FOLLOW_UP = "ratings.follow_up"  # a follow-up task changed (supervisors only)
    DEFAULTS = "ratings.defaults"  # the default-rating job rated cases (supervisors only)


class Rater(BaseModel):
    """Who rated, masked as every screen and report shows a person."""

    masked_name: str = Field(max_length=64)
    masked_id: str = Field(max_length=40)
    kind: RaterKind


class RatedClerk(BaseModel):
    username: str = Field(default="", max_length=64)
    name: str = Field(default="", max_length=100)


class RatingRecord(BaseModel):
    """The payload of a `rating` record: everything the national report needs, plus the
    reasons, note and call-back consent a follow-up needs."""

    model_config = ConfigDict(frozen=True)

    case_number: str = Field(min_length=1, max_length=32)
    region_code: str = Field(max_length=12)
    department_code: str = Field(default="", max_length=32)
    department_name: str = Field(default="", max_length=200)
    item_code: str = Field(max_length=36)
    item_basic_code: str = Field(default="", max_length=12)
    item_name: str = Field(max_length=200)
    case_status: CaseStatus
    case_type: CaseType
    accepted_at: RecordTime
    clerk: RatedClerk
    window: int | None = None
    channel: Channel
    rater: Rater
    level: Level
    indicators: list[Indicator] = []
    reasons: list[Reason] = []
    text: str = Field(default="", max_length=MAX_TEXT)
    note_png: str = Field(default="", description="a handwritten note, PNG in base64")
    callback: bool = False
    phone: str = Field(default="", max_length=24)
    rated_at: RecordTime
    assess_number: AssessNumber = AssessNumber.FIRST

    @classmethod
    def from_case(cls, case: Mapping[str, Any], answer: RatingAnswer, channel: Channel,
                  rated_at: datetime) -> RatingRecord:
        """The rating of a saved case (a `case` record's payload), with the applicant as
        the rater. KeyError or ValidationError when the case lacks what the report needs."""
        item = case["item"]
        applicant = case.get("applicant") or {}
        case_type = CaseType(item["case_type"])
        return cls(
            case_number=case["case_number"], region_code=case["region_code"],
            department_code=item["department"].get("code", ""), department_name=item["department"]["name"],
            item_code=item["code"], item_basic_code=item.get("basic_code", ""), item_name=item["name"],
            case_status=case_status(case["decision"]["code"], case_type), case_type=case_type,
            accepted_at=datetime.fromisoformat(case["decided_at"]),
            clerk=RatedClerk.model_validate(case.get("clerk") or {}), window=case.get("window"),
            channel=channel,
            rater=Rater(masked_name=mask_name(applicant.get("name", "")),
                        masked_id=mask_id(applicant.get("id_number", "")),
                        kind=rater_kind(applicant.get("kind", 1))),
            level=answer.level, indicators=sorted(answer.all_indicators), reasons=sorted(answer.reasons),
            text=answer.text,
            note_png=base64.b64encode(answer.note_png).decode() if answer.note_png else "",
            callback=answer.callback, phone=answer.phone, rated_at=rated_at.astimezone(UTC),
        )

    @property
    def bad(self) -> bool:
        return self.level.bad

    def national_row(self, zone: tzinfo) -> dict[str, str | int]:
        """This rating as a row of the national report, times in the hall's zone."""
        return {
            "areaCode": self.region_code, "deptCode": self.department_code, "deptName": self.department_name,
            "taskCode": self.item_code, "catalogCode": self.item_basic_code, "taskName": self.item_name,
            "projectNo": self.case_number, "proStatus": int(self.case_status), "proManager": self.clerk.name,
            "pf": int(self.channel), "userName": self.rater.masked_name, "userCert": self.rater.masked_id,
            "userProp": int(self.rater.kind), "satisfaction": int(self.level),
            "evaluateDetail": ",".join(str(int(i)) for i in self.indicators),
            "writingEvaluation": self.text,
            "assessTime": _local(self.rated_at, zone), "assessNumber": int(self.assess_number),
            "projectType": CASE_TYPE_CODE[self.case_type], "acceptDate": _local(self.accepted_at, zone),
        }


def _local(moment: datetime, zone: tzinfo) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).strftime(TIME_FORMAT)


# ---------------------------------------------------------------------------------------
# Follow-up tasks
# ---------------------------------------------------------------------------------------


class FollowUpFilter(StrEnum):
    OPEN = "open"  # not closed (overdue ones included, flagged)
    OVERDUE = "overdue"
    CLOSED = "closed"
    ALL = "all"


class FollowUpStep(BaseModel):
    """One line of a task's history: who did what, when, and what they noted."""

    at: datetime
    actor_username: str
    actor_name: str
    action: FollowUpAction
    from_state: FollowUpState | None
    to_state: FollowUpState
    note: str


class FollowUpSummary(BaseModel):
    id: int
    case_number: str
    item_name: str
    level: Level
    rated_at: datetime
    clerk_name: str
    window: int | None
    state: FollowUpState
    opened_at: datetime
    due_on: date | None  # None: the working-day calendar of its year is not published yet
    overdue: bool


class CaseSummary(BaseModel):
    """The case a rating is about, as the follow-up shows it."""

    case_number: str
    item_name: str
    department_name: str
    decision: str
    applicant: str  # masked
    clerk_name: str
    window: int | None
    accepted_at: datetime | None
    promised_date: date | None


class FollowUpDetail(FollowUpSummary):
    rating: RatingRecord
    case: CaseSummary | None  # None while the case record has not reached the hall
    history: list[FollowUpStep]
    allowed: list[FollowUpAction]


class FollowUpActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: FollowUpAction
    note: str = Field(default="", max_length=MAX_STEP_NOTE)


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def render_export(rows: list[dict[str, Any]], fmt: ExportFormat) -> bytes:
    """Report rows as a file: CSV (UTF-8 with a byte order mark, so spreadsheet programs
    read the Chinese right) with the national columns in order, or a JSON array."""
    if fmt is ExportFormat.JSON:
        return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=NATIONAL_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
