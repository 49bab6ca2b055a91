"""The claims unit of work: each operation changes a claim, records it in the claim's
history and stages `claims.claim-changed` (and `claims.payment-issued`) in the outbox, all
in the caller's transaction. Rules come from the plain modules; this module only glues them
to the tables.

Errors are raised as HTTP answers the caller sees: 404 unknown claim, 409 a move the rules
refuse (the message names the rule), 422 a value that cannot be right (named by field).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import HTTPException
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims import assignment as rules
from services.claims.average_weekly_wage import (
    WageHistoryInsufficient,
    WageRecordRejected,
    WeeklyWage,
    average_weekly_wage,
)
from services.claims.clocks import ClaimFacts
from services.claims.compensation import temporary_partial_rate, temporary_total_rate
from services.claims.deadlines import (
    award_payment_deadline,
    form36_objection_deadline,
    pp_payment_deadline,
)
from services.claims.ledger import Entry, payment_facts
from services.claims.lifecycle import (
    ClassificationChange as ClassChange,
)
from services.claims.lifecycle import (
    IllegalReclassification,
    IllegalTransition,
    check_reclassification,
    classification_as_of,
    form36_outcome,
    next_status,
)
from services.claims.models import (
    ZERO,
    Adjuster,
    Claim,
    ClaimAssignment,
    ClaimContact,
    ClaimDecision,
    ClaimHistory,
    ClaimStatusChange,
    ClassificationChange,
    Form36Filing,
    IncapacityPeriod,
    Payment,
    ReserveChange,
    WageRecord,
)
from services.claims.rate_tables import (
    RateYearMissing,
    maximum_rate_figure,
    partial_maximum_rate_figure,
)
from services.claims.scheduled_injuries import permanent_partial_award, scheduled_weeks
from services.claims.schemas import (
    AwardIn,
    ClassificationIn,
    CloseIn,
    ContactIn,
    DecisionIn,
    Form36In,
    IncapacityIn,
    MmiIn,
    PaymentIn,
    ReopenIn,
    ReservesIn,
    ReversalIn,
    WageIn,
)
from services.claims.waiting_period import waiting_period
from shared.bus.outbox import add_event
from shared.db import utcnow
from shared.events.catalogue import ClaimChanged, PaymentIssued
from shared.events.envelope import new_event

SOURCE = "claimline/claims"
CONNECTICUT = ZoneInfo("America/New_York")
KINDS = ("medical", "indemnity", "expense")


# --- time, errors -------------------------------------------------------------------------

def ct_date(instant: datetime) -> date:
    """The Connecticut calendar day of an instant."""
    return instant.astimezone(CONNECTICUT).date()


def ct_today() -> date:
    return ct_date(utcnow())


def invalid(field: str | Sequence[str | int], message: str) -> HTTPException:
    loc = [field] if isinstance(field, str) else list(field)
    return HTTPException(422, [{"loc": ["body", *loc], "msg": message, "type": "value_error"}])


def refused(message: str) -> HTTPException:
    return HTTPException(409, message)


def not_found(what: str) -> HTTPException:
    return HTTPException(404, what)


def _not_future(field: str, day: date, today: date) -> None:
    if day > today:
        raise invalid(field, f"{day.isoformat()} is in the future (today is {today.isoformat()} "
                             "in Connecticut)")


def _not_before_injury(field: str, day: date, claim: Claim) -> None:
    if day < claim.date_of_injury:
        raise invalid(field, f"{day.isoformat()} is before the injury on "
                             f"{claim.date_of_injury.isoformat()}")


def _open_for_work(claim: Claim, what: str) -> None:
    if claim.status == "closed":
        raise refused(f"Cannot {what} on claim {claim.claim_number}: it is closed; reopen it first")


# --- claims, history, events --------------------------------------------------------------

async def load_claim(session: AsyncSession, claim_number: str, *, lock: bool = True) -> Claim:
    """The claim, locked for this transaction (one writer per claim at a time).

    SQLite has no row locks, and pysqlite begins a transaction only at the first write: so
    there the claim is written (to itself) first, which takes the database's write lock
    before the claim is read.
    """
    if lock and session.get_bind().dialect.name == "sqlite":
        await session.execute(update(Claim).where(col(Claim.claim_number) == claim_number)
                              .values(claim_number=col(Claim.claim_number)))
    claim = await session.get(Claim, claim_number, with_for_update=lock)
    if claim is None:
        raise not_found(f"no claim {claim_number}")
    return claim


def facts_of(claim: Claim) -> ClaimFacts:
    return ClaimFacts(
        date_of_injury=claim.date_of_injury,
        payor_notified_on=ct_date(claim.payor_notified_at),
        opened_on=ct_date(claim.opened_at),
        status=claim.status,
        classification=claim.classification,
        reported_to_employer_on=claim.reported_to_employer_on,
        incapacity_days=claim.incapacity_days,
        reserves_reviewed_on=claim.reserves_reviewed_on,
        mmi_on=claim.mmi_on,
        agreement_or_award_on=claim.agreement_or_award_on,
        form36_filed_on=claim.form36_filed_on,
        form36_objected_on=claim.form36_objected_on,
        first_payment_on=claim.first_payment_on,
        first_contact_completed_on=claim.first_contact_completed_on,
        first_report_filed_on=claim.first_report_filed_on,
        pp_payment_began_on=claim.pp_payment_began_on,
        award_payment_began_on=claim.award_payment_began_on,
    )


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def record(session: AsyncSession, claim: Claim, actor: str, action: str,
           details: dict[str, Any], *, now: datetime | None = None) -> None:
    """History row and `claims.claim-changed`, in the caller's transaction."""
    now = now or utcnow()
    session.add(ClaimHistory(claim_number=claim.claim_number, at=now, actor=actor, action=action,
                             details=json.dumps(details, default=str, sort_keys=True)))
    add_event(session, new_event(
        source=SOURCE, type="claims.claim-changed", subject=claim.claim_number,
        data=ClaimChanged(
            claim_number=claim.claim_number, employer_fein=claim.employer_fein, change=action,
            status=claim.status, classification=claim.classification,  # type: ignore[arg-type]
            changed_at=now, changed_by=actor,
            details={k: _text(v) for k, v in details.items() if v is not None},
        ),
    ))


