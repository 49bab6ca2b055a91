"""Claim numbers: `WC-YYYY-NNNNNN`, numbered without gaps within each year of opening."""

from __future__ import annotations

import re

CLAIM_NUMBER = re.compile(r"^WC-(\d{4})-(\d{6})$")


def claim_number(year: int, sequence: int) -> str:
    if not 1 <= sequence <= 999_999:
        raise ValueError(f"claim sequence {sequence} is outside 1..999999 for {year}")
    return f"WC-{year:04d}-{sequence:06d}"


def is_claim_number(text: str) -> bool:
    return CLAIM_NUMBER.match(text) is not None
