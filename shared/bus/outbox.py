"""The transactional outbox: events are rows written with the state change, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from shared.bus.tables import OutboxRecord
from shared.db import utcnow
from shared.events.catalogue import topic_of
from shared.events.envelope import CloudEvent
from shared.pii import PiiCipher

_DIRTY = "claimline.outbox_written"
OUTBOX_CIPHER = "claimline.outbox_cipher"

PRIORITY_ROUTINE = 0
PRIORITY_URGENT = 10


def add_event(session: AsyncSession, cloud_event: CloudEvent, *, priority: int = PRIORITY_ROUTINE,
              topic: str | None = None) -> OutboxRecord:
    """Stage `cloud_event` for publication; it is published only if the transaction commits."""
    record = OutboxRecord(
        event_id=cloud_event.id,
        topic=topic or topic_of(cloud_event.type),
        key=cloud_event.subject,
        payload=seal_payload(session.info, cloud_event.to_bytes()),
        priority=priority,
        created_at=utcnow(),
    )
    session.add(record)
    session.info[_DIRTY] = True
    return record


def seal_payload(info: Mapping[str, Any], payload: bytes) -> bytes:
    """Events may carry personal and medical details: where the service has PII keys, an
    outbox row (kept for the retention window) is sealed; the relay unseals it to publish."""
    cipher: PiiCipher | None = info.get(OUTBOX_CIPHER)
    return cipher.seal(payload) if cipher is not None else payload


def unseal_payload(cipher: PiiCipher | None, payload: bytes) -> bytes:
    """A plain payload is a JSON object (`{...}`); anything else is a sealed one."""
    if payload[:1] == b"{" or cipher is None:
        return payload
    return cipher.unseal(payload)


def outbox_sealer(sessions: async_sessionmaker[AsyncSession]) -> Callable[[bytes], bytes]:
    """`seal_payload` for code that writes outbox rows without `add_event`."""
    info: Mapping[str, Any] = sessions.kw.get("info") or {}
    return lambda payload: seal_payload(info, payload)


def mark_outbox_written(session: AsyncSession) -> None:
    """For code that inserts outbox rows with Core statements instead of `add_event`."""
    session.info[_DIRTY] = True


def wake_on_commit(sessions: async_sessionmaker[AsyncSession], wake: Callable[[], None]) -> None:
    """Call `wake` after every commit that wrote outbox rows: the relay is woken by the commit."""
    session_class = sessions.kw["sync_session_class"]

    @event.listens_for(session_class, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.pop(_DIRTY, False):
            wake()

    @event.listens_for(session_class, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_DIRTY, None)
