"""Events into intake: `claims.claim-opened` acknowledges a report end to end."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.models import InjuryReport, ReportHistory
from shared.bus.consumer import Subscription
from shared.db import utcnow
from shared.events.catalogue import ClaimOpened, EventData
from shared.events.envelope import CloudEvent


async def on_claim_opened(session: AsyncSession, event: CloudEvent, data: EventData) -> None:
    assert isinstance(data, ClaimOpened)
    report = await session.get(InjuryReport, data.report_id)
    if report is None or report.claim_number == data.claim_number:
        return  # not ours, or already acknowledged
    now = utcnow()
    report.status = "claim_opened"
    report.claim_number = data.claim_number
    report.claim_opened_at = now
    session.add(ReportHistory(
        report_id=report.id, at=now, actor=f"event:{event.source}", action="claim_opened",
        details=json.dumps({"claim_number": data.claim_number, "event_id": event.id}),
    ))


def subscriptions(_runtime: object) -> list[Subscription]:
    return [Subscription("intake", {"claims.claim-opened": on_claim_opened})]
