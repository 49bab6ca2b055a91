"""The notify service: tells the right people, by email, SMS and signed webhook.

Routes are thin: parse (`schemas`), read or write in one transaction, answer. Who is told
what happens in `handlers` (events in); sending in `delivery` (the background worker).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel import col

from services.notify.delivery import DeliveryWorker, count_waiting, wake_on_staged
from services.notify.handlers import subscription_cache, subscriptions
from services.notify.models import Notification, OnCallChange, ReceivedEvent, WebhookSubscription
from services.notify.notifications import current_on_call
from services.notify.retry import RetrySchedule
from services.notify.schemas import (
    FEIN,
    Channel,
    NotificationOut,
    Nurse,
    OnCallIn,
    OnCallOut,
    Status,
    SubscriptionIn,
    SubscriptionOut,
)
from services.notify.settings import NotifySettings
from services.notify.transports import FileTransport, Transports
from shared.auth import ApiClient
from shared.db import utcnow
from shared.http.idempotency import create_once
from shared.http.pagination import Page, PageDep
from shared.http.security import requires
from shared.service import ServiceDefinition, ServiceRuntime, create_app

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["notify"])
Reader = Annotated[ApiClient, Depends(requires("notify:read"))]
Writer = Annotated[ApiClient, Depends(requires("notify:write"))]


def _runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def _page(request: Request, query: Select[Any], order: Any, page: Any) -> tuple[list[Any], int]:
    async with _runtime(request).sessions() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        rows = (await session.execute(query.order_by(*order).limit(page.limit).offset(page.offset)))
    return list(rows.scalars().all()), total


# --- on call ------------------------------------------------------------------------------

def _on_call_out(change: OnCallChange | None) -> OnCallOut:
    if change is None:
        return OnCallOut(nurse=None, since=None, changed_by=None)
    nurse = None
    if change.nurse_name is not None:
        nurse = Nurse(name=change.nurse_name, phone=change.nurse_phone or "", email=change.nurse_email or "")
    return OnCallOut(nurse=nurse, since=change.changed_at, changed_by=change.changed_by)


@router.get("/on-call", response_model=OnCallOut)
async def on_call(request: Request, _client: Reader) -> OnCallOut:
    """Who is paged for catastrophic injuries now."""
    async with _runtime(request).sessions() as session:
        return _on_call_out(await current_on_call(session))


@router.put("/on-call", response_model=OnCallOut)
async def put_on_call(body: OnCallIn, request: Request, client: Writer) -> OnCallOut:
    """Put a nurse on call: from now on catastrophic injuries page them by SMS and email."""
    change = OnCallChange(nurse_name=body.nurse.name, nurse_phone=body.nurse.phone,
                          nurse_email=body.nurse.email, changed_by=client.client, changed_at=utcnow())
    async with _runtime(request).sessions() as session, session.begin():
        session.add(change)
    log.info("on-call nurse set to %s by %s", body.nurse.name, client.client)
    return _on_call_out(change)


@router.delete("/on-call", status_code=204)
async def clear_on_call(request: Request, client: Writer) -> Response:
    """Nobody on call: catastrophic pages then fail loudly (`failed`, `notify.delivery-failed`)
    instead of reaching a nurse who is off duty."""
    async with _runtime(request).sessions() as session, session.begin():
        session.add(OnCallChange(changed_by=client.client, changed_at=utcnow()))
    log.warning("on-call nurse cleared by %s: nobody is paged for catastrophic injuries", client.client)
    return Response(status_code=204)


@router.get("/on-call/history", response_model=Page[OnCallOut])
async def on_call_history(request: Request, _client: Reader, page: PageDep) -> Page[OnCallOut]:
    """Every on-call change, newest first, with the API client that made it."""
    rows, total = await _page(request, select(OnCallChange), [col(OnCallChange.id).desc()], page)
    return Page[OnCallOut](items=[_on_call_out(r) for r in rows], total=total)


# --- webhook subscriptions ----------------------------------------------------------------

def _subscription_out(row: WebhookSubscription) -> SubscriptionOut:
    return SubscriptionOut(subscription_id=row.id, url=row.url, event_types=json.loads(row.event_types),
                           employer_fein=row.employer_fein, created_by=row.created_by,
                           created_at=row.created_at)


@router.post("/subscriptions", status_code=201, response_model=SubscriptionOut, responses={
    409: {"description": "Idempotency-Key used before with another body"},
    422: {"description": "every bad field, each named in `loc`"},
})
async def subscribe(
    body: SubscriptionIn, request: Request, client: Writer,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    """A carrier's or employer's webhook for events about one employer. Each delivery is the
    CloudEvent JSON, signed: `X-Claimline-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
    "t.body">` under `secret` (stored encrypted, never answered)."""
    runtime = _runtime(request)
    sealed_secret = runtime.pii().encrypt(body.secret)
    assert sealed_secret is not None

    async def create(session: Any) -> dict[str, Any]:
        row = WebhookSubscription(
            id=str(uuid.uuid4()), url=body.url, event_types=json.dumps(body.event_types),
            employer_fein=body.employer_fein, secret=sealed_secret, created_by=client.client,
            created_at=utcnow(),
        )
        session.add(row)
        log.info("webhook subscription %s for %s created by %s", row.id, row.employer_fein, client.client)
        return _subscription_out(row).model_dump(mode="json")

    answer = await create_once(runtime.sessions, request, client, idempotency_key, body, create)
    subscription_cache(runtime).invalidate()  # committed: the next event sees it
    return answer




@router.get("/subscriptions", response_model=Page[SubscriptionOut])
async def list_subscriptions(
    request: Request, _client: Reader, page: PageDep,
    employer_fein: Annotated[str | None, Query(pattern=FEIN)] = None,
) -> Page[SubscriptionOut]:
    """Live subscriptions, oldest first (secrets are never shown)."""
    query = select(WebhookSubscription).where(col(WebhookSubscription.deleted_at).is_(None))
    if employer_fein is not None:
        query = query.where(col(WebhookSubscription.employer_fein) == employer_fein)
    rows, total = await _page(request, query, [col(WebhookSubscription.created_at),
                                               col(WebhookSubscription.id)], page)
    return Page[SubscriptionOut](items=[_subscription_out(r) for r in rows], total=total)


async def _live_subscription(session: Any, subscription_id: str) -> WebhookSubscription:
    row = await session.get(WebhookSubscription, subscription_id[:36])
    if row is None or row.deleted_at is not None:
        raise HTTPException(404, f"no subscription {subscription_id}")
    assert isinstance(row, WebhookSubscription)
    return row


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionOut)
async def get_subscription(subscription_id: str, request: Request, _client: Reader) -> SubscriptionOut:
    async with _runtime(request).sessions() as session:
        return _subscription_out(await _live_subscription(session, subscription_id))


@router.delete("/subscriptions/{subscription_id}", status_code=204)
async def unsubscribe(subscription_id: str, request: Request, client: Writer) -> Response:
    """No more deliveries; those not yet delivered end `failed` ("subscription deleted")."""
    async with _runtime(request).sessions() as session, session.begin():
        row = await _live_subscription(session, subscription_id)
        row.deleted_at = utcnow()
        row.deleted_by = client.client
    subscription_cache(_runtime(request)).invalidate()  # committed: no more staging for it
    log.info("webhook subscription %s deleted by %s", subscription_id, client.client)
    return Response(status_code=204)


# --- the delivery log ---------------------------------------------------------------------

def _notification_out(row: Notification) -> NotificationOut:
    return NotificationOut(
        notification_id=row.id, event_id=row.event_id, event_type=row.event_type, channel=row.channel,
        recipient=row.recipient, subscription_id=row.subscription_id, status=row.status,
        transport=row.transport, attempts=row.attempts, last_error=row.last_error,
        next_attempt_at=row.next_attempt_at if row.status in ("pending", "retrying") else None,
        created_at=row.created_at, updated_at=row.updated_at, delivered_at=row.delivered_at,
        failed_at=row.failed_at,
    )


@router.get("/notifications", response_model=Page[NotificationOut])
async def notifications(
    request: Request, _client: Reader, page: PageDep,
    recipient: str | None = None,
    event_type: str | None = None,
    status: Status | None = None,
    channel: Channel | None = None,
    event_id: str | None = None,
    subscription_id: str | None = None,
) -> Page[NotificationOut]:
    """The delivery log, newest first: each notification with the event that caused it."""
    query = select(Notification)
    for column, value in ((Notification.recipient, recipient), (Notification.event_type, event_type),
                          (Notification.status, status), (Notification.channel, channel),
                          (Notification.event_id, event_id),
                          (Notification.subscription_id, subscription_id)):
        if value is not None:
            query = query.where(col(column) == value)
    rows, total = await _page(request, query, [col(Notification.created_at).desc(),
                                               col(Notification.id)], page)
    return Page[NotificationOut](items=[_notification_out(r) for r in rows], total=total)


@router.get("/notifications/{notification_id}", response_model=NotificationOut)
async def notification(notification_id: str, request: Request, _client: Reader) -> NotificationOut:
    async with _runtime(request).sessions() as session:
        row = await session.get(Notification, notification_id[:36])
    if row is None:
        raise HTTPException(404, f"no notification {notification_id}")
    return _notification_out(row)


# --- events seen --------------------------------------------------------------------------

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
        query = query.where(col(ReceivedEvent.event_type) == event_type)
    if subject:
        query = query.where(col(ReceivedEvent.subject) == subject)
    rows, total = await _page(request, query, [col(ReceivedEvent.received_at)], page)
    items = [ReceivedEventOut.model_validate(r, from_attributes=True) for r in rows]
    return Page[ReceivedEventOut](items=items, total=total)


# --- the service --------------------------------------------------------------------------

async def _start(runtime: ServiceRuntime) -> None:
    settings = runtime.settings
    assert isinstance(settings, NotifySettings)
    client = httpx.AsyncClient(timeout=settings.delivery_timeout_s, follow_redirects=False)
    transports = Transports.from_settings(settings, client)
    for channel in ("sms", "email"):
        transport = transports.for_channel(channel)
        if isinstance(transport, FileTransport):
            log.warning("no %s transport configured: %s messages (nurse pages among them) are "
                        "written to %s, and nobody receives them", channel, channel, transport.path)
    worker = DeliveryWorker(
        runtime.sessions, runtime.pii(), transports,
        RetrySchedule(settings.delivery_max_attempts, settings.delivery_backoff_s,
                      settings.delivery_backoff_factor),
        timeout_s=settings.delivery_timeout_s, concurrency=settings.delivery_concurrency,
        poll_interval_s=settings.delivery_poll_interval_s,
    )
    wake_on_staged(runtime.sessions, worker)
    runtime.extras["delivery"] = worker

    async def deliver() -> None:
        try:
            await worker.run()
        finally:
            await client.aclose()

    runtime.background.append(asyncio.create_task(deliver(), name="notify-delivery"))
    runtime.gauge_refreshers.append(lambda: count_waiting(runtime.sessions))


DEFINITION = ServiceDefinition(
    name="notify",
    title="Claimline notify",
    description="Tells nurses, adjusters, employers, carriers and the Commission what happened: "
                "pages the on-call nurse for catastrophic injuries, delivers signed webhooks, "
                "and keeps the delivery log.",
    settings_class=NotifySettings,
    migrations=Path(__file__).with_name("migrations"),
    routers=[router],
    subscriptions=subscriptions,
    on_start=_start,
)


def create() -> Any:
    return create_app(DEFINITION)
