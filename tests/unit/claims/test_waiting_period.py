from datetime import date

import pytest

from services.claims.waiting_period import WaitingPeriod, waiting_period

INJURY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("incapacity_from", "incapacity_to", "days", "compensable_from"),
    [
        # only the day of injury: paid as wages, not a day of incapacity
        (date(2026, 11, 22), date(2026, 11, 22), 0, None),
        (date(2026, 11, 23), date(2026, 11, 25), 3, None),  # 3 days: nothing owed
        (date(2026, 11, 22), date(2026, 11, 25), 3, None),  # injury day not counted
        (date(2026, 11, 23), date(2026, 11, 26), 4, date(2026, 11, 26)),  # 4 days: from day 4
        (date(2026, 11, 23), date(2026, 11, 28), 6, date(2026, 11, 26)),  # 6 days: from day 4
        (date(2026, 11, 23), date(2026, 11, 29), 7, date(2026, 11, 23)),  # 7 days: from day 1
        (date(2026, 11, 22), date(2026, 11, 30), 8, date(2026, 11, 23)),
        (date(2026, 11, 22), date(2026, 12, 1), 9, date(2026, 11, 23)),  # the contract's 9
        # incapacity beginning after some days back at work
        (date(2026, 12, 1), date(2026, 12, 3), 3, None),
        (date(2026, 12, 1), date(2026, 12, 4), 4, date(2026, 12, 4)),
        (date(2026, 12, 1), date(2026, 12, 9), 9, date(2026, 12, 1)),
    ],
)
def test_waiting_period(incapacity_from, incapacity_to, days, compensable_from):
    assert waiting_period(INJURY, incapacity_from, incapacity_to) == WaitingPeriod(
        days, compensable_from, "CGS 31-295"
    )


@pytest.mark.parametrize(
    ("incapacity_from", "incapacity_to", "message"),
    [
        (date(2026, 11, 21), date(2026, 11, 30), "before the injury"),
        (date(2026, 11, 30), date(2026, 11, 29), "before incapacity from"),
    ],
)
def test_impossible_periods_are_rejected(incapacity_from, incapacity_to, message):
    with pytest.raises(ValueError, match=message):
        waiting_period(INJURY, incapacity_from, incapacity_to)
