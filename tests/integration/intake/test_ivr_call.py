"""Intake driven as the IVR drives it, with claims behind it over a real broker."""

from __future__ import annotations

from typing import Any

from tests.conftest import Keys
from tests.integration.conftest import Start
from tests.support.reports import report_body
from tests.support.services import RunningService, connected, eventually


async def _claim_shown(intake: RunningService, report_id: str, headers: dict[str, str]) -> dict[str, Any]:
    async def opened() -> dict[str, Any] | None:
        shown = (await intake.http.get(f"/v1/injury-reports/{report_id}", headers=headers)).json()
        return shown if shown["status"] == "claim_opened" else None

    found: dict[str, Any] = await eventually(opened, what=f"report {report_id} shows its claim")
    return found


async def test_an_ivr_call_from_first_prompt_to_claim_number(start: Start, keys: Keys) -> None:
    intake = await start("intake")
    claims = await start("claims")
    await connected(intake)
    await connected(claims)
    ivr = {"Authorization": f"Bearer {keys.ivr}"}

    # The caller gets two answers wrong: the IVR hears exactly which, and asks again for those.
    call = report_body(1)
    call["employee"]["ssn"] = "123-45-678"
    call["injury"]["severity"] = "it hurts"
    wrong = await intake.http.post("/v1/injury-reports", json=call, headers=ivr)
    assert wrong.status_code == 422
    assert sorted(e["loc"] for e in wrong.json()["detail"]) == [
        ["body", "employee", "ssn"], ["body", "injury", "severity"]]
    call["employee"]["ssn"] = "123-45-6789"
    call["injury"]["severity"] = "lost_time"

    # Taken; the line drops before the caller hears the number, and the IVR retries.
    retry_safe = {**ivr, "Idempotency-Key": "ivr-call-20261122-0001"}
    taken = await intake.http.post("/v1/injury-reports", json=call, headers=retry_safe)
    retried = await intake.http.post("/v1/injury-reports", json=call, headers=retry_safe)
    assert taken.status_code == retried.status_code == 202
    assert retried.json() == taken.json()
    number = taken.json()["confirmation_number"]

    # The caller phones back and reads the number out, lower case, saying "oh" for zero.
    heard = number.lower().replace("0", "o").replace("-", " ")
    found = await intake.http.get("/v1/injury-reports", params={"confirmation_number": heard},
                                  headers=ivr)
    assert [r["report_id"] for r in found.json()["items"]] == [taken.json()["report_id"]]

    shown = await _claim_shown(intake, taken.json()["report_id"], ivr)
    assert shown["claim_number"].startswith("WC-")
    assert shown["employee"]["ssn"] == "***-**-6789"
    listed = (await claims.http.get("/v1/claims", params={"report_id": shown["report_id"]})).json()
    assert listed["total"] == 1  # the retry made no second claim
    history = (await intake.http.get(f"/v1/injury-reports/{shown['report_id']}/history",
                                     headers=ivr)).json()["items"]
    assert [(h["action"], h["actor"]) for h in history] == [
        ("received", "ivr"), ("claim_opened", "event:claimline/claims")]


async def test_a_duplicate_and_a_carrier_batch_reach_claims(start: Start) -> None:
    intake = await start("intake")
    claims = await start("claims")
    await connected(intake)
    await connected(claims)
    worker = (await intake.http.post("/v1/injury-reports", json=report_body(2))).json()
    employer_call = report_body(2)
    employer_call["channel"] = "employer"
    employer = (await intake.http.post("/v1/injury-reports", json=employer_call)).json()
    assert employer["probable_duplicate_of"] == worker["report_id"]
    assert employer["confirmation_number"] != worker["confirmation_number"]

    # and a carrier's batch, one report of which is bad
    reports = [report_body(n, severity="medical_only") for n in range(10, 30)]
    reports[5]["employer"]["fein"] = "not a fein"
    answer = await intake.http.post("/v1/injury-reports/batch", json={"reports": reports})
    results = answer.json()["results"]
    taken = [r["report_id"] for r in results if r["status_code"] == 202]
    assert len(taken) == 19

    async def all_claimed() -> bool:
        items = (await claims.http.get("/v1/claims", params={"limit": 500})).json()["items"]
        return {c["report_id"] for c in items} >= set(taken)

    await eventually(all_claimed, what="19 claims")
    first = await _claim_shown(intake, worker["report_id"], {})
    second = await _claim_shown(intake, employer["report_id"], {})
    assert first["claim_number"] != second["claim_number"]  # the adjuster decides; nothing dropped
