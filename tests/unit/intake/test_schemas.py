import copy
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from services.intake.schemas import (
    CLOCK_SKEW,
    MAX_BATCH_REPORTS,
    InjuryReportBatch,
    InjuryReportIn,
    frozen_clock,
    validate_report,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CONTEXT = {"now": NOW}

# The contract's example body, verbatim.
CONTRACT_BODY = json.loads(
    """
{
  "channel": "ivr",
  "employer": {"fein": "06-1234567", "name": "Shoreline Health", "location": "Wallingford, CT"},
  "employee": {"first_name": "Ana", "last_name": "Diaz", "date_of_birth": "1980-04-02",
               "ssn": "123-45-6789", "phone": "+18605550100", "occupation": "RN",
               "average_weekly_wage": "1250.00"},
  "injury": {"occurred_at": "2026-11-22T02:40:00-05:00",
             "description": "Lifted patient, sharp pain in lower back",
             "body_parts": ["lower back"], "severity": "lost_time",
             "reported_to_employer_on": "2026-11-22"},
  "caller": {"name": "Ana Diaz", "phone": "+18605550100", "role": "employee"}
}
"""
)

MINIMAL_BODY = {
    "channel": "web",
    "employer": {"fein": "06-1234567", "name": "Shoreline Health"},
    "employee": {"first_name": "Ana", "last_name": "Diaz"},
    "injury": {
        "occurred_at": "2026-11-22T02:40:00-05:00",
        "description": "Slipped on ice",
        "severity": "first_aid",
    },
}

DELETE = object()


def body(base=None, **changes):
    """A copy of the contract body with `section__field=value` changes (DELETE removes)."""
    result = copy.deepcopy(CONTRACT_BODY if base is None else base)
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        target = result
        for key in parents:
            target = target[key]
        if value is DELETE:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return result


def errors_of(raw, context=CONTEXT):
    with pytest.raises(ValidationError) as caught:
        InjuryReportIn.model_validate(raw, context=context)
    return caught.value.errors()


def locs_of(raw, context=CONTEXT):
    return {tuple(error["loc"]) for error in errors_of(raw, context)}


def test_the_contract_example_validates():
    report = InjuryReportIn.model_validate(CONTRACT_BODY, context=CONTEXT)
    assert report.channel == "ivr"
    assert report.employer.fein == "06-1234567"
    assert report.employee.date_of_birth == date(1980, 4, 2)
    assert report.employee.ssn == "123-45-6789"
    assert report.employee.average_weekly_wage == Decimal("1250.00")
    assert report.injury.occurred_at == datetime(2026, 11, 22, 7, 40, tzinfo=UTC)
    assert report.injury.occurred_on == date(2026, 11, 22)
    assert report.injury.severity == "lost_time"
    assert report.caller is not None and report.caller.role == "employee"
    assert report.catastrophic is False
    assert report.flags(date(2026, 11, 22)) == []
    dumped = json.loads(report.model_dump_json())
    assert dumped["employee"]["average_weekly_wage"] == "1250.00"
    assert dumped["injury"]["occurred_at"] == "2026-11-22T02:40:00-05:00"


def test_the_contract_example_validates_through_a_type_adapter_from_json():
    adapter = TypeAdapter(InjuryReportIn)
    report = adapter.validate_json(json.dumps(CONTRACT_BODY), context=CONTEXT)
    assert report.employee.phone == "+18605550100"


def test_only_the_required_fields():
    report = InjuryReportIn.model_validate(MINIMAL_BODY, context=CONTEXT)
    assert report.caller is None
    assert report.injury.body_parts == []
    assert report.employee.date_of_birth is None
    assert report.employee.average_weekly_wage is None
    assert report.injury.hospital_admission is None


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"channel": " IVR "}, lambda r: r.channel == "ivr"),
        ({"injury__severity": "CATASTROPHIC"}, lambda r: r.catastrophic),
        ({"injury__severity": "fatal"}, lambda r: r.catastrophic),
        ({"injury__hospital_admission": True}, lambda r: r.catastrophic),
        ({"employer__fein": "061234567"}, lambda r: r.employer.fein == "06-1234567"),
        ({"employee__ssn": "123456789"}, lambda r: r.employee.ssn == "123-45-6789"),
        ({"employee__ssn": ""}, lambda r: r.employee.ssn is None),
        ({"employee__ssn": None}, lambda r: r.employee.ssn is None),
        ({"employee__phone": "(860) 555-0100"}, lambda r: r.employee.phone == "+18605550100"),
        ({"caller__phone": "860-555-0100"}, lambda r: r.caller.phone == "+18605550100"),
        ({"employee__first_name": "  Ana  "}, lambda r: r.employee.first_name == "Ana"),
        ({"employee__last_name": "O'Brien-Núñez"}, lambda r: r.employee.last_name[0] == "O"),
        ({"employee__first_name": "A" * 100}, lambda r: len(r.employee.first_name) == 100),
        ({"employee__occupation": "   "}, lambda r: r.employee.occupation is None),
        ({"employer__location": ""}, lambda r: r.employer.location is None),
        ({"employee__average_weekly_wage": 1250}, lambda r: str(r.employee.average_weekly_wage)
         == "1250.00"),
        ({"employee__average_weekly_wage": 1250.5}, lambda r: str(r.employee.average_weekly_wage)
         == "1250.50"),
        ({"employee__average_weekly_wage": "0"}, lambda r: str(r.employee.average_weekly_wage)
         == "0.00"),
        ({"employee__average_weekly_wage": "-0"}, lambda r: str(r.employee.average_weekly_wage)
         == "0.00"),
        ({"employee__average_weekly_wage": " 812.5 "}, lambda r: str(r.employee.average_weekly_wage)
         == "812.50"),
        ({"employee__residence_state": "ny"}, lambda r: r.employee.residence_state == "NY"),
        ({"employee__date_of_birth": None}, lambda r: r.employee.date_of_birth is None),
        ({"injury__occurred_at": "2026-11-22T07:40:00Z"}, lambda r: r.injury.occurred_at.tzinfo),
        ({"injury__occurred_at": "2026-11-22T07:40:00.123+00:00"},
         lambda r: r.injury.occurred_at.microsecond == 123000),
        ({"injury__body_parts": None}, lambda r: r.injury.body_parts == []),
        ({"injury__body_parts": ["back"] * 20}, lambda r: len(r.injury.body_parts) == 20),
        ({"injury__body_parts": [" left knee "]}, lambda r: r.injury.body_parts == ["left knee"]),
        ({"injury__description": "x" * 4000}, lambda r: len(r.injury.description) == 4000),
        ({"injury__description": "line one\nline two"}, lambda r: "\n" in r.injury.description),
        ({"injury__reported_to_employer_on": "2026-11-23"},  # tomorrow somewhere on Earth
         lambda r: r.injury.reported_to_employer_on == date(2026, 11, 23)),
        ({"injury__occupational_disease": "yes", "injury__first_symptom_on": "2025-01-05"},
         lambda r: r.injury.occupational_disease is True),
        ({"caller": None}, lambda r: r.caller is None),
        ({"caller": {}}, lambda r: r.caller is not None and r.caller.name is None),
        ({"caller__role": "supervisor"}, lambda r: r.caller.role == "supervisor"),
        # unknown fields are ignored, at every level
        ({"priority": "high", "employee__badge": 7, "injury__witness": "Bo"},
         lambda r: "priority" not in r.model_dump()),
    ],
)  # fmt: skip
def test_good_bodies(changes, check):
    assert check(InjuryReportIn.model_validate(body(**changes), context=CONTEXT))


