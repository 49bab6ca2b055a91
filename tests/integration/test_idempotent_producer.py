"""The idempotent producer is a setting: on for Apache Kafka, off for the development broker."""

from __future__ import annotations

import pytest
from aiokafka.errors import KafkaError

from shared.bus.kafka import make_producer
from shared.settings import ServiceSettings
from tests.conftest import Broker


async def test_the_development_broker_refuses_the_idempotent_producer(broker: Broker) -> None:
    """Tansu answers only InitProducerId v3+, aiokafka sends v0 (dev-broker notes)."""
    broker.require_restartable()
    producer = make_producer(ServiceSettings(
        service="test", kafka_bootstrap_servers=broker.bootstrap, kafka_idempotence=True,
    ))
    with pytest.raises((KafkaError, OSError, TimeoutError)):
        await producer.start()
    await producer.stop()


@pytest.mark.real_kafka
async def test_apache_kafka_takes_the_idempotent_producer(broker: Broker) -> None:
    if broker.dev is not None:
        pytest.skip("needs Apache Kafka (testcontainers or KAFKA_BOOTSTRAP_SERVERS)")
    producer = make_producer(ServiceSettings(
        service="test", kafka_bootstrap_servers=broker.bootstrap, kafka_idempotence=True,
    ))
    await producer.start()
    try:
        await producer.send_and_wait("claims.claim-opened", b"{}", key=b"k")
    finally:
        await producer.stop()
