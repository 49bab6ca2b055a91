"""Webhooks of carriers and employers: which events they get, and how a delivery is signed.

A subscription names an employer (FEIN) and event types; an event matches when its type is
one of them and its data names that employer (`employer_fein`, or `employer.fein` on an
injury report). `notify.delivery-failed` names no employer, so it cannot be subscribed to
(which also keeps a failing webhook from feeding on its own failures).

Each delivery carries `X-Claimline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<body>" under the subscription's secret>`: the receiver recomputes it over the raw body,
compares in constant time, and refuses a timestamp too far from its clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from shared.events.catalogue import CATALOGUE

SIGNATURE_HEADER = "X-Claimline-Signature"
DELIVERY_HEADER = "X-Claimline-Delivery"
UNSUBSCRIBABLE = frozenset({"notify.delivery-failed"})


def subscribable_event_types() -> list[str]:
    return [t for t in CATALOGUE if t not in UNSUBSCRIBABLE]


def employer_fein_of(data: Mapping[str, Any]) -> str | None:
    """The employer an event's data is about: `employer_fein`, else `employer.fein`."""
    fein = data.get("employer_fein")
    if isinstance(fein, str):
        return fein
    employer = data.get("employer")
    if isinstance(employer, Mapping) and isinstance(employer.get("fein"), str):
        return str(employer["fein"])
    return None


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The `X-Claimline-Signature` value of `body` sent at `timestamp` (Unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(secret: str, body: bytes, header: str, now: int, tolerance_s: int = 300) -> bool:
    """What a receiver does: the header is well formed, recent, and its MAC matches."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)
