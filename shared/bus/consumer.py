"""The consumer loop: apply each event once, commit offsets after the database commit.

An event is applied and its id recorded in the inbox in one transaction; a redelivered event
is a no-op. A failing handler is retried with backoff; an event that still fails, or cannot
be parsed, becomes a dead letter (kept in the database and published to `<topic>.dlq`) and
the partition flows on.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.structs import ConsumerRecord
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from shared.bus.outbox import OUTBOX_CIPHER, mark_outbox_written, seal_payload, unseal_payload
from shared.bus.tables import DeadLetter, OutboxRecord, ProcessedEvent
from shared.db import utcnow
from shared.events.catalogue import CATALOGUE, EventData, dead_letter_topic, parse_data
from shared.events.envelope import CloudEvent
from shared.metrics import (
    CONSUMER_LAG,
    DEAD_LETTERS,
    EVENTS_CONSUMED,
    EVENTS_DUPLICATE,
    HANDLER_RETRIES,
)
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, CloudEvent, EventData], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """A consumer group's handlers, by event type (topic = event type)."""

    consumer: str
    handlers: dict[str, Handler]

    @property
    def topics(self) -> list[str]:
        return sorted(self.handlers)


def group_id(consumer: str, epoch: str) -> str:
    """The Kafka group of a consumer in one broker epoch.

    A client of the previous epoch may still commit its old offsets into a restarted broker
    (the dev broker retries commits to vanished topics); in a group of its own epoch such a
    stale commit can never make the new consumer skip records.
    """
    return f"{consumer}@{epoch[:12]}"


class Undeliverable(Exception):
    """An event that can never be applied (unparseable, or for no handler)."""


async def apply_events(
    sessions: async_sessionmaker[AsyncSession], subscription: Subscription,
    cloud_events: list[CloudEvent],
) -> list[bool]:
    """Apply events in one transaction, each at most once (the inbox); answers which were new.

    One commit for a whole fetched batch keeps a consumer fast; if anything in it fails, the
    transaction is rolled back and the caller applies the events one by one.
    """
    applied: list[bool] = []
    consumer = subscription.consumer
    try:
        async with sessions() as session, session.begin():
            seen = set((await session.execute(
                select(col(ProcessedEvent.event_id))
                .where(col(ProcessedEvent.consumer) == consumer)
                .where(col(ProcessedEvent.event_id).in_([e.id for e in cloud_events]))
            )).scalars())
            processed = []
            for cloud_event in cloud_events:
                handler = subscription.handlers.get(cloud_event.type)
                if handler is None:
                    raise Undeliverable(f"no handler for event type {cloud_event.type!r}")
                data = parse_data(cloud_event.type, cloud_event.data)
                if cloud_event.id in seen:
                    applied.append(False)
                    continue
                seen.add(cloud_event.id)
                await handler(session, cloud_event, data)
                processed.append({"consumer": consumer, "event_id": cloud_event.id,
                                  "processed_at": utcnow()})
                applied.append(True)
            if processed:
                await session.execute(insert(ProcessedEvent.__table__), processed)  # type: ignore[attr-defined]
    except IntegrityError:
        if len(cloud_events) == 1:
            async with sessions() as session:
                if await session.get(ProcessedEvent, (subscription.consumer, cloud_events[0].id)):
                    return [False]  # a concurrent delivery won
        raise
    return applied


async def apply_event(
    sessions: async_sessionmaker[AsyncSession], subscription: Subscription, cloud_event: CloudEvent
) -> bool:
    """Apply one event exactly once; False when the inbox says it was applied before."""
    [applied] = await apply_events(sessions, subscription, [cloud_event])
    return applied


def parse_record(value: bytes | None) -> CloudEvent:
    if value is None:
        raise Undeliverable("empty record")
    try:
        cloud_event = CloudEvent.from_bytes(value)
    except ValueError as error:
        raise Undeliverable(f"not a CloudEvent: {error}") from error
    if cloud_event.type not in CATALOGUE:
        raise Undeliverable(f"unknown event type {cloud_event.type!r}")
    return cloud_event


