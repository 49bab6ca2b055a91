"""Events into the claims service: an injury report opens exactly one claim."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims.assignment import suggests_heart_hypertension
from services.claims.casework.assignment import auto_assign
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
    """Open one claim per report, assigned by the caseload rules; a report seen again
    re-announces its claim instead.

    A report from a police officer or firefighter describing a heart or hypertension
    condition is flagged heart-and-hypertension at once and routed to a specialist
    (CGS 7-433c; `assignment.suggests_heart_hypertension`); the flag can be set or cleared
    later with `POST /v1/claims/{n}/flags`.
    """
    assert isinstance(data, InjuryReported)
    existing = (await session.execute(
        select(Claim).where(Claim.report_id == data.report_id)  # type: ignore[arg-type]
    )).scalar_one_or_none()
    if existing is not None:
        add_event(session, claim_opened_event(existing))
        return
    now = utcnow()
    opened_on = ct_date(now)
    date_of_injury = data.injury.occurred_at.date()
    classification = INITIAL_CLASSIFICATION[data.injury.severity]
    actor = f"event:{event.source}"
    heart_hypertension = suggests_heart_hypertension(
        data.employee.occupation, data.injury.description, data.injury.body_parts)
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
    )
    session.add(claim)
    session.add(ClaimStatusChange(claim_number=claim.claim_number, status="open",
                                  effective_on=ct_date(data.received_at), at=now, actor=actor))
    session.add(ClassificationChange(claim_number=claim.claim_number, classification=classification,
                                     effective_on=date_of_injury, at=now, actor=actor))
    roster = await load_roster(session, lock=True)
    assigned = auto_assign(session, claim, roster, actor, now, record_misses=True)
    details = {"report_id": data.report_id, "event_id": event.id, **assigned}
    if heart_hypertension:
        details["heart_hypertension"] = "suggested by occupation and injury (CGS 7-433c)"
    session.add(ClaimHistory(
        claim_number=claim.claim_number, at=now, actor=actor,
        action="opened", details=json.dumps(details),
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
