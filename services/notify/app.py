"""The notify service: tells the right people, by email, SMS and signed webhook."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy import func, select

from services.notify.handlers import subscriptions
from services.notify.models import ReceivedEvent
from shared.auth import ApiClient
from shared.http.pagination import Page, PageDep
from shared.http.security import requires
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

router = APIRouter(prefix="/v1", tags=["notify"])
Reader = Annotated[ApiClient, Depends(requires("notify:read"))]


class ReceivedEventOut(BaseModel):
    event_id: str
    event_type: str
    subject: str
    source: str
    occurred_at: datetime
    received_at: datetime


@router.get("/received-events", response_model=Page[ReceivedEventOut])
async def received_events(
    request: Request, _client: Reader, page: PageDep,
    event_type: str | None = None, subject: str | None = None,
) -> Page[ReceivedEventOut]:
    query = select(ReceivedEvent)
    if event_type:
        query = query.where(ReceivedEvent.event_type == event_type)  # type: ignore[arg-type]
    if subject:
        query = query.where(ReceivedEvent.subject == subject)  # type: ignore[arg-type]
    async with request.app.state.runtime.sessions() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        rows = (await session.execute(
            query.order_by(ReceivedEvent.received_at).limit(page.limit).offset(page.offset)  # type: ignore[arg-type]
        )).scalars().all()
    items = [ReceivedEventOut.model_validate(r, from_attributes=True) for r in rows]
    return Page[ReceivedEventOut](items=items, total=total)


DEFINITION = ServiceDefinition(
    name="notify",
    title="Claimline notify",
    description="Tells nurses, adjusters, employers, carriers and the Commission what happened.",
    settings_class=ServiceSettings,
    migrations=Path(__file__).with_name("migrations"),
    routers=[router],
    subscriptions=subscriptions,
)


def create() -> Any:
    return create_app(DEFINITION)
