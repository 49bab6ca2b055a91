from datetime import date

import pytest

from services.claims.waiting_period import (
    SAME_SPELL_GAP_DAYS,
    WaitingPeriod,
    incapacity_spells,
    total_incapacity_days,
    waiting_period,
)

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


def d(day: int, month: int = 12) -> date:
    return date(2026, month, day)


@pytest.mark.parametrize(
    ("periods", "spells"),
    [
        # doctors' notes one at a time, touching: one spell, the days of all of them
        ([(d(1), d(2))], [(d(1), d(2), 2, None)]),
        ([(d(1), d(2)), (d(3), d(4))], [(d(1), d(4), 4, d(4))]),  # 4 days: from day 4
        ([(d(1), d(2)), (d(3), d(4)), (d(5), d(7))], [(d(1), d(7), 7, d(1))]),  # 7: from day 1
        # the order notes arrive in does not matter
        ([(d(5), d(7)), (d(1), d(2)), (d(3), d(4))], [(d(1), d(7), 7, d(1))]),
        # overlapping and repeated notes count each day once
        ([(d(1), d(3)), (d(2), d(4))], [(d(1), d(4), 4, d(4))]),
        ([(d(1), d(3)), (d(1), d(3))], [(d(1), d(3), 3, None)]),
        ([(d(1), d(9)), (d(3), d(4))], [(d(1), d(9), 9, d(1))]),
        # a gap of fewer than 7 days joins; gap days are not incapacity; day 4 after the gap
        ([(d(1), d(2)), (d(5), d(6))], [(d(1), d(6), 4, d(6))]),
        ([(d(1), d(2)), (d(9), d(10))], [(d(1), d(10), 4, d(10))]),  # 6 days back: same spell
        # 7 days back at work (the 3rd to the 9th): a new spell, each measured alone
        ([(d(1), d(2)), (d(10), d(11))], [(d(1), d(2), 2, None), (d(10), d(11), 2, None)]),
        ([(d(1), d(5)), (d(13), d(20))], [(d(1), d(5), 5, d(4)), (d(13), d(20), 8, d(13))]),
        # chains of short gaps stay one spell
        ([(d(1), d(2)), (d(5), d(6)), (d(9), d(11))], [(d(1), d(11), 7, d(1))]),
        # the day of injury is wages, not incapacity; a note for that day alone adds nothing
        ([(INJURY, INJURY)], []),
        ([(INJURY, d(25, 11))], [(d(23, 11), d(25, 11), 3, None)]),
        ([(INJURY, INJURY), (d(23, 11), d(26, 11))], [(d(23, 11), d(26, 11), 4, d(26, 11))]),
        ([], []),
    ],
)
def test_incapacity_spells(periods, spells):
    found = incapacity_spells(INJURY, periods)
    assert [(s.starts_on, s.ends_on, s.days, s.compensable_from) for s in found] == spells
    assert total_incapacity_days(found) == sum(s[2] for s in spells)


def test_spells_count_the_notes_they_join():
    (spell,) = incapacity_spells(INJURY, [(d(1), d(2)), (d(3), d(4)), (d(2), d(3))])
    assert spell.periods == 3 and spell.basis == "CGS 31-295"


def test_the_gap_boundary_is_seven_days():
    assert SAME_SPELL_GAP_DAYS == 7
    six_back = incapacity_spells(INJURY, [(d(1), d(1)), (d(8), d(8))])
    seven_back = incapacity_spells(INJURY, [(d(1), d(1)), (d(9), d(9))])
    assert len(six_back) == 1 and len(seven_back) == 2


def test_spells_reject_impossible_periods():
    with pytest.raises(ValueError, match="before the injury"):
        incapacity_spells(INJURY, [(d(1), d(2)), (d(21, 11), d(30, 11))])
