"""Catastrophic reports are published ahead of routine ones, so notify pages the nurse first."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.service.intake.conftest import StartIntake
from tests.service.intake.helpers import body


class RecordingProducer:
    """Stands in for the Kafka producer: records what the relay sends, in order."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, topic: str, payload: bytes, key: bytes) -> asyncio.Future[None]:
        self.sent.append({"topic": topic, "key": key.decode(), **json.loads(payload)})
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


async def test_a_backlog_is_published_catastrophic_first(fresh_intake: StartIntake) -> None:
    intake = await fresh_intake()  # the broker is down: reports wait in the outbox
    routine = [(await intake.http.post("/v1/injury-reports", json=body(n))).json()["report_id"]
               for n in range(5)]
    fatal = (await intake.http.post("/v1/injury-reports",
                                    json=body(5, severity="fatal"))).json()["report_id"]
    late_routine = (await intake.http.post("/v1/injury-reports", json=body(6))).json()["report_id"]
    admitted = (await intake.http.post("/v1/injury-reports",
                                       json=body(7, hospital_admission=True))).json()["report_id"]

    producer = RecordingProducer()
    relay = intake.service.runtime.bus.relay
    assert await relay.publish_batch(producer) == 8  # type: ignore[arg-type]
    order = [event["subject"] for event in producer.sent]
    assert order == [fatal, admitted, *routine, late_routine]
    assert {event["topic"] for event in producer.sent} == {"intake.injury-reported"}
    assert [e["data"]["catastrophic"] for e in producer.sent] == [True, True] + [False] * 6
