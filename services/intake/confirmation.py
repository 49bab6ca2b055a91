"""Confirmation numbers a caller writes down or reads back on the phone: `CL-7K3F-92Q5`.

Shape: `CL-` and 8 characters in two groups of four. The first 7 characters are random
(`secrets`), the 8th is a check character.

Alphabet (31 characters): the digits 0-9 and the letters A-Z without I, L, O, U and V.

- I, L, O are left out because they look like 1, 1, 0; when a caller reads or types them they
  are taken as those digits (Crockford's Base32 does the same).
- U is left out as in Crockford's Base32 (fewer accidental words), and V too, because U and V
  are easily confused on a bad line; neither is mapped, because it is unclear which was meant.
- 31 is prime, which makes the check character strong: with weights 1..8 over the 8
  characters and the weighted sum 0 modulo 31, every single wrong character and every swap
  of two characters is detected, so a mistyped number is never taken for another one.

Count: 31**7 = 27,512,614,111 possible numbers. Random numbers can still collide: the store
keeps confirmation numbers unique and draws again on a clash.

The contract's illustrative `CL-7K3F-92QD` does not carry a valid check character (the
valid completion of `7K3F92Q` is `5`).
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTWXYZ"
PREFIX = "CL"
RANDOM_CHARACTERS = 7
POSSIBLE_NUMBERS = len(ALPHABET) ** RANDOM_CHARACTERS  # 27,512,614,111

_VALUE = {character: value for value, character in enumerate(ALPHABET)}
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " \t-_./")


def check_character(body: str) -> str:
    """The character that makes `sum(weight * value)` over weights 1..8 divisible by 31."""
    modulus = len(ALPHABET)
    total = sum(weight * _VALUE[character] for weight, character in enumerate(body, start=1))
    weight_of_check = len(body) + 1
    return ALPHABET[(-total * pow(weight_of_check, -1, modulus)) % modulus]


def _formatted(characters: str) -> str:
    return f"{PREFIX}-{characters[:4]}-{characters[4:]}"


def new_confirmation_number() -> str:
    """A fresh random confirmation number, e.g. `CL-7K3F-92Q5`."""
    number = secrets.randbelow(POSSIBLE_NUMBERS)  # one draw from the OS, uniform over all
    characters = []
    for _ in range(RANDOM_CHARACTERS):
        number, value = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[value])
    body = "".join(characters)
    return _formatted(body + check_character(body))


def _characters(text: object) -> str | None:
    """The 8 characters of a well-formed number (check not yet verified), or None."""
    if not isinstance(text, str):
        return None
    compact = text.upper().translate(_SEPARATORS)
    if len(compact) == 10 and compact[0] == "C" and compact[1] in "L1I":
        compact = compact[2:]
    if len(compact) != RANDOM_CHARACTERS + 1:
        return None
    characters = compact.translate(_READ_AS)
    if any(character not in _VALUE for character in characters):
        return None
    return characters


def normalise_confirmation_number(text: object) -> str | None:
    """The canonical `CL-XXXX-XXXX` for what a caller typed or said, or None if it is not one.

    Accepts lower case, spaces, dots or missing dashes, the 8 characters without `CL`, and the
    look-alikes O -> 0, I -> 1, L -> 1; then the check character must hold.
    """
    characters = _characters(text)
    if characters is None or check_character(characters[:-1]) != characters[-1]:
        return None
    return _formatted(characters)


def why_not_a_confirmation_number(text: object) -> str:
    """What to tell a caller whose number did not normalise: misheard, or not a number at all."""
    if _characters(text) is not None:
        return ("the number's check character does not match: a character was misheard or "
                "mistyped; read the number again")
    compact = text.upper().translate(_SEPARATORS) if isinstance(text, str) else ""
    if len(compact) == 10 and compact[:2] in ("CL", "C1", "CI"):
        compact = compact[2:]
    if len(compact) == RANDOM_CHARACTERS + 1:
        unused = sorted({c for c in compact.translate(_READ_AS) if c not in _VALUE})
        return (f"{', '.join(unused)} is not used in confirmation numbers: a character was "
                "misheard; read the number again")
    return "not a confirmation number: expected CL- and 8 characters, e.g. CL-7K3F-92Q5"
