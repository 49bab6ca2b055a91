"""A claim's status and classification over time: decisions (accept, or contest by Form 43),
closing, reopening and dated reclassification. The rules are in `services.claims.lifecycle`."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.claims import assignment as rules
from services.claims.casework.assignment import auto_assign, record_automatic
from services.claims.casework.claim_file import (
    DUPLICATE,
    NOT_DUPLICATE,
    PENDING,
    original_claim,
    record,
    set_status,
)
from services.claims.casework.connecticut_time import ct_date, ct_today
from services.claims.casework.refusals import invalid, not_before_injury, not_future, open_for_work, refused
from services.claims.casework.reserves import release_reserves
from services.claims.casework.roster import load_roster
from services.claims.lifecycle import ClassificationChange as ClassChange
from services.claims.lifecycle import (
    IllegalReclassification,
    IllegalTransition,
    check_reclassification,
    classification_as_of,
    next_status,
)
from services.claims.models import Claim, ClaimDecision, ClassificationChange
from services.claims.schemas import ClassificationIn, CloseIn, DecisionIn, NotDuplicateIn, ReopenIn
from shared.db import utcnow


def _transition(claim: Claim, action: str, acted_on: date) -> str:
    try:
        return next_status(claim.status, action, notice_received_on=ct_date(claim.payor_notified_at),
                           acted_on=acted_on, payment_began_on=claim.first_payment_on).value
    except IllegalTransition as error:
        raise refused(str(error)) from None
    except ValueError as error:
        raise invalid("decided_on", str(error)) from None


async def decide(session: AsyncSession, claim: Claim, body: DecisionIn, actor: str) -> None:
    """Accept, accept without prejudice, or contest (Form 43) (CGS 31-294c(b))."""
    now, today = utcnow(), ct_today()
    decided_on = body.decided_on or today
    not_future("decided_on", decided_on, today)
    before = claim.status
    status = _transition(claim, body.decision, decided_on)
    if before == "contested":
        if claim.contested_on and decided_on < claim.contested_on:
            raise invalid("decided_on", f"{decided_on.isoformat()} is before the contest of "
                                        f"{claim.contested_on.isoformat()}")
        claim.contest_resolved_on = decided_on
    if status == "contested":
        claim.contested_on = decided_on
        claim.contest_resolved_on = None
    set_status(session, claim, status, decided_on, actor, now)
    form = "Form 43" if body.decision == "contest" else None
    session.add(ClaimDecision(claim_number=claim.claim_number, decision=body.decision, form=form,
                              reason=body.reason, decided_on=decided_on, at=now, actor=actor))
    record(session, claim, actor, "decision", {
        "decision": body.decision, "form": form, "reason": body.reason,
        "decided_on": decided_on, "from_status": before, "status": status}, now=now)


async def _duplicated_claim(session: AsyncSession, claim: Claim, body: CloseIn) -> str | None:
    """The claim this one is closed as a duplicate of, or None for an ordinary closing.

    `duplicate_of` names it; `reason: "duplicate"` alone means the claim intake linked it
    to. It must be another claim, itself not closed as a duplicate (name the claim that
    stands)."""
    target = body.duplicate_of
    if target is None and not body.closing_as_duplicate:
        return None
    if target is None:
        if claim.probable_duplicate_of is None:
            why = ("its first report has no claim yet" if claim.probable_duplicate_of_report_id
                   else "intake did not link it to another report")
            raise invalid("duplicate_of", f"name the claim that {claim.claim_number} duplicates "
                                          f"({why})")
        target = claim.probable_duplicate_of
    if target == claim.claim_number:
        raise invalid("duplicate_of", "a claim cannot be a duplicate of itself")
    other = await session.get(Claim, target)
    if other is None:
        raise invalid("duplicate_of", f"no claim {target}")
    if other.duplicate_review == DUPLICATE:
        raise invalid("duplicate_of", f"{target} was itself closed as a duplicate of "
                                      f"{other.duplicate_of}; name that claim")
    return target


async def close(session: AsyncSession, claim: Claim, body: CloseIn, actor: str) -> None:
    """Close: the outstanding reserves are released, so incurred equals paid.

    Closed as a duplicate (`duplicate_of`, or `reason: "duplicate"` on a probable
    duplicate), the claim leaves KPI denominators and loss-run claim counts; what was paid
    on it stays in the loss run's money (it was paid; reverse it to take it out)."""
    now, today = utcnow(), ct_today()
    closed_on = body.closed_on or today
    not_future("closed_on", closed_on, today)
    not_before_injury("closed_on", closed_on, claim)
    duplicate_of = await _duplicated_claim(session, claim, body)
    before = claim.status
    status = _transition(claim, "close", closed_on)
    if before == "contested" and claim.contest_resolved_on is None:
        claim.contest_resolved_on = max(closed_on, claim.contested_on or closed_on)
    set_status(session, claim, status, closed_on, actor, now)
    claim.closed_on = closed_on
    released = release_reserves(session, claim, "closed", actor, now)
    details: dict[str, Any] = {"reason": body.reason, "closed_on": closed_on, "from_status": before,
                               "reserves_released": released}
    if duplicate_of is not None:
        claim.duplicate_review, claim.duplicate_of = DUPLICATE, duplicate_of
        details["duplicate_of"] = duplicate_of
    record(session, claim, actor, "closed", details, now=now)


