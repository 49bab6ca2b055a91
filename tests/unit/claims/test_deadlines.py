from datetime import date
from decimal import Decimal as D

import pytest

from services.claims.deadlines import (
    Deadline,
    add_business_days,
    add_years,
    award_payment_deadline,
    claim_deadlines,
    contest_deadline,
    ct_legal_holidays,
    deadlines_due_soon,
    easter_sunday,
    employer_report_deadline,
    first_contact_deadline,
    first_report_deadline,
    form36_objection_deadline,
    is_business_day,
    late_payment_penalty,
    missed,
    next_reserve_review,
    notice_is_late,
    notice_of_claim_limit,
    pp_payment_deadline,
    without_prejudice_deadline,
)


@pytest.mark.parametrize(
    ("start", "years", "result"),
    [
        (date(2023, 3, 10), 1, date(2024, 3, 10)),
        (date(2024, 2, 29), 1, date(2025, 2, 28)),  # no February 29 next year
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 28), 1, date(2025, 2, 28)),
    ],
)
def test_add_years(start, years, result):
    assert add_years(start, years) == result


# --- holidays (CGS 1-4) ---------------------------------------------------------------


def test_2024_holidays_match_the_states_published_list():
    assert list(ct_legal_holidays(2024)) == [
        date(2024, 1, 1),
        date(2024, 1, 15),  # Martin Luther King, Jr. Day
        date(2024, 2, 12),  # Lincoln Day
        date(2024, 2, 19),  # Washington's Birthday
        date(2024, 3, 29),  # Good Friday
        date(2024, 5, 27),  # Memorial Day
        date(2024, 6, 19),  # Juneteenth
        date(2024, 7, 4),
        date(2024, 9, 2),  # Labor Day
        date(2024, 10, 14),  # Columbus Day
        date(2024, 11, 11),  # Veterans' Day
        date(2024, 11, 28),  # Thanksgiving
        date(2024, 12, 25),
    ]


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2021, 12, 31), "New Year's Day"),  # Jan 1, 2022 is a Saturday: Friday before
        (date(2022, 12, 26), "Christmas"),  # Sunday: Monday after
        (date(2023, 11, 10), "Veterans' Day"),  # Saturday: Friday before
        (date(2023, 2, 13), "Lincoln Day"),  # Sunday: Monday after
        (date(2023, 6, 19), "Juneteenth Independence Day"),  # first year observed
        (date(2027, 6, 18), "Juneteenth Independence Day"),  # Saturday: Friday before
        (date(2022, 1, 17), "Martin Luther King, Jr. Day"),  # first Monday on/after Jan 15
        (date(2025, 4, 18), "Good Friday"),
        (date(2025, 11, 27), "Thanksgiving Day"),  # fourth Thursday
    ],
)
def test_observed_holidays(day, holiday):
    assert ct_legal_holidays(day.year)[day] == holiday


@pytest.mark.parametrize(
    "day",
    [
        date(2022, 1, 1),  # observed on December 31, 2021 instead
        date(2022, 6, 20),  # Juneteenth 2022 (a Sunday) predates P.A. 22-128
        date(2024, 11, 29),  # the day after Thanksgiving is not a legal holiday
    ],
)
def test_not_holidays(day):
    assert day not in ct_legal_holidays(day.year)


@pytest.mark.parametrize(
    "easter",
    [date(2000, 4, 23), date(2008, 3, 23), date(2011, 4, 24), date(2019, 4, 21), date(2024, 3, 31)],
)
def test_easter_sunday(easter):
    assert easter_sunday(easter.year) == easter


def test_holiday_table_starts_in_1986():
    with pytest.raises(ValueError, match="1986"):
        ct_legal_holidays(1985)


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2024, 11, 8), True),  # Friday
        (date(2024, 11, 9), False),  # Saturday
        (date(2024, 11, 10), False),  # Sunday
        (date(2024, 11, 11), False),  # Veterans' Day
        (date(2024, 11, 12), True),
    ],
)
def test_is_business_day(day, business):
    assert is_business_day(day) is business


@pytest.mark.parametrize(
    ("notified_on", "due_on"),
    [
        (date(2024, 11, 12), date(2024, 11, 13)),  # Tuesday -> Wednesday
        (date(2024, 11, 8), date(2024, 11, 12)),  # Friday -> past the weekend and Veterans' Day
        (date(2024, 11, 9), date(2024, 11, 12)),  # notice on a Saturday
        (date(2024, 11, 27), date(2024, 11, 29)),  # over Thanksgiving
        (date(2024, 12, 24), date(2024, 12, 26)),  # over Christmas
        (date(2024, 3, 28), date(2024, 4, 1)),  # over Good Friday and the weekend
    ],
)
def test_first_contact_is_the_next_business_day(notified_on, due_on):
    deadline = first_contact_deadline(notified_on)
    assert (deadline.kind, deadline.due_on) == ("first_contact", due_on)


