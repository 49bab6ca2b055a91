"""The roster as the assignment rules see it: each adjuster and nurse case manager with the
open claims they carry."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims import assignment as rules
from services.claims.casework.claim_file import PENDING
from services.claims.models import Adjuster, Claim


def handler_of(adjuster: Adjuster, lost_time: int = 0, medical_only: int = 0) -> rules.Handler:
    return rules.Handler(
        username=adjuster.username, role=adjuster.role,
        specialties=frozenset(s for s in adjuster.specialties.split(",") if s),
        lost_time_cap=adjuster.lost_time_cap, medical_only_cap=adjuster.medical_only_cap,
        active=adjuster.active, license_expires_on=adjuster.license_expires_on,
        open_lost_time=lost_time, open_medical_only=medical_only,
    )


async def caseloads(session: AsyncSession, usernames: Iterable[str] | None = None
                    ) -> dict[str, tuple[int, int]]:
    """Open (not closed) claims each person carries: (lost-time, medical-only).
    A nurse's claims count as lost-time (nurses are on lost-time and catastrophic claims).
    A probable duplicate still under review is not counted (Claimline duplicate policy,
    `services.claims.assignment`)."""
    loads: dict[str, list[int]] = {}
    counted = col(Claim.duplicate_review).is_(None) | (col(Claim.duplicate_review) != PENDING)
    for is_nurse, column in ((False, Claim.adjuster), (True, Claim.nurse)):
        query = (select(col(column), col(Claim.classification), func.count())
                 .where(col(Claim.status) != "closed", col(column).is_not(None), counted)
                 .group_by(col(column), col(Claim.classification)))
        if usernames is not None:
            query = query.where(col(column).in_(list(usernames)))
        for username, classification, count in (await session.execute(query)).all():
            bucket = loads.setdefault(str(username), [0, 0])
            bucket[0 if is_nurse or rules.is_lost_time(classification) else 1] += count
    return {u: (v[0], v[1]) for u, v in loads.items()}


async def load_roster(session: AsyncSession, *, lock: bool) -> dict[str, rules.Handler]:
    """Everyone on the roster with their open caseloads. `lock` takes the roster's rows for
    this transaction, so concurrent assignments cannot both fill an adjuster's last place."""
    query = select(Adjuster).order_by(Adjuster.username)  # type: ignore[arg-type]
    if lock:
        query = query.with_for_update()
    people = (await session.execute(query)).scalars().all()
    loads = await caseloads(session, [p.username for p in people])
    return {p.username: handler_of(p, *loads.get(p.username, (0, 0))) for p in people}
