"""The intake service: the 24-hour injury line."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from services.intake.acknowledgement import acknowledgement_loop, count_awaiting_claim
from services.intake.confirmation import normalise_confirmation_number, why_not_a_confirmation_number
from services.intake.handlers import subscriptions
from services.intake.models import InjuryReport, ReportHistory
from services.intake.pii_rotation import rotate_pii
from services.intake.reports import prepare_report, report_out
from services.intake.schemas import (
    InjuryReportBatch,
    InjuryReportIn,
    error_details,
    validate_report,
)
from services.intake.sealing import ReportSealer
from services.intake.writer import KeyRace, ReportWriter, StoreUnavailable
from shared.auth import ApiClient
from shared.db import utcnow
from shared.http.idempotency import (
    IdempotencyRecord,
    check_key,
    previous_answer,
    request_fingerprint,
)
from shared.http.pagination import PageDep
from shared.http.security import authenticated, requires
from shared.metrics import INJURY_REPORTS
from shared.service import ServiceDefinition, ServiceRuntime, create_app
from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    ack_delay_s: float = 300.0  # re-publish a report with no claim after this long
    ack_check_interval_s: float = 15.0
    ack_alert_after: int = 3  # publications before an alert
    ack_max_delay_s: float = 3600.0  # the wait doubles after each re-publication, up to this
    write_batch_size: int = 256
    write_max_pending: int = 10_000  # reports queued for the writer before callers get 503
    write_timeout_s: float = 10.0  # a caller waits at most this long for its commit, then 503


log = logging.getLogger(__name__)
RETRY_LATER = {"Retry-After": "2"}
_REPORT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MAX_BATCH_KEY = 190  # a batch's key plus "#<item>" must fit the 200 characters of a key


class StoreGuardedRoute(APIRoute):
    """Answers 503 + Retry-After, never 500, when intake's own database fails under a route.

    The shared handler covers driver errors (`DBAPIError`); a refused connection (`OSError`),
    a pool timeout and other SQLAlchemy errors that are not driver errors land here.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except (OSError, TimeoutError, SQLAlchemyError) as error:
                log.error("intake store unavailable on %s: %s", request.url.path, type(error).__name__)
                return JSONResponse({"detail": "intake's database is unavailable; retry"},
                                    status_code=503, headers=RETRY_LATER)

        return guarded


router = APIRouter(prefix="/v1/injury-reports", tags=["injury reports"], route_class=StoreGuardedRoute)
admin_router = APIRouter(prefix="/v1/admin", tags=["operations"], route_class=StoreGuardedRoute)
Writer = Annotated[ApiClient, Depends(requires("intake:write"))]
Reader = Annotated[ApiClient, Depends(requires("intake:read"))]
Admin = Annotated[ApiClient, Depends(requires("admin"))]


def _runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def _sealer(runtime: ServiceRuntime) -> ReportSealer:
    sealer: ReportSealer = runtime.extras["sealer"]
    return sealer


def _unprocessable(loc: list[str | int], msg: str, kind: str) -> HTTPException:
    return HTTPException(422, [{"loc": loc, "msg": msg, "type": kind}])


async def _json_body(request: Request) -> Any:
    """The body as JSON; a 422 naming `body` for anything that is not UTF-8 JSON.

    The size is capped before this (413, `max_body_bytes`); nesting deeper than Python's
    parser goes (`[[[[...`) is a 422 too, not a crash.
    """
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
        return json.loads(text[1:] if text.startswith("\ufeff") else text)
    except UnicodeDecodeError as error:
        raise _unprocessable(["body"], f"body is not UTF-8: {error}", "json_invalid") from None
    except ValueError as error:
        raise _unprocessable(["body"], f"body is not JSON: {error}", "json_invalid") from None
    except RecursionError:
        raise _unprocessable(["body"], "body is nested too deeply", "json_invalid") from None


def _fingerprint(path: str, body: Any) -> str:
    try:
        return request_fingerprint("POST", path, body)
    except RecursionError:
        raise _unprocessable(["body"], "body is nested too deeply", "json_invalid") from None


