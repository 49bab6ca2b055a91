"""Average weekly wage from the 52 calendar weeks before the week of injury (CGS 31-310).

Calendar weeks run Sunday to Saturday. A wage record is one payroll week, named by its
week-ending date; it belongs to the window when that date falls on or after the Sunday 52
weeks before the week of injury and before the week of injury begins.

Payroll records carry weeks, not days: a week with zero wages stands for the "absence for
seven consecutive calendar days" the statute counts as a week absent. An absence that
straddles two calendar weeks without emptying either cannot be seen from weekly records;
the adjuster enters such a case by hand.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

WINDOW_WEEKS = 52
FEWEST_WEEKS_FOR_AVERAGE = 2
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class WeeklyWage:
    """Wages paid for one payroll week. `first_week_partial`: employment began mid-week."""

    week_ending: date
    amount: Decimal
    first_week_partial: bool = False


@dataclass(frozen=True)
class AverageWeeklyWage:
    amount: Decimal
    weeks_counted: int
    wages_counted: Decimal
    method: str  # "weekly_wages" or "agreed_hourly_rate"
    basis: str = "CGS 31-310"


class WageRecordRejected(ValueError):
    """A wage record that cannot be used; the message names it."""


class WageHistoryInsufficient(ValueError):
    """Under two weeks worked and no agreed hourly rate and regular hours to fall back on."""


def week_of_injury_begins(date_of_injury: date) -> date:
    """The Sunday that starts the calendar week of the injury (CGS 31-310(a))."""
    return date_of_injury - timedelta(days=(date_of_injury.weekday() + 1) % 7)


def wage_window(date_of_injury: date) -> tuple[date, date]:
    """First and last day of the 52 calendar weeks before the week of injury (CGS 31-310(a))."""
    begins = week_of_injury_begins(date_of_injury)
    return begins - timedelta(weeks=WINDOW_WEEKS), begins - timedelta(days=1)


def _checked(date_of_injury: date, records: Iterable[WeeklyWage]) -> list[WeeklyWage]:
    first, last = wage_window(date_of_injury)
    seen: set[date] = set()
    checked = sorted(records, key=lambda record: record.week_ending)
    for record in checked:
        name = f"wage record for the week ending {record.week_ending.isoformat()}"
        if not first <= record.week_ending <= last:
            raise WageRecordRejected(
                f"{name} is outside the 52 weeks before the week of injury "
                f"({first.isoformat()} to {last.isoformat()})"
            )
        if record.week_ending in seen:
            raise WageRecordRejected(f"{name} appears more than once")
        if record.amount < 0:
            raise WageRecordRejected(f"{name} has a negative amount {record.amount}")
        seen.add(record.week_ending)
    for record in checked[1:]:
        if record.first_week_partial:
            raise WageRecordRejected(
                f"wage record for the week ending {record.week_ending.isoformat()} is marked "
                "as the partial first week but is not the earliest record"
            )
    return checked


def agreed_rate_weekly_wage(
    agreed_hourly_rate: Decimal, regular_weekly_hours: Decimal
) -> AverageWeeklyWage:
    """Agreed hourly wage times regular weekly hours, for under two weeks' work (CGS 31-310(a))."""
    if agreed_hourly_rate <= 0 or regular_weekly_hours <= 0:
        raise ValueError("agreed hourly rate and regular weekly hours must be positive")
    amount = (agreed_hourly_rate * regular_weekly_hours).quantize(_CENT, ROUND_HALF_UP)
    return AverageWeeklyWage(amount, 0, Decimal("0.00"), "agreed_hourly_rate")


def average_weekly_wage(
    date_of_injury: date,
    weekly_wages: Iterable[WeeklyWage],
    *,
    agreed_hourly_rate: Decimal | None = None,
    regular_weekly_hours: Decimal | None = None,
) -> AverageWeeklyWage:
    """Wages of the weeks worked in the 52-week window over their number (CGS 31-310(a)).

    Weeks with zero wages and a partial first week are left out of both sums. Under two
    weeks worked, the agreed hourly rate times regular weekly hours is used instead.
    """
    records = _checked(date_of_injury, weekly_wages)
    worked = [r for r in records if r.amount > 0 and not r.first_week_partial]
    if len(worked) < FEWEST_WEEKS_FOR_AVERAGE:
        if agreed_hourly_rate is None or regular_weekly_hours is None:
            raise WageHistoryInsufficient(
                f"only {len(worked)} week(s) worked in the 52 weeks before the injury; "
                "CGS 31-310 then needs the agreed hourly rate and the regular weekly hours "
                "(or the prevailing wage for similar work, set by the adjuster)"
            )
        return agreed_rate_weekly_wage(agreed_hourly_rate, regular_weekly_hours)
    total = sum((r.amount for r in worked), Decimal(0))
    amount = (total / len(worked)).quantize(_CENT, ROUND_HALF_UP)
    return AverageWeeklyWage(amount, len(worked), total, "weekly_wages")
