"""The claims service's tables (its own database)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.db import UTCDateTime

claims_registry = registry()
ZERO = Decimal("0.00")


class ClaimsTable(SQLModel, registry=claims_registry):
    pass


def _money(default: Decimal | None = ZERO) -> Decimal:
    return Field(default=default, max_digits=12, decimal_places=2)  # type: ignore[no-any-return]


class Claim(ClaimsTable, table=True):
    """A claim and the facts its clocks, totals and rate are computed from.

    Totals (`reserve_*`, `paid_*`) are kept here for reading; the ledgers (`payments`,
    `reserve_changes`) are the record they are computed from, in the same transaction.
    """

    __tablename__ = "claims"

    claim_number: str = Field(primary_key=True, max_length=20)
    report_id: str = Field(max_length=64, unique=True)
    confirmation_number: str = Field(max_length=20)
    employer_fein: str = Field(max_length=10, index=True)
    employer_name: str = Field(max_length=200)
    employee_name: str = Field(max_length=220)
    occupation: str | None = Field(default=None, max_length=200)
    status: str = Field(max_length=40, index=True)
    classification: str = Field(max_length=40)
    severity: str = Field(max_length=20)
    catastrophic: bool
    date_of_injury: date
    reported_to_employer_on: date | None = None
    payor_notified_at: datetime = Field(sa_type=UTCDateTime)
    opened_at: datetime = Field(sa_type=UTCDateTime)
    adjuster: str | None = Field(default=None, max_length=100, index=True)
    nurse: str | None = Field(default=None, max_length=100, index=True)
    heart_hypertension: bool = False
    coverage: str = Field(max_length=20)
    # intake's triage: flag codes as a JSON list (`report_flags` renders rule and message)
    flags: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    # probable duplicates: intake's link to the first report, the claim that report opened
    # (once known), the adjuster's review (pending | duplicate | not_duplicate) and, for a
    # claim closed as a duplicate, the claim it duplicates
    probable_duplicate_of_report_id: str | None = Field(default=None, max_length=64, index=True)
    probable_duplicate_of: str | None = Field(default=None, max_length=20, index=True)
    duplicate_review: str | None = Field(default=None, max_length=20, index=True)
    duplicate_of: str | None = Field(default=None, max_length=20)
    first_indemnity_paid_on: date | None = None
    # money
    reserve_medical: Decimal = _money()
    reserve_indemnity: Decimal = _money()
    reserve_expense: Decimal = _money()
    paid_medical: Decimal = _money()
    paid_indemnity: Decimal = _money()
    paid_expense: Decimal = _money()
    # clocks
    reserves_reviewed_on: date | None = None
    first_payment_on: date | None = None
    pp_payment_began_on: date | None = None
    award_payment_began_on: date | None = None
    incapacity_days: int = 0
    mmi_on: date | None = None
    agreement_or_award_on: date | None = None
    form36_filed_on: date | None = None
    form36_objected_on: date | None = None
    first_contact_completed_on: date | None = None
    first_report_filed_on: date | None = None
    contested_on: date | None = None
    contest_resolved_on: date | None = None
    closed_on: date | None = None
    # wage and compensation rate (CGS 31-307, 31-308, 31-309, 31-310)
    average_weekly_wage: Decimal | None = _money(None)
    after_tax_average_weekly_wage: Decimal | None = _money(None)
    after_tax_post_injury_wage: Decimal | None = _money(None)
    wage_method: str | None = Field(default=None, max_length=40)
    wage_weeks_counted: int | None = None
    rate_weekly: Decimal | None = _money(None)
    rate_year: int | None = None
    rate_maximum: Decimal | None = _money(None)
    rate_minimum: Decimal | None = _money(None)
    rate_basis: str | None = Field(default=None, max_length=40)
    rate_confirmed: bool | None = None
    # permanent partial, scheduled (CGS 31-308(b))
    pp_member: str | None = Field(default=None, max_length=40)
    pp_percent: Decimal | None = Field(default=None, max_digits=5, decimal_places=2)
    pp_weeks: Decimal | None = Field(default=None, max_digits=10, decimal_places=4)
    pp_award: Decimal | None = _money(None)


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


class Adjuster(ClaimsTable, table=True):
    """A person on the roster: an adjuster (licensed in Connecticut) or a nurse case manager."""

    __tablename__ = "adjusters"

    username: str = Field(primary_key=True, max_length=100)
    name: str = Field(max_length=200)
    role: str = Field(max_length=40)
    specialties: str = Field(default="", max_length=400)  # comma-separated
    lost_time_cap: int
    medical_only_cap: int
    active: bool = True
    license_number: str | None = Field(default=None, max_length=40)
    license_expires_on: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)


class ClaimAssignment(ClaimsTable, table=True):
    """Each hand-over of a claim to an adjuster or a nurse (None: left unassigned), and why."""

    __tablename__ = "claim_assignments"

    id: int | None = Field(default=None, primary_key=True)
    claim_number: str = Field(max_length=20, index=True)
    role: str = Field(max_length=40)
    assignee: str | None = Field(default=None, max_length=100)
    previous: str | None = Field(default=None, max_length=100)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)


class ClaimStatusChange(ClaimsTable, table=True):
    """Each status a claim took, dated, so counts as of any date can be rebuilt."""

    __tablename__ = "claim_status_changes"

    id: int | None = Field(default=None, primary_key=True)
    claim_number: str = Field(max_length=20, index=True)
    status: str = Field(max_length=40)
    effective_on: date
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)


class ClassificationChange(ClaimsTable, table=True):
    """Each classification of a claim with the date it took effect (seed 003)."""

    __tablename__ = "claim_classifications"

    id: int | None = Field(default=None, primary_key=True)
    claim_number: str = Field(max_length=20, index=True)
    classification: str = Field(max_length=40)
    effective_on: date
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)


class ClaimDecision(ClaimsTable, table=True):
    """Accept, accept without prejudice, or contest (Form 43, with its reasons)."""

    __tablename__ = "claim_decisions"

    id: int | None = Field(default=None, primary_key=True)
    claim_number: str = Field(max_length=20, index=True)
    decision: str = Field(max_length=40)
    form: str | None = Field(default=None, max_length=20)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_on: date
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)


class Form36Filing(ClaimsTable, table=True):
    """A notice to discontinue or reduce payments, and the claimant's objection (CGS 31-296)."""

    __tablename__ = "form36_filings"

    id: str = Field(primary_key=True, max_length=36)
    claim_number: str = Field(max_length=20, index=True)
    kind: str = Field(max_length=20)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    filed_on: date
    objection_by: date
    objected_on: date | None = None
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)


