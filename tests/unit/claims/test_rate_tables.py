from datetime import date
from decimal import Decimal

import pytest

from services.claims.rate_tables import (
    MAXIMUM_WEEKLY_RATES,
    PARTIAL_MAXIMUM_WEEKLY_RATES,
    RateYearMissing,
    maximum_rate_figure,
    maximum_weekly_rate,
    minimum_weekly_rate,
    partial_maximum_weekly_rate,
    rate_year_of,
)


@pytest.mark.parametrize(
    ("date_of_injury", "rate_year"),
    [
        (date(2024, 9, 30), 2023),  # the day before October 1
        (date(2024, 10, 1), 2024),  # the day of
        (date(2024, 10, 2), 2024),  # the day after
        (date(2025, 1, 1), 2024),  # a new calendar year, same rate year
        (date(2025, 9, 30), 2024),  # last day of the rate year
        (date(2015, 10, 1), 2015),
    ],
)
def test_rate_year_starts_on_october_first(date_of_injury, rate_year):
    assert rate_year_of(date_of_injury) == rate_year


@pytest.mark.parametrize(
    ("rate_year", "maximum"),
    [
        (2015, "1256.00"),
        (2017, "1287.00"),
        (2018, "1298.00"),
        (2019, "1328.00"),
        (2020, "1373.00"),
        (2021, "1446.00"),
        (2022, "1509.00"),
        (2023, "1575.00"),
        (2024, "1654.00"),
        (2025, "1716.00"),
    ],
)
def test_maximum_weekly_rate_covers_the_whole_rate_year(rate_year, maximum):
    assert maximum_weekly_rate(date(rate_year, 10, 1)) == Decimal(maximum)
    assert maximum_weekly_rate(date(rate_year + 1, 9, 30)) == Decimal(maximum)


@pytest.mark.parametrize(
    ("date_of_injury", "missing_year"),
    [
        (date(2015, 9, 30), 2014),  # before the table starts
        (date(2016, 10, 1), 2016),  # the gap in the table
        (date(2017, 9, 30), 2016),  # the day before 2017 starts
        (date(2026, 10, 1), 2026),  # after the table ends
    ],
)
def test_maximum_for_a_missing_rate_year_is_an_error(date_of_injury, missing_year):
    with pytest.raises(RateYearMissing) as caught:
        maximum_weekly_rate(date_of_injury)
    assert caught.value.rate_year == missing_year
    assert "maximum weekly compensation rate" in caught.value.table
    assert f"{missing_year} rate year" in str(caught.value)
    assert f"October 1, {missing_year}" in str(caught.value)


def test_no_fallback_to_a_neighbouring_year_for_the_minimum():
    with pytest.raises(RateYearMissing):
        minimum_weekly_rate(date(2016, 12, 1))


@pytest.mark.parametrize(
    ("date_of_injury", "partial_maximum"),
    [
        (date(2015, 10, 1), "998.00"),
        (date(2016, 9, 30), "998.00"),
        (date(2017, 10, 1), "1023.00"),
        (date(2021, 10, 1), "1140.00"),
        (date(2024, 10, 1), "1191.00"),
        (date(2025, 9, 30), "1191.00"),
    ],
)
def test_partial_maximum_weekly_rate(date_of_injury, partial_maximum):
    assert partial_maximum_weekly_rate(date_of_injury) == Decimal(partial_maximum)


@pytest.mark.parametrize(
    ("date_of_injury", "missing_year"),
    [
        (date(2018, 10, 1), 2018),  # total maximum exists, partial does not
        (date(2021, 9, 30), 2020),  # the day before the 2021 figure
        (date(2025, 10, 1), 2025),
    ],
)
def test_partial_maximum_for_a_missing_rate_year_is_an_error(date_of_injury, missing_year):
    with pytest.raises(RateYearMissing) as caught:
        partial_maximum_weekly_rate(date_of_injury)
    assert caught.value.rate_year == missing_year
    assert "partial-disability" in str(caught.value)


@pytest.mark.parametrize(
    ("rate_year", "minimum"),
    [
        (2015, "251.20"),  # 1256 x 0.20
        (2017, "257.40"),  # 1287 x 0.20
        (2023, "315.00"),  # 1575 x 0.20
        (2024, "330.80"),  # 1654 x 0.20, the contract's example
        (2025, "343.20"),  # 1716 x 0.20
    ],
)
def test_minimum_is_twenty_percent_of_the_maximum(rate_year, minimum):
    assert minimum_weekly_rate(date(rate_year, 10, 1)) == Decimal(minimum)


def test_only_the_2025_figure_awaits_confirmation():
    unconfirmed = [row.rate_year for row in MAXIMUM_WEEKLY_RATES if not row.confirmed]
    assert unconfirmed == [2025]
    assert maximum_rate_figure(date(2025, 11, 1)).confirmed is False
    assert maximum_rate_figure(date(2024, 11, 1)).confirmed is True


@pytest.mark.parametrize("table", [MAXIMUM_WEEKLY_RATES, PARTIAL_MAXIMUM_WEEKLY_RATES])
def test_tables_are_dated_october_first_one_row_a_year(table):
    years = [row.rate_year for row in table]
    assert years == sorted(set(years))
    assert {(row.effective_on.month, row.effective_on.day) for row in table} == {(10, 1)}
