"""Claim status, decisions, classifications and Form 36, as a table-driven state machine."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from services.claims.deadlines import (
    contest_deadline,
    form36_objection_deadline,
    without_prejudice_deadline,
)


class ClaimStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    ACCEPTED_WITHOUT_PREJUDICE = "accepted_without_prejudice"
    CONTESTED = "contested"
    CLOSED = "closed"
    REOPENED = "reopened"


class ClaimAction(StrEnum):
    ACCEPT = "accept"
    ACCEPT_WITHOUT_PREJUDICE = "accept_without_prejudice"
    CONTEST = "contest"
    CLOSE = "close"
    REOPEN = "reopen"


DECISIONS = frozenset(
    {ClaimAction.ACCEPT, ClaimAction.ACCEPT_WITHOUT_PREJUDICE, ClaimAction.CONTEST}
)

_S, _A = ClaimStatus, ClaimAction

ALLOWED_TRANSITIONS: Mapping[tuple[ClaimStatus, ClaimAction], ClaimStatus] = MappingProxyType(
    {
        (_S.OPEN, _A.ACCEPT): _S.ACCEPTED,
        (_S.OPEN, _A.ACCEPT_WITHOUT_PREJUDICE): _S.ACCEPTED_WITHOUT_PREJUDICE,
        (_S.OPEN, _A.CONTEST): _S.CONTESTED,
        (_S.OPEN, _A.CLOSE): _S.CLOSED,
        (_S.ACCEPTED_WITHOUT_PREJUDICE, _A.ACCEPT): _S.ACCEPTED,
        (_S.ACCEPTED_WITHOUT_PREJUDICE, _A.CONTEST): _S.CONTESTED,
        (_S.ACCEPTED_WITHOUT_PREJUDICE, _A.CLOSE): _S.CLOSED,
        (_S.CONTESTED, _A.ACCEPT): _S.ACCEPTED,
        (_S.CONTESTED, _A.CLOSE): _S.CLOSED,
        (_S.ACCEPTED, _A.CLOSE): _S.CLOSED,
        (_S.CLOSED, _A.REOPEN): _S.REOPENED,
        (_S.REOPENED, _A.ACCEPT): _S.ACCEPTED,
        (_S.REOPENED, _A.CLOSE): _S.CLOSED,
    }
)

# Why the commonest impossible moves are refused, in the adjuster's words.
_REFUSALS: Mapping[tuple[ClaimStatus, ClaimAction], str] = MappingProxyType(
    {
        (_S.ACCEPTED, _A.CONTEST): "once accepted, compensability cannot be contested "
        "(CGS 31-294c(b)); dispute the extent of disability by Form 36 or a hearing",
        (_S.ACCEPTED, _A.ACCEPT_WITHOUT_PREJUDICE): "an accepted claim cannot go back to "
        "being paid without prejudice (CGS 31-294c(b))",
        (_S.REOPENED, _A.CONTEST): "compensability was settled before the claim closed; "
        "a new dispute goes to a hearing",
        (_S.CONTESTED, _A.ACCEPT_WITHOUT_PREJUDICE): "a contested claim is either accepted "
        "or decided at a hearing",
    }
)


class IllegalTransition(ValueError):
    """A move the claim's status does not allow; the message says why."""

    def __init__(self, from_status: str, action: str, reason: str | None = None) -> None:
        self.from_status = from_status
        self.action = action
        if reason is None:
            allowed = ", ".join(_words(a) for a in allowed_actions(from_status))
            reason = f"the moves allowed from {_words(from_status)} are: {allowed}"
        super().__init__(f"Cannot {_words(action)} a claim that is {_words(from_status)}: {reason}")


def _words(name: str) -> str:
    return str(name).replace("_", " ")


def allowed_actions(status: str) -> tuple[str, ...]:
    """Actions the transition table allows from a status (CGS 31-294c(b) for decisions)."""
    return tuple(action.value for (s, action) in ALLOWED_TRANSITIONS if s == status)


def _check_contest_window(
    status: ClaimStatus,
    action: ClaimAction,
    notice_received_on: date | None,
    acted_on: date | None,
    payment_began_on: date | None,
) -> None:
    if notice_received_on is None or acted_on is None:
        raise ValueError(f"{action} needs the notice-of-claim date and the date of the action")
    if acted_on < notice_received_on:
        raise ValueError("the action cannot precede the notice of claim")
    contest_by = contest_deadline(notice_received_on).due_on
    wp_by = without_prejudice_deadline(notice_received_on).due_on
    paid_in_time = payment_began_on is not None and payment_began_on <= contest_by
    if status == ClaimStatus.OPEN and acted_on > contest_by and not paid_in_time:
        raise IllegalTransition(
            status,
            action,
            f"the 28 days after the notice of claim ended on {contest_by.isoformat()} with "
            "neither a contest nor a payment begun, so compensability and the extent of "
            "disability are conclusively presumed (CGS 31-294c(b); Harpaz v. Laidlaw "
            "Transit, Inc., 286 Conn. 102 (2008)); accept the claim",
        )
    if acted_on > wp_by:
        raise IllegalTransition(
            status,
            action,
            f"the one year after the notice of claim for contesting a claim paid without "
            f"prejudice ended on {wp_by.isoformat()}; compensability is conclusively "
            "presumed (CGS 31-294c(b)); accept the claim",
        )


