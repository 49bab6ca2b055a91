"""An adjuster's day through the API, over a real broker: the report arrives as an assigned
claim, the clocks are shown and warned of on the topic, payments move the totals and reach
the topic, the rate matches the injury's rate year, and KPIs and the loss run agree."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from aiokafka import AIOKafkaConsumer

from services.claims.casework.connecticut_time import ct_today
from tests.conftest import Broker
from tests.integration.conftest import Start
from tests.support.reports import report_body
from tests.support.services import connected, eventually


class TopicReader:
    """Reads claims topics from the start, as a separate consumer group would."""

    def __init__(self, bootstrap: str, topics: list[str]) -> None:
        self.consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap,
                                         auto_offset_reset="earliest", enable_auto_commit=False,
                                         group_id=f"reader-{uuid.uuid4()}", fetch_max_wait_ms=50)
        self.events: list[dict[str, Any]] = []

    async def where(self, **match: Any) -> list[dict[str, Any]]:
        batch = await self.consumer.getmany(timeout_ms=200)
        for records in batch.values():
            self.events.extend(json.loads(r.value) for r in records if r.value)
        return [e for e in self.events
                if all(e.get(k) == v or e["data"].get(k) == v for k, v in match.items())]


async def test_an_adjusters_day(start: Start, broker: Broker) -> None:
    intake = await start("intake")
    claims = await start("claims", deadline_scan_interval_s=0.3, deadline_warn_days=7)
    await connected(intake)
    await connected(claims)
    reader = TopicReader(broker.bootstrap, ["claims.claim-opened", "claims.payment-issued",
                                            "claims.deadline-due", "claims.claim-changed"])
    await reader.consumer.start()
    try:
        for body in ({"username": "jdoe", "name": "Jane Doe", "license_number": "CT-2471185"},
                     {"username": "nia", "name": "Nia Cruz", "role": "nurse_case_manager"}):
            assert (await claims.http.post("/v1/adjusters", json=body)).status_code == 201

        report = report_body(1, occurred_at="2025-03-10T09:00:00-05:00",
                             reported_to_employer_on="2025-03-10")
        answer = await intake.http.post("/v1/injury-reports", json=report)
        assert answer.status_code == 202, answer.text
        report_id = answer.json()["report_id"]

        async def claim_shown() -> str | None:
            found = (await intake.http.get(f"/v1/injury-reports/{report_id}")).json()
            return found["claim_number"] if found["status"] == "claim_opened" else None

        number = await eventually(claim_shown, what="intake shows the claim number")
        opened = await eventually(lambda: reader.where(type="claims.claim-opened", subject=number),
                                  what="claim-opened on the topic")
        assert opened[0]["data"]["adjuster"] == "jdoe"  # arrives assigned

        claim = (await claims.http.get(f"/v1/claims/{number}")).json()
        assert (claim["adjuster"], claim["nurse_case_manager"]) == ("jdoe", "nia")
        assert claim["deadlines"][0]["kind"] == "contest_by"
        assert claim["deadlines"][0]["basis"] == "CGS 31-294c"

        # The scanner warns on the topic: the first report (due 7 days after a 2025 injury)
        # is missed, and the first contact (next business day) is approaching.
        due = await eventually(lambda: reader.where(type="claims.deadline-due", subject=number,
                                                    kind="first_report_to_commission"),
                               what="the missed first report announced")
        assert due[0]["data"]["state"] == "missed" and due[0]["data"]["basis"] == "CGS 31-316"
        approaching = await eventually(lambda: reader.where(type="claims.deadline-due", subject=number,
                                                            kind="first_contact"),
                                       what="the first contact announced")
        assert approaching[0]["data"]["state"] == "approaching"

        wage = await claims.http.post(f"/v1/claims/{number}/wage", json={
            "average_weekly_wage": "1500.00", "after_tax_average_weekly_wage": "1130.00"})
        assert wage.json()["compensation_rate"]["weekly_rate"] == "847.50"
        assert wage.json()["compensation_rate"]["rate_year"] == 2024

        decision = await claims.http.post(f"/v1/claims/{number}/decision", json={"decision": "accept"})
        assert decision.json()["status"] == "accepted"
        await claims.http.put(f"/v1/claims/{number}/reserves",
                              json={"medical": "4000", "indemnity": "20000", "expense": "500"})
        today = ct_today().isoformat()
        for kind, amount in (("indemnity", "847.50"), ("medical", "312.40"), ("indemnity", "847.50")):
            paid = await claims.http.post(
                f"/v1/claims/{number}/payments", json={"kind": kind, "amount": amount, "paid_on": today},
                headers={"Idempotency-Key": str(uuid.uuid4())})
            assert paid.status_code == 201, paid.text
        issued = await eventually(lambda: _at_least(reader.where(type="claims.payment-issued",
                                                                  subject=number), 3),
                                  what="three payments on the topic")
        assert sum(Decimal(e["data"]["amount"]) for e in issued) == Decimal("2007.40")

        claim = (await claims.http.get(f"/v1/claims/{number}")).json()
        assert claim["paid"] == {"medical": "312.40", "indemnity": "1695.00", "expense": "0.00"}
        assert claim["totals"]["incurred"] == "24500.00"
        assert claim["first_indemnity_paid_on"] == today

        fein = claim["employer_fein"]
        run = (await claims.http.get("/v1/loss-runs", params={"employer_fein": fein})).json()
        row = next(r for r in run["items"] if r["year"] == 2025)
        assert row["paid"] == {"medical": "312.40", "indemnity": "1695.00", "total": "2007.40"}
        assert row["incurred"]["total"] == "24000.00"  # expense is not a loss
        assert row["with_expense"]["incurred"] == claim["totals"]["incurred"]  # they reconcile
        kpis = (await claims.http.get("/v1/kpis", params={"employer_fein": fein})).json()
        assert kpis["benchmarks"]["first_indemnity_within_21_days_of_injury"]["denominator"] == 1
        assert kpis["by_status"] == {"accepted": 1}

        history = (await claims.http.get(f"/v1/claims/{number}/history")).json()["items"]
        assert [h["action"] for h in history] == ["opened", "wage", "decision", "reserves",
                                                  "payment", "payment", "payment"]
        assert {h["actor"] for h in history[1:]} == {"test-admin"}
        changed = await eventually(lambda: _at_least(reader.where(type="claims.claim-changed",
                                                                   subject=number), 6),
                                   what="every change on the topic")
        assert changed[-1]["data"]["changed_by"] == "test-admin"
    finally:
        await reader.consumer.stop()


async def _at_least(found: Any, count: int) -> Any:
    events = await found
    return events if len(events) >= count else None
