"""Who handles a claim: adjusters by open caseload within their caps, specialists for
heart-and-hypertension claims, a nurse case manager for lost-time and catastrophic claims.

Plain functions over plain data (no I/O). Sources:
- CGS 7-433c; Trust services (seed 000): heart-and-hypertension claims of municipal police
  and firefighters go to a specialist adjuster, and the claim is flagged.
- Certification of claims servicing form (seed 004); CGS 38a-792: the person adjusting
  claims holds a Connecticut adjuster's licence, so an adjuster whose licence has expired
  gets no new claims.
- Claimline caseload policy: at most 100 open lost-time and 225 open medical-only claims an
  adjuster unless the roster says otherwise; a nurse case manager on every lost-time and
  catastrophic claim (seed 000: nurses assess catastrophic injuries). A nurse case
  manager's cap is their `lost_time_cap`, over all their open claims.
- Claimline duplicate policy: a probable duplicate (intake linked the report to an earlier
  one) goes to the adjuster and nurse of the first report's claim, never to someone else,
  and does not count against their caps until the adjuster rules it not a duplicate: it
  is the same injury, most often closed as a duplicate within days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

DEFAULT_LOST_TIME_CAP = 100
DEFAULT_MEDICAL_ONLY_CAP = 225
HEART_HYPERTENSION = "heart_hypertension"
CATASTROPHIC = "catastrophic"
SPECIALTIES = (HEART_HYPERTENSION, CATASTROPHIC, "occupational_disease", "litigation")
HEART_HYPERTENSION_HIRED_BEFORE = date(1996, 7, 1)  # CGS 7-433c(b)


class Role(StrEnum):
    ADJUSTER = "adjuster"
    NURSE_CASE_MANAGER = "nurse_case_manager"


@dataclass(frozen=True)
class Handler:
    """One person on the roster, with the open claims they carry now."""

    username: str
    role: str
    specialties: frozenset[str]
    lost_time_cap: int
    medical_only_cap: int
    active: bool = True
    license_expires_on: date | None = None
    open_lost_time: int = 0
    open_medical_only: int = 0

    @property
    def open_claims(self) -> int:
        return self.open_lost_time + self.open_medical_only


@dataclass(frozen=True)
class ClaimNeeds:
    lost_time: bool
    heart_hypertension: bool = False
    catastrophic: bool = False


def is_lost_time(classification: str) -> bool:
    """Every class but medical only carries indemnity: it counts against the lost-time cap."""
    return classification != "medical_only"


def needs_nurse(classification: str, catastrophic: bool) -> bool:
    """A nurse case manager for lost-time and catastrophic claims (Claimline policy; seed 000)."""
    return catastrophic or is_lost_time(classification)


def licensed_on(handler: Handler, today: date) -> bool:
    """An adjuster's Connecticut licence must not have expired (seed 004; CGS 38a-792)."""
    return handler.license_expires_on is None or handler.license_expires_on >= today


def has_room(handler: Handler, lost_time: bool) -> bool:
    if lost_time:
        return handler.open_lost_time < handler.lost_time_cap
    return handler.open_medical_only < handler.medical_only_cap


def _load(handler: Handler, lost_time: bool) -> tuple[float, int, str]:
    cap = handler.lost_time_cap if lost_time else handler.medical_only_cap
    count = handler.open_lost_time if lost_time else handler.open_medical_only
    return (count / cap if cap else 1.0, handler.open_claims, handler.username)


def choose_adjuster(roster: Iterable[Handler], needs: ClaimNeeds, today: date) -> Handler | None:
    """The adjuster for a new claim, or None when nobody qualifies with room under the caps.

    Candidates are active, licensed adjusters with room in the claim's bucket (lost-time or
    medical-only). A heart-and-hypertension claim goes only to a `heart_hypertension`
    specialist (CGS 7-433c). Other claims go first to adjusters without that specialty, so
    specialists keep room for the claims only they may take; a catastrophic claim prefers a
    `catastrophic` specialist. Among equals, the lightest load in the bucket relative to the
    cap wins, then the fewest open claims, then the username (stable and testable).
    """
    candidates = [
        h for h in roster
        if h.active and h.role == Role.ADJUSTER and licensed_on(h, today)
        and has_room(h, needs.lost_time)
    ]
    if needs.heart_hypertension:
        tiers = [[h for h in candidates if HEART_HYPERTENSION in h.specialties]]
    else:
        generalists = [h for h in candidates if HEART_HYPERTENSION not in h.specialties]
        specialists = [h for h in candidates if HEART_HYPERTENSION in h.specialties]
        tiers = [generalists, specialists]
        if needs.catastrophic:
            tiers = [[h for h in candidates if CATASTROPHIC in h.specialties], *tiers]
    for tier in tiers:
        if tier:
            return min(tier, key=lambda h: _load(h, needs.lost_time))
    return None


