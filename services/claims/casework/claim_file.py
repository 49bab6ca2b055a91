"""The claim file: the claim read and locked for a write, its facts for the clocks, and
each change written to its history and announced as `claims.claim-changed` in the
caller's transaction."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims.casework.connecticut_time import ct_date
from services.claims.casework.refusals import not_found
from services.claims.clocks import ClaimFacts
from services.claims.models import Claim, ClaimHistory, ClaimStatusChange
from shared.bus.outbox import add_event
from shared.db import utcnow
from shared.events.catalogue import ClaimChanged
from shared.events.envelope import new_event

SOURCE = "claimline/claims"
# A claim's duplicate review (`Claim.duplicate_review`): intake linked its report to an
# earlier one and the adjuster has not ruled yet; closed as a duplicate; ruled a separate injury.
PENDING, DUPLICATE, NOT_DUPLICATE = "pending", "duplicate", "not_duplicate"


async def load_claim(session: AsyncSession, claim_number: str, *, lock: bool = True) -> Claim:
    """The claim, locked for this transaction (one writer per claim at a time).

    SQLite has no row locks, and pysqlite begins a transaction only at the first write: so
    there the claim is written (to itself) first, which takes the database's write lock
    before the claim is read.
    """
    if lock and session.get_bind().dialect.name == "sqlite":
        await session.execute(update(Claim).where(col(Claim.claim_number) == claim_number)
                              .values(claim_number=col(Claim.claim_number)))
    claim = await session.get(Claim, claim_number, with_for_update=lock)
    if claim is None:
        raise not_found(f"no claim {claim_number}")
    return claim


async def original_claim(session: AsyncSession, claim: Claim) -> Claim | None:
    """The first report's claim, for a probable duplicate whose link is resolved."""
    if claim.probable_duplicate_of is None:
        return None
    return await session.get(Claim, claim.probable_duplicate_of)


def facts_of(claim: Claim) -> ClaimFacts:
    return ClaimFacts(
        date_of_injury=claim.date_of_injury,
        payor_notified_on=ct_date(claim.payor_notified_at),
        opened_on=ct_date(claim.opened_at),
        status=claim.status,
        classification=claim.classification,
        reported_to_employer_on=claim.reported_to_employer_on,
        incapacity_days=claim.incapacity_days,
        reserves_reviewed_on=claim.reserves_reviewed_on,
        mmi_on=claim.mmi_on,
        agreement_or_award_on=claim.agreement_or_award_on,
        form36_filed_on=claim.form36_filed_on,
        form36_objected_on=claim.form36_objected_on,
        first_payment_on=claim.first_payment_on,
        first_contact_completed_on=claim.first_contact_completed_on,
        first_report_filed_on=claim.first_report_filed_on,
        pp_payment_began_on=claim.pp_payment_began_on,
        award_payment_began_on=claim.award_payment_began_on,
    )


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def record(session: AsyncSession, claim: Claim, actor: str, action: str,
           details: dict[str, Any], *, now: datetime | None = None) -> None:
    """History row and `claims.claim-changed`, in the caller's transaction."""
    now = now or utcnow()
    session.add(ClaimHistory(claim_number=claim.claim_number, at=now, actor=actor, action=action,
                             details=json.dumps(details, default=str, sort_keys=True)))
    add_event(session, new_event(
        source=SOURCE, type="claims.claim-changed", subject=claim.claim_number,
        data=ClaimChanged(
            claim_number=claim.claim_number, employer_fein=claim.employer_fein, change=action,
            status=claim.status, classification=claim.classification,  # type: ignore[arg-type]
            changed_at=now, changed_by=actor,
            details={k: _text(v) for k, v in details.items() if v is not None},
        ),
    ))


def set_status(session: AsyncSession, claim: Claim, status: str, effective_on: date,
               actor: str, now: datetime) -> None:
    claim.status = status
    session.add(ClaimStatusChange(claim_number=claim.claim_number, status=status,
                                  effective_on=effective_on, at=now, actor=actor))
