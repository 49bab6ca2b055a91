"""Concurrent writers: the claim's row lock keeps the money exact, the roster lock keeps caps."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from services.claims.casework.connecticut_time import ct_today
from tests.service.claims.support import adjuster, deliver, injury_event, open_claim
from tests.support.services import RunningService


async def test_concurrent_payments_on_one_claim_add_up(claims: RunningService) -> None:
    number = (await open_claim(claims, 1))["claim_number"]
    await claims.http.put(f"/v1/claims/{number}/reserves",
                          json={"medical": "1000.00", "indemnity": "0", "expense": "0"})
    answers = await asyncio.gather(*(
        claims.http.post(f"/v1/claims/{number}/payments", json={
            "kind": "medical", "amount": "150.25", "paid_on": ct_today().isoformat()})
        for _ in range(10)))
    assert [a.status_code for a in answers] == [201] * 10
    claim = (await claims.http.get(f"/v1/claims/{number}")).json()
    assert claim["paid"]["medical"] == "1502.50"
    assert claim["reserves"]["medical"] == "0.00"
    used = sum(-Decimal(a.json()["reserve_change"]) for a in answers)
    assert used == Decimal("1000.00")  # the reserve was used up exactly once


async def test_concurrent_openings_respect_the_caps(claims: RunningService) -> None:
    await adjuster(claims, "ava", lost_time_cap=2)
    await adjuster(claims, "ben", lost_time_cap=2)
    await adjuster(claims, "nia", role="nurse_case_manager", lost_time_cap=3)
    await asyncio.gather(*(deliver(claims, injury_event(n)) for n in range(7)))
    listed = (await claims.http.get("/v1/claims")).json()["items"]
    assert len(listed) == 7
    by_adjuster = [c["adjuster"] for c in listed]
    assert by_adjuster.count("ava") == 2 and by_adjuster.count("ben") == 2
    assert by_adjuster.count(None) == 3
    assert [c["nurse_case_manager"] for c in listed].count("nia") == 3
    numbers = sorted(int(c["claim_number"][-6:]) for c in listed)
    assert numbers == list(range(1, 8))  # no gaps under concurrency

    patched = await claims.http.patch("/v1/adjusters/ava", json={"lost_time_cap": 4})
    assert patched.status_code == 200
    waiting = (await claims.http.get("/v1/claims", params={"unassigned": "true"})).json()
    assert waiting["total"] == 1  # ava took two more
    assert (await claims.http.get("/v1/claims", params={"adjuster": "ava"})).json()["total"] == 4

    await adjuster(claims, "noor", role="nurse_case_manager")
    nurse_less = [c for c in (await claims.http.get("/v1/claims")).json()["items"]
                  if c["nurse_case_manager"] == "noor"]
    assert len(nurse_less) == 4  # the claims waiting for a nurse went to the new one
    number = nurse_less[0]["claim_number"]
    full = await claims.http.put(f"/v1/claims/{number}/nurse", json={"nurse": "nia", "reason": "cover"})
    assert full.status_code == 409  # nia carries 3 open claims, at her cap of 3
    assert "cap of 3" in full.json()["detail"] and "override_cap" in full.json()["detail"]
    moved = await claims.http.put(f"/v1/claims/{number}/nurse",
                                  json={"nurse": "nia", "reason": "cover", "override_cap": True})
    assert moved.status_code == 200 and moved.json()["nurse_case_manager"] == "nia"
    history = (await claims.http.get(f"/v1/claims/{number}/history")).json()["items"]
    assert history[-1]["action"] == "nurse_assigned" and history[-1]["details"]["over_cap"] is True
    not_nurse = await claims.http.put(f"/v1/claims/{number}/nurse", json={"nurse": "ava"})
    assert not_nurse.status_code == 409
