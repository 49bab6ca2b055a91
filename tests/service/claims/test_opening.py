"""Opening: one claim per report, numbered without gaps, assigned by the caseload rules."""

from __future__ import annotations

from datetime import date

from tests.service.claims.support import (
    FEIN,
    adjuster,
    coverage,
    deliver,
    injury_event,
    open_claim,
    outbox,
)
from tests.support.services import RunningService


async def test_a_report_opens_one_claim_however_often_it_arrives(claims: RunningService) -> None:
    event = injury_event(1)
    assert await deliver(claims, event)
    again = injury_event(1, report_id=event.data["report_id"])  # re-published: a new event id
    assert await deliver(claims, again)
    assert not await deliver(claims, again)  # the same event twice: the inbox says no
    listed = (await claims.http.get("/v1/claims", params={"report_id": event.data["report_id"]})).json()
    assert listed["total"] == 1
    claim = listed["items"][0]
    assert claim["claim_number"].endswith("-000001")
    opened = await outbox(claims, "claims.claim-opened", claim["claim_number"])
    assert len(opened) == 2  # announced, then re-announced for the repeat
    history = (await claims.http.get(f"/v1/claims/{claim['claim_number']}/history")).json()
    assert [h["action"] for h in history["items"]] == ["opened"]
    assert history["items"][0]["actor"] == "event:claimline/intake"


async def test_coverage_on_the_date_of_injury(claims: RunningService) -> None:
    await coverage(claims, FEIN, "insured", date(2020, 1, 1), date(2023, 12, 31))
    await coverage(claims, FEIN, "self_insured", date(2024, 1, 1))
    claim = await open_claim(claims, 1)
    assert claim["coverage"] == "self_insured"
    other = await open_claim(claims, 2, fein="06-7654321")
    assert other["coverage"] == "none_on_file"


async def test_assignment_by_caseload_caps_and_specialty(claims: RunningService) -> None:
    await adjuster(claims, "ava", lost_time_cap=2, medical_only_cap=1)
    await adjuster(claims, "ben", lost_time_cap=2, medical_only_cap=1)
    await adjuster(claims, "hal", specialties=["heart_hypertension"], lost_time_cap=1,
                   medical_only_cap=0)
    await adjuster(claims, "nia", role="nurse_case_manager", lost_time_cap=50)

    first = await open_claim(claims, 1)
    second = await open_claim(claims, 2)
    assert {first["adjuster"], second["adjuster"]} == {"ava", "ben"}  # lightest load first
    assert first["nurse_case_manager"] == "nia"  # lost time: a nurse case manager
    medical = await open_claim(claims, 3, severity="medical_only")
    assert medical["adjuster"] == "ava" and medical["nurse_case_manager"] is None
    await open_claim(claims, 4)
    await open_claim(claims, 5)  # ava and ben now at their lost-time cap of 2
    overflow = await open_claim(claims, 6)
    assert overflow["adjuster"] == "hal"  # the specialist takes general claims only when needed

    heart = await open_claim(claims, 7, occupation="Firefighter",
                             description="Collapsed with chest pain at a fire; myocardial infarction")
    assert heart["heart_hypertension"] is True
    assert heart["adjuster"] is None  # hal is full: the claim waits for a specialist
    waiting = (await claims.http.get("/v1/claims", params={"unassigned": "true"})).json()
    assert [c["claim_number"] for c in waiting["items"]] == [heart["claim_number"]]
    assignments = (await claims.http.get(f"/v1/claims/{heart['claim_number']}/assignments")).json()
    assert "specialist" in assignments["items"][0]["reason"]

    await adjuster(claims, "hana", specialties=["heart_hypertension"])  # room arrives
    heart = (await claims.http.get(f"/v1/claims/{heart['claim_number']}")).json()
    assert heart["adjuster"] == "hana"

    roster = (await claims.http.get("/v1/adjusters", params={"role": "adjuster"})).json()
    loads = {a["username"]: (a["open_lost_time"], a["open_medical_only"]) for a in roster["items"]}
    assert loads == {"ava": (2, 1), "ben": (2, 0), "hal": (1, 0), "hana": (1, 0)}


