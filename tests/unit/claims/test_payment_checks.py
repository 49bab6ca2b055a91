from datetime import date
from decimal import Decimal as D

import pytest

from services.claims.payment_checks import payment_warnings

WEEK = {"period_start": date(2026, 11, 1), "period_end": date(2026, 11, 7)}


@pytest.mark.parametrize(
    ("payment", "codes"),
    [
        ({"kind": "medical", "status": "contested", "weekly_rate": None}, []),
        ({"kind": "expense", "status": "open", "weekly_rate": None}, []),
        ({"kind": "indemnity", "status": "open", "weekly_rate": None}, ["no_compensation_rate"]),
        ({"kind": "indemnity", "status": "contested", "weekly_rate": D("847.50")},
         ["indemnity_on_contested_claim"]),
        ({"kind": "indemnity", "status": "contested", "weekly_rate": None},
         ["indemnity_on_contested_claim", "no_compensation_rate"]),
        ({"kind": "indemnity", "status": "accepted_without_prejudice", "weekly_rate": D("847.50")}, []),
        # a week at the rate, a cent over it, and no period to check against
        ({"kind": "indemnity", "status": "accepted", "weekly_rate": D("847.50"), **WEEK}, []),
        ({"kind": "indemnity", "status": "accepted", "weekly_rate": D("847.50"), **WEEK,
          "amount": D("847.51")}, ["more_than_weekly_rate"]),
        ({"kind": "indemnity", "status": "accepted", "weekly_rate": D("847.50"),
          "amount": D("5000.00")}, []),
        # one day is a seventh of the week, to the cent
        ({"kind": "indemnity", "status": "accepted", "weekly_rate": D("700.00"),
          "period_start": date(2026, 11, 1), "period_end": date(2026, 11, 1), "amount": D("100.00")}, []),
        ({"kind": "indemnity", "status": "accepted", "weekly_rate": D("700.00"),
          "period_start": date(2026, 11, 1), "period_end": date(2026, 11, 1), "amount": D("100.01")},
         ["more_than_weekly_rate"]),
    ],
)
def test_payment_warnings(payment, codes):
    payment = {"amount": D("847.50"), **payment}
    assert [w.code for w in payment_warnings(**payment)] == codes


def test_a_missing_rate_year_is_the_reason_given():
    (warning,) = payment_warnings(kind="indemnity", amount=D("1"), status="open", weekly_rate=None,
                                  rate_problem="No maximum for the 2026 rate year")
    assert "2026 rate year" in warning.message
