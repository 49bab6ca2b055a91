"""Outstanding reserves by kind: set (the reserve review), and released on closing. Every
change is a row in the reserve log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.claims.casework.claim_file import record
from services.claims.casework.connecticut_time import ct_date
from services.claims.casework.refusals import open_for_work
from services.claims.models import ZERO, Claim, ReserveChange
from services.claims.schemas import ReservesIn
from shared.db import utcnow

KINDS = ("medical", "indemnity", "expense")


def release_reserves(session: AsyncSession, claim: Claim, cause: str, actor: str,
                     now: datetime) -> dict[str, str] | None:
    """Release the outstanding reserves (on closing); answers what was released, if any."""
    released = {k: getattr(claim, f"reserve_{k}") for k in KINDS}
    if not any(released.values()):
        return None
    for kind in KINDS:
        setattr(claim, f"reserve_{kind}", ZERO)
    session.add(ReserveChange(claim_number=claim.claim_number, effective_on=ct_date(now),
                              cause=cause, medical=ZERO, indemnity=ZERO, expense=ZERO,
                              at=now, actor=actor))
    return {k: f"{v:.2f}" for k, v in released.items()}


def reserve_snapshot(session: AsyncSession, claim: Claim, cause: str, payment_id: str | None,
                     actor: str, now: datetime) -> None:
    """The claim's reserves as they now stand, as a row of the reserve log."""
    session.add(ReserveChange(
        claim_number=claim.claim_number, effective_on=ct_date(now), cause=cause,
        payment_id=payment_id, medical=claim.reserve_medical, indemnity=claim.reserve_indemnity,
        expense=claim.reserve_expense, at=now, actor=actor,
    ))


async def set_reserves(session: AsyncSession, claim: Claim, body: ReservesIn, actor: str) -> None:
    """Set the outstanding reserves; this is also the 90-day reserve review."""
    now = utcnow()
    open_for_work(claim, "set reserves")
    before = {k: f"{getattr(claim, f'reserve_{k}'):.2f}" for k in KINDS}
    for kind in KINDS:
        setattr(claim, f"reserve_{kind}", getattr(body, kind))
    claim.reserves_reviewed_on = ct_date(now)
    reserve_snapshot(session, claim, "set", None, actor, now)
    record(session, claim, actor, "reserves", {
        "before": before, "after": {k: f"{getattr(body, k):.2f}" for k in KINDS},
        "reason": body.reason}, now=now)
