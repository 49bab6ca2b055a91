"""The Connecticut calendar: the statutes count days on Connecticut's calendar, so each
instant is dated there."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.db import utcnow

CONNECTICUT = ZoneInfo("America/New_York")


def ct_date(instant: datetime) -> date:
    """The Connecticut calendar day of an instant."""
    return instant.astimezone(CONNECTICUT).date()


def ct_today() -> date:
    return ct_date(utcnow())
