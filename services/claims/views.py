"""How a claim is shown: the contract's claim document."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel

from services.claims.models import Claim


class Money3(BaseModel):
    medical: str = "0.00"
    indemnity: str = "0.00"
    expense: str = "0.00"


class DeadlineOut(BaseModel):
    kind: str
    due_on: date
    basis: str


class ClaimOut(BaseModel):
    claim_number: str
    report_id: str
    confirmation_number: str
    employer_fein: str
    employer_name: str
    employee_name: str
    status: str
    classification: str
    severity: str
    catastrophic: bool
    date_of_injury: date
    reported_to_employer_on: date | None
    payor_notified_at: datetime
    opened_at: datetime
    adjuster: str | None
    coverage: str
    reserves: Money3
    paid: Money3
    first_indemnity_paid_on: date | None
    deadlines: list[DeadlineOut]
    compensation_rate: dict[str, object] | None = None


def contest_deadline(payor_notified_on: date) -> DeadlineOut:
    """CGS 31-294c(b): contest, or begin paying, within 28 days of the notice of claim."""
    return DeadlineOut(kind="contest_by", due_on=payor_notified_on + timedelta(days=28),
                       basis="CGS 31-294c(b)")


def claim_out(claim: Claim) -> ClaimOut:
    return ClaimOut(
        **claim.model_dump(exclude={"first_indemnity_paid_on"}),
        first_indemnity_paid_on=claim.first_indemnity_paid_on,
        reserves=Money3(), paid=Money3(),
        deadlines=[contest_deadline(claim.payor_notified_at.date())],
    )
