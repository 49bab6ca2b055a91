from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from services.claims.schemas import DecisionIn, IncapacityIn, PaymentIn, WageIn


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
