"""How a claim is shown: the contract's claim document, plus what an adjuster needs beside it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from services.claims.casework.benefits import pp_out
from services.claims.casework.claim_file import facts_of
from services.claims.casework.connecticut_time import ct_date
from services.claims.casework.wage import rate_out, rate_problem, wage_out
from services.claims.clocks import Clock, clocks
from services.claims.models import Adjuster, Claim
from services.claims.report_flags import flag_codes, flag_out

KINDS = ("medical", "indemnity", "expense")


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


class Money3(BaseModel):
    medical: str = "0.00"
    indemnity: str = "0.00"
    expense: str = "0.00"


class Totals(BaseModel):
    reserves: str
    paid: str
    incurred: str


class DeadlineOut(BaseModel):
    kind: str
    due_on: date
    basis: str
    description: str
    state: str
    met_on: date | None


class ClaimOut(BaseModel):
    claim_number: str
    report_id: str
    confirmation_number: str
    employer_fein: str
    employer_name: str
    employee_name: str
    occupation: str | None
    status: str
    classification: str
    severity: str
    catastrophic: bool
    heart_hypertension: bool
    date_of_injury: date
    reported_to_employer_on: date | None
    payor_notified_at: datetime
    opened_at: datetime
    closed_on: date | None
    adjuster: str | None
    nurse_case_manager: str | None
    coverage: str
    reserves: Money3
    paid: Money3
    incurred: Money3
    totals: Totals
    first_indemnity_paid_on: date | None
    deadlines: list[DeadlineOut]
    compensation_rate: dict[str, Any] | None = None
    average_weekly_wage: dict[str, Any] | None = None
    incapacity_days: int
    mmi_on: date | None
    permanent_partial: dict[str, Any] | None = None
    contested_on: date | None
    contest_resolved_on: date | None
    flags: list[dict[str, str | None]] = []
    probable_duplicate_of: str | None = None
    probable_duplicate_of_report_id: str | None = None
    duplicate_review: str | None = None
    duplicate_of: str | None = None
    compensation_rate_problem: dict[str, Any] | None = None


def deadline_out(clock: Clock) -> DeadlineOut:
    return DeadlineOut(kind=clock.kind, due_on=clock.due_on, basis=clock.basis,
                       description=clock.description, state=clock.state, met_on=clock.met_on)


def claim_out(claim: Claim, today: date) -> ClaimOut:
    reserves = {k: getattr(claim, f"reserve_{k}") for k in KINDS}
    paid = {k: getattr(claim, f"paid_{k}") for k in KINDS}
    incurred = {k: reserves[k] + paid[k] for k in KINDS}
    return ClaimOut(
        claim_number=claim.claim_number, report_id=claim.report_id,
        confirmation_number=claim.confirmation_number, employer_fein=claim.employer_fein,
        employer_name=claim.employer_name, employee_name=claim.employee_name,
        occupation=claim.occupation, status=claim.status, classification=claim.classification,
        severity=claim.severity, catastrophic=claim.catastrophic,
        heart_hypertension=claim.heart_hypertension, date_of_injury=claim.date_of_injury,
        reported_to_employer_on=claim.reported_to_employer_on,
        payor_notified_at=claim.payor_notified_at, opened_at=claim.opened_at,
        closed_on=claim.closed_on, adjuster=claim.adjuster, nurse_case_manager=claim.nurse,
        coverage=claim.coverage,
        reserves=Money3(**{k: money(v) for k, v in reserves.items()}),
        paid=Money3(**{k: money(v) for k, v in paid.items()}),
        incurred=Money3(**{k: money(v) for k, v in incurred.items()}),
        totals=Totals(reserves=money(sum(reserves.values(), Decimal(0))),
                      paid=money(sum(paid.values(), Decimal(0))),
                      incurred=money(sum(incurred.values(), Decimal(0)))),
        first_indemnity_paid_on=claim.first_indemnity_paid_on,
        deadlines=[deadline_out(c) for c in clocks(facts_of(claim), today)],
        compensation_rate=rate_out(claim), average_weekly_wage=wage_out(claim),
        incapacity_days=claim.incapacity_days, mmi_on=claim.mmi_on,
        permanent_partial=pp_out(claim), contested_on=claim.contested_on,
        contest_resolved_on=claim.contest_resolved_on,
        flags=[flag_out(code, date_of_injury=claim.date_of_injury,
                        notice_received_on=ct_date(claim.payor_notified_at))
               for code in flag_codes(claim.flags)],
        probable_duplicate_of=claim.probable_duplicate_of,
        probable_duplicate_of_report_id=claim.probable_duplicate_of_report_id,
        duplicate_review=claim.duplicate_review, duplicate_of=claim.duplicate_of,
        compensation_rate_problem=rate_problem(claim),
    )


class AdjusterOut(BaseModel):
    username: str
    name: str
    role: str
    specialties: list[str]
    lost_time_cap: int
    medical_only_cap: int
    active: bool
    license_number: str | None
    license_expires_on: date | None
    open_lost_time: int
    open_medical_only: int
    open_claims: int
    warnings: list[str] = []


def roster_warnings(adjuster: Adjuster, today: date) -> list[str]:
    """What keeps someone on the roster from getting claims that the caller may not expect:
    an adjuster's expired Connecticut licence (CGS 38a-792; seed 004)."""
    expires = adjuster.license_expires_on
    if adjuster.role == "adjuster" and expires is not None and expires < today:
        return [f"{adjuster.username}'s Connecticut adjuster licence expired on "
                f"{expires.isoformat()}: no claims are assigned to them until "
                "license_expires_on is renewed (CGS 38a-792)"]
    return []


def adjuster_out(adjuster: Adjuster, loads: tuple[int, int], today: date) -> AdjusterOut:
    return AdjusterOut(
        username=adjuster.username, name=adjuster.name, role=adjuster.role,
        specialties=[s for s in adjuster.specialties.split(",") if s],
        lost_time_cap=adjuster.lost_time_cap, medical_only_cap=adjuster.medical_only_cap,
        active=adjuster.active, license_number=adjuster.license_number,
        license_expires_on=adjuster.license_expires_on,
        open_lost_time=loads[0], open_medical_only=loads[1], open_claims=loads[0] + loads[1],
        warnings=roster_warnings(adjuster, today),
    )
