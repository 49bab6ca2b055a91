"""The carriers' batch: one result per report, in order; a bad report never sinks the good."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete

from shared.http.idempotency import IdempotencyRecord
from tests.service.intake.conftest import Intake
from tests.service.intake.helpers import body, count_for, fresh_fein


async def test_results_come_in_order_and_bad_reports_fail_alone(intake: Intake) -> None:
    fein = fresh_fein()
    reports = [body(n, fein=fein) for n in range(6)]
    reports[1]["injury"]["severity"] = "sore"
    reports[3] = "not a report"
    reports[4]["employee"]["ssn"] = "900-12-3456"
    answer = await intake.http.post("/v1/injury-reports/batch", json={"reports": reports},
                                    headers=intake.as_(intake.keys.ivr))
    assert answer.status_code == 207, answer.text
    results = answer.json()["results"]
    assert [r["status_code"] for r in results] == [202, 422, 202, 422, 422, 202]
    assert results[1]["detail"][0]["loc"] == ["body", "reports", 1, "injury", "severity"]
    assert results[3]["detail"][0]["loc"] == ["body", "reports", 3]
    assert results[4]["detail"][0]["loc"] == ["body", "reports", 4, "employee", "ssn"]
    for index in (0, 2, 5):
        shown = await intake.http.get(f"/v1/injury-reports/{results[index]['report_id']}")
        assert shown.json()["employee"]["last_name"] == f"Diaz{index:04d}"
        assert results[index]["status"] == "received"
    assert await count_for(intake.http, fein) == 3


async def test_a_full_batch_of_500(intake: Intake) -> None:
    fein = fresh_fein()
    answer = await intake.http.post("/v1/injury-reports/batch",
                                    json={"reports": [body(n, fein=fein) for n in range(500)]})
    assert answer.status_code == 207
    results = answer.json()["results"]
    assert len(results) == 500 and {r["status_code"] for r in results} == {202}
    assert len({r["confirmation_number"] for r in results}) == 500
    assert await count_for(intake.http, fein) == 500


async def test_a_retried_batch_stores_nothing_twice(intake: Intake) -> None:
    fein = fresh_fein()
    reports = [body(n, fein=fein) for n in range(5)]
    reports[2]["injury"]["severity"] = "?"
    key = {"Idempotency-Key": "carrier-batch-17"}
    first = await intake.http.post("/v1/injury-reports/batch", json={"reports": reports}, headers=key)
    again = await intake.http.post("/v1/injury-reports/batch", json={"reports": reports}, headers=key)
    assert first.status_code == again.status_code == 207
    assert again.json() == first.json()
    assert await count_for(intake.http, fein) == 4
    changed = [*reports[:4], body(9, fein=fein)]
    conflict = await intake.http.post("/v1/injury-reports/batch", json={"reports": changed},
                                      headers=key)
    assert conflict.status_code == 409
    assert await count_for(intake.http, fein) == 4


async def test_concurrent_retries_of_one_batch_store_each_report_once(intake: Intake) -> None:
    fein = fresh_fein()
    payload = {"reports": [body(n, fein=fein) for n in range(20)]}
    key = {"Idempotency-Key": "carrier-batch-18"}
    answers = await asyncio.gather(*(
        intake.http.post("/v1/injury-reports/batch", json=payload, headers=key) for _ in range(5)))
    assert {a.status_code for a in answers} == {207}
    ids = {tuple(r["report_id"] for r in a.json()["results"]) for a in answers}
    assert len(ids) == 1
    assert await count_for(intake.http, fein) == 20


async def test_a_batch_left_unfinished_is_completed_by_its_retry(intake: Intake) -> None:
    """Reports stored under the key before a crash (no batch answer kept) are not stored again."""
    fein = fresh_fein()
    reports = [body(n, fein=fein) for n in range(4)]
    key = {"Idempotency-Key": "carrier-batch-19"}
    first = await intake.http.post("/v1/injury-reports/batch", json={"reports": reports[:2]},
                                   headers=key)
    # forget the batch's own answer, as if the process died before writing it
    async with intake.service.runtime.sessions() as session, session.begin():
        await session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.key == "carrier-batch-19"))  # type: ignore[arg-type]
    retry = await intake.http.post("/v1/injury-reports/batch", json={"reports": reports[:2]},
                                   headers=key)
    assert [r["report_id"] for r in retry.json()["results"]] == [
        r["report_id"] for r in first.json()["results"]]
    assert await count_for(intake.http, fein) == 2
