"""The claims service: case management under Connecticut law."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select

from services.claims.handlers import subscriptions
from services.claims.models import Claim, ClaimHistory
from services.claims.views import ClaimOut, claim_out
from shared.auth import ApiClient
from shared.http.pagination import Page, PageDep
from shared.http.security import requires
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

router = APIRouter(prefix="/v1", tags=["claims"])
Reader = Annotated[ApiClient, Depends(requires("claims:read"))]


class HistoryEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    details: dict[str, Any]


@router.get("/claims/{claim_number}", response_model=ClaimOut)
async def get_claim(claim_number: str, request: Request, _client: Reader) -> ClaimOut:
    async with request.app.state.runtime.sessions() as session:
        claim = await session.get(Claim, claim_number)
    if claim is None:
        raise HTTPException(404, f"no claim {claim_number}")
    return claim_out(claim)


@router.get("/claims", response_model=Page[ClaimOut])
async def list_claims(
    request: Request, _client: Reader, page: PageDep,
    employer_fein: Annotated[str | None, Query(pattern=r"^\d{2}-\d{7}$")] = None,
    status: str | None = None,
    report_id: str | None = None,
) -> Page[ClaimOut]:
    query = select(Claim)
    if employer_fein:
        query = query.where(Claim.employer_fein == employer_fein)  # type: ignore[arg-type]
    if status:
        query = query.where(Claim.status == status)  # type: ignore[arg-type]
    if report_id:
        query = query.where(Claim.report_id == report_id)  # type: ignore[arg-type]
    async with request.app.state.runtime.sessions() as session:
        total = (await session.execute(
            select(func.count()).select_from(query.subquery())
        )).scalar_one()
        claims = (await session.execute(
            query.order_by(Claim.claim_number).limit(page.limit).offset(page.offset)  # type: ignore[arg-type]
        )).scalars().all()
    return Page[ClaimOut](items=[claim_out(c) for c in claims], total=total)


@router.get("/claims/{claim_number}/history", response_model=Page[HistoryEntry])
async def claim_history(claim_number: str, request: Request, _client: Reader) -> Page[HistoryEntry]:
    async with request.app.state.runtime.sessions() as session:
        if await session.get(Claim, claim_number) is None:
            raise HTTPException(404, f"no claim {claim_number}")
        rows = (await session.execute(
            select(ClaimHistory).where(ClaimHistory.claim_number == claim_number)  # type: ignore[arg-type]
            .order_by(ClaimHistory.id)  # type: ignore[arg-type]
        )).scalars().all()
    items = [HistoryEntry(at=r.at, actor=r.actor, action=r.action, details=json.loads(r.details))
             for r in rows]
    return Page[HistoryEntry](items=items, total=len(items))


DEFINITION = ServiceDefinition(
    name="claims",
    title="Claimline claims",
    description="Claims administration under Connecticut law: opening, assignment, "
                "statutory clocks, reserves and payments, benchmarks and loss runs.",
    settings_class=ServiceSettings,
    migrations=Path(__file__).with_name("migrations"),
    routers=[router],
    subscriptions=subscriptions,
)


def create() -> Any:
    return create_app(DEFINITION)
