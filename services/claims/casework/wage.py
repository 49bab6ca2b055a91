"""The average weekly wage (CGS 31-310) and the compensation rate it gives for the injury's
rate year (CGS 31-307, 31-308(a), 31-309)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services.claims.average_weekly_wage import (
    WageHistoryInsufficient,
    WageRecordRejected,
    WeeklyWage,
    average_weekly_wage,
)
from services.claims.casework.claim_file import record
from services.claims.casework.refusals import invalid, refused
from services.claims.compensation import temporary_partial_rate, temporary_total_rate
from services.claims.models import Claim, WageRecord
from services.claims.rate_tables import (
    RateYearMissing,
    maximum_rate_figure,
    partial_maximum_rate_figure,
)
from services.claims.schemas import WageIn
from shared.db import utcnow


async def set_wage(session: AsyncSession, claim: Claim, body: WageIn, actor: str) -> dict[str, Any]:
    """Average weekly wage (CGS 31-310) and the compensation rate for the injury's rate year
    (CGS 31-307, 31-308(a), 31-309). A rate year missing from the table is refused (409),
    and so is a post-injury wage on a claim that is not temporary partial (it sets only the
    partial rate). What was given but not used is said in `warnings`."""
    now = utcnow()
    if body.after_tax_post_injury_wage is not None and claim.classification != "temporary_partial":
        raise refused(
            f"after_tax_post_injury_wage sets the temporary partial rate (CGS 31-308(a)); claim "
            f"{claim.claim_number} is classified {claim.classification.replace('_', ' ')}: "
            "reclassify it temporary_partial first, or leave the field out")
    warnings: list[dict[str, str]] = []
    aww = body.average_weekly_wage
    weeks_counted: int | None = None
    method = "stated"
    if body.weekly_wages is not None or body.agreed_hourly_rate is not None:
        records = [WeeklyWage(w.week_ending, w.amount, w.first_week_partial)
                   for w in body.weekly_wages or []]
        try:
            computed = average_weekly_wage(
                claim.date_of_injury, records, agreed_hourly_rate=body.agreed_hourly_rate,
                regular_weekly_hours=body.regular_weekly_hours)
        except (WageRecordRejected, WageHistoryInsufficient) as error:
            raise invalid("weekly_wages", str(error)) from None
        aww, weeks_counted, method = computed.amount, computed.weeks_counted, computed.method
        if body.agreed_hourly_rate is not None and method != "agreed_hourly_rate":
            warnings.append(_warning(
                "agreed_rate_not_used",
                f"agreed_hourly_rate and regular_weekly_hours were not used: the weekly wages "
                f"show {weeks_counted} weeks worked, and CGS 31-310 uses the agreed rate only "
                "under two weeks"))
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
    post_injury = body.after_tax_post_injury_wage
    try:
        if after_tax is not None:
            if post_injury is not None:
                rate = temporary_partial_rate(claim.date_of_injury, after_tax, post_injury)
                confirmed = partial_maximum_rate_figure(claim.date_of_injury).confirmed
            else:
                rate = temporary_total_rate(claim.date_of_injury, aww, after_tax)
                confirmed = maximum_rate_figure(claim.date_of_injury).confirmed
    except RateYearMissing as error:
        raise refused(str(error)) from None
    if after_tax is None:
        warnings.append(_warning(
            "no_rate", "no compensation rate: it is 75% of the after-tax average weekly wage "
                       "(CGS 31-307); give after_tax_average_weekly_wage"))
    elif claim.classification == "temporary_partial" and post_injury is None:
        warnings.append(_warning(
            "total_rate_on_partial_claim",
            "the claim is temporary partial but no after_tax_post_injury_wage was given: the rate "
            "shown is the temporary total rate (CGS 31-307), not 75% of the wage loss "
            "(CGS 31-308(a))"))
    claim.average_weekly_wage, claim.after_tax_average_weekly_wage = aww, after_tax
    claim.after_tax_post_injury_wage = post_injury
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
        "after_tax_post_injury_wage": f"{post_injury:.2f}" if post_injury is not None else None,
        "weekly_rate": f"{rate.weekly_rate:.2f}" if rate else None,
        "rate_year": rate.rate_year if rate else None,
        "warnings": [w["code"] for w in warnings] or None}, now=now)
    return {"average_weekly_wage": wage_out(claim), "compensation_rate": rate_out(claim),
            "warnings": warnings}


def _warning(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def rate_problem(claim: Claim) -> dict[str, Any] | None:
    """Why no compensation rate can be set for this claim yet, read up front: the injury's
    rate year has no maximum on file (CGS 31-309), or, on a temporary partial claim, no
    partial-disability maximum (CGS 31-308(a)). Never a guessed figure (`rate_tables`)."""
    checks: list[tuple[str, Callable[[date], object], str]] = [
        ("rate_year_missing", maximum_rate_figure, "CGS 31-309")]
    if claim.classification == "temporary_partial":
        checks.append(("partial_rate_year_missing", partial_maximum_rate_figure, "CGS 31-308(a)"))
    for code, figure, rule in checks:
        try:
            figure(claim.date_of_injury)
        except RateYearMissing as missing:
            return {"code": code, "rule": rule, "rate_year": missing.rate_year,
                    "message": str(missing)}
    return None


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
