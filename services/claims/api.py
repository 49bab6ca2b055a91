"""What the claims routes share: scopes, the runtime, and idempotent creation."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator
from pydantic_core import PydanticCustomError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.claims.assignment import DEFAULT_LOST_TIME_CAP, DEFAULT_MEDICAL_ONLY_CAP
from shared.auth import ApiClient
from shared.http.idempotency import check_key, previous_answer, remember_answer, request_fingerprint
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
    """Run `work` in one transaction and answer `status_code`; with an `Idempotency-Key`, a
    retry with the same body gets the first answer and another body gets 409."""
    sessions = runtime_of(request).sessions
    fingerprint = request_fingerprint("POST", request.url.path, body.model_dump(mode="json"))
    key = check_key(idempotency_key) if idempotency_key is not None else None
    try:
        async with sessions() as session, session.begin():
            if key is not None:
                earlier = await previous_answer(session, client.client, key, fingerprint)
                if earlier is not None:
                    return JSONResponse(earlier[1], status_code=earlier[0])
            answer = await work(session)
            if key is not None:
                remember_answer(session, client.client, key, fingerprint, status_code, answer)
    except IntegrityError:
        if key is None:
            raise
        async with sessions() as session:  # a concurrent retry with the same key won
            earlier = await previous_answer(session, client.client, key, fingerprint)
        if earlier is None:
            raise
        return JSONResponse(earlier[1], status_code=earlier[0])
    return JSONResponse(answer, status_code=status_code)
