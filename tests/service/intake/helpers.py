"""Report bodies each test can count on its own: a unique employer FEIN per call."""

from __future__ import annotations

import itertools
import random
from typing import Any

from tests.support.reports import report_body

_serial = itertools.count(random.randrange(1_000_000, 9_000_000, 100))


def fresh_fein() -> str:
    return f"06-{next(_serial):07d}"


def body(n: int = 0, *, fein: str | None = None, **injury: Any) -> dict[str, Any]:
    """The contract's example for employee `n` of employer `fein` (a new employer if None)."""
    report = report_body(n, **injury)
    report["employer"]["fein"] = fein or fresh_fein()
    return report


async def count_for(http: Any, fein: str) -> int:
    page = (await http.get("/v1/injury-reports", params={"employer_fein": fein, "limit": 1})).json()
    return int(page["total"])
