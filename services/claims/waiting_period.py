"""The waiting period before compensation for incapacity is owed (CGS 31-295).

CGS 31-295(a): nothing is owed for an injury that does not incapacitate the employee "for a
period of more than three days"; if the incapacity "continues" more than three but less
than seven days, compensation begins after the first three days; if it continues seven
days, from the date of the injury. 31-295(b): the day of injury is paid as full wages and
is not a day of incapacity.

The statute measures one continuing incapacity, while doctors' notes arrive one at a time.
So the periods recorded on a claim are put together into spells before the rule is applied
(`incapacity_spells`):

- Periods that overlap or touch (one ends the day before the next starts) are one
  continuous incapacity: their days are counted once.
- A gap between periods (days no note covers) is read as time back at work. The statute
  does not say when such a return ends the incapacity; Claimline joins periods separated
  by fewer than 7 calendar days into the same spell, and starts a new spell after a return
  of 7 days or more (`SAME_SPELL_GAP_DAYS`). Seven is the chapter's own measure of a break
  from work: CGS 31-310 counts "absence for seven consecutive calendar days" as a week away
  from work, and 31-295(a) itself turns on seven days. A return of a week or more followed
  by new incapacity is a relapse or recurrence (CGS 31-307b), measured as a new spell.
  Gap days themselves are never counted as days of incapacity.
- Each spell gets the 31-295(a) answer over all its days: 3 or less, nothing; more than 3
  and fewer than 7, from the 4th day of incapacity; 7 or more, from its first day of
  incapacity (see `waiting_period` on "from the date of the injury").

These are the answers the claim shows; payments are still the adjuster's to make.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

WAITING_DAYS = 3  # incapacity of 3 days or less: nothing owed
FULL_PERIOD_DAYS = 7  # incapacity of 7 days or more: owed from the start
SAME_SPELL_GAP_DAYS = 7  # back at work fewer than 7 days between periods: the same spell
BASIS = "CGS 31-295"


@dataclass(frozen=True)
class WaitingPeriod:
    """The contract's waiting-period answer: days of incapacity and the first day paid."""

    days: int
    compensable_from: date | None
    basis: str = BASIS


@dataclass(frozen=True)
class Spell:
    """One continuing incapacity: the periods joined into it, its days of incapacity (gap
    days left out) and its first compensable day."""

    starts_on: date
    ends_on: date
    days: int
    compensable_from: date | None
    periods: int
    basis: str = BASIS

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def _check(date_of_injury: date, incapacity_from: date, incapacity_to: date) -> None:
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


def _compensable_from(runs: list[tuple[date, date]], days: int) -> date | None:
    """31-295(a) over the days of `runs` (in order, not overlapping)."""
    if days <= WAITING_DAYS:
        return None
    if days >= FULL_PERIOD_DAYS:
        return runs[0][0]
    counted = 0
    for first, last in runs:
        length = (last - first).days + 1
        if counted + length > WAITING_DAYS:
            return first + timedelta(days=WAITING_DAYS - counted)
        counted += length
    raise AssertionError("more than 3 days of incapacity have a 4th day")


def waiting_period(
    date_of_injury: date, incapacity_from: date, incapacity_to: date
) -> WaitingPeriod:
    """Days of incapacity and the first compensable day of one period (CGS 31-295(a), (b)).

    The day of injury is paid as full wages by the employer and is not a day of
    incapacity (31-295(b)), so counting starts the day after the injury at the earliest.
    3 days or less: nothing owed. More than 3 but fewer than 7: owed from day 4.
    7 or more: 31-295(a) says "from the date of the injury"; since that day is already
    paid as wages, compensation runs from the first day of incapacity, which pays the
    three waiting days retroactively without paying the day of injury twice.
    """
    _check(date_of_injury, incapacity_from, incapacity_to)
    first_day = max(incapacity_from, date_of_injury + timedelta(days=1))
    days = max((incapacity_to - first_day).days + 1, 0)
    return WaitingPeriod(days, _compensable_from([(first_day, incapacity_to)], days))


def incapacity_spells(
    date_of_injury: date, periods: Iterable[tuple[date, date]]
) -> tuple[Spell, ...]:
    """The periods of incapacity recorded on a claim, as spells, oldest first (module
    docstring: overlapping and touching periods are one; a gap of fewer than 7 days joins
    two periods into one spell, 7 or more starts a new one; CGS 31-295, 31-310, 31-307b).

    Days on the day of injury are not incapacity (31-295(b)); a period lying wholly on it
    adds no days and no spell.
    """
    first_possible = date_of_injury + timedelta(days=1)
    clipped = []
    for incapacity_from, incapacity_to in periods:
        _check(date_of_injury, incapacity_from, incapacity_to)
        start = max(incapacity_from, first_possible)
        if start <= incapacity_to:
            clipped.append((start, incapacity_to))
    runs: list[tuple[date, date]] = []
    for start, end in sorted(clipped):
        if runs and start <= runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], max(runs[-1][1], end))
        else:
            runs.append((start, end))
    grouped: list[list[tuple[date, date]]] = []
    for run in runs:
        if grouped and (run[0] - grouped[-1][-1][1]).days - 1 < SAME_SPELL_GAP_DAYS:
            grouped[-1].append(run)
        else:
            grouped.append([run])
    spells = []
    for group in grouped:
        days = sum((last - first).days + 1 for first, last in group)
        count = sum(1 for start, end in clipped if group[0][0] <= start and end <= group[-1][1])
        spells.append(Spell(group[0][0], group[-1][1], days, _compensable_from(group, days), count))
    return tuple(spells)


def total_incapacity_days(spells: Iterable[Spell]) -> int:
    """Days of incapacity over all spells (each day once)."""
    return sum(s.days for s in spells)
