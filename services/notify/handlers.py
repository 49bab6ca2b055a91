"""Events into notify: every event is recorded as seen; a catastrophic injury report pages
the on-call nurse; an event a webhook subscribes to is sent to it.

All of it is written in the transaction that records the event in the inbox (exactly once);
the delivery worker sends after the commit.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.models import ReceivedEvent
from services.notify.notifications import stage_page, stage_webhooks
from shared.bus.consumer import Subscription
from shared.db import utcnow
from shared.events.catalogue import CATALOGUE, EventData, InjuryReported
from shared.events.envelope import CloudEvent
from shared.pii import PiiCipher
from shared.service import ServiceRuntime


async def on_any_event(cipher: PiiCipher, session: AsyncSession, event: CloudEvent, data: EventData) -> None:
    session.add(ReceivedEvent(
        event_id=event.id, event_type=event.type, subject=event.subject, source=event.source,
        occurred_at=event.time, received_at=utcnow(),
    ))
    if isinstance(data, InjuryReported) and data.catastrophic:
        await stage_page(session, cipher, event, data)
    await stage_webhooks(session, cipher, event)


def subscriptions(runtime: ServiceRuntime) -> list[Subscription]:
    handler = partial(on_any_event, runtime.pii())
    return [Subscription("notify", dict.fromkeys(CATALOGUE, handler))]
