"""The certification service. Its domain arrives with its own issue; today it runs, migrates its
database, and serves health, metrics and its dead letters like every service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

DEFINITION = ServiceDefinition(
    name="certification",
    title="Claimline certification",
    description="Self-insurance applications, renewals, certificates, security, excess insurance "
                "and the compliance calendar.",
    settings_class=ServiceSettings,
    migrations=Path(__file__).with_name("migrations"),
    routers=[],
)


def create() -> Any:
    return create_app(DEFINITION)
