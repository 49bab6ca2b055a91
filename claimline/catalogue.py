"""The five services and where their definitions live."""

from __future__ import annotations

import importlib

from shared.service import ServiceDefinition
from shared.settings import SERVICE_PORTS

SERVICES = tuple(SERVICE_PORTS)


def definition(service: str) -> ServiceDefinition:
    if service not in SERVICE_PORTS:
        raise SystemExit(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    module = importlib.import_module(f"services.{service}.app")
    found: ServiceDefinition = module.DEFINITION
    return found
