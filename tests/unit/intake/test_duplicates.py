import re
from datetime import date

import pytest

from services.intake.duplicates import duplicate_fingerprint, normalise_name

BASE = {
    "employer_fein": "06-1234567",
    "last_name": "Diaz",
    "first_name": "Ana",
    "date_of_injury": date(2026, 11, 22),
    "date_of_birth": date(1980, 4, 2),
    "ssn": "123-45-6789",
}


def fingerprint(**changes):
    return duplicate_fingerprint(**{**BASE, **changes})


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Diaz", "diaz"),
        ("  DÍAZ ", "diaz"),
        ("O'Brien", "obrien"),
        ("o brien", "obrien"),
        ("Mary-Ann", "maryann"),
        ("St. John", "stjohn"),
        ("Straße", "strasse"),
        ("Nguyễn", "nguyen"),
        ("ＡＮＡ", "ana"),  # full-width letters
        ("李", "李"),
    ],
)
def test_normalise_name(name, normalised):
    assert normalise_name(name) == normalised


def test_fingerprint_is_a_stable_sha256_hex_digest():
    digest = fingerprint()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == fingerprint()


@pytest.mark.parametrize(
    "changes",
    [
        {"employer_fein": "061234567"},
        {"last_name": "  DÍAZ"},
        {"first_name": "ana"},
        {"ssn": "999-99-9999"},  # the birth date decides when there is one
        {"ssn": None},
    ],
)
def test_the_same_report(changes):
    assert fingerprint(**changes) == fingerprint()


@pytest.mark.parametrize(
    "changes",
    [
        {"employer_fein": "06-1234568"},
        {"last_name": "Dias"},
        {"first_name": "Anna"},
        {"date_of_birth": date(1980, 4, 3)},
        {"date_of_injury": date(2026, 11, 21)},
        {"date_of_birth": None},  # then the SSN's last 4 decide: another kind of fingerprint
    ],
)
def test_another_report(changes):
    assert fingerprint(**changes) != fingerprint()


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ({"ssn": "123-45-6789"}, {"ssn": "987-65-6789"}, True),  # only the last 4 count
        ({"ssn": "123-45-6789"}, {"ssn": "123456789"}, True),
        ({"ssn": "123-45-6789"}, {"ssn": "123-45-6788"}, False),
        ({"ssn": None}, {"ssn": None}, True),  # names, employer and injury date alone
        ({"ssn": "123-45-6789"}, {"ssn": None}, False),
    ],
)
def test_without_a_birth_date(first, second, same):
    one = fingerprint(date_of_birth=None, **first)
    other = fingerprint(date_of_birth=None, **second)
    assert (one == other) is same
