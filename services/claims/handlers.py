"""Events into the claims service: an injury report opens exactly one claim."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy import insert as core_insert
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

# Plain tables for the hot path (opening a claim): Core statements skip the ORM's
# per-statement compile and load overhead where no mapped object is needed.
_CLAIMS = Claim.__table__  # type: ignore[attr-defined]
_SEQUENCES = ClaimSequence.__table__  # type: ignore[attr-defined]
_COVERAGE = CoverageRecord.__table__  # type: ignore[attr-defined]
_HISTORY = ClaimHistory.__table__  # type: ignore[attr-defined]
_STATUS_CHANGES = ClaimStatusChange.__table__  # type: ignore[attr-defined]
_CLASSIFICATIONS = ClassificationChange.__table__  # type: ignore[attr-defined]
# Built once: building a statement costs more than running it here.
_CLAIM_NUMBER_OF_REPORT = select(_CLAIMS.c.claim_number).where(
    _CLAIMS.c.report_id == bindparam("report_id"))
_EARLIER_DUPLICATES = (
    select(_CLAIMS.c.claim_number)
    .where(_CLAIMS.c.probable_duplicate_of_report_id == bindparam("report_id"),
           _CLAIMS.c.probable_duplicate_of.is_(None))
    .order_by(_CLAIMS.c.claim_number).with_for_update()
)
_COVERAGE_OF = (
    select(_COVERAGE.c.coverage, _COVERAGE.c.effective_from, _COVERAGE.c.effective_to)
    .where(_COVERAGE.c.employer_fein == bindparam("fein"))
    .order_by(_COVERAGE.c.id.desc())
)
_INSERT_HISTORY = core_insert(_HISTORY)
_INSERT_STATUS_CHANGE = core_insert(_STATUS_CHANGES)
_INSERT_CLASSIFICATION = core_insert(_CLASSIFICATIONS)
_BUMP_SEQUENCE = {
    dialect: insert(_SEQUENCES).values(year=bindparam("year"), last=1)
    .on_conflict_do_update(index_elements=["year"], set_={"last": _SEQUENCES.c.last + 1})
    .returning(_SEQUENCES.c.last)
    for dialect, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}

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
    dialect = "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    bumped = await session.execute(_BUMP_SEQUENCE[dialect], {"year": year})
    return claim_number(year, bumped.scalar_one())


async def coverage_on(session: AsyncSession, fein: str, day: object) -> str:
    """The employer's coverage on `day`: the latest record (by id) whose period holds it."""
    rows = (await session.execute(_COVERAGE_OF, {"fein": fein})).all()
    for coverage, effective_from, effective_to in rows:
        if effective_from <= day and (effective_to is None or day <= effective_to):
            return str(coverage)
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
    # Whatever earlier events of this batch staged is written once, here; the opening itself
    # then runs without autoflushes (its reads are Core statements or locked rows looked up
    # by key) and is written with the transaction's commit or the next event's flush.
    await session.flush()
    with session.no_autoflush:
        await _open_claim(session, event, data)


async def _open_claim(session: AsyncSession, event: CloudEvent, data: InjuryReported) -> None:
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
    await session.execute(_INSERT_STATUS_CHANGE, {
        "claim_number": claim.claim_number, "status": "open",
        "effective_on": ct_date(data.received_at), "at": now, "actor": actor})
    await session.execute(_INSERT_CLASSIFICATION, {
        "claim_number": claim.claim_number, "classification": classification,
        "effective_on": date_of_injury, "at": now, "actor": actor})
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
    await session.execute(_INSERT_HISTORY, {
        "claim_number": claim.claim_number, "at": now, "actor": actor,
        "action": "opened", "details": json.dumps(details)})
    add_event(session, claim_opened_event(claim),
              priority=PRIORITY_URGENT if claim.catastrophic else 0)
    _link_earlier_duplicates(session, claim, earlier, roster, actor, now)


async def _claim_of_report(session: AsyncSession, report_id: str) -> Claim | None:
    """The claim of a report: its number by a Core lookup (most reports have none yet),
    then the mapped claim (from the identity map when this transaction has it)."""
    number = (await session.execute(
        _CLAIM_NUMBER_OF_REPORT, {"report_id": report_id})).scalar_one_or_none()
    return None if number is None else await session.get(Claim, number)


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
    numbers = list((await session.execute(
        _EARLIER_DUPLICATES, {"report_id": report_id})).scalars())
    if not numbers:  # the common case: one cheap statement, nothing mapped
        return []
    return list((await session.execute(
        select(Claim).where(col(Claim.claim_number).in_(numbers))
        .order_by(col(Claim.claim_number))
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
