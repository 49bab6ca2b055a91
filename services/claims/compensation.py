"""Weekly compensation rates for temporary total and temporary partial incapacity."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.claims.rate_tables import (
    maximum_weekly_rate,
    minimum_weekly_rate,
    partial_maximum_weekly_rate,
    rate_year_of,
)

COMPENSATION_SHARE = Decimal("0.75")  # 75% of after-tax wages (CGS 31-307, 31-308(a))
TEMPORARY_PARTIAL_MAX_WEEKS = 520  # CGS 31-308(a)
_CENT = Decimal("0.01")


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(_CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class CompensationRate:
    """The contract's `compensation_rate` object."""

    weekly_rate: Decimal
    rate_year: int
    maximum: Decimal
    minimum: Decimal
    basis: str


def temporary_total_rate(
    date_of_injury: date,
    average_weekly_wage: Decimal,
    after_tax_average_weekly_wage: Decimal,
) -> CompensationRate:
    """75% of after-tax AWW, capped at the maximum, floored at 20% of it (CGS 31-307(a), 31-309).

    The floor itself never exceeds 75% of the employee's (gross) average weekly wage, so a
    low earner gets the lesser of the two, not the full 20% minimum.
    """
    if average_weekly_wage < 0 or after_tax_average_weekly_wage < 0:
        raise ValueError("average weekly wages cannot be negative")
    if after_tax_average_weekly_wage > average_weekly_wage:
        raise ValueError(
            f"after-tax average weekly wage {after_tax_average_weekly_wage} is more than "
            f"the average weekly wage {average_weekly_wage}"
        )
    maximum = maximum_weekly_rate(date_of_injury)
    minimum = minimum_weekly_rate(date_of_injury)
    floor = min(minimum, _cents(COMPENSATION_SHARE * average_weekly_wage))
    rate = min(_cents(COMPENSATION_SHARE * after_tax_average_weekly_wage), maximum)
    return CompensationRate(
        weekly_rate=max(rate, floor),
        rate_year=rate_year_of(date_of_injury),
        maximum=maximum,
        minimum=minimum,
        basis="CGS 31-307",
    )


def temporary_partial_rate(
    date_of_injury: date,
    after_tax_pre_injury_wage: Decimal,
    after_tax_post_injury_wage: Decimal,
) -> CompensationRate:
    """75% of the after-tax wage loss, at most the partial-disability maximum (CGS 31-308(a)).

    The statute sets no minimum for partial incapacity: `minimum` is 0.00, and a worker now
    earning as much as before the injury is owed 0.00.
    """
    if after_tax_pre_injury_wage < 0 or after_tax_post_injury_wage < 0:
        raise ValueError("after-tax wages cannot be negative")
    maximum = partial_maximum_weekly_rate(date_of_injury)
    loss = max(after_tax_pre_injury_wage - after_tax_post_injury_wage, Decimal(0))
    return CompensationRate(
        weekly_rate=min(_cents(COMPENSATION_SHARE * loss), maximum),
        rate_year=rate_year_of(date_of_injury),
        maximum=maximum,
        minimum=Decimal("0.00"),
        basis="CGS 31-308(a)",
    )


def partial_weeks_within_cap(weeks_paid: Decimal) -> bool:
    """True while temporary partial benefits paid stay within 520 weeks (CGS 31-308(a))."""
    if weeks_paid < 0:
        raise ValueError("weeks paid cannot be negative")
    return weeks_paid <= TEMPORARY_PARTIAL_MAX_WEEKS


def partial_weeks_remaining(weeks_paid: Decimal) -> Decimal:
    """Weeks of temporary partial benefits left under the 520-week cap (CGS 31-308(a))."""
    if weeks_paid < 0:
        raise ValueError("weeks paid cannot be negative")
    return max(Decimal(TEMPORARY_PARTIAL_MAX_WEEKS) - weeks_paid, Decimal(0))
