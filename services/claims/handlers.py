"""Events into the claims service: an injury report opens exactly one claim."""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.claims.claim_numbers import claim_number
from services.claims.models import Claim, ClaimHistory, ClaimSequence, CoverageRecord
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
    """The next number of `year`, taken in the caller's transaction (no gaps on rollback)."""
    bumped = await session.execute(
        update(ClaimSequence).where(ClaimSequence.year == year)  # type: ignore[arg-type]
        .values(last=ClaimSequence.last + 1).returning(ClaimSequence.last)
    )
    last = bumped.scalar_one_or_none()
    if last is None:
        session.add(ClaimSequence(year=year, last=1))
        await session.flush()
        last = 1
    return claim_number(year, last)


async def coverage_on(session: AsyncSession, fein: str, day: object) -> str:
    rows = (await session.execute(
        select(CoverageRecord).where(CoverageRecord.employer_fein == fein)  # type: ignore[arg-type]
        .order_by(CoverageRecord.id.desc())  # type: ignore[union-attr]
    )).scalars()
    for record in rows:
        if record.effective_from <= day and (record.effective_to is None or day <= record.effective_to):  # type: ignore[operator]
            return record.coverage
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
    """Open one claim per report; a report seen again re-announces its claim instead."""
    assert isinstance(data, InjuryReported)
    existing = (await session.execute(
        select(Claim).where(Claim.report_id == data.report_id)  # type: ignore[arg-type]
    )).scalar_one_or_none()
    if existing is not None:
        add_event(session, claim_opened_event(existing))
        return
    now = utcnow()
    date_of_injury = data.injury.occurred_at.date()
    claim = Claim(
        claim_number=await next_claim_number(session, now.year),
        report_id=data.report_id,
        confirmation_number=data.confirmation_number,
        employer_fein=data.employer.fein,
        employer_name=data.employer.name,
        employee_name=f"{data.employee.first_name} {data.employee.last_name}",
        status="open",
        classification=INITIAL_CLASSIFICATION[data.injury.severity],
        severity=data.injury.severity,
        catastrophic=data.catastrophic,
        date_of_injury=date_of_injury,
        reported_to_employer_on=data.injury.reported_to_employer_on,
        payor_notified_at=data.received_at,
        opened_at=now,
        coverage=await coverage_on(session, data.employer.fein, date_of_injury),
    )
    session.add(claim)
    session.add(ClaimHistory(
        claim_number=claim.claim_number, at=now, actor=f"event:{event.source}",
        action="opened", details=json.dumps({"report_id": data.report_id, "event_id": event.id}),
    ))
    add_event(session, claim_opened_event(claim),
              priority=PRIORITY_URGENT if claim.catastrophic else 0)


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
