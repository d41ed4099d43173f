"""The elements of a service item's guide (办事指南), as the national platform defines them.

These codes are the one source of truth for the catalogue's attributes; the wire
schema, the server and the screens import them from here."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ApplicantKind(IntEnum):
    """服务对象."""

    NATURAL_PERSON = 1  # 自然人
    ENTERPRISE = 2  # 企业法人
    PUBLIC_INSTITUTION = 3  # 事业法人
    SOCIAL_ORGANISATION = 4  # 社会组织法人
    UNINCORPORATED_ENTERPRISE = 5  # 非法人企业
    ADMINISTRATIVE_ORGAN = 6  # 行政机关
    OTHER = 9  # 其他组织


class ItemType(StrEnum):
    """事项类型."""

    LICENSING = "行政许可"
    CONFIRMATION = "行政确认"
    BENEFIT = "行政给付"
    ADJUDICATION = "行政裁决"
    LEVY = "行政征收"
    REWARD = "行政奖励"
    OTHER_POWER = "其他行政权力"
    PUBLIC_SERVICE = "公共服务"


class TimeUnit(StrEnum):
    WORKING_DAYS = "工作日"
    CALENDAR_DAYS = "自然日"


class CaseType(StrEnum):
    """办件类型."""

    ON_THE_SPOT = "即办件"
    PROMISED = "承诺件"


class MaterialType(IntEnum):
    """材料类型."""

    CERTIFICATE = 1  # 证件证书证明
    FORM = 2  # 申请表格文书
    OTHER = 3  # 其他


class MaterialForm(IntEnum):
    """材料形式."""

    PAPER = 1
    ELECTRONIC = 2
    EITHER = 3


class OriginalOrCopy(StrEnum):
    """原件/复印件."""

    ORIGINAL = "original"
    COPY = "copy"
    ORIGINAL_AND_COPY = "original_and_copy"
    ORIGINAL_OR_COPY = "original_or_copy"


class Necessity(IntEnum):
    """必要性."""

    REQUIRED = 1  # 必要
    OPTIONAL = 2  # 非必要
    DEFERRABLE = 3  # 容缺后补


class MaterialSource(StrEnum):
    """来源渠道."""

    APPLICANT = "applicant"  # 申请人自备
    GOVERNMENT = "government"  # 政府部门核发
    OTHER = "other"
