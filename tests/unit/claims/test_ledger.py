from datetime import date
from decimal import Decimal as D

from services.claims.ledger import Entry, payment_facts, standing

PAYMENTS = [
    Entry("p1", "indemnity", D("500.00"), date(2026, 3, 1)),
    Entry("p2", "medical", D("80.00"), date(2026, 2, 20)),
    Entry("p3", "indemnity", D("500.00"), date(2026, 3, 8)),
    Entry("r1", "indemnity", D("-500.00"), date(2026, 3, 10), reversal_of="p1"),
    Entry("p4", "expense", D("35.00"), date(2026, 2, 1)),
]


def test_totals_net_out_reversals():
    facts = payment_facts(PAYMENTS)
    assert facts.paid == {"medical": D("80.00"), "indemnity": D("500.00"), "expense": D("35.00")}


def test_first_dates_skip_reversed_payments_and_expenses():
    facts = payment_facts(PAYMENTS)
    assert facts.first_indemnity_paid_on == date(2026, 3, 8)  # p1 was reversed
    assert facts.first_payment_on == date(2026, 2, 20)  # medical counts, expense does not


def test_standing_as_of_a_date():
    assert [e.payment_id for e in standing(PAYMENTS, date(2026, 3, 9))] == ["p1", "p2", "p3", "p4"]
    assert [e.payment_id for e in standing(PAYMENTS, date(2026, 3, 10))] == ["p2", "p3", "p4"]


def test_first_indemnity_on_or_after_mmi_and_award():
    facts = payment_facts(PAYMENTS, mmi_on=date(2026, 3, 8), award_on=date(2026, 3, 9))
    assert facts.pp_payment_began_on == date(2026, 3, 8)  # the day of MMI counts
    assert facts.award_payment_began_on is None
    assert payment_facts([]).first_payment_on is None
