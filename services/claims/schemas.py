"""Request bodies of the claims API. Every one is a pydantic model, so a bad body is a 422
in FastAPI's shape naming each bad field at once.

- Money: a JSON number or a string, at most two decimal places (never rounded silently),
  finite, and not negative; a payment must also be more than zero.
- Dates: text `YYYY-MM-DD` only (no Unix times). Dates that say when something was done may
  not be in the future on Connecticut's calendar; the route checks that (it knows "today").
- Unknown fields are ignored, as intake does: integrators may send more than we read.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from services.claims.assignment import SPECIALTIES
from services.claims.claim_numbers import is_claim_number
from services.claims.lifecycle import Classification
from services.claims.scheduled_injuries import SCHEDULE

MAX_MONEY = Decimal("9999999999.99")  # NUMERIC(12, 2)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _money_input(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise PydanticCustomError("decimal_type", "Input should be an amount: a number or a string")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise PydanticCustomError("decimal_parsing", "Input should be an amount such as 1250.00") from None
    if not amount.is_finite():
        raise PydanticCustomError("finite_number", "Input should be a finite amount")
    if amount < 0:
        raise PydanticCustomError("greater_than_equal", "Input should not be negative")
    if amount > MAX_MONEY:
        raise PydanticCustomError("less_than_equal", "Input should be at most 9999999999.99")
    cents = amount.quantize(Decimal("0.01"))
    if cents != amount:
        raise PydanticCustomError("decimal_max_places", "Input should have at most 2 decimal places")
    return cents


def _iso_date_input(value: object) -> object:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()
    raise PydanticCustomError("date_format", "Input should be a date written YYYY-MM-DD")


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _claim_number_input(value: object) -> object:
    value = _blank_to_none(value)
    if value is None:
        return None
    if not isinstance(value, str) or not is_claim_number(value.strip().upper()):
        raise PydanticCustomError("claim_number", "Input should be a claim number such as WC-2026-000001")
    return value.strip().upper()


Money = Annotated[Decimal, BeforeValidator(_money_input)]
Day = Annotated[date, BeforeValidator(_iso_date_input)]
Text = Annotated[Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None,
                 BeforeValidator(_blank_to_none)]
ShortText = Annotated[Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None,
                      BeforeValidator(_blank_to_none)]
RequiredText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ClassificationName = Literal[
    "medical_only", "temporary_total", "temporary_partial", "permanent_partial_scheduled",
    "permanent_partial_non_scheduled", "permanent_total", "death",
]
assert set(ClassificationName.__args__) == {c.value for c in Classification}  # type: ignore[attr-defined]
Member = Literal[tuple(entry.member for entry in SCHEDULE)]  # type: ignore[valid-type]
Specialty = Literal[SPECIALTIES]  # type: ignore[valid-type]
Username = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{1,99}$")]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- money --------------------------------------------------------------------------------

class PaymentIn(Body):
    kind: Literal["indemnity", "medical", "expense"]
    amount: Money
    paid_on: Day
    period_start: Day | None = None
    period_end: Day | None = None
    payee: ShortText = None
    memo: Text = None

    @model_validator(mode="after")
    def _checks(self) -> PaymentIn:
        errors = []
        if self.amount == 0:
            errors.append(("amount", "a payment is more than 0.00; a reversal undoes one"))
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors.append(("period_end", "period_end is before period_start"))
        _raise(errors)
        return self


class ReversalIn(Body):
    reason: RequiredText
    reversed_on: Day | None = None


class ReservesIn(Body):
    medical: Money
    indemnity: Money
    expense: Money
    reason: Text = None


# --- lifecycle ----------------------------------------------------------------------------

class ClassificationIn(Body):
    classification: ClassificationName
    effective_on: Day


class DecisionIn(Body):
    decision: Literal["accept", "accept_without_prejudice", "contest"]
    reason: Text = None
    decided_on: Day | None = None

    @model_validator(mode="after")
    def _contest_has_reasons(self) -> DecisionIn:
        if self.decision == "contest" and not self.reason:
            _raise([("reason", "a contest (Form 43) states the specific grounds on which "
                               "compensation is contested (CGS 31-294c(b))")])
        return self


class CloseIn(Body):
    """`duplicate_of` (or `reason: "duplicate"` on a probable duplicate): closed as a
    duplicate of that claim, which takes it out of KPI denominators and loss-run counts."""

    reason: Text = None
    closed_on: Day | None = None
    duplicate_of: Annotated[str | None, BeforeValidator(_claim_number_input)] = None

    @property
    def closing_as_duplicate(self) -> bool:
        return self.duplicate_of is not None or (self.reason or "").strip().lower() == "duplicate"


class NotDuplicateIn(Body):
    reason: Text = None


class ReopenIn(Body):
    reason: Text = None
    reopened_on: Day | None = None


class Form36In(Body):
    kind: Literal["discontinuance", "reduction"] = "discontinuance"
    reason: RequiredText
    filed_on: Day


class Form36ObjectionIn(Body):
    objected_on: Day


# --- benefits -----------------------------------------------------------------------------

class WeeklyWageIn(Body):
    week_ending: Day
    amount: Money
    first_week_partial: bool = False


class WageIn(Body):
    """Where the average weekly wage comes from (CGS 31-310), exactly one of:
    `average_weekly_wage` as stated; `weekly_wages` of the 52 weeks before the week of
    injury, from which it is computed; or, for an employee who worked under two weeks,
    `agreed_hourly_rate` times `regular_weekly_hours` (also the fallback when the weekly
    wages show under two weeks worked). The after-tax figure is needed for the rate
    (CGS 31-307); `after_tax_post_injury_wage` only on a temporary partial claim
    (CGS 31-308(a))."""

    average_weekly_wage: Money | None = None
    weekly_wages: Annotated[list[WeeklyWageIn], Field(max_length=60)] | None = None
    after_tax_average_weekly_wage: Money | None = None
    after_tax_post_injury_wage: Money | None = None
    agreed_hourly_rate: Money | None = None
    regular_weekly_hours: Annotated[Decimal, Field(gt=0, le=168, decimal_places=2)] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> WageIn:
        agreed = self.agreed_hourly_rate is not None or self.regular_weekly_hours is not None
        errors = []
        if self.average_weekly_wage is None and self.weekly_wages is None and not agreed:
            _raise([("average_weekly_wage",
                     "missing: give average_weekly_wage (with after_tax_average_weekly_wage), or "
                     "weekly_wages for the 52 weeks before the week of injury, or "
                     "agreed_hourly_rate and regular_weekly_hours for an employee who worked "
                     "under two weeks (CGS 31-310)")])
        if self.average_weekly_wage is not None and self.weekly_wages is not None:
            errors.append(("average_weekly_wage",
                           "give either average_weekly_wage or weekly_wages (CGS 31-310), not both"))
        if self.average_weekly_wage is not None and agreed:
            errors.append(("agreed_hourly_rate",
                           "agreed_hourly_rate and regular_weekly_hours compute the wage (CGS "
                           "31-310); leave them out when average_weekly_wage is given"))
        elif agreed and self.agreed_hourly_rate is None:
            errors.append(("agreed_hourly_rate", "missing: regular_weekly_hours is multiplied by "
                                                 "the agreed hourly rate (CGS 31-310)"))
        elif agreed and self.regular_weekly_hours is None:
            errors.append(("regular_weekly_hours", "missing: the agreed hourly rate is multiplied "
                                                   "by the regular weekly hours (CGS 31-310)"))
        elif self.agreed_hourly_rate == 0:
            errors.append(("agreed_hourly_rate", "the agreed hourly rate is more than 0.00"))
        if (self.average_weekly_wage is not None and self.after_tax_average_weekly_wage is None
                and self.weekly_wages is None):
            errors.append(("after_tax_average_weekly_wage",
                           "the rate is 75% of the after-tax average weekly wage (CGS 31-307)"))
        if (self.average_weekly_wage is not None and self.after_tax_average_weekly_wage is not None
                and self.after_tax_average_weekly_wage > self.average_weekly_wage):
            errors.append(("after_tax_average_weekly_wage",
                           "the after-tax wage is more than the average weekly wage"))
        _raise(errors)
        return self


class IncapacityIn(Body):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    starts_on: Day = Field(alias="from")
    ends_on: Day = Field(alias="to")

    @model_validator(mode="after")
    def _order(self) -> IncapacityIn:
        if self.ends_on < self.starts_on:
            _raise([("to", "incapacity ends before it starts")])
        return self


class MmiIn(Body):
    mmi_on: Day
    member: Member | None = None  # type: ignore[valid-type]
    percent_impairment: Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)] | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> MmiIn:
        if (self.member is None) != (self.percent_impairment is None):
            _raise([("percent_impairment" if self.member else "member",
                     "a scheduled permanent partial award needs both member and "
                     "percent_impairment (CGS 31-308(b))")])
        return self


class AwardIn(Body):
    kind: Literal["voluntary_agreement", "award"]
    approved_on: Day


class ContactIn(Body):
    party: Literal["worker", "employer", "doctor"]
    contacted_on: Day | None = None
    method: Annotated[str | None, StringConstraints(max_length=40)] = None
    note: Text = None


class FirstReportIn(Body):
    filed_on: Day


class FlagsIn(Body):
    heart_hypertension: bool
    hired_on: Day | None = None
    reason: Text = None


# --- roster -------------------------------------------------------------------------------

class AdjusterIn(Body):
    username: Username
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: Literal["adjuster", "nurse_case_manager"] = "adjuster"
    specialties: Annotated[list[Specialty], Field(max_length=len(SPECIALTIES))] = []
    lost_time_cap: Annotated[int, Field(ge=0, le=10_000)] | None = None
    medical_only_cap: Annotated[int, Field(ge=0, le=10_000)] | None = None
    license_number: Annotated[Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
                              | None, BeforeValidator(_blank_to_none)] = None
    license_expires_on: Day | None = None
    active: bool = True

    @model_validator(mode="after")
    def _adjusters_are_licensed(self) -> AdjusterIn:
        if self.role == "adjuster" and not self.license_number:
            _raise([("license_number", "an adjuster holds a Connecticut adjuster's licence "
                                       "(CGS 38a-792; certification of claims servicing form)")])
        return self


class AdjusterPatch(Body):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    specialties: Annotated[list[Specialty], Field(max_length=len(SPECIALTIES))] | None = None
    lost_time_cap: Annotated[int, Field(ge=0, le=10_000)] | None = None
    medical_only_cap: Annotated[int, Field(ge=0, le=10_000)] | None = None
    license_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                     max_length=40)] | None = None
    license_expires_on: Day | None = None
    active: bool | None = None


class AssignIn(Body):
    """`adjuster`: a username, or null to let the caseload rules choose."""

    adjuster: Username | None = None
    reason: Text = None
    override_cap: bool = False


class NurseIn(Body):
    """`nurse`: a username, or null for the nurse case manager with most room; over the
    nurse's cap only with `override_cap`."""

    nurse: Username | None = None
    reason: Text = None
    override_cap: bool = False


# --- errors -------------------------------------------------------------------------------

def _raise(errors: list[tuple[str, str]]) -> None:
    """Cross-field errors, each reported on the field a caller would correct."""
    if errors:
        raise ValidationError.from_exception_data("body", [
            InitErrorDetails(type=PydanticCustomError("value_error", message), loc=(field,), input=None)
            for field, message in errors
        ])
