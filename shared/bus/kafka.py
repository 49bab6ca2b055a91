"""Kafka clients with Claimline's settings: explicit topics, acks=all, idempotence as a setting."""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.events.catalogue import EPOCH_TOPIC, all_topics
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)


def make_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"claimline-{settings.service}",
        acks="all",
        enable_idempotence=settings.kafka_idempotence,
        request_timeout_ms=settings.kafka_request_timeout_ms,
        linger_ms=2,
        max_batch_size=256 * 1024,
    )


def make_admin(settings: ServiceSettings) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"claimline-{settings.service}-admin",
        request_timeout_ms=settings.kafka_request_timeout_ms,
    )


async def ensure_topics(admin: AIOKafkaAdminClient, settings: ServiceSettings) -> list[str]:
    """Create every missing topic (never rely on auto-creation); answer those created."""
    existing = set(await admin.list_topics())
    wanted = {t: settings.kafka_partitions for t in all_topics()}
    wanted[EPOCH_TOPIC] = 1
    missing = [
        NewTopic(name, partitions, settings.kafka_replication_factor)
        for name, partitions in wanted.items() if name not in existing
    ]
    if not missing:
        return []
    try:
        await admin.create_topics(missing, timeout_ms=settings.kafka_request_timeout_ms)
    except TopicAlreadyExistsError:
        pass  # another service won the race
    for _ in range(50):  # creation is asynchronous on some brokers
        if {t.name for t in missing} <= set(await admin.list_topics()):
            break
        await asyncio.sleep(0.1)
    else:
        raise RuntimeError("topics were not created in time")
    log.info("created %d topics", len(missing))
    return [t.name for t in missing]


async def topics_exist(admin: AIOKafkaAdminClient) -> bool:
    present = set(await admin.list_topics())
    return EPOCH_TOPIC in present and set(all_topics()) <= present
