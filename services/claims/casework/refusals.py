"""How casework says no, as HTTP answers the caller sees: 404 unknown claim, 409 a move the
rules refuse (the message names the rule), 422 a value that cannot be right (named by
field); and the checks every dated entry on a claim passes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fastapi import HTTPException

from services.claims.models import Claim


def invalid(field: str | Sequence[str | int], message: str) -> HTTPException:
    loc = [field] if isinstance(field, str) else list(field)
    return HTTPException(422, [{"loc": ["body", *loc], "msg": message, "type": "value_error"}])


def refused(message: str) -> HTTPException:
    return HTTPException(409, message)


def not_found(what: str) -> HTTPException:
    return HTTPException(404, what)


def not_future(field: str, day: date, today: date) -> None:
    if day > today:
        raise invalid(field, f"{day.isoformat()} is in the future (today is {today.isoformat()} "
                             "in Connecticut)")


def not_before_injury(field: str, day: date, claim: Claim) -> None:
    if day < claim.date_of_injury:
        raise invalid(field, f"{day.isoformat()} is before the injury on "
                             f"{claim.date_of_injury.isoformat()}")


def open_for_work(claim: Claim, what: str) -> None:
    if claim.status == "closed":
        raise refused(f"Cannot {what} on claim {claim.claim_number}: it is closed; reopen it first")
