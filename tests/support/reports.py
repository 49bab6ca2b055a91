"""Injury report bodies for tests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from services.intake.schemas import CONTRACT_EXAMPLE


def report_body(n: int = 0, *, severity: str = "lost_time", **injury: Any) -> dict[str, Any]:
    """The contract's example, for a distinct employee `n`, injured an hour ago."""
    body = copy.deepcopy(CONTRACT_EXAMPLE)
    body["employee"]["last_name"] = f"Diaz{n:04d}"
    body["injury"]["occurred_at"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    body["injury"]["reported_to_employer_on"] = None
    body["injury"]["severity"] = severity
    body["injury"].update(injury)
    return body
