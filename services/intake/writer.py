"""Group commit: reports queue to one writer that stores up to `batch_size` per transaction.

A caller hears `202` only after its own report is committed, but many callers share one
commit, which is what lets a durable intake keep up on a small machine (the fsync per
commit, not Python, is the wall). If a batch fails, each report is retried alone, so one
bad report (a confirmation-number clash, a racing Idempotency-Key) never sinks the others.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.intake.models import InjuryReport, ReportHistory
from services.intake.reports import PreparedReport, injury_reported_payload, report_priority
from shared.bus.outbox import mark_outbox_written, outbox_sealer
from shared.bus.tables import OutboxRecord
from shared.db import utcnow
from shared.events.catalogue import topic_of
from shared.http.idempotency import IdempotencyRecord

log = logging.getLogger(__name__)
INJURY_REPORTED = topic_of("intake.injury-reported")


class StoreUnavailable(Exception):
    """Intake's own database did not take the report: the caller gets 503 and retries."""


class KeyRace(Exception):
    """Another request with the same Idempotency-Key was stored first."""


_Pending = tuple[PreparedReport, "asyncio.Future[dict[str, Any]]"]


class ReportWriter:
    """The one task that writes reports. `max_pending` caps the queue (beyond it callers get
    503 at once rather than a wait that only grows); `timeout_s` caps a caller's wait."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], batch_size: int = 256, *,
                 max_pending: int = 10_000, timeout_s: float = 10.0,
                 engine: AsyncEngine | None = None, on_commit: Callable[[], None] | None = None,
                 ) -> None:
        self.sessions = sessions
        self.seal = outbox_sealer(sessions)  # events carry medical details: sealed at rest
        self.engine = engine  # on PostgreSQL (asyncpg) the writer talks to the driver directly
        self.on_commit = on_commit
        self.batch_size = batch_size
        self.max_pending = max_pending
        self.timeout_s = timeout_s
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.batches_written = 0

    def start(self) -> asyncio.Task[None]:
        self._task = asyncio.create_task(self.run(), name="intake-writer")
        return self._task

    async def submit(self, prepared: PreparedReport) -> dict[str, Any]:
        """Store one report; answers its 202 body once its transaction has committed.

        Raises StoreUnavailable when the writer is not running, too far behind, or the store
        does not answer within `timeout_s` (the report may still be committed then: a caller's
        retry is linked to it as a probable duplicate, or answered by its Idempotency-Key).
        """
        if self._task is None or self._task.done() or self._queue.qsize() >= self.max_pending:
            raise StoreUnavailable()
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((prepared, future))
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout_s)
        except TimeoutError:
            log.error("report %s: the store did not answer within %.1fs",
                      prepared.report_id, self.timeout_s)
            raise StoreUnavailable() from None

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
            except (IntegrityError, asyncpg.IntegrityConstraintViolationError) as clash:
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
            if isinstance(error, KeyRace):  # a concurrent retry with the same key was stored first
                log.info("report %s not stored: its Idempotency-Key was taken", prepared.report_id)
            else:
                log.error("report %s not stored: %s", prepared.report_id, type(error).__name__)
            future.set_exception(error if isinstance(error, KeyRace) else StoreUnavailable())

    async def _key_taken(self, prepared: PreparedReport) -> bool:
        if prepared.idempotency is None:
            return False
        client, key, _ = prepared.idempotency
        async with self.sessions() as session:
            return await session.get(IdempotencyRecord, (client, key)) is not None

    async def _store(self, batch: list[PreparedReport]) -> None:
        """One transaction: the reports, their history, their events and their keys."""
        if self.engine is not None and self.engine.dialect.driver == "asyncpg":
            await self._store_asyncpg(batch)
        else:
            await self._store_orm(batch)
        self.batches_written += 1

    async def _store_orm(self, batch: list[PreparedReport]) -> None:
        async with self.sessions() as session, session.begin():
            found = (await session.execute(
                select(InjuryReport.fingerprint, InjuryReport.received_at, InjuryReport.id)  # type: ignore[call-overload]
                .where(InjuryReport.fingerprint.in_(_candidates(batch)))  # type: ignore[attr-defined]
            )).all()
            rows = _Rows.of(_link_duplicates(batch, found), utcnow(), self.seal)
            for table, values in rows.by_table():
                if values:
                    await session.execute(insert(table), values)
            mark_outbox_written(session)

    async def _store_asyncpg(self, batch: list[PreparedReport]) -> None:
        """The same on the driver itself: prepared statements and pipelined `executemany`,
        without SQLAlchemy's per-row work (most of the writer's time when it was used)."""
        assert self.engine is not None
        async with self.engine.connect() as connection:
            driver: Any = (await connection.get_raw_connection()).driver_connection
            async with driver.transaction():
                found = await driver.fetch(_FIND_FINGERPRINTS, list(_candidates(batch)))
                rows = _Rows.of(_link_duplicates(batch, found), utcnow(), self.seal)
                for table, values in rows.by_table():
                    if values:
                        names = list(values[0])
                        await driver.executemany(_insert_sql(table.name, tuple(names)),
                                                 [tuple(v[n] for n in names) for v in values])
        if self.on_commit is not None:
            self.on_commit()  # wake the outbox relay, as a session commit does


_FIND_FINGERPRINTS = (
    "SELECT fingerprint, received_at, id FROM injury_reports WHERE fingerprint = ANY($1::varchar[])"
)


@functools.cache
def _insert_sql(table: str, names: tuple[str, ...]) -> str:
    columns = ", ".join(f'"{n}"' for n in names)
    values = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    return f'INSERT INTO "{table}" ({columns}) VALUES ({values})'


@dataclass
class _Rows:
    """The rows one batch of reports writes, table by table."""

    reports: list[dict[str, Any]]
    history: list[dict[str, Any]]
    outbox: list[dict[str, Any]]
    keys: list[dict[str, Any]]

    @classmethod
    def of(cls, batch: list[PreparedReport], now: datetime, seal: Callable[[bytes], bytes]) -> _Rows:
        outbox = []
        for p in batch:
            event_id, payload = injury_reported_payload(p.row, p.details, publication=1)
            outbox.append({
                "event_id": event_id, "topic": INJURY_REPORTED, "key": p.report_id,
                "payload": seal(payload), "priority": report_priority(p.row),
                "created_at": now, "sent_at": None,
            })
        return cls(
            reports=[p.row for p in batch],
            history=[{"report_id": p.report_id, "at": now, "actor": p.row["submitted_by"],
                      "action": "received", "details": json.dumps({"channel": p.row["channel"]})}
                     for p in batch],
            outbox=outbox,
            keys=[{"client": p.idempotency[0], "key": p.idempotency[1],
                   "request_hash": p.idempotency[2], "status_code": 202,
                   "response": json.dumps(p.answer()), "created_at": now}
                  for p in batch if p.idempotency is not None],
        )

    def by_table(self) -> list[tuple[Table, list[dict[str, Any]]]]:
        return [(InjuryReport.__table__, self.reports),  # type: ignore[attr-defined]
                (ReportHistory.__table__, self.history),  # type: ignore[attr-defined]
                (OutboxRecord.__table__, self.outbox),  # type: ignore[attr-defined]
                (IdempotencyRecord.__table__, self.keys)]  # type: ignore[attr-defined]


def _candidates(batch: list[PreparedReport]) -> set[str]:
    return {f for p in batch for f in (p.fingerprints or [p.row["fingerprint"]])}


def _link_duplicates(batch: list[PreparedReport], found: Iterable[Sequence[Any]]) -> list[PreparedReport]:
    """Link each report to the first stored (or earlier in this batch) with its fingerprint.

    A fingerprint is looked up under every PII key (reports stored before a key rotation), and
    the link is decided afresh on every attempt: a report retried alone after its batch failed
    must not point at a batch neighbour that was never stored.
    """
    stored: dict[str, tuple[Any, str]] = {}
    for fingerprint, received_at, report_id in found:
        stored[fingerprint] = min(stored.get(fingerprint, (received_at, report_id)),
                                  (received_at, report_id))
    earlier_in_batch: dict[str, str] = {}
    for prepared in batch:
        aliases = prepared.fingerprints or [prepared.row["fingerprint"]]
        firsts = [stored[f] for f in aliases if f in stored]
        original = min(firsts)[1] if firsts else None
        if original is None:
            original = earlier_in_batch.setdefault(prepared.row["fingerprint"], prepared.report_id)
        original = None if original == prepared.report_id else original
        prepared.row["probable_duplicate_of"] = original
        prepared.probable_duplicate_of = original
    return batch
