"""Group commit: reports queue to one writer that stores up to `batch_size` per transaction.

A caller hears `202` only after its own report is committed, but many callers share one
commit, which is what lets a durable intake keep up on a small machine (the fsync per
commit, not Python, is the wall). If a batch fails, each report is retried alone, so one
bad report (a confirmation-number clash, a racing Idempotency-Key) never sinks the others.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake.models import InjuryReport, ReportHistory
from services.intake.reports import PreparedReport, injury_reported_event, report_priority
from shared.bus.outbox import mark_outbox_written
from shared.bus.tables import OutboxRecord
from shared.db import utcnow
from shared.http.idempotency import IdempotencyRecord

log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """Intake's own database did not take the report: the caller gets 503 and retries."""


class KeyRace(Exception):
    """Another request with the same Idempotency-Key was stored first."""


_Pending = tuple[PreparedReport, "asyncio.Future[dict[str, Any]]"]


class ReportWriter:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], batch_size: int = 256) -> None:
        self.sessions = sessions
        self.batch_size = batch_size
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self.batches_written = 0

    async def submit(self, prepared: PreparedReport) -> dict[str, Any]:
        """Store one report; answers its 202 body once its transaction has committed."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        await self._queue.put((prepared, future))
        return await future

    async def run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.batch_size and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._write(batch)

    async def _write(self, batch: list[_Pending]) -> None:
        try:
            await self._store([p for p, _ in batch])
        except Exception as error:  # noqa: BLE001 - fall back to one transaction per report
            if len(batch) == 1:
                await self._write_alone(batch[0], error)
                return
            for pending in batch:
                await self._write_alone(pending, error)
            return
        for prepared, future in batch:
            if not future.done():
                future.set_result(prepared.answer())

    async def _write_alone(self, pending: _Pending, first_error: BaseException) -> None:
        prepared, future = pending
        error: BaseException = first_error
        for _attempt in range(3):
            try:
                await self._store([prepared])
            except IntegrityError as clash:
                error = clash
                if await self._key_taken(prepared):
                    error = KeyRace()
                    break
                prepared.redraw_confirmation_number()  # the only other unique value
                continue
            except Exception as failure:  # noqa: BLE001 - the database is down or broken
                error = failure
                break
            if not future.done():
                future.set_result(prepared.answer())
            return
        if not future.done():
            log.error("report %s not stored: %s", prepared.report_id, type(error).__name__)
            future.set_exception(error if isinstance(error, KeyRace) else StoreUnavailable())

    async def _key_taken(self, prepared: PreparedReport) -> bool:
        if prepared.idempotency is None:
            return False
        client, key, _ = prepared.idempotency
        async with self.sessions() as session:
            return await session.get(IdempotencyRecord, (client, key)) is not None

    async def _store(self, batch: list[PreparedReport]) -> None:
        now = utcnow()
        async with self.sessions() as session, session.begin():
            await _link_duplicates(session, batch)
            await session.execute(insert(InjuryReport.__table__), [p.row for p in batch])  # type: ignore[attr-defined]
            await session.execute(insert(ReportHistory.__table__), [  # type: ignore[attr-defined]
                {"report_id": p.report_id, "at": now, "actor": p.row["submitted_by"],
                 "action": "received", "details": json.dumps({"channel": p.row["channel"]})}
                for p in batch
            ])
            outbox = []
            for p in batch:
                event = injury_reported_event(p.row, p.details, publication=1)
                outbox.append({
                    "event_id": event.id, "topic": event.type, "key": event.subject,
                    "payload": event.to_bytes(), "priority": report_priority(p.row),
                    "created_at": now, "sent_at": None,
                })
            await session.execute(insert(OutboxRecord.__table__), outbox)  # type: ignore[attr-defined]
            keyed = [p for p in batch if p.idempotency is not None]
            if keyed:
                await session.execute(insert(IdempotencyRecord.__table__), [  # type: ignore[attr-defined]
                    {"client": p.idempotency[0], "key": p.idempotency[1],  # type: ignore[index]
                     "request_hash": p.idempotency[2], "status_code": 202,  # type: ignore[index]
                     "response": json.dumps(p.answer()), "created_at": now}
                    for p in keyed
                ])
            mark_outbox_written(session)
        self.batches_written += 1


async def _link_duplicates(session: AsyncSession, batch: list[PreparedReport]) -> None:
    """Link each report to the first stored (or earlier in this batch) with its fingerprint."""
    fingerprints = {p.row["fingerprint"] for p in batch}
    found = await session.execute(
        select(InjuryReport.fingerprint, InjuryReport.id)
        .where(InjuryReport.fingerprint.in_(fingerprints))  # type: ignore[attr-defined]
        .order_by(InjuryReport.received_at)  # type: ignore[arg-type]
    )
    first: dict[str, str] = {}
    for fingerprint, report_id in found:
        first.setdefault(fingerprint, report_id)
    for prepared in batch:
        original = first.setdefault(prepared.row["fingerprint"], prepared.report_id)
        if original != prepared.report_id:
            prepared.row["probable_duplicate_of"] = original
            prepared.probable_duplicate_of = original
