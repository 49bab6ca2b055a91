"""The waiting period before compensation for incapacity is owed (CGS 31-295)."""

from dataclasses import dataclass
from datetime import date, timedelta

WAITING_DAYS = 3  # incapacity of 3 days or less: nothing owed
FULL_PERIOD_DAYS = 7  # incapacity of 7 days or more: owed from the start


@dataclass(frozen=True)
class WaitingPeriod:
    """The contract's waiting-period answer: days of incapacity and the first day paid."""

    days: int
    compensable_from: date | None
    basis: str = "CGS 31-295"


def waiting_period(
    date_of_injury: date, incapacity_from: date, incapacity_to: date
) -> WaitingPeriod:
    """Days of incapacity and the first compensable day (CGS 31-295(a), (b)).

    The day of injury is paid as full wages by the employer and is not a day of
    incapacity (31-295(b)), so counting starts the day after the injury at the earliest.
    3 days or less: nothing owed. More than 3 but fewer than 7: owed from day 4.
    7 or more: 31-295(a) says "from the date of the injury"; since that day is already
    paid as wages, compensation runs from the first day of incapacity, which pays the
    three waiting days retroactively without paying the day of injury twice.
    """
    if incapacity_from < date_of_injury:
        raise ValueError(
            f"incapacity from {incapacity_from.isoformat()} is before the injury "
            f"on {date_of_injury.isoformat()}"
        )
    if incapacity_to < incapacity_from:
        raise ValueError(
            f"incapacity to {incapacity_to.isoformat()} is before incapacity from "
            f"{incapacity_from.isoformat()}"
        )
    first_day = max(incapacity_from, date_of_injury + timedelta(days=1))
    days = max((incapacity_to - first_day).days + 1, 0)
    if days <= WAITING_DAYS:
        return WaitingPeriod(days, None)
    if days < FULL_PERIOD_DAYS:
        return WaitingPeriod(days, first_day + timedelta(days=WAITING_DAYS))
    return WaitingPeriod(days, first_day)