async def record_dead_letter(
    sessions: async_sessionmaker[AsyncSession], consumer: str, record: ConsumerRecord[bytes, bytes],
    error: BaseException, attempts: int,
) -> str:
    """Keep the failed event and publish it to `<topic>.dlq` through the outbox, atomically."""
    letter_id = str(uuid.uuid4())
    payload = record.value or b""
    event_id = None
    try:
        event_id = str(json.loads(payload).get("id")) or None
    except (ValueError, AttributeError):
        pass
    key = record.key.decode(errors="replace") if record.key else None
    failed_at = utcnow()
    wrapper = {
        "dead_letter_id": letter_id, "consumer": consumer, "topic": record.topic,
        "partition": record.partition, "offset": record.offset, "error": repr(error),
        "attempts": attempts, "failed_at": failed_at.isoformat(),
        "payload": payload.decode(errors="replace"),
    }
    async with sessions() as session, session.begin():
        session.add(DeadLetter(
            id=letter_id, consumer=consumer, topic=record.topic, partition=record.partition,
            offset=record.offset, key=key, payload=seal_payload(session.info, payload),
            event_id=event_id, error=repr(error)[:4000], attempts=attempts, failed_at=failed_at,
        ))
        session.add(OutboxRecord(
            event_id=letter_id, topic=dead_letter_topic(record.topic), key=key or letter_id,
            payload=seal_payload(session.info, json.dumps(wrapper).encode()), created_at=failed_at,
        ))
        mark_outbox_written(session)
    DEAD_LETTERS.labels(consumer, record.topic).inc()
    log.error("dead letter %s: %s[%d]@%d after %d attempts: %r",
              letter_id, record.topic, record.partition, record.offset, attempts, error)
    return letter_id


class _CommitOnRevoke(ConsumerRebalanceListener):
    def __init__(self, loop: ConsumerLoop) -> None:
        self.loop = loop

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self.loop.commit_processed()

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        self.loop.joined = True  # in the group (a replica may rightly get no partitions)