# (changes to the contract body, the exact set of locs, the error type of the first loc)
BAD_BODIES = [
    ({"channel": "fax"}, {("channel",)}, "enum"),
    ({"channel": DELETE}, {("channel",)}, "missing"),
    ({"channel": 1}, {("channel",)}, "enum"),
    ({"employer__fein": "06-123456"}, {("employer", "fein")}, "fein_format"),
    ({"employer__fein": "07-1234567"}, {("employer", "fein")}, "fein_prefix_unassigned"),
    ({"employer__fein": DELETE}, {("employer", "fein")}, "missing"),
    ({"employer__name": " "}, {("employer", "name")}, "string_too_short"),
    ({"employer__name": "x" * 201}, {("employer", "name")}, "string_too_long"),
    ({"employer": DELETE}, {("employer",)}, "missing"),
    ({"employer": "Shoreline"}, {("employer",)}, "model_type"),
    ({"employee__first_name": ""}, {("employee", "first_name")}, "string_too_short"),
    ({"employee__first_name": "   "}, {("employee", "first_name")}, "string_too_short"),
    ({"employee__first_name": None}, {("employee", "first_name")}, "string_type"),
    ({"employee__first_name": "A" * 101}, {("employee", "first_name")}, "string_too_long"),
    ({"employee__first_name": "123"}, {("employee", "first_name")}, "name_characters"),
    ({"employee__first_name": "An\x00a"}, {("employee", "first_name")}, "name_characters"),
    ({"employee__last_name": DELETE}, {("employee", "last_name")}, "missing"),
    ({"employee__date_of_birth": "02/04/1980"}, {("employee", "date_of_birth")}, "date_format"),
    ({"employee__date_of_birth": 19800402}, {("employee", "date_of_birth")}, "date_format"),
    ({"employee__date_of_birth": "1980-02-30"}, {("employee", "date_of_birth")},
     "date_from_datetime_parsing"),
    ({"employee__date_of_birth": "2026-11-24"}, {("employee", "date_of_birth")},
     "date_in_future"),
    ({"employee__ssn": "666-12-3456"}, {("employee", "ssn")}, "ssn_never_issued"),
    ({"employee__ssn": "078-05-1120"}, {("employee", "ssn")}, "ssn_advertising"),
    ({"employee__ssn": 123456789}, {("employee", "ssn")}, "string_type"),
    ({"employee__phone": "555-0100"}, {("employee", "phone")}, "phone_length"),
    ({"employee__phone": "(060) 555-0100"}, {("employee", "phone")}, "phone_area_code"),
    ({"employee__occupation": "x" * 101}, {("employee", "occupation")}, "string_too_long"),
    ({"employee__average_weekly_wage": "-1.00"}, {("employee", "average_weekly_wage")},
     "greater_than_equal"),
    ({"employee__average_weekly_wage": "1250.005"}, {("employee", "average_weekly_wage")},
     "decimal_max_places"),
    ({"employee__average_weekly_wage": 0.1 + 0.2}, {("employee", "average_weekly_wage")},
     "decimal_max_digits"),  # 0.30000000000000004
    ({"employee__average_weekly_wage": "NaN"}, {("employee", "average_weekly_wage")},
     "finite_number"),
    ({"employee__average_weekly_wage": "Infinity"}, {("employee", "average_weekly_wage")},
     "finite_number"),
    ({"employee__average_weekly_wage": float("inf")}, {("employee", "average_weekly_wage")},
     "finite_number"),
    ({"employee__average_weekly_wage": "1,250.00"}, {("employee", "average_weekly_wage")},
     "decimal_parsing"),
    ({"employee__average_weekly_wage": True}, {("employee", "average_weekly_wage")},
     "money_type"),
    ({"employee__average_weekly_wage": "12345678901.00"}, {("employee", "average_weekly_wage")},
     "decimal_whole_digits"),
    ({"employee__residence_state": "XX"}, {("employee", "residence_state")}, "state_code"),
    ({"employee__residence_state": "Connecticut"}, {("employee", "residence_state")},
     "state_code"),
    ({"employee__works_primarily_in_connecticut": "maybe"},
     {("employee", "works_primarily_in_connecticut")}, "bool_parsing"),
    ({"injury__occurred_at": "2026-11-22T02:40:00"}, {("injury", "occurred_at")},
     "timezone_aware"),
    ({"injury__occurred_at": "2026-11-22"}, {("injury", "occurred_at")}, "timezone_aware"),
    ({"injury__occurred_at": 1795000000}, {("injury", "occurred_at")}, "datetime_format"),
    ({"injury__occurred_at": "last night"}, {("injury", "occurred_at")},
     "datetime_from_date_parsing"),
    ({"injury__occurred_at": "2026-11-22T13:00:00Z"}, {("injury", "occurred_at")},
     "datetime_in_future"),
    ({"injury__occurred_at": "1979-12-31T23:00:00-05:00"}, {("injury", "occurred_at")},
     "occurred_before_birth"),
    ({"injury__occurred_at": DELETE}, {("injury", "occurred_at")}, "missing"),
    ({"injury__description": ""}, {("injury", "description")}, "string_too_short"),
    ({"injury__description": "x" * 4001}, {("injury", "description")}, "string_too_long"),
    ({"injury__body_parts": ["back"] * 21}, {("injury", "body_parts")}, "too_long"),
    ({"injury__body_parts": ["back", ""]}, {("injury", "body_parts", 1)}, "string_too_short"),
    ({"injury__body_parts": "back"}, {("injury", "body_parts")}, "list_type"),
    ({"injury__severity": "minor"}, {("injury", "severity")}, "enum"),
    ({"injury__severity": DELETE}, {("injury", "severity")}, "missing"),
    ({"injury__reported_to_employer_on": "2026-11-21"},
     {("injury", "reported_to_employer_on")}, "reported_before_injury"),
    ({"injury__reported_to_employer_on": "2026-11-24"},
     {("injury", "reported_to_employer_on")}, "date_in_future"),
    ({"injury__hospital_admission": "perhaps"}, {("injury", "hospital_admission")},
     "bool_parsing"),
    ({"injury__first_symptom_on": "2026-12-01"}, {("injury", "first_symptom_on")},
     "date_in_future"),
    ({"injury__date_of_death": "2026-11-21"}, {("injury", "date_of_death")},
     "death_before_injury"),
    ({"injury__location": "x" * 201}, {("injury", "location")}, "string_too_long"),
    ({"injury": DELETE}, {("injury",)}, "missing"),
    ({"caller__phone": "12345"}, {("caller", "phone")}, "phone_length"),
    ({"caller__name": "x" * 101}, {("caller", "name")}, "string_too_long"),
    ({"caller__role": "x" * 101}, {("caller", "role")}, "string_too_long"),
    ({"caller": "Ana"}, {("caller",)}, "model_type"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "locs", "kind"), BAD_BODIES)
