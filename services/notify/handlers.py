"""Events into notify: every event is recorded as seen; a catastrophic injury report pages
the on-call nurse; an event a webhook subscribes to is sent to it.

All of it is written in the transaction that records the event in the inbox (exactly once);
the delivery worker sends after the commit.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.models import ReceivedEvent
from services.notify.notifications import SubscriptionCache, stage_page, stage_webhooks
from shared.bus.consumer import Subscription
from shared.db import utcnow
from shared.events.catalogue import CATALOGUE, EventData, InjuryReported
from shared.events.envelope import CloudEvent
from shared.pii import PiiCipher
from shared.service import ServiceRuntime

_RECEIVED_EVENTS = ReceivedEvent.__table__  # type: ignore[attr-defined]
CACHE = "notify.subscription-cache"  # runtime.extras: the live webhook subscriptions


def subscription_cache(runtime: ServiceRuntime) -> SubscriptionCache:
    """The process's cache of live webhook subscriptions (drop it after changing them)."""
    cache = runtime.extras.get(CACHE)
    if cache is None:
        ttl_s = getattr(runtime.settings, "webhook_subscriptions_ttl_s", 2.0)
        cache = runtime.extras[CACHE] = SubscriptionCache(ttl_s=ttl_s)
    assert isinstance(cache, SubscriptionCache)
    return cache


async def on_any_event(
    cipher: PiiCipher, cache: SubscriptionCache | None, session: AsyncSession, event: CloudEvent,
    data: EventData,
) -> None:
    # A Core insert: no unit of work to flush for the row every event writes.
    await session.execute(insert(_RECEIVED_EVENTS).values(
        event_id=event.id, event_type=event.type, subject=event.subject, source=event.source,
        occurred_at=event.time, received_at=utcnow(),
    ))
    if isinstance(data, InjuryReported) and data.catastrophic:
        await stage_page(session, cipher, event, data)
    await stage_webhooks(session, cipher, event, cache)


def subscriptions(runtime: ServiceRuntime) -> list[Subscription]:
    handler = partial(on_any_event, runtime.pii(), subscription_cache(runtime))
    return [Subscription("notify", dict.fromkeys(CATALOGUE, handler))]
