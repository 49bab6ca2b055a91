"""The body of `POST /v1/injury-reports` and of its batch, validated so that one 422 names
every bad field at once (the IVR re-prompts for exactly those fields).

Pydantic v2, no FastAPI: `loc`s here start at the body's top (`["injury", "occurred_at"]`);
FastAPI puts `"body"` in front, and `validate_report` does the same for batch items
(`["body", "reports", 3, "injury", "occurred_at"]`).

Choices:

- Unknown fields are ignored, at every level: integrators may send more than we read.
- Strings are stripped. A required string that is empty after stripping is an error; an
  optional one that is empty or blank counts as absent (None).
- Text never holds control characters (NUL, escape, ...); free text may hold tabs and line
  breaks, names nothing of the kind. Unpaired surrogates are refused by pydantic itself.
- Dates are `YYYY-MM-DD` and instants ISO 8601 with an offset, as text; numbers (Unix times)
  and naive date-times are rejected.
- `channel` and `severity` accept any letter case (`IVR` -> `ivr`).
- "Now" for "not in the future" is, in this order: the validation context's `now`
  (`model_validate(body, context={"now": ...})`), then `frozen_clock(...)`, then the UTC clock.
  `occurred_at` may be up to `CLOCK_SKEW` (5 minutes) ahead of now (callers' clocks drift).
  A calendar date is "in the future" only once it has begun nowhere on Earth (later than
  today at UTC+14), so a caller's own "today" is never refused.
- Cross-field checks are reported on the field a caller would correct, and run even when other
  fields are bad; a check is skipped when one of its fields already has its own error:
  `injury.occurred_at` before `employee.date_of_birth` -> on `injury.occurred_at`;
  an age outside 14..99 on the injury date -> on `employee.date_of_birth`;
  `injury.reported_to_employer_on` or `injury.date_of_death` before the injury date -> on
  that field.
- Age 14 to 99: the federal minimum age for most non-agricultural work is 14 (FLSA, 29 CFR
  570.2), and Connecticut's child-labour rules (CGS 31-23) do not go lower; an age of 100 or
  more at the injury is taken as a mistyped year. The birth date is optional, so a genuine
  exception can still be reported without it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType

from services.intake import identity
from services.intake.duplicates import duplicate_fingerprint
from services.intake.triage import Flag, Severity, is_catastrophic, jurisdiction_flags, notice_flags

CLOCK_SKEW = timedelta(minutes=5)
MINIMUM_AGE = 14
AGE_LIMIT = 100
MAX_BATCH_REPORTS = 500
_LATEST_OFFSET = timedelta(hours=14)  # UTC+14 (Kiribati): where a calendar day begins first

Loc = tuple[str | int, ...]

# --- the clock ----------------------------------------------------------------------------

_frozen_now: ContextVar[datetime | None] = ContextVar("intake_frozen_now", default=None)


def current_time(context: object = None) -> datetime:
    """The instant "now" for future checks: context `now`, else `frozen_clock`, else UTC now."""
    if isinstance(context, Mapping):
        now = context.get("now")
        if isinstance(now, datetime):
            return now
    frozen = _frozen_now.get()
    return frozen if frozen is not None else datetime.now(UTC)


@contextmanager
def frozen_clock(now: datetime) -> Iterator[None]:
    """Validate as if it were `now` (an aware datetime) inside the `with` block."""
    if now.tzinfo is None:
        raise ValueError("frozen_clock needs an aware datetime")
    token = _frozen_now.set(now)
    try:
        yield
    finally:
        _frozen_now.reset(token)


def _latest_today(info: ValidationInfo) -> date:
    return (current_time(info.context).astimezone(UTC) + _LATEST_OFFSET).date()


# --- field types --------------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _iso_date_input(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()
    raise PydanticCustomError("date_format", "Input should be a date written YYYY-MM-DD")


def _instant_input(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return value.strip()
    raise PydanticCustomError(
        "datetime_format",
        "Input should be an ISO 8601 date and time with offset, e.g. 2026-11-22T02:40:00-05:00",
    )


def _not_future_date(value: date, info: ValidationInfo) -> date:
    if value > _latest_today(info):
        raise PydanticCustomError("date_in_future", "Date cannot be in the future")
    return value


def _not_future_instant(value: datetime, info: ValidationInfo) -> datetime:
    if value > current_time(info.context) + CLOCK_SKEW:
        raise PydanticCustomError("datetime_in_future", "Date and time cannot be in the future")
    return value


def _identifier(normalise: Callable[[str], str]) -> Callable[[str], str]:
    def validate(value: str) -> str:
        try:
            return normalise(value)
        except identity.InvalidIdentifier as error:
            raise PydanticCustomError(error.code, error.message) from None

    return validate


def _person_name(value: str) -> str:
    if any(unicodedata.category(character) in {"Cc", "Cf"} for character in value):
        raise PydanticCustomError("name_characters", "Name cannot contain control characters")
    if not any(character.isalpha() for character in value):
        raise PydanticCustomError("name_characters", "Name must contain a letter")
    return value


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _no_control_characters(value: str) -> str:
    """Free text may hold line breaks and tabs, never NUL or other control characters: every
    system downstream (PostgreSQL text, the claims file, a printed form) must take it."""
    if _CONTROL_CHARACTERS.search(value):
        raise PydanticCustomError("text_characters", "Text cannot contain control characters")
    return value


def _lower_case(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _not_a_bool(value: object) -> object:
    if isinstance(value, bool):
        raise PydanticCustomError("money_type", "Money must be a number or a decimal string")
    return value


def _two_places(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01")) + Decimal("0.00")  # also turns -0 into 0.00


# USPS codes of the states, DC and the territories.
US_STATE_CODES: frozenset[str] = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI".split()
)


def _state_code(value: str) -> str:
    code = value.upper()
    if code not in US_STATE_CODES:
        raise PydanticCustomError(
            "state_code", "Input should be a two-letter US state code, e.g. CT"
        )
    return code


def _text(max_length: int) -> Any:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


IsoDate = Annotated[date, BeforeValidator(_iso_date_input)]
Instant = Annotated[AwareDatetime, BeforeValidator(_instant_input)]
PastDate = Annotated[IsoDate, AfterValidator(_not_future_date)]
PastInstant = Annotated[Instant, AfterValidator(_not_future_instant)]
PersonName = Annotated[str, _text(100), AfterValidator(_person_name)]
Fein = Annotated[str, _text(20), AfterValidator(_identifier(identity.normalise_fein))]
Ssn = Annotated[str, _text(20), AfterValidator(_identifier(identity.normalise_ssn))]
Phone = Annotated[str, _text(40), AfterValidator(_identifier(identity.normalise_phone))]
StateCode = Annotated[str, _text(40), AfterValidator(_state_code)]
Money = Annotated[
    Decimal,
    BeforeValidator(_not_a_bool),
    Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False),
    AfterValidator(_two_places),
]
_Printable = AfterValidator(_no_control_characters)
BodyPart = Annotated[str, _text(100), _Printable]
ShortText = Annotated[str, _text(100), _Printable]
LongText = Annotated[str, _text(200), _Printable]
Description = Annotated[str, _text(4000), _Printable]

# Optional fields: None when absent, null or blank.
_BlankIsNone = BeforeValidator(_blank_to_none)
OptionalPastDate = Annotated[PastDate | None, _BlankIsNone]
OptionalSsn = Annotated[Ssn | None, _BlankIsNone]
OptionalPhone = Annotated[Phone | None, _BlankIsNone]
OptionalStateCode = Annotated[StateCode | None, _BlankIsNone]
OptionalMoney = Annotated[Money | None, _BlankIsNone]
OptionalPersonName = Annotated[PersonName | None, _BlankIsNone]
OptionalShortText = Annotated[ShortText | None, _BlankIsNone]
OptionalLongText = Annotated[LongText | None, _BlankIsNone]


class Channel(StrEnum):
    IVR = "ivr"
    CARRIER = "carrier"
    WEB = "web"
    EMPLOYER = "employer"


# --- collecting every error, cross-field ones included --------------------------------------

_PYDANTIC_ERROR_TYPES = frozenset(get_args(ErrorType))


def _line_error(error: Mapping[str, Any]) -> InitErrorDetails:
    """An error of `ValidationError.errors()` as input for `ValidationError.from_exception_data`."""
    kind = error["type"]
    details: InitErrorDetails = {
        "type": kind if kind in _PYDANTIC_ERROR_TYPES else PydanticCustomError(kind, error["msg"]),
        "loc": tuple(error["loc"]),
        "input": error["input"],
    }
    if "ctx" in error and kind in _PYDANTIC_ERROR_TYPES:
        details["ctx"] = error["ctx"]
    return details


def _cross_error(loc: Loc, kind: str, message: str, value: object) -> InitErrorDetails:
    return {"type": PydanticCustomError(kind, message), "loc": loc, "input": value}


def _peek(data: object, loc: Loc, adapter: TypeAdapter[Any]) -> Any:
    """The value at `loc` in raw input, parsed by `adapter`; None if absent or unparseable."""
    for key in loc:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    try:
        return adapter.validate_python(data)
    except ValidationError:
        return None


_DATE = TypeAdapter(IsoDate)
_INSTANT = TypeAdapter(Instant)


class _IntakeModel(BaseModel):
    """Base of the request models: strips strings, ignores unknown fields, and reports the
    errors of `_cross_field_errors` together with every field error."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    @classmethod
    def _cross_field_errors(
        cls, data: Mapping[str, Any], field_error_locs: set[Loc]
    ) -> Iterator[InitErrorDetails]:
        return iter(())

    def _cross_fields_hold(self) -> bool:
        """Whether the cross-field checks pass, judged on the validated model: the fast path of
        a good report (`_cross_field_errors` names the errors when they do not)."""
        return True

    @model_validator(mode="wrap")
    @classmethod
    def _collect_all_errors(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if isinstance(data, cls) or not isinstance(data, Mapping):
            return handler(data)
        field_errors: list[Any] = []
        model = None
        try:
            model = handler(data)
        except ValidationError as error:
            field_errors = error.errors()
        if model is not None and model._cross_fields_hold():
            return model
        field_error_locs = {tuple(error["loc"]) for error in field_errors}
        cross_errors = list(cls._cross_field_errors(data, field_error_locs))
        if field_errors or cross_errors:
            raise ValidationError.from_exception_data(
                cls.__name__, [*map(_line_error, field_errors), *cross_errors]
            )
        return model


def _has_error(field_error_locs: set[Loc], *locs: Loc) -> bool:
    """Whether any of `locs`, or anything containing it, already has its own error."""
    return any(error_loc == loc[: len(error_loc)] for error_loc in field_error_locs for loc in locs)


def _not_before_injury(
    data: Mapping[str, Any], field_error_locs: set[Loc], field: str, kind: str, what: str
) -> Iterator[InitErrorDetails]:
    if _has_error(field_error_locs, ("occurred_at",), (field,)):
        return
    occurred_at = _peek(data, ("occurred_at",), _INSTANT)
    day = _peek(data, (field,), _DATE)
    if occurred_at is not None and day is not None and day < occurred_at.date():
        yield _cross_error((field,), kind, f"{what} cannot be before the injury date", data[field])


# --- the request models ---------------------------------------------------------------------


class EmployerIn(_IntakeModel):
    fein: Fein = Field(description="NN-NNNNNNN (9 digits without the dash are accepted)")
    name: LongText
    location: OptionalLongText = None


class EmployeeIn(_IntakeModel):
    first_name: PersonName
    last_name: PersonName
    date_of_birth: OptionalPastDate = None
    ssn: OptionalSsn = Field(
        default=None, description="NNN-NN-NNNN (9 digits without dashes are accepted)"
    )
    phone: OptionalPhone = Field(default=None, description="normalised to E.164")
    occupation: OptionalShortText = None
    average_weekly_wage: OptionalMoney = Field(
        default=None, description='money: a JSON number or a string, e.g. "1250.00"'
    )
    residence_state: OptionalStateCode = Field(
        default=None, description="USPS code of the state the employee lives in"
    )
    works_primarily_in_connecticut: bool | None = Field(
        default=None,
        description="at least 50% of working time at the employer's Connecticut facility, or "
        "an employment contract performed mainly in Connecticut (CGS 31-275)",
    )


class InjuryIn(_IntakeModel):
    occurred_at: PastInstant = Field(
        description="ISO 8601 with offset; not in the future",
        examples=["2026-11-22T02:40:00-05:00"],
    )
    description: Description
    body_parts: Annotated[
        list[BodyPart], BeforeValidator(lambda value: [] if value is None else value)
    ] = Field(default_factory=list, max_length=20)
    severity: Annotated[Severity, BeforeValidator(_lower_case)]
    reported_to_employer_on: OptionalPastDate = None
    hospital_admission: bool | None = None
    occupational_disease: bool | None = None
    first_symptom_on: OptionalPastDate = Field(
        default=None, description="occupational disease: first manifestation of a symptom"
    )
    date_of_death: OptionalPastDate = None
    location: OptionalLongText = Field(default=None, description="where the injury happened")

    @property
    def occurred_on(self) -> date:
        """The date of injury: the calendar date in the offset it was reported with."""
        return self.occurred_at.date()

    def _cross_fields_hold(self) -> bool:
        day = self.occurred_at.date()
        return all(later is None or later >= day
                   for later in (self.reported_to_employer_on, self.date_of_death))

    @classmethod
    def _cross_field_errors(
        cls, data: Mapping[str, Any], field_error_locs: set[Loc]
    ) -> Iterator[InitErrorDetails]:
        yield from _not_before_injury(
            data,
            field_error_locs,
            "reported_to_employer_on",
            "reported_before_injury",
            "Date reported to the employer",
        )
        yield from _not_before_injury(
            data, field_error_locs, "date_of_death", "death_before_injury", "Date of death"
        )


class CallerIn(_IntakeModel):
    name: OptionalPersonName = None
    phone: OptionalPhone = None
    role: OptionalShortText = Field(
        default=None, description="e.g. employee, employer, supervisor, family, carrier"
    )


CONTRACT_EXAMPLE: dict[str, Any] = {
    "channel": "ivr",
    "employer": {"fein": "06-1234567", "name": "Shoreline Health", "location": "Wallingford, CT"},
    "employee": {
        "first_name": "Ana",
        "last_name": "Diaz",
        "date_of_birth": "1980-04-02",
        "ssn": "123-45-6789",
        "phone": "+18605550100",
        "occupation": "RN",
        "average_weekly_wage": "1250.00",
    },
    "injury": {
        "occurred_at": "2026-11-22T02:40:00-05:00",
        "description": "Lifted patient, sharp pain in lower back",
        "body_parts": ["lower back"],
        "severity": "lost_time",
        "reported_to_employer_on": "2026-11-22",
    },
    "caller": {"name": "Ana Diaz", "phone": "+18605550100", "role": "employee"},
}


class InjuryReportIn(_IntakeModel):
    """The body of `POST /v1/injury-reports`."""

    model_config = ConfigDict(json_schema_extra={"examples": [CONTRACT_EXAMPLE]})

    channel: Annotated[Channel, BeforeValidator(_lower_case)]
    employer: EmployerIn
    employee: EmployeeIn
    injury: InjuryIn
    caller: CallerIn | None = None

    @classmethod
    def _cross_field_errors(
        cls, data: Mapping[str, Any], field_error_locs: set[Loc]
    ) -> Iterator[InitErrorDetails]:
        occurred_loc: Loc = ("injury", "occurred_at")
        birth_loc: Loc = ("employee", "date_of_birth")
        if _has_error(field_error_locs, occurred_loc, birth_loc):
            return
        occurred_at = _peek(data, occurred_loc, _INSTANT)
        born_on = _peek(data, birth_loc, _DATE)
        if occurred_at is None or born_on is None:
            return
        if occurred_at.date() < born_on:
            yield _cross_error(
                occurred_loc,
                "occurred_before_birth",
                "Injury date cannot be before the employee's date of birth",
                data["injury"]["occurred_at"],
            )
            return
        age = identity.age_on(born_on, occurred_at.date())
        if not MINIMUM_AGE <= age < AGE_LIMIT:
            yield _cross_error(
                birth_loc,
                "age_out_of_range",
                f"Employee would be {age} on the injury date; expected {MINIMUM_AGE} to "
                f"{AGE_LIMIT - 1}",
                data["employee"]["date_of_birth"],
            )

    def _cross_fields_hold(self) -> bool:
        born = self.employee.date_of_birth
        if born is None:
            return True
        day = self.injury.occurred_at.date()
        return day >= born and MINIMUM_AGE <= identity.age_on(born, day) < AGE_LIMIT

    @property
    def catastrophic(self) -> bool:
        return is_catastrophic(self.injury.severity, self.injury.hospital_admission)

    def duplicate_fingerprint(self) -> str:
        return duplicate_fingerprint(
            employer_fein=self.employer.fein,
            last_name=self.employee.last_name,
            first_name=self.employee.first_name,
            date_of_injury=self.injury.occurred_on,
            date_of_birth=self.employee.date_of_birth,
            ssn=self.employee.ssn,
        )

    def flags(self, received_on: date) -> list[Flag]:
        """Late notice (CGS 31-294c(a)) and jurisdiction review (CGS 31-275) flags."""
        return [
            *notice_flags(
                self.injury.occurred_on,
                received_on,
                self.injury.occupational_disease,
                self.injury.first_symptom_on,
                self.injury.date_of_death,
            ),
            *jurisdiction_flags(
                self.employee.residence_state, self.employee.works_primarily_in_connecticut
            ),
        ]


class InjuryReportBatch(BaseModel):
    """The body of `POST /v1/injury-reports/batch`: 1 to 500 reports, each kept raw here.

    Every item is validated on its own with `validate_report`, so a bad report (even one that
    is not a JSON object) gets its own 422-shaped result and never sinks the good ones.
    """

    model_config = ConfigDict(extra="ignore")

    reports: list[Any] = Field(
        min_length=1,
        max_length=MAX_BATCH_REPORTS,
        description="injury reports, each shaped like the body of POST /v1/injury-reports",
    )


def error_details(
    error: ValidationError, prefix: Sequence[str | int] = ("body",)
) -> list[dict[str, Any]]:
    """FastAPI-shaped `{"loc", "msg", "type"}` dicts; the input is left out (it may be an SSN)."""
    return [
        {"loc": [*prefix, *item["loc"]], "msg": item["msg"], "type": item["type"]}
        for item in error.errors(include_url=False, include_context=False, include_input=False)
    ]


def validate_report(
    raw: object, index: int | None = None, *, context: Mapping[str, Any] | None = None
) -> InjuryReportIn | list[dict[str, Any]]:
    """The validated report, or its errors with `loc`s from `["body", "reports", index, ...]`
    (from `["body", ...]` when no index is given)."""
    prefix: tuple[str | int, ...] = ("body",) if index is None else ("body", "reports", index)
    try:
        return InjuryReportIn.model_validate(raw, context=context)
    except ValidationError as error:
        return error_details(error, prefix)
