"""Helpers for claims tests: open claims by applying real `intake.injury-reported` events
(through the inbox, as the consumer does), and read the claims outbox."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from shared.bus.consumer import apply_event
from shared.bus.tables import OutboxRecord
from shared.events.catalogue import (
    CoverageChanged,
    InjuryReported,
    ReportedEmployee,
    ReportedEmployer,
    ReportedInjury,
)
from shared.events.envelope import new_event
from tests.support.services import RunningService

FEIN = "06-1234567"


def injury_event(n: int = 0, *, fein: str = FEIN, severity: str = "lost_time",
                 occurred_at: datetime | None = None, received_at: datetime | None = None,
                 reported_to_employer_on: date | None = None, occupation: str | None = "RN",
                 description: str = "Lifted patient, sharp pain in lower back",
                 body_parts: list[str] | None = None, report_id: str | None = None,
                 flags: list[str] | None = None, probable_duplicate_of: str | None = None,
                 last_name: str | None = None) -> Any:
    received = received_at or datetime.now(UTC)
    data = InjuryReported(
        report_id=report_id or str(uuid.uuid4()), confirmation_number=f"CL-TEST-{n:04d}",
        received_at=received, channel="ivr",
        employer=ReportedEmployer(fein=fein, name="Shoreline Health"),
        employee=ReportedEmployee(first_name="Ana", last_name=last_name or f"Diaz{n:04d}",
                                  occupation=occupation),
        injury=ReportedInjury(
            occurred_at=occurred_at or received - timedelta(hours=1), description=description,
            body_parts=body_parts or ["lower back"], severity=severity,  # type: ignore[arg-type]
            reported_to_employer_on=reported_to_employer_on),
        catastrophic=severity in ("catastrophic", "fatal"), publication=1,
        flags=flags or [], probable_duplicate_of=probable_duplicate_of,
    )
    return new_event(source="claimline/intake", type="intake.injury-reported",
                     subject=data.report_id, data=data)


async def deliver(service: RunningService, event: Any) -> bool:
    """Apply an event exactly as the claims consumer does (inbox and all)."""
    subscription = service.runtime.subscriptions[0]
    return await apply_event(service.runtime.sessions, subscription, event)


async def open_claim(service: RunningService, n: int = 0, **kwargs: Any) -> dict[str, Any]:
    """Open a claim from a fresh report; answers the claim document."""
    event = injury_event(n, **kwargs)
    assert await deliver(service, event)
    found = (await service.http.get("/v1/claims", params={"report_id": event.data["report_id"]})).json()
    assert found["total"] == 1, found
    return found["items"][0]  # type: ignore[no-any-return]


async def coverage(service: RunningService, fein: str, kind: str, effective_from: date,
                   effective_to: date | None = None) -> None:
    data = CoverageChanged(employer_fein=fein, coverage=kind,  # type: ignore[arg-type]
                           effective_from=effective_from, effective_to=effective_to)
    await deliver(service, new_event(source="claimline/certification",
                                     type="certification.coverage-changed", subject=fein, data=data))


async def outbox(service: RunningService, event_type: str, subject: str | None = None
                 ) -> list[dict[str, Any]]:
    """The CloudEvents the claims service staged, oldest first."""
    async with service.runtime.sessions() as session:
        query = select(OutboxRecord).where(OutboxRecord.topic == event_type)  # type: ignore[arg-type]
        if subject:
            query = query.where(OutboxRecord.key == subject)  # type: ignore[arg-type]
        rows = (await session.execute(query.order_by(OutboxRecord.seq))).scalars().all()  # type: ignore[arg-type]
    return [json.loads(_unsealed(service, r.payload)) for r in rows]


def _unsealed(service: RunningService, payload: bytes) -> bytes:
    """Outbox rows are sealed where the service has PII keys; a plain one is a JSON object."""
    if payload[:1] == b"{":
        return payload
    return service.runtime.pii().unseal(payload)  # type: ignore[attr-defined, no-any-return]


async def adjuster(service: RunningService, username: str, **fields: Any) -> dict[str, Any]:
    body = {"username": username, "name": username.title(), "license_number": f"CT-{username}",
            **fields}
    if body.get("role") == "nurse_case_manager":
        body.pop("license_number")
    answer = await service.http.post("/v1/adjusters", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def days_ago(days: int, hour: int = 15) -> datetime:
    """An instant `days` days ago, mid-afternoon UTC (the same calendar day in Connecticut)."""
    today = datetime.now(UTC).date()
    return datetime.combine(today - timedelta(days=days), datetime.min.time(), UTC).replace(hour=hour)
