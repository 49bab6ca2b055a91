"""Timeliness benchmarks and claim counts for the dashboards (seed 003, section III.B).

"Within N days" is inclusive: a payment on day 21 after the injury is within 21 days
(seed 003 words B.1 both as "within 21 days" and "less than 21 days"; Claimline uses the
former, like B.2 to B.4's "3 days or less" and "14 days or less").

Denominators hold only the claims a measure applies to:
- B.1 and B.4 count claims with a first indemnity payment, as WCRI and New York do, so
  the figure compares with seed 003's 29% (New York) and 41% (14-state median). Lost-time
  claims still waiting for a first payment are not in the fraction; see
  `unpaid_indemnity_claims` for that tail, which the dashboards show beside it.
- B.2 counts claims with a payer-notice date; B.3 claims with both the employee's report
  to the employer and the payer-notice date.
"""

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

FIRST_INDEMNITY_DAYS_FROM_INJURY = 21  # B.1
PAYOR_NOTICE_DAYS = 3  # B.2
EMPLOYER_REPORT_DAYS = 3  # B.3
FIRST_INDEMNITY_DAYS_FROM_NOTICE = 14  # B.4
_RATIO = Decimal("0.0001")
_DAYS = Decimal("0.01")


@dataclass(frozen=True)
class ClaimRecord:
    date_of_injury: date
    reported_to_employer_on: date | None
    payor_notified_on: date | None
    first_indemnity_paid_on: date | None
    status: str
    classification: str | None
    contested_on: date | None = None
    contest_resolved_on: date | None = None


@dataclass(frozen=True)
class Fraction:
    """A benchmark: `value` is numerator / denominator to 4 places, None when nothing qualifies."""

    numerator: int
    denominator: int
    value: Decimal | None


@dataclass(frozen=True)
class BenchmarkReport:
    first_indemnity_within_21_days_of_injury: Fraction
    payor_notified_within_3_days_of_injury: Fraction
    employer_reported_within_3_days: Fraction
    first_indemnity_within_14_days_of_notice: Fraction
    contested: Fraction
    mean_days_to_resolve_contest: Decimal | None
    median_days_to_resolve_contest: Decimal | None
    by_status: dict[str, int]
    by_classification: dict[str, int]


def fraction(numerator: int, denominator: int) -> Fraction:
    """A counted share, rounded half-up to 4 places (seed 003: each benchmark with its counts)."""
    if not 0 <= numerator <= denominator:
        raise ValueError(f"{numerator}/{denominator} is not a share")
    value = None
    if denominator:
        value = (Decimal(numerator) / Decimal(denominator)).quantize(_RATIO, ROUND_HALF_UP)
    return Fraction(numerator, denominator, value)


def _within(pairs: Iterable[tuple[date | None, date | None]], days: int) -> Fraction:
    spans = [(later - earlier).days for earlier, later in pairs if earlier and later]
    return fraction(sum(1 for span in spans if span <= days), len(spans))


def first_indemnity_within_21_days(claims: Sequence[ClaimRecord]) -> Fraction:
    """B.1: first indemnity payment within 21 days of the injury, over claims paid (seed 003)."""
    pairs = [(c.date_of_injury, c.first_indemnity_paid_on) for c in claims]
    return _within(pairs, FIRST_INDEMNITY_DAYS_FROM_INJURY)


def payor_notified_within_3_days(claims: Sequence[ClaimRecord]) -> Fraction:
    """B.2: payer notified within 3 days of the injury (seed 003)."""
    pairs = [(c.date_of_injury, c.payor_notified_on) for c in claims]
    return _within(pairs, PAYOR_NOTICE_DAYS)


def employer_reported_within_3_days(claims: Sequence[ClaimRecord]) -> Fraction:
    """B.3: employer told the payer within 3 days of the employee telling it (seed 003)."""
    pairs = [(c.reported_to_employer_on, c.payor_notified_on) for c in claims]
    return _within(pairs, EMPLOYER_REPORT_DAYS)


def first_indemnity_within_14_days_of_notice(claims: Sequence[ClaimRecord]) -> Fraction:
    """B.4: first indemnity within 14 days of the payer's notice, over claims paid (seed 003)."""
    pairs = [(c.payor_notified_on, c.first_indemnity_paid_on) for c in claims]
    return _within(pairs, FIRST_INDEMNITY_DAYS_FROM_NOTICE)


def unpaid_indemnity_claims(
    claims: Sequence[ClaimRecord], as_of: date, days: int = FIRST_INDEMNITY_DAYS_FROM_INJURY
) -> int:
    """Indemnity-class claims unpaid, injured more than `days` ago (seed 003, B.1's tail)."""
    return sum(
        1
        for c in claims
        if c.classification not in (None, "medical_only")
        and c.first_indemnity_paid_on is None
        and (as_of - c.date_of_injury).days > days
    )


def contested_share(claims: Sequence[ClaimRecord]) -> Fraction:
    """Claims ever contested (a contest date, or status contested) over all claims (seed 003)."""
    count = sum(1 for c in claims if c.contested_on is not None or c.status == "contested")
    return fraction(count, len(claims))


def days_to_resolve_contests(claims: Sequence[ClaimRecord]) -> tuple[int, ...]:
    """Days from contest to resolution of each resolved contested claim (seed 003)."""
    spans = []
    for c in claims:
        if c.contested_on is None or c.contest_resolved_on is None:
            continue
        if c.contest_resolved_on < c.contested_on:
            raise ValueError(
                f"contest resolved on {c.contest_resolved_on.isoformat()} before it began "
                f"on {c.contested_on.isoformat()}"
            )
        spans.append((c.contest_resolved_on - c.contested_on).days)
    return tuple(spans)


def _days(value: Decimal | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(_DAYS, ROUND_HALF_UP)


def benchmark_report(claims: Iterable[ClaimRecord]) -> BenchmarkReport:
    """The four timeliness benchmarks, contests, counts by status and classification (seed 003)."""
    claims = tuple(claims)
    spans = days_to_resolve_contests(claims)
    mean = Decimal(sum(spans)) / len(spans) if spans else None
    median = statistics.median(spans) if spans else None
    return BenchmarkReport(
        first_indemnity_within_21_days_of_injury=first_indemnity_within_21_days(claims),
        payor_notified_within_3_days_of_injury=payor_notified_within_3_days(claims),
        employer_reported_within_3_days=employer_reported_within_3_days(claims),
        first_indemnity_within_14_days_of_notice=first_indemnity_within_14_days_of_notice(claims),
        contested=contested_share(claims),
        mean_days_to_resolve_contest=_days(mean),
        median_days_to_resolve_contest=_days(median),
        by_status=dict(sorted(Counter(c.status for c in claims).items())),
        by_classification=dict(
            sorted(Counter(c.classification or "unclassified" for c in claims).items())
        ),
    )
