"""Probable duplicate reports: the same injury reported twice (the worker calls, then the
employer; a carrier re-sends a batch).

A fingerprint only links reports; it never drops one. Every report is kept and passed on, and
the adjuster decides whether two linked reports are one injury.

"The same" means, after normalisation:

- the same employer FEIN (digits only, so `06-1234567` and `061234567` agree);
- the same employee last and first name: Unicode compatibility-decomposed, accents removed,
  case-folded, and everything but letters and digits dropped, so `O'Brien`, `OBRIEN` and
  `o brien`, or `Díaz` and `Diaz`, agree. Nicknames (Bob / Robert) do not;
- the same date of birth when the report has one; otherwise the same last 4 SSN digits when
  it has an SSN; otherwise the names alone. The identifier used is part of the fingerprint,
  so a report with a birth date and one with only an SSN are not linked;
- the same date of injury: the calendar date of `occurred_at` in the offset it was reported
  with.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import date

FINGERPRINT_VERSION = "1"


def normalise_name(name: str) -> str:
    """`  O'Brien-Díaz ` -> `obriendiaz`: accents, case, spaces and punctuation do not count."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(
        character
        for character in decomposed.casefold()
        if character.isalnum() and not unicodedata.combining(character)
    )


def _digits(text: str) -> str:
    return "".join(character for character in text if character.isascii() and character.isdigit())


def duplicate_fingerprint(
    *,
    employer_fein: str,
    last_name: str,
    first_name: str,
    date_of_injury: date,
    date_of_birth: date | None = None,
    ssn: str | None = None,
) -> str:
    """sha256 hex digest of the normalised fields above; equal digests: probable duplicates."""
    ssn_digits = _digits(ssn) if ssn else ""
    if date_of_birth is not None:
        employee_id = ["dob", date_of_birth.isoformat()]
    elif len(ssn_digits) >= 4:
        employee_id = ["ssn4", ssn_digits[-4:]]
    else:
        employee_id = ["none", ""]
    canonical = json.dumps(
        [
            FINGERPRINT_VERSION,
            _digits(employer_fein),
            normalise_name(last_name),
            normalise_name(first_name),
            *employee_id,
            date_of_injury.isoformat(),
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
