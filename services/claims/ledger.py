"""What the payments ledger says: totals by kind and the dates the clocks read.

The ledger is append-only: a reversal is a new, negative entry naming the payment it
undoes. Plain functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

KINDS = ("medical", "indemnity", "expense")
LOSS_KINDS = ("medical", "indemnity")


@dataclass(frozen=True)
class Entry:
    payment_id: str
    kind: str
    amount: Decimal
    paid_on: date
    reversal_of: str | None = None


@dataclass(frozen=True)
class PaymentFacts:
    paid: dict[str, Decimal]
    first_payment_on: date | None  # first medical or indemnity payment still standing
    first_indemnity_paid_on: date | None
    pp_payment_began_on: date | None
    award_payment_began_on: date | None


def standing(entries: Iterable[Entry], as_of: date | None = None) -> list[Entry]:
    """Payments not reversed (by `as_of`, when given), reversals themselves left out."""
    entries = [e for e in entries if as_of is None or e.paid_on <= as_of]
    reversed_ids = {e.reversal_of for e in entries if e.reversal_of}
    return [e for e in entries if e.reversal_of is None and e.payment_id not in reversed_ids]


def _first(entries: Iterable[Entry], kinds: tuple[str, ...], on_or_after: date | None) -> date | None:
    days = [e.paid_on for e in entries if e.kind in kinds
            and (on_or_after is None or e.paid_on >= on_or_after)]
    return min(days, default=None)


def payment_facts(
    entries: Iterable[Entry], *, mmi_on: date | None = None, award_on: date | None = None
) -> PaymentFacts:
    """Paid totals by kind (reversals included, so they net out) and the first payment dates:
    payment begun (CGS 31-294c(b)), first indemnity (seed 003 B.1, B.4), first indemnity on or
    after maximum medical improvement (CGS 31-295(c)) and after an award (CGS 31-303)."""
    entries = list(entries)
    paid = {kind: sum((e.amount for e in entries if e.kind == kind), Decimal("0.00"))
            for kind in KINDS}
    live = standing(entries)
    return PaymentFacts(
        paid=paid,
        first_payment_on=_first(live, LOSS_KINDS, None),
        first_indemnity_paid_on=_first(live, ("indemnity",), None),
        pp_payment_began_on=_first(live, ("indemnity",), mmi_on) if mmi_on else None,
        award_payment_began_on=_first(live, ("indemnity",), award_on) if award_on else None,
    )