class ReserveChange(ClaimsTable, table=True):
    """Reserves after each change (set by an adjuster, used up by a payment, restored by a
    reversal, released at closing): the reserve on any date can be read back."""

    __tablename__ = "reserve_changes"

    id: int | None = Field(default=None, primary_key=True)
    claim_number: str = Field(max_length=20, index=True)
    effective_on: date
    cause: str = Field(max_length=40)
    payment_id: str | None = Field(default=None, max_length=36)
    medical: Decimal = _money()
    indemnity: Decimal = _money()
    expense: Decimal = _money()
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)


class Payment(ClaimsTable, table=True):
    """The payments ledger, append-only: a reversal is a new, negative entry naming the one
    it reverses (at most one reversal a payment)."""

    __tablename__ = "payments"

    id: str = Field(primary_key=True, max_length=36)
    claim_number: str = Field(max_length=20, index=True)
    kind: str = Field(max_length=20)
    amount: Decimal = _money()
    paid_on: date
    period_start: date | None = None
    period_end: date | None = None
    payee: str | None = Field(default=None, max_length=200)
    memo: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reversal_of: str | None = Field(default=None, max_length=36, unique=True)
    reserve_change: Decimal = _money()
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)


class WageRecord(ClaimsTable, table=True):
    """Weekly wages of the 52 weeks before the week of injury (CGS 31-310)."""

    __tablename__ = "wage_records"

    id: int | None = Field(default=None, primary_key=True)
    claim_number: str = Field(max_length=20, index=True)
    week_ending: date
    amount: Decimal = _money()
    first_week_partial: bool = False


class IncapacityPeriod(ClaimsTable, table=True):
    """A period of incapacity as recorded (one doctor's note): `days` are its own days of
    incapacity, `compensable_from` the answer of the spell it joined when it was recorded
    (CGS 31-295). Spells are recomputed from all periods (`waiting_period.incapacity_spells`)."""

    __tablename__ = "incapacity_periods"

    id: int | None = Field(default=None, primary_key=True)
    claim_number: str = Field(max_length=20, index=True)
    starts_on: date
    ends_on: date
    days: int
    compensable_from: date | None = None
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)


class ClaimContact(ClaimsTable, table=True):
    """A first (or later) contact with the worker, the employer or the treating doctor."""

    __tablename__ = "claim_contacts"

    id: int | None = Field(default=None, primary_key=True)
    claim_number: str = Field(max_length=20, index=True)
    party: str = Field(max_length=20)
    contacted_on: date
    method: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=100)


class DeadlineNotice(ClaimsTable, table=True):
    """A `claims.deadline-due` already emitted: at most once per claim, kind, due date and state."""

    __tablename__ = "deadline_notices"
    __table_args__ = (UniqueConstraint("claim_number", "kind", "due_on", "state",
                                       name="uq_deadline_notice"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_number: str = Field(max_length=20, index=True)
    kind: str = Field(max_length=60)
    due_on: date
    state: str = Field(max_length=20)
    event_id: str = Field(max_length=64)
    emitted_at: datetime = Field(sa_type=UTCDateTime)