def test_bad_bodies(changes, locs, kind):
    errors = errors_of(body(**changes))
    assert {tuple(error["loc"]) for error in errors} == locs
    assert len(errors) == len(locs)
    assert errors[0]["type"] == kind


@pytest.mark.parametrize("raw", ["a report", [], None, 42])
def test_a_body_that_is_not_an_object(raw):
    assert locs_of(raw) == {()}


def test_an_empty_object_names_every_required_section():
    assert locs_of({}) == {("channel",), ("employer",), ("employee",), ("injury",)}


def test_empty_sections_name_every_required_field():
    raw = {"channel": "ivr", "employer": {}, "employee": {}, "injury": {}}
    assert locs_of(raw) == {
        ("employer", "fein"),
        ("employer", "name"),
        ("employee", "first_name"),
        ("employee", "last_name"),
        ("injury", "occurred_at"),
        ("injury", "description"),
        ("injury", "severity"),
    }


def test_five_bad_fields_give_exactly_five_errors_each_naming_its_field():
    raw = body(
        channel="phone",
        employer__fein="00-1234567",
        employee__ssn="900-12-3456",
        injury__occurred_at="2026-11-22T02:40:00",
        injury__severity="bad",
    )
    errors = errors_of(raw)
    assert len(errors) == 5
    assert [tuple(error["loc"]) for error in errors] == [
        ("channel",),
        ("employer", "fein"),
        ("employee", "ssn"),
        ("injury", "occurred_at"),
        ("injury", "severity"),
    ]
    assert all(error["msg"] for error in errors)