def set_status(session: AsyncSession, claim: Claim, status: str, effective_on: date,
               actor: str, now: datetime) -> None:
    claim.status = status
    session.add(ClaimStatusChange(claim_number=claim.claim_number, status=status,
                                  effective_on=effective_on, at=now, actor=actor))


# --- assignment ---------------------------------------------------------------------------

def _needs(claim: Claim) -> rules.ClaimNeeds:
    return rules.ClaimNeeds(lost_time=rules.is_lost_time(claim.classification),
                            heart_hypertension=claim.heart_hypertension,
                            catastrophic=claim.catastrophic)


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
    A nurse's claims count as lost-time (nurses are on lost-time and catastrophic claims)."""
    loads: dict[str, list[int]] = {}
    for is_nurse, column in ((False, Claim.adjuster), (True, Claim.nurse)):
        query = (select(col(column), col(Claim.classification), func.count())
                 .where(col(Claim.status) != "closed", col(column).is_not(None))
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


def _took(roster: dict[str, rules.Handler], username: str, lost_time: bool) -> None:
    h = roster[username]
    roster[username] = (replace(h, open_lost_time=h.open_lost_time + 1) if lost_time
                        else replace(h, open_medical_only=h.open_medical_only + 1))


def _assignment(session: AsyncSession, claim: Claim, role: str, assignee: str | None,
                previous: str | None, reason: str, actor: str, now: datetime) -> None:
    session.add(ClaimAssignment(claim_number=claim.claim_number, role=role, assignee=assignee,
                                previous=previous, reason=reason, at=now, actor=actor))


def auto_assign(session: AsyncSession, claim: Claim, roster: dict[str, rules.Handler],
                actor: str, now: datetime, *, record_misses: bool) -> dict[str, Any]:
    """Give an unassigned claim its adjuster, and a nurse where one is needed (rules in
    `assignment`). Answers what changed, for the history."""
    changes: dict[str, Any] = {}
    needs = _needs(claim)
    today = ct_date(now)
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


async def assign_waiting(session: AsyncSession, actor: str, now: datetime) -> int:
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
        changes = auto_assign(session, claim, roster, actor, now, record_misses=False)
        if changes:
            changed += 1
            record(session, claim, actor, "assigned", changes, now=now)
    return changed


async def reassign(session: AsyncSession, claim: Claim, username: str | None, reason: str | None,
                   override_cap: bool, actor: str) -> dict[str, Any]:
    now, today = utcnow(), ct_today()
    roster = await load_roster(session, lock=True)
    needs = _needs(claim)
    previous = claim.adjuster
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
    changes = {"adjuster": username, "previous": previous, "reason": reason,
               "over_cap": over or None}
    record(session, claim, actor, "reassigned", changes, now=now)
    return changes


async def assign_nurse(session: AsyncSession, claim: Claim, username: str | None,
                       reason: str | None, actor: str) -> dict[str, Any]:
    now = utcnow()
    roster = await load_roster(session, lock=True)
    previous = claim.nurse
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
    claim.nurse = username
    reason = reason or "reassigned"
    _assignment(session, claim, "nurse_case_manager", username, previous, reason, actor, now)
    changes = {"nurse": username, "previous": previous, "reason": reason}
    record(session, claim, actor, "nurse_assigned", changes, now=now)
    return changes


async def set_heart_hypertension(session: AsyncSession, claim: Claim, flag: bool,
                                 hired_on: date | None, reason: str | None, actor: str
                                 ) -> dict[str, Any]:
    """Flag (or clear) a CGS 7-433c claim; a flagged claim moves to a specialist when its
    adjuster is not one and a specialist has room."""
    now, today = utcnow(), ct_today()
    if flag and hired_on is not None and not rules.heart_hypertension_eligible(hired_on):
        raise invalid("hired_on", f"hired {hired_on.isoformat()}: CGS 7-433c covers police and "
                                  "firefighters hired before July 1, 1996")
    if claim.heart_hypertension == flag:
        raise refused(f"claim {claim.claim_number} is already "
                      f"{'flagged' if flag else 'not flagged'} heart-and-hypertension")
    claim.heart_hypertension = flag
    changes: dict[str, Any] = {"heart_hypertension": flag, "hired_on": hired_on, "reason": reason}
    if flag:
        roster = await load_roster(session, lock=True)
        current = roster.get(claim.adjuster) if claim.adjuster else None
        if current is None or rules.HEART_HYPERTENSION not in current.specialties:
            chosen = rules.choose_adjuster(roster.values(), _needs(claim), today)
            if chosen is not None:
                _assignment(session, claim, "adjuster", chosen.username, claim.adjuster,
                            "heart-and-hypertension specialist (CGS 7-433c)", actor, now)
                changes["previous_adjuster"] = claim.adjuster
                changes["adjuster"] = claim.adjuster = chosen.username
            else:
                changes["specialist"] = ("no heart-and-hypertension specialist has room; the "
                                         "claim stays with its adjuster")
    record(session, claim, actor, "flags_changed", changes, now=now)
    return changes


# --- lifecycle ----------------------------------------------------------------------------

def _transition(claim: Claim, action: str, acted_on: date) -> str:
    try:
        return next_status(claim.status, action, notice_received_on=ct_date(claim.payor_notified_at),
                           acted_on=acted_on, payment_began_on=claim.first_payment_on).value
    except IllegalTransition as error:
        raise refused(str(error)) from None
    except ValueError as error:
        raise invalid("decided_on", str(error)) from None


def _release_reserves(session: AsyncSession, claim: Claim, cause: str, actor: str,
                      now: datetime) -> dict[str, str] | None:
    released = {k: getattr(claim, f"reserve_{k}") for k in KINDS}
    if not any(released.values()):
        return None
    for kind in KINDS:
        setattr(claim, f"reserve_{kind}", ZERO)
    session.add(ReserveChange(claim_number=claim.claim_number, effective_on=ct_date(now),
                              cause=cause, medical=ZERO, indemnity=ZERO, expense=ZERO,
                              at=now, actor=actor))
    return {k: f"{v:.2f}" for k, v in released.items()}


async def decide(session: AsyncSession, claim: Claim, body: DecisionIn, actor: str) -> None:
    """Accept, accept without prejudice, or contest (Form 43) (CGS 31-294c(b))."""
    now, today = utcnow(), ct_today()
    decided_on = body.decided_on or today
    _not_future("decided_on", decided_on, today)
    before = claim.status
    status = _transition(claim, body.decision, decided_on)
    if before == "contested":
        if claim.contested_on and decided_on < claim.contested_on:
            raise invalid("decided_on", f"{decided_on.isoformat()} is before the contest of "
                                        f"{claim.contested_on.isoformat()}")
        claim.contest_resolved_on = decided_on
    if status == "contested":
        claim.contested_on = decided_on
        claim.contest_resolved_on = None
    set_status(session, claim, status, decided_on, actor, now)
    form = "Form 43" if body.decision == "contest" else None
    session.add(ClaimDecision(claim_number=claim.claim_number, decision=body.decision, form=form,
                              reason=body.reason, decided_on=decided_on, at=now, actor=actor))
    record(session, claim, actor, "decision", {
        "decision": body.decision, "form": form, "reason": body.reason,
        "decided_on": decided_on, "from_status": before, "status": status}, now=now)


async def close(session: AsyncSession, claim: Claim, body: CloseIn, actor: str) -> None:
    """Close: the outstanding reserves are released, so incurred equals paid."""
    now, today = utcnow(), ct_today()
    closed_on = body.closed_on or today
    _not_future("closed_on", closed_on, today)
    _not_before_injury("closed_on", closed_on, claim)
    before = claim.status
    status = _transition(claim, "close", closed_on)
    if before == "contested" and claim.contest_resolved_on is None:
        claim.contest_resolved_on = max(closed_on, claim.contested_on or closed_on)
    set_status(session, claim, status, closed_on, actor, now)
    claim.closed_on = closed_on
    released = _release_reserves(session, claim, "closed", actor, now)
    record(session, claim, actor, "closed", {"reason": body.reason, "closed_on": closed_on,
                                             "from_status": before, "reserves_released": released},
           now=now)


async def reopen(session: AsyncSession, claim: Claim, body: ReopenIn, actor: str) -> None:
    now, today = utcnow(), ct_today()
    reopened_on = body.reopened_on or today
    _not_future("reopened_on", reopened_on, today)
    if claim.closed_on and reopened_on < claim.closed_on:
        raise invalid("reopened_on", f"{reopened_on.isoformat()} is before the claim closed on "
                                     f"{claim.closed_on.isoformat()}")
    status = _transition(claim, "reopen", reopened_on)
    set_status(session, claim, status, reopened_on, actor, now)
    claim.closed_on = None
    claim.reserves_reviewed_on = reopened_on  # the review clock starts again
    record(session, claim, actor, "reopened", {"reason": body.reason, "reopened_on": reopened_on},
           now=now)


async def classification_changes(session: AsyncSession, claim_number: str) -> list[ClassChange]:
    rows = (await session.execute(
        select(ClassificationChange).where(ClassificationChange.claim_number == claim_number)  # type: ignore[arg-type]
        .order_by(ClassificationChange.id)  # type: ignore[arg-type]
    )).scalars().all()
    return [ClassChange(r.effective_on, r.classification) for r in rows]  # type: ignore[arg-type]


async def reclassify(session: AsyncSession, claim: Claim, body: ClassificationIn, actor: str) -> None:
    """A dated classification change (seed 003); a claim that becomes lost-time gets a nurse."""
    now, today = utcnow(), ct_today()
    _open_for_work(claim, "change the classification")
    _not_future("effective_on", body.effective_on, today)
    _not_before_injury("effective_on", body.effective_on, claim)
    changes = await classification_changes(session, claim.claim_number)
    try:
        check_reclassification(changes, body.classification, body.effective_on)
    except IllegalReclassification as error:
        raise refused(f"Cannot classify claim {claim.claim_number} as "
                      f"{body.classification.replace('_', ' ')}: {error}") from None
    before = claim.classification
    session.add(ClassificationChange(claim_number=claim.claim_number,
                                     classification=body.classification,
                                     effective_on=body.effective_on, at=now, actor=actor))
    changes.append(ClassChange(body.effective_on, body.classification))  # type: ignore[arg-type]
    in_force = classification_as_of(changes, today)
    claim.classification = in_force.value if in_force else body.classification
    details: dict[str, Any] = {"classification": body.classification,
                               "effective_on": body.effective_on, "from": before}
    if claim.nurse is None and rules.needs_nurse(claim.classification, claim.catastrophic):
        roster = await load_roster(session, lock=True)
        details |= auto_assign(session, claim, roster, actor, now, record_misses=True)
    record(session, claim, actor, "classification", details, now=now)


async def file_form36(session: AsyncSession, claim: Claim, body: Form36In, actor: str) -> Form36Filing:
    """Notice to discontinue or reduce payments; the claimant has 15 days to object (CGS 31-296)."""
    now, today = utcnow(), ct_today()
    _open_for_work(claim, "file a Form 36")
    _not_future("filed_on", body.filed_on, today)
    if claim.status == "contested":
        raise refused(f"Cannot file a Form 36 on claim {claim.claim_number}: it is contested, so "
                      "no benefits are being paid to discontinue (CGS 31-296)")
    if claim.first_indemnity_paid_on is None:
        raise refused(f"Cannot file a Form 36 on claim {claim.claim_number}: no indemnity has "
                      "been paid, so there is nothing to discontinue or reduce (CGS 31-296)")
    if body.filed_on < claim.first_indemnity_paid_on:
        raise invalid("filed_on", f"{body.filed_on.isoformat()} is before the first indemnity "
                                  f"payment on {claim.first_indemnity_paid_on.isoformat()}")
    if claim.form36_filed_on is not None and claim.form36_objected_on is None:
        outcome = form36_outcome(claim.form36_filed_on, as_of=today)
        if outcome == "pending":
            raise refused(f"A Form 36 filed {claim.form36_filed_on.isoformat()} is still within "
                          "its 15-day objection window (CGS 31-296)")
    filing = Form36Filing(
        id=str(uuid.uuid4()), claim_number=claim.claim_number, kind=body.kind, reason=body.reason,
        filed_on=body.filed_on, objection_by=form36_objection_deadline(body.filed_on).due_on,
        at=now, actor=actor,
    )
    session.add(filing)
    claim.form36_filed_on, claim.form36_objected_on = body.filed_on, None
    record(session, claim, actor, "form36_filed", {
        "form36_id": filing.id, "kind": body.kind, "filed_on": body.filed_on,
        "objection_by": filing.objection_by, "reason": body.reason}, now=now)
    return filing


async def object_to_form36(session: AsyncSession, claim: Claim, filing_id: str,
                           objected_on: date, actor: str) -> Form36Filing:
    now, today = utcnow(), ct_today()
    filing = await session.get(Form36Filing, filing_id, with_for_update=True)
    if filing is None or filing.claim_number != claim.claim_number:
        raise not_found(f"no Form 36 {filing_id} on claim {claim.claim_number}")
    _not_future("objected_on", objected_on, today)
    if objected_on < filing.filed_on:
        raise invalid("objected_on", f"{objected_on.isoformat()} is before the Form 36 was filed "
                                     f"on {filing.filed_on.isoformat()}")
    if filing.objected_on is not None:
        raise refused(f"the objection to Form 36 {filing_id} was recorded already "
                      f"({filing.objected_on.isoformat()})")
    filing.objected_on = objected_on
    if claim.form36_filed_on == filing.filed_on:
        claim.form36_objected_on = objected_on
    outcome = form36_outcome(filing.filed_on, as_of=today, objected_on=objected_on).value
    record(session, claim, actor, "form36_objection", {
        "form36_id": filing_id, "objected_on": objected_on, "outcome": outcome}, now=now)
    return filing


# --- money --------------------------------------------------------------------------------

async def refresh_payment_facts(session: AsyncSession, claim: Claim) -> None:
    """Recompute totals and first-payment dates from the ledger (the ledger is the record)."""
    await session.flush()
    rows = (await session.execute(
        select(col(Payment.id), col(Payment.kind), col(Payment.amount), col(Payment.paid_on),
               col(Payment.reversal_of))
        .where(col(Payment.claim_number) == claim.claim_number)
    )).all()
    facts = payment_facts((Entry(*row) for row in rows), mmi_on=claim.mmi_on,
                          award_on=claim.agreement_or_award_on)
    for kind in KINDS:
        setattr(claim, f"paid_{kind}", facts.paid[kind])
    claim.first_payment_on = facts.first_payment_on
    claim.first_indemnity_paid_on = facts.first_indemnity_paid_on
    claim.pp_payment_began_on = facts.pp_payment_began_on
    claim.award_payment_began_on = facts.award_payment_began_on


def payment_out(payment: Payment) -> dict[str, Any]:
    return {
        "payment_id": payment.id, "claim_number": payment.claim_number, "kind": payment.kind,
        "amount": f"{payment.amount:.2f}", "paid_on": payment.paid_on.isoformat(),
        "period_start": payment.period_start.isoformat() if payment.period_start else None,
        "period_end": payment.period_end.isoformat() if payment.period_end else None,
        "payee": payment.payee, "memo": payment.memo, "reversal_of": payment.reversal_of,
        "reserve_change": f"{payment.reserve_change:.2f}",
        "recorded_at": payment.at.isoformat(), "recorded_by": payment.actor,
    }


def _payment_event(claim: Claim, payment: Payment) -> Any:
    return new_event(
        source=SOURCE, type="claims.payment-issued", subject=claim.claim_number,
        data=PaymentIssued(
            payment_id=payment.id, claim_number=claim.claim_number,
            employer_fein=claim.employer_fein, kind=payment.kind,  # type: ignore[arg-type]
            amount=f"{payment.amount:.2f}", paid_on=payment.paid_on,
            date_of_injury=claim.date_of_injury, reversal_of=payment.reversal_of,
        ),
    )


def _reserve_snapshot(session: AsyncSession, claim: Claim, cause: str, payment_id: str | None,
                      actor: str, now: datetime) -> None:
    session.add(ReserveChange(
        claim_number=claim.claim_number, effective_on=ct_date(now), cause=cause,
        payment_id=payment_id, medical=claim.reserve_medical, indemnity=claim.reserve_indemnity,
        expense=claim.reserve_expense, at=now, actor=actor,
    ))


async def issue_payment(session: AsyncSession, claim: Claim, body: PaymentIn, actor: str) -> Payment:
    """Record a payment: it uses up the reserve of its kind (never below zero), moves the paid
    totals, and is announced as `claims.payment-issued`."""
    now, today = utcnow(), ct_today()
    _open_for_work(claim, "record a payment")
    _not_future("paid_on", body.paid_on, today)
    _not_before_injury("paid_on", body.paid_on, claim)
    if body.period_start:
        _not_before_injury("period_start", body.period_start, claim)
    if body.kind == "indemnity" and claim.classification == "medical_only":
        raise refused(f"Cannot pay indemnity on claim {claim.claim_number}: it is classified "
                      "medical only; reclassify it (e.g. temporary_total) first")
    reserve = getattr(claim, f"reserve_{body.kind}")
    used = min(reserve, body.amount)
    payment = Payment(
        id=str(uuid.uuid4()), claim_number=claim.claim_number, kind=body.kind, amount=body.amount,
        paid_on=body.paid_on, period_start=body.period_start, period_end=body.period_end,
        payee=body.payee, memo=body.memo, reserve_change=-used, at=now, actor=actor,
    )
    session.add(payment)
    if used:
        setattr(claim, f"reserve_{body.kind}", reserve - used)
        _reserve_snapshot(session, claim, "payment", payment.id, actor, now)
    await refresh_payment_facts(session, claim)
    add_event(session, _payment_event(claim, payment))
    record(session, claim, actor, "payment", {
        "payment_id": payment.id, "kind": body.kind, "amount": f"{body.amount:.2f}",
        "paid_on": body.paid_on, "payee": body.payee, "reserve_used": f"{used:.2f}"}, now=now)
    return payment


async def reverse_payment(session: AsyncSession, claim: Claim, payment_id: str, body: ReversalIn,
                          actor: str) -> Payment:
    """A reversal is a new, negative entry naming the original; the original is never edited.
    The reserve the original used is restored (not on a closed claim, whose reserves stay
    released)."""
    now, today = utcnow(), ct_today()
    original = await session.get(Payment, payment_id)
    if original is None or original.claim_number != claim.claim_number:
        raise not_found(f"no payment {payment_id} on claim {claim.claim_number}")
    if original.reversal_of is not None:
        raise refused(f"payment {payment_id} is itself a reversal; record a new payment instead")
    already = (await session.execute(
        select(col(Payment.id)).where(col(Payment.reversal_of) == payment_id)
    )).scalar_one_or_none()
    if already is not None:
        raise refused(f"payment {payment_id} was already reversed by {already}")
    reversed_on = body.reversed_on or today
    _not_future("reversed_on", reversed_on, today)
    if reversed_on < original.paid_on:
        raise invalid("reversed_on", f"{reversed_on.isoformat()} is before the payment on "
                                     f"{original.paid_on.isoformat()}")
    restore = ZERO if claim.status == "closed" else -original.reserve_change
    reversal = Payment(
        id=str(uuid.uuid4()), claim_number=claim.claim_number, kind=original.kind,
        amount=-original.amount, paid_on=reversed_on, period_start=original.period_start,
        period_end=original.period_end, payee=original.payee, memo=body.reason,
        reversal_of=original.id, reserve_change=restore, at=now, actor=actor,
    )
    session.add(reversal)
    if restore:
        setattr(claim, f"reserve_{original.kind}", getattr(claim, f"reserve_{original.kind}") + restore)
        _reserve_snapshot(session, claim, "reversal", reversal.id, actor, now)
    await refresh_payment_facts(session, claim)
    add_event(session, _payment_event(claim, reversal))
    record(session, claim, actor, "payment_reversed", {
        "payment_id": reversal.id, "reversal_of": original.id, "kind": original.kind,
        "amount": f"{reversal.amount:.2f}", "reason": body.reason,
        "reserve_restored": f"{restore:.2f}"}, now=now)
    return reversal


async def set_reserves(session: AsyncSession, claim: Claim, body: ReservesIn, actor: str) -> None:
    """Set the outstanding reserves; this is also the 90-day reserve review."""
    now = utcnow()
    _open_for_work(claim, "set reserves")
    before = {k: f"{getattr(claim, f'reserve_{k}'):.2f}" for k in KINDS}
    for kind in KINDS:
        setattr(claim, f"reserve_{kind}", getattr(body, kind))
    claim.reserves_reviewed_on = ct_date(now)
    _reserve_snapshot(session, claim, "set", None, actor, now)
    record(session, claim, actor, "reserves", {
        "before": before, "after": {k: f"{getattr(body, k):.2f}" for k in KINDS},
        "reason": body.reason}, now=now)


# --- benefits -----------------------------------------------------------------------------

async def set_wage(session: AsyncSession, claim: Claim, body: WageIn, actor: str) -> dict[str, Any]:
    """Average weekly wage (CGS 31-310) and the compensation rate for the injury's rate year
    (CGS 31-307, 31-308(a), 31-309). A rate year missing from the table is refused (409)."""
    now = utcnow()
    aww = body.average_weekly_wage
    weeks_counted: int | None = None
    method = "stated"
    if body.weekly_wages is not None:
        records = [WeeklyWage(w.week_ending, w.amount, w.first_week_partial) for w in body.weekly_wages]
        try:
            computed = average_weekly_wage(
                claim.date_of_injury, records, agreed_hourly_rate=body.agreed_hourly_rate,
                regular_weekly_hours=body.regular_weekly_hours)
        except (WageRecordRejected, WageHistoryInsufficient) as error:
            raise invalid("weekly_wages", str(error)) from None
        aww, weeks_counted, method = computed.amount, computed.weeks_counted, computed.method
        await session.execute(delete(WageRecord).where(WageRecord.claim_number == claim.claim_number))  # type: ignore[arg-type]
        for r in records:
            session.add(WageRecord(claim_number=claim.claim_number, week_ending=r.week_ending,
                                   amount=r.amount, first_week_partial=r.first_week_partial))
    assert aww is not None
    after_tax = body.after_tax_average_weekly_wage
    if after_tax is not None and after_tax > aww:
        raise invalid("after_tax_average_weekly_wage",
                      f"{after_tax:.2f} is more than the average weekly wage {aww:.2f}")
    rate = None
    confirmed = None
    try:
        if after_tax is not None:
            post_injury = body.after_tax_post_injury_wage
            if claim.classification == "temporary_partial" and post_injury is not None:
                rate = temporary_partial_rate(claim.date_of_injury, after_tax, post_injury)
                confirmed = partial_maximum_rate_figure(claim.date_of_injury).confirmed
            else:
                rate = temporary_total_rate(claim.date_of_injury, aww, after_tax)
                confirmed = maximum_rate_figure(claim.date_of_injury).confirmed
    except RateYearMissing as error:
        raise refused(str(error)) from None
    claim.average_weekly_wage, claim.after_tax_average_weekly_wage = aww, after_tax
    claim.after_tax_post_injury_wage = body.after_tax_post_injury_wage
    claim.wage_method, claim.wage_weeks_counted = method, weeks_counted
    claim.rate_weekly = rate.weekly_rate if rate else None
    claim.rate_year = rate.rate_year if rate else None
    claim.rate_maximum = rate.maximum if rate else None
    claim.rate_minimum = rate.minimum if rate else None
    claim.rate_basis = rate.basis if rate else None
    claim.rate_confirmed = confirmed
    record(session, claim, actor, "wage", {
        "average_weekly_wage": f"{aww:.2f}", "method": method, "weeks_counted": weeks_counted,
        "after_tax_average_weekly_wage": f"{after_tax:.2f}" if after_tax is not None else None,
        "weekly_rate": f"{rate.weekly_rate:.2f}" if rate else None,
        "rate_year": rate.rate_year if rate else None}, now=now)
    return {"average_weekly_wage": wage_out(claim), "compensation_rate": rate_out(claim)}


def wage_out(claim: Claim) -> dict[str, Any] | None:
    if claim.average_weekly_wage is None:
        return None
    return {
        "amount": f"{claim.average_weekly_wage:.2f}",
        "after_tax": (f"{claim.after_tax_average_weekly_wage:.2f}"
                      if claim.after_tax_average_weekly_wage is not None else None),
        "method": claim.wage_method, "weeks_counted": claim.wage_weeks_counted,
        "basis": "CGS 31-310",
    }


def rate_out(claim: Claim) -> dict[str, Any] | None:
    if claim.rate_weekly is None:
        return None
    return {
        "weekly_rate": f"{claim.rate_weekly:.2f}", "rate_year": claim.rate_year,
        "maximum": f"{claim.rate_maximum:.2f}", "minimum": f"{claim.rate_minimum:.2f}",
        "basis": claim.rate_basis, "maximum_confirmed": claim.rate_confirmed,
    }


async def record_incapacity(session: AsyncSession, claim: Claim, body: IncapacityIn, actor: str
                            ) -> dict[str, Any]:
    """A period of incapacity and its waiting period (CGS 31-295)."""
    now = utcnow()
    _not_before_injury("from", body.starts_on, claim)
    periods = (await session.execute(
        select(IncapacityPeriod).where(IncapacityPeriod.claim_number == claim.claim_number)  # type: ignore[arg-type]
    )).scalars().all()
    for p in periods:
        if body.starts_on <= p.ends_on and p.starts_on <= body.ends_on:
            raise refused(f"incapacity {body.starts_on.isoformat()} to {body.ends_on.isoformat()} "
                          f"overlaps the period recorded from {p.starts_on.isoformat()} to "
                          f"{p.ends_on.isoformat()}")
    try:
        answer = waiting_period(claim.date_of_injury, body.starts_on, body.ends_on)
    except ValueError as error:
        raise invalid("from", str(error)) from None
    session.add(IncapacityPeriod(claim_number=claim.claim_number, starts_on=body.starts_on,
                                 ends_on=body.ends_on, days=answer.days,
                                 compensable_from=answer.compensable_from, at=now, actor=actor))
    claim.incapacity_days = sum(p.days for p in periods) + answer.days
    result = {"from": body.starts_on.isoformat(), "to": body.ends_on.isoformat(),
              "days": answer.days,
              "compensable_from": answer.compensable_from.isoformat() if answer.compensable_from else None,
              "basis": answer.basis, "total_incapacity_days": claim.incapacity_days}
    record(session, claim, actor, "incapacity", result, now=now)
    return result


async def record_mmi(session: AsyncSession, claim: Claim, body: MmiIn, actor: str) -> dict[str, Any]:
    """Maximum medical improvement: permanent partial payments are due within 30 days
    (CGS 31-295(c)); with a scheduled member, the award of CGS 31-308(b)."""
    now, today = utcnow(), ct_today()
    _open_for_work(claim, "record maximum medical improvement")
    _not_future("mmi_on", body.mmi_on, today)
    _not_before_injury("mmi_on", body.mmi_on, claim)
    claim.mmi_on = body.mmi_on
    award = None
    if body.member is not None and body.percent_impairment is not None:
        if claim.rate_weekly is None:
            raise refused("the scheduled award is weeks times the weekly compensation rate "
                          "(CGS 31-308(b)); record the wage (POST /wage) first")
        weeks = scheduled_weeks(body.member, body.percent_impairment)
        amount = permanent_partial_award(body.member, body.percent_impairment, claim.rate_weekly)
        claim.pp_member, claim.pp_percent = body.member, body.percent_impairment
        claim.pp_weeks, claim.pp_award = weeks, amount
        award = pp_out(claim)
    await refresh_payment_facts(session, claim)
    due = pp_payment_deadline(body.mmi_on)
    result = {"mmi_on": body.mmi_on.isoformat(), "permanent_partial_payment_due_on": due.due_on.isoformat(),
              "basis": due.basis, "permanent_partial": award}
    record(session, claim, actor, "mmi", result, now=now)
    return result


def pp_out(claim: Claim) -> dict[str, Any] | None:
    if claim.pp_member is None:
        return None
    return {"member": claim.pp_member, "percent_impairment": f"{claim.pp_percent:.2f}",
            "weeks": f"{claim.pp_weeks:.4f}".rstrip("0").rstrip("."),
            "weekly_rate": f"{claim.rate_weekly:.2f}" if claim.rate_weekly is not None else None,
            "award": f"{claim.pp_award:.2f}", "basis": "CGS 31-308(b)"}


async def record_award(session: AsyncSession, claim: Claim, body: AwardIn, actor: str) -> dict[str, Any]:
    """A voluntary agreement or award: payments start by the 20th day (CGS 31-303)."""
    now, today = utcnow(), ct_today()
    _open_for_work(claim, "record an agreement or award")
    _not_future("approved_on", body.approved_on, today)
    _not_before_injury("approved_on", body.approved_on, claim)
    claim.agreement_or_award_on = body.approved_on
    await refresh_payment_facts(session, claim)
    due = award_payment_deadline(body.approved_on)
    result = {"kind": body.kind, "approved_on": body.approved_on.isoformat(),
              "payments_due_by": due.due_on.isoformat(), "basis": due.basis}
    record(session, claim, actor, "award", result, now=now)
    return result


async def record_contact(session: AsyncSession, claim: Claim, body: ContactIn, actor: str
                         ) -> ClaimContact:
    """A contact with the worker, the employer or the doctor; the first-contact clock is met
    when all three have been reached."""
    now, today = utcnow(), ct_today()
    contacted_on = body.contacted_on or today
    _not_future("contacted_on", contacted_on, today)
    _not_before_injury("contacted_on", contacted_on, claim)
    contact = ClaimContact(claim_number=claim.claim_number, party=body.party,
                           contacted_on=contacted_on, method=body.method, note=body.note,
                           at=now, actor=actor)
    session.add(contact)
    await session.flush()
    firsts: dict[str, date] = dict((await session.execute(  # type: ignore[arg-type]
        select(col(ClaimContact.party), func.min(col(ClaimContact.contacted_on)))
        .where(col(ClaimContact.claim_number) == claim.claim_number)
        .group_by(col(ClaimContact.party))
    )).all())
    if set(firsts) == {"worker", "employer", "doctor"}:
        claim.first_contact_completed_on = max(firsts.values())
    record(session, claim, actor, "contact", {
        "party": body.party, "contacted_on": contacted_on, "method": body.method,
        "first_contact_completed_on": claim.first_contact_completed_on}, now=now)
    return contact


async def record_first_report(session: AsyncSession, claim: Claim, filed_on: date, actor: str) -> None:
    """The employer's first report of injury filed with the Commission (CGS 31-316)."""
    now, today = utcnow(), ct_today()
    _not_future("filed_on", filed_on, today)
    _not_before_injury("filed_on", filed_on, claim)
    claim.first_report_filed_on = filed_on
    record(session, claim, actor, "first_report_filed", {"filed_on": filed_on}, now=now)

