"""Benchmarks (seed 003) and loss runs (seed 004, item 12) read from the claims database.

The figures come from the ledgers, not from the claim rows' running totals: a KPI or a
loss run valued as of a date sees only what was true on that date — statuses and
classifications in force (their dated changes), payments made and not yet reversed, and
the reserves standing (the reserve change log).

Claims closed as duplicates of another claim are the same injury counted twice: they are
left out of every KPI (numerators, denominators and counts) and out of loss-run claim
counts, whenever they were closed (a duplicate was never a separate claim), and each answer
says how many were left out (`duplicates_excluded`). Probable duplicates still under review
are counted, and the KPI answer says how many there are (`probable_duplicates_pending`).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims.benchmarks import ClaimRecord, Fraction, benchmark_report, unpaid_indemnity_claims
from services.claims.casework.claim_file import DUPLICATE, PENDING
from services.claims.casework.connecticut_time import ct_date
from services.claims.ledger import Entry, standing
from services.claims.lifecycle import ClassificationChange as ClassChange
from services.claims.lifecycle import classification_as_of
from services.claims.loss_runs import (
    LossAmounts,
    LossPayment,
    LossRunClaim,
    LossRunRow,
    OutstandingReserve,
    loss_run,
)
from services.claims.models import (
    Claim,
    ClaimStatusChange,
    ClassificationChange,
    Payment,
    ReserveChange,
)

REFERENCES = {
    "first_indemnity_within_21_days_of_injury": {
        "benchmark": "seed 003 B.1", "new_york": "0.29", "wcri_median_14_states": "0.41",
        "target": "above the WCRI median"},
    "payor_notified_within_3_days_of_injury": {"benchmark": "seed 003 B.2"},
    "employer_reported_within_3_days": {"benchmark": "seed 003 B.3"},
    "first_indemnity_within_14_days_of_notice": {"benchmark": "seed 003 B.4"},
    "contested": {"benchmark": "seed 003 D", "new_york_2006": "0.17"},
}


def _fraction(f: Fraction, name: str) -> dict[str, Any]:
    return {"numerator": f.numerator, "denominator": f.denominator,
            "value": f"{f.value}" if f.value is not None else None, **REFERENCES.get(name, {})}


async def _rows_for(session: AsyncSession, model: Any, claims: Select[Any]) -> list[Any]:
    numbers = claims.with_only_columns(col(Claim.claim_number)).scalar_subquery()
    return list((await session.execute(
        select(model).where(model.claim_number.in_(numbers)).order_by(model.id)
    )).scalars().all())


async def kpis(session: AsyncSession, *, as_of: date, injured_from: date | None,
               injured_to: date | None, employer_fein: str | None) -> dict[str, Any]:
    """The four timeliness benchmarks, contests and counts, for claims injured in the window
    and known to the payer by `as_of`, as things stood on `as_of`."""
    query = select(Claim)
    if employer_fein:
        query = query.where(Claim.employer_fein == employer_fein)  # type: ignore[arg-type]
    if injured_from:
        query = query.where(Claim.date_of_injury >= injured_from)  # type: ignore[arg-type]
    if injured_to:
        query = query.where(Claim.date_of_injury <= injured_to)  # type: ignore[arg-type]
    known = [c for c in (await session.execute(query)).scalars().all()
             if ct_date(c.payor_notified_at) <= as_of]
    claims = [c for c in known if c.duplicate_review != DUPLICATE]
    statuses: dict[str, list[ClaimStatusChange]] = defaultdict(list)
    for row in await _rows_for(session, ClaimStatusChange, query):
        statuses[row.claim_number].append(row)
    classes: dict[str, list[ClassChange]] = defaultdict(list)
    for row in await _rows_for(session, ClassificationChange, query):
        classes[row.claim_number].append(ClassChange(row.effective_on, row.classification))
    payments: dict[str, list[Entry]] = defaultdict(list)
    for p in await _rows_for_payments(session, query):
        payments[p.claim_number].append(Entry(p.id, p.kind, p.amount, p.paid_on, p.reversal_of))

    records = []
    for c in claims:
        in_force = [s for s in statuses[c.claim_number] if s.effective_on <= as_of]
        status = max(in_force, key=lambda s: (s.effective_on, s.id)).status if in_force else "open"
        classification = classification_as_of(classes[c.claim_number], as_of)
        indemnity = [e.paid_on for e in standing(payments[c.claim_number], as_of)
                     if e.kind == "indemnity"]
        contested_on = c.contested_on if c.contested_on and c.contested_on <= as_of else None
        resolved = (c.contest_resolved_on if contested_on and c.contest_resolved_on
                    and c.contest_resolved_on <= as_of else None)
        records.append(ClaimRecord(
            date_of_injury=c.date_of_injury, reported_to_employer_on=c.reported_to_employer_on,
            payor_notified_on=ct_date(c.payor_notified_at),
            first_indemnity_paid_on=min(indemnity, default=None), status=status,
            classification=classification.value if classification else None,
            contested_on=contested_on, contest_resolved_on=resolved,
        ))
    report = benchmark_report(records)
    names = ("first_indemnity_within_21_days_of_injury", "payor_notified_within_3_days_of_injury",
             "employer_reported_within_3_days", "first_indemnity_within_14_days_of_notice")
    return {
        "as_of": as_of.isoformat(),
        "from": injured_from.isoformat() if injured_from else None,
        "to": injured_to.isoformat() if injured_to else None,
        "employer_fein": employer_fein,
        "claims": len(records),
        "duplicates_excluded": len(known) - len(claims),
        "probable_duplicates_pending": sum(1 for c in claims if c.duplicate_review == PENDING),
        "benchmarks": {name: _fraction(getattr(report, name), name) for name in names},
        "unpaid_indemnity_claims_over_21_days": unpaid_indemnity_claims(records, as_of),
        "contested": _fraction(report.contested, "contested"),
        "days_to_resolve_contest": {
            "mean": f"{report.mean_days_to_resolve_contest}"
                    if report.mean_days_to_resolve_contest is not None else None,
            "median": f"{report.median_days_to_resolve_contest}"
                      if report.median_days_to_resolve_contest is not None else None,
            "resolved": sum(1 for r in records if r.contest_resolved_on is not None),
        },
        "by_status": report.by_status,
        "by_classification": report.by_classification,
    }


async def employer_loss_run(session: AsyncSession, *, employer_fein: str, as_of: date,
                            years: int) -> tuple[LossRunRow, ...]:
    """Item 12 of the self-insurance application: per accident year, claims and paid, open
    and incurred losses, valued as of `as_of` (claims known to the payer by then)."""
    query = select(Claim).where(Claim.employer_fein == employer_fein)  # type: ignore[arg-type]
    claims = [c for c in (await session.execute(query)).scalars().all()
              if ct_date(c.payor_notified_at) <= as_of]
    known = {c.claim_number for c in claims}
    payments = [LossPayment(p.claim_number, p.kind, p.amount, p.paid_on)
                for p in await _rows_for_payments(session, query) if p.claim_number in known]
    latest: dict[str, ReserveChange] = {}
    for change in await _rows_for(session, ReserveChange, query):
        if change.claim_number in known and change.effective_on <= as_of:
            latest[change.claim_number] = change  # ordered by id: the last one stands
    reserves = [OutstandingReserve(n, r.medical, r.indemnity, r.expense) for n, r in latest.items()]
    return loss_run(
        [LossRunClaim(c.claim_number, c.employer_fein, c.date_of_injury, c.classification,
                      duplicate=c.duplicate_review == DUPLICATE)
         for c in claims],
        payments, reserves, as_of=as_of, years=years, employer_fein=employer_fein,
    )


async def _rows_for_payments(session: AsyncSession, claims: Select[Any]) -> list[Payment]:
    numbers = claims.with_only_columns(col(Claim.claim_number)).scalar_subquery()
    return list((await session.execute(
        select(Payment).where(Payment.claim_number.in_(numbers))  # type: ignore[attr-defined]
    )).scalars().all())


COLUMNS = ("paid", "open", "incurred")
LOSS_BLOCKS = ("medical", "indemnity", "total")


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _row_blocks(medical: LossAmounts, indemnity: LossAmounts, total: LossAmounts,
                expense: LossAmounts, with_expense: LossAmounts) -> dict[str, Any]:
    """Item 12's blocks (paid, open, incurred; each medical, indemnity and total = losses),
    then expense and losses with expense (paid, open, incurred)."""
    losses = {"medical": medical, "indemnity": indemnity, "total": total}
    return {
        **{column: {kind: _money(getattr(losses[kind], column)) for kind in LOSS_BLOCKS}
           for column in COLUMNS},
        "expense": {column: _money(getattr(expense, column)) for column in COLUMNS},
        "with_expense": {column: _money(getattr(with_expense, column)) for column in COLUMNS},
    }


def _blocks_of(row: LossRunRow) -> dict[str, Any]:
    return _row_blocks(row.medical, row.indemnity, row.total, row.expense, row.with_expense)


def _summed(rows: tuple[LossRunRow, ...], kind: str) -> LossAmounts:
    zero = Decimal("0.00")
    return LossAmounts(*(sum((getattr(getattr(r, kind), c) for r in rows), zero) for c in COLUMNS))


LOSS_RUN_LAYOUT = (
    "paid, open and incurred each hold medical, indemnity and total: the losses of item 12, "
    "total = medical + indemnity. expense (loss-adjustment expense) is not a loss and is "
    "shown apart; with_expense = total + expense, which reconciles with the claims' own "
    "totals (a claim's incurred includes expense). claims leaves out claims closed as "
    "duplicates (duplicates_excluded); their payments stay in the money. total (top level) "
    "is the number of rows, as every list answers; all_years sums the rows."
)


def loss_run_document(rows: tuple[LossRunRow, ...], *, employer_fein: str, as_of: date) -> dict[str, Any]:
    """The JSON loss run: one row a year, laid out like item 12 (paid, open, incurred, each
    medical, indemnity and total), then expense apart and losses with expense; oldest year
    first; `all_years` sums the rows; `total` is the row count (the contract's list shape)."""
    items = [{"year": r.accident_year, "claims": r.claims,
              "medical_only_claims": r.medical_only_claims,
              "duplicates_excluded": r.duplicates_excluded, **_blocks_of(r)} for r in rows]
    summed = {kind: _summed(rows, kind) for kind in ("medical", "indemnity", "total", "expense")}
    with_expense = LossAmounts(*(getattr(summed["total"], c) + getattr(summed["expense"], c)
                                 for c in COLUMNS))
    return {
        "employer_fein": employer_fein, "valued_as_of": as_of.isoformat(), "years": len(rows),
        "basis": "Self-insurance application item 12 (loss history for the last full years); "
                 "Regs. 31-284-12, 31-284-13",
        "layout": LOSS_RUN_LAYOUT,
        "items": items, "total": len(items),
        "all_years": {"claims": sum(r.claims for r in rows),
                      "medical_only_claims": sum(r.medical_only_claims for r in rows),
                      "duplicates_excluded": sum(r.duplicates_excluded for r in rows),
                      **_row_blocks(summed["medical"], summed["indemnity"], summed["total"],
                                    summed["expense"], with_expense)},
    }


CSV_COLUMNS = (
    "employer_fein", "valued_as_of", "year", "claims", "medical_only_claims",
    "paid_medical", "paid_indemnity", "paid_total",
    "open_medical", "open_indemnity", "open_total",
    "incurred_medical", "incurred_indemnity", "incurred_total",
    "expense_paid", "expense_open", "expense_incurred",
    "paid_with_expense", "open_with_expense", "incurred_with_expense",
    "duplicates_excluded",
)


def loss_run_csv(rows: tuple[LossRunRow, ...], *, employer_fein: str, as_of: date) -> str:
    """The same loss run as CSV: one line a year, item 12's columns flattened, then expense
    and losses with expense (new columns come last, so readers by position keep working)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        blocks = _blocks_of(r)
        writer.writerow([
            employer_fein, as_of.isoformat(), r.accident_year, r.claims, r.medical_only_claims,
            *(blocks[c][k] for c in COLUMNS for k in LOSS_BLOCKS),
            *(blocks["expense"][c] for c in COLUMNS),
            *(blocks["with_expense"][c] for c in COLUMNS),
            r.duplicates_excluded,
        ])
    return out.getvalue()
