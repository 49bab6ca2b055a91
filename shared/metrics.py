"""Prometheus metrics of a service process."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "claimline_http_requests_total", "HTTP requests answered", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "claimline_http_request_duration_seconds", "HTTP request duration", ["service", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_PUBLISHED = Counter("claimline_events_published_total", "Outbox rows published", ["service", "topic"])
EVENTS_CONSUMED = Counter(
    "claimline_events_consumed_total", "Events applied by a consumer", ["consumer", "type"]
)
EVENTS_DUPLICATE = Counter(
    "claimline_events_duplicate_total", "Redelivered events skipped by the inbox", ["consumer"]
)
HANDLER_RETRIES = Counter("claimline_handler_retries_total", "Handler attempts that failed", ["consumer"])
DEAD_LETTERS = Counter(
    "claimline_dead_letters_total", "Events sent to a dead-letter topic", ["consumer", "topic"]
)
OUTBOX_PENDING = Gauge("claimline_outbox_pending", "Outbox rows not yet published", ["service"])
CONSUMER_LAG = Gauge(
    "claimline_consumer_lag", "High-water mark minus position", ["consumer", "topic", "partition"]
)
BROKER_CONNECTED = Gauge("claimline_broker_connected", "1 while the bus is connected", ["service"])
BROKER_RESETS = Counter(
    "claimline_broker_resets_total", "Broker epoch changes seen (data lost, outbox replayed)", ["service"]
)
OUTBOX_REPLAYED = Counter(
    "claimline_outbox_replayed_total", "Sent outbox rows re-published after a broker reset", ["service"]
)
INJURY_REPORTS = Counter("claimline_injury_reports_total", "Injury reports stored", ["channel", "severity"])
REPORTS_AWAITING_CLAIM = Gauge("claimline_reports_awaiting_claim", "Reports with no claim yet")
REPORTS_REPUBLISHED = Counter(
    "claimline_reports_republished_total", "Reports re-published for want of a claim"
)
OUTBOX_UNREADABLE = Counter(
    "claimline_outbox_unreadable_total", "Outbox rows sealed under a key no longer configured", ["service"]
)