def test_cross_field_errors_come_with_every_other_error():
    raw = body(
        employee__first_name="",
        injury__description="",
        injury__occurred_at="1979-06-01T10:00:00-04:00",  # before the 1980 birth date
        injury__reported_to_employer_on="1979-05-31",  # before the injury
        caller__phone="0",
    )
    assert locs_of(raw) == {
        ("employee", "first_name"),
        ("injury", "description"),
        ("injury", "occurred_at"),
        ("injury", "reported_to_employer_on"),
        ("caller", "phone"),
    }


@pytest.mark.parametrize(
    ("changes", "locs"),
    [
        # a field with its own error is not compared with others
        ({"employee__date_of_birth": "2027-01-01", "injury__occurred_at": "2026-11-22T01:00:00Z"},
         {("employee", "date_of_birth")}),
        ({"employee__date_of_birth": "1980-04-02", "injury__occurred_at": "1970-01-01T00:00:00"},
         {("injury", "occurred_at")}),
        ({"injury__occurred_at": "2027-01-01T00:00:00Z",
          "injury__reported_to_employer_on": "2026-11-20"},
         {("injury", "occurred_at")}),
        ({"injury__occurred_at": "2026-11-22T02:40:00-05:00",
          "injury__reported_to_employer_on": "21/11/2026"},
         {("injury", "reported_to_employer_on")}),
        ({"employee": "nobody", "injury__occurred_at": "1970-01-01T00:00:00Z"},
         {("employee",)}),
        # an injury before birth is not also reported as an impossible age
        ({"employee__date_of_birth": "2000-01-01", "injury__occurred_at": "1999-12-31T12:00:00Z"},
         {("injury", "occurred_at")}),
    ],
)  # fmt: skip
def test_a_cross_field_check_is_skipped_when_its_field_is_already_wrong(changes, locs):
    assert locs_of(body(**changes)) == locs


