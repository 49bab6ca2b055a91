"""The first days' duties: reaching the worker, the employer and the doctor (the
first-contact clock), and the employer's first report of injury (CGS 31-316)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims.casework.claim_file import record
from services.claims.casework.connecticut_time import ct_today
from services.claims.casework.refusals import not_before_injury, not_future
from services.claims.models import Claim, ClaimContact
from services.claims.schemas import ContactIn
from shared.db import utcnow


async def record_contact(session: AsyncSession, claim: Claim, body: ContactIn, actor: str
                         ) -> ClaimContact:
    """A contact with the worker, the employer or the doctor; the first-contact clock is met
    when all three have been reached."""
    now, today = utcnow(), ct_today()
    contacted_on = body.contacted_on or today
    not_future("contacted_on", contacted_on, today)
    not_before_injury("contacted_on", contacted_on, claim)
    contact = ClaimContact(claim_number=claim.claim_number, party=body.party,
                           contacted_on=contacted_on, method=body.method, note=body.note,
                           at=now, actor=actor)
    session.add(contact)
    await session.flush()
    firsts: dict[str, date] = dict((await session.execute(  # type: ignore[arg-type]
        select(col(ClaimContact.party), func.min(col(ClaimContact.contacted_on)))
        .where(col(ClaimContact.claim_number) == claim.claim_number)
        .group_by(col(ClaimContact.party))
    )).all())
    if set(firsts) == {"worker", "employer", "doctor"}:
        claim.first_contact_completed_on = max(firsts.values())
    record(session, claim, actor, "contact", {
        "party": body.party, "contacted_on": contacted_on, "method": body.method,
        "first_contact_completed_on": claim.first_contact_completed_on}, now=now)
    return contact


async def record_first_report(session: AsyncSession, claim: Claim, filed_on: date, actor: str) -> None:
    """The employer's first report of injury filed with the Commission (CGS 31-316)."""
    now, today = utcnow(), ct_today()
    not_future("filed_on", filed_on, today)
    not_before_injury("filed_on", filed_on, claim)
    claim.first_report_filed_on = filed_on
    record(session, claim, actor, "first_report_filed", {"filed_on": filed_on}, now=now)
