"""What a payment should be checked against before it is recorded: the claim's benefit state.

Plain functions, no I/O. These are warnings, not refusals: adjusters make manual
corrections, pay under agreements and awards, and record payments made elsewhere, so a
payment the benefit state does not explain is recorded and the answer says why it looks
wrong. (What the law clearly forbids is refused elsewhere: indemnity on a claim classified
medical only, any new payment on a closed claim.)

- Indemnity on a contested claim (CGS 31-294c(b)): the payer has denied compensability by
  Form 43; paying indemnity anyway undercuts the contest unless it is paid under an award
  or agreement, or the claim is accepted. Paying *without prejudice* is a decision taken
  within the 28 days (accept_without_prejudice), not a payment on a contested claim.
- Indemnity with no compensation rate on file (CGS 31-307, 31-308(a), 31-309): the amount
  cannot be checked against the weekly rate; when the injury's rate year has no maximum on
  file, the rate cannot be set at all yet, and the warning says so.
- Indemnity for a stated period that is more than the weekly rate pro rata
  (rate x days / 7, days counted inclusive).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class PaymentWarning:
    code: str
    rule: str
    message: str


def payment_warnings(
    *,
    kind: str,
    amount: Decimal,
    status: str,
    weekly_rate: Decimal | None,
    rate_problem: str | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> list[PaymentWarning]:
    """Warnings for a payment about to be recorded; none for medical and expense payments."""
    if kind != "indemnity":
        return []
    found = []
    if status == "contested":
        found.append(PaymentWarning(
            "indemnity_on_contested_claim", "CGS 31-294c(b)",
            "the claim is contested (Form 43): indemnity paid while contesting undercuts the "
            "contest unless it is paid under an award or agreement; say why in the memo, or "
            "accept the claim"))
    if weekly_rate is None:
        message = ("no compensation rate on file, so this amount cannot be checked against "
                   "the weekly rate (CGS 31-307, 31-309); record the wage with POST /wage")
        if rate_problem:
            message = f"no compensation rate can be set yet: {rate_problem}"
        found.append(PaymentWarning("no_compensation_rate", "CGS 31-307", message))
    elif period_start is not None and period_end is not None:
        days = (period_end - period_start).days + 1
        due = (weekly_rate * days / 7).quantize(_CENT, ROUND_HALF_UP)
        if amount > due:
            found.append(PaymentWarning(
                "more_than_weekly_rate", "CGS 31-307",
                f"{amount:.2f} for {days} day(s) from {period_start.isoformat()} is more than "
                f"the weekly rate {weekly_rate:.2f} gives for that period ({due:.2f})"))
    return found
