from datetime import date
from decimal import Decimal as D

import pytest

from services.claims.loss_runs import (
    LossAmounts,
    LossPayment,
    LossRunClaim,
    LossRunRow,
    OutstandingReserve,
    accident_year,
    loss_run,
)

AS_OF = date(2025, 6, 30)
EMPLOYER, OTHER = "06-1234567", "06-7654321"

CLAIMS = [
    LossRunClaim("WC-1", EMPLOYER, date(2023, 3, 1), "temporary_total"),
    LossRunClaim("WC-2", EMPLOYER, date(2023, 11, 15), "medical_only"),
    LossRunClaim("WC-3", EMPLOYER, date(2025, 2, 10), "temporary_partial"),
    LossRunClaim("WC-4", OTHER, date(2024, 5, 5), "temporary_total"),
    LossRunClaim("WC-5", EMPLOYER, date(2022, 12, 31), "temporary_total"),  # before the window
    LossRunClaim("WC-6", EMPLOYER, date(2025, 7, 15), "medical_only"),  # after as_of
]
PAYMENTS = [
    LossPayment("WC-1", "medical", D("1000.00"), date(2023, 3, 10)),
    LossPayment("WC-1", "indemnity", D("2500.50"), date(2023, 4, 1)),
    LossPayment("WC-1", "expense", D("300.00"), date(2023, 4, 2)),  # not a loss
    LossPayment("WC-2", "medical", D("250.25"), date(2023, 12, 1)),
    LossPayment("WC-3", "indemnity", D("800.00"), date(2025, 3, 1)),
    LossPayment("WC-3", "indemnity", D("800.00"), date(2025, 7, 1)),  # after as_of
    LossPayment("WC-4", "medical", D("999.00"), date(2024, 6, 1)),
    LossPayment("WC-5", "medical", D("5000.00"), date(2023, 1, 5)),
]
RESERVES = [
    OutstandingReserve("WC-1", D("500.00"), D("4000.00")),
    OutstandingReserve("WC-2", D("0.00"), D("0.00")),
    OutstandingReserve("WC-3", D("1200.10"), D("9000.00")),
    OutstandingReserve("WC-4", D("100.00"), D("100.00")),
]


def amounts(paid: str, open_: str, incurred: str) -> LossAmounts:
    return LossAmounts(D(paid), D(open_), D(incurred))


ZERO = amounts("0.00", "0.00", "0.00")


def test_loss_run_for_one_employer():
    rows = loss_run(CLAIMS, PAYMENTS, RESERVES, as_of=AS_OF, years=3, employer_fein=EMPLOYER)
    assert rows == (
        LossRunRow(
            accident_year=2023,
            claims=2,
            medical_only_claims=1,
            medical=amounts("1250.25", "500.00", "1750.25"),  # 1000.00 + 250.25 paid
            indemnity=amounts("2500.50", "4000.00", "6500.50"),
            total=amounts("3750.75", "4500.00", "8250.75"),
            expense=amounts("300.00", "0.00", "300.00"),  # beside the losses, not in them
        ),
        LossRunRow(2024, 0, 0, ZERO, ZERO, ZERO),  # a year without claims still has a row
        LossRunRow(
            accident_year=2025,
            claims=1,  # WC-6 is injured after as_of
            medical_only_claims=0,
            medical=amounts("0.00", "1200.10", "1200.10"),
            indemnity=amounts("800.00", "9000.00", "9800.00"),  # July's 800.00 is after as_of
            total=amounts("800.00", "10200.10", "11000.10"),
        ),
    )


def test_loss_run_for_every_employer_includes_the_other_employers_claim():
    row_2024 = loss_run(CLAIMS, PAYMENTS, RESERVES, as_of=AS_OF)[1]
    assert row_2024 == LossRunRow(
        2024,
        1,
        0,
        amounts("999.00", "100.00", "1099.00"),
        amounts("0.00", "100.00", "100.00"),
        amounts("999.00", "200.00", "1199.00"),
    )


@pytest.mark.parametrize(("years", "accident_years"), [(1, [2025]), (3, [2023, 2024, 2025])])
def test_loss_run_covers_the_last_n_accident_years(years, accident_years):
    rows = loss_run(CLAIMS, PAYMENTS, RESERVES, as_of=AS_OF, years=years)
    assert [row.accident_year for row in rows] == accident_years


def test_a_claim_without_a_reserve_has_nothing_open():
    claims = [LossRunClaim("WC-9", EMPLOYER, date(2025, 1, 2), "medical_only")]
    payments = [LossPayment("WC-9", "medical", D("75.00"), date(2025, 1, 3))]
    (row,) = loss_run(claims, payments, [], as_of=AS_OF, years=1)
    assert row.medical == amounts("75.00", "0.00", "75.00")


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2024, 12, 31), 2024), (date(2025, 1, 1), 2025)],
)
def test_accident_year_is_the_calendar_year(day, year):
    assert accident_year(day) == year


@pytest.mark.parametrize(
    ("payments", "reserves", "message"),
    [
        ([LossPayment("WC-404", "medical", D("1"), AS_OF)], [], "unknown claim WC-404"),
        ([LossPayment("WC-1", "bonus", D("1"), AS_OF)], [], "payment kind 'bonus'"),
        ([], [OutstandingReserve("WC-404", D("1"), D("1"))], "unknown claim WC-404"),
        ([], [RESERVES[0], RESERVES[0]], "more than one reserve for claim WC-1"),
        ([], [OutstandingReserve("WC-1", D("-1"), D("0"))], "negative reserve"),
        ([], [OutstandingReserve("WC-1", D("0"), D("0"), D("-1"))], "negative reserve"),
    ],
)
def test_bad_inputs_are_rejected(payments, reserves, message):
    with pytest.raises(ValueError, match=message):
        loss_run(CLAIMS, payments, reserves, as_of=AS_OF)


def test_a_loss_run_needs_at_least_one_year():
    with pytest.raises(ValueError):
        loss_run(CLAIMS, PAYMENTS, RESERVES, as_of=AS_OF, years=0)


def test_expense_is_beside_the_losses_and_with_them_reconciles_with_the_claims():
    claims = [LossRunClaim("WC-9", EMPLOYER, date(2025, 1, 2), "temporary_total")]
    payments = [LossPayment("WC-9", "indemnity", D("500.00"), date(2025, 2, 1)),
                LossPayment("WC-9", "expense", D("40.00"), date(2025, 2, 1))]
    reserves = [OutstandingReserve("WC-9", D("100.00"), D("1000.00"), D("60.00"))]
    (row,) = loss_run(claims, payments, reserves, as_of=AS_OF, years=1)
    assert row.total == amounts("500.00", "1100.00", "1600.00")  # item 12: medical + indemnity
    assert row.expense == amounts("40.00", "60.00", "100.00")
    assert row.with_expense == amounts("540.00", "1160.00", "1700.00")  # the claim's incurred


def test_a_claim_closed_as_a_duplicate_is_not_counted_but_its_money_stays():
    claims = [LossRunClaim("WC-9", EMPLOYER, date(2025, 1, 2), "medical_only"),
              LossRunClaim("WC-10", EMPLOYER, date(2025, 1, 2), "medical_only", duplicate=True)]
    payments = [LossPayment("WC-10", "medical", D("75.00"), date(2025, 1, 3))]
    (row,) = loss_run(claims, payments, [], as_of=AS_OF, years=1)
    assert (row.claims, row.medical_only_claims, row.duplicates_excluded) == (1, 1, 1)
    assert row.medical == amounts("75.00", "0.00", "75.00")
