"""Prometheus metrics of the notify service."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

DELIVERIES = Counter(
    "claimline_notify_deliveries_total",
    "Delivery attempts by channel, transport and outcome (delivered, retrying, failed)",
    ["channel", "transport", "outcome"],
)
NOTIFICATIONS_WAITING = Gauge(
    "claimline_notify_notifications_waiting", "Notifications pending or retrying", ["channel"]
)
