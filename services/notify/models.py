"""The notify service's tables."""

from __future__ import annotations

from datetime import datetime

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
