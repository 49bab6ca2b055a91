"""Statuses, decisions (Form 43), classifications dated, Form 36, close and reopen."""

from __future__ import annotations

from datetime import timedelta

from services.claims.casework.connecticut_time import ct_today
from tests.service.claims.support import days_ago, open_claim, outbox
from tests.support.services import RunningService


async def test_decisions_follow_the_state_machine(claims: RunningService) -> None:
    number = (await open_claim(claims, 1))["claim_number"]
    url = f"/v1/claims/{number}"

    no_reason = await claims.http.post(f"{url}/decision", json={"decision": "contest"})
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
    assert "Form 43" in no_reason.json()["detail"][0]["msg"]

    contested = await claims.http.post(f"{url}/decision", json={
        "decision": "contest", "reason": "Injury did not arise out of employment: off premises"})
    assert contested.status_code == 200, contested.text
    assert contested.json()["status"] == "contested"
    assert contested.json()["contested_on"] == ct_today().isoformat()
    assert [d["kind"] for d in contested.json()["deadlines"]].count("contest_by") == 0

    impossible = await claims.http.post(f"{url}/decision", json={"decision": "accept_without_prejudice"})
    assert impossible.status_code == 409
    assert "contested" in impossible.json()["detail"]

    accepted = await claims.http.post(f"{url}/decision", json={"decision": "accept"})
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["contest_resolved_on"] == ct_today().isoformat()
    again = await claims.http.post(f"{url}/decision", json={"decision": "contest", "reason": "late"})
    assert again.status_code == 409 and "31-294c" in again.json()["detail"]

    history = (await claims.http.get(f"{url}/history")).json()["items"]
    decisions = [h["details"] for h in history if h["action"] == "decision"]
    assert [(d["decision"], d["form"]) for d in decisions] == [("contest", "Form 43"), ("accept", None)]
    assert all(h["actor"] == "test-admin" for h in history if h["action"] == "decision")
    changed = await outbox(claims, "claims.claim-changed", number)
    assert [e["data"]["status"] for e in changed] == ["contested", "accepted"]


async def test_the_28_day_clock_precludes_a_late_contest(claims: RunningService) -> None:
    late = await open_claim(claims, 1, received_at=days_ago(40))
    contest_by = next(d for d in late["deadlines"] if d["kind"] == "contest_by")
    assert contest_by["state"] == "missed" and contest_by["basis"] == "CGS 31-294c"
    assert late["deadlines"][0]["kind"] == "contest_by"  # the clock that can preclude a defence first
    refused = await claims.http.post(f"/v1/claims/{late['claim_number']}/decision", json={
        "decision": "contest", "reason": "Not work related"})
    assert refused.status_code == 409
    assert "conclusively presumed" in refused.json()["detail"]
    assert "Harpaz" in refused.json()["detail"]

    # Paying within the 28 days keeps the contest open for a year (CGS 31-294c(b)).
    paid = await open_claim(claims, 2, received_at=days_ago(40))
    pay = await claims.http.post(f"/v1/claims/{paid['claim_number']}/payments", json={
        "kind": "medical", "amount": "120.00", "paid_on": (ct_today() - timedelta(days=30)).isoformat()})
    assert pay.status_code == 201
    contest_by = (await claims.http.get(f"/v1/claims/{paid['claim_number']}")).json()["deadlines"][0]
    assert contest_by["kind"] == "contest_by" and contest_by["state"] == "met"
    allowed = await claims.http.post(f"/v1/claims/{paid['claim_number']}/decision", json={
        "decision": "contest", "reason": "IME: condition pre-existing, not aggravated at work"})
    assert allowed.status_code == 200, allowed.text


async def test_without_prejudice_window(claims: RunningService) -> None:
    number = (await open_claim(claims, 1))["claim_number"]
    awp = await claims.http.post(f"/v1/claims/{number}/decision",
                                 json={"decision": "accept_without_prejudice"})
    assert awp.json()["status"] == "accepted_without_prejudice"
    window = next(d for d in awp.json()["deadlines"] if d["kind"] == "contest_without_prejudice_by")
    assert window["due_on"] == ct_today().replace(year=ct_today().year + 1).isoformat() or \
        window["due_on"].endswith("-02-28")
    assert window["state"] == "pending"


