"""Delivery by the worker, to real receivers: the file transport of the development system,
webhooks matched by `employer_fein`, a deleted subscription, and a restart mid-retry."""

from __future__ import annotations

import json
from contextlib import AsyncExitStack
from typing import Any

from services.notify.webhooks import verify_signature
from tests.service.notify.conftest import Notify, StartNotify
from tests.support.notify.events import claim_opened, injury_reported
from tests.support.notify.receivers import http_receiver
from tests.support.services import eventually

NURSE = {"name": "Rita Moreno, RN", "phone": "+18605550142", "email": "rita@shoreline.example"}
SECRET = "whsec-7f3a9c1e5b2d4086"


async def log_of(notify: Notify, **params: Any) -> list[dict[str, Any]]:
    answer = await notify.http.get("/v1/notifications", params=params)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def settled(notify: Notify, what: str, **params: Any) -> list[dict[str, Any]]:
    """The notifications matching `params`, once none is pending or retrying any more."""

    async def check() -> list[dict[str, Any]]:
        items = await log_of(notify, **params)
        return items if items and all(i["status"] in ("delivered", "failed") for i in items) else []

    return await eventually(check, timeout=15, interval=0.05, what=what)


async def test_without_smtp_or_sms_gateway_a_page_is_written_to_a_file(notify: Notify) -> None:
    await notify.http.put("/v1/on-call", json={"nurse": NURSE})
    event = injury_reported()
    assert await notify.apply(event)
    assert not await notify.apply(event)  # the same event again: the inbox makes it a no-op
    items = await settled(notify, "the page delivered", event_id=event.id)
    fields = ("channel", "recipient", "status", "transport", "attempts")
    assert sorted(tuple(i[f] for f in fields) for i in items) == [
        ("email", NURSE["email"], "delivered", "file", 1),
        ("sms", NURSE["phone"], "delivered", "file", 1),
    ]
    folder = notify.service.runtime.settings.data_dir / "deliveries"
    sms = [json.loads(line) for line in (folder / "sms.jsonl").read_text().splitlines()]
    mine = [line for line in sms if line["notification_id"] in {i["notification_id"] for i in items}]
    assert len(mine) == 1 and mine[0]["to"] == NURSE["phone"]
    assert "CL-7K3F-92QD" in mine[0]["text"]
    emails = (folder / "email.jsonl").read_text()
    assert "Catastrophic injury CL-7K3F-92QD" in emails

    metrics = (await notify.http.get("/metrics")).text
    assert 'claimline_notify_deliveries_total{channel="sms",outcome="delivered",transport="file"}' in metrics


async def test_a_webhook_gets_the_events_of_its_types_and_employer(notify: Notify) -> None:
    with http_receiver() as receiver, http_receiver() as other_employer, http_receiver() as other_type:
        for url, fein, types in ((receiver.url, "06-5551001", ["claims.claim-opened"]),
                                 (other_employer.url, "06-5551002", ["claims.claim-opened"]),
                                 (other_type.url, "06-5551001", ["claims.payment-issued"])):
            answer = await notify.http.post("/v1/subscriptions", json={
                "url": url, "event_types": types, "employer_fein": fein, "secret": SECRET})
            assert answer.status_code == 201
        event = claim_opened(fein="06-5551001")
        await notify.apply(event)
        [item] = await settled(notify, "the webhook delivered", event_id=event.id)
        assert (item["channel"], item["recipient"], item["status"], item["transport"]) == (
            "webhook", receiver.url, "delivered", "http")
        [request] = receiver.requests()
        assert request.json()["id"] == event.id
        assert request.json()["data"]["employer_fein"] == "06-5551001"
        assert request.headers["X-Claimline-Delivery"] == item["notification_id"]
        signed_at = int(request.headers["X-Claimline-Signature"].split(",")[0][2:])
        assert verify_signature(SECRET, request.body, request.headers["X-Claimline-Signature"], signed_at)
        assert other_employer.requests() == [] and other_type.requests() == []


async def test_deliveries_of_a_deleted_subscription_end_failed(fresh_notify: StartNotify) -> None:
    notify = await fresh_notify(delivery_max_attempts=100, delivery_backoff_s=0.2, delivery_backoff_factor=1)
    with http_receiver() as receiver:
        receiver.default = 503
        created = (await notify.http.post("/v1/subscriptions", json={
            "url": receiver.url, "event_types": ["claims.claim-opened"], "employer_fein": "06-5552001",
            "secret": SECRET})).json()
        event = claim_opened(fein="06-5552001")
        await notify.apply(event)

        async def retrying() -> bool:
            return bool([i for i in await log_of(notify, event_id=event.id) if i["status"] == "retrying"])

        await eventually(retrying, what="a retry")
        await notify.http.delete(f"/v1/subscriptions/{created['subscription_id']}")
        [item] = await settled(notify, "the delivery ended", event_id=event.id)
        assert item["status"] == "failed"
        assert item["last_error"] == "the subscription was deleted before delivery"
        assert not await notify.apply(event)  # already applied; and a new event matches nothing
        later = claim_opened(fein="06-5552001")
        await notify.apply(later)
        assert await log_of(notify, event_id=later.id) == []


async def test_a_restart_resumes_deliveries_that_were_retrying(fresh_notify: StartNotify) -> None:
    with http_receiver("/sms") as gateway:
        gateway.default = 503
        async with AsyncExitStack() as first_run:
            first = await fresh_notify(within=first_run, sms_gateway_url=gateway.url,
                                       delivery_max_attempts=10, delivery_backoff_s=0.5,
                                       delivery_backoff_factor=1)
            await first.http.put("/v1/on-call", json={"nurse": NURSE})
            event = injury_reported()
            await first.apply(event)

            async def sms_retrying() -> bool:
                items = await log_of(first, event_id=event.id, channel="sms")
                return bool(items and items[0]["status"] == "retrying")

            await eventually(sms_retrying, what="the SMS retrying")
        # the service is stopped with the page undelivered; the gateway comes back
        gateway.default = 200
        tried = len(gateway.requests())
        second = await fresh_notify(database_url=first.database_url, sms_gateway_url=gateway.url)
        [sms] = await settled(second, "the page delivered after the restart", event_id=event.id,
                              channel="sms")
        assert sms["status"] == "delivered" and sms["transport"] == "sms-gateway"
        assert sms["attempts"] == tried + 1
        last = gateway.requests()[-1]
        assert last.json()["to"] == NURSE["phone"] and "CL-7K3F-92QD" in last.json()["body"]
        assert last.headers["X-Claimline-Delivery"] == sms["notification_id"]
