"""The delivery worker: sends pending notifications after their commit, retries with backoff.

Each pass claims due notifications (pending, or retrying whose time has come; pages first),
counts the attempt and leases the row for `lease_s`, all in one short transaction (`FOR
UPDATE SKIP LOCKED` on PostgreSQL, so replicas never claim the same row); then it sends
outside any transaction and records the outcome: `delivered`, `retrying` at the next time of
the `RetrySchedule`, or `failed` with `notify.delivery-failed` in the outbox of the same
commit. A process that dies mid-send leaves a leased row that the next pass (of any replica,
or after a restart) takes up once the lease runs out: delivery is at least once, and
webhooks carry the notification id (`X-Claimline-Delivery`) for receivers to drop repeats.

The worker is woken by commits that staged notifications (`wake_on_staged`) and otherwise
polls every `poll_interval_s` for retries that came due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
from sqlmodel import col

from services.notify.metrics import DELIVERIES, NOTIFICATIONS_WAITING
from services.notify.models import Notification, WebhookSubscription
from services.notify.notifications import PRIORITY_PAGE, STAGED, UNADDRESSED, mark_failed
from services.notify.retry import RetrySchedule
from services.notify.transports import Delivery, DeliveryError, Transports, Undeliverable
from shared.db import utcnow
from shared.pii import PiiCipher, PiiKeyMissing

log = logging.getLogger(__name__)

WAITING = ("pending", "retrying")


@dataclass(frozen=True)
class Outcome:
    transport: str
    error: str | None = None  # None: delivered
    permanent: bool = False


class DeliveryWorker:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], cipher: PiiCipher, transports: Transports,
        schedule: RetrySchedule, *, timeout_s: float, concurrency: int, poll_interval_s: float,
    ) -> None:
        self.sessions = sessions
        self.cipher = cipher
        self.transports = transports
        self.schedule = schedule
        self.timeout_s = timeout_s
        self.lease = timedelta(seconds=3 * timeout_s + 5)  # outlives an attempt's own time limit
        self.concurrency = concurrency
        self.poll_interval_s = poll_interval_s
        self._wake = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Deliver until cancelled; attempts in flight are abandoned to their lease."""
        try:
            while True:
                self._wake.clear()
                room = self.concurrency - len(self._in_flight)
                if room > 0:
                    try:
                        claimed = await self.claim(room)
                    except Exception as error:  # noqa: BLE001 - the database may be down
                        log.warning("delivery pass failed: %s", type(error).__name__)
                        claimed = []
                    for delivery in claimed:
                        task = asyncio.create_task(self.attempt(delivery),
                                                   name=f"deliver-{delivery.notification_id}")
                        self._in_flight.add(task)
                        task.add_done_callback(self._in_flight.discard)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
        finally:
            for task in list(self._in_flight):
                task.cancel()
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def claim(self, limit: int) -> list[Delivery]:
        """Take up to `limit` due notifications: count the attempt, lease the row."""
        now = utcnow()
        async with self.sessions() as session, session.begin():
            rows = (await session.execute(
                select(Notification)
                .where(col(Notification.status).in_(WAITING))
                .where(col(Notification.next_attempt_at) <= now)
                .order_by(col(Notification.priority).desc(), col(Notification.next_attempt_at))
                .limit(limit)
                .with_for_update(skip_locked=True)
            )).scalars().all()
            if not rows:
                return []
            wanted = {r.subscription_id for r in rows if r.subscription_id}
            subscriptions = {s.id: s for s in (await session.execute(
                select(WebhookSubscription).where(col(WebhookSubscription.id).in_(wanted))
            )).scalars()} if wanted else {}
            deliveries = []
            for row in rows:
                row.attempts += 1
                row.next_attempt_at = now + self.lease
                row.updated_at = now
                deliveries.append(self._delivery(row, subscriptions))
        return deliveries

    def _delivery(self, row: Notification, subscriptions: dict[str, WebhookSubscription]) -> Delivery:
        problem = None
        message = b""
        secret = None
        try:
            message = self.cipher.unseal(row.message)
            if row.subscription_id is not None:
                subscription = subscriptions.get(row.subscription_id)
                if subscription is None or subscription.deleted_at is not None:
                    problem = "the subscription was deleted before delivery"
                else:
                    secret = self.cipher.decrypt(subscription.secret)
        except PiiKeyMissing:
            problem = "sealed under a key CLAIMLINE_PII_KEYS no longer holds"
        return Delivery(notification_id=row.id, channel=row.channel, recipient=row.recipient,
                        event_type=row.event_type, attempt=row.attempts, message=message,
                        secret=secret, problem=problem)

    async def attempt(self, delivery: Delivery) -> None:
        transport = self.transports.for_channel(delivery.channel)
        try:
            if delivery.problem is not None:
                raise Undeliverable(delivery.problem)
            await asyncio.wait_for(transport.send(delivery), 2 * self.timeout_s)
            outcome = Outcome(transport.name)
        except Undeliverable as error:
            outcome = Outcome(transport.name, str(error), permanent=True)
        except DeliveryError as error:
            outcome = Outcome(transport.name, str(error))
        except TimeoutError:
            outcome = Outcome(transport.name, f"no answer within {2 * self.timeout_s:g} s")
        except Exception as error:  # noqa: BLE001 - an unexpected failure is a failed attempt
            outcome = Outcome(transport.name, f"unexpected {type(error).__name__}")
            log.exception("notification %s: unexpected failure in %s", delivery.notification_id,
                          transport.name)
        try:
            await self.record(delivery, outcome)
        except Exception as error:  # noqa: BLE001 - the lease runs out and it is tried again
            log.warning("notification %s: outcome not recorded (%s); it will be tried again",
                        delivery.notification_id, type(error).__name__)
        finally:
            self.wake()  # room for another attempt

    async def record(self, delivery: Delivery, outcome: Outcome) -> str | None:
        """Write the attempt's outcome; answers the new status (None: the lease was lost)."""
        now = utcnow()
        async with self.sessions() as session, session.begin():
            row = await session.get(Notification, delivery.notification_id, with_for_update=True)
            if row is None or row.attempts != delivery.attempt or row.status not in WAITING:
                return None  # our lease ran out and another attempt took over
            row.transport = outcome.transport
            row.updated_at = now
            if outcome.error is None:
                row.status = "delivered"
                row.delivered_at = now
                row.next_attempt_at = None
            elif outcome.permanent or self.schedule.exhausted(row.attempts):
                mark_failed(session, row, outcome.error)
            else:
                row.status = "retrying"
                row.last_error = outcome.error[:2000]
                row.next_attempt_at = now + timedelta(seconds=self.schedule.delay_after(row.attempts))
            status = row.status
        DELIVERIES.labels(delivery.channel, outcome.transport, status).inc()
        what = "PAGE" if row.priority >= PRIORITY_PAGE else "notification"
        if status == "delivered":
            log.info("%s %s delivered by %s (%s, attempt %d)", what, row.id, outcome.transport,
                     delivery.channel, delivery.attempt)
        elif status == "failed":
            log.error("%s %s FAILED for good after %d attempt(s) by %s (%s, event %s): %s",
                      what, row.id, row.attempts, outcome.transport, delivery.channel,
                      row.event_id, outcome.error)
        else:
            log.warning("%s %s attempt %d by %s failed (%s); next at %s: %s", what, row.id,
                        delivery.attempt, outcome.transport, delivery.channel,
                        row.next_attempt_at.isoformat() if row.next_attempt_at else "-", outcome.error)
        return status


def wake_on_staged(sessions: async_sessionmaker[AsyncSession], worker: DeliveryWorker) -> None:
    """Wake the worker after every commit that staged notifications (`STAGED`), and count the
    pages that failed for want of a nurse once they are committed (`UNADDRESSED`)."""
    session_class = sessions.kw["sync_session_class"]

    @event.listens_for(session_class, "after_commit")
    def _after_commit(session: Session) -> None:
        for channel in session.info.pop(UNADDRESSED, []):
            DELIVERIES.labels(channel, "none", "failed").inc()
        if session.info.pop(STAGED, False):
            worker.wake()

    @event.listens_for(session_class, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(STAGED, None)
        session.info.pop(UNADDRESSED, None)


async def count_waiting(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Refresh the waiting gauge (pending or retrying, by channel); answers the total."""
    async with sessions() as session:
        rows = (await session.execute(
            select(col(Notification.channel), func.count())
            .where(col(Notification.status).in_(WAITING)).group_by(col(Notification.channel))
        )).all()
    counts = {channel: int(n) for channel, n in rows}
    for channel in ("email", "sms", "webhook"):
        NOTIFICATIONS_WAITING.labels(channel).set(counts.get(channel, 0))
    return sum(counts.values())