async def _store(runtime: ServiceRuntime, report: InjuryReportIn, client: ApiClient,
                 idempotency: tuple[str, str, str] | None) -> dict[str, Any]:
    prepared = prepare_report(report, client=client.client, sealer=_sealer(runtime),
                              received_at=utcnow(), idempotency=idempotency)
    answer = await runtime.extras["writer"].submit(prepared)
    INJURY_REPORTS.labels(prepared.row["channel"], prepared.row["severity"]).inc()
    return dict(answer)


_REPORT_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": InjuryReportIn.model_json_schema(ref_template="#/components/schemas/{model}")}}}}
_BATCH_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["reports"],
    "properties": {"reports": {"type": "array", "minItems": 1, "maxItems": 500,
                               "items": {"$ref": "#/components/schemas/InjuryReportIn"}}}}}}}}
_IDEMPOTENCY_DOC = ("Retry-safe: the same key and body answer the first answer again; the same key "
                    "with another body answers 409.")


_HOT_ROUTE_DOC = {
    **_REPORT_BODY,
    "security": [{"HTTPBearer": []}],
    "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                    "description": _IDEMPOTENCY_DOC, "schema": {"type": "string", "maxLength": 200}}],
}


async def _authorised(request: Request, scope: str) -> ApiClient:
    """What `Depends(requires(scope))` does, called directly: FastAPI's dependency solving was
    the largest single cost of the hot route (see bench/intake.py)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    credentials = (HTTPAuthorizationCredentials(scheme=scheme, credentials=token.strip())
                   if scheme and token.strip() else None)
    client = await authenticated(request, credentials)
    if not client.has(scope):
        raise HTTPException(403, f"this key lacks the scope {scope}")
    return client


@router.post("", status_code=202, openapi_extra=_HOT_ROUTE_DOC, responses={
    401: {"description": "no or unknown API key"},
    403: {"description": "the key lacks `intake:write`"},
    409: {"description": "Idempotency-Key used before with another body"},
    413: {"description": "body over the size cap"},
    422: {"description": "every bad field, each named in `loc` (from `body`)"},
    503: {"description": "intake's database is unavailable; retry after `Retry-After`"},
})
async def report_injury(request: Request) -> JSONResponse:
    """Take an injury report; answer its confirmation number once it is stored (scope
    `intake:write`; `Idempotency-Key` makes a retry safe)."""
    client = await _authorised(request, "intake:write")
    idempotency_key = request.headers.get("idempotency-key")
    runtime = _runtime(request)
    body = await _json_body(request)
    idempotency = None
    if idempotency_key is not None:
        fingerprint = _fingerprint(request.url.path, body)
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
    except KeyRace:  # a concurrent request with this key was stored first: answer as it was
        async with runtime.sessions() as session:
            earlier = await previous_answer(session, *idempotency)  # type: ignore[misc]
        assert earlier is not None
        return JSONResponse(earlier[1], status_code=earlier[0])
    except StoreUnavailable:
        raise HTTPException(503, "the report could not be stored; retry", headers=RETRY_LATER) from None
    return JSONResponse(answer, status_code=202)


@router.post("/batch", status_code=207, openapi_extra=_BATCH_BODY, responses={
    409: {"description": "Idempotency-Key used before with another body"},
    422: {"description": "the body is not `{\"reports\": [1 to 500 items]}`"},
})
async def report_injuries(
    request: Request, client: Writer,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key",
                                                  description=_IDEMPOTENCY_DOC)] = None,
) -> JSONResponse:
    """Up to 500 reports; one result per report, in order. A bad report never sinks the others.

    Each result is the `202` answer plus `"status_code": 202`, or `{"status_code": 422,
    "detail": [...]}` (locs from `["body", "reports", i]`), or `{"status_code": 503, ...}` for a
    report the database did not take (send it again). With an `Idempotency-Key`, every report
    is kept under the key as well: a retried batch stores nothing twice, and the reports a 503
    left out are stored by the retry.
    """
    runtime = _runtime(request)
    body = await _json_body(request)
    try:
        batch = InjuryReportBatch.model_validate(body)
    except ValueError as error:
        raise HTTPException(422, error_details(error)) from error  # type: ignore[arg-type]
    keys: list[tuple[str, str, str] | None] = [None] * len(batch.reports)
    batch_key: tuple[str, str, str] | None = None
    if idempotency_key is not None:
        if not 1 <= len(idempotency_key) <= _MAX_BATCH_KEY:
            raise _unprocessable(["header", "Idempotency-Key"],
                                 f"must be 1 to {_MAX_BATCH_KEY} characters", "string_length")
        path = request.url.path
        batch_key = (client.client, idempotency_key, _fingerprint(path, body))
        keys = [(client.client, f"{idempotency_key}#{index}", _fingerprint(f"{path}#{index}", raw))
                for index, raw in enumerate(batch.reports)]
        async with runtime.sessions() as session:
            earlier = await previous_answer(session, *batch_key)
            if earlier is not None:
                return JSONResponse(earlier[1], status_code=earlier[0])
            stored = await _answers_by_key(session, client.client, [k[1] for k in keys])  # type: ignore[index]
        for key in keys:
            assert key is not None
            if key[1] in stored and stored[key[1]][0] != key[2]:
                raise HTTPException(409, "this Idempotency-Key was used with a different request body")
    else:
        stored = {}
    checked = [validate_report(raw, index) for index, raw in enumerate(batch.reports)]

    async def one(item: InjuryReportIn | list[dict[str, Any]],
                  key: tuple[str, str, str] | None) -> dict[str, Any]:
        if isinstance(item, list):
            return {"status_code": 422, "detail": item}
        if key is not None and key[1] in stored:
            return {"status_code": 202, **stored[key[1]][1]}
        try:
            return {"status_code": 202, **await _store(runtime, item, client, key)}
        except KeyRace:
            async with runtime.sessions() as session:
                earlier = await previous_answer(session, *key)  # type: ignore[misc]
            return {"status_code": 202, **(earlier[1] if earlier else {})}
        except StoreUnavailable:
            return {"status_code": 503, "detail": "not stored; send this report again"}

    results = list(await asyncio.gather(*(one(item, key) for item, key in zip(checked, keys, strict=True))))
    answer = {"results": results}
    if batch_key is not None and all(r["status_code"] != 503 for r in results):
        await _remember_batch(runtime, batch_key, answer)
    return JSONResponse(answer, status_code=207)


async def _answers_by_key(session: Any, client: str, keys: list[str]) -> dict[str, tuple[str, Any]]:
    """Stored (request fingerprint, answer) by key, for the keys that have one."""
    rows = (await session.execute(
        select(IdempotencyRecord.key, IdempotencyRecord.request_hash,  # type: ignore[call-overload]
               IdempotencyRecord.response)
        .where(IdempotencyRecord.client == client)  # type: ignore[arg-type]
        .where(IdempotencyRecord.key.in_(keys))  # type: ignore[attr-defined]
    )).all()
    return {key: (request_hash, json.loads(response)) for key, request_hash, response in rows}


async def _remember_batch(runtime: ServiceRuntime, key: tuple[str, str, str],
                          answer: dict[str, Any]) -> None:
    try:
        async with runtime.sessions() as session, session.begin():
            await session.execute(insert(IdempotencyRecord.__table__).values(  # type: ignore[attr-defined]
                client=key[0], key=key[1], request_hash=key[2], status_code=207,
                response=json.dumps(answer), created_at=utcnow()))
    except IntegrityError:
        pass  # a concurrent retry remembered it first; its reports are the same ones
    except (OSError, SQLAlchemyError) as error:  # the reports are stored under their own keys
        log.warning("batch answer not remembered: %s", type(error).__name__)


def _known_report_id(report_id: str) -> str:
    if not _REPORT_ID.fullmatch(report_id):
        raise HTTPException(404, "no such injury report")
    return report_id


def _visible_to(client: ApiClient, report: InjuryReport) -> bool:
    """A client sees the reports it submitted (an IVR, a carrier); `admin` sees all of them."""
    return client.has("admin") or report.submitted_by == client.client


@router.get("/{report_id}")
async def get_report(report_id: str, request: Request, client: Reader) -> dict[str, Any]:
    runtime = _runtime(request)
    async with runtime.sessions() as session:
        report = await session.get(InjuryReport, _known_report_id(report_id))
    if report is None or not _visible_to(client, report):
        raise HTTPException(404, f"no injury report {report_id}")
    return report_out(report, _sealer(runtime), show_pii=client.has("pii:read"))


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
    if not client.has("admin"):
        query = query.where(InjuryReport.submitted_by == client.client)  # type: ignore[arg-type]
    if confirmation_number is not None:
        normalised = normalise_confirmation_number(confirmation_number)
        if normalised is None:
            raise _unprocessable(["query", "confirmation_number"],
                                 why_not_a_confirmation_number(confirmation_number), "value_error")
        query = query.where(InjuryReport.confirmation_number == normalised)  # type: ignore[arg-type]
    if status is not None:
        query = query.where(InjuryReport.status == status)  # type: ignore[arg-type]
    if employer_fein is not None:
        query = query.where(InjuryReport.employer_fein == employer_fein)  # type: ignore[arg-type]
    async with runtime.sessions() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        reports = (await session.execute(
            query.order_by(InjuryReport.received_at, InjuryReport.id)  # type: ignore[arg-type]
            .limit(page.limit).offset(page.offset)
        )).scalars().all()
    show = client.has("pii:read")
    return {"items": [report_out(r, _sealer(runtime), show_pii=show) for r in reports], "total": total}


@router.get("/{report_id}/history")
async def report_history(report_id: str, request: Request, client: Reader) -> dict[str, Any]:
    """Who (API client, or the event that did it) received or changed the report, and when."""
    async with _runtime(request).sessions() as session:
        report = await session.get(InjuryReport, _known_report_id(report_id))
        if report is None or not _visible_to(client, report):
            raise HTTPException(404, f"no injury report {report_id}")
        rows = (await session.execute(
            select(ReportHistory).where(ReportHistory.report_id == report_id)  # type: ignore[arg-type]
            .order_by(ReportHistory.id)  # type: ignore[arg-type]
        )).scalars().all()
    items = [{"at": r.at.isoformat(), "actor": r.actor, "action": r.action,
              "details": json.loads(r.details)} for r in rows]
    return {"items": items, "total": len(items)}


@admin_router.post("/pii-rotation")
async def rotate_personal_data(request: Request, admin: Admin) -> dict[str, Any]:
    """Re-seal every stored report under the first key of `CLAIMLINE_PII_KEYS`.

    Key rotation: put the new key first in `CLAIMLINE_PII_KEYS` (`new,old`), restart every
    intake replica, call this (it may be called again: reports already under the new key are
    skipped), and once it answers `"failed": 0`, remove the old key and restart.
    """
    runtime = _runtime(request)
    result = await rotate_pii(runtime.sessions, _sealer(runtime))
    log.info("PII rotation requested by %s", admin.client)
    return result.as_dict()


async def _start(runtime: ServiceRuntime) -> None:
    settings = runtime.settings
    assert isinstance(settings, IntakeSettings)
    sealer = ReportSealer(settings.pii_keys)  # fails fast when CLAIMLINE_PII_KEYS is missing
    runtime.extras["sealer"] = sealer
    writer = ReportWriter(runtime.sessions, settings.write_batch_size,
                          max_pending=settings.write_max_pending, timeout_s=settings.write_timeout_s,
                          engine=runtime.engine, on_commit=runtime.bus.relay.wake)
    runtime.extras["writer"] = writer
    runtime.background.append(writer.start())
    runtime.background.append(asyncio.create_task(acknowledgement_loop(
        runtime.sessions, sealer.cipher, delay=timedelta(seconds=settings.ack_delay_s),
        alert_after=settings.ack_alert_after, interval_s=settings.ack_check_interval_s,
        max_delay=timedelta(seconds=settings.ack_max_delay_s),
    ), name="intake-acknowledgement"))
    runtime.gauge_refreshers.append(lambda: count_awaiting_claim(runtime.sessions))


DEFINITION = ServiceDefinition(
    name="intake",
    title="Claimline intake",
    description="The 24-hour injury line: injury reports from the IVR, carriers and employers.",
    settings_class=IntakeSettings,
    migrations=Path(__file__).with_name("migrations"),
    routers=[router, admin_router],
    subscriptions=subscriptions,
    on_start=_start,
    max_body_bytes=4 * 1024 * 1024,
)


def create() -> Any:
    return create_app(DEFINITION)
