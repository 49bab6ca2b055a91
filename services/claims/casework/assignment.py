"""Who handles a claim: automatic assignment by caseload, reassignment, nurse case managers
and heart-and-hypertension claims (CGS 7-433c). The rules are in
`services.claims.assignment`; each assignment is logged and recorded in the claim's history.

An automatic assignment is the system's act: its actor is `claims:auto-assignment`
(`AUTO_ASSIGNMENT`), whatever triggered it (a report's event, a roster change by an API
client, the background scan); the history names the trigger in `triggered_by`. A client
that asks for a hand-over (`PUT .../adjuster`, even with `null` to let the rules choose) is
the actor of that hand-over."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims import assignment as rules
from services.claims.casework.claim_file import PENDING, original_claim, record
from services.claims.casework.connecticut_time import ct_date, ct_today
from services.claims.casework.refusals import invalid, refused
from services.claims.casework.roster import load_roster
from services.claims.models import Claim, ClaimAssignment
from shared.db import utcnow

AUTO_ASSIGNMENT = "claims:auto-assignment"


def _needs(claim: Claim) -> rules.ClaimNeeds:
    return rules.ClaimNeeds(lost_time=rules.is_lost_time(claim.classification),
                            heart_hypertension=claim.heart_hypertension,
                            catastrophic=claim.catastrophic)


def _took(roster: dict[str, rules.Handler], username: str, lost_time: bool) -> None:
    h = roster[username]
    roster[username] = (replace(h, open_lost_time=h.open_lost_time + 1) if lost_time
                        else replace(h, open_medical_only=h.open_medical_only + 1))


def _assignment(session: AsyncSession, claim: Claim, role: str, assignee: str | None,
                previous: str | None, reason: str, actor: str, now: datetime) -> None:
    session.add(ClaimAssignment(claim_number=claim.claim_number, role=role, assignee=assignee,
                                previous=previous, reason=reason, at=now, actor=actor))


def auto_assign(session: AsyncSession, claim: Claim, roster: dict[str, rules.Handler],
                now: datetime, *, record_misses: bool, original: Claim | None = None
                ) -> dict[str, Any]:
    """Give an unassigned claim its adjuster, and a nurse where one is needed (rules in
    `services.claims.assignment`), as `AUTO_ASSIGNMENT`. A probable duplicate still under
    review goes to the handlers of `original` (the first report's claim) instead, without
    counting against their caps. Answers what changed, for the history."""
    if claim.duplicate_review == PENDING:
        return _assign_like_original(session, claim, roster, original, now, record_misses)
    changes: dict[str, Any] = {}
    needs = _needs(claim)
    today = ct_date(now)
    actor = AUTO_ASSIGNMENT
    if claim.adjuster is None:
        chosen = rules.choose_adjuster(roster.values(), needs, today)
        if chosen is not None:
            claim.adjuster = chosen.username
            _took(roster, chosen.username, needs.lost_time)
            reason = "automatic: lightest open caseload under the caps"
            if needs.heart_hypertension:
                reason = "automatic: heart-and-hypertension specialist (CGS 7-433c)"
            _assignment(session, claim, "adjuster", chosen.username, None, reason, actor, now)
            changes["adjuster"] = chosen.username
        elif record_misses:
            reason = ("no heart-and-hypertension specialist has room (CGS 7-433c)"
                      if needs.heart_hypertension else "no adjuster has room under the caps")
            _assignment(session, claim, "adjuster", None, None, reason, actor, now)
            changes["adjuster_waiting"] = reason
    if claim.nurse is None and rules.needs_nurse(claim.classification, claim.catastrophic):
        nurse = rules.choose_nurse(roster.values())
        if nurse is not None:
            claim.nurse = nurse.username
            _took(roster, nurse.username, True)
            _assignment(session, claim, "nurse_case_manager", nurse.username, None,
                        "automatic: lost-time or catastrophic claim", actor, now)
            changes["nurse"] = nurse.username
        elif record_misses:
            _assignment(session, claim, "nurse_case_manager", None, None,
                        "no nurse case manager has room", actor, now)
            changes["nurse_waiting"] = "no nurse case manager has room"
    return changes


def _assign_like_original(session: AsyncSession, claim: Claim, roster: dict[str, rules.Handler],
                          original: Claim | None, now: datetime, record_misses: bool
                          ) -> dict[str, Any]:
    """A probable duplicate takes the first report's claim's adjuster and nurse, or waits
    for them (Claimline duplicate policy in `services.claims.assignment`)."""
    changes: dict[str, Any] = {}
    actor = AUTO_ASSIGNMENT
    number = original.claim_number if original is not None else None
    if claim.adjuster is None:
        current = roster.get(original.adjuster) if original and original.adjuster else None
        chosen, reason = rules.handler_for_probable_duplicate(current, number, _needs(claim),
                                                              ct_date(now))
        if chosen is not None:
            claim.adjuster = chosen.username
            _assignment(session, claim, "adjuster", chosen.username, None, reason, actor, now)
            changes["adjuster"] = chosen.username
        elif record_misses:
            _assignment(session, claim, "adjuster", None, None, reason, actor, now)
            changes["adjuster_waiting"] = reason
    nurse = roster.get(original.nurse) if original and original.nurse else None
    if claim.nurse is None and nurse is not None and nurse.active:
        claim.nurse = nurse.username
        _assignment(session, claim, "nurse_case_manager", nurse.username, None,
                    f"automatic: probable duplicate of {number}, same nurse case manager "
                    "(not counted against the cap)", actor, now)
        changes["nurse"] = nurse.username
    return changes


def record_automatic(session: AsyncSession, claim: Claim, changes: dict[str, Any],
                     triggered_by: str, now: datetime) -> None:
    """An automatic assignment in the claim's history: the system's act, with its trigger."""
    if changes:
        record(session, claim, AUTO_ASSIGNMENT, "assigned",
               {**changes, "triggered_by": triggered_by}, now=now)


async def assign_waiting(session: AsyncSession, triggered_by: str, now: datetime) -> int:
    """Assign open claims still waiting for an adjuster or a nurse, catastrophic ones first,
    then the oldest (run when the roster gains room). Answers how many claims changed.

    Nothing is locked unless someone on the roster has room: the periodic run is cheap
    when claims wait for a roster that is full. Locks go claims first, then the roster,
    as in every other assignment."""
    needs_nurse = ((col(Claim.classification) != "medical_only") | col(Claim.catastrophic))
    waiting_query = (
        select(Claim).where(col(Claim.status) != "closed")
        .where(col(Claim.adjuster).is_(None) | (col(Claim.nurse).is_(None) & needs_nurse))
    )
    first = (await session.execute(waiting_query.limit(1))).scalars().first()
    if first is None:
        return 0
    today = ct_date(now)
    unlocked = (await load_roster(session, lock=False)).values()
    if not any(rules.licensed_on(h, today) and h.active and (
            rules.has_room(h, True) or rules.has_room(h, False)) for h in unlocked):
        return 0
    waiting = (await session.execute(
        waiting_query.order_by(col(Claim.catastrophic).desc(), col(Claim.opened_at)).with_for_update()
    )).scalars().all()
    roster = await load_roster(session, lock=True)
    changed = 0
    for claim in waiting:
        original = await original_claim(session, claim)
        changes = auto_assign(session, claim, roster, now, record_misses=False, original=original)
        if changes:
            changed += 1
            record_automatic(session, claim, changes, triggered_by, now)
    return changed


async def _probable_duplicates_with(session: AsyncSession, original: Claim, role: str,
                                   handler: str | None) -> list[Claim]:
    """Open probable duplicates of `original` still with its `handler`, locked. Taken
    before the roster, as every assignment locks claims first, then the roster."""
    if handler is None:
        return []
    column = Claim.adjuster if role == "adjuster" else Claim.nurse
    return list((await session.execute(
        select(Claim).where(col(Claim.probable_duplicate_of) == original.claim_number,
                            col(Claim.duplicate_review) == PENDING,
                            col(Claim.status) != "closed", col(column) == handler)
        .order_by(col(Claim.claim_number)).with_for_update()
    )).scalars().all())


def _follow(session: AsyncSession, original: Claim, followers: list[Claim], role: str,
            previous: str | None, actor: str, now: datetime) -> list[str]:
    """Probable duplicates move with the first claim (Claimline duplicate policy)."""
    new = original.adjuster if role == "adjuster" else original.nurse
    for claim in followers:
        setattr(claim, "adjuster" if role == "adjuster" else "nurse", new)
        reason = f"follows {original.claim_number}, of which it is a probable duplicate"
        _assignment(session, claim, role, new, previous, reason, actor, now)
        record(session, claim, actor, "reassigned" if role == "adjuster" else "nurse_assigned",
               {"adjuster" if role == "adjuster" else "nurse": new, "previous": previous,
                "reason": reason}, now=now)
    return [c.claim_number for c in followers]


async def reassign(session: AsyncSession, claim: Claim, username: str | None, reason: str | None,
                   override_cap: bool, actor: str) -> dict[str, Any]:
    """Hand the claim to `username` (None: the caseload rules choose). Its open probable
    duplicates still with the previous adjuster follow it."""
    now, today = utcnow(), ct_today()
    previous = claim.adjuster
    followers = await _probable_duplicates_with(session, claim, "adjuster", previous)
    roster = await load_roster(session, lock=True)
    needs = _needs(claim)
    if username is None:
        others = [h for name, h in roster.items() if name != previous]
        chosen = rules.choose_adjuster(others, needs, today)
        if chosen is None:
            raise refused("no other adjuster qualifies with room under the caps"
                          + (" (a heart-and-hypertension claim needs a specialist, CGS 7-433c)"
                             if needs.heart_hypertension else ""))
        username = chosen.username
        reason = reason or "automatic: lightest open caseload under the caps"
    handler = roster.get(username)
    if handler is None:
        raise invalid("adjuster", f"no adjuster {username} on the roster")
    if username == previous:
        raise refused(f"claim {claim.claim_number} is already assigned to {username}")
    why_not = rules.may_take(handler, needs, today)
    if why_not:
        raise refused(f"Cannot assign claim {claim.claim_number} to {username}: {why_not}")
    over = not rules.has_room(handler, needs.lost_time)
    if over and not override_cap:
        bucket = "lost-time" if needs.lost_time else "medical-only"
        count = handler.open_lost_time if needs.lost_time else handler.open_medical_only
        cap = handler.lost_time_cap if needs.lost_time else handler.medical_only_cap
        raise refused(f"{username} carries {count} open {bucket} claims, at the cap of {cap}; "
                      "send override_cap: true to assign anyway")
    claim.adjuster = username
    reason = reason or "reassigned"
    _assignment(session, claim, "adjuster", username, previous, reason, actor, now)
    changes: dict[str, Any] = {"adjuster": username, "previous": previous, "reason": reason,
                               "over_cap": over or None}
    if followers:
        changes["probable_duplicates_moved"] = _follow(session, claim, followers, "adjuster",
                                                       previous, actor, now)
    record(session, claim, actor, "reassigned", changes, now=now)
    return changes


async def assign_nurse(session: AsyncSession, claim: Claim, username: str | None,
                       reason: str | None, override_cap: bool, actor: str) -> dict[str, Any]:
    """Hand the claim to a nurse case manager (None: the one with most room). Over the
    nurse's cap only with `override_cap`, as for adjusters."""
    now = utcnow()
    previous = claim.nurse
    followers = await _probable_duplicates_with(session, claim, "nurse_case_manager", previous)
    roster = await load_roster(session, lock=True)
    if username is None:
        chosen = rules.choose_nurse(h for name, h in roster.items() if name != previous)
        if chosen is None:
            raise refused("no other nurse case manager has room")
        username = chosen.username
    handler = roster.get(username)
    if handler is None:
        raise invalid("nurse", f"no nurse case manager {username} on the roster")
    if handler.role != rules.Role.NURSE_CASE_MANAGER or not handler.active:
        raise refused(f"{username} is not an active nurse case manager")
    if username == previous:
        raise refused(f"claim {claim.claim_number} already has nurse {username}")
    full = rules.nurse_over_cap(handler)
    if full and not override_cap:
        raise refused(f"{full}; send override_cap: true to assign anyway")
    claim.nurse = username
    reason = reason or "reassigned"
    _assignment(session, claim, "nurse_case_manager", username, previous, reason, actor, now)
    changes: dict[str, Any] = {"nurse": username, "previous": previous, "reason": reason,
                               "over_cap": bool(full) or None}
    if followers:
        changes["probable_duplicates_moved"] = _follow(session, claim, followers,
                                                       "nurse_case_manager", previous, actor, now)
    record(session, claim, actor, "nurse_assigned", changes, now=now)
    return changes


async def set_heart_hypertension(session: AsyncSession, claim: Claim, flag: bool,
                                 hired_on: date | None, reason: str | None, actor: str
                                 ) -> dict[str, Any]:
    """Flag (or clear) a CGS 7-433c claim; a flagged claim moves to a specialist when its
    adjuster is not one and a specialist has room (an automatic assignment, triggered by
    the client that flagged it)."""
    now, today = utcnow(), ct_today()
    if flag and hired_on is not None and not rules.heart_hypertension_eligible(hired_on):
        raise invalid("hired_on", f"hired {hired_on.isoformat()}: CGS 7-433c covers police and "
                                  "firefighters hired before July 1, 1996")
    if claim.heart_hypertension == flag:
        raise refused(f"claim {claim.claim_number} is already "
                      f"{'flagged' if flag else 'not flagged'} heart-and-hypertension")
    claim.heart_hypertension = flag
    changes: dict[str, Any] = {"heart_hypertension": flag, "hired_on": hired_on, "reason": reason}
    moved: dict[str, Any] = {}
    if flag:
        roster = await load_roster(session, lock=True)
        current = roster.get(claim.adjuster) if claim.adjuster else None
        if current is None or rules.HEART_HYPERTENSION not in current.specialties:
            chosen = rules.choose_adjuster(roster.values(), _needs(claim), today)
            if chosen is not None:
                _assignment(session, claim, "adjuster", chosen.username, claim.adjuster,
                            "heart-and-hypertension specialist (CGS 7-433c)", AUTO_ASSIGNMENT, now)
                moved = {"previous": claim.adjuster, "adjuster": chosen.username,
                         "reason": "heart-and-hypertension specialist (CGS 7-433c)"}
                claim.adjuster = chosen.username
            else:
                changes["specialist"] = ("no heart-and-hypertension specialist has room; the "
                                         "claim stays with its adjuster")
    record(session, claim, actor, "flags_changed", changes, now=now)
    record_automatic(session, claim, moved, actor, now)
    return changes
