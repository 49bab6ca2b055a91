"""Events into notify: each is recorded as seen (who is told what comes with the notify issue)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.models import ReceivedEvent
from shared.bus.consumer import Subscription
from shared.db import utcnow
from shared.events.catalogue import CATALOGUE, EventData
from shared.events.envelope import CloudEvent


async def on_any_event(session: AsyncSession, event: CloudEvent, _data: EventData) -> None:
    session.add(ReceivedEvent(
        event_id=event.id, event_type=event.type, subject=event.subject, source=event.source,
        occurred_at=event.time, received_at=utcnow(),
    ))


def subscriptions(_runtime: object) -> list[Subscription]:
    return [Subscription("notify", {event_type: on_any_event for event_type in CATALOGUE})]
