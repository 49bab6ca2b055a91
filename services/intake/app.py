"""The intake service: the 24-hour injury line."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from services.intake.acknowledgement import acknowledgement_loop, count_awaiting_claim
from services.intake.confirmation import normalise_confirmation_number
from services.intake.handlers import subscriptions
from services.intake.models import InjuryReport, ReportHistory
from services.intake.reports import prepare_report, report_out
from services.intake.schemas import (
    InjuryReportBatch,
    InjuryReportIn,
    error_details,
    validate_report,
)
from services.intake.writer import KeyRace, ReportWriter, StoreUnavailable
from shared.auth import ApiClient
from shared.db import utcnow
from shared.http.idempotency import check_key, previous_answer, request_fingerprint
from shared.http.pagination import PageDep
from shared.http.security import requires
from shared.metrics import INJURY_REPORTS
from shared.service import ServiceDefinition, ServiceRuntime, create_app
from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    ack_delay_s: float = 300.0  # re-publish a report with no claim after this long
    ack_check_interval_s: float = 15.0
    ack_alert_after: int = 3  # publications before an alert
    write_batch_size: int = 256


router = APIRouter(prefix="/v1/injury-reports", tags=["injury reports"])
Writer = Annotated[ApiClient, Depends(requires("intake:write"))]
Reader = Annotated[ApiClient, Depends(requires("intake:read"))]
RETRY_LATER = {"Retry-After": "2"}


def _runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise HTTPException(422, [{"loc": ["body"], "msg": f"body is not UTF-8 JSON: {error}",
                                   "type": "json_invalid"}]) from error


async def _store(runtime: ServiceRuntime, report: InjuryReportIn, client: ApiClient,
                 idempotency: tuple[str, str, str] | None) -> dict[str, Any]:
    prepared = prepare_report(report, client=client.client, cipher=runtime.pii(),
                              received_at=utcnow(), idempotency=idempotency)
    answer = await runtime.extras["writer"].submit(prepared)
    INJURY_REPORTS.labels(prepared.row["channel"], prepared.row["severity"]).inc()
    return dict(answer)


_REPORT_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": InjuryReportIn.model_json_schema(ref_template="#/components/schemas/{model}")}}}}


@router.post("", status_code=202, openapi_extra=_REPORT_BODY)
async def report_injury(
    request: Request, client: Writer,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    """Take an injury report; answer its confirmation number once it is stored."""
    runtime = _runtime(request)
    body = await _json_body(request)
    idempotency = None
    if idempotency_key is not None:
        fingerprint = request_fingerprint("POST", request.url.path, body)
        idempotency = (client.client, check_key(idempotency_key), fingerprint)
        async with runtime.sessions() as session:
            earlier = await previous_answer(session, client.client, idempotency_key, fingerprint)
        if earlier is not None:
            return JSONResponse(earlier[1], status_code=earlier[0])
    report = validate_report(body)
    if isinstance(report, list):
        raise HTTPException(422, report)
    try:
        answer = await _store(runtime, report, client, idempotency)
    except KeyRace:
        async with runtime.sessions() as session:
            earlier = await previous_answer(session, *idempotency)  # type: ignore[misc]
        assert earlier is not None
        return JSONResponse(earlier[1], status_code=earlier[0])
    except StoreUnavailable:
        raise HTTPException(503, "the report could not be stored; retry", headers=RETRY_LATER) from None
    return JSONResponse(answer, status_code=202)


@router.post("/batch", status_code=207)
async def report_injuries(request: Request, client: Writer) -> JSONResponse:
    """Up to 500 reports; one result per report, in order. A bad report never sinks the others."""
    runtime = _runtime(request)
    body = await _json_body(request)
    try:
        batch = InjuryReportBatch.model_validate(body)
    except ValueError as error:
        raise HTTPException(422, error_details(error)) from error  # type: ignore[arg-type]
    checked = [validate_report(raw, index) for index, raw in enumerate(batch.reports)]

    async def one(item: InjuryReportIn | list[dict[str, Any]]) -> dict[str, Any]:
        if isinstance(item, list):
            return {"status": 422, "detail": item}
        try:
            return {"status": 202, **await _store(runtime, item, client, None)}
        except StoreUnavailable:
            return {"status": 503, "detail": "not stored; retry this report"}

    results = await asyncio.gather(*(one(item) for item in checked))
    return JSONResponse({"results": list(results)}, status_code=207)


@router.get("/{report_id}")
async def get_report(report_id: str, request: Request, client: Reader) -> dict[str, Any]:
    runtime = _runtime(request)
    async with runtime.sessions() as session:
        report = await session.get(InjuryReport, report_id)
    if report is None:
        raise HTTPException(404, f"no injury report {report_id}")
    return report_out(report, runtime.pii(), show_pii=client.has("pii:read"))


@router.get("")
async def find_reports(
    request: Request, client: Reader, page: PageDep,
    confirmation_number: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(pattern="^(received|claim_opened)$")] = None,
    employer_fein: Annotated[str | None, Query(pattern=r"^\d{2}-\d{7}$")] = None,
) -> dict[str, Any]:
    """Reports by confirmation number (read back on the phone: case, dashes and O/0 forgiven)."""
    runtime = _runtime(request)
    query = select(InjuryReport)
    if confirmation_number is not None:
        normalised = normalise_confirmation_number(confirmation_number)
        if normalised is None:
            raise HTTPException(422, [{"loc": ["query", "confirmation_number"],
                                       "msg": "not a valid confirmation number (CL-XXXX-XXXX)",
                                       "type": "value_error"}])
        query = query.where(InjuryReport.confirmation_number == normalised)  # type: ignore[arg-type]
    if status is not None:
        query = query.where(InjuryReport.status == status)  # type: ignore[arg-type]
    if employer_fein is not None:
        query = query.where(InjuryReport.employer_fein == employer_fein)  # type: ignore[arg-type]
    async with runtime.sessions() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        reports = (await session.execute(
            query.order_by(InjuryReport.received_at).limit(page.limit).offset(page.offset)  # type: ignore[arg-type]
        )).scalars().all()
    show = client.has("pii:read")
    return {"items": [report_out(r, runtime.pii(), show_pii=show) for r in reports], "total": total}


@router.get("/{report_id}/history")
async def report_history(report_id: str, request: Request, _client: Reader) -> dict[str, Any]:
    async with _runtime(request).sessions() as session:
        if await session.get(InjuryReport, report_id) is None:
            raise HTTPException(404, f"no injury report {report_id}")
        rows = (await session.execute(
            select(ReportHistory).where(ReportHistory.report_id == report_id)  # type: ignore[arg-type]
            .order_by(ReportHistory.id)  # type: ignore[arg-type]
        )).scalars().all()
    items = [{"at": r.at.isoformat(), "actor": r.actor, "action": r.action,
              "details": json.loads(r.details)} for r in rows]
    return {"items": items, "total": len(items)}


async def _start(runtime: ServiceRuntime) -> None:
    settings = runtime.settings
    assert isinstance(settings, IntakeSettings)
    cipher = runtime.pii()  # fails fast when CLAIMLINE_PII_KEYS is missing
    writer = ReportWriter(runtime.sessions, settings.write_batch_size)
    runtime.extras["writer"] = writer
    runtime.background.append(asyncio.create_task(writer.run(), name="intake-writer"))
    runtime.background.append(asyncio.create_task(acknowledgement_loop(
        runtime.sessions, cipher, delay=timedelta(seconds=settings.ack_delay_s),
        alert_after=settings.ack_alert_after, interval_s=settings.ack_check_interval_s,
    ), name="intake-acknowledgement"))
    runtime.gauge_refreshers.append(lambda: count_awaiting_claim(runtime.sessions))


DEFINITION = ServiceDefinition(
    name="intake",
    title="Claimline intake",
    description="The 24-hour injury line: injury reports from the IVR, carriers and employers.",
    settings_class=IntakeSettings,
    migrations=Path(__file__).with_name("migrations"),
    routers=[router],
    subscriptions=subscriptions,
    on_start=_start,
    max_body_bytes=4 * 1024 * 1024,
)


def create() -> Any:
    return create_app(DEFINITION)
