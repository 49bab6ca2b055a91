"""Intake and notify over a real broker and real databases, with a real SMS gateway (HTTP on
127.0.0.1) and a real SMTP server receiving the pages.

One stack serves every test here: starting it and letting notify's consumer join its group
takes a few seconds, which the tests share. Each test uses its own nurse, employer or receiver, so
none depends on another's reports.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.auth import add_key
from shared.events.envelope import CloudEvent
from tests.support.infrastructure import create_database, drop_database, kafka_broker, postgres_reachable
from tests.support.notify.receivers import HttpReceiver, Mailbox, http_receiver, smtp_server
from tests.support.services import RunningService, eventually, running, service_settings

GATEWAY_TOKEN = "sms-gateway-token-for-tests"


@dataclass
class Stack:
    intake: RunningService
    notify: RunningService
    bootstrap: str
    sms_gateway: HttpReceiver
    mailbox: Mailbox

    async def event_ids(self, report_id: str) -> list[str]:
        """The ids of the injury-report events notify has applied for `report_id`."""
        items = (await self.notify.http.get("/v1/received-events", params={"subject": report_id})).json()
        return [e["event_id"] for e in items["items"]]

    async def notifications(self, **params: Any) -> list[dict[str, Any]]:
        answer = await self.notify.http.get("/v1/notifications", params=params)
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    async def published(self, topic: str, wanted: Callable[[CloudEvent], bool],
                        timeout: float = 15.0) -> CloudEvent:
        """The first event on `topic` (read from the broker, every partition) that is `wanted`."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False,
                                    auto_offset_reset="earliest")
        await consumer.start()
        try:
            partitions = self.notify.runtime.settings.kafka_partitions
            consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
            await consumer.seek_to_beginning()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    for record in records:
                        event = CloudEvent.from_bytes(record.value or b"{}")
                        if wanted(event):
                            return event
        finally:
            await asyncio.wait_for(consumer.stop(), 10)
        raise AssertionError(f"no wanted event on {topic} within {timeout}s")


@pytest.fixture(scope="package")
async def stack(tmp_path_factory: pytest.TempPathFactory, pii_key: str) -> AsyncIterator[Stack]:
    folder = tmp_path_factory.mktemp("notify-flow")
    admin = add_key(folder / "keys.json", "test-admin", ["admin"])
    created: list[str] = []

    async def database(service: str) -> str:
        if not await postgres_reachable():
            return f"sqlite+aiosqlite:///{folder / f'{service}.db'}"
        url = await create_database(f"cl_test_{service}")
        created.append(url)
        return url

    async with AsyncExitStack() as exit_stack:
        bootstrap, _broker = exit_stack.enter_context(kafka_broker())
        gateway = exit_stack.enter_context(http_receiver("/sms"))
        mailbox = exit_stack.enter_context(smtp_server())
        common: dict[str, Any] = {"bootstrap": bootstrap, "folder": folder, "pii_key": pii_key}
        intake = await exit_stack.enter_async_context(running(service_settings(
            "intake", database_url=await database("intake"),
            ack_delay_s=1.0, ack_check_interval_s=0.25,  # re-publish a report with no claim every second
            **common), admin))
        notify = await exit_stack.enter_async_context(running(service_settings(
            "notify", database_url=await database("notify"),
            sms_gateway_url=gateway.url, sms_gateway_token=GATEWAY_TOKEN, smtp_url=mailbox.url,
            delivery_max_attempts=3, delivery_backoff_s=0.1, delivery_poll_interval_s=0.05,
            delivery_timeout_s=3.0, **common), admin))

        async def consuming() -> bool:
            status = notify.runtime.bus.status()
            return status["state"] == "connected" and status["consumers"] == {"notify": "joined"}

        await eventually(consuming, what="notify's consumer in its group")
        yield Stack(intake, notify, bootstrap, gateway, mailbox)
    for url in created:
        await drop_database(url)