async def test_reassignment_is_checked_and_recorded(claims: RunningService) -> None:
    await adjuster(claims, "ava")
    await adjuster(claims, "ben", lost_time_cap=0)
    await adjuster(claims, "old", license_expires_on="2020-01-01")
    claim = await open_claim(claims, 1)
    number = claim["claim_number"]
    assert claim["adjuster"] == "ava"  # ben has no room; old's licence has expired

    full = await claims.http.put(f"/v1/claims/{number}/adjuster", json={"adjuster": "ben"})
    assert full.status_code == 409 and "cap" in full.json()["detail"]
    expired = await claims.http.put(f"/v1/claims/{number}/adjuster", json={"adjuster": "old"})
    assert expired.status_code == 409 and "licence" in expired.json()["detail"]
    unknown = await claims.http.put(f"/v1/claims/{number}/adjuster", json={"adjuster": "zed"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "adjuster"]

    moved = await claims.http.put(f"/v1/claims/{number}/adjuster",
                                  json={"adjuster": "ben", "override_cap": True, "reason": "vacation"})
    assert moved.status_code == 200 and moved.json()["adjuster"] == "ben"
    history = (await claims.http.get(f"/v1/claims/{number}/history")).json()["items"]
    assert history[-1]["action"] == "reassigned"
    assert history[-1]["actor"] == "test-admin"
    assert history[-1]["details"] == {"adjuster": "ben", "previous": "ava", "reason": "vacation",
                                           "over_cap": True}
    changed = await outbox(claims, "claims.claim-changed", number)
    assert changed[-1]["data"]["change"] == "reassigned"

    flagged = await claims.http.post(f"/v1/claims/{number}/flags",
                                     json={"heart_hypertension": True, "hired_on": "1990-05-01"})
    assert flagged.status_code == 200 and flagged.json()["heart_hypertension"] is True
    assert flagged.json()["adjuster"] == "ben"  # no specialist on the roster: stays, noted
    too_late = await claims.http.post(f"/v1/claims/{number}/flags",
                                      json={"heart_hypertension": False, "hired_on": "1999-01-01"})
    assert too_late.status_code == 200  # clearing the flag needs no hire-date check


async def test_roster_validation(claims: RunningService) -> None:
    answer = await claims.http.post("/v1/adjusters", json={
        "username": "Bad Name", "name": "", "specialties": ["astrology"], "lost_time_cap": -1})
    assert answer.status_code == 422
    fields = {tuple(e["loc"]) for e in answer.json()["detail"]}
    assert {("body", "username"), ("body", "name"), ("body", "specialties", 0),
            ("body", "lost_time_cap")} <= fields
    unlicensed = await claims.http.post("/v1/adjusters", json={"username": "ann", "name": "Ann"})
    assert unlicensed.status_code == 422
    assert unlicensed.json()["detail"][0]["loc"] == ["body", "license_number"]
    await adjuster(claims, "ann")
    again = await claims.http.post("/v1/adjusters", json={"username": "ann", "name": "Ann",
                                                          "license_number": "CT-1"})
    assert again.status_code == 409
    patched = await claims.http.patch("/v1/adjusters/ann", json={"active": False, "lost_time_cap": 5})
    assert patched.json()["active"] is False and patched.json()["lost_time_cap"] == 5
    assert (await claims.http.get("/v1/adjusters/nobody")).status_code == 404


async def test_automatic_assignments_are_the_systems_act(claims: RunningService) -> None:
    waiting = await open_claim(claims, 1)
    assert waiting["adjuster"] is None
    await adjuster(claims, "ava")  # an API client's roster change hands out the waiting claim
    number = waiting["claim_number"]
    assignments = (await claims.http.get(f"/v1/claims/{number}/assignments")).json()["items"]
    assert [(a["assignee"], a["actor"]) for a in assignments] == [
        (None, "claims:auto-assignment"), (None, "claims:auto-assignment"),
        ("ava", "claims:auto-assignment")]
    history = (await claims.http.get(f"/v1/claims/{number}/history")).json()["items"]
    assert history[-1]["action"] == "assigned"
    assert history[-1]["actor"] == "claims:auto-assignment"
    assert history[-1]["details"]["triggered_by"] == "test-admin"
    assert history[0]["details"]["assigned_by"] == "claims:auto-assignment"  # the waiting note

    medical = await open_claim(claims, 2, severity="medical_only")
    await adjuster(claims, "nia", role="nurse_case_manager")
    reclassified = await claims.http.post(f"/v1/claims/{medical['claim_number']}/classification", json={
        "classification": "temporary_total", "effective_on": medical["date_of_injury"]})
    assert reclassified.json()["nurse_case_manager"] == "nia"
    history = (await claims.http.get(f"/v1/claims/{medical['claim_number']}/history")).json()["items"]
    assert [(h["action"], h["actor"]) for h in history[-2:]] == [
        ("classification", "test-admin"), ("assigned", "claims:auto-assignment")]


async def test_an_expired_licence_is_added_with_a_warning(claims: RunningService) -> None:
    expired = await adjuster(claims, "old", license_expires_on="2020-01-01")
    assert len(expired["warnings"]) == 1
    assert "expired on 2020-01-01" in expired["warnings"][0] and "CGS 38a-792" in expired["warnings"][0]
    assert (await adjuster(claims, "new", license_expires_on="2099-01-01"))["warnings"] == []
    assert (await adjuster(claims, "nia", role="nurse_case_manager"))["warnings"] == []
    renewed = await claims.http.patch("/v1/adjusters/old", json={"license_expires_on": "2099-01-01"})
    assert renewed.json()["warnings"] == []
    claim = await open_claim(claims, 1)
    assert claim["adjuster"] in {"old", "new"}
