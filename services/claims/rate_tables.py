"""Maximum weekly compensation rates, by rate year.

A rate year starts on October 1 and covers injuries through the next September 30
(CGS 31-309(b)). Figures live in dated tables; an injury whose rate year has no row is an
error the adjuster sees (`RateYearMissing`), never a guess from a neighbouring year.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

RATE_YEAR_STARTS = (10, 1)  # October 1
MINIMUM_SHARE_OF_MAXIMUM = Decimal("0.20")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class RateYearFigure:
    """One weekly figure in force for injuries from `effective_on` to the next September 30."""

    effective_on: date
    weekly_amount: Decimal
    confirmed: bool = True
    source: str = "ct-rules.md"

    @property
    def rate_year(self) -> int:
        return self.effective_on.year


def _row(
    year: int, amount: str, source: str = "ct-rules.md", confirmed: bool = True
) -> RateYearFigure:
    return RateYearFigure(date(year, *RATE_YEAR_STARTS), Decimal(amount), confirmed, source)


# Total disability and death: 100% of the state's average weekly wage (CGS 31-309).
MAXIMUM_WEEKLY_RATES: tuple[RateYearFigure, ...] = (
    _row(2015, "1256.00"),
    _row(2017, "1287.00"),
    _row(2018, "1298.00"),
    _row(2019, "1328.00"),
    _row(2020, "1373.00"),
    _row(2021, "1446.00", "WCC Memorandum No. 2021-06"),
    _row(2022, "1509.00"),
    _row(2023, "1575.00"),
    _row(2024, "1654.00", "WCC Memorandum No. 2024-07"),
    _row(2025, "1716.00", "ct-rules.md: to be confirmed against the Commission's memo", False),
)

# Partial disability: average weekly earnings of production workers in manufacturing
# (CGS 31-308(a)).
PARTIAL_MAXIMUM_WEEKLY_RATES: tuple[RateYearFigure, ...] = (
    _row(2015, "998.00"),
    _row(2017, "1023.00"),
    _row(2021, "1140.00", "WCC Memorandum No. 2021-06"),
    _row(2024, "1191.00", "WCC Memorandum No. 2024-07"),
)

MAXIMUM_TABLE = "maximum weekly compensation rate (CGS 31-309)"
PARTIAL_MAXIMUM_TABLE = "partial-disability maximum weekly rate (CGS 31-308(a))"


class RateYearMissing(LookupError):
    """No figure is on file for the injury's rate year."""

    def __init__(self, rate_year: int, table: str) -> None:
        self.rate_year = rate_year
        self.table = table
        super().__init__(
            f"No {table} is on file for the {rate_year} rate year (injuries from "
            f"October 1, {rate_year} through September 30, {rate_year + 1}). Add the "
            f"Commission's figure for that year before computing this claim's rate."
        )


def rate_year_of(date_of_injury: date) -> int:
    """The rate year of an injury: the year of the last October 1 on or before it (CGS 31-309)."""
    starts = date(date_of_injury.year, *RATE_YEAR_STARTS)
    return date_of_injury.year if date_of_injury >= starts else date_of_injury.year - 1


def _figure(table: tuple[RateYearFigure, ...], name: str, date_of_injury: date) -> RateYearFigure:
    year = rate_year_of(date_of_injury)
    for row in table:
        if row.rate_year == year:
            return row
    raise RateYearMissing(year, name)


def maximum_rate_figure(date_of_injury: date) -> RateYearFigure:
    """The maximum-rate row for the injury's rate year, with its `confirmed` flag (CGS 31-309)."""
    return _figure(MAXIMUM_WEEKLY_RATES, MAXIMUM_TABLE, date_of_injury)


def partial_maximum_rate_figure(date_of_injury: date) -> RateYearFigure:
    """The partial-disability maximum row for the injury's rate year (CGS 31-308(a))."""
    return _figure(PARTIAL_MAXIMUM_WEEKLY_RATES, PARTIAL_MAXIMUM_TABLE, date_of_injury)


def maximum_weekly_rate(date_of_injury: date) -> Decimal:
    """Maximum weekly rate, total incapacity and death, for the injury's rate year (CGS 31-309)."""
    return maximum_rate_figure(date_of_injury).weekly_amount


def partial_maximum_weekly_rate(date_of_injury: date) -> Decimal:
    """Maximum weekly rate for partial incapacity for the injury's rate year (CGS 31-308(a))."""
    return partial_maximum_rate_figure(date_of_injury).weekly_amount


def minimum_weekly_rate(date_of_injury: date) -> Decimal:
    """20% of the rate year's maximum, to the cent (CGS 31-307(a))."""
    amount = maximum_weekly_rate(date_of_injury) * MINIMUM_SHARE_OF_MAXIMUM
    return amount.quantize(_CENT, ROUND_HALF_UP)
