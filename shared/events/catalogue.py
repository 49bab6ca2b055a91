"""The event catalogue: one typed model per event type (`data` of the CloudEvent).

Topic name = event type; dead letters go to `<topic>.dlq`. JSON Schemas of these models are
committed under `shared/events/json_schemas/` (`claimline schemas --write`), and a test fails
when a model and its schema disagree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Money = Annotated[str, StringConstraints(pattern=r"^-?\d+\.\d{2}$")]
Fein = Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{7}$")]
Severity = Literal["first_aid", "medical_only", "lost_time", "catastrophic", "fatal"]
Classification = Literal[
    "medical_only", "temporary_total", "temporary_partial", "permanent_partial_scheduled",
    "permanent_partial_non_scheduled", "permanent_total", "death",
]
ClaimStatus = Literal["open", "accepted", "accepted_without_prejudice", "contested", "closed", "reopened"]


class EventData(BaseModel):
    model_config = ConfigDict(extra="forbid")


# intake ---------------------------------------------------------------------------------

class ReportedEmployer(EventData):
    fein: Fein
    name: str
    location: str | None = None


class ReportedEmployee(EventData):
    """Who was hurt. No SSN or birth date travels on the bus: intake keeps them encrypted."""

    first_name: str
    last_name: str
    ssn_last4: str | None = None
    occupation: str | None = None
    phone: str | None = None
    average_weekly_wage: Money | None = None


class ReportedInjury(EventData):
    occurred_at: datetime
    description: str
    body_parts: list[str] = []
    severity: Severity
    reported_to_employer_on: date | None = None
    hospital_admission: bool | None = None


class InjuryReported(EventData):
    report_id: str
    confirmation_number: str
    received_at: datetime
    channel: Literal["ivr", "carrier", "web", "employer"]
    employer: ReportedEmployer
    employee: ReportedEmployee
    injury: ReportedInjury
    catastrophic: bool
    flags: list[str] = []
    probable_duplicate_of: str | None = None
    publication: int = Field(default=1, description="1 on first publication; higher on re-publication")
    caller_phone: str | None = Field(default=None, description="who to call back (the caller, E.164)")


# claims ---------------------------------------------------------------------------------

class ClaimOpened(EventData):
    claim_number: str
    report_id: str
    employer_fein: Fein
    date_of_injury: date
    status: ClaimStatus
    classification: Classification
    catastrophic: bool
    adjuster: str | None = None
    opened_at: datetime


class ClaimChanged(EventData):
    claim_number: str
    employer_fein: Fein
    change: str
    status: ClaimStatus
    classification: Classification
    changed_at: datetime
    changed_by: str
    details: dict[str, str] = {}


class PaymentIssued(EventData):
    payment_id: str
    claim_number: str
    employer_fein: Fein
    kind: Literal["medical", "indemnity", "expense"]
    amount: Money
    paid_on: date
    date_of_injury: date
    reversal_of: str | None = None


class ClaimDeadlineDue(EventData):
    claim_number: str
    employer_fein: Fein
    kind: str
    due_on: date
    basis: str
    state: Literal["approaching", "missed"]


# certification --------------------------------------------------------------------------

class CoverageChanged(EventData):
    employer_fein: Fein
    coverage: Literal["self_insured", "insured", "none_on_file"]
    certificate_id: str | None = None
    effective_from: date
    effective_to: date | None = None


class CertificationDeadlineDue(EventData):
    employer_fein: Fein
    kind: str
    due_on: date
    basis: str


class CertificationDecisionMade(EventData):
    application_id: str
    employer_fein: Fein
    decision: Literal["approve", "deny"]
    decided_on: date
    reason: str | None = None


# assessment -----------------------------------------------------------------------------

class AssessmentIssued(EventData):
    assessment_id: str
    employer_fein: Fein
    kind: Literal["administrative", "second_injury_fund"]
    amount: Money
    due_on: date


class AssessmentOverdue(EventData):
    assessment_id: str
    employer_fein: Fein
    balance: Money
    as_of: date


# notify ---------------------------------------------------------------------------------

class DeliveryFailed(EventData):
    notification_id: str
    recipient: str
    channel: Literal["email", "sms", "webhook"]
    event_id: str
    error: str
    attempts: int


CATALOGUE: dict[str, type[EventData]] = {
    "intake.injury-reported": InjuryReported,
    "claims.claim-opened": ClaimOpened,
    "claims.claim-changed": ClaimChanged,
    "claims.payment-issued": PaymentIssued,
    "claims.deadline-due": ClaimDeadlineDue,
    "certification.coverage-changed": CoverageChanged,
    "certification.deadline-due": CertificationDeadlineDue,
    "certification.decision-made": CertificationDecisionMade,
    "assessment.issued": AssessmentIssued,
    "assessment.overdue": AssessmentOverdue,
    "notify.delivery-failed": DeliveryFailed,
}

EPOCH_TOPIC = "claimline.broker-epoch"


def topic_of(event_type: str) -> str:
    if event_type not in CATALOGUE:
        raise KeyError(f"unknown event type {event_type!r}")
    return event_type


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


def all_topics() -> list[str]:
    """Every topic the services use: the catalogue, its dead-letter topics and the epoch marker."""
    topics = list(CATALOGUE)
    return topics + [dead_letter_topic(t) for t in topics]


def parse_data(event_type: str, data: dict[str, object]) -> EventData:
    return CATALOGUE[event_type].model_validate(data)
