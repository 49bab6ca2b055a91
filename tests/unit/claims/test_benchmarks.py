from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from services.claims.benchmarks import (
    ClaimRecord,
    Fraction,
    benchmark_report,
    contested_share,
    days_to_resolve_contests,
    employer_reported_within_3_days,
    first_indemnity_within_14_days_of_notice,
    first_indemnity_within_21_days,
    fraction,
    payor_notified_within_3_days,
    unpaid_indemnity_claims,
)

INJURY = date(2024, 1, 1)
BASE = ClaimRecord(
    date_of_injury=INJURY,
    reported_to_employer_on=INJURY,
    payor_notified_on=INJURY,
    first_indemnity_paid_on=None,
    status="accepted",
    classification="temporary_total",
)


def later(days: int) -> date:
    return INJURY + timedelta(days=days)


YES, NO = Fraction(1, 1, D("1.0000")), Fraction(0, 1, D("0.0000"))


@pytest.mark.parametrize(
    ("days", "within"),
    [(20, YES), (21, YES), (22, NO)],  # day 21 is within 21 days
)
def test_b1_first_indemnity_within_21_days_of_injury(days, within):
    claim = replace(BASE, first_indemnity_paid_on=later(days))
    assert first_indemnity_within_21_days([claim]) == within


@pytest.mark.parametrize(("days", "within"), [(2, YES), (3, YES), (4, NO)])
def test_b2_payor_notified_within_3_days_of_injury(days, within):
    assert payor_notified_within_3_days([replace(BASE, payor_notified_on=later(days))]) == within


@pytest.mark.parametrize(("days", "within"), [(2, YES), (3, YES), (4, NO)])
def test_b3_employer_reported_within_3_days_of_being_told(days, within):
    claim = replace(BASE, reported_to_employer_on=later(5), payor_notified_on=later(5 + days))
    assert employer_reported_within_3_days([claim]) == within


@pytest.mark.parametrize(("days", "within"), [(13, YES), (14, YES), (15, NO)])
def test_b4_first_indemnity_within_14_days_of_notice(days, within):
    claim = replace(BASE, payor_notified_on=later(2), first_indemnity_paid_on=later(2 + days))
    assert first_indemnity_within_14_days_of_notice([claim]) == within


def claims_2024() -> list[ClaimRecord]:
    return [
        # paid day 9 of injury, day 8 of notice
        replace(BASE, payor_notified_on=later(1), first_indemnity_paid_on=later(9)),
        # notified on day 7 (5 days after the employer heard), paid day 31 (24 after notice)
        replace(
            BASE,
            reported_to_employer_on=later(2),
            payor_notified_on=later(7),
            first_indemnity_paid_on=later(31),
        ),
        # medical only, no report-to-employer date, never paid indemnity
        replace(
            BASE,
            date_of_injury=later(4),
            reported_to_employer_on=None,
            payor_notified_on=later(5),
            status="open",
            classification="medical_only",
        ),
        # contested for 90 days (Feb 1 to May 1, 2024), never paid
        replace(
            BASE,
            date_of_injury=later(9),
            reported_to_employer_on=later(9),
            payor_notified_on=later(12),
            contested_on=date(2024, 2, 1),
            contest_resolved_on=date(2024, 5, 1),
        ),
        # contested for 10 days, paid on day 5
        replace(
            BASE,
            date_of_injury=later(14),
            reported_to_employer_on=later(14),
            payor_notified_on=later(14),
            first_indemnity_paid_on=later(19),
            contested_on=later(15),
            contest_resolved_on=later(25),
            status="closed",
            classification="temporary_partial",
        ),
    ]


