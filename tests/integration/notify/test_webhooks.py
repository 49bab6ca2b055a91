"""Webhooks of employers and carriers, over the broker: signed deliveries a receiver on
127.0.0.1 verifies, retries after failures, and `failed` + `notify.delivery-failed` at the end."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from services.notify.webhooks import verify_signature
from tests.integration.notify.conftest import Stack
from tests.support.notify.receivers import HttpReceiver, http_receiver
from tests.support.reports import report_body
from tests.support.services import eventually

SECRET = "whsec-employer-5c1b7e0a93"


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with http_receiver() as server:
        yield server


async def report_for(stack: Stack, receiver: HttpReceiver, fein: str) -> tuple[dict[str, Any], str]:
    """Subscribe `receiver` to injury reports of `fein`, report one; answers (report, subscription id)."""
    subscribed = await stack.notify.http.post("/v1/subscriptions", json={
        "url": receiver.url, "event_types": ["intake.injury-reported"], "employer_fein": fein,
        "secret": SECRET})
    assert subscribed.status_code == 201, subscribed.text
    body = report_body(200)
    body["employer"]["fein"] = fein
    answer = await stack.intake.http.post("/v1/injury-reports", json=body)
    assert answer.status_code == 202
    return answer.json(), subscribed.json()["subscription_id"]


async def settled(stack: Stack, subscription_id: str) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        items = await stack.notifications(subscription_id=subscription_id)
        return items[0] if items and items[0]["status"] in ("delivered", "failed") else None

    item: dict[str, Any] = await eventually(check, timeout=15, interval=0.05, what="the delivery settled")
    return item


async def test_a_delivery_is_signed_with_the_subscription_secret(
    stack: Stack, receiver: HttpReceiver,
) -> None:
    report, subscription_id = await report_for(stack, receiver, "06-7000001")
    item = await settled(stack, subscription_id)
    assert (item["status"], item["attempts"], item["transport"]) == ("delivered", 1, "http")
    [request] = receiver.requests()
    assert verify_signature(SECRET, request.body, request.headers["X-Claimline-Signature"], int(time.time()))
    assert not verify_signature("another-secret-entirely", request.body,
                                request.headers["X-Claimline-Signature"], int(time.time()))
    event = request.json()
    assert event["type"] == "intake.injury-reported" and event["specversion"] == "1.0"
    assert event["data"]["report_id"] == report["report_id"]
    assert event["id"] == item["event_id"]
    assert request.headers["X-Claimline-Delivery"] == item["notification_id"]
    assert request.headers["Content-Type"] == "application/cloudevents+json"


async def test_a_delivery_is_retried_until_the_receiver_takes_it(
    stack: Stack, receiver: HttpReceiver,
) -> None:
    receiver.script = [500, 500]  # then 200
    _report, subscription_id = await report_for(stack, receiver, "06-7000002")
    item = await settled(stack, subscription_id)
    assert (item["status"], item["attempts"]) == ("delivered", 3)
    assert item["last_error"] == "HTTP 500 from the receiver"  # the last failure stays visible
    requests = receiver.requests()
    assert len(requests) == 3
    assert {r.headers["X-Claimline-Delivery"] for r in requests} == {item["notification_id"]}
    assert len({r.body for r in requests}) == 1


async def test_a_delivery_fails_for_good_after_every_attempt(stack: Stack, receiver: HttpReceiver) -> None:
    receiver.default = 500
    _report, subscription_id = await report_for(stack, receiver, "06-7000003")
    item = await settled(stack, subscription_id)
    assert (item["status"], item["attempts"]) == ("failed", 3)
    assert item["last_error"] == "HTTP 500 from the receiver"
    assert item["failed_at"] is not None
    failed = await stack.published(
        "notify.delivery-failed", lambda e: e.data["notification_id"] == item["notification_id"])
    assert failed.data == {"notification_id": item["notification_id"], "recipient": receiver.url,
                           "channel": "webhook", "event_id": item["event_id"],
                           "error": "HTTP 500 from the receiver", "attempts": 3}
    assert len(receiver.requests()) == 3