def next_status(
    status: str,
    action: str,
    *,
    notice_received_on: date | None = None,
    acted_on: date | None = None,
    payment_began_on: date | None = None,
) -> ClaimStatus:
    """The status after `action`, or `IllegalTransition` (CGS 31-294c(b)).

    Contesting, and accepting without prejudice, are time-gated and need the date the
    payer received the notice of claim and the date of the action: within 28 days of the
    notice either is allowed; after that only if payment began by day 28, and never after
    one year from the notice.
    """
    current, move = ClaimStatus(status), ClaimAction(action)
    if (current, move) not in ALLOWED_TRANSITIONS:
        raise IllegalTransition(current, move, _REFUSALS.get((current, move)))
    gated = move in (ClaimAction.CONTEST, ClaimAction.ACCEPT_WITHOUT_PREJUDICE)
    if gated and current in (ClaimStatus.OPEN, ClaimStatus.ACCEPTED_WITHOUT_PREJUDICE):
        _check_contest_window(current, move, notice_received_on, acted_on, payment_began_on)
    return ALLOWED_TRANSITIONS[(current, move)]


# --- Classification history ------------------------------------------------------------


class Classification(StrEnum):
    MEDICAL_ONLY = "medical_only"
    TEMPORARY_TOTAL = "temporary_total"
    TEMPORARY_PARTIAL = "temporary_partial"
    PERMANENT_PARTIAL_SCHEDULED = "permanent_partial_scheduled"
    PERMANENT_PARTIAL_NON_SCHEDULED = "permanent_partial_non_scheduled"
    PERMANENT_TOTAL = "permanent_total"
    DEATH = "death"


@dataclass(frozen=True)
class ClassificationChange:
    effective_on: date
    classification: Classification


def classification_as_of(
    changes: Iterable[ClassificationChange], on: date
) -> Classification | None:
    """The classification in force on a date: the latest change effective by then (seed 003).

    Two changes effective the same day: the one recorded later wins. None before the first.
    """
    in_force: Classification | None = None
    for change in sorted(changes, key=lambda c: c.effective_on):  # stable: keeps record order
        if change.effective_on > on:
            break
        in_force = Classification(change.classification)
    return in_force


# --- Form 36 -----------------------------------------------------------------------------


class Form36Outcome(StrEnum):
    PENDING = "pending"  # objection window still open
    OBJECTED = "objected"  # timely objection: payments go on until a hearing
    IN_EFFECT = "in_effect"  # window closed without a timely objection


def form36_outcome(
    filed_on: date, *, as_of: date, objected_on: date | None = None
) -> Form36Outcome:
    """A Form 36 takes effect unless the claimant objects within 15 days (CGS 31-296)."""
    last_day = form36_objection_deadline(filed_on).due_on
    if objected_on is not None and objected_on < filed_on:
        raise ValueError("an objection cannot precede the Form 36")
    if objected_on is not None and objected_on <= last_day and objected_on <= as_of:
        return Form36Outcome.OBJECTED
    return Form36Outcome.IN_EFFECT if as_of > last_day else Form36Outcome.PENDING


class IllegalReclassification(ValueError):
    """A classification change the claim's history does not allow; the message says why."""


def check_reclassification(
    changes: Iterable[ClassificationChange], classification: str, effective_on: date
) -> None:
    """Refuse a change that changes nothing, or one taking effect after a death (seed 003).

    Death ends the disability classes: a class effective on or after a recorded death is
    impossible. A change effective before the death (a correction of an earlier period) is
    allowed.
    """
    changes = list(changes)
    new = Classification(classification)
    in_force = classification_as_of(changes, effective_on)
    if in_force == new:
        raise IllegalReclassification(
            f"the claim is already {_words(new)} on {effective_on.isoformat()}"
        )
    deaths = [c.effective_on for c in changes
              if c.classification == Classification.DEATH and c.effective_on <= effective_on]
    if deaths:
        raise IllegalReclassification(
            f"the employee's death is recorded effective {min(deaths).isoformat()}; no other "
            f"classification can take effect after it (seed 003: death is the last class)"
        )
