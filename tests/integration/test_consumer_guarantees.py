"""Consumers apply each event once, park what they cannot apply, and keep flowing."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select

from services.claims.models import Claim
from shared.bus.tables import DeadLetter
from shared.events.catalogue import (
    InjuryReported,
    ReportedEmployee,
    ReportedEmployer,
    ReportedInjury,
)
from shared.events.envelope import CloudEvent, new_event
from shared.metrics import DEAD_LETTERS, EVENTS_DUPLICATE
from tests.conftest import Broker
from tests.integration.conftest import Start
from tests.support.services import RunningService, connected, eventually

TOPIC = "intake.injury-reported"


def injury_event(report_id: str, *, publication: int = 1) -> CloudEvent:
    return new_event(
        source="tests", type=TOPIC, subject=report_id,
        data=InjuryReported(
            report_id=report_id, confirmation_number="CL-TEST-0001",
            received_at=datetime.now(UTC), channel="carrier",
            employer=ReportedEmployer(fein="06-1234567", name="Shoreline Health"),
            employee=ReportedEmployee(first_name="Ana", last_name="Diaz"),
            injury=ReportedInjury(occurred_at=datetime.now(UTC) - timedelta(hours=2),
                                  description="slipped on ice", severity="medical_only"),
            catastrophic=False, publication=publication,
        ),
    )


async def produce(bootstrap: str, *records: tuple[str, bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(TOPIC, value, key=key.encode())
    finally:
        await producer.stop()


async def claim_count(claims: RunningService, report_id: str) -> int:
    async with claims.runtime.sessions() as session:
        return int((await session.execute(
            select(func.count()).select_from(Claim).where(Claim.report_id == report_id)  # type: ignore[arg-type]
        )).scalar_one())


async def test_an_event_delivered_twice_opens_one_claim(start: Start, broker: Broker) -> None:
    claims = await start("claims")
    await connected(claims)
    report_id = str(uuid.uuid4())
    event = injury_event(report_id)
    duplicates_before = EVENTS_DUPLICATE.labels("claims")._value.get()
    republished = injury_event(report_id, publication=2)  # a new event id for the same report

    await produce(broker.bootstrap, (report_id, event.to_bytes()), (report_id, event.to_bytes()),
                  (report_id, republished.to_bytes()))

    async def duplicate_skipped() -> bool:
        return EVENTS_DUPLICATE.labels("claims")._value.get() >= duplicates_before + 1

    await eventually(duplicate_skipped, what="the redelivered event was skipped by the inbox")
    assert await claim_count(claims, report_id) == 1


async def test_poison_message_is_dead_lettered_and_the_partition_flows_on(
    start: Start, broker: Broker,
) -> None:
    claims = await start("claims", consumer_max_attempts=3)
    await connected(claims)
    key = "same-key-same-partition"
    good_id = str(uuid.uuid4())
    invalid = injury_event(str(uuid.uuid4())).model_dump(mode="json")
    invalid["data"]["employer"]["fein"] = "not a fein"  # a CloudEvent whose data breaks the schema
    letters_before = DEAD_LETTERS.labels("claims", TOPIC)._value.get()

    await produce(
        broker.bootstrap,
        (key, b"\xff\xfe not json at all"),
        (key, json.dumps(invalid).encode()),
        (key, injury_event(good_id).to_bytes()),
    )

    async def good_one_opened() -> bool:
        return await claim_count(claims, good_id) == 1

    await eventually(good_one_opened, what="the event behind the poison was applied")
    async with claims.runtime.sessions() as session:
        letters = (await session.execute(select(DeadLetter))).scalars().all()
    assert len(letters) == 2
    assert {letter.attempts for letter in letters} == {1, 3}  # garbage at once; bad data retried
    assert DEAD_LETTERS.labels("claims", TOPIC)._value.get() == letters_before + 2

    listed = (await claims.http.get("/v1/dead-letters")).json()
    assert listed["total"] == 2
    replay = await claims.http.post(f"/v1/dead-letters/{letters[0].id}/replay")
    assert replay.status_code == 409  # still undeliverable: it stays parked, not dropped
    assert (await claims.http.get("/v1/dead-letters")).json()["total"] == 2

    parked = await read_topic(broker.bootstrap, f"{TOPIC}.dlq", expected=2)
    assert {p["consumer"] for p in parked} == {"claims"}
    assert {p["topic"] for p in parked} == {TOPIC}


async def test_dead_letter_replay_applies_the_event_once_fixed(start: Start, broker: Broker) -> None:
    """An event that failed because claims lacked something is applied on replay."""
    claims = await start("claims", consumer_max_attempts=1)
    await connected(claims)
    parked = injury_event(str(uuid.uuid4())).model_dump(mode="json")
    parked["data"]["injury"]["severity"] = "catastrophic"
    parked["data"]["catastrophic"] = True
    report_id = parked["data"]["report_id"]
    async with claims.runtime.sessions() as session, session.begin():
        session.add(DeadLetter(
            id="letter-1", consumer="claims", topic=TOPIC, partition=0, offset=0, key=report_id,
            payload=json.dumps(parked).encode(), event_id=parked["id"],
            error="RuntimeError('database was read-only')", attempts=4,
            failed_at=datetime.now(UTC),
        ))
    replay = await claims.http.post("/v1/dead-letters/letter-1/replay")
    assert replay.status_code == 200, replay.text
    assert replay.json() == {"id": "letter-1", "applied": True}
    assert await claim_count(claims, report_id) == 1
    assert (await claims.http.get("/v1/dead-letters")).json()["total"] == 0


async def read_topic(bootstrap: str, topic: str, expected: int) -> list[dict[str, object]]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=f"reader-{uuid.uuid4()}")
    await consumer.start()
    found: list[dict[str, object]] = []
    try:
        async def all_read() -> bool:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                found.extend(json.loads(r.value) for r in records if r.value)
            return len(found) >= expected

        await eventually(all_read, what=f"{expected} records on {topic}")
    finally:
        await consumer.stop()
    return found
