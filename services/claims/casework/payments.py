"""The payments ledger: payments and their reversals (never edits), the reserve each uses or
restores, the totals and first-payment dates the ledger implies, and
`claims.payment-issued` for each entry."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims.casework.claim_file import SOURCE, record
from services.claims.casework.connecticut_time import ct_today
from services.claims.casework.refusals import (
    invalid,
    not_before_injury,
    not_found,
    not_future,
    open_for_work,
    refused,
)
from services.claims.casework.reserves import KINDS, reserve_snapshot
from services.claims.casework.wage import rate_problem
from services.claims.ledger import Entry, payment_facts
from services.claims.models import ZERO, Claim, Payment
from services.claims.payment_checks import payment_warnings
from services.claims.schemas import PaymentIn, ReversalIn
from shared.bus.outbox import add_event
from shared.db import utcnow
from shared.events.catalogue import PaymentIssued
from shared.events.envelope import new_event


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


async def issue_payment(session: AsyncSession, claim: Claim, body: PaymentIn, actor: str
                        ) -> tuple[Payment, list[dict[str, str]]]:
    """Record a payment: it uses up the reserve of its kind (never below zero), moves the paid
    totals, and is announced as `claims.payment-issued`. Answers the payment and the
    warnings of `payment_checks` (a payment the benefit state does not explain is recorded,
    and the warnings are kept in the history)."""
    now, today = utcnow(), ct_today()
    open_for_work(claim, "record a payment")
    not_future("paid_on", body.paid_on, today)
    not_before_injury("paid_on", body.paid_on, claim)
    if body.period_start:
        not_before_injury("period_start", body.period_start, claim)
    if body.kind == "indemnity" and claim.classification == "medical_only":
        raise refused(f"Cannot pay indemnity on claim {claim.claim_number}: it is classified "
                      "medical only; reclassify it (e.g. temporary_total) first")
    problem = rate_problem(claim)
    warnings = [asdict(w) for w in payment_warnings(
        kind=body.kind, amount=body.amount, status=claim.status, weekly_rate=claim.rate_weekly,
        rate_problem=problem["message"] if problem else None,
        period_start=body.period_start, period_end=body.period_end)]
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
        reserve_snapshot(session, claim, "payment", payment.id, actor, now)
    await refresh_payment_facts(session, claim)
    add_event(session, _payment_event(claim, payment))
    record(session, claim, actor, "payment", {
        "payment_id": payment.id, "kind": body.kind, "amount": f"{body.amount:.2f}",
        "paid_on": body.paid_on, "payee": body.payee, "reserve_used": f"{used:.2f}",
        "warnings": [w["code"] for w in warnings] or None}, now=now)
    return payment, warnings


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
    not_future("reversed_on", reversed_on, today)
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
        reserve_snapshot(session, claim, "reversal", reversal.id, actor, now)
    await refresh_payment_facts(session, claim)
    add_event(session, _payment_event(claim, reversal))
    record(session, claim, actor, "payment_reversed", {
        "payment_id": reversal.id, "reversal_of": original.id, "kind": original.kind,
        "amount": f"{reversal.amount:.2f}", "reason": body.reason,
        "reserve_restored": f"{restore:.2f}"}, now=now)
    return reversal
