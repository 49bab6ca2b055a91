from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from services.intake.triage import (
    CATASTROPHIC_PRIORITY,
    ROUTINE_PRIORITY,
    Flag,
    Severity,
    add_years,
    is_catastrophic,
    jurisdiction_flags,
    notice_deadline,
    notice_flags,
    publication_priority,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("severity", "hospital_admission", "expected"),
    [
        ("first_aid", None, False),
        ("medical_only", False, False),
        ("lost_time", None, False),
        ("lost_time", False, False),
        ("lost_time", True, True),  # a hospital admission is catastrophic whatever the severity
        ("first_aid", True, True),
        ("catastrophic", None, True),
        ("catastrophic", False, True),
        ("fatal", None, True),
        (Severity.FATAL, False, True),
        (Severity.MEDICAL_ONLY, None, False),
    ],
)
def test_is_catastrophic(severity, hospital_admission, expected):
    assert is_catastrophic(severity, hospital_admission) is expected


def test_is_catastrophic_rejects_an_unknown_severity():
    with pytest.raises(ValueError):
        is_catastrophic("bruise", None)


@pytest.mark.parametrize(
    ("catastrophic", "priority"), [(True, CATASTROPHIC_PRIORITY), (False, ROUTINE_PRIORITY)]
)
def test_publication_priority(catastrophic, priority):
    assert publication_priority(catastrophic) == priority
    assert CATASTROPHIC_PRIORITY > ROUTINE_PRIORITY


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (D("2025-03-10"), 1, D("2026-03-10")),
        (D("2024-02-29"), 1, D("2025-02-28")),
        (D("2024-02-29"), 4, D("2028-02-29")),
    ],
)
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


# (occurred_on, occupational_disease, first_symptom_on, death_on, received_on, late)
NOTICE_CASES = [
    # accident: 1 year, the anniversary itself is in time
    ("2025-03-10", False, None, None, "2025-03-10", False),
    ("2025-03-10", False, None, None, "2026-03-09", False),  # 1 year minus a day
    ("2025-03-10", False, None, None, "2026-03-10", False),  # 1 year
    ("2025-03-10", False, None, None, "2026-03-11", True),  # 1 year plus a day
    ("2024-02-29", False, None, None, "2025-02-28", False),  # leap day: the earlier day
    ("2024-02-29", False, None, None, "2025-03-01", True),
    # occupational disease: 3 years from the first symptom
    ("2026-01-20", True, "2023-05-01", None, "2026-04-30", False),
    ("2026-01-20", True, "2023-05-01", None, "2026-05-01", False),
    ("2026-01-20", True, "2023-05-01", None, "2026-05-02", True),
    ("2023-05-01", None, None, None, "2024-05-02", True),  # None is not an occupational disease
    ("2023-05-01", True, None, None, "2026-05-01", False),  # unknown first symptom: injury date
    ("2023-05-01", True, None, None, "2026-05-02", True),
    # death within 2 years: 2 years from the accident or 1 from the death, whichever is later
    ("2024-01-15", False, None, "2026-01-15", "2027-01-15", False),  # death at exactly 2 years
    ("2024-01-15", False, None, "2026-01-15", "2027-01-16", True),
    ("2024-01-15", False, None, "2026-01-16", "2025-01-15", False),  # death 2 years + 1 day:
    ("2024-01-15", False, None, "2026-01-16", "2025-01-16", True),  # the ordinary year applies
    ("2024-01-15", False, None, "2024-02-01", "2026-01-15", False),  # early death: 2 years
    ("2024-01-15", False, None, "2024-02-01", "2026-01-16", True),
    ("2024-01-15", False, None, "2025-06-30", "2026-06-30", False),  # 1 year from death later
    ("2024-01-15", False, None, "2025-06-30", "2026-07-01", True),
    # occupational disease with death (2 years count from the first symptom): a death within
    # 2 years gives at most 1 year after it, never more than the 3 years, which stay
    ("2023-01-10", True, "2022-01-10", "2023-06-01", "2025-01-10", False),
    ("2023-01-10", True, "2022-01-10", "2023-06-01", "2025-01-11", True),
    ("2023-01-10", True, "2022-01-10", "2024-12-01", "2025-01-11", True),
]


@pytest.mark.parametrize(
    ("occurred_on", "disease", "first_symptom_on", "death_on", "received_on", "late"),
    NOTICE_CASES,
)
def test_notice_flags(occurred_on, disease, first_symptom_on, death_on, received_on, late):
    flags = notice_flags(
        D(occurred_on),
        D(received_on),
        disease,
        first_symptom_on and D(first_symptom_on),
        death_on and D(death_on),
    )
    if late:
        [flag] = flags
        assert (flag.code, flag.rule) == ("notice_late", "CGS 31-294c(a)")
        assert received_on in flag.message
    else:
        assert flags == []


def test_notice_deadline_is_named_in_the_flag():
    assert notice_deadline(D("2025-03-10")) == D("2026-03-10")
    [flag] = notice_flags(D("2025-03-10"), D("2026-04-01"))
    assert "2026-03-10" in flag.message


@pytest.mark.parametrize(
    ("residence_state", "works_primarily_in_connecticut", "flagged"),
    [
        (None, None, False),  # residence unknown: nothing says non-resident
        (None, False, False),
        ("CT", None, False),
        ("ct", False, False),
        ("NY", True, False),  # non-resident, but Connecticut employment established
        ("NY", False, True),
        ("NY", None, True),
        ("ma", None, True),
    ],
)
def test_jurisdiction_flags(residence_state, works_primarily_in_connecticut, flagged):
    flags = jurisdiction_flags(residence_state, works_primarily_in_connecticut)
    if flagged:
        [flag] = flags
        assert (flag.code, flag.rule) == ("jurisdiction_review", "CGS 31-275(9)(B)(vi)")
        assert residence_state.upper() in flag.message
    else:
        assert flags == []


def test_flag_is_frozen():
    flag = Flag(code="notice_late", rule="CGS 31-294c(a)", message="late")
    with pytest.raises(FrozenInstanceError):
        flag.code = "other"  # type: ignore[misc]
