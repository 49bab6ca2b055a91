"""What the claims routes share: scopes, the runtime, and idempotent creation."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator
from pydantic_core import PydanticCustomError
from sqlalchemy.ext.asyncio import AsyncSession

from services.claims.assignment import DEFAULT_LOST_TIME_CAP, DEFAULT_MEDICAL_ONLY_CAP
from shared.auth import ApiClient
from shared.http.idempotency import create_once as shared_create_once
from shared.http.security import requires
from shared.service import ServiceRuntime
from shared.settings import ServiceSettings

Reader = Annotated[ApiClient, Depends(requires("claims:read"))]
Writer = Annotated[ApiClient, Depends(requires("claims:write"))]
_FEIN = re.compile(r"([0-9]{2})-?([0-9]{7})")


def normalise_fein(value: object) -> object:
    """`NN-NNNNNNN`, also from `NNNNNNNNN` (as intake accepts it); blank means not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    match = _FEIN.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise PydanticCustomError("fein_format", "FEIN must be 9 digits written NN-NNNNNNN")
    return f"{match[1]}-{match[2]}"


def _required_fein(value: object) -> object:
    fein = normalise_fein(value)
    if fein is None:
        raise PydanticCustomError("missing", "FEIN is required: 9 digits written NN-NNNNNNN")
    return fein


# An employer FEIN in a query: `06-1234567` or `061234567`; a bad one is a 422 that says so.
Fein = Annotated[str, BeforeValidator(normalise_fein)]
RequiredFein = Annotated[str, BeforeValidator(_required_fein)]


class ClaimsSettings(ServiceSettings):
    """`CLAIMLINE_DEADLINE_SCAN_INTERVAL_S`, `CLAIMLINE_DEADLINE_WARN_DAYS`,
    `CLAIMLINE_DEFAULT_LOST_TIME_CAP`, `CLAIMLINE_DEFAULT_MEDICAL_ONLY_CAP`."""

    deadline_scan_interval_s: float = 300.0
    deadline_warn_days: int = 3  # `approaching` this many days before a clock's last day
    default_lost_time_cap: int = DEFAULT_LOST_TIME_CAP  # for roster entries that give none
    default_medical_only_cap: int = DEFAULT_MEDICAL_ONLY_CAP


def runtime_of(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def create_once(
    request: Request, client: ApiClient, idempotency_key: str | None, body: BaseModel,
    work: Callable[[AsyncSession], Awaitable[dict[str, Any]]], status_code: int = 201,
) -> JSONResponse:
    """`shared.http.idempotency.create_once` on this service's database."""
    return await shared_create_once(runtime_of(request).sessions, request, client,
                                    idempotency_key, body, work, status_code)
