from datetime import date

import pytest

from services.intake.identity import (
    EIN_PREFIXES_NEVER_ASSIGNED,
    InvalidIdentifier,
    age_on,
    mask_date_of_birth,
    mask_ssn,
    normalise_fein,
    normalise_phone,
    normalise_ssn,
)


def test_never_assigned_ein_prefixes_are_the_gaps_in_the_irs_list():
    assert sorted(EIN_PREFIXES_NEVER_ASSIGNED) == [
        "00", "07", "08", "09", "17", "18", "19", "28", "29",
        "49", "69", "70", "78", "79", "89", "96", "97",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06-1234567", "06-1234567"),
        ("061234567", "06-1234567"),
        ("  06-1234567 ", "06-1234567"),
        ("01-0000001", "01-0000001"),
        ("99-9999999", "99-9999999"),
        ("10-1234567", "10-1234567"),  # 10 follows never-assigned 09
        ("16-1234567", "16-1234567"),  # 16 precedes never-assigned 17
        ("98-1234567", "98-1234567"),  # 98 follows never-assigned 97
    ],
)
def test_fein_accepted_and_normalised(text, expected):
    assert normalise_fein(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("06-123456", "fein_format"),
        ("06-12345678", "fein_format"),
        ("061-234567", "fein_format"),
        ("06 1234567", "fein_format"),
        ("AB-1234567", "fein_format"),
        ("０6-1234567", "fein_format"),  # full-width digit
        ("", "fein_format"),
        *[(f"{prefix}-1234567", "fein_prefix_unassigned") for prefix in
          ["00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79",
           "89", "96", "97"]],
    ],
)  # fmt: skip
def test_fein_rejected(text, code):
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_fein(text)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123-45-6789", "123-45-6789"),
        ("123456789", "123-45-6789"),
        (" 123-45-6789 ", "123-45-6789"),
        ("001-01-0001", "001-01-0001"),
        ("665-12-3456", "665-12-3456"),  # area just below 666
        ("667-12-3456", "667-12-3456"),  # area just above 666
        ("899-12-3456", "899-12-3456"),  # last area before 900
        ("078-05-1121", "078-05-1121"),  # next to the Woolworth number
        ("219-09-9998", "219-09-9998"),
        ("123-01-6789", "123-01-6789"),
        ("123-45-0001", "123-45-0001"),
    ],
)
def test_ssn_accepted_and_normalised(text, expected):
    assert normalise_ssn(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("123-45-678", "ssn_format"),
        ("12345678", "ssn_format"),
        ("1234567890", "ssn_format"),
        ("123-456789", "ssn_format"),
        ("123 45 6789", "ssn_format"),
        ("abc-de-fghi", "ssn_format"),
        ("000-12-3456", "ssn_never_issued"),
        ("666-12-3456", "ssn_never_issued"),
        ("666123456", "ssn_never_issued"),
        ("900-12-3456", "ssn_never_issued"),
        ("999-12-3456", "ssn_never_issued"),
        ("987-65-4320", "ssn_never_issued"),  # SSA advertising block, inside 9xx
        ("123-00-6789", "ssn_never_issued"),
        ("123-45-0000", "ssn_never_issued"),
        ("078-05-1120", "ssn_advertising"),
        ("078051120", "ssn_advertising"),
        ("219-09-9999", "ssn_advertising"),
    ],
)
def test_ssn_rejected(text, code):
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_ssn(text)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+18605550100", "+18605550100"),
        ("(860) 555-0100", "+18605550100"),
        ("860-555-0100", "+18605550100"),
        ("8605550100", "+18605550100"),
        ("860.555.0100", "+18605550100"),
        ("1-860-555-0100", "+18605550100"),
        ("18605550100", "+18605550100"),
        ("+1 (860) 555-0100", "+18605550100"),
        ("2002000000", "+12002000000"),  # smallest NANP area and exchange
        ("+442071838750", "+442071838750"),  # international with +
        ("+2901234", "+2901234"),  # 7 digits, the shortest accepted
    ],
)
def test_phone_accepted_and_normalised(text, expected):
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("860555010", "phone_length"),  # 9 digits
        ("86055501000", "phone_length"),  # 11 digits not starting with 1
        ("286055501000", "phone_length"),  # 12 digits
        ("+1860555010", "phone_length"),
        ("+123456789012345", "phone_length"),  # +1 is NANP: 10 digits must follow
        ("+186055501000", "phone_length"),
        ("+290123", "phone_length"),  # 6 digits
        ("+4420718387501234", "phone_length"),  # 16 digits
        ("+0442071838750", "phone_length"),  # country codes never start with 0
        ("0605550100", "phone_area_code"),
        ("1605550100", "phone_area_code"),
        ("1-060-555-0100", "phone_area_code"),
        ("+11605550100", "phone_area_code"),  # +1 is the country code, not the area code
        ("8600550100", "phone_exchange"),
        ("8601550100", "phone_exchange"),
        ("860-555-01OO", "phone_format"),  # letters O
        ("1-800-FLOWERS", "phone_format"),
        ("860 555 0100 x12", "phone_format"),
        ("", "phone_format"),
        ("+", "phone_format"),
    ],
)
def test_phone_rejected(text, code):
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_phone(text)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("ssn", "masked"),
    [
        ("123-45-6789", "***-**-6789"),
        ("123456789", "***-**-6789"),
        ("12", "***-**-****"),
        (None, None),
    ],
)
def test_mask_ssn(ssn, masked):
    assert mask_ssn(ssn) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [(date(1980, 4, 2), "****-**-**"), ("1980-04-02", "****-**-**"), (None, None)],
)
def test_mask_date_of_birth(value, masked):
    assert mask_date_of_birth(value) == masked


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2010, 6, 15), date(2024, 6, 14), 13),  # the day before the 14th birthday
        (date(2010, 6, 15), date(2024, 6, 15), 14),  # the birthday
        (date(2010, 6, 15), date(2024, 6, 16), 14),
        (date(2008, 2, 29), date(2022, 2, 28), 13),  # leap-day birthday comes on 1 March
        (date(2008, 2, 29), date(2022, 3, 1), 14),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
        (date(1980, 4, 2), date(1980, 4, 2), 0),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age
