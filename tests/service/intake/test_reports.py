"""Taking reports as the IVR and carriers do: confirmation numbers, retries, duplicates,
triage, flags, history and masking."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from services.intake.confirmation import ALPHABET
from services.intake.handlers import on_claim_opened
from services.intake.models import InjuryReport
from services.intake.reports import prepare_report
from services.intake.schemas import InjuryReportIn
from services.intake.triage import CATASTROPHIC_PRIORITY, ROUTINE_PRIORITY
from shared.bus.outbox import unseal_payload
from shared.bus.tables import OutboxRecord
from shared.db import utcnow
from shared.events.catalogue import ClaimOpened
from shared.events.envelope import new_event
from tests.service.intake.conftest import Intake, StartIntake
from tests.service.intake.helpers import body, count_for, fresh_fein

CONFIRMATION = re.compile(r"CL-[0-9A-Z]{4}-[0-9A-Z]{4}")


async def test_a_report_gets_a_confirmation_number_that_reads_back(intake: Intake) -> None:
    ivr = intake.as_(intake.keys.ivr)
    answer = await intake.http.post("/v1/injury-reports", json=body(1), headers=ivr)
    assert answer.status_code == 202, answer.text
    taken = answer.json()
    assert set(taken) >= {"report_id", "confirmation_number", "status", "received_at",
                          "catastrophic", "claim_number"}
    assert taken["status"] == "received" and taken["claim_number"] is None
    number = taken["confirmation_number"]
    assert CONFIRMATION.fullmatch(number)
    assert not set(number[3:].replace("-", "")) & set("OIL")  # nothing to mistake for 0 or 1
    assert set(number[3:].replace("-", "")) <= set(ALPHABET)
    datetime.fromisoformat(taken["received_at"])

    spoken = number.replace("0", "O").replace("1", "I").lower()
    for heard in (number, number.lower(), number.replace("-", ""), number[3:], spoken,
                  " ".join(number[3:].replace("-", ""))):
        found = await intake.http.get("/v1/injury-reports", params={"confirmation_number": heard},
                                      headers=ivr)
        assert found.status_code == 200, (heard, found.text)
        assert [r["report_id"] for r in found.json()["items"]] == [taken["report_id"]], heard
    one = (await intake.http.get(f"/v1/injury-reports/{taken['report_id']}", headers=ivr)).json()
    assert one["confirmation_number"] == number and one["status"] == "received"


async def test_confirmation_numbers_are_unique(intake: Intake) -> None:
    fein = fresh_fein()
    answers = await asyncio.gather(*(
        intake.http.post("/v1/injury-reports", json=body(n, fein=fein)) for n in range(60)))
    numbers = {a.json()["confirmation_number"] for a in answers}
    assert len(numbers) == 60


async def test_a_retry_with_the_same_key_answers_the_first_answer(intake: Intake) -> None:
    fein = fresh_fein()
    report = body(1, fein=fein)
    key = {"Idempotency-Key": "call-0001"}
    first = await intake.http.post("/v1/injury-reports", json=report, headers=key)
    again = await intake.http.post("/v1/injury-reports", json=report, headers=key)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    other = await intake.http.post("/v1/injury-reports", json=body(2, fein=fein), headers=key)
    assert other.status_code == 409
    assert await count_for(intake.http, fein) == 1


async def test_the_same_key_from_another_client_is_another_request(intake: Intake) -> None:
    fein = fresh_fein()
    report = body(1, fein=fein)
    key = {"Idempotency-Key": "shared-key"}
    mine = await intake.http.post("/v1/injury-reports", json=report, headers=key)
    theirs = await intake.http.post("/v1/injury-reports", json=report,
                                    headers={**key, **intake.as_(intake.keys.ivr)})
    assert mine.json()["report_id"] != theirs.json()["report_id"]


async def test_a_422_is_not_remembered_so_the_corrected_report_goes_through(intake: Intake) -> None:
    report = body(1)
    report["injury"]["severity"] = "bad"
    key = {"Idempotency-Key": "reprompted"}
    assert (await intake.http.post("/v1/injury-reports", json=report, headers=key)).status_code == 422
    report["injury"]["severity"] = "medical_only"
    assert (await intake.http.post("/v1/injury-reports", json=report, headers=key)).status_code == 202


async def test_concurrent_requests_with_one_key_store_one_report(intake: Intake) -> None:
    fein = fresh_fein()
    report = body(1, fein=fein)
    key = {"Idempotency-Key": "hammered"}
    answers = await asyncio.gather(*(
        intake.http.post("/v1/injury-reports", json=report, headers=key) for _ in range(20)))
    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["report_id"] for a in answers}) == 1
    assert await count_for(intake.http, fein) == 1


async def test_concurrent_requests_with_one_key_and_other_bodies(intake: Intake) -> None:
    fein = fresh_fein()
    key = {"Idempotency-Key": "mixed"}
    answers = await asyncio.gather(*(
        intake.http.post("/v1/injury-reports", json=body(n % 2, fein=fein), headers=key)
        for n in range(20)))
    assert {a.status_code for a in answers} == {202, 409}
    assert len({a.json()["report_id"] for a in answers if a.status_code == 202}) == 1
    assert await count_for(intake.http, fein) == 1


async def test_the_same_injury_twice_without_a_key_is_linked_never_dropped(intake: Intake) -> None:
    fein = fresh_fein()
    first = (await intake.http.post("/v1/injury-reports", json=body(7, fein=fein))).json()
    by_employer = body(7, fein=fein)
    by_employer["channel"] = "employer"
    by_employer["employee"]["last_name"] = "DIAZ0007 "  # spelt differently, same person
    by_employer["caller"] = {"name": "Pat Lee", "role": "supervisor"}
    second = (await intake.http.post("/v1/injury-reports", json=by_employer)).json()
    third = (await intake.http.post("/v1/injury-reports", json=body(7, fein=fein))).json()
    assert first["probable_duplicate_of"] is None
    assert second["probable_duplicate_of"] == first["report_id"]
    assert third["probable_duplicate_of"] == first["report_id"]
    assert len({first["confirmation_number"], second["confirmation_number"],
                third["confirmation_number"]}) == 3
    assert await count_for(intake.http, fein) == 3
    other_day = body(7, fein=fein, occurred_at=(datetime.now(UTC) - timedelta(days=3)).isoformat())
    assert (await intake.http.post("/v1/injury-reports", json=other_day)).json()[
        "probable_duplicate_of"] is None
    async with intake.service.runtime.sessions() as session:
        events = (await session.execute(select(OutboxRecord.payload))).scalars().all()
    cipher = intake.service.runtime.pii()
    published = [json.loads(unseal_payload(cipher, p))["data"] for p in events]
    mine = {e["report_id"]: e for e in published}
    assert mine[second["report_id"]]["probable_duplicate_of"] == first["report_id"]  # claims sees it


async def test_duplicates_inside_one_batch_are_linked_to_the_first(intake: Intake) -> None:
    fein = fresh_fein()
    answer = await intake.http.post("/v1/injury-reports/batch",
                                    json={"reports": [body(8, fein=fein)] * 3})
    first, second, third = answer.json()["results"]
    assert first["probable_duplicate_of"] is None
    assert second["probable_duplicate_of"] == third["probable_duplicate_of"] == first["report_id"]


async def test_a_report_retried_alone_is_not_linked_to_a_neighbour_never_stored(intake: Intake) -> None:
    runtime = intake.service.runtime
    report = InjuryReportIn.model_validate(body(9))
    prepared = prepare_report(report, client="test", sealer=runtime.extras["sealer"],
                              received_at=utcnow())
    prepared.row["probable_duplicate_of"] = prepared.probable_duplicate_of = "never-stored"
    answer = await runtime.extras["writer"].submit(prepared)
    assert answer["probable_duplicate_of"] is None
    async with runtime.sessions() as session:
        stored = await session.get(InjuryReport, prepared.report_id)
    assert stored is not None and stored.probable_duplicate_of is None


async def test_catastrophic_triage(intake: Intake) -> None:
    cases = [
        ({"severity": "catastrophic"}, True), ({"severity": "fatal"}, True),
        ({"severity": "lost_time", "hospital_admission": True}, True),
        ({"severity": "LOST_TIME", "hospital_admission": False}, False),
        ({"severity": "first_aid"}, False), ({"severity": "medical_only"}, False),
    ]
    for injury, catastrophic in cases:
        answer = await intake.http.post("/v1/injury-reports", json=body(1, **injury))
        assert answer.status_code == 202, answer.text
        assert answer.json()["catastrophic"] is catastrophic, injury
        async with intake.service.runtime.sessions() as session:
            priority = (await session.execute(
                select(OutboxRecord.priority).where(OutboxRecord.key == answer.json()["report_id"])
            )).scalar_one()
        assert priority == (CATASTROPHIC_PRIORITY if catastrophic else ROUTINE_PRIORITY)


async def test_late_notice_and_jurisdiction_are_flagged_never_refused(intake: Intake) -> None:
    late = body(1, occurred_at=(datetime.now(UTC) - timedelta(days=800)).isoformat())
    answer = await intake.http.post("/v1/injury-reports", json=late)
    assert answer.status_code == 202, answer.text
    assert [(f["code"], f["rule"]) for f in answer.json()["flags"]] == [("notice_late", "CGS 31-294c(a)")]

    non_resident = body(2)
    non_resident["employee"]["residence_state"] = "ny"
    answer = await intake.http.post("/v1/injury-reports", json=non_resident)
    assert answer.status_code == 202
    assert [f["code"] for f in answer.json()["flags"]] == ["jurisdiction_review"]
    shown = (await intake.http.get(f"/v1/injury-reports/{answer.json()['report_id']}")).json()
    assert [f["code"] for f in shown["flags"]] == ["jurisdiction_review"]

    non_resident["employee"]["works_primarily_in_connecticut"] = True
    answer = await intake.http.post("/v1/injury-reports", json=non_resident)
    assert answer.json()["flags"] == []
    timely = await intake.http.post("/v1/injury-reports", json=body(3))
    assert timely.json()["flags"] == []


async def test_history_names_the_client_that_submitted_and_the_event_that_changed(
    intake: Intake,
) -> None:
    runtime = intake.service.runtime
    taken = (await intake.http.post("/v1/injury-reports", json=body(1),
                                    headers=intake.as_(intake.keys.ivr))).json()
    claim = ClaimOpened(claim_number="WC-2026-000042", report_id=taken["report_id"],
                        employer_fein="06-1234567", date_of_injury=utcnow().date(), status="open",
                        classification="temporary_total", catastrophic=False, opened_at=utcnow())
    event = new_event(source="claimline/claims", type="claims.claim-opened",
                      subject=claim.claim_number, data=claim)
    async with runtime.sessions() as session, session.begin():
        await on_claim_opened(session, event, claim)
    history = (await intake.http.get(f"/v1/injury-reports/{taken['report_id']}/history",
                                     headers=intake.as_(intake.keys.ivr))).json()
    assert [(h["action"], h["actor"]) for h in history["items"]] == [
        ("received", "ivr"), ("claim_opened", "event:claimline/claims")]
    assert history["items"][1]["details"]["claim_number"] == "WC-2026-000042"
    for item in history["items"]:
        assert datetime.fromisoformat(item["at"]).tzinfo is not None
    shown = (await intake.http.get(f"/v1/injury-reports/{taken['report_id']}")).json()
    assert (shown["status"], shown["claim_number"]) == ("claim_opened", "WC-2026-000042")
    assert shown["submitted_by"] == "ivr"


async def test_ssn_and_birth_date_are_masked_without_pii_read(intake: Intake) -> None:
    fein = fresh_fein()
    by_ivr = (await intake.http.post("/v1/injury-reports", json=body(1, fein=fein),
                                     headers=intake.as_(intake.keys.ivr))).json()
    path = f"/v1/injury-reports/{by_ivr['report_id']}"
    one = (await intake.http.get(path, headers=intake.as_(intake.keys.ivr))).json()
    listed = (await intake.http.get("/v1/injury-reports", params={"employer_fein": fein},
                                    headers=intake.as_(intake.keys.ivr))).json()["items"][0]
    for shown in (one, listed):
        assert shown["employee"]["ssn"] == "***-**-6789"
        assert shown["employee"]["date_of_birth"] == "****-**-**"
        assert shown["employee"]["first_name"] == "Ana"
    admin_view = (await intake.http.get(path, headers=intake.as_(intake.keys.admin))).json()
    assert admin_view["employee"]["ssn"] == "123-45-6789"
    by_carrier = (await intake.http.post("/v1/injury-reports", json=body(2, fein=fein),
                                         headers=intake.as_(intake.keys.carrier))).json()
    carrier_view = (await intake.http.get(f"/v1/injury-reports/{by_carrier['report_id']}",
                                          headers=intake.as_(intake.keys.carrier))).json()
    assert carrier_view["employee"]["ssn"] == "123-45-6789"  # the carrier's key has pii:read
    assert carrier_view["employee"]["date_of_birth"] == "1980-04-02"
    assert (await intake.http.get(path, headers=intake.as_(intake.keys.reader))).status_code == 403


async def test_a_client_sees_only_the_reports_it_submitted(intake: Intake) -> None:
    fein = fresh_fein()
    mine = (await intake.http.post("/v1/injury-reports", json=body(1, fein=fein),
                                   headers=intake.as_(intake.keys.ivr))).json()
    theirs = (await intake.http.post("/v1/injury-reports", json=body(2, fein=fein),
                                     headers=intake.as_(intake.keys.carrier))).json()
    ivr = intake.as_(intake.keys.ivr)
    listed = (await intake.http.get("/v1/injury-reports", params={"employer_fein": fein},
                                    headers=ivr)).json()
    assert [r["report_id"] for r in listed["items"]] == [mine["report_id"]]
    assert listed["total"] == 1
    for path in (f"/v1/injury-reports/{theirs['report_id']}",
                 f"/v1/injury-reports/{theirs['report_id']}/history"):
        assert (await intake.http.get(path, headers=ivr)).status_code == 404
    by_number = (await intake.http.get("/v1/injury-reports", headers=ivr, params={
        "confirmation_number": theirs["confirmation_number"]})).json()
    assert by_number["total"] == 0
    everything = (await intake.http.get("/v1/injury-reports", params={"employer_fein": fein},
                                        headers=intake.as_(intake.keys.admin))).json()
    assert everything["total"] == 2


async def test_a_misheard_number_is_told_apart_from_a_malformed_one(intake: Intake) -> None:
    taken = (await intake.http.post("/v1/injury-reports", json=body(1, fein=fresh_fein()))).json()
    number = taken["confirmation_number"]
    wrong_last = number[:-1] + ("2" if number[-1] != "2" else "3")
    misheard = await intake.http.get("/v1/injury-reports", params={"confirmation_number": wrong_last})
    assert misheard.status_code == 422
    assert "misheard" in misheard.json()["detail"][0]["msg"]
    garbled = await intake.http.get("/v1/injury-reports", params={"confirmation_number": "CL-12"})
    assert garbled.status_code == 422
    assert "expected CL- and 8 characters" in garbled.json()["detail"][0]["msg"]


async def test_the_embedded_default_sqlite_store_takes_reports_too(
    fresh_intake: StartIntake, tmp_path: Path,
) -> None:
    """Without PostgreSQL the writer goes through SQLAlchemy instead of the driver."""
    intake = await fresh_intake(database_url=f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}")
    fein = fresh_fein()
    key, report = {"Idempotency-Key": "sqlite-1"}, body(1, fein=fein)
    first = await intake.http.post("/v1/injury-reports", json=report, headers=key)
    again = await intake.http.post("/v1/injury-reports", json=report, headers=key)
    duplicate = await intake.http.post("/v1/injury-reports", json=report)
    batch = await intake.http.post("/v1/injury-reports/batch",
                                   json={"reports": [body(n, fein=fein) for n in range(2, 40)]})
    assert first.status_code == again.status_code == duplicate.status_code == 202
    assert again.json() == first.json()
    assert duplicate.json()["probable_duplicate_of"] == first.json()["report_id"]
    assert {r["status_code"] for r in batch.json()["results"]} == {202}
    assert await count_for(intake.http, fein) == 40
    shown = await intake.http.get(f"/v1/injury-reports/{first.json()['report_id']}")
    assert shown.json()["employee"]["ssn"] == "123-45-6789"
