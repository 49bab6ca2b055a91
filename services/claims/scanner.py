"""The deadline scanner: announces each statutory clock ahead of its last day and when it is
missed, as `claims.deadline-due` (states `approaching` and `missed`).

Each announcement is recorded in `deadline_notices` in the transaction that stages the
event, so a restart, a second replica or the next scan never repeats one: at most one
event per claim, kind, due date and state. (A clock whose due date moves, such as the
90-day reserve review, is announced again for its new date.) The same loop also hands
waiting claims to adjusters and nurses who have gained room.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.claims.casework.assignment import assign_waiting
from services.claims.casework.claim_file import SOURCE, facts_of
from services.claims.casework.connecticut_time import ct_today
from services.claims.clocks import clocks, to_warn
from services.claims.models import Claim, DeadlineNotice
from shared.bus.outbox import add_event
from shared.db import utcnow
from shared.events.catalogue import ClaimDeadlineDue
from shared.events.envelope import new_event

log = logging.getLogger(__name__)
BATCH = 500


async def scan_deadlines(sessions: async_sessionmaker[AsyncSession], *, today: date,
                         warn_days: int) -> int:
    """Announce what is due soon or missed on every claim not closed; answers how many
    events were staged. Claims are taken in batches of 500, one transaction each."""
    staged = 0
    after = ""
    while True:
        try:
            count, after = await _scan_batch(sessions, after, today, warn_days)
        except IntegrityError:  # another scanner announced the same clock first
            log.info("deadline scan raced another replica at %s; it goes on next time", after)
            return staged
        staged += count
        if not after:
            return staged


async def _scan_batch(sessions: async_sessionmaker[AsyncSession], after: str, today: date,
                      warn_days: int) -> tuple[int, str]:
    async with sessions() as session, session.begin():
        claims = (await session.execute(
            select(Claim).where(Claim.status != "closed", Claim.claim_number > after)  # type: ignore[arg-type]
            .order_by(Claim.claim_number).limit(BATCH)  # type: ignore[arg-type]
        )).scalars().all()
        if not claims:
            return 0, ""
        numbers = [c.claim_number for c in claims]
        sent: dict[str, set[tuple[str, date, str]]] = defaultdict(set)
        for notice in (await session.execute(
            select(DeadlineNotice).where(DeadlineNotice.claim_number.in_(numbers))  # type: ignore[attr-defined]
        )).scalars():
            sent[notice.claim_number].add((notice.kind, notice.due_on, notice.state))
        staged = 0
        now = utcnow()
        for claim in claims:
            for clock, state in to_warn(clocks(facts_of(claim), today), today, warn_days):
                if (clock.kind, clock.due_on, state) in sent[claim.claim_number]:
                    continue
                event = new_event(
                    source=SOURCE, type="claims.deadline-due", subject=claim.claim_number,
                    data=ClaimDeadlineDue(
                        claim_number=claim.claim_number, employer_fein=claim.employer_fein,
                        kind=clock.kind, due_on=clock.due_on, basis=clock.basis, state=state,
                    ),
                )
                add_event(session, event)
                session.add(DeadlineNotice(
                    claim_number=claim.claim_number, kind=clock.kind, due_on=clock.due_on,
                    state=state, event_id=event.id, emitted_at=now,
                ))
                staged += 1
        last = numbers[-1] if len(claims) == BATCH else ""
    return staged, last


async def scanner_loop(sessions: async_sessionmaker[AsyncSession], *, interval_s: float,
                       warn_days: int) -> None:
    """Scan at start and then every `interval_s` seconds until cancelled."""
    while True:
        try:
            await scan_deadlines(sessions, today=ct_today(), warn_days=warn_days)
            async with sessions() as session, session.begin():
                await assign_waiting(session, "claims:deadline-scan", utcnow())
        except Exception as error:  # noqa: BLE001 - the database may be down; try again later
            log.warning("deadline scan failed: %r", error)
        await asyncio.sleep(interval_s)
