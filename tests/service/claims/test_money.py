"""Reserves and payments: validated, exact, announced, append-only, nothing half-written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from services.claims.casework.connecticut_time import ct_today
from services.claims.models import Payment, ReserveChange
from tests.service.claims.support import days_ago, open_claim, outbox
from tests.support.services import RunningService


async def _count(service: RunningService, model: object) -> int:
    async with service.runtime.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())  # type: ignore[arg-type]


async def test_payments_move_totals_use_reserves_and_are_announced(claims: RunningService) -> None:
    claim = await open_claim(claims, 1)
    number = claim["claim_number"]
    today = ct_today().isoformat()
    reserves = await claims.http.put(f"/v1/claims/{number}/reserves",
                                     json={"medical": "5000", "indemnity": 12000.5, "expense": "250.00"})
    assert reserves.status_code == 200, reserves.text
    assert reserves.json()["reserves"] == {"medical": "5000.00", "indemnity": "12000.50",
                                           "expense": "250.00"}

    paid = await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "indemnity", "amount": "812.50", "paid_on": today, "period_start": today,
        "period_end": today, "payee": "Ana Diaz"})
    assert paid.status_code == 201, paid.text
    payment = paid.json()
    assert payment["amount"] == "812.50" and payment["reserve_change"] == "-812.50"
    assert payment["claim"]["paid"] == {"medical": "0.00", "indemnity": "812.50", "expense": "0.00"}
    assert payment["claim"]["reserves"]["indemnity"] == "11188.00"
    assert payment["claim"]["incurred"]["indemnity"] == "12000.50"  # paid + open, unchanged
    assert payment["claim"]["first_indemnity_paid_on"] == today

    medical = await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "medical", "amount": 6000, "paid_on": today, "payee": "Yale New Haven"})
    assert medical.json()["reserve_change"] == "-5000.00"  # never below zero
    assert medical.json()["claim"]["reserves"]["medical"] == "0.00"
    assert medical.json()["claim"]["incurred"]["medical"] == "6000.00"

    issued = await outbox(claims, "claims.payment-issued", number)
    assert [(e["data"]["kind"], e["data"]["amount"]) for e in issued] == [
        ("indemnity", "812.50"), ("medical", "6000.00")]
    assert issued[0]["data"]["employer_fein"] == claim["employer_fein"]
    assert issued[0]["data"]["date_of_injury"] == claim["date_of_injury"]

    document = (await claims.http.get(f"/v1/claims/{number}")).json()
    assert document["totals"] == {"reserves": "11438.00", "paid": "6812.50", "incurred": "18250.50"}
    ledger = (await claims.http.get(f"/v1/claims/{number}/payments")).json()
    assert ledger["total"] == 2
    assert sum(Decimal(p["amount"]) for p in ledger["items"]) == Decimal("6812.50")
    reserve_log = (await claims.http.get(f"/v1/claims/{number}/reserves")).json()["items"]
    assert [r["cause"] for r in reserve_log] == ["set", "payment", "payment"]


async def test_a_reversal_is_a_new_negative_entry(claims: RunningService) -> None:
    number = (await open_claim(claims, 1))["claim_number"]
    today = ct_today().isoformat()
    await claims.http.put(f"/v1/claims/{number}/reserves",
                          json={"medical": "0", "indemnity": "1000", "expense": "0"})
    first = (await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "indemnity", "amount": "400.00", "paid_on": today})).json()
    reversed_ = await claims.http.post(
        f"/v1/claims/{number}/payments/{first['payment_id']}/reversal", json={"reason": "stale check"})
    assert reversed_.status_code == 201, reversed_.text
    entry = reversed_.json()
    assert entry["amount"] == "-400.00" and entry["reversal_of"] == first["payment_id"]
    assert entry["claim"]["paid"]["indemnity"] == "0.00"
    assert entry["claim"]["reserves"]["indemnity"] == "1000.00"  # restored
    assert entry["claim"]["first_indemnity_paid_on"] is None

    twice = await claims.http.post(
        f"/v1/claims/{number}/payments/{first['payment_id']}/reversal", json={"reason": "again"})
    assert twice.status_code == 409 and "already reversed" in twice.json()["detail"]
    of_reversal = await claims.http.post(
        f"/v1/claims/{number}/payments/{entry['payment_id']}/reversal", json={"reason": "undo"})
    assert of_reversal.status_code == 409
    missing = await claims.http.post(f"/v1/claims/{number}/payments/nope/reversal",
                                     json={"reason": "x"})
    assert missing.status_code == 404

    ledger = (await claims.http.get(f"/v1/claims/{number}/payments")).json()["items"]
    assert [p["amount"] for p in ledger] == ["400.00", "-400.00"]  # the original is untouched
    issued = await outbox(claims, "claims.payment-issued", number)
    assert issued[-1]["data"]["amount"] == "-400.00"
    assert issued[-1]["data"]["reversal_of"] == first["payment_id"]


async def test_idempotent_payments(claims: RunningService) -> None:
    number = (await open_claim(claims, 1))["claim_number"]
    body = {"kind": "medical", "amount": "99.99", "paid_on": ct_today().isoformat()}
    headers = {"Idempotency-Key": "pay-1"}
    first = await claims.http.post(f"/v1/claims/{number}/payments", json=body, headers=headers)
    again = await claims.http.post(f"/v1/claims/{number}/payments", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    other = await claims.http.post(f"/v1/claims/{number}/payments",
                                   json={**body, "amount": "100.00"}, headers=headers)
    assert other.status_code == 409
    assert await _count(claims, Payment) == 1
    assert len(await outbox(claims, "claims.payment-issued", number)) == 1


async def test_bad_payments_name_every_field_and_write_nothing(claims: RunningService) -> None:
    claim = await open_claim(claims, 1, severity="medical_only")
    number = claim["claim_number"]
    tomorrow = (ct_today() + timedelta(days=1)).isoformat()

    answer = await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "bonus", "amount": "NaN", "paid_on": "12/01/2026"})
    assert answer.status_code == 422
    assert {tuple(e["loc"]) for e in answer.json()["detail"]} == {
        ("body", "kind"), ("body", "amount"), ("body", "paid_on")}
    for amount in ("-5.00", "1.005", "Infinity", True, "0.00", "1e400"):
        bad = await claims.http.post(f"/v1/claims/{number}/payments", json={
            "kind": "medical", "amount": amount, "paid_on": ct_today().isoformat()})
        assert bad.status_code == 422, (amount, bad.text)
        assert bad.json()["detail"][0]["loc"] == ["body", "amount"], amount
    future = await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "medical", "amount": "10", "paid_on": tomorrow})
    assert future.status_code == 422 and future.json()["detail"][0]["loc"] == ["body", "paid_on"]
    before_injury = await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "medical", "amount": "10", "paid_on": "2001-01-01"})
    assert before_injury.status_code == 422
    indemnity = await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "indemnity", "amount": "10", "paid_on": ct_today().isoformat()})
    assert indemnity.status_code == 409 and "medical only" in indemnity.json()["detail"]
    reserves = await claims.http.put(f"/v1/claims/{number}/reserves",
                                     json={"medical": "-1", "indemnity": "x"})
    assert {tuple(e["loc"]) for e in reserves.json()["detail"]} == {
        ("body", "medical"), ("body", "indemnity"), ("body", "expense")}

    await claims.http.post(f"/v1/claims/{number}/close", json={"reason": "no lost time"})
    closed = await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "medical", "amount": "10", "paid_on": ct_today().isoformat()})
    assert closed.status_code == 409 and "reopen" in closed.json()["detail"]

    assert await _count(claims, Payment) == 0
    assert await _count(claims, ReserveChange) == 0
    assert await outbox(claims, "claims.payment-issued") == []
    assert (await claims.http.post("/v1/claims/WC-2000-000009/payments", json={
        "kind": "medical", "amount": "10", "paid_on": ct_today().isoformat()})).status_code == 404


async def test_scopes(claims: RunningService, keys: object) -> None:
    number = (await open_claim(claims, 1))["claim_number"]
    reader = {"Authorization": f"Bearer {keys.reader}"}  # type: ignore[attr-defined]
    assert (await claims.http.get(f"/v1/claims/{number}", headers=reader)).status_code == 200
    write = await claims.http.put(f"/v1/claims/{number}/reserves", headers=reader,
                                  json={"medical": "1", "indemnity": "1", "expense": "1"})
    assert write.status_code == 403
    anonymous = await claims.http.get(f"/v1/claims/{number}", headers={"Authorization": ""})
    assert anonymous.status_code == 401


async def test_indemnity_is_checked_against_the_benefit_state(claims: RunningService) -> None:
    injured = datetime(2025, 1, 15, 14, tzinfo=UTC)
    claim = await open_claim(claims, 1, occurred_at=injured, received_at=days_ago(5))
    number = claim["claim_number"]
    today = ct_today()

    async def pay(**body: object) -> dict[str, Any]:
        answer = await claims.http.post(f"/v1/claims/{number}/payments", json={
            "kind": "indemnity", "amount": "500.00", "paid_on": today.isoformat(), **body})
        assert answer.status_code == 201, answer.text  # warned, never refused
        return answer.json()  # type: ignore[no-any-return]

    no_rate = await pay()
    assert [w["code"] for w in no_rate["warnings"]] == ["no_compensation_rate"]
    assert "POST /wage" in no_rate["warnings"][0]["message"]
    await claims.http.post(f"/v1/claims/{number}/wage", json={
        "average_weekly_wage": "1500.00", "after_tax_average_weekly_wage": "1130.00"})  # 847.50 a week
    week = {"period_start": (today - timedelta(days=6)).isoformat(), "period_end": today.isoformat()}
    assert (await pay(amount="847.50", **week))["warnings"] == []
    over = await pay(amount="900.00", **week)
    assert [w["code"] for w in over["warnings"]] == ["more_than_weekly_rate"]
    assert "847.50" in over["warnings"][0]["message"]
    medical = await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "medical", "amount": "99999.00", "paid_on": today.isoformat()})
    assert medical.json()["warnings"] == []

    contested = await claims.http.post(f"/v1/claims/{number}/decision", json={
        "decision": "contest", "reason": "Not in the course of employment"})
    assert contested.json()["status"] == "contested", contested.text
    on_contest = await pay(amount="100.00")
    assert [w["code"] for w in on_contest["warnings"]] == ["indemnity_on_contested_claim"]
    assert on_contest["warnings"][0]["rule"] == "CGS 31-294c(b)"
    history = (await claims.http.get(f"/v1/claims/{number}/history")).json()["items"]
    assert history[-1]["details"]["warnings"] == ["indemnity_on_contested_claim"]


async def test_a_missing_rate_year_is_named_when_indemnity_is_paid(claims: RunningService) -> None:
    claim = await open_claim(claims, 1, occurred_at=datetime(2026, 10, 2, 14, tzinfo=UTC))
    paid = await claims.http.post(f"/v1/claims/{claim['claim_number']}/payments", json={
        "kind": "indemnity", "amount": "500.00", "paid_on": ct_today().isoformat()})
    assert paid.status_code == 201
    assert "2026 rate year" in paid.json()["warnings"][0]["message"]
