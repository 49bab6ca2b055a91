from datetime import date

import pytest

from services.claims.clocks import ClaimFacts, clocks, state_of, to_warn

INJURY = date(2026, 11, 2)  # a Monday
NOTICE = date(2026, 11, 3)


def facts(**changes):
    base = dict(date_of_injury=INJURY, payor_notified_on=NOTICE, opened_on=NOTICE,
                status="open", classification="temporary_total")
    return ClaimFacts(**(base | changes))


@pytest.mark.parametrize(
    ("due", "met", "today", "state"),
    [
        (date(2026, 12, 1), None, date(2026, 11, 30), "pending"),
        (date(2026, 12, 1), None, date(2026, 12, 1), "pending"),  # due today is not missed
        (date(2026, 12, 1), None, date(2026, 12, 2), "missed"),
        (date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 9), "met"),
        (date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 9), "late"),
    ],
)
def test_state_of(due, met, today, state):
    assert state_of(due, met, today) == state


def kinds(found):
    return {c.kind: c for c in found}


def test_an_open_lost_time_claim_has_its_clocks_preclusive_first():
    found = clocks(facts(reported_to_employer_on=INJURY), date(2026, 11, 3))
    assert found[0].kind == "contest_by"
    assert found[0].due_on == date(2026, 12, 1) and found[0].basis == "CGS 31-294c"
    by_kind = kinds(found)
    assert by_kind["first_contact"].due_on == date(2026, 11, 4)
    assert by_kind["first_report_to_commission"].due_on == date(2026, 11, 9)
    assert by_kind["employer_report_to_payer"].state == "met"
    assert by_kind["reserve_review"].due_on == date(2027, 2, 1)
    assert [c.due_on for c in found[1:]] == sorted(c.due_on for c in found[1:])


def test_medical_only_has_no_first_report_unless_incapacitated():
    assert "first_report_to_commission" not in kinds(clocks(facts(classification="medical_only"), NOTICE))
    assert "first_report_to_commission" in kinds(
        clocks(facts(classification="medical_only", incapacity_days=1), NOTICE))


@pytest.mark.parametrize(
    ("first_payment_on", "state"),
    [(date(2026, 11, 30), "met"), (date(2026, 12, 1), "met"), (date(2026, 12, 2), "late"),
     (None, "missed")],
)
def test_payment_begun_meets_the_contest_clock(first_payment_on, state):
    found = kinds(clocks(facts(first_payment_on=first_payment_on), date(2026, 12, 5)))
    assert found["contest_by"].state == state


def test_statuses_decide_which_contest_clock_runs():
    assert "contest_by" not in kinds(clocks(facts(status="accepted"), NOTICE))
    awp = kinds(clocks(facts(status="accepted_without_prejudice"), NOTICE))
    assert awp["contest_without_prejudice_by"].due_on == date(2027, 11, 3)
    assert clocks(facts(status="closed"), NOTICE) == ()


def test_reserve_review_moves_with_each_review():
    reviewed = kinds(clocks(facts(reserves_reviewed_on=date(2026, 12, 15)), date(2026, 12, 20)))
    assert reviewed["reserve_review"].due_on == date(2027, 2, 1)  # day 90 from opening
    reviewed = kinds(clocks(facts(reserves_reviewed_on=date(2027, 2, 1)), date(2027, 2, 2)))
    assert reviewed["reserve_review"].due_on == date(2027, 5, 2)  # day 180
    overdue = kinds(clocks(facts(), date(2027, 2, 2)))
    assert overdue["reserve_review"].state == "missed"


def test_mmi_award_and_form36_clocks():
    found = kinds(clocks(facts(mmi_on=date(2026, 12, 1), agreement_or_award_on=date(2026, 12, 10),
                               form36_filed_on=date(2026, 12, 20),
                               pp_payment_began_on=date(2026, 12, 31),
                               award_payment_began_on=date(2027, 1, 1)), date(2027, 1, 10)))
    assert (found["permanent_partial_payment"].due_on, found["permanent_partial_payment"].state) == (
        date(2026, 12, 31), "met")
    assert (found["award_payment"].due_on, found["award_payment"].state) == (date(2026, 12, 30), "late")
    assert (found["form36_objection"].due_on, found["form36_objection"].state) == (
        date(2027, 1, 4), "missed")


@pytest.mark.parametrize(
    ("today", "warned"),
    [
        (date(2026, 11, 27), set()),  # contest_by (Dec 1) is 4 days away
        (date(2026, 11, 28), {("contest_by", "approaching")}),  # 3 days away
        (date(2026, 12, 1), {("contest_by", "approaching")}),  # the last day
        (date(2026, 12, 2), {("contest_by", "missed")}),
    ],
)
def test_to_warn(today, warned):
    quiet = facts(first_contact_completed_on=NOTICE, first_report_filed_on=NOTICE)
    found = to_warn(clocks(quiet, today), today, 3)
    assert {(c.kind, state) for c, state in found if c.kind == "contest_by"} == warned
