"""`/healthz` (process up), `/readyz` (database answers; broker reported, not gating), `/metrics`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, str]:
    return {"status": "ok", "service": request.app.state.runtime.settings.service}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime
    body: dict[str, Any] = {"service": runtime.settings.service, "broker": runtime.bus.status()}
    try:
        async with runtime.sessions() as session:
            await session.execute(text("SELECT 1"))
        body["database"] = "ok"
        body["outbox_pending"] = await runtime.bus.relay.refresh_pending_gauge()
    except Exception as error:  # noqa: BLE001 - readiness reports, never raises
        body["database"] = f"unavailable: {type(error).__name__}"
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    runtime = request.app.state.runtime
    for refresh in runtime.gauge_refreshers:
        try:
            await refresh()
        except Exception:  # noqa: BLE001,S112 - a metric that cannot be read stays stale
            continue
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
