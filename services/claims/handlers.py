"""Events into the claims service: an injury report opens exactly one claim."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims.assignment import Handler, suggests_heart_hypertension
from services.claims.casework.assignment import AUTO_ASSIGNMENT, auto_assign, record_automatic
from services.claims.casework.claim_file import PENDING, record
from services.claims.casework.connecticut_time import ct_date
from services.claims.casework.roster import load_roster
from services.claims.claim_numbers import claim_number
from services.claims.models import (
    Claim,
    ClaimHistory,
    ClaimSequence,
    ClaimStatusChange,
    ClassificationChange,
    CoverageRecord,
)
from services.claims.report_flags import flag_codes, merged_codes
from shared.bus.consumer import Subscription
from shared.bus.outbox import PRIORITY_URGENT, add_event
from shared.db import utcnow
from shared.events.catalogue import ClaimOpened, CoverageChanged, EventData, InjuryReported
from shared.events.envelope import CloudEvent, new_event

SOURCE = "claimline/claims"

INITIAL_CLASSIFICATION = {
    "first_aid": "medical_only",
    "medical_only": "medical_only",
    "lost_time": "temporary_total",
    "catastrophic": "temporary_total",
    "fatal": "death",
}


async def next_claim_number(session: AsyncSession, year: int) -> str:
    """The next number of `year`, taken in the caller's transaction (no gaps on rollback).

    One upsert: the first claim of a year creates the row, every other bumps it; the row
    stays locked until the transaction ends, so concurrent openings never share or skip a
    number (two "first" claims of a year cannot both insert it).
    """
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    bumped = await session.execute(
        insert(ClaimSequence).values(year=year, last=1)
        .on_conflict_do_update(index_elements=["year"], set_={"last": ClaimSequence.last + 1})
        .returning(col(ClaimSequence.last))
    )
    return claim_number(year, bumped.scalar_one())


async def coverage_on(session: AsyncSession, fein: str, day: object) -> str:
    rows = (await session.execute(
        select(CoverageRecord).where(CoverageRecord.employer_fein == fein)  # type: ignore[arg-type]
        .order_by(CoverageRecord.id.desc())  # type: ignore[union-attr]
    )).scalars()
    for entry in rows:
        if entry.effective_from <= day and (entry.effective_to is None or day <= entry.effective_to):  # type: ignore[operator]
            return entry.coverage
    return "none_on_file"


def claim_opened_event(claim: Claim) -> CloudEvent:
    return new_event(
        source=SOURCE, type="claims.claim-opened", subject=claim.claim_number,
        data=ClaimOpened(
            claim_number=claim.claim_number, report_id=claim.report_id,
            employer_fein=claim.employer_fein, date_of_injury=claim.date_of_injury,
            status=claim.status, classification=claim.classification,  # type: ignore[arg-type]
            catastrophic=claim.catastrophic, adjuster=claim.adjuster, opened_at=claim.opened_at,
        ),
    )


async def on_injury_reported(session: AsyncSession, event: CloudEvent, data: EventData) -> None:
    """Open one claim per report, assigned by the caseload rules; a report seen again
    re-announces its claim instead (filling in flags or a duplicate link the claim lacks,
    for claims opened before they were kept).

    Intake's flags (`notice_late`, CGS 31-294c(a); `jurisdiction_review`, CGS 31-275) are
    kept on the claim. A report intake linked to an earlier one (`probable_duplicate_of`)
    still opens its own claim (one claim per report), marked as a probable duplicate of
    the first report's claim (resolved by report id, now or when that claim opens), and
    handled by that claim's adjuster (`casework.assignment.auto_assign`).

    A report from a police officer or firefighter describing a heart or hypertension
    condition is flagged heart-and-hypertension at once and routed to a specialist
    (CGS 7-433c; `assignment.suggests_heart_hypertension`); the flag can be set or cleared
    later with `POST /v1/claims/{n}/flags`.
    """
    assert isinstance(data, InjuryReported)
    actor = f"event:{event.source}"
    now = utcnow()
    existing = await _claim_of_report(session, data.report_id)
    if existing is not None:
        _fill_in(session, existing, data, await _original_of(session, data), actor, now)
        add_event(session, claim_opened_event(existing))
        return
    opened_on = ct_date(now)
    date_of_injury = data.injury.occurred_at.date()
    classification = INITIAL_CLASSIFICATION[data.injury.severity]
    heart_hypertension = suggests_heart_hypertension(
        data.employee.occupation, data.injury.description, data.injury.body_parts)
    linked_report = _linked_report(data)
    original = await _original_of(session, data)
    claim = Claim(
        claim_number=await next_claim_number(session, opened_on.year),
        report_id=data.report_id,
        confirmation_number=data.confirmation_number,
        employer_fein=data.employer.fein,
        employer_name=data.employer.name,
        employee_name=f"{data.employee.first_name} {data.employee.last_name}",
        occupation=data.employee.occupation,
        status="open",
        classification=classification,
        severity=data.injury.severity,
        catastrophic=data.catastrophic,
        date_of_injury=date_of_injury,
        reported_to_employer_on=data.injury.reported_to_employer_on,
        payor_notified_at=data.received_at,
        opened_at=now,
        coverage=await coverage_on(session, data.employer.fein, date_of_injury),
        heart_hypertension=heart_hypertension,
        reserves_reviewed_on=opened_on,
        flags=merged_codes(None, data.flags),
        probable_duplicate_of_report_id=linked_report,
        probable_duplicate_of=original.claim_number if original else None,
        duplicate_review=PENDING if linked_report else None,
    )
    session.add(claim)
    session.add(ClaimStatusChange(claim_number=claim.claim_number, status="open",
                                  effective_on=ct_date(data.received_at), at=now, actor=actor))
    session.add(ClassificationChange(claim_number=claim.claim_number, classification=classification,
                                     effective_on=date_of_injury, at=now, actor=actor))
    earlier = await _earlier_duplicates(session, data.report_id)  # claims first, then roster
    roster = await load_roster(session, lock=True)
    assigned = auto_assign(session, claim, roster, now, record_misses=True, original=original)
    details: dict[str, Any] = {"report_id": data.report_id, "event_id": event.id}
    if data.flags:
        details["flags"] = flag_codes(claim.flags)
    if linked_report:
        details["probable_duplicate_of_report_id"] = linked_report
        details["probable_duplicate_of"] = claim.probable_duplicate_of
    if assigned:
        details |= {**assigned, "assigned_by": AUTO_ASSIGNMENT}
    if heart_hypertension:
        details["heart_hypertension"] = "suggested by occupation and injury (CGS 7-433c)"
    session.add(ClaimHistory(
        claim_number=claim.claim_number, at=now, actor=actor,
        action="opened", details=json.dumps(details),
    ))
    add_event(session, claim_opened_event(claim),
              priority=PRIORITY_URGENT if claim.catastrophic else 0)
    _link_earlier_duplicates(session, claim, earlier, roster, actor, now)


async def _claim_of_report(session: AsyncSession, report_id: str) -> Claim | None:
    return (await session.execute(
        select(Claim).where(col(Claim.report_id) == report_id)
    )).scalar_one_or_none()


def _linked_report(data: InjuryReported) -> str | None:
    linked = data.probable_duplicate_of
    return linked if linked and linked != data.report_id else None


async def _original_of(session: AsyncSession, data: InjuryReported) -> Claim | None:
    """The claim the first report opened, when it has opened."""
    linked = _linked_report(data)
    return await _claim_of_report(session, linked) if linked else None


async def _earlier_duplicates(session: AsyncSession, report_id: str) -> list[Claim]:
    """Claims of later reports linked to this one that opened before it (events of different
    reports may arrive in any order), locked."""
    return list((await session.execute(
        select(Claim).where(col(Claim.probable_duplicate_of_report_id) == report_id,
                            col(Claim.probable_duplicate_of).is_(None))
        .order_by(col(Claim.claim_number)).with_for_update()
    )).scalars().all())


def _link_earlier_duplicates(session: AsyncSession, original: Claim, earlier: list[Claim],
                             roster: dict[str, Handler], actor: str, now: datetime) -> None:
    """The claims of `_earlier_duplicates` learn the first report's claim number and, still
    under review and waiting, its adjuster."""
    for duplicate in earlier:
        duplicate.probable_duplicate_of = original.claim_number
        record(session, duplicate, actor, "duplicate_linked", {
            "probable_duplicate_of": original.claim_number,
            "probable_duplicate_of_report_id": original.report_id}, now=now)
        if duplicate.status != "closed":
            changes = auto_assign(session, duplicate, roster, now, record_misses=False,
                                  original=original)
            record_automatic(session, duplicate, changes, actor, now)


def _fill_in(session: AsyncSession, claim: Claim, data: InjuryReported, original: Claim | None,
             actor: str, now: datetime) -> None:
    """A report seen again: flags and a duplicate link its claim does not have yet are
    added (claims opened before revision 0003 kept neither); nothing else changes."""
    changes: dict[str, Any] = {}
    merged = merged_codes(claim.flags, data.flags)
    if merged != claim.flags:
        claim.flags = merged
        changes["flags"] = flag_codes(merged)
    linked = _linked_report(data)
    if linked and claim.probable_duplicate_of_report_id is None and claim.duplicate_review is None:
        claim.probable_duplicate_of_report_id = linked
        claim.probable_duplicate_of = original.claim_number if original else None
        claim.duplicate_review = PENDING
        changes |= {"probable_duplicate_of_report_id": linked,
                    "probable_duplicate_of": claim.probable_duplicate_of}
    if changes:
        record(session, claim, actor, "report_details_added", changes, now=now)


async def on_coverage_changed(session: AsyncSession, event: CloudEvent, data: EventData) -> None:
    assert isinstance(data, CoverageChanged)
    session.add(CoverageRecord(
        employer_fein=data.employer_fein, coverage=data.coverage,
        certificate_id=data.certificate_id, effective_from=data.effective_from,
        effective_to=data.effective_to,
    ))


def subscriptions(_runtime: object) -> list[Subscription]:
    return [Subscription("claims", {
        "intake.injury-reported": on_injury_reported,
        "certification.coverage-changed": on_coverage_changed,
    })]