@pytest.mark.parametrize(
    ("occurred_at", "ok"),
    [
        (NOW - timedelta(days=3650), True),
        (NOW, True),
        (NOW + CLOCK_SKEW, True),  # exactly now + skew
        (NOW + CLOCK_SKEW + timedelta(seconds=1), False),  # one second past
        (NOW + timedelta(days=1), False),
    ],
)
def test_occurred_at_not_in_the_future(occurred_at, ok):
    for offset in (timedelta(0), timedelta(hours=-5), timedelta(hours=14)):
        text = occurred_at.astimezone(UTC).astimezone(_zone(offset)).isoformat()
        raw = body(injury__occurred_at=text, injury__reported_to_employer_on=None)
        if ok:
            InjuryReportIn.model_validate(raw, context=CONTEXT)
        else:
            assert locs_of(raw) == {("injury", "occurred_at")}


def _zone(offset):
    from datetime import timezone

    return timezone(offset)


@pytest.mark.parametrize(
    ("now", "day", "ok"),
    [
        # A date is in the future only once it has begun nowhere on Earth (UTC+14).
        (datetime(2026, 11, 22, 9, 59, 59, tzinfo=UTC), "2026-11-22", True),
        (datetime(2026, 11, 22, 9, 59, 59, tzinfo=UTC), "2026-11-23", False),
        (datetime(2026, 11, 22, 10, 0, tzinfo=UTC), "2026-11-23", True),
        (datetime(2026, 11, 22, 10, 0, tzinfo=UTC), "2026-11-24", False),
    ],
)
def test_dates_not_in_the_future(now, day, ok):
    raw = body(injury__occurred_at="2026-11-22T08:00:00Z", injury__reported_to_employer_on=day)
    if ok:
        InjuryReportIn.model_validate(raw, context={"now": now})
    else:
        assert locs_of(raw, {"now": now}) == {("injury", "reported_to_employer_on")}


@pytest.mark.parametrize(
    ("occurred_on", "reported_on", "ok"),
    [("2026-11-20", "2026-11-19", False), ("2026-11-20", "2026-11-20", True)],
)
def test_reported_to_employer_not_before_the_injury(occurred_on, reported_on, ok):
    raw = body(
        injury__occurred_at=f"{occurred_on}T23:30:00-05:00",  # 04:30Z the next day
        injury__reported_to_employer_on=reported_on,
    )
    if ok:
        InjuryReportIn.model_validate(raw, context=CONTEXT)
    else:
        assert locs_of(raw) == {("injury", "reported_to_employer_on")}


@pytest.mark.parametrize(
    ("date_of_birth", "occurred_on", "ok"),
    [
        ("2010-06-15", "2024-06-14", False),  # the day before the 14th birthday
        ("2010-06-15", "2024-06-15", True),  # the 14th birthday
        ("1924-06-15", "2024-06-14", True),  # 99, the day before the 100th birthday
        ("1924-06-15", "2024-06-15", False),  # the 100th birthday
        ("2024-06-15", "2024-06-15", False),  # born that day
    ],
)
def test_age_at_the_injury(date_of_birth, occurred_on, ok):
    raw = body(
        employee__date_of_birth=date_of_birth,
        injury__occurred_at=f"{occurred_on}T10:00:00-04:00",
        injury__reported_to_employer_on=None,
    )
    if ok:
        InjuryReportIn.model_validate(raw, context=CONTEXT)
    else:
        errors = errors_of(raw)
        assert [(tuple(e["loc"]), e["type"]) for e in errors] == [
            (("employee", "date_of_birth"), "age_out_of_range")
        ]


