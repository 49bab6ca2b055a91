"""A catastrophic injury reported to intake pages the on-call nurse at once, by SMS (a real
HTTP gateway) and email (a real SMTP server); nothing else pages anyone, nobody is paged twice,
and a page that cannot go out is never silent."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.integration.notify.conftest import GATEWAY_TOKEN, Stack
from tests.support.reports import report_body
from tests.support.services import eventually

SSN, BORN, EMPLOYEE_PHONE = "123-45-6789", "1980-04-02", "+18605550100"


def nurse(n: int) -> dict[str, str]:
    return {"name": f"Nurse {n}, RN", "phone": f"+1860555{n:04d}", "email": f"nurse{n}@trust.example"}


async def report(stack: Stack, n: int, severity: str) -> dict[str, Any]:
    answer = await stack.intake.http.post("/v1/injury-reports", json=report_body(n, severity=severity))
    assert answer.status_code == 202, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_a_catastrophic_report_pages_the_on_call_nurse_by_sms_and_email(
    stack: Stack, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    on_call = nurse(1)
    assert (await stack.notify.http.put("/v1/on-call", json={"nurse": on_call})).status_code == 200
    answer = await report(stack, 101, "fatal")
    assert answer["catastrophic"] is True
    number = answer["confirmation_number"]

    async def paged() -> bool:
        texts = [r.json() for r in stack.sms_gateway.requests() if number in r.json()["body"]]
        return bool(texts and stack.mailbox.to(on_call["email"]))

    await eventually(paged, timeout=15, interval=0.05, what="the nurse paged by SMS and email")
    [sms] = [r for r in stack.sms_gateway.requests() if number in r.json()["body"]]
    assert sms.json()["to"] == on_call["phone"]
    assert sms.headers["Authorization"] == f"Bearer {GATEWAY_TOKEN}"
    [email] = stack.mailbox.to(on_call["email"])
    assert number in email["Subject"] and "fatal" in email["Subject"]
    text = email.get_content()
    for page in (sms.json()["body"], text):
        assert "Shoreline Health" in page and "Wallingford, CT" in page and EMPLOYEE_PHONE in page
        assert SSN not in page and "6789" not in page and BORN not in page

    event_id = (await stack.event_ids(answer["report_id"]))[0]  # the first publication
    items = await eventually(lambda: _settled(stack, event_id), what="the log shows both delivered")
    assert sorted((i["channel"], i["recipient"], i["status"], i["transport"]) for i in items) == [
        ("email", on_call["email"], "delivered", "smtp"),
        ("sms", on_call["phone"], "delivered", "sms-gateway"),
    ]
    assert sms.headers["X-Claimline-Delivery"] in {i["notification_id"] for i in items}
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("services.", "shared.")))
    assert number in ours  # the page is logged, by confirmation number only
    for secret in (SSN, BORN, EMPLOYEE_PHONE):
        assert secret not in ours  # no page text, no personal data in Claimline's logs


async def _settled(stack: Stack, event_id: str) -> list[dict[str, Any]]:
    items = await stack.notifications(event_id=event_id)
    return items if len(items) == 2 and all(i["status"] == "delivered" for i in items) else []


async def test_a_routine_report_pages_nobody(stack: Stack) -> None:
    await stack.notify.http.put("/v1/on-call", json={"nurse": nurse(2)})
    answer = await report(stack, 102, "lost_time")
    assert answer["catastrophic"] is False
    ids = await eventually(lambda: stack.event_ids(answer["report_id"]), what="notify saw it")
    assert await stack.notifications(event_id=ids[0]) == []
    assert await stack.notifications(recipient=nurse(2)["phone"]) == []
    assert not [r for r in stack.sms_gateway.requests() if answer["confirmation_number"] in r.json()["body"]]


async def test_a_republished_report_pages_once(stack: Stack) -> None:
    on_call = nurse(3)
    await stack.notify.http.put("/v1/on-call", json={"nurse": on_call})
    answer = await report(stack, 103, "catastrophic")

    async def published_three_times() -> list[str]:
        ids = await stack.event_ids(answer["report_id"])
        return ids if len(ids) >= 3 else []

    # no claims service runs: intake re-publishes the report every second
    await eventually(published_three_times, timeout=20, what="three publications seen by notify")
    shown = (await stack.intake.http.get(f"/v1/injury-reports/{answer['report_id']}")).json()
    assert shown["publications"] >= 3
    for channel, recipient in (("sms", on_call["phone"]), ("email", on_call["email"])):
        [item] = await stack.notifications(recipient=recipient, channel=channel)
        assert item["status"] in ("pending", "delivered")

    async def delivered() -> bool:
        items = await stack.notifications(recipient=on_call["phone"])
        return items[0]["status"] == "delivered"

    await eventually(delivered, what="the page delivered")
    texts = [r for r in stack.sms_gateway.requests() if answer["confirmation_number"] in r.json()["body"]]
    assert len(texts) == 1
    assert len(stack.mailbox.to(on_call["email"])) == 1


async def test_with_nobody_on_call_the_page_fails_loudly(
    stack: Stack, caplog: pytest.LogCaptureFixture,
) -> None:
    assert (await stack.notify.http.delete("/v1/on-call")).status_code == 204
    answer = await report(stack, 104, "catastrophic")
    event_id = (await eventually(lambda: stack.event_ids(answer["report_id"]), what="notify saw it"))[0]
    items = await stack.notifications(event_id=event_id)
    assert sorted((i["channel"], i["status"], i["attempts"]) for i in items) == [
        ("email", "failed", 0), ("sms", "failed", 0)]
    assert all("no nurse is on call" in i["last_error"] for i in items)
    assert all(i["recipient"] == "on-call nurse (nobody on call)" for i in items)

    ids = {i["notification_id"] for i in items}
    failed = await stack.published("notify.delivery-failed", lambda e: e.data["notification_id"] in ids)
    assert failed.data["event_id"] == event_id and failed.data["attempts"] == 0
    assert "no nurse is on call" in failed.data["error"]
    assert any(r.levelno == logging.ERROR and r.name.startswith("services.notify")
               and answer["confirmation_number"] in r.getMessage() for r in caplog.records)
    metrics = (await stack.notify.http.get("/metrics")).text
    assert 'claimline_notify_deliveries_total{channel="sms",outcome="failed",transport="none"}' in metrics