def test_denominators_hold_only_the_claims_each_measure_applies_to():
    report = benchmark_report(claims_2024())
    # B.1: paid claims only: days 9, 31, 5 -> 2 of 3
    assert report.first_indemnity_within_21_days_of_injury == Fraction(2, 3, D("0.6667"))
    # B.2: every claim has a payer notice: 1, 7, 1, 3, 0 days -> 4 of 5
    assert report.payor_notified_within_3_days_of_injury == Fraction(4, 5, D("0.8000"))
    # B.3: claims with both dates: 1, 5, 3, 0 days -> 3 of 4 (the medical-only claim is out)
    assert report.employer_reported_within_3_days == Fraction(3, 4, D("0.7500"))
    # B.4: paid claims only: 8, 24, 5 days -> 2 of 3
    assert report.first_indemnity_within_14_days_of_notice == Fraction(2, 3, D("0.6667"))
    assert report.contested == Fraction(2, 5, D("0.4000"))
    # (90 + 10) / 2 = 50; the median of two is their mean
    assert report.mean_days_to_resolve_contest == D("50.00")
    assert report.median_days_to_resolve_contest == D("50.00")
    assert report.by_status == {"accepted": 3, "closed": 1, "open": 1}
    assert report.by_classification == {
        "medical_only": 1,
        "temporary_partial": 1,
        "temporary_total": 3,
    }


@pytest.mark.parametrize(
    ("spans", "mean", "median"),
    [
        ((10, 30, 90), "43.33", "30.00"),  # 130 / 3 = 43.333...
        ((10, 11), "10.50", "10.50"),
        ((0,), "0.00", "0.00"),  # resolved the day it was contested
    ],
)
def test_days_to_resolve_contests(spans, mean, median):
    claims = [
        replace(BASE, contested_on=later(1), contest_resolved_on=later(1 + span)) for span in spans
    ]
    assert days_to_resolve_contests(claims) == spans
    report = benchmark_report(claims)
    assert report.mean_days_to_resolve_contest == D(mean)
    assert report.median_days_to_resolve_contest == D(median)


def test_unresolved_contests_count_as_contested_but_have_no_duration():
    claims = [
        replace(BASE, contested_on=later(1)),
        replace(BASE, status="contested"),  # contested, date not recorded
        BASE,
    ]
    assert contested_share(claims) == Fraction(2, 3, D("0.6667"))
    assert days_to_resolve_contests(claims) == ()
    assert benchmark_report(claims).mean_days_to_resolve_contest is None


def test_contest_resolved_before_it_began_is_rejected():
    claim = replace(BASE, contested_on=later(10), contest_resolved_on=later(9))
    with pytest.raises(ValueError, match="before it began"):
        days_to_resolve_contests([claim])


def test_no_claims_gives_empty_fractions_not_zero_percent():
    report = benchmark_report([])
    assert report.first_indemnity_within_21_days_of_injury == Fraction(0, 0, None)
    assert report.contested == Fraction(0, 0, None)
    assert report.median_days_to_resolve_contest is None
    assert (report.by_status, report.by_classification) == ({}, {})


@pytest.mark.parametrize(
    ("numerator", "denominator", "value"),
    [(1, 3, "0.3333"), (2, 3, "0.6667"), (29, 100, "0.2900"), (5, 5, "1.0000")],
)
def test_fraction_rounds_half_up_to_four_places(numerator, denominator, value):
    assert fraction(numerator, denominator) == Fraction(numerator, denominator, D(value))


@pytest.mark.parametrize(("numerator", "denominator"), [(4, 3), (-1, 3)])
def test_fraction_rejects_impossible_counts(numerator, denominator):
    with pytest.raises(ValueError):
        fraction(numerator, denominator)


@pytest.mark.parametrize(
    ("as_of", "unpaid"),
    [(later(21), 0), (later(22), 1)],  # more than 21 days since the injury
)
def test_unpaid_indemnity_claims_show_the_tail_b1_leaves_out(as_of, unpaid):
    claims = [
        BASE,  # temporary total, unpaid
        replace(BASE, classification="medical_only"),  # no indemnity expected
        replace(BASE, first_indemnity_paid_on=later(30)),  # paid
        replace(BASE, classification=None),  # not yet classified
    ]
    assert unpaid_indemnity_claims(claims, as_of) == unpaid
