"""Paging the on-call nurse for a catastrophic injury: what the page says.

"A nurse is also available 24 hours per day to assess catastrophic injuries should they
occur" (Trust services, seed 000): a report intake triaged as catastrophic (catastrophic or
fatal severity, or a hospital admission) pages the nurse on call at once, by SMS and email.

The page is short and carries what the nurse needs to act: the confirmation number (to find
the report), severity, employer and location, time of injury and a number to call back. It
never carries an SSN (or its last digits), a birth date, the injury's description or the
employee's name: an SMS gateway and a mailbox are not places for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.events.catalogue import InjuryReported

CONNECTICUT = ZoneInfo("America/New_York")
PAGE_CHANNELS = ("sms", "email")


@dataclass(frozen=True)
class Page:
    subject: str
    sms: str
    email: str


def _local(moment: datetime) -> str:
    return moment.astimezone(CONNECTICUT).strftime("%Y-%m-%d %H:%M %Z")


def severity_words(report: InjuryReported) -> str:
    words: str = report.injury.severity
    if report.injury.hospital_admission:
        words += ", hospital admission"
    return words


def page_for(report: InjuryReported) -> Page:
    """The page for a catastrophic report (times in Connecticut time)."""
    employer = report.employer.name
    where = f"{employer}, {report.employer.location}" if report.employer.location else employer
    injured = _local(report.injury.occurred_at)
    call_back = report.caller_phone or report.employee.phone
    whose = "caller's" if report.caller_phone else "employee's"
    duplicate = " Probable duplicate of an earlier report." if report.probable_duplicate_of else ""
    sms = (f"Claimline CATASTROPHIC injury {report.confirmation_number} ({severity_words(report)}). "
           f"{where}. Injured {injured}."
           + (f" Call back {call_back}." if call_back else "") + duplicate)
    lines = [
        "A catastrophic injury was reported to Claimline: the on-call nurse is asked to assess it now.",
        "",
        f"Confirmation number: {report.confirmation_number}",
        f"Severity: {severity_words(report)}",
        f"Employer: {employer} (FEIN {report.employer.fein})",
        f"Location: {report.employer.location or 'not given'}",
        f"Time of injury: {injured}",
        f"Call back ({whose} phone): {call_back or 'not given'}",
        f"Reported: {_local(report.received_at)} by {report.channel}",
    ]
    if duplicate:
        lines.append(duplicate.strip())
    lines += ["", "The full report is in intake under its confirmation number."]
    subject = (f"Catastrophic injury {report.confirmation_number}: {report.injury.severity}, "
               f"{employer}")
    return Page(subject=subject, sms=sms, email="\n".join(lines) + "\n")
