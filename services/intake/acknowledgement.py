"""End-to-end acknowledgement (architecture, guarantee 5).

A report stays pending until `claims.claim-opened` names it. One with no claim after the
acknowledgement delay is published again (a new event id, same report id: claims opens at
most one claim per report and answers a repeat with its claim); after several tries an
alert is raised, and the report keeps being re-published.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.intake.models import InjuryReport, ReportHistory
from services.intake.reports import injury_reported_event, report_priority, row_of
from shared.bus.outbox import add_event
from shared.db import utcnow
from shared.metrics import REPORTS_AWAITING_CLAIM, REPORTS_REPUBLISHED
from shared.pii import PiiCipher

log = logging.getLogger(__name__)


def republication_wait(publications: int, delay: timedelta, max_delay: timedelta) -> timedelta:
    """How long after its last publication a report with no claim is published again: the
    delay, doubled after each publication, at most `max_delay` (a stalled claims service is
    not flooded, and a report still goes out at least every `max_delay`)."""
    doublings = min(max(publications - 1, 0), 30)  # 2**30 delays is past any maximum
    return min(delay * 2 ** doublings, max(max_delay, delay))


async def republish_unacknowledged(
    sessions: async_sessionmaker[AsyncSession], cipher: PiiCipher, *, delay: timedelta,
    alert_after: int, max_delay: timedelta = timedelta(hours=1), limit: int = 500,
) -> int:
    """Re-publish reports with no claim once their wait is over; answer how many."""
    now = utcnow()
    async with sessions() as session, session.begin():
        candidates = (await session.execute(
            select(InjuryReport)
            .where(col(InjuryReport.status) == "received")
            .where(col(InjuryReport.last_published_at) <= now - delay)
            .order_by(col(InjuryReport.last_published_at))
            .limit(limit)
        )).scalars().all()
        stale = sorted(
            (r for r in candidates if now - r.last_published_at
             >= republication_wait(r.publications, delay, max_delay)),
            key=lambda r: (not r.catastrophic, r.received_at),
        )
        for report in stale:
            report.publications += 1
            report.last_published_at = now
            details = json.loads(cipher.decrypt(report.sealed) or "{}")
            row = row_of(report)
            add_event(session, injury_reported_event(row, details, report.publications),
                      priority=report_priority(row))
            session.add(ReportHistory(
                report_id=report.id, at=now, actor="intake", action="republished",
                details=json.dumps({"publication": report.publications}),
            ))
            if report.publications > alert_after and report.alerted_at is None:
                report.alerted_at = now
                log.error("ALERT: report %s (%s) has no claim after %d publications",
                          report.id, report.confirmation_number, report.publications)
    REPORTS_REPUBLISHED.inc(len(stale))
    return len(stale)


async def count_awaiting_claim(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        waiting = (await session.execute(
            select(func.count()).select_from(InjuryReport)
            .where(InjuryReport.status == "received")  # type: ignore[arg-type]
        )).scalar_one()
    REPORTS_AWAITING_CLAIM.set(waiting)
    return int(waiting)


async def acknowledgement_loop(
    sessions: async_sessionmaker[AsyncSession], cipher: PiiCipher, *, delay: timedelta,
    alert_after: int, interval_s: float, max_delay: timedelta = timedelta(hours=1),
) -> None:
    while True:
        await asyncio.sleep(interval_s)
        try:
            await republish_unacknowledged(sessions, cipher, delay=delay, alert_after=alert_after,
                                           max_delay=max_delay)
        except Exception as error:  # noqa: BLE001 - the database may be down; try again later
            # the type only: a database error's text can carry the statement's parameters
            log.warning("acknowledgement check failed: %s", type(error).__name__)
