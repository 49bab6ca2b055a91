"""The claims service: case management under Connecticut law."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from services.claims import claim_routes, report_routes, roster_routes
from services.claims.api import ClaimsSettings
from services.claims.handlers import subscriptions
from services.claims.scanner import scanner_loop
from shared.service import ServiceDefinition, ServiceRuntime, create_app


async def _start(runtime: ServiceRuntime) -> None:
    settings = runtime.settings
    assert isinstance(settings, ClaimsSettings)
    runtime.background.append(asyncio.create_task(scanner_loop(
        runtime.sessions, interval_s=settings.deadline_scan_interval_s,
        warn_days=settings.deadline_warn_days,
    ), name="claims-deadline-scanner"))


DEFINITION = ServiceDefinition(
    name="claims",
    title="Claimline claims",
    description="Claims administration under Connecticut law: opening, assignment, "
                "statutory clocks, reserves and payments, benchmarks and loss runs.",
    settings_class=ClaimsSettings,
    migrations=Path(__file__).with_name("migrations"),
    routers=[claim_routes.router, roster_routes.router, report_routes.router],
    subscriptions=subscriptions,
    on_start=_start,
)


def create() -> Any:
    return create_app(DEFINITION)
