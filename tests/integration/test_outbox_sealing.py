"""Outbox rows are sealed at rest; one sealed under a retired key never blocks the others."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from shared.bus.outbox import add_event
from shared.bus.relay import UNPUBLISHABLE
from shared.bus.tables import OutboxRecord
from shared.events.catalogue import ClaimDeadlineDue
from shared.events.envelope import new_event
from shared.pii import PiiCipher, new_pii_key
from tests.conftest import Broker
from tests.integration.conftest import Start
from tests.integration.test_consumer_guarantees import read_topic
from tests.support.services import connected, eventually

TOPIC = "claims.deadline-due"


def deadline_event(claim_number: str) -> object:
    return new_event(source="tests", type=TOPIC, subject=claim_number, data=ClaimDeadlineDue(
        claim_number=claim_number, employer_fein="06-1234567", kind="contest_by",
        due_on=datetime.now(UTC).date(), basis="CGS 31-294c", state="approaching",
    ))


async def test_rows_are_sealed_and_a_retired_key_sets_a_row_aside(start: Start, broker: Broker) -> None:
    claims = await start("claims")
    await connected(claims)
    retired = PiiCipher(new_pii_key())
    async with claims.runtime.sessions() as session, session.begin():
        session.add(OutboxRecord(
            event_id=str(uuid.uuid4()), topic=TOPIC, key="WC-2026-999998",
            payload=retired.seal(deadline_event("WC-2026-999998").to_bytes()),  # type: ignore[attr-defined]
            created_at=datetime.now(UTC),
        ))
    async with claims.runtime.sessions() as session, session.begin():
        add_event(session, deadline_event("WC-2026-999999"))  # type: ignore[arg-type]

    published = await read_topic(broker.bootstrap, TOPIC, expected=1)
    assert [p["subject"] for p in published] == ["WC-2026-999999"]

    async def set_aside() -> bool:
        async with claims.runtime.sessions() as session:
            rows = (await session.execute(select(OutboxRecord))).scalars().all()
        return {r.key: r.sent_at for r in rows}.get("WC-2026-999998") == UNPUBLISHABLE

    await eventually(set_aside, what="the unreadable row set aside")
    async with claims.runtime.sessions() as session:
        stored = (await session.execute(select(OutboxRecord.payload))).scalars().all()
    assert all(not payload.startswith(b"{") for payload in stored)  # nothing in plain
