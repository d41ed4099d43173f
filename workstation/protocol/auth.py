"""Enrolment of devices and login of people."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from workstation.domain.roles import DeviceKind, Role
from workstation.protocol.halls import DEFAULT_HALL


class EnrolRequest(BaseModel):
    code: str = Field(min_length=6, max_length=64)
    name: str = Field(min_length=1, max_length=100, description="the PC's name, for IT")


class EnrolResponse(BaseModel):
    device_id: str
    kind: DeviceKind
    window: int | None
    token: str
    hall: str = DEFAULT_HALL


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class LoginResponse(BaseModel):
    token: str
    username: str
    display_name: str
    role: Role
    expires_at: datetime


class Me(BaseModel):
    device_id: str
    device_kind: DeviceKind
    window: int | None
    username: str | None
    display_name: str | None
    role: Role | None
    hall: str = DEFAULT_HALL  # the device's hall
    halls: list[str] = Field(default_factory=lambda: [DEFAULT_HALL])  # those the caller may see


class Health(BaseModel):
    status: str
    version: str
    database: str
    revision: int
    hall: str | None
    # The server's clock is the hall's: deadlines, service days and statistics follow it.
    server_time: datetime | None = None
    hall_date: date | None = Field(default=None, description="today in the hall's time zone, by the server's clock")
