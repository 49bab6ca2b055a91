"""The claims service's tables (its own database)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.db import UTCDateTime

claims_registry = registry()


class ClaimsTable(SQLModel, registry=claims_registry):
    pass


class Claim(ClaimsTable, table=True):
    __tablename__ = "claims"

    claim_number: str = Field(primary_key=True, max_length=20)
    report_id: str = Field(max_length=64, unique=True)
    confirmation_number: str = Field(max_length=20)
    employer_fein: str = Field(max_length=10, index=True)
    employer_name: str = Field(max_length=200)
    employee_name: str = Field(max_length=220)
    status: str = Field(max_length=40, index=True)
    classification: str = Field(max_length=40)
    severity: str = Field(max_length=20)
    catastrophic: bool
    date_of_injury: date
    reported_to_employer_on: date | None = None
    payor_notified_at: datetime = Field(sa_type=UTCDateTime)
    opened_at: datetime = Field(sa_type=UTCDateTime)
    adjuster: str | None = Field(default=None, max_length=100)
    coverage: str = Field(max_length=20)
    first_indemnity_paid_on: date | None = None


class ClaimSequence(ClaimsTable, table=True):
    """The last claim number used in a year, so numbers run without gaps."""

    __tablename__ = "claim_sequences"

    year: int = Field(primary_key=True)
    last: int


class ClaimHistory(ClaimsTable, table=True):
    """Every change to a claim: who (API client or event), when, what."""

    __tablename__ = "claim_history"

    id: int | None = Field(default=None, primary_key=True)
    claim_number: str = Field(max_length=20, index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=60)
    details: str = Field(sa_column=Column(Text, nullable=False))


class CoverageRecord(ClaimsTable, table=True):
    """Coverage of an employer from `certification.coverage-changed` (a read model)."""

    __tablename__ = "coverage"

    id: int | None = Field(default=None, primary_key=True)
    employer_fein: str = Field(max_length=10, index=True)
    coverage: str = Field(max_length=20)
    certificate_id: str | None = Field(default=None, max_length=64)
    effective_from: date
    effective_to: date | None = None
