"""The roster as the assignment rules see it: each adjuster and nurse case manager with the
open claims they carry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.claims import assignment as rules
from services.claims.casework.claim_file import PENDING
from services.claims.models import Adjuster, Claim

_ADJUSTERS = Adjuster.__table__  # type: ignore[attr-defined]
_CLAIMS = Claim.__table__  # type: ignore[attr-defined]


# The statements are built once (building one costs more than running it here).
_ROSTER = select(_ADJUSTERS).order_by(_ADJUSTERS.c.username)
_ROSTER_LOCKED = _ROSTER.with_for_update()
_OPEN_COUNTED = select(_CLAIMS.c.adjuster, _CLAIMS.c.nurse, _CLAIMS.c.classification,
                       func.count()).where(
    _CLAIMS.c.status != "closed",
    _CLAIMS.c.duplicate_review.is_(None) | (_CLAIMS.c.duplicate_review != PENDING),
).group_by(_CLAIMS.c.adjuster, _CLAIMS.c.nurse, _CLAIMS.c.classification)
_CASELOADS_ALL = _OPEN_COUNTED.where(_CLAIMS.c.adjuster.is_not(None) | _CLAIMS.c.nurse.is_not(None))
_CASELOADS_OF = _OPEN_COUNTED.where(
    _CLAIMS.c.adjuster.in_(bindparam("adjusters", expanding=True))
    | _CLAIMS.c.nurse.in_(bindparam("nurses", expanding=True)))


async def _autoflush(session: AsyncSession) -> None:
    """What an ORM query would do first: Core statements do not autoflush by themselves."""
    if session.sync_session.autoflush:
        await session.flush()


def handler_of(adjuster: Any, lost_time: int = 0, medical_only: int = 0) -> rules.Handler:
    """The rules' view of a roster entry (an `Adjuster`, or a row of the adjusters table)."""
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
    `services.claims.assignment`).

    One statement: open claims grouped by (adjuster, nurse, classification), each group
    counted for its adjuster and for its nurse."""
    wanted = None if usernames is None else set(usernames)
    if wanted is not None and not wanted:
        return {}
    await _autoflush(session)
    if wanted is None:
        rows = await session.execute(_CASELOADS_ALL)
    else:
        names = sorted(wanted)
        rows = await session.execute(_CASELOADS_OF, {"adjusters": names, "nurses": names})
    loads: dict[str, list[int]] = {}
    for adjuster_name, nurse_name, classification, count in rows.all():
        for username, is_nurse in ((adjuster_name, False), (nurse_name, True)):
            if username is None or (wanted is not None and username not in wanted):
                continue
            bucket = loads.setdefault(str(username), [0, 0])
            bucket[0 if is_nurse or rules.is_lost_time(classification) else 1] += count
    return {u: (v[0], v[1]) for u, v in loads.items()}


async def load_roster(session: AsyncSession, *, lock: bool) -> dict[str, rules.Handler]:
    """Everyone on the roster with their open caseloads. `lock` takes the roster's rows for
    this transaction, so concurrent assignments cannot both fill an adjuster's last place."""
    await _autoflush(session)
    people = (await session.execute(_ROSTER_LOCKED if lock else _ROSTER)).all()
    if not people:
        return {}
    loads = await caseloads(session, [p.username for p in people])
    return {p.username: handler_of(p, *loads.get(p.username, (0, 0))) for p in people}
