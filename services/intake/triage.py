"""What an injury report needs at once: catastrophic triage and the flags an adjuster sees.

Plain functions, standard library only, no I/O. A flag never stops a report: every report is
taken, flagged and passed on ("A late report is taken and flagged, never refused",
ct-rules.md on CGS 31-294c(a)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Severity(StrEnum):
    FIRST_AID = "first_aid"
    MEDICAL_ONLY = "medical_only"
    LOST_TIME = "lost_time"
    CATASTROPHIC = "catastrophic"
    FATAL = "fatal"


CATASTROPHIC_SEVERITIES: frozenset[Severity] = frozenset({Severity.CATASTROPHIC, Severity.FATAL})


def is_catastrophic(severity: Severity | str, hospital_admission: bool | None) -> bool:
    """Whether the on-call nurse is paged at once.

    Trust services (seed 000): "A nurse is also available 24 hours per day to assess
    catastrophic injuries"; the contract counts catastrophic and fatal severities and any
    hospital admission as catastrophic. An unknown admission (None) is not one.
    """
    return Severity(severity) in CATASTROPHIC_SEVERITIES or hospital_admission is True


# Publication priority of the `intake.injury-reported` event: higher is published first.
ROUTINE_PRIORITY = 0
CATASTROPHIC_PRIORITY = 10


def publication_priority(catastrophic: bool) -> int:
    """Catastrophic reports jump the outbox queue (seed 000: the nurse is paged at once)."""
    return CATASTROPHIC_PRIORITY if catastrophic else ROUTINE_PRIORITY


@dataclass(frozen=True)
class Flag:
    """Something an adjuster must look at; `code` is stable, `rule` cites the source."""

    code: str
    rule: str
    message: str


NOTICE_LATE = "notice_late"
JURISDICTION_REVIEW = "jurisdiction_review"


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February (the earlier day,
    so a deadline is never stretched)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def notice_deadline(
    occurred_on: date,
    occupational_disease: bool | None = False,
    first_symptom_on: date | None = None,
    death_on: date | None = None,
) -> date:
    """Last day for the notice of claim (Form 30C), CGS 31-294c(a).

    - 1 year from the date of the accident;
    - for an occupational disease, 3 years from the first manifestation of a symptom
      (`first_symptom_on`; when unknown, the reported injury date stands in for it);
    - if death followed within 2 years of the accident (or of the first symptom), dependents
      have 2 years from it or 1 year from the death, whichever is later. The later of this
      and the ordinary limit applies, so a death never shortens the time.

    "Within one year" ends on the anniversary: a notice on that day is in time.
    """
    disease = bool(occupational_disease)
    start = (first_symptom_on or occurred_on) if disease else occurred_on
    deadline = add_years(start, 3 if disease else 1)
    if death_on is not None and death_on <= add_years(start, 2):
        deadline = max(deadline, add_years(start, 2), add_years(death_on, 1))
    return deadline


def notice_flags(
    occurred_on: date,
    received_on: date,
    occupational_disease: bool | None = False,
    first_symptom_on: date | None = None,
    death_on: date | None = None,
) -> list[Flag]:
    """`notice_late` when the report arrives after the CGS 31-294c(a) deadline, else nothing.

    `received_on` is the Connecticut calendar day intake received the report; the report is
    taken either way.
    """
    deadline = notice_deadline(occurred_on, occupational_disease, first_symptom_on, death_on)
    if received_on <= deadline:
        return []
    return [
        Flag(
            code=NOTICE_LATE,
            rule="CGS 31-294c(a)",
            message=(
                f"notice received {received_on.isoformat()}, after the deadline of "
                f"{deadline.isoformat()}; taken and flagged for the adjuster"
            ),
        )
    ]


def jurisdiction_flags(
    residence_state: str | None, works_primarily_in_connecticut: bool | None
) -> list[Flag]:
    """`jurisdiction_review` for a non-resident whose Connecticut employment is not established.

    CGS 31-275(9)(B)(vi) (seed 002): a non-resident injured in Connecticut is an employee only
    if at least 50% of their employment time is at the employer's Connecticut place of
    employment, or their contract is to be performed primarily in Connecticut.
    `works_primarily_in_connecticut` is True when either holds. An unknown residence state
    raises no flag (nothing says the employee is a non-resident).
    """
    if residence_state is None or residence_state.strip().upper() == "CT":
        return []
    if works_primarily_in_connecticut is True:
        return []
    why = (
        "reported as not working mainly in Connecticut"
        if works_primarily_in_connecticut is False
        else "not known to work mainly in Connecticut"
    )
    return [
        Flag(
            code=JURISDICTION_REVIEW,
            rule="CGS 31-275(9)(B)(vi)",
            message=(
                f"employee resides in {residence_state.strip().upper()} and is {why} "
                "(50% of employment time at a Connecticut facility, or a contract performed "
                "mainly in Connecticut)"
            ),
        )
    ]
