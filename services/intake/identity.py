"""Who is who on an injury report: employer FEIN, employee SSN, telephone numbers, age.

Plain functions, standard library only, no I/O. Each `normalise_*` function returns the one
canonical spelling of an identifier or raises `InvalidIdentifier`, whose `code` is a stable
machine name (it becomes the `type` of a 422 error) and whose message a hotline agent can read
to the caller.
"""

from __future__ import annotations

import re
from datetime import date


class InvalidIdentifier(ValueError):
    """An identifier that cannot be right. `code` is stable; the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- Employer Identification Number -------------------------------------------------------

# IRS EIN prefix list: "How EINs are assigned and valid EIN prefixes" (irs.gov). Since 2001 the
# two-digit prefix only names the IRS campus (or the online application, or the SBA) that
# assigned the number; a prefix on no campus's list has never been assigned.
VALID_EIN_PREFIXES_BY_ASSIGNER: dict[str, frozenset[str]] = {
    assigner: frozenset(prefixes.split())
    for assigner, prefixes in {
        "Andover": "10 12",
        "Atlanta": "60 67",
        "Austin": "50 53",
        "Brookhaven": "01 02 03 04 05 06 11 13 14 16 21 22 23 25 34 51 52 54 55 56 57 58 59 65",
        "Cincinnati": "30 32 35 36 37 38 61",
        "Fresno": "15 24",
        "Kansas City": "40 44",
        "Memphis": "94 95",
        "Ogden": "80 90",
        "Philadelphia": (
            "33 39 41 42 43 46 48 62 63 64 66 68 71 72 73 74 75 76 77 85 86 87 88 91 92 93 98 99"
        ),
        "Internet": "20 26 27 45 46 47 81 82 83 84 85 86 87 88",
        "Small Business Administration": "31",
    }.items()
}
VALID_EIN_PREFIXES: frozenset[str] = frozenset().union(*VALID_EIN_PREFIXES_BY_ASSIGNER.values())
# What is left: 00, 07, 08, 09, 17, 18, 19, 28, 29, 49, 69, 70, 78, 79, 89, 96, 97.
EIN_PREFIXES_NEVER_ASSIGNED: frozenset[str] = (
    frozenset(f"{n:02d}" for n in range(100)) - VALID_EIN_PREFIXES
)

_FEIN = re.compile(r"([0-9]{2})-?([0-9]{7})")


def normalise_fein(text: str) -> str:
    """Return the FEIN as `NN-NNNNNNN`; `NNNNNNNNN` (no dash) is accepted too.

    Rejects prefixes the IRS has never assigned (IRS EIN prefix list, see
    `EIN_PREFIXES_NEVER_ASSIGNED`).
    """
    match = _FEIN.fullmatch(text.strip())
    if match is None:
        raise InvalidIdentifier("fein_format", "FEIN must be 9 digits written NN-NNNNNNN")
    prefix, serial = match.groups()
    if prefix in EIN_PREFIXES_NEVER_ASSIGNED:
        raise InvalidIdentifier(
            "fein_prefix_unassigned", f"FEIN prefix {prefix} has never been assigned by the IRS"
        )
    return f"{prefix}-{serial}"


# --- Social Security Number ---------------------------------------------------------------

# SSA, "Social Security Number Randomization" (ssa.gov/employer/randomization.html): area
# numbers 000, 666 and 900-999 are never assigned, nor group 00 or serial 0000.
# SSA history, "Social Security Cards Issued by Woolworth" (ssa.gov/history/ssn/misused.html):
# 078-05-1120 (a sample card sold in wallets) and 219-09-9999 (an SSA advertisement) were
# printed as examples and are invalid. (SSA's advertising block 987-65-4320..4329 is in 9xx.)
SSN_ADVERTISING_NUMBERS: frozenset[str] = frozenset({"078-05-1120", "219-09-9999"})

_SSN = re.compile(r"([0-9]{3})-([0-9]{2})-([0-9]{4})|([0-9]{3})([0-9]{2})([0-9]{4})")


def normalise_ssn(text: str) -> str:
    """Return the SSN as `NNN-NN-NNNN`; 9 digits without dashes are accepted too.

    Messages never repeat the digits (they may end up in logs).

    Rejects numbers the SSA never issues (area 000, 666, 900-999; group 00; serial 0000) and
    the well-known advertising numbers. An ITIN (9xx) is not an SSN and is rejected.
    """
    match = _SSN.fullmatch(text.strip())
    if match is None:
        raise InvalidIdentifier("ssn_format", "SSN must be 9 digits written NNN-NN-NNNN")
    area, group, serial = (part for part in match.groups() if part is not None)
    ssn = f"{area}-{group}-{serial}"
    if area in {"000", "666"} or area >= "900":
        raise InvalidIdentifier(
            "ssn_never_issued", "SSN area (000, 666, 900-999) is never issued by the SSA"
        )
    if group == "00":
        raise InvalidIdentifier("ssn_never_issued", "SSN group 00 is never issued by the SSA")
    if serial == "0000":
        raise InvalidIdentifier("ssn_never_issued", "SSN serial 0000 is never issued by the SSA")
    if ssn in SSN_ADVERTISING_NUMBERS:
        raise InvalidIdentifier(
            "ssn_advertising", "SSN is a published example number, not a real one"
        )
    return ssn


def mask_ssn(ssn: str | None) -> str | None:
    """`123-45-6789` -> `***-**-6789`: only the last four digits stay, as the contract shows.

    Anything with fewer than four digits masks completely; None stays None.
    """
    if ssn is None:
        return None
    digits = re.sub(r"[^0-9]", "", ssn)
    last4 = digits[-4:] if len(digits) >= 4 else "****"
    return f"***-**-{last4}"


def mask_date_of_birth(value: date | str | None) -> str | None:
    """Any date of birth -> `****-**-**`: the shape of a date, nothing of its value.

    Even the year is hidden (with the injury date it gives the age, and ages over 89 identify
    people); None stays None.
    """
    return None if value is None else "****-**-**"


# --- Telephone numbers --------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def normalise_phone(text: str) -> str:
    """Return the number in E.164 (`+18605550100`).

    Without `+`, the number is a North American (NANP) one: 10 digits, or 11 starting with 1;
    spaces, dots, dashes and parentheses are ignored (`(860) 555-0100`, `860-555-0100`,
    `8605550100`). NANP area codes and exchanges never start with 0 or 1 (NANPA numbering plan:
    NXX-NXX-XXXX). With `+` and a country code other than 1, any E.164 number of 7 to 15
    digits is taken as given (a worker's foreign mobile).
    """
    stripped = text.strip()
    international = stripped.startswith("+")
    digits = _PHONE_SEPARATORS.sub("", stripped[1:] if international else stripped)
    if not _ASCII_DIGITS.fullmatch(digits):
        raise InvalidIdentifier(
            "phone_format", "phone number must be digits, e.g. +18605550100 or (860) 555-0100"
        )
    if international and not digits.startswith("1"):
        if digits.startswith("0") or not 7 <= len(digits) <= 15:
            raise InvalidIdentifier(
                "phone_length", "an international number is + country code and 7-15 digits"
            )
        return f"+{digits}"
    has_country_code = international or (len(digits) == 11 and digits.startswith("1"))
    national = digits[1:] if has_country_code else digits
    if len(national) != 10:
        raise InvalidIdentifier(
            "phone_length", "a US phone number has 10 digits (area code and number)"
        )
    if national[0] in "01":
        raise InvalidIdentifier("phone_area_code", "a US area code cannot start with 0 or 1")
    if national[3] in "01":
        raise InvalidIdentifier("phone_exchange", "a US exchange cannot start with 0 or 1")
    return f"+1{national}"


# --- Age ----------------------------------------------------------------------------------


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years of age on a day. A 29 February birthday comes on 1 March otherwise."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday
