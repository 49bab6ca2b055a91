from datetime import date
from decimal import Decimal as D

import pytest

from services.claims.scheduled_injuries import (
    SCHEDULE,
    UnknownScheduledMember,
    permanent_partial_award,
    pp_late_interest,
    pp_payment_due,
    scheduled_member,
    scheduled_weeks,
)


@pytest.mark.parametrize(
    ("member", "weeks"),
    [
        ("master_arm", 208),
        ("other_arm", 194),
        ("master_hand", 168),
        ("other_hand", 155),
        ("leg", 155),
        ("foot", 125),
        ("hearing_both_ears", 104),
        ("hearing_one_ear", 35),
        ("eye", 157),
        ("master_thumb", 63),
        ("other_thumb", 54),
        ("first_finger", 36),
        ("second_finger", 29),
        ("third_finger", 21),
        ("fourth_finger", 17),
        ("great_toe", 28),
        ("other_toe", 9),
        ("back", 374),
        ("heart", 520),
        ("lung", 117),
        ("cervical_spine", 117),
    ],
)
def test_ct_rules_weeks_at_total_loss(member, weeks):
    assert scheduled_weeks(member, D("100")) == D(weeks)


def test_schedule_has_one_entry_per_member():
    members = [entry.member for entry in SCHEDULE]
    assert len(members) == len(set(members))
    assert scheduled_member("first_finger").description.startswith("First (index) finger")


@pytest.mark.parametrize(
    ("member", "percent", "weeks"),
    [
        ("master_arm", "10", "20.8"),  # 208 x 10%
        ("back", "7", "26.18"),  # 374 x 7%
        ("first_finger", "33", "11.88"),  # 36 x 33%
        ("master_hand", "12.5", "21"),  # 168 x 12.5%
        ("lung", "0.01", "0.0117"),  # 117 x 0.01%: kept unrounded
        ("heart", "100", "520"),  # the top of the range
    ],
)
def test_scheduled_weeks_are_proportional(member, percent, weeks):
    assert scheduled_weeks(member, D(percent)) == D(weeks)


@pytest.mark.parametrize("percent", ["0", "-5", "100.01"])
def test_percent_must_be_above_zero_and_at_most_100(percent):
    with pytest.raises(ValueError, match="not in"):
        scheduled_weeks("leg", D(percent))


def test_unknown_member_is_an_error_naming_it():
    with pytest.raises(UnknownScheduledMember, match="'elbow'") as caught:
        scheduled_weeks("elbow", D("10"))
    assert caught.value.member == "elbow"


@pytest.mark.parametrize(
    ("member", "percent", "weekly_rate", "award"),
    [
        ("master_arm", "10", "847.50", "17628.00"),  # 20.8 x 847.50
        ("back", "7", "847.50", "22187.55"),  # 26.18 x 847.50
        ("first_finger", "33", "1000.01", "11880.12"),  # 11.88 x 1000.01 = 11880.1188
        ("other_toe", "50", "330.80", "1488.60"),  # 4.5 x 330.80
        ("heart", "25", "1654.00", "215020.00"),  # 130 x 1654.00
    ],
)
def test_permanent_partial_award(member, percent, weekly_rate, award):
    assert permanent_partial_award(member, D(percent), D(weekly_rate)) == D(award)


def test_negative_weekly_rate_is_rejected():
    with pytest.raises(ValueError):
        permanent_partial_award("leg", D("10"), D("-1"))


@pytest.mark.parametrize(
    ("mmi_date", "due"),
    [
        (date(2025, 1, 1), date(2025, 1, 31)),
        (date(2024, 2, 15), date(2024, 3, 16)),  # through February 29
        (date(2025, 12, 15), date(2026, 1, 14)),
    ],
)
def test_pp_payment_due_30_days_after_mmi(mmi_date, due):
    assert pp_payment_due(mmi_date) == due


@pytest.mark.parametrize(
    ("paid_on", "interest"),
    [
        (date(2025, 1, 30), "0.00"),  # the day before the due date
        (date(2025, 1, 31), "0.00"),  # the due date, MMI + 30
        (date(2025, 2, 1), "84.93"),  # the day after: 10000 x 10% x 31/365 = 84.9315, from MMI
        (date(2025, 3, 2), "164.38"),  # 60 days: 10000 x 0.10 x 60 / 365 = 164.3836
        (date(2026, 1, 1), "1000.00"),  # a full 365-day year
    ],
)
def test_pp_late_interest_runs_from_mmi_once_late(paid_on, interest):
    assert pp_late_interest(D("10000.00"), date(2025, 1, 1), paid_on) == D(interest)


def test_pp_late_interest_rejects_a_negative_amount():
    with pytest.raises(ValueError):
        pp_late_interest(D("-1"), date(2025, 1, 1), date(2025, 6, 1))