async def test_classification_changes_are_dated(claims: RunningService) -> None:
    claim = await open_claim(claims, 1, severity="medical_only", received_at=days_ago(20))
    number = claim["claim_number"]
    assert claim["nurse_case_manager"] is None
    ten_days_ago = (ct_today() - timedelta(days=10)).isoformat()

    same = await claims.http.post(f"/v1/claims/{number}/classification",
                                  json={"classification": "medical_only", "effective_on": ten_days_ago})
    assert same.status_code == 409 and "already" in same.json()["detail"]
    future = await claims.http.post(f"/v1/claims/{number}/classification", json={
        "classification": "temporary_total", "effective_on": (ct_today() + timedelta(days=1)).isoformat()})
    assert future.status_code == 422
    bad = await claims.http.post(f"/v1/claims/{number}/classification",
                                 json={"classification": "sprain", "effective_on": "yesterday"})
    assert {tuple(e["loc"]) for e in bad.json()["detail"]} == {
        ("body", "classification"), ("body", "effective_on")}

    lost_time = await claims.http.post(f"/v1/claims/{number}/classification", json={
        "classification": "temporary_total", "effective_on": ten_days_ago})
    assert lost_time.status_code == 200 and lost_time.json()["classification"] == "temporary_total"
    died = await claims.http.post(f"/v1/claims/{number}/classification",
                                  json={"classification": "death", "effective_on": ct_today().isoformat()})
    assert died.json()["classification"] == "death"
    after_death = await claims.http.post(f"/v1/claims/{number}/classification", json={
        "classification": "permanent_total", "effective_on": ct_today().isoformat()})
    assert after_death.status_code == 409 and "death" in after_death.json()["detail"]

    changes = (await claims.http.get(f"/v1/claims/{number}/classifications")).json()["items"]
    assert [(c["classification"], c["effective_on"]) for c in changes] == [
        ("medical_only", claim["date_of_injury"]), ("temporary_total", ten_days_ago),
        ("death", ct_today().isoformat())]

    as_of = (ct_today() - timedelta(days=15)).isoformat()
    kpis = (await claims.http.get("/v1/kpis", params={"as_of": as_of})).json()
    assert kpis["by_classification"] == {"medical_only": 1}
    kpis = (await claims.http.get("/v1/kpis", params={"as_of": ten_days_ago})).json()
    assert kpis["by_classification"] == {"temporary_total": 1}
    assert (await claims.http.get("/v1/kpis")).json()["by_classification"] == {"death": 1}


async def test_close_releases_reserves_and_reopen(claims: RunningService) -> None:
    number = (await open_claim(claims, 1))["claim_number"]
    today = ct_today().isoformat()
    await claims.http.put(f"/v1/claims/{number}/reserves",
                          json={"medical": "100", "indemnity": "900", "expense": "0"})
    await claims.http.post(f"/v1/claims/{number}/payments",
                           json={"kind": "medical", "amount": "40", "paid_on": today})
    closed = await claims.http.post(f"/v1/claims/{number}/close", json={"reason": "returned to work"})
    assert closed.status_code == 200
    document = closed.json()
    assert document["status"] == "closed" and document["closed_on"] == today
    assert document["totals"] == {"reserves": "0.00", "paid": "40.00", "incurred": "40.00"}
    assert document["deadlines"] == []  # the clocks stop
    for path, body in (("/reserves", {"medical": "1", "indemnity": "1", "expense": "1"}),):
        assert (await claims.http.put(f"/v1/claims/{number}{path}", json=body)).status_code == 409
    assert (await claims.http.post(f"/v1/claims/{number}/close")).status_code == 409
    reopened = await claims.http.post(f"/v1/claims/{number}/reopen", json={"reason": "new surgery"})
    assert reopened.json()["status"] == "reopened" and reopened.json()["closed_on"] is None
    assert (await claims.http.post(f"/v1/claims/{number}/reopen")).status_code == 409
    statuses = [e["data"]["status"] for e in await outbox(claims, "claims.claim-changed", number)]
    assert statuses[-2:] == ["closed", "reopened"]


async def test_form36_objection_window(claims: RunningService) -> None:
    number = (await open_claim(claims, 1, received_at=days_ago(60)))["claim_number"]
    early = await claims.http.post(f"/v1/claims/{number}/form36", json={
        "reason": "Released to full duty", "filed_on": ct_today().isoformat()})
    assert early.status_code == 409 and "no indemnity" in early.json()["detail"]
    await claims.http.post(f"/v1/claims/{number}/decision", json={
        "decision": "accept", "decided_on": (ct_today() - timedelta(days=50)).isoformat()})
    await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "indemnity", "amount": "900", "paid_on": (ct_today() - timedelta(days=45)).isoformat()})

    filed_on = ct_today() - timedelta(days=20)
    filed = await claims.http.post(f"/v1/claims/{number}/form36", json={
        "reason": "Released to full duty by Dr. Lee", "filed_on": filed_on.isoformat()})
    assert filed.status_code == 201, filed.text
    form = filed.json()
    assert form["objection_by"] == (filed_on + timedelta(days=15)).isoformat()
    assert form["outcome"] == "in_effect"  # 20 days on, no objection: in effect
    clock = next(d for d in (await claims.http.get(f"/v1/claims/{number}/deadlines")).json()["items"]
                 if d["kind"] == "form36_objection")
    assert clock["state"] == "missed" and clock["basis"] == "CGS 31-296"

    objected = await claims.http.post(f"/v1/claims/{number}/form36/{form['form36_id']}/objection",
                                      json={"objected_on": (filed_on + timedelta(days=3)).isoformat()})
    assert objected.status_code == 200 and objected.json()["outcome"] == "objected"
    second = await claims.http.post(f"/v1/claims/{number}/form36", json={
        "reason": "Second notice", "filed_on": ct_today().isoformat()})
    assert second.status_code == 201
    third = await claims.http.post(f"/v1/claims/{number}/form36", json={
        "reason": "Third notice", "filed_on": ct_today().isoformat()})
    assert third.status_code == 409 and "15-day" in third.json()["detail"]
