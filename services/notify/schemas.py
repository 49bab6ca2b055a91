"""Bodies and answers of the notify API. A 422 names every bad field (`loc`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from services.notify.webhooks import UNSUBSCRIBABLE, subscribable_event_types
from shared.events.catalogue import CATALOGUE

E164 = r"^\+[1-9]\d{7,14}$"
EMAIL = r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$"
FEIN = r"^\d{2}-\d{7}$"
Status = Literal["pending", "delivered", "retrying", "failed"]
Channel = Literal["email", "sms", "webhook"]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Nurse(BaseModel):
    name: Text
    phone: Annotated[str, StringConstraints(strip_whitespace=True, pattern=E164)] = Field(
        description="E.164, e.g. +18605550100")
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=320, pattern=EMAIL)]


class OnCallIn(BaseModel):
    nurse: Nurse


class OnCallOut(BaseModel):
    """Who is paged for catastrophic injuries now (`nurse` null: nobody, pages fail loudly)."""

    nurse: Nurse | None
    since: datetime | None
    changed_by: str | None


def _webhook_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise ValueError("must not carry credentials (the secret signs each delivery)")
    return url


def _event_type(event_type: str) -> str:
    if event_type in UNSUBSCRIBABLE:
        raise ValueError(f"{event_type} names no employer and cannot be subscribed to")
    if event_type not in CATALOGUE:
        raise ValueError(f"unknown event type; one of {', '.join(subscribable_event_types())}")
    return event_type


def _distinct(event_types: list[str]) -> list[str]:
    return list(dict.fromkeys(event_types))


WebhookUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000),
                       AfterValidator(_webhook_url)]
EventType = Annotated[str, AfterValidator(_event_type)]


class SubscriptionIn(BaseModel):
    url: WebhookUrl
    event_types: Annotated[list[EventType], Field(min_length=1, max_length=len(CATALOGUE)),
                           AfterValidator(_distinct)]
    employer_fein: Annotated[str, StringConstraints(pattern=FEIN)]
    secret: Annotated[str, StringConstraints(min_length=16, max_length=512)] = Field(
        description="signs each delivery (HMAC-SHA256); stored encrypted, never shown again")


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    subscription_id: str
    url: str
    event_types: list[str]
    employer_fein: str
    created_by: str
    created_at: datetime


class NotificationOut(BaseModel):
    notification_id: str
    event_id: str
    event_type: str
    channel: str
    recipient: str
    subscription_id: str | None
    status: str
    transport: str | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None
    failed_at: datetime | None
