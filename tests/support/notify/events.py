"""Events as notify receives them, for tests that apply them without intake or claims."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from shared.events.catalogue import (
    ClaimOpened,
    InjuryReported,
    ReportedEmployee,
    ReportedEmployer,
    ReportedInjury,
)
from shared.events.envelope import CloudEvent, new_event

OCCURRED = datetime(2026, 11, 22, 7, 40, tzinfo=UTC)  # 02:40 in Connecticut


def injury_report(*, severity: str = "catastrophic", catastrophic: bool = True,
                  fein: str = "06-1234567", report_id: str | None = None, publication: int = 1,
                  phone: str | None = "+18605550100", location: str | None = "Wallingford, CT",
                  hospital_admission: bool | None = None) -> InjuryReported:
    return InjuryReported(
        report_id=report_id or str(uuid.uuid4()), confirmation_number="CL-7K3F-92QD",
        received_at=OCCURRED + timedelta(minutes=1), channel="ivr",
        employer=ReportedEmployer(fein=fein, name="Shoreline Health", location=location),
        employee=ReportedEmployee(first_name="Ana", last_name="Diaz", ssn_last4="6789",
                                  occupation="RN", phone=phone, average_weekly_wage="1250.00"),
        injury=ReportedInjury(occurred_at=OCCURRED, description="Fell from a ladder, head injury",
                              body_parts=["head"], severity=severity,  # type: ignore[arg-type]
                              hospital_admission=hospital_admission),
        catastrophic=catastrophic, publication=publication,
    )


def injury_reported(**kwargs: object) -> CloudEvent:
    report = injury_report(**kwargs)  # type: ignore[arg-type]
    return new_event(source="claimline/intake", type="intake.injury-reported",
                     subject=report.report_id, data=report)


def claim_opened(fein: str = "06-1234567") -> CloudEvent:
    return new_event(source="claimline/claims", type="claims.claim-opened", subject="WC-2026-000001",
                     data=ClaimOpened(claim_number="WC-2026-000001", report_id=str(uuid.uuid4()),
                                      employer_fein=fein, date_of_injury=date(2026, 11, 22),
                                      status="open", classification="temporary_total",
                                      catastrophic=False, opened_at=OCCURRED))
