"""The intake service's tables. Personal and medical details live only in `sealed` (encrypted)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, LargeBinary, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.db import UTCDateTime

intake_registry = registry()


class IntakeTable(SQLModel, registry=intake_registry):
    pass


class InjuryReport(IntakeTable, table=True):
    """An injury report as received; pending until `claims.claim-opened` names it."""

    __tablename__ = "injury_reports"

    id: str = Field(primary_key=True, max_length=36)
    confirmation_number: str = Field(max_length=20, unique=True)
    status: str = Field(max_length=20, index=True)  # received | claim_opened
    channel: str = Field(max_length=20)
    received_at: datetime = Field(sa_type=UTCDateTime)
    submitted_by: str = Field(max_length=100)
    employer_fein: str = Field(max_length=10, index=True)
    date_of_injury: date
    severity: str = Field(max_length=20)
    catastrophic: bool
    flags: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of flags
    fingerprint: str = Field(max_length=64, index=True)
    probable_duplicate_of: str | None = Field(default=None, max_length=36)
    ssn_last4: str | None = Field(default=None, max_length=4)
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    claim_number: str | None = Field(default=None, max_length=20)
    claim_opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    publications: int = 1
    last_published_at: datetime = Field(sa_type=UTCDateTime)
    alerted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReportHistory(IntakeTable, table=True):
    """Who (which API client or event) did what to a report, and when."""

    __tablename__ = "report_history"

    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(max_length=36, index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=40)
    details: str = Field(sa_column=Column(Text, nullable=False))
