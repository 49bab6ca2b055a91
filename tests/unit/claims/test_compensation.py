from datetime import date
from decimal import Decimal as D

import pytest

from services.claims.compensation import (
    TEMPORARY_PARTIAL_MAX_WEEKS,
    CompensationRate,
    partial_weeks_remaining,
    partial_weeks_within_cap,
    temporary_partial_rate,
    temporary_total_rate,
)
from services.claims.rate_tables import RateYearMissing

RATE_YEAR_2024 = date(2024, 11, 22)  # maximum 1654.00, minimum 330.80


def test_contract_example():
    # 0.75 x 1130.00 = 847.50
    assert temporary_total_rate(RATE_YEAR_2024, D("1500.00"), D("1130.00")) == CompensationRate(
        weekly_rate=D("847.50"),
        rate_year=2024,
        maximum=D("1654.00"),
        minimum=D("330.80"),
        basis="CGS 31-307",
    )


@pytest.mark.parametrize(
    ("average_weekly_wage", "after_tax", "weekly_rate"),
    [
        # the cap: 1654.00 / 0.75 = 2205.333...
        ("3000.00", "2205.32", "1653.99"),  # 1653.99: the cent below the cap
        ("3000.00", "2205.33", "1654.00"),  # 1653.9975 rounds to the cap exactly
        ("3000.00", "2205.34", "1654.00"),  # 1654.005 -> 1654.01, capped
        ("6000.00", "4000.00", "1654.00"),  # 3000.00, capped
        # the floor: 330.80 / 0.75 = 441.0666...
        ("600.00", "441.00", "330.80"),  # 330.75, raised to the minimum
        ("600.00", "441.07", "330.80"),  # 330.8025 -> 330.80, the floor exactly
        ("600.00", "441.08", "330.81"),  # 330.81, above the floor
        # the floor never exceeds 75% of the (gross) average weekly wage
        ("400.00", "350.00", "300.00"),  # 262.50 raised to min(330.80, 0.75 x 400 = 300.00)
        ("441.07", "400.00", "330.80"),  # 0.75 x 441.07 = 330.8025 -> 330.80: full minimum
        ("441.00", "400.00", "330.75"),  # 0.75 x 441.00 = 330.75 < 330.80
        ("0.00", "0.00", "0.00"),  # no wage, no floor
    ],
)
def test_temporary_total_rate_cap_and_floor(average_weekly_wage, after_tax, weekly_rate):
    rate = temporary_total_rate(RATE_YEAR_2024, D(average_weekly_wage), D(after_tax))
    assert rate.weekly_rate == D(weekly_rate)


@pytest.mark.parametrize(
    ("date_of_injury", "rate_year", "maximum", "minimum"),
    [
        (date(2024, 9, 30), 2023, "1575.00", "315.00"),  # the day before the new rate year
        (date(2024, 10, 1), 2024, "1654.00", "330.80"),  # the day of
        (date(2025, 10, 1), 2025, "1716.00", "343.20"),  # the unconfirmed year still computes
    ],
)
def test_temporary_total_rate_uses_the_injurys_rate_year(
    date_of_injury, rate_year, maximum, minimum
):
    rate = temporary_total_rate(date_of_injury, D("5000.00"), D("3000.00"))
    assert (rate.rate_year, rate.maximum, rate.minimum) == (rate_year, D(maximum), D(minimum))
    assert rate.weekly_rate == D(maximum)  # 0.75 x 3000 = 2250 is above every maximum


def test_temporary_total_rate_in_a_missing_rate_year_is_an_error():
    with pytest.raises(RateYearMissing) as caught:
        temporary_total_rate(date(2016, 12, 1), D("1500.00"), D("1130.00"))
    assert caught.value.rate_year == 2016


@pytest.mark.parametrize(
    ("average_weekly_wage", "after_tax"),
    [("1000.00", "1000.01"), ("-1.00", "0.00"), ("100.00", "-1.00")],
)
def test_temporary_total_rate_rejects_impossible_wages(average_weekly_wage, after_tax):
    with pytest.raises(ValueError):
        temporary_total_rate(RATE_YEAR_2024, D(average_weekly_wage), D(after_tax))


@pytest.mark.parametrize(
    ("pre_injury", "post_injury", "weekly_rate"),
    [
        ("1200.00", "800.00", "300.00"),  # 0.75 x 400.00
        ("1000.00", "666.67", "250.00"),  # 0.75 x 333.33 = 249.9975 -> 250.00
        # partial maximum 1191.00 = 0.75 x 1588.00
        ("2000.00", "412.01", "1190.99"),  # 0.75 x 1587.99 = 1190.9925
        ("2000.00", "412.00", "1191.00"),  # 0.75 x 1588.00, the cap exactly
        ("2000.00", "411.99", "1191.00"),  # 0.75 x 1588.01 = 1191.0075, capped
        ("2000.00", "400.00", "1191.00"),  # 1200.00, capped
        ("1000.00", "1000.00", "0.00"),  # no wage loss
        ("1000.00", "1100.00", "0.00"),  # earning more than before
    ],
)
def test_temporary_partial_rate(pre_injury, post_injury, weekly_rate):
    rate = temporary_partial_rate(RATE_YEAR_2024, D(pre_injury), D(post_injury))
    assert rate.weekly_rate == D(weekly_rate)
    assert (rate.maximum, rate.minimum, rate.basis) == (D("1191.00"), D("0.00"), "CGS 31-308(a)")


@pytest.mark.parametrize(
    ("date_of_injury", "missing_year"),
    [(date(2018, 11, 1), 2018), (date(2021, 9, 30), 2020)],
)
def test_temporary_partial_rate_in_a_missing_rate_year_is_an_error(date_of_injury, missing_year):
    with pytest.raises(RateYearMissing) as caught:
        temporary_partial_rate(date_of_injury, D("1000.00"), D("500.00"))
    assert caught.value.rate_year == missing_year


def test_temporary_partial_rate_uses_the_2021_partial_maximum():
    rate = temporary_partial_rate(date(2021, 10, 1), D("3000.00"), D("0.00"))
    assert (rate.weekly_rate, rate.rate_year) == (D("1140.00"), 2021)


@pytest.mark.parametrize(
    ("weeks_paid", "within", "remaining"),
    [
        ("0", True, "520"),
        ("519.5", True, "0.5"),
        ("520", True, "0"),  # the cap exactly
        ("520.01", False, "0"),  # just past it
        ("600", False, "0"),
    ],
)
def test_temporary_partial_520_week_cap(weeks_paid, within, remaining):
    assert TEMPORARY_PARTIAL_MAX_WEEKS == 520
    assert partial_weeks_within_cap(D(weeks_paid)) is within
    assert partial_weeks_remaining(D(weeks_paid)) == D(remaining)


def test_negative_weeks_paid_are_rejected():
    with pytest.raises(ValueError):
        partial_weeks_within_cap(D("-1"))
    with pytest.raises(ValueError):
        partial_weeks_remaining(D("-1"))
