"""The broker-epoch marker (architecture, guarantee 6).

The first record of the one-partition topic `claimline.broker-epoch` names the broker's
epoch. A broker that lost its data has no marker, or (once someone wrote one) another one:
the relay that sees a new epoch re-publishes the outbox rows it kept.
"""

from __future__ import annotations

import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.events.catalogue import EPOCH_TOPIC
from shared.settings import ServiceSettings


async def read_epoch(settings: ServiceSettings, timeout_ms: int = 2000) -> str | None:
    """The epoch marker at offset 0, or None when the topic is empty or missing."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        request_timeout_ms=max(settings.kafka_request_timeout_ms, 5000),
    )
    try:
        await consumer.start()
        partitions = consumer.partitions_for_topic(EPOCH_TOPIC)
        if not partitions:
            await consumer._client.force_metadata_update()  # noqa: SLF001
            partitions = consumer.partitions_for_topic(EPOCH_TOPIC)
        if not partitions:
            return None
        tp = TopicPartition(EPOCH_TOPIC, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        batch = await consumer.getmany(tp, timeout_ms=timeout_ms, max_records=1)
        records = batch.get(tp, [])
        if not records or records[0].value is None:
            return None
        return records[0].value.decode()
    finally:
        await consumer.stop()


async def establish_epoch(settings: ServiceSettings, producer: AIOKafkaProducer) -> str:
    """The broker's epoch, writing a new marker first if it has none (the first writer wins)."""
    current = await read_epoch(settings)
    if current is not None:
        return current
    await producer.send_and_wait(EPOCH_TOPIC, uuid.uuid4().hex.encode(), partition=0)
    current = await read_epoch(settings)
    if current is None:
        raise RuntimeError("the broker acknowledged the epoch marker but does not show it")
    return current