def test_add_business_days_counts_each_business_day():
    assert add_business_days(date(2024, 11, 8), 3) == date(2024, 11, 14)  # Tue, Wed, Thu
    assert add_business_days(date(2024, 11, 8), 0) == date(2024, 11, 8)


# --- statutory clocks -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("notice", "contest_by", "without_prejudice_by"),
    [
        (date(2026, 11, 22), date(2026, 12, 20), date(2027, 11, 22)),  # the contract's example
        (date(2024, 2, 1), date(2024, 2, 29), date(2025, 2, 1)),
        (date(2024, 2, 29), date(2024, 3, 28), date(2025, 2, 28)),
    ],
)
def test_contest_and_without_prejudice_windows(notice, contest_by, without_prejudice_by):
    assert contest_deadline(notice) == Deadline(
        "contest_by",
        contest_by,
        "CGS 31-294c",
        "Contest (Form 43) or begin payment; otherwise compensability is conclusively presumed",
    )
    assert without_prejudice_deadline(notice).due_on == without_prejudice_by


@pytest.mark.parametrize(
    ("incapacity_days", "due_on"),
    [(0, None), (1, date(2024, 11, 27)), (5, date(2024, 11, 27))],
)
def test_first_report_needs_a_day_of_incapacity(incapacity_days, due_on):
    deadline = first_report_deadline(date(2024, 11, 20), incapacity_days)
    assert (deadline and deadline.due_on) == due_on


@pytest.mark.parametrize(
    ("function", "trigger", "kind", "due_on", "basis"),
    [
        (employer_report_deadline, date(2024, 11, 20), "employer_report_to_payer",
         date(2024, 11, 23), "seed 003 benchmark B.3"),
        (pp_payment_deadline, date(2025, 1, 1), "permanent_partial_payment",
         date(2025, 1, 31), "CGS 31-295(c)"),
        (award_payment_deadline, date(2025, 3, 1), "award_payment",
         date(2025, 3, 21), "CGS 31-303"),
        (form36_objection_deadline, date(2025, 3, 1), "form36_objection",
         date(2025, 3, 16), "CGS 31-296"),
    ],
)  # fmt: skip
def test_fixed_day_clocks(function, trigger, kind, due_on, basis):
    deadline = function(trigger)
    assert (deadline.kind, deadline.due_on, deadline.basis) == (kind, due_on, basis)


@pytest.mark.parametrize(
    ("as_of", "next_review"),
    [
        (date(2024, 1, 1), date(2024, 3, 31)),  # opening day: the first review, day 90
        (date(2024, 3, 30), date(2024, 3, 31)),  # the day before a review
        (date(2024, 3, 31), date(2024, 3, 31)),  # the day of: still due
        (date(2024, 4, 1), date(2024, 6, 29)),  # the day after: the next one, day 180
        (date(2023, 12, 1), date(2024, 3, 31)),  # before opening
    ],
)
def test_next_reserve_review(as_of, next_review):
    assert next_reserve_review(date(2024, 1, 1), as_of).due_on == next_review


@pytest.mark.parametrize(
    ("payment", "penalty"),
    [("812.50", "162.50"), ("100.03", "20.01"), ("0.00", "0.00")],  # 100.03 x 20% = 20.006
)
def test_late_payment_penalty_is_20_percent(payment, penalty):
    assert late_payment_penalty(D(payment)) == D(penalty)


