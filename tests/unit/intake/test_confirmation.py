import re
from itertools import product

import pytest

from services.intake.confirmation import (
    ALPHABET,
    POSSIBLE_NUMBERS,
    check_character,
    new_confirmation_number,
    normalise_confirmation_number,
)

VALID = "CL-7K3F-92Q5"  # 7K3F92Q and its check character 5
SHAPE = re.compile(r"CL-[0-9A-Z]{4}-[0-9A-Z]{4}")


def test_alphabet_has_no_ambiguous_characters_and_prime_size():
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set("ILOUV") & set(ALPHABET)
    assert POSSIBLE_NUMBERS == 31**7 == 27_512_614_111


def test_new_numbers_have_the_shape_and_validate():
    numbers = {new_confirmation_number() for _ in range(2000)}
    assert len(numbers) == 2000  # collisions are possible in principle, not in 2000 draws
    for number in numbers:
        assert SHAPE.fullmatch(number)
        assert set(number[3:7] + number[8:]) <= set(ALPHABET)
        assert normalise_confirmation_number(number) == number


def test_check_character_of_the_example():
    assert check_character("7K3F92Q") == "5"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("CL-7K3F-92Q5", VALID),
        ("cl-7k3f-92q5", VALID),
        ("CL7K3F92Q5", VALID),
        ("  cl 7k3f 92q5 ", VALID),
        ("CL.7K3F.92Q5", VALID),
        ("7K3F-92Q5", VALID),  # without the CL
        ("7k3f92q5", VALID),
        ("C1-7K3F-92Q5", VALID),  # the L of CL typed as 1
        ("CL-0000-0000", "CL-0000-0000"),
        ("CL-OOOO-OOOO", "CL-0000-0000"),  # letter O read as zero
        ("CL-oOo0-0O0o", "CL-0000-0000"),
        ("CL-2111-1118", "CL-2111-1118"),
        ("CL-2IlL-iI18", "CL-2111-1118"),  # I, l, L read as one
        ("CL-7K3F-92QD", None),  # the contract's illustration: wrong check character
        ("CL-7K3F-92Q4", None),  # one character off
        ("CL-7K3F-9Q25", None),  # two characters swapped
        ("CL-7K3F-92Q", None),  # too short
        ("CL-7K3F-92Q55", None),  # too long
        ("XX-7K3F-92Q5", None),  # another prefix
        ("CL-7K3F-92U5", None),  # U is not in the alphabet, and not guessed
        ("CL-7K3F-92V5", None),
        ("CL-7K3F-92Q#", None),
        ("", None),
        (None, None),
        (12345678, None),
    ],
)
def test_normalise_confirmation_number(typed, expected):
    assert normalise_confirmation_number(typed) == expected


def test_check_character_catches_every_single_substitution_and_adjacent_swap():
    body = "7K3F92Q"
    number = body + check_character(body)
    for position, replacement in product(range(8), ALPHABET):
        if number[position] != replacement:
            wrong = number[:position] + replacement + number[position + 1 :]
            assert normalise_confirmation_number(wrong) is None, wrong
    for position in range(7):
        swapped = (
            number[:position] + number[position + 1] + number[position] + number[position + 2 :]
        )
        if swapped != number:
            assert normalise_confirmation_number(swapped) is None, swapped


def test_a_letter_no_number_uses_is_called_misheard() -> None:
    from services.intake.confirmation import why_not_a_confirmation_number

    assert why_not_a_confirmation_number("CL-QYFU-XQDP").startswith("U is not used")
    assert "misheard" in why_not_a_confirmation_number("CL-QYFU-XQDP")
    assert why_not_a_confirmation_number("CL-12").startswith("not a confirmation number")