def choose_nurse(roster: Iterable[Handler]) -> Handler | None:
    """The nurse case manager with the fewest open claims, below their cap (the lost-time cap
    on the roster), or None (Claimline policy)."""
    nurses = [
        h for h in roster
        if h.active and h.role == Role.NURSE_CASE_MANAGER and nurse_over_cap(h) is None
    ]
    if not nurses:
        return None
    return min(nurses, key=lambda h: (h.open_claims / h.lost_time_cap, h.username))


def nurse_over_cap(handler: Handler) -> str | None:
    """Why a nurse case manager is full, or None when they have room (Claimline policy: a
    nurse's cap is their `lost_time_cap`, over all their open claims)."""
    if handler.open_claims < handler.lost_time_cap:
        return None
    return (f"{handler.username} carries {handler.open_claims} open claims, at the nurse case "
            f"manager cap of {handler.lost_time_cap}")


def handler_for_probable_duplicate(
    original_handler: Handler | None, original_claim: str | None, needs: ClaimNeeds, today: date
) -> tuple[Handler | None, str]:
    """The adjuster of a probable duplicate: the one on the first report's claim, or nobody
    yet (with the reason it waits). Caps are not checked (the duplicate does not count
    against them, Claimline duplicate policy); licence, activity and specialty are, as for
    any claim handed over (`may_take`)."""
    if original_claim is None:
        return None, "probable duplicate: waits for the first report's claim to open"
    if original_handler is None:
        return None, f"probable duplicate of {original_claim}: waits for that claim's adjuster"
    why_not = may_take(original_handler, needs, today)
    if why_not:
        return None, (f"probable duplicate of {original_claim}: its adjuster cannot take it "
                      f"({why_not}); reassign {original_claim} or rule this claim not a duplicate")
    return original_handler, (f"automatic: probable duplicate of {original_claim}, same adjuster "
                              "(not counted against the caps)")


def may_take(handler: Handler, needs: ClaimNeeds, today: date) -> str | None:
    """Why `handler` may not take a claim handed to them by hand, or None when they may.

    Caps are left to the caller (a supervisor may override them); the specialty and the
    licence are not (CGS 7-433c; seed 004).
    """
    if not handler.active:
        return f"{handler.username} is not active on the roster"
    if handler.role != Role.ADJUSTER:
        return f"{handler.username} is a {handler.role.replace('_', ' ')}, not an adjuster"
    if not licensed_on(handler, today):
        return (f"{handler.username}'s Connecticut adjuster licence expired on "
                f"{handler.license_expires_on}; renew it before assigning claims (CGS 38a-792)")
    if needs.heart_hypertension and HEART_HYPERTENSION not in handler.specialties:
        return (f"a heart-and-hypertension claim (CGS 7-433c) goes to a heart_hypertension "
                f"specialist; {handler.username} is not one")
    return None


# --- CGS 7-433c ---------------------------------------------------------------------------

_UNIFORMED = re.compile(
    r"\b(police|policeman|policewoman|patrol\s*(man|woman|officer)|firefighter|fire\s*fighter|"
    r"fireman|firemen|fire\s*(lieutenant|captain|department))\b",
    re.IGNORECASE,
)
_HEART = re.compile(
    r"\b(heart|cardiac|hypertension|hypertensive|myocardial|coronary|blood\s*pressure|"
    r"arrhythmia|angina)\b",
    re.IGNORECASE,
)


def suggests_heart_hypertension(
    occupation: str | None, description: str, body_parts: Iterable[str] = ()
) -> bool:
    """True when a report reads as a CGS 7-433c claim: a police officer or firefighter and a
    heart or hypertension condition. A screen, not a finding: hire date and municipal
    employment (CGS 7-433c(b)) are checked by the specialist it routes the claim to.
    """
    if not occupation or not _UNIFORMED.search(occupation):
        return False
    text = " ".join([description, *body_parts])
    return _HEART.search(text) is not None


def heart_hypertension_eligible(hired_on: date) -> bool:
    """Municipal police and firefighters hired before July 1, 1996 (CGS 7-433c(b))."""
    return hired_on < HEART_HYPERTENSION_HIRED_BEFORE
