"""The roster: adjusters (licensed in Connecticut) and nurse case managers, with caps and
specialties. Adding someone, or giving someone room, hands them the claims that were waiting."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.claims.api import ClaimsSettings, Reader, Writer, create_once, runtime_of
from services.claims.casework.assignment import assign_waiting
from services.claims.casework.connecticut_time import ct_today
from services.claims.casework.refusals import refused
from services.claims.casework.roster import caseloads
from services.claims.models import Adjuster
from services.claims.schemas import AdjusterIn, AdjusterPatch
from services.claims.views import AdjusterOut, adjuster_out
from shared.db import utcnow
from shared.http.pagination import Page, PageDep

router = APIRouter(prefix="/v1/adjusters", tags=["roster"])


async def _hand_out_waiting(request: Request, actor: str) -> None:
    """After a roster change commits: give waiting claims to whoever now has room (its own
    transaction; the scanner loop retries it if this one fails)."""
    async with runtime_of(request).sessions() as session, session.begin():
        await assign_waiting(session, actor, utcnow())


@router.post("", status_code=201)
async def add_adjuster(body: AdjusterIn, request: Request, client: Writer,
                       idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None
                       ) -> Any:
    """Add an adjuster or a nurse case manager (201). An adjuster whose licence has already
    expired is added (the roster keeps everyone) with a warning in `warnings`: they get no
    claims until the licence is renewed (CGS 38a-792)."""
    settings = runtime_of(request).settings
    assert isinstance(settings, ClaimsSettings)

    async def work(session: AsyncSession) -> dict[str, Any]:
        if await session.get(Adjuster, body.username) is not None:
            raise refused(f"{body.username} is already on the roster; change them with PATCH")
        adjuster = Adjuster(
            username=body.username, name=body.name, role=body.role,
            specialties=",".join(sorted(set(body.specialties))),
            lost_time_cap=(settings.default_lost_time_cap if body.lost_time_cap is None
                           else body.lost_time_cap),
            medical_only_cap=(settings.default_medical_only_cap if body.medical_only_cap is None
                              else body.medical_only_cap),
            active=body.active, license_number=body.license_number,
            license_expires_on=body.license_expires_on, created_at=utcnow(),
        )
        session.add(adjuster)
        return adjuster_out(adjuster, (0, 0), ct_today()).model_dump(mode="json")

    answer = await create_once(request, client, idempotency_key, body, work)
    if answer.status_code == 201:
        await _hand_out_waiting(request, client.client)
    return answer


@router.get("", response_model=Page[AdjusterOut])
async def list_adjusters(
    request: Request, _client: Reader, page: PageDep,
    role: Literal["adjuster", "nurse_case_manager"] | None = None,
    active: bool | None = None,
) -> Page[AdjusterOut]:
    query = select(Adjuster)
    if role:
        query = query.where(Adjuster.role == role)  # type: ignore[arg-type]
    if active is not None:
        query = query.where(Adjuster.active == active)  # type: ignore[arg-type]
    async with runtime_of(request).sessions() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        people = (await session.execute(
            query.order_by(Adjuster.username).limit(page.limit).offset(page.offset)  # type: ignore[arg-type]
        )).scalars().all()
        loads = await caseloads(session, [p.username for p in people])
    today = ct_today()
    return Page[AdjusterOut](items=[adjuster_out(p, loads.get(p.username, (0, 0)), today) for p in people],
                             total=total)


@router.get("/{username}", response_model=AdjusterOut)
async def get_adjuster(username: str, request: Request, _client: Reader) -> AdjusterOut:
    async with runtime_of(request).sessions() as session:
        adjuster = await session.get(Adjuster, username)
        if adjuster is None:
            raise HTTPException(404, f"no adjuster {username}")
        loads = await caseloads(session, [username])
    return adjuster_out(adjuster, loads.get(username, (0, 0)), ct_today())


@router.patch("/{username}", response_model=AdjusterOut)
async def change_adjuster(username: str, body: AdjusterPatch, request: Request,
                          client: Writer) -> AdjusterOut:
    """Change caps, specialties, licence or the active flag. A deactivated adjuster keeps
    their claims (reassign them with PUT /v1/claims/{n}/adjuster) but gets no new ones."""
    async with runtime_of(request).sessions() as session, session.begin():
        adjuster = await session.get(Adjuster, username, with_for_update=True)
        if adjuster is None:
            raise HTTPException(404, f"no adjuster {username}")
        changes = body.model_dump(exclude_unset=True)
        if "specialties" in changes:
            changes["specialties"] = ",".join(sorted(set(changes["specialties"] or [])))
        for field, value in changes.items():
            if value is not None or field == "license_expires_on":
                setattr(adjuster, field, value)
        if adjuster.role == "adjuster" and not adjuster.license_number:
            raise refused("an adjuster holds a Connecticut adjuster's licence (CGS 38a-792)")
        loads = await caseloads(session, [username])
    await _hand_out_waiting(request, client.client)
    return adjuster_out(adjuster, loads.get(username, (0, 0)), ct_today())
