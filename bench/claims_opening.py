"""Micro-benchmark: CPU per claim opened from an `intake.injury-reported` event.

    .venv/bin/python -m bench.claims_opening [--events 1000] [--label after]

Starts the claims service in-process (its app lifespan: migrations, bus, outbox relay) on a
fresh PostgreSQL database (`tests.support.infrastructure`, 127.0.0.1:5432) with the
development broker, puts a small roster on it (3 adjusters, 1 nurse case manager), then
applies N events through `shared.bus.consumer.apply_events` one at a time (batches of 1, as
at 50 reports/s) and reports the process CPU (`time.process_time()`) spent per event.
A warm-up of 50 events is not counted. Results go to `bench/results/claims-opening-<date>.json`
(one entry per label, so before/after runs sit side by side).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.cpu_per_event import cpu_ms_to_apply, cpu_summary, run_cli, service_in_process
from services.claims.models import Adjuster
from shared.events.catalogue import (
    InjuryReported,
    ReportedEmployee,
    ReportedEmployer,
    ReportedInjury,
)
from shared.events.envelope import CloudEvent, new_event
from shared.service import ServiceRuntime

SEVERITIES = ["medical_only"] * 5 + ["lost_time"] * 3 + ["first_aid", "catastrophic"]
ROSTER = [  # username, role, specialties
    ("adj.ames", "adjuster", ""),
    ("adj.baker", "adjuster", "catastrophic"),
    ("adj.cruz", "adjuster", "heart_hypertension"),
    ("rn.diaz", "nurse_case_manager", ""),
]


def injury_event(n: int, rng: random.Random, earlier: list[str]) -> CloudEvent:
    received = datetime.now(UTC)
    severity = rng.choice(SEVERITIES)
    linked = rng.choice(earlier) if earlier and rng.random() < 0.02 else None
    data = InjuryReported(
        report_id=str(uuid.uuid4()), confirmation_number=f"CL-BENCH-{n:05d}",
        received_at=received, channel="ivr",
        employer=ReportedEmployer(fein=f"06-{1000000 + n % 20:07d}", name="Shoreline Health"),
        employee=ReportedEmployee(first_name="Ana", last_name=f"Diaz{n:05d}", occupation="RN"),
        injury=ReportedInjury(
            occurred_at=received - timedelta(hours=1),
            description="Lifted patient, sharp pain in lower back", body_parts=["lower back"],
            severity=severity, reported_to_employer_on=None),  # type: ignore[arg-type]
        catastrophic=severity in ("catastrophic", "fatal"), publication=1,
        flags=[], probable_duplicate_of=linked,
    )
    return new_event(source="claimline/intake", type="intake.injury-reported",
                     subject=data.report_id, data=data)


async def seed_roster(runtime: ServiceRuntime) -> None:
    async with runtime.sessions() as session, session.begin():
        for username, role, specialties in ROSTER:
            session.add(Adjuster(username=username, name=username, role=role,
                                 specialties=specialties, lost_time_cap=400,
                                 medical_only_cap=900, license_expires_on=date(2099, 1, 1),
                                 created_at=datetime.now(UTC)))


async def measure(events: int, warmup: int) -> dict[str, Any]:
    async with service_in_process("claims", deadline_scan_interval_s=3600) as runtime:
        await seed_roster(runtime)
        rng = random.Random(7)
        reports: list[str] = []
        samples: list[float] = []
        for n in range(warmup + events):
            event = injury_event(n, rng, reports)
            reports.append(event.data["report_id"])
            spent = await cpu_ms_to_apply(runtime, event)
            if n >= warmup:
                samples.append(spent)
    return cpu_summary(samples, events, warmup)


def main() -> int:
    return run_cli("CPU per claim opened (module docstring)", "claims-opening", measure)


if __name__ == "__main__":
    raise SystemExit(main())
