from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from services.claims.average_weekly_wage import (
    WageHistoryInsufficient,
    WageRecordRejected,
    WeeklyWage,
    agreed_rate_weekly_wage,
    average_weekly_wage,
    wage_window,
    week_of_injury_begins,
)

INJURY = date(2024, 11, 20)  # a Wednesday; its calendar week begins Sunday 2024-11-17
LAST_SATURDAY = date(2024, 11, 16)  # the last week ending in the window


def saturdays(count: int) -> list[date]:
    """The `count` most recent week endings before the week of injury, oldest first."""
    return [LAST_SATURDAY - timedelta(weeks=k) for k in reversed(range(count))]


def weeks(*amounts: str) -> list[WeeklyWage]:
    return [WeeklyWage(day, D(a)) for day, a in zip(saturdays(len(amounts)), amounts, strict=True)]


@pytest.mark.parametrize(
    ("date_of_injury", "week_begins"),
    [
        (date(2024, 11, 16), date(2024, 11, 10)),  # Saturday: the week before
        (date(2024, 11, 17), date(2024, 11, 17)),  # Sunday: the week starts that day
        (date(2024, 11, 18), date(2024, 11, 17)),  # Monday
        (date(2024, 11, 20), date(2024, 11, 17)),  # Wednesday
        (date(2024, 11, 23), date(2024, 11, 17)),  # Saturday: the week's last day
    ],
)
def test_week_of_injury_begins_on_sunday(date_of_injury, week_begins):
    assert week_of_injury_begins(date_of_injury) == week_begins


def test_wage_window_is_the_52_calendar_weeks_before_the_week_of_injury():
    # 2024-11-17 - 364 days = 2023-11-19 (2024 is a leap year)
    assert wage_window(INJURY) == (date(2023, 11, 19), date(2024, 11, 16))
    assert saturdays(52)[0] == date(2023, 11, 25)


@pytest.mark.parametrize(
    ("records", "amount", "weeks_counted", "wages_counted"),
    [
        (weeks(*["1500.00"] * 52), "1500.00", 52, "78000.00"),
        # two weeks with no wages are weeks absent: 75000 / 50, not 75000 / 52 = 1442.31
        (weeks(*["1500.00"] * 25, "0.00", "0.00", *["1500.00"] * 25), "1500.00", 50, "75000.00"),
        # 3305.00 / 3 = 1101.666... -> 1101.67
        (weeks("1000.00", "1100.00", "1205.00"), "1101.67", 3, "3305.00"),
        # exactly two weeks worked is enough: 1700 / 2
        (weeks("800.00", "900.00"), "850.00", 2, "1700.00"),
        # a run of weeks absent counts none of them: 1401 / 2
        (weeks("700.00", "0.00", "0.00", "0.00", "701.00"), "700.50", 2, "1401.00"),
    ],
)
def test_average_of_the_weeks_worked(records, amount, weeks_counted, wages_counted):
    result = average_weekly_wage(INJURY, records)
    assert result.amount == D(amount)
    assert result.weeks_counted == weeks_counted
    assert result.wages_counted == D(wages_counted)
    assert (result.method, result.basis) == ("weekly_wages", "CGS 31-310")


def test_partial_first_week_is_left_out():
    days = saturdays(11)
    records = [WeeklyWage(days[0], D("300.00"), first_week_partial=True)]
    records += [WeeklyWage(day, D("1000.00")) for day in days[1:]]
    result = average_weekly_wage(INJURY, records)
    # 10000 / 10 = 1000.00; with the partial week it would be 10300 / 11 = 936.36
    assert (result.amount, result.weeks_counted) == (D("1000.00"), 10)


def test_records_may_come_in_any_order():
    assert average_weekly_wage(INJURY, reversed(weeks("800.00", "900.00"))).amount == D("850.00")


@pytest.mark.parametrize(
    ("week_ending", "accepted"),
    [
        (date(2023, 11, 18), False),  # the day before the window
        (date(2023, 11, 19), True),  # the window's first day
        (date(2024, 11, 16), True),  # the window's last day
        (date(2024, 11, 17), False),  # the first day of the week of injury
        (date(2024, 11, 23), False),  # the week of injury itself
    ],
)
def test_records_outside_the_window_are_rejected(week_ending, accepted):
    records = [WeeklyWage(week_ending, D("900.00")), WeeklyWage(date(2024, 6, 1), D("1100.00"))]
    if accepted:
        assert average_weekly_wage(INJURY, records).amount == D("1000.00")  # 2000 / 2
    else:
        with pytest.raises(WageRecordRejected, match=week_ending.isoformat()):
            average_weekly_wage(INJURY, records)


def test_duplicate_week_endings_are_rejected():
    records = weeks("800.00", "900.00") + [WeeklyWage(LAST_SATURDAY, D("900.00"))]
    with pytest.raises(WageRecordRejected, match="2024-11-16 appears more than once"):
        average_weekly_wage(INJURY, records)


def test_negative_wages_are_rejected():
    with pytest.raises(WageRecordRejected, match="negative"):
        average_weekly_wage(INJURY, weeks("800.00", "-1.00"))


def test_only_the_earliest_week_can_be_the_partial_first_week():
    first, second = saturdays(2)
    records = [WeeklyWage(first, D("800.00")), WeeklyWage(second, D("300.00"), True)]
    with pytest.raises(WageRecordRejected, match="not the earliest"):
        average_weekly_wage(INJURY, records)


@pytest.mark.parametrize(
    ("records", "hourly", "hours", "amount"),
    [
        (weeks("1200.00"), "25.50", "40", "1020.00"),  # one week worked: 25.50 x 40
        ([], "18.75", "37.5", "703.13"),  # 703.125 -> 703.13
        (weeks("1200.00", "0.00"), "20.00", "40", "800.00"),  # a zero week is not worked
    ],
)
def test_under_two_weeks_uses_the_agreed_hourly_rate(records, hourly, hours, amount):
    result = average_weekly_wage(
        INJURY, records, agreed_hourly_rate=D(hourly), regular_weekly_hours=D(hours)
    )
    assert (result.amount, result.method, result.weeks_counted) == (
        D(amount),
        "agreed_hourly_rate",
        0,
    )


def test_partial_first_week_and_one_full_week_is_under_two_weeks():
    first, second = saturdays(2)
    records = [WeeklyWage(first, D("300.00"), True), WeeklyWage(second, D("1000.00"))]
    with pytest.raises(WageHistoryInsufficient, match="only 1 week"):
        average_weekly_wage(INJURY, records)


@pytest.mark.parametrize(
    ("hourly", "hours"),
    [(None, None), ("25.00", None), (None, "40")],
)
def test_under_two_weeks_without_an_agreed_rate_is_an_error(hourly, hours):
    with pytest.raises(WageHistoryInsufficient, match="agreed hourly rate"):
        average_weekly_wage(
            INJURY,
            weeks("1200.00"),
            agreed_hourly_rate=None if hourly is None else D(hourly),
            regular_weekly_hours=None if hours is None else D(hours),
        )


@pytest.mark.parametrize(("hourly", "hours"), [("0", "40"), ("25.00", "0"), ("-1", "40")])
def test_agreed_rate_must_be_positive(hourly, hours):
    with pytest.raises(ValueError):
        agreed_rate_weekly_wage(D(hourly), D(hours))
