"""An injury report as intake stores, publishes and shows it."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.intake.confirmation import new_confirmation_number
from services.intake.duplicates import duplicate_fingerprint
from services.intake.identity import mask_date_of_birth, mask_ssn
from services.intake.models import InjuryReport
from services.intake.schemas import InjuryReportIn
from services.intake.sealing import ReportSealer
from services.intake.triage import Flag, publication_priority
from shared.events.catalogue import (
    InjuryReported,
    ReportedEmployee,
    ReportedEmployer,
    ReportedInjury,
)
from shared.events.envelope import CloudEvent, new_event

SOURCE = "claimline/intake"
CONNECTICUT = ZoneInfo("America/New_York")


@dataclass
class PreparedReport:
    """Everything one accepted report writes, built before it reaches the database."""

    row: dict[str, Any]
    details: dict[str, Any]
    flags: list[Flag]
    idempotency: tuple[str, str, str] | None = None  # client, key, request fingerprint
    probable_duplicate_of: str | None = field(default=None)
    fingerprints: list[str] = field(default_factory=list)  # under every PII key, stored one first

    @property
    def report_id(self) -> str:
        return str(self.row["id"])

    def answer(self) -> dict[str, Any]:
        """The `202` answer of the contract (plus flags and the duplicate link)."""
        return {
            "report_id": self.report_id,
            "confirmation_number": self.row["confirmation_number"],
            "status": "received",
            "received_at": self.row["received_at"].isoformat(),
            "catastrophic": self.row["catastrophic"],
            "claim_number": None,
            "flags": [flag_out(f) for f in self.flags],
            "probable_duplicate_of": self.probable_duplicate_of,
        }

    def redraw_confirmation_number(self) -> None:
        self.row["confirmation_number"] = new_confirmation_number()


def flag_out(flag: Flag) -> dict[str, str]:
    return {"code": flag.code, "rule": flag.rule, "message": flag.message}


def prepare_report(
    report: InjuryReportIn, *, client: str, sealer: ReportSealer, received_at: datetime,
    idempotency: tuple[str, str, str] | None = None,
) -> PreparedReport:
    details = report.model_dump(mode="json")
    flags = report.flags(received_at.astimezone(CONNECTICUT).date())  # the Commission's calendar
    ssn = report.employee.ssn
    fingerprints = sealer.fingerprints(report.duplicate_fingerprint())
    row = {
        "id": str(uuid.uuid4()),
        "confirmation_number": new_confirmation_number(),
        "status": "received",
        "channel": str(report.channel),
        "received_at": received_at,
        "submitted_by": client,
        "employer_fein": report.employer.fein,
        "date_of_injury": report.injury.occurred_on,
        "severity": str(report.injury.severity),
        "catastrophic": report.catastrophic,
        "flags": json.dumps([flag_out(f) for f in flags]),
        "fingerprint": fingerprints[0],
        "probable_duplicate_of": None,
        "ssn_last4": ssn[-4:] if ssn else None,
        "sealed": sealer.seal(details),
        "claim_number": None,
        "claim_opened_at": None,
        "publications": 1,
        "last_published_at": received_at,
        "alerted_at": None,
    }
    return PreparedReport(row=row, details=details, flags=flags, idempotency=idempotency,
                          fingerprints=fingerprints)


def plain_fingerprint(details: dict[str, Any]) -> str:
    """The duplicate fingerprint of stored (opened) details, as `InjuryReportIn` computes it."""
    employee = details["employee"]
    born = employee.get("date_of_birth")
    return duplicate_fingerprint(
        employer_fein=details["employer"]["fein"],
        last_name=employee["last_name"],
        first_name=employee["first_name"],
        date_of_injury=datetime.fromisoformat(details["injury"]["occurred_at"]).date(),
        date_of_birth=date.fromisoformat(born) if born else None,
        ssn=employee.get("ssn"),
    )


def injury_reported_event(
    row: dict[str, Any], details: dict[str, Any], publication: int
) -> CloudEvent:
    employee = details["employee"]
    injury = details["injury"]
    data = InjuryReported(
        report_id=row["id"],
        confirmation_number=row["confirmation_number"],
        received_at=row["received_at"],
        channel=row["channel"],
        employer=ReportedEmployer(**details["employer"]),
        employee=ReportedEmployee(
            first_name=employee["first_name"], last_name=employee["last_name"],
            ssn_last4=row["ssn_last4"], occupation=employee.get("occupation"),
            phone=employee.get("phone"), average_weekly_wage=employee.get("average_weekly_wage"),
        ),
        injury=ReportedInjury(
            occurred_at=injury["occurred_at"], description=injury["description"],
            body_parts=injury.get("body_parts") or [], severity=injury["severity"],
            reported_to_employer_on=injury.get("reported_to_employer_on"),
            hospital_admission=injury.get("hospital_admission"),
        ),
        catastrophic=row["catastrophic"],
        flags=[f["code"] for f in json.loads(row["flags"])],
        probable_duplicate_of=row["probable_duplicate_of"],
        publication=publication,
        caller_phone=(details.get("caller") or {}).get("phone"),
    )
    return new_event(source=SOURCE, type="intake.injury-reported", subject=row["id"], data=data)


def injury_reported_payload(
    row: dict[str, Any], details: dict[str, Any], publication: int
) -> tuple[str, bytes]:
    """(event id, CloudEvent bytes) of `intake.injury-reported`, built as plain JSON.

    The writer's fast path: the same document `injury_reported_event(...).to_bytes()` makes
    (checked against the catalogue's model by the unit tests), at a fraction of the cost.
    """
    employee = details["employee"]
    injury = details["injury"]
    event_id = str(uuid.uuid4())
    received_at = row["received_at"].isoformat()
    document = {
        "specversion": "1.0", "id": event_id, "source": SOURCE, "type": "intake.injury-reported",
        "time": received_at, "subject": row["id"], "datacontenttype": "application/json",
        "data": {
            "report_id": row["id"], "confirmation_number": row["confirmation_number"],
            "received_at": received_at, "channel": row["channel"],
            "employer": {"fein": details["employer"]["fein"], "name": details["employer"]["name"],
                         "location": details["employer"].get("location")},
            "employee": {
                "first_name": employee["first_name"], "last_name": employee["last_name"],
                "ssn_last4": row["ssn_last4"], "occupation": employee.get("occupation"),
                "phone": employee.get("phone"),
                "average_weekly_wage": employee.get("average_weekly_wage"),
            },
            "injury": {
                "occurred_at": injury["occurred_at"], "description": injury["description"],
                "body_parts": injury.get("body_parts") or [], "severity": injury["severity"],
                "reported_to_employer_on": injury.get("reported_to_employer_on"),
                "hospital_admission": injury.get("hospital_admission"),
            },
            "catastrophic": row["catastrophic"],
            "flags": [f["code"] for f in json.loads(row["flags"])],
            "probable_duplicate_of": row["probable_duplicate_of"],
            "publication": publication,
            "caller_phone": (details.get("caller") or {}).get("phone"),
        },
    }
    return event_id, json.dumps(document, separators=(",", ":")).encode()


def report_priority(row: dict[str, Any]) -> int:
    return publication_priority(bool(row["catastrophic"]))


def row_of(report: InjuryReport) -> dict[str, Any]:
    return report.model_dump()


def report_out(report: InjuryReport, sealer: ReportSealer, *, show_pii: bool) -> dict[str, Any]:
    """The report as the contract shows it; SSN and birth date masked without `pii:read`."""
    details = sealer.open(report.sealed)
    if not show_pii:
        employee = details.get("employee", {})
        employee["ssn"] = mask_ssn(employee.get("ssn"))
        employee["date_of_birth"] = mask_date_of_birth(employee.get("date_of_birth"))
    return {
        "report_id": report.id,
        "confirmation_number": report.confirmation_number,
        "status": report.status,
        "received_at": report.received_at.isoformat(),
        "catastrophic": report.catastrophic,
        "claim_number": report.claim_number,
        "flags": json.loads(report.flags),
        "probable_duplicate_of": report.probable_duplicate_of,
        "submitted_by": report.submitted_by,
        "publications": report.publications,
        **details,
    }
