"""The outbox relay: publishes committed outbox rows to Kafka, woken by the commit."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from shared.bus.outbox import unseal_payload
from shared.bus.tables import OutboxRecord
from shared.db import utcnow
from shared.metrics import EVENTS_PUBLISHED, OUTBOX_PENDING, OUTBOX_UNREADABLE
from shared.pii import PiiCipher, PiiKeyMissing
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

UNPUBLISHABLE = datetime(1970, 1, 1, tzinfo=UTC)  # marks rows set aside: outside any replay window


class OutboxRelay:
    def __init__(self, settings: ServiceSettings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.producer: AIOKafkaProducer | None = None
        self.cipher = PiiCipher(settings.pii_keys) if settings.pii_keys else None
        self.broker_failed = asyncio.Event()
        self.stopping = False
        self._wake = asyncio.Event()
        self._last_sweep = utcnow()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while not self.stopping:
            try:
                await asyncio.wait_for(self._wake.wait(), self.settings.outbox_poll_interval_s)
            except TimeoutError:
                pass
            self._wake.clear()
            await asyncio.sleep(self.settings.outbox_linger_s)  # let close commits share a batch
            producer = self.producer
            if producer is None or self.broker_failed.is_set():
                continue  # after a failure, publish only once the bus has checked the topics
            try:
                while await self.publish_batch(producer) == self.settings.outbox_batch_size:
                    pass
            except Exception as error:  # broker trouble: the bus checks it, rows stay unsent
                log.warning("outbox relay of %s could not publish: %r", self.settings.service, error)
                self.broker_failed.set()
                await asyncio.sleep(1.0)
            await self.sweep_if_due()

    async def publish_batch(self, producer: AIOKafkaProducer) -> int:
        async with self.sessions() as session:
            rows = (await session.execute(
                select(col(OutboxRecord.seq), col(OutboxRecord.topic), col(OutboxRecord.key),
                       col(OutboxRecord.payload))
                .where(col(OutboxRecord.sent_at).is_(None))
                .order_by(col(OutboxRecord.priority).desc(), col(OutboxRecord.seq))
                .limit(self.settings.outbox_batch_size)
            )).all()
        if not rows:
            return 0
        deliveries, unreadable = [], []
        for seq, topic, key, payload in rows:
            try:
                plain = unseal_payload(self.cipher, payload)
            except PiiKeyMissing:
                unreadable.append(seq)
                continue
            deliveries.append(await producer.send(topic, plain, key=key.encode()))
        await asyncio.gather(*deliveries)
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(OutboxRecord)
                .where(col(OutboxRecord.seq).in_([r[0] for r in rows if r[0] not in unreadable]))
                .values(sent_at=utcnow())
            )
            if unreadable:  # sealed under a key no longer configured: never publishable
                await session.execute(
                    update(OutboxRecord).where(col(OutboxRecord.seq).in_(unreadable))
                    .values(sent_at=UNPUBLISHABLE)
                )
        if unreadable:
            OUTBOX_UNREADABLE.labels(self.settings.service).inc(len(unreadable))
            log.error("%s: %d outbox rows sealed under a key no longer in CLAIMLINE_PII_KEYS "
                      "were set aside (outbox seq %s)", self.settings.service, len(unreadable),
                      unreadable[:10])
        for _, topic, _, _ in rows:
            EVENTS_PUBLISHED.labels(self.settings.service, topic).inc()
        return len(rows)

    async def replay_retained(self, session: AsyncSession) -> int:
        """Mark the sent rows still retained as unsent (the broker lost them). Caller commits."""
        since = utcnow() - timedelta(hours=self.settings.outbox_retention_hours)
        result = await session.execute(
            update(OutboxRecord)
            .where(col(OutboxRecord.sent_at) >= since)
            .values(sent_at=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def sweep_if_due(self) -> None:
        """Forget sent rows older than the retention window, at most once a minute."""
        now = utcnow()
        if now - self._last_sweep < timedelta(minutes=1):
            return
        self._last_sweep = now
        cutoff = now - timedelta(hours=self.settings.outbox_retention_hours)
        async with self.sessions() as session, session.begin():
            await session.execute(
                delete(OutboxRecord).where(col(OutboxRecord.sent_at) < cutoff)
                .where(col(OutboxRecord.sent_at) > UNPUBLISHABLE)  # set-aside rows stay for forensics
            )

    async def refresh_pending_gauge(self) -> int:
        async with self.sessions() as session:
            pending = (await session.execute(
                select(func.count()).select_from(OutboxRecord)
                .where(col(OutboxRecord.sent_at).is_(None))
            )).scalar_one()
        OUTBOX_PENDING.labels(self.settings.service).set(pending)
        return int(pending)
