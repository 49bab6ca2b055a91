"""Loss runs: paid, open (outstanding reserve) and incurred by accident year.

Pure aggregation. Incurred = paid + outstanding reserve. Losses are medical and
indemnity, and their `total` is what seed 004 item 12 asks for (and what the 31-345 /
31-354 paid-loss bases count). Expense (loss-adjustment expense) is not a loss: it is
summed separately in `expense`, so losses + expense reconcile with the claims' own totals,
which include it.

A claim closed as a duplicate of another (`duplicate`) is not counted as a claim (it is
the same injury as the claim it duplicates); money paid on it stays in the figures, since
it was paid (a reversal takes it out). `duplicates_excluded` says how many were left out
of the count.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

LOSS_KINDS = ("medical", "indemnity")
PAYMENT_KINDS = (*LOSS_KINDS, "expense")
_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LossRunClaim:
    claim_number: str
    employer_fein: str
    date_of_injury: date
    classification: str
    duplicate: bool = False  # closed as a duplicate of another claim


@dataclass(frozen=True)
class LossPayment:
    claim_number: str
    kind: str  # medical | indemnity | expense
    amount: Decimal
    paid_on: date


@dataclass(frozen=True)
class OutstandingReserve:
    """What is still expected to be paid on a claim (the contract's `reserves`)."""

    claim_number: str
    medical: Decimal
    indemnity: Decimal
    expense: Decimal = _ZERO


@dataclass(frozen=True)
class LossAmounts:
    paid: Decimal
    open: Decimal
    incurred: Decimal


NO_AMOUNTS = LossAmounts(_ZERO, _ZERO, _ZERO)


@dataclass(frozen=True)
class LossRunRow:
    """One accident year: `total` is medical + indemnity (the losses of item 12); `expense`
    is beside it, not in it; `with_expense` is their sum."""

    accident_year: int
    claims: int
    medical_only_claims: int
    medical: LossAmounts
    indemnity: LossAmounts
    total: LossAmounts
    expense: LossAmounts = NO_AMOUNTS
    duplicates_excluded: int = 0

    @property
    def with_expense(self) -> LossAmounts:
        return _amounts(self.total.paid + self.expense.paid, self.total.open + self.expense.open)


def accident_year(date_of_injury: date) -> int:
    """The calendar year of the injury (loss-run convention; contract: GET /v1/loss-runs)."""
    return date_of_injury.year


def _amounts(paid: Decimal, outstanding: Decimal) -> LossAmounts:
    return LossAmounts(paid, outstanding, paid + outstanding)


def loss_run(
    claims: Iterable[LossRunClaim],
    payments: Iterable[LossPayment],
    reserves: Iterable[OutstandingReserve],
    *,
    as_of: date,
    years: int = 3,
    employer_fein: str | None = None,
) -> tuple[LossRunRow, ...]:
    """One row per accident year, the last `years` up to `as_of`, oldest first (contract).

    Payments after `as_of` are left out; reserves are taken as they stand. A payment or
    reserve naming an unknown claim, or a second reserve for a claim, is an error.
    """
    if years < 1:
        raise ValueError("a loss run covers at least one year")
    first_year = as_of.year - years + 1
    known = {c.claim_number: c for c in claims}
    in_run = {
        number: c
        for number, c in known.items()
        if first_year <= accident_year(c.date_of_injury) <= as_of.year
        and c.date_of_injury <= as_of
        and (employer_fein is None or c.employer_fein == employer_fein)
    }
    paid = {(n, kind): _ZERO for n in in_run for kind in PAYMENT_KINDS}
    for p in payments:
        if p.claim_number not in known:
            raise ValueError(f"payment for unknown claim {p.claim_number}")
        if p.kind not in PAYMENT_KINDS:
            raise ValueError(f"payment kind {p.kind!r} is not one of {PAYMENT_KINDS}")
        if p.claim_number in in_run and p.paid_on <= as_of:
            paid[(p.claim_number, p.kind)] += p.amount
    outstanding = {(n, kind): _ZERO for n in in_run for kind in PAYMENT_KINDS}
    reserved: set[str] = set()
    for r in reserves:
        if r.claim_number not in known:
            raise ValueError(f"reserve for unknown claim {r.claim_number}")
        if r.claim_number in reserved:
            raise ValueError(f"more than one reserve for claim {r.claim_number}")
        if r.medical < 0 or r.indemnity < 0 or r.expense < 0:
            raise ValueError(f"negative reserve for claim {r.claim_number}")
        reserved.add(r.claim_number)
        if r.claim_number in in_run:
            for kind in PAYMENT_KINDS:
                outstanding[(r.claim_number, kind)] = getattr(r, kind)

    rows = []
    for year in range(first_year, as_of.year + 1):
        numbers = [n for n, c in in_run.items() if accident_year(c.date_of_injury) == year]
        counted = [n for n in numbers if not in_run[n].duplicate]
        sums = {
            (kind, column): sum((table[(n, kind)] for n in numbers), _ZERO)
            for kind in PAYMENT_KINDS
            for column, table in (("paid", paid), ("open", outstanding))
        }
        medical = _amounts(sums[("medical", "paid")], sums[("medical", "open")])
        indemnity = _amounts(sums[("indemnity", "paid")], sums[("indemnity", "open")])
        rows.append(
            LossRunRow(
                accident_year=year,
                claims=len(counted),
                medical_only_claims=sum(
                    1 for n in counted if in_run[n].classification == "medical_only"
                ),
                medical=medical,
                indemnity=indemnity,
                total=_amounts(medical.paid + indemnity.paid, medical.open + indemnity.open),
                expense=_amounts(sums[("expense", "paid")], sums[("expense", "open")]),
                duplicates_excluded=len(numbers) - len(counted),
            )
        )
    return tuple(rows)
