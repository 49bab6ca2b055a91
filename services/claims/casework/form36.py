"""Form 36, the notice to discontinue or reduce payments, and the claimant's objection
within 15 days (CGS 31-296)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.claims.casework.claim_file import record
from services.claims.casework.connecticut_time import ct_today
from services.claims.casework.refusals import invalid, not_found, not_future, open_for_work, refused
from services.claims.deadlines import form36_objection_deadline
from services.claims.lifecycle import form36_outcome
from services.claims.models import Claim, Form36Filing
from services.claims.schemas import Form36In
from shared.db import utcnow


async def file_form36(session: AsyncSession, claim: Claim, body: Form36In, actor: str) -> Form36Filing:
    """Notice to discontinue or reduce payments; the claimant has 15 days to object (CGS 31-296)."""
    now, today = utcnow(), ct_today()
    open_for_work(claim, "file a Form 36")
    not_future("filed_on", body.filed_on, today)
    if claim.status == "contested":
        raise refused(f"Cannot file a Form 36 on claim {claim.claim_number}: it is contested, so "
                      "no benefits are being paid to discontinue (CGS 31-296)")
    if claim.first_indemnity_paid_on is None:
        raise refused(f"Cannot file a Form 36 on claim {claim.claim_number}: no indemnity has "
                      "been paid, so there is nothing to discontinue or reduce (CGS 31-296)")
    if body.filed_on < claim.first_indemnity_paid_on:
        raise invalid("filed_on", f"{body.filed_on.isoformat()} is before the first indemnity "
                                  f"payment on {claim.first_indemnity_paid_on.isoformat()}")
    if claim.form36_filed_on is not None and claim.form36_objected_on is None:
        outcome = form36_outcome(claim.form36_filed_on, as_of=today)
        if outcome == "pending":
            raise refused(f"A Form 36 filed {claim.form36_filed_on.isoformat()} is still within "
                          "its 15-day objection window (CGS 31-296)")
    filing = Form36Filing(
        id=str(uuid.uuid4()), claim_number=claim.claim_number, kind=body.kind, reason=body.reason,
        filed_on=body.filed_on, objection_by=form36_objection_deadline(body.filed_on).due_on,
        at=now, actor=actor,
    )
    session.add(filing)
    claim.form36_filed_on, claim.form36_objected_on = body.filed_on, None
    record(session, claim, actor, "form36_filed", {
        "form36_id": filing.id, "kind": body.kind, "filed_on": body.filed_on,
        "objection_by": filing.objection_by, "reason": body.reason}, now=now)
    return filing


async def object_to_form36(session: AsyncSession, claim: Claim, filing_id: str,
                           objected_on: date, actor: str) -> Form36Filing:
    now, today = utcnow(), ct_today()
    filing = await session.get(Form36Filing, filing_id, with_for_update=True)
    if filing is None or filing.claim_number != claim.claim_number:
        raise not_found(f"no Form 36 {filing_id} on claim {claim.claim_number}")
    not_future("objected_on", objected_on, today)
    if objected_on < filing.filed_on:
        raise invalid("objected_on", f"{objected_on.isoformat()} is before the Form 36 was filed "
                                     f"on {filing.filed_on.isoformat()}")
    if filing.objected_on is not None:
        raise refused(f"the objection to Form 36 {filing_id} was recorded already "
                      f"({filing.objected_on.isoformat()})")
    filing.objected_on = objected_on
    if claim.form36_filed_on == filing.filed_on:
        claim.form36_objected_on = objected_on
    outcome = form36_outcome(filing.filed_on, as_of=today, objected_on=objected_on).value
    record(session, claim, actor, "form36_objection", {
        "form36_id": filing_id, "objected_on": objected_on, "outcome": outcome}, now=now)
    return filing
