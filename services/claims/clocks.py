"""A claim's statutory clocks with their state: pending, met, late or missed.

`deadlines.claim_deadlines` says when each act is due; this module says whether it was done,
from the facts the claim holds. Plain functions, no I/O.

- pending: not done, and the last day has not passed;
- met: done on or before the last day;
- late: done, but after the last day;
- missed: not done, and the last day has passed (due today is not missed).

What counts as done, by kind:
- contest_by: payment begun (the first medical or indemnity payment); a decision ends the
  clock altogether (it is listed only while the claim is open) (CGS 31-294c(b));
- contest_without_prejudice_by: listed only while the claim is accepted without prejudice;
  the decision that ends it removes it;
- first_contact: the worker, the employer and the doctor all reached (the last of the three);
- first_report_to_commission: the employer's first report recorded as filed (CGS 31-316);
- employer_report_to_payer: the payer's notice itself (a fact from the day the claim opens);
- reserve_review: never "done": each review moves the next due date 90 days on;
- permanent_partial_payment / award_payment: an indemnity payment on or after the maximum
  medical improvement / the agreement or award (CGS 31-295(c), 31-303);
- form36_objection: the claimant's objection. "missed" here means the 15 days ran out with
  no objection, so the discontinuance took effect (CGS 31-296).

A closed claim's clocks stop: none is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from services.claims.deadlines import Deadline, claim_deadlines

PRECLUSIVE = ("contest_by", "contest_without_prejudice_by")


@dataclass(frozen=True)
class ClaimFacts:
    """What the clocks of a claim depend on."""

    date_of_injury: date
    payor_notified_on: date
    opened_on: date
    status: str
    classification: str
    reported_to_employer_on: date | None = None
    incapacity_days: int = 0
    reserves_reviewed_on: date | None = None
    mmi_on: date | None = None
    agreement_or_award_on: date | None = None
    form36_filed_on: date | None = None
    form36_objected_on: date | None = None
    first_payment_on: date | None = None
    first_contact_completed_on: date | None = None
    first_report_filed_on: date | None = None
    pp_payment_began_on: date | None = None
    award_payment_began_on: date | None = None


@dataclass(frozen=True)
class Clock:
    kind: str
    due_on: date
    basis: str
    description: str
    state: str  # pending | met | late | missed
    met_on: date | None


def _met_on(deadline: Deadline, facts: ClaimFacts) -> date | None:
    return {
        "contest_by": facts.first_payment_on,
        "first_contact": facts.first_contact_completed_on,
        "first_report_to_commission": facts.first_report_filed_on,
        "employer_report_to_payer": facts.payor_notified_on,
        "permanent_partial_payment": facts.pp_payment_began_on,
        "award_payment": facts.award_payment_began_on,
        "form36_objection": facts.form36_objected_on,
    }.get(deadline.kind)


def state_of(due_on: date, met_on: date | None, today: date) -> str:
    """pending, met, late or missed; the last day itself is still on time."""
    if met_on is not None:
        return "met" if met_on <= due_on else "late"
    return "missed" if today > due_on else "pending"


def clocks(facts: ClaimFacts, today: date) -> tuple[Clock, ...]:
    """Every clock of the claim with its state; the clocks that can preclude a defence
    (CGS 31-294c(b)) first, then by due date."""
    if facts.status == "closed":
        return ()
    incapacity = facts.incapacity_days
    if facts.classification != "medical_only":
        incapacity = max(incapacity, 1)  # lost time is incapacity of a day or more (CGS 31-316)
    reviewed = facts.reserves_reviewed_on or facts.opened_on
    found = claim_deadlines(
        date_of_injury=facts.date_of_injury,
        payor_notified_on=facts.payor_notified_on,
        status=facts.status,
        reported_to_employer_on=facts.reported_to_employer_on,
        incapacity_days=incapacity,
        opened_on=facts.opened_on,
        as_of=max(reviewed, facts.opened_on) + timedelta(days=1),
        mmi_on=facts.mmi_on,
        agreement_or_award_on=facts.agreement_or_award_on,
        form36_filed_on=facts.form36_filed_on,
    )
    result = []
    for deadline in found:
        met_on = _met_on(deadline, facts)
        result.append(Clock(deadline.kind, deadline.due_on, deadline.basis, deadline.description,
                            state_of(deadline.due_on, met_on, today), met_on))
    return tuple(sorted(result, key=lambda c: (c.kind not in PRECLUSIVE, c.due_on, c.kind)))


Announcement = Literal["approaching", "missed"]


def to_warn(found: tuple[Clock, ...], today: date, warn_days: int
            ) -> list[tuple[Clock, Announcement]]:
    """Clocks to announce: `approaching` when pending and due within `warn_days` days,
    `missed` when the last day has passed undone (the deadline-due event's states)."""
    announce: list[tuple[Clock, Announcement]] = []
    for clock in found:
        if clock.state == "missed":
            announce.append((clock, "missed"))
        elif clock.state == "pending" and clock.due_on <= today + timedelta(days=warn_days):
            announce.append((clock, "approaching"))
    return announce