def test_the_clock_defaults_to_now():
    real_now = datetime.now(UTC)
    future = body(injury__occurred_at=(real_now + timedelta(hours=1)).isoformat())
    past = body(injury__occurred_at=(real_now - timedelta(minutes=1)).isoformat())
    with pytest.raises(ValidationError):
        InjuryReportIn.model_validate(future)
    InjuryReportIn.model_validate(past)


def test_frozen_clock():
    raw = body(injury__occurred_at="2030-01-01T00:00:00Z", injury__reported_to_employer_on=None)
    with frozen_clock(datetime(2030, 1, 1, tzinfo=UTC)):
        InjuryReportIn.model_validate(raw)
    with frozen_clock(datetime(2029, 12, 31, 23, 54, 59, tzinfo=UTC)):
        with pytest.raises(ValidationError):
            InjuryReportIn.model_validate(raw)
    with pytest.raises(ValueError):
        with frozen_clock(datetime(2030, 1, 1)):
            pass


def test_flags_and_fingerprint_of_a_report():
    raw = body(
        employee__residence_state="NY",
        injury__occurred_at="2025-03-10T09:00:00-05:00",
        injury__reported_to_employer_on="2025-03-10",
    )
    report = InjuryReportIn.model_validate(raw, context=CONTEXT)
    assert [flag.code for flag in report.flags(date(2026, 3, 11))] == [
        "notice_late",
        "jurisdiction_review",
    ]
    assert report.flags(date(2026, 3, 10))[0].code == "jurisdiction_review"
    same = InjuryReportIn.model_validate(
        body(raw, employee__first_name="ANA", employee__ssn=None, channel="employer"),
        context=CONTEXT,
    )
    assert same.duplicate_fingerprint() == report.duplicate_fingerprint()


# --- the batch ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "ok"), [(0, False), (1, True), (MAX_BATCH_REPORTS, True), (501, False)]
)
def test_batch_size(count, ok):
    raw = {"reports": [CONTRACT_BODY] * count}
    if ok:
        assert len(InjuryReportBatch.model_validate(raw).reports) == count
    else:
        with pytest.raises(ValidationError) as caught:
            InjuryReportBatch.model_validate(raw)
        assert [tuple(error["loc"]) for error in caught.value.errors()] == [("reports",)]


def test_a_bad_report_does_not_sink_the_batch():
    batch = InjuryReportBatch.model_validate(
        {"reports": [CONTRACT_BODY, body(injury__severity="x", employee__ssn="000-00-0000"), 7]}
    )
    results = [
        validate_report(raw, index, context=CONTEXT) for index, raw in enumerate(batch.reports)
    ]
    assert isinstance(results[0], InjuryReportIn)
    assert results[1] == [
        {
            "loc": ["body", "reports", 1, "employee", "ssn"],
            "msg": "SSN area (000, 666, 900-999) is never issued by the SSA",
            "type": "ssn_never_issued",
        },
        {
            "loc": ["body", "reports", 1, "injury", "severity"],
            "msg": "Input should be 'first_aid', 'medical_only', 'lost_time', 'catastrophic' "
            "or 'fatal'",
            "type": "enum",
        },
    ]
    assert [error["loc"] for error in results[2]] == [["body", "reports", 2]]


def test_validate_report_without_an_index_prefixes_body():
    errors = validate_report(body(injury__occurred_at="1970-01-01T00:00:00Z"), context=CONTEXT)
    assert errors == [
        {
            "loc": ["body", "injury", "occurred_at"],
            "msg": "Injury date cannot be before the employee's date of birth",
            "type": "occurred_before_birth",
        }
    ]


def test_errors_never_echo_the_input():
    errors = validate_report(body(employee__ssn="987-65-4321"), 0, context=CONTEXT)
    assert [error["type"] for error in errors] == ["ssn_never_issued"]
    assert not {"987", "65", "4321"} & set(re.findall(r"[0-9]+", json.dumps(errors)))


def test_json_schema_for_openapi():
    schema = InjuryReportIn.model_json_schema()
    assert schema["required"] == ["channel", "employer", "employee", "injury"]
    assert schema["examples"][0]["channel"] == "ivr"
    InjuryReportIn.model_json_schema(mode="serialization")
    InjuryReportBatch.model_json_schema()
