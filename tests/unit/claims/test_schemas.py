from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from services.claims.schemas import CloseIn, DecisionIn, IncapacityIn, PaymentIn, WageIn


@pytest.mark.parametrize(
    ("amount", "parsed"),
    [(812.5, D("812.50")), ("812.50", D("812.50")), (1, D("1.00")), ("1.000", D("1.00")),
     ("9999999999.99", D("9999999999.99")), ("0.01", D("0.01"))],
)
def test_money_accepted(amount, parsed):
    payment = PaymentIn.model_validate({"kind": "medical", "amount": amount, "paid_on": "2026-11-20"})
    assert payment.amount == parsed and payment.amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "amount", ["1.005", "-0.01", "NaN", "Infinity", "10000000000.00", True, None, "12,50", [], "0"],
)
def test_money_refused(amount):
    with pytest.raises(ValidationError) as error:
        PaymentIn.model_validate({"kind": "medical", "amount": amount, "paid_on": "2026-11-20"})
    assert [e["loc"] for e in error.value.errors()] == [("amount",)]


@pytest.mark.parametrize("day", ["2026-11-20", " 2026-11-20 "])
def test_dates_are_iso_text(day):
    assert PaymentIn.model_validate({"kind": "medical", "amount": 1, "paid_on": day}).paid_on.day == 20


@pytest.mark.parametrize("day", [1700000000, "20261120", "2026-11-31", "11/20/2026"])
def test_other_dates_refused(day):
    with pytest.raises(ValidationError):
        PaymentIn.model_validate({"kind": "medical", "amount": 1, "paid_on": day})


def test_cross_field_errors_name_the_field():
    with pytest.raises(ValidationError) as error:
        PaymentIn.model_validate({"kind": "medical", "amount": 1, "paid_on": "2026-11-20",
                                  "period_start": "2026-11-10", "period_end": "2026-11-09"})
    assert [e["loc"] for e in error.value.errors()] == [("period_end",)]
    with pytest.raises(ValidationError) as error:
        DecisionIn.model_validate({"decision": "contest", "reason": "   "})
    assert [e["loc"] for e in error.value.errors()] == [("reason",)]
    with pytest.raises(ValidationError) as error:
        WageIn.model_validate({"average_weekly_wage": "1000", "after_tax_average_weekly_wage": "1000.01"})
    assert [e["loc"] for e in error.value.errors()] == [("after_tax_average_weekly_wage",)]
    assert IncapacityIn.model_validate({"from": "2026-11-01", "to": "2026-11-01"}).ends_on.day == 1


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({}, "average_weekly_wage", "missing"),
        ({"after_tax_average_weekly_wage": "800"}, "average_weekly_wage", "missing"),
        ({"average_weekly_wage": "900", "weekly_wages": []}, "average_weekly_wage", "not both"),
        ({"agreed_hourly_rate": "20"}, "regular_weekly_hours", "missing"),
        ({"regular_weekly_hours": 40}, "agreed_hourly_rate", "missing"),
        ({"agreed_hourly_rate": "0", "regular_weekly_hours": 40}, "agreed_hourly_rate", "more than"),
        ({"average_weekly_wage": "900", "after_tax_average_weekly_wage": "700",
          "agreed_hourly_rate": "20", "regular_weekly_hours": 40}, "agreed_hourly_rate", "leave them out"),
    ],
)
def test_wage_bodies_say_what_is_wrong(body, field, says):
    with pytest.raises(ValidationError) as error:
        WageIn.model_validate(body)
    (only,) = error.value.errors()
    assert only["loc"] == (field,) and says in only["msg"]


@pytest.mark.parametrize(
    "body",
    [
        {"agreed_hourly_rate": "20", "regular_weekly_hours": 40},  # under two weeks of work
        {"weekly_wages": [], "agreed_hourly_rate": "20", "regular_weekly_hours": 40},
        {"average_weekly_wage": "900", "after_tax_average_weekly_wage": "700"},
        {"weekly_wages": []},
    ],
)
def test_wage_bodies_accepted(body):
    WageIn.model_validate(body)


@pytest.mark.parametrize(
    ("body", "duplicate_of", "as_duplicate"),
    [
        ({}, None, False),
        ({"reason": "recovered"}, None, False),
        ({"reason": " Duplicate "}, None, True),
        ({"duplicate_of": "wc-2026-000001"}, "WC-2026-000001", True),
        ({"duplicate_of": "", "reason": "done"}, None, False),
    ],
)
def test_closing_as_a_duplicate(body, duplicate_of, as_duplicate):
    parsed = CloseIn.model_validate(body)
    assert (parsed.duplicate_of, parsed.closing_as_duplicate) == (duplicate_of, as_duplicate)


def test_a_duplicate_names_a_claim_number():
    with pytest.raises(ValidationError) as error:
        CloseIn.model_validate({"duplicate_of": "claim 1"})
    assert error.value.errors()[0]["loc"] == ("duplicate_of",)