class ConsumerLoop:
    def __init__(
        self, settings: ServiceSettings, sessions: async_sessionmaker[AsyncSession],
        subscription: Subscription, epoch: str,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.subscription = subscription
        self.epoch = epoch
        self.joined = False
        self.consumer: AIOKafkaConsumer | None = None
        self._uncommitted: dict[TopicPartition, int] = {}

    async def run(self) -> None:
        """Consume until cancelled; raises on broker trouble (the bus rebuilds the clients)."""
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=group_id(self.subscription.consumer, self.epoch),
            client_id=f"claimline-{self.subscription.consumer}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=self.settings.kafka_fetch_max_wait_ms,
            request_timeout_ms=max(self.settings.kafka_request_timeout_ms, 40000),
            session_timeout_ms=6000,
            heartbeat_interval_ms=2000,
            max_poll_interval_ms=300000,
        )
        consumer.subscribe(self.subscription.topics, listener=_CommitOnRevoke(self))
        self.consumer = consumer
        try:
            await consumer.start()
            while True:
                batch = await consumer.getmany(timeout_ms=1000, max_records=500)
                for tp, records in batch.items():
                    await self.process_batch(records)
                    self._uncommitted[tp] = records[-1].offset + 1
                    await self.commit_processed()
                    self._report_lag(consumer, tp, records[-1].offset + 1)
        finally:
            self.consumer = None
            await self._stop(consumer)

    async def _stop(self, consumer: AIOKafkaConsumer) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(self.commit_processed(consumer)), 5)
        except Exception:  # noqa: BLE001 - the broker may be gone; the inbox makes replays harmless
            pass
        try:
            await asyncio.wait_for(consumer.stop(), 10)
        except Exception as error:  # noqa: BLE001
            log.warning("consumer %s did not stop cleanly: %r", self.subscription.consumer, error)

    async def commit_processed(self, consumer: AIOKafkaConsumer | None = None) -> None:
        consumer = consumer or self.consumer
        if consumer is None or not self._uncommitted:
            return
        offsets, self._uncommitted = self._uncommitted, {}
        await consumer.commit(offsets)

    def _report_lag(self, consumer: AIOKafkaConsumer, tp: TopicPartition, position: int) -> None:
        highwater = consumer.highwater(tp)  # the dev broker's end offsets are wrong; this is not
        if highwater is not None:
            CONSUMER_LAG.labels(self.subscription.consumer, tp.topic, tp.partition).set(
                max(highwater - position, 0)
            )

    async def process_batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Apply a partition's fetched records in one transaction; one by one if that fails."""
        parsed: list[tuple[ConsumerRecord[bytes, bytes], CloudEvent]] = []
        for record in records:
            try:
                parsed.append((record, parse_record(record.value)))
            except Undeliverable as error:
                await record_dead_letter(self.sessions, self.subscription.consumer, record, error, 1)
        if not parsed:
            return
        try:
            applied = await apply_events(self.sessions, self.subscription, [e for _, e in parsed])
        except Exception:  # noqa: BLE001 - find the culprit: each event alone, with retries
            for record, _ in parsed:
                await self.process(record)
            return
        for (_, cloud_event), new in zip(parsed, applied, strict=True):
            if new:
                EVENTS_CONSUMED.labels(self.subscription.consumer, cloud_event.type).inc()
            else:
                EVENTS_DUPLICATE.labels(self.subscription.consumer).inc()

    async def process(self, record: ConsumerRecord[bytes, bytes]) -> None:
        """Apply one record, retrying with backoff; dead-letter it when it keeps failing."""
        consumer_name = self.subscription.consumer
        attempts = 0
        while True:
            attempts += 1
            try:
                cloud_event = parse_record(record.value)
                applied = await apply_event(self.sessions, self.subscription, cloud_event)
            except Undeliverable as error:
                await record_dead_letter(self.sessions, consumer_name, record, error, attempts)
                return
            except Exception as error:  # noqa: BLE001 - any handler failure is retried, then parked
                HANDLER_RETRIES.labels(consumer_name).inc()
                if attempts >= self.settings.consumer_max_attempts:
                    await record_dead_letter(self.sessions, consumer_name, record, error, attempts)
                    return
                log.warning("%s failed on %s@%d (attempt %d): %r",
                            consumer_name, record.topic, record.offset, attempts, error)
                await asyncio.sleep(self.settings.consumer_retry_backoff_s * 2 ** (attempts - 1))
                continue
            if applied:
                EVENTS_CONSUMED.labels(consumer_name, cloud_event.type).inc()
            else:
                EVENTS_DUPLICATE.labels(consumer_name).inc()
            return


async def replay_dead_letter(
    sessions: async_sessionmaker[AsyncSession], subscription: Subscription, letter_id: str
) -> bool:
    """Apply a dead letter again (after a fix); answers whether it was applied now."""
    async with sessions() as session:
        letter = await session.get(DeadLetter, letter_id)
    if letter is None or letter.consumer != subscription.consumer:
        raise KeyError(letter_id)
    cipher = sessions.kw.get("info", {}).get(OUTBOX_CIPHER)
    applied = await apply_event(sessions, subscription,
                                parse_record(unseal_payload(cipher, letter.payload)))
    async with sessions() as session, session.begin():
        stored = await session.get(DeadLetter, letter_id)
        if stored is not None:
            stored.replayed_at = utcnow()
    return applied


async def open_dead_letters(sessions: async_sessionmaker[AsyncSession]) -> list[DeadLetter]:
    async with sessions() as session:
        result = await session.execute(
            select(DeadLetter).where(col(DeadLetter.replayed_at).is_(None))
            .order_by(col(DeadLetter.failed_at))
        )
        return list(result.scalars())