# --- notice of claim (CGS 31-294c(a)) -------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "limit"),
    [
        ({"date_of_accident": date(2024, 3, 10)}, date(2025, 3, 10)),
        ({"date_of_accident": date(2024, 2, 29)}, date(2025, 2, 28)),
        ({"first_symptom_on": date(2022, 5, 1)}, date(2025, 5, 1)),
        # death within two years of the accident: later of accident + 2y and death + 1y
        ({"date_of_accident": date(2024, 3, 10), "death_on": date(2024, 6, 1)}, date(2026, 3, 10)),
        ({"date_of_accident": date(2024, 3, 10), "death_on": date(2026, 1, 15)}, date(2027, 1, 15)),
        ({"date_of_accident": date(2024, 3, 10), "death_on": date(2026, 3, 10)}, date(2027, 3, 10)),
        # death the day after the two years: no extension
        ({"date_of_accident": date(2024, 3, 10), "death_on": date(2026, 3, 11)}, date(2025, 3, 10)),
        # occupational disease: never shorter than the employee's own three years
        ({"first_symptom_on": date(2022, 5, 1), "death_on": date(2024, 4, 30)}, date(2025, 5, 1)),
    ],
)
def test_notice_of_claim_limit(kwargs, limit):
    assert notice_of_claim_limit(**kwargs) == limit


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"date_of_accident": date(2024, 3, 10), "first_symptom_on": date(2024, 3, 10)},
        {"date_of_accident": date(2024, 3, 10), "death_on": date(2024, 3, 9)},
    ],
)
def test_notice_of_claim_limit_rejects_impossible_inputs(kwargs):
    with pytest.raises(ValueError):
        notice_of_claim_limit(**kwargs)


@pytest.mark.parametrize(
    ("given_on", "late"),
    [(date(2025, 3, 9), False), (date(2025, 3, 10), False), (date(2025, 3, 11), True)],
)
def test_notice_is_late(given_on, late):
    assert notice_is_late(given_on, date_of_accident=date(2024, 3, 10)) is late


# --- a claim's deadlines ----------------------------------------------------------------


def test_claim_deadlines_of_an_open_lost_time_claim():
    deadlines = claim_deadlines(
        date_of_injury=date(2026, 11, 22),
        payor_notified_on=date(2026, 11, 22),  # a Sunday
        reported_to_employer_on=date(2026, 11, 22),
        incapacity_days=9,
        opened_on=date(2026, 11, 22),
        as_of=date(2026, 11, 22),
    )
    assert [(d.kind, d.due_on) for d in deadlines] == [
        ("first_contact", date(2026, 11, 23)),
        ("employer_report_to_payer", date(2026, 11, 25)),
        ("first_report_to_commission", date(2026, 11, 29)),
        ("contest_by", date(2026, 12, 20)),
        ("reserve_review", date(2027, 2, 20)),  # 8 + 31 + 31 + 20 = 90 days
    ]


@pytest.mark.parametrize(
    ("status", "kinds"),
    [
        ("open", {"first_contact", "contest_by"}),
        ("accepted_without_prejudice", {"first_contact", "contest_without_prejudice_by"}),
        ("accepted", {"first_contact"}),
        ("contested", {"first_contact"}),
    ],
)
def test_contest_clocks_follow_the_status(status, kinds):
    deadlines = claim_deadlines(
        date_of_injury=date(2026, 11, 20), payor_notified_on=date(2026, 11, 20), status=status
    )
    assert {d.kind for d in deadlines} == kinds


def test_claim_deadlines_with_mmi_award_and_form36():
    deadlines = claim_deadlines(
        date_of_injury=date(2025, 1, 2),
        payor_notified_on=date(2025, 1, 3),
        status="accepted",
        mmi_on=date(2025, 6, 1),
        agreement_or_award_on=date(2025, 5, 1),
        form36_filed_on=date(2025, 6, 2),
    )
    assert [(d.kind, d.due_on) for d in deadlines] == [
        ("first_contact", date(2025, 1, 6)),  # Friday -> Monday
        ("award_payment", date(2025, 5, 21)),
        ("form36_objection", date(2025, 6, 17)),
        ("permanent_partial_payment", date(2025, 7, 1)),
    ]


DEADLINES = tuple(
    Deadline(f"k{day}", date(2026, 11, day) if day <= 30 else date(2026, 12, day - 30), "b", "d")
    for day in (30, 31, 35, 36)
)  # due 11-30, 12-01, 12-05, 12-06


@pytest.mark.parametrize(
    ("warn_days", "due_soon"),
    [(0, ["k31"]), (4, ["k31", "k35"]), (5, ["k31", "k35", "k36"])],
)
def test_deadlines_due_soon_includes_today_and_the_last_warning_day(warn_days, due_soon):
    found = deadlines_due_soon(DEADLINES, date(2026, 12, 1), warn_days)
    assert [d.kind for d in found] == due_soon


@pytest.mark.parametrize(
    ("today", "missed_kinds"),
    [
        (date(2026, 11, 30), []),  # due today is not missed
        (date(2026, 12, 1), ["k30"]),
        (date(2026, 12, 7), ["k30", "k31", "k35", "k36"]),
    ],
)
def test_missed(today, missed_kinds):
    assert [d.kind for d in missed(DEADLINES, today)] == missed_kinds
