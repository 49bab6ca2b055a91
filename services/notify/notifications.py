"""Who is told what: notifications staged in the transaction that applies an event.

The consumer applies an event and records it in the inbox in one transaction; the
notifications it causes are written in that same transaction (exactly once), and the
delivery worker sends them after the commit (at least once). A page that cannot even be
addressed (nobody on call) is written as `failed` at once, with `notify.delivery-failed`
in the outbox and an ERROR in the log: never silence.

Live webhook subscriptions are matched from an in-process cache (`SubscriptionCache`), not a
query per event: this process drops it whenever it creates or deletes a subscription, and
otherwise reads the table again at most every `webhook_subscriptions_ttl_s` (2 s), so a
subscription created or deleted through another replica takes effect here within that time.
(A delivery staged for a subscription deleted meanwhile ends `failed`, "deleted before
delivery", as one staged just before a deletion always did.)
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.notify.models import Notification, OnCallChange, WebhookSubscription
from services.notify.paging import PAGE_CHANNELS, page_for
from services.notify.webhooks import UNSUBSCRIBABLE, employer_fein_of
from shared.bus.outbox import PRIORITY_ROUTINE, PRIORITY_URGENT, add_event
from shared.db import utcnow
from shared.events.catalogue import DeliveryFailed, InjuryReported
from shared.events.envelope import CloudEvent, new_event
from shared.pii import PiiCipher

log = logging.getLogger(__name__)

SOURCE = "claimline/notify"
STAGED = "claimline.notify.staged"  # session.info flag: wake the delivery worker on commit
UNADDRESSED = "claimline.notify.unaddressed"  # session.info: channels of pages with nobody on call
PRIORITY_PAGE = 10
NOBODY_ON_CALL = "on-call nurse (nobody on call)"
NO_NURSE_ERROR = "no nurse is on call (PUT /v1/on-call): nobody was paged"


async def current_on_call(session: AsyncSession) -> OnCallChange | None:
    """The latest on-call change (its nurse is None when nobody is on call), or None."""
    return (await session.execute(
        select(OnCallChange).order_by(col(OnCallChange.id).desc()).limit(1)
    )).scalars().first()


@dataclass(frozen=True)
class LiveSubscription:
    """What staging needs of a live webhook subscription (the secret is read at delivery)."""

    id: str
    url: str


class SubscriptionCache:
    """Live webhook subscriptions by (event type, employer FEIN), read at most every `ttl_s`.

    `invalidate` after this process commits a change to the subscriptions: the next event
    reads them again. A read that was under way while a change was committed is used once
    but not kept (it may predate the change). `ttl_s <= 0` reads them for every event.
    """

    def __init__(self, ttl_s: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._matching: dict[tuple[str, str], tuple[LiveSubscription, ...]] = {}
        self._read_at: float | None = None
        self._generation = 0

    def invalidate(self) -> None:
        self._generation += 1
        self._read_at = None

    def _fresh(self) -> bool:
        return self._read_at is not None and self._clock() - self._read_at < self.ttl_s

    async def matching(
        self, session: AsyncSession, event_type: str, fein: str
    ) -> tuple[LiveSubscription, ...]:
        if not self._fresh():
            await self._read(session)
        return self._matching.get((event_type, fein), ())

    async def _read(self, session: AsyncSession) -> None:
        generation = self._generation
        with session.no_autoflush:
            rows = (await session.execute(
                select(col(WebhookSubscription.id), col(WebhookSubscription.url),
                       col(WebhookSubscription.event_types), col(WebhookSubscription.employer_fein))
                .where(col(WebhookSubscription.deleted_at).is_(None))
            )).all()
        matching: dict[tuple[str, str], list[LiveSubscription]] = {}
        for subscription_id, url, event_types, fein in rows:
            live = LiveSubscription(id=subscription_id, url=url)
            for event_type in dict.fromkeys(json.loads(event_types)):
                matching.setdefault((event_type, fein), []).append(live)
        self._matching = {key: tuple(found) for key, found in matching.items()}
        self._read_at = self._clock() if generation == self._generation else None


def _notification(
    cipher: PiiCipher, event: CloudEvent, *, channel: str, recipient: str, message: bytes,
    priority: int, dedupe_key: str | None = None, subscription_id: str | None = None,
) -> Notification:
    now = utcnow()
    return Notification(
        id=str(uuid.uuid4()), event_id=event.id, event_type=event.type, channel=channel,
        recipient=recipient, subscription_id=subscription_id, dedupe_key=dedupe_key,
        priority=priority, status="pending", message=cipher.seal(message), attempts=0,
        next_attempt_at=now, created_at=now, updated_at=now,
    )


async def _already_staged(session: AsyncSession, keys: list[str]) -> set[str]:
    found = (await session.execute(
        select(col(Notification.dedupe_key)).where(col(Notification.dedupe_key).in_(keys))
    )).scalars()
    return {key for key in found if key is not None}


def delivery_failed_event(notification: Notification) -> CloudEvent:
    return new_event(
        source=SOURCE, type="notify.delivery-failed", subject=notification.id,
        data=DeliveryFailed(
            notification_id=notification.id, recipient=notification.recipient,
            channel=notification.channel,  # type: ignore[arg-type]
            event_id=notification.event_id, error=notification.last_error or "",
            attempts=notification.attempts,
        ),
    )


def mark_failed(session: AsyncSession, notification: Notification, error: str) -> None:
    """`failed` for good: `notify.delivery-failed` goes out with the same commit."""
    now = utcnow()
    notification.status = "failed"
    notification.last_error = error[:2000]
    notification.failed_at = notification.updated_at = now
    notification.next_attempt_at = None
    add_event(session, delivery_failed_event(notification),
              priority=PRIORITY_URGENT if notification.priority >= PRIORITY_PAGE else PRIORITY_ROUTINE)


async def stage_page(
    session: AsyncSession, cipher: PiiCipher, event: CloudEvent, report: InjuryReported
) -> list[Notification]:
    """Page the on-call nurse by SMS and email, once per report however often it is published."""
    keys = {channel: f"page:{report.report_id}:{channel}" for channel in PAGE_CHANNELS}
    if await _already_staged(session, list(keys.values())):
        return []  # a re-publication of a report that was paged (or failed to be) before
    on_call = await current_on_call(session)
    page = page_for(report)
    messages = {
        "sms": json.dumps({"text": page.sms}).encode(),
        "email": json.dumps({"subject": page.subject, "text": page.email}).encode(),
    }
    nurse = on_call if on_call is not None and on_call.nurse_name is not None else None
    recipients = {"sms": nurse.nurse_phone if nurse else None,
                  "email": nurse.nurse_email if nurse else None}
    staged = []
    for channel in PAGE_CHANNELS:
        notification = _notification(
            cipher, event, channel=channel, recipient=recipients[channel] or NOBODY_ON_CALL,
            message=messages[channel], priority=PRIORITY_PAGE, dedupe_key=keys[channel],
        )
        session.add(notification)
        if nurse is None:
            mark_failed(session, notification, NO_NURSE_ERROR)
            session.info.setdefault(UNADDRESSED, []).append(channel)  # counted once committed
        staged.append(notification)
    if nurse is None:
        log.error("PAGE FAILED: catastrophic report %s (%s): %s",
                  report.confirmation_number, report.report_id, NO_NURSE_ERROR)
    else:
        session.info[STAGED] = True
        log.info("paging %s for catastrophic report %s", nurse.nurse_name, report.confirmation_number)
    return staged


async def stage_webhooks(
    session: AsyncSession, cipher: PiiCipher, event: CloudEvent, cache: SubscriptionCache | None = None,
) -> list[Notification]:
    """A webhook notification for each live subscription that matches the event.

    A re-published injury report (same `report_id`) is sent to a subscription only once.
    Without a `cache` the subscriptions are read from the database now.
    """
    if event.type in UNSUBSCRIBABLE:
        return []
    fein = employer_fein_of(event.data)
    if fein is None:
        return []
    subscriptions = await (cache or SubscriptionCache(ttl_s=0)).matching(session, event.type, fein)
    if not subscriptions:
        return []
    keys: dict[str, str | None] = {s.id: None for s in subscriptions}
    if event.type == "intake.injury-reported":
        keys = {s.id: f"webhook:{s.id}:report:{event.data['report_id']}" for s in subscriptions}
    seen = await _already_staged(session, [k for k in keys.values() if k])
    body = event.to_bytes()
    staged = []
    for subscription in subscriptions:
        if keys[subscription.id] in seen:
            continue
        notification = _notification(
            cipher, event, channel="webhook", recipient=subscription.url, message=body,
            priority=PRIORITY_ROUTINE, dedupe_key=keys[subscription.id],
            subscription_id=subscription.id,
        )
        session.add(notification)
        staged.append(notification)
    if staged:
        session.info[STAGED] = True
    return staged