async def reopen(session: AsyncSession, claim: Claim, body: ReopenIn, actor: str) -> None:
    """Reopen. A claim closed as a duplicate is one no longer: back under review when intake
    linked it, otherwise an ordinary claim again."""
    now, today = utcnow(), ct_today()
    reopened_on = body.reopened_on or today
    not_future("reopened_on", reopened_on, today)
    if claim.closed_on and reopened_on < claim.closed_on:
        raise invalid("reopened_on", f"{reopened_on.isoformat()} is before the claim closed on "
                                     f"{claim.closed_on.isoformat()}")
    status = _transition(claim, "reopen", reopened_on)
    set_status(session, claim, status, reopened_on, actor, now)
    claim.closed_on = None
    claim.reserves_reviewed_on = reopened_on  # the review clock starts again
    details: dict[str, Any] = {"reason": body.reason, "reopened_on": reopened_on}
    if claim.duplicate_review == DUPLICATE:
        details["no_longer_duplicate_of"] = claim.duplicate_of
        claim.duplicate_of = None
        claim.duplicate_review = PENDING if claim.probable_duplicate_of_report_id else None
    record(session, claim, actor, "reopened", details, now=now)


async def rule_out_duplicate(session: AsyncSession, claim: Claim, body: NotDuplicateIn,
                             actor: str) -> None:
    """The adjuster rules a probable duplicate a separate injury: it counts against the
    caps, in KPIs and loss runs like any claim from now on, and gets handlers of its own
    where it has none (the link to the first report stays on the claim)."""
    now = utcnow()
    if claim.duplicate_review != PENDING:
        state = {None: "not a probable duplicate", DUPLICATE: "closed as a duplicate",
                 NOT_DUPLICATE: "already ruled not a duplicate"}[claim.duplicate_review]
        raise refused(f"claim {claim.claim_number} is {state}")
    claim.duplicate_review = NOT_DUPLICATE
    record(session, claim, actor, "ruled_not_duplicate", {
        "reason": body.reason, "probable_duplicate_of": claim.probable_duplicate_of,
        "probable_duplicate_of_report_id": claim.probable_duplicate_of_report_id}, now=now)
    if claim.status != "closed":
        roster = await load_roster(session, lock=True)
        record_automatic(session, claim, auto_assign(session, claim, roster, now, record_misses=True),
                         actor, now)


async def classification_changes(session: AsyncSession, claim_number: str) -> list[ClassChange]:
    rows = (await session.execute(
        select(ClassificationChange).where(ClassificationChange.claim_number == claim_number)  # type: ignore[arg-type]
        .order_by(ClassificationChange.id)  # type: ignore[arg-type]
    )).scalars().all()
    return [ClassChange(r.effective_on, r.classification) for r in rows]  # type: ignore[arg-type]


async def reclassify(session: AsyncSession, claim: Claim, body: ClassificationIn, actor: str) -> None:
    """A dated classification change (seed 003); a claim that becomes lost-time gets a nurse."""
    now, today = utcnow(), ct_today()
    open_for_work(claim, "change the classification")
    not_future("effective_on", body.effective_on, today)
    not_before_injury("effective_on", body.effective_on, claim)
    changes = await classification_changes(session, claim.claim_number)
    try:
        check_reclassification(changes, body.classification, body.effective_on)
    except IllegalReclassification as error:
        raise refused(f"Cannot classify claim {claim.claim_number} as "
                      f"{body.classification.replace('_', ' ')}: {error}") from None
    before = claim.classification
    session.add(ClassificationChange(claim_number=claim.claim_number,
                                     classification=body.classification,
                                     effective_on=body.effective_on, at=now, actor=actor))
    changes.append(ClassChange(body.effective_on, body.classification))  # type: ignore[arg-type]
    in_force = classification_as_of(changes, today)
    claim.classification = in_force.value if in_force else body.classification
    details: dict[str, Any] = {"classification": body.classification,
                               "effective_on": body.effective_on, "from": before}
    record(session, claim, actor, "classification", details, now=now)
    if claim.nurse is None and rules.needs_nurse(claim.classification, claim.catastrophic):
        roster = await load_roster(session, lock=True)
        assigned = auto_assign(session, claim, roster, now, record_misses=True,
                               original=await original_claim(session, claim))
        record_automatic(session, claim, assigned, actor, now)
