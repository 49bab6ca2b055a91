"""Micro-benchmark: CPU per event consumed by notify.

    .venv/bin/python -m bench.notify_events [--events 1000] [--label after]

Starts the notify service in-process (its app lifespan: migrations, bus, delivery worker) on
a fresh PostgreSQL database (`tests.support.infrastructure`, 127.0.0.1:5432) with the
development broker, adds 3 live webhook subscriptions for other employers (FEINs no event
names, subscribed to every subscribable type), then applies N mixed events (routine
`intake.injury-reported` and `claims.claim-opened`, alternating) through
`shared.bus.consumer.apply_events` one at a time (batches of 1, as at 50 reports/s) and
reports the process CPU (`time.process_time()`) spent per event. A warm-up of 50 events is
not counted. Results go to `bench/results/notify-events-<date>.json` (one entry per label,
so before/after runs sit side by side).
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.cpu_per_event import cpu_ms_to_apply, cpu_summary, run_cli, service_in_process
from services.notify.models import WebhookSubscription
from services.notify.webhooks import subscribable_event_types
from shared.events.catalogue import (
    ClaimOpened,
    InjuryReported,
    ReportedEmployee,
    ReportedEmployer,
    ReportedInjury,
)
from shared.events.envelope import CloudEvent, new_event
from shared.service import ServiceRuntime

ROUTINE = ["medical_only"] * 5 + ["lost_time"] * 3 + ["first_aid"]
OTHER_FEINS = ["99-0000001", "99-0000002", "99-0000003"]


def fein(n: int) -> str:
    return f"06-{1000000 + n % 20:07d}"


def injury_event(n: int, rng: random.Random) -> CloudEvent:
    received = datetime.now(UTC)
    data = InjuryReported(
        report_id=str(uuid.uuid4()), confirmation_number=f"CL-BENCH-{n:05d}",
        received_at=received, channel="ivr",
        employer=ReportedEmployer(fein=fein(n), name="Shoreline Health"),
        employee=ReportedEmployee(first_name="Ana", last_name=f"Diaz{n:05d}", occupation="RN"),
        injury=ReportedInjury(
            occurred_at=received - timedelta(hours=1),
            description="Lifted patient, sharp pain in lower back", body_parts=["lower back"],
            severity=rng.choice(ROUTINE), reported_to_employer_on=None),  # type: ignore[arg-type]
        catastrophic=False, publication=1, flags=[],
    )
    return new_event(source="claimline/intake", type="intake.injury-reported",
                     subject=data.report_id, data=data)


def claim_opened_event(n: int) -> CloudEvent:
    now = datetime.now(UTC)
    data = ClaimOpened(
        claim_number=f"WC-BENCH-{n:06d}", report_id=str(uuid.uuid4()), employer_fein=fein(n),
        date_of_injury=now.date(), status="open", classification="medical_only",
        catastrophic=False, adjuster="adj.ames", opened_at=now,
    )
    return new_event(source="claimline/claims", type="claims.claim-opened",
                     subject=data.claim_number, data=data)


async def seed_subscriptions(runtime: ServiceRuntime) -> None:
    sealed = runtime.pii().encrypt("bench-secret")
    assert sealed is not None
    async with runtime.sessions() as session, session.begin():
        for other in OTHER_FEINS:
            session.add(WebhookSubscription(
                id=str(uuid.uuid4()), url=f"http://127.0.0.1:9/{other}",
                event_types=json.dumps(subscribable_event_types()), employer_fein=other,
                secret=sealed, created_by="bench", created_at=datetime.now(UTC),
            ))


async def measure(events: int, warmup: int) -> dict[str, Any]:
    async with service_in_process("notify") as runtime:
        await seed_subscriptions(runtime)
        rng = random.Random(7)
        samples: list[float] = []
        for n in range(warmup + events):
            event = injury_event(n, rng) if n % 2 == 0 else claim_opened_event(n)
            spent = await cpu_ms_to_apply(runtime, event)
            if n >= warmup:
                samples.append(spent)
    return cpu_summary(samples, events, warmup) | {
        "mix": "alternating routine intake.injury-reported / claims.claim-opened",
        "subscriptions": f"{len(OTHER_FEINS)} live, other FEINs, all subscribable types",
    }


def main() -> int:
    return run_cli("CPU per event consumed by notify (module docstring)", "notify-events", measure)


if __name__ == "__main__":
    raise SystemExit(main())
