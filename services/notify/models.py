"""The notify service's tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.db import UTCDateTime

notify_registry = registry()


class NotifyTable(SQLModel, registry=notify_registry):
    pass


class ReceivedEvent(NotifyTable, table=True):
    """Every event notify has seen: what may need telling, and the audit trail of the bus."""

    __tablename__ = "received_events"

    event_id: str = Field(primary_key=True, max_length=64)
    event_type: str = Field(max_length=100, index=True)
    subject: str = Field(max_length=200, index=True)
    source: str = Field(max_length=200)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)


class OnCallChange(NotifyTable, table=True):
    """Who is paged for catastrophic injuries, from `changed_at` on (the latest row holds).

    A row without a nurse means nobody is on call: pages then fail loudly.
    """

    __tablename__ = "on_call_changes"

    id: int | None = Field(default=None, primary_key=True)
    nurse_name: str | None = Field(default=None, max_length=200)
    nurse_phone: str | None = Field(default=None, max_length=16)
    nurse_email: str | None = Field(default=None, max_length=320)
    changed_by: str = Field(max_length=100)
    changed_at: datetime = Field(sa_type=UTCDateTime)


class WebhookSubscription(NotifyTable, table=True):
    """A carrier's or employer's webhook: events of `event_types` about one employer."""

    __tablename__ = "webhook_subscriptions"

    id: str = Field(primary_key=True, max_length=36)
    url: str = Field(sa_column=Column(Text, nullable=False))
    event_types: str = Field(sa_column=Column(Text, nullable=False))  # JSON list
    employer_fein: str = Field(max_length=10, index=True)
    secret: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # sealed (PiiCipher)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime)
    deleted_by: str | None = Field(default=None, max_length=100)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Notification(NotifyTable, table=True):
    """One message to one recipient on one channel, and its delivery: the delivery log.

    `status`: pending -> delivered, or pending -> retrying -> ... -> delivered | failed.
    `message` is what is sent, sealed (pages and events carry personal data). `dedupe_key`
    keeps a re-published injury report from being told twice.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "next_attempt_at"),)

    id: str = Field(primary_key=True, max_length=36)
    event_id: str = Field(max_length=64, index=True)
    event_type: str = Field(max_length=100, index=True)
    channel: str = Field(max_length=10)  # email | sms | webhook
    recipient: str = Field(max_length=2000, index=True)
    subscription_id: str | None = Field(default=None, max_length=36, index=True)
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    priority: int = 0  # pages first
    status: str = Field(max_length=10)
    transport: str | None = Field(default=None, max_length=20)
    message: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
