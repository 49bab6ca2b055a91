"""The tables of the delivery machinery every service has in its own database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, LargeBinary, Text
from sqlmodel import Field

from shared.db import SharedTable, UTCDateTime


class OutboxRecord(SharedTable, table=True):
    """An event written in the same transaction as the state change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "priority", "seq"),)

    seq: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=64, unique=True)
    topic: str = Field(max_length=200)
    key: str = Field(max_length=200)
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    priority: int = 0
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ProcessedEvent(SharedTable, table=True):
    """The inbox: an event id a consumer has applied, written in the same transaction."""

    __tablename__ = "inbox"

    consumer: str = Field(primary_key=True, max_length=100)
    event_id: str = Field(primary_key=True, max_length=64)
    processed_at: datetime = Field(sa_type=UTCDateTime)


class DeadLetter(SharedTable, table=True):
    """An event a consumer could not parse or apply; kept here and on `<topic>.dlq`."""

    __tablename__ = "dead_letters"

    id: str = Field(primary_key=True, max_length=64)
    consumer: str = Field(max_length=100, index=True)
    topic: str = Field(max_length=200)
    partition: int
    offset: int = Field(sa_type=BigInteger)
    key: str | None = Field(default=None, max_length=200)
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    event_id: str | None = Field(default=None, max_length=64)
    error: str = Field(sa_column=Column(Text, nullable=False))
    attempts: int
    failed_at: datetime = Field(sa_type=UTCDateTime)
    replayed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BusState(SharedTable, table=True):
    """Small facts the bus remembers, such as the broker epoch it last published into."""

    __tablename__ = "bus_state"

    name: str = Field(primary_key=True, max_length=100)
    value: str = Field(max_length=200)
