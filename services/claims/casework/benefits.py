"""What the benefits hang on: periods of incapacity and the waiting period (CGS 31-295),
maximum medical improvement and the scheduled permanent partial award (CGS 31-308(b)),
and voluntary agreements or awards (CGS 31-303)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims.casework.claim_file import record
from services.claims.casework.connecticut_time import ct_today
from services.claims.casework.payments import refresh_payment_facts
from services.claims.casework.refusals import (
    invalid,
    not_before_injury,
    not_future,
    open_for_work,
    refused,
)
from services.claims.deadlines import award_payment_deadline, pp_payment_deadline
from services.claims.models import Claim, IncapacityPeriod
from services.claims.scheduled_injuries import permanent_partial_award, scheduled_weeks
from services.claims.schemas import AwardIn, IncapacityIn, MmiIn
from services.claims.waiting_period import (
    BASIS,
    SAME_SPELL_GAP_DAYS,
    Spell,
    incapacity_spells,
    total_incapacity_days,
    waiting_period,
)
from shared.db import utcnow


async def incapacity_periods(session: AsyncSession, claim_number: str) -> list[IncapacityPeriod]:
    return list((await session.execute(
        select(IncapacityPeriod).where(col(IncapacityPeriod.claim_number) == claim_number)
        .order_by(col(IncapacityPeriod.id))
    )).scalars().all())


def spell_out(spell: Spell) -> dict[str, Any]:
    return {"from": spell.starts_on.isoformat(), "to": spell.ends_on.isoformat(),
            "days": spell.days, "periods": spell.periods,
            "compensable_from": spell.compensable_from.isoformat() if spell.compensable_from else None,
            "basis": spell.basis}


async def record_incapacity(session: AsyncSession, claim: Claim, body: IncapacityIn, actor: str
                            ) -> dict[str, Any]:
    """A period of incapacity (a doctor's note), and the waiting period of the spell it
    belongs to (CGS 31-295; `waiting_period.incapacity_spells`): overlapping, touching and
    nearly touching periods are one spell, so `days` and `compensable_from` follow the
    whole spell, not this note alone."""
    now = utcnow()
    not_before_injury("from", body.starts_on, claim)
    recorded = await incapacity_periods(session, claim.claim_number)
    try:
        alone = waiting_period(claim.date_of_injury, body.starts_on, body.ends_on)
        spells = incapacity_spells(claim.date_of_injury,
                                   [*((p.starts_on, p.ends_on) for p in recorded),
                                    (body.starts_on, body.ends_on)])
    except ValueError as error:
        raise invalid("from", str(error)) from None
    spell = next((s for s in spells if s.covers(body.ends_on)), None)
    compensable_from = spell.compensable_from if spell else None
    session.add(IncapacityPeriod(claim_number=claim.claim_number, starts_on=body.starts_on,
                                 ends_on=body.ends_on, days=alone.days,
                                 compensable_from=compensable_from, at=now, actor=actor))
    claim.incapacity_days = total_incapacity_days(spells)
    result = {"from": body.starts_on.isoformat(), "to": body.ends_on.isoformat(),
              "days": spell.days if spell else 0,
              "compensable_from": compensable_from.isoformat() if compensable_from else None,
              "basis": BASIS, "period_days": alone.days,
              "spell": spell_out(spell) if spell else None,
              "spells": [spell_out(s) for s in spells],
              "total_incapacity_days": claim.incapacity_days}
    record(session, claim, actor, "incapacity", {
        k: v for k, v in result.items() if k != "spells"}, now=now)
    return result


def incapacity_out(claim: Claim, periods: list[IncapacityPeriod]) -> dict[str, Any]:
    """The periods recorded (each note as given) and the spells they make."""
    spells = incapacity_spells(claim.date_of_injury, [(p.starts_on, p.ends_on) for p in periods])
    return {"items": [{"from": p.starts_on.isoformat(), "to": p.ends_on.isoformat(),
                       "period_days": p.days, "at": p.at.isoformat(), "actor": p.actor}
                      for p in periods],
            "total": len(periods), "spells": [spell_out(s) for s in spells],
            "total_incapacity_days": total_incapacity_days(spells),
            "same_spell_gap_days": SAME_SPELL_GAP_DAYS, "basis": BASIS}


async def record_mmi(session: AsyncSession, claim: Claim, body: MmiIn, actor: str) -> dict[str, Any]:
    """Maximum medical improvement: permanent partial payments are due within 30 days
    (CGS 31-295(c)); with a scheduled member, the award of CGS 31-308(b)."""
    now, today = utcnow(), ct_today()
    open_for_work(claim, "record maximum medical improvement")
    not_future("mmi_on", body.mmi_on, today)
    not_before_injury("mmi_on", body.mmi_on, claim)
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
    open_for_work(claim, "record an agreement or award")
    not_future("approved_on", body.approved_on, today)
    not_before_injury("approved_on", body.approved_on, claim)
    claim.agreement_or_award_on = body.approved_on
    await refresh_payment_facts(session, claim)
    due = award_payment_deadline(body.approved_on)
    result = {"kind": body.kind, "approved_on": body.approved_on.isoformat(),
              "payments_due_by": due.due_on.isoformat(), "basis": due.basis}
    record(session, claim, actor, "award", result, now=now)
    return result
