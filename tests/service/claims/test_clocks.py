"""Statutory clocks on the claim, and the scanner that warns of them once."""

from __future__ import annotations

from datetime import timedelta

from services.claims.casework.connecticut_time import ct_date, ct_today
from services.claims.deadlines import add_business_days
from services.claims.scanner import scan_deadlines
from tests.service.claims.support import adjuster, days_ago, open_claim, outbox
from tests.support.services import RunningService


async def test_each_clock_shows_its_source_and_state(claims: RunningService) -> None:
    received = days_ago(2)
    notified_on = ct_date(received)
    told_employer = notified_on - timedelta(days=4)
    claim = await open_claim(claims, 1, received_at=received, occurred_at=received - timedelta(days=5),
                             reported_to_employer_on=told_employer)
    number = claim["claim_number"]
    clocks = {d["kind"]: d for d in claim["deadlines"]}
    assert set(clocks) == {"contest_by", "first_contact", "first_report_to_commission",
                           "employer_report_to_payer", "reserve_review"}
    assert clocks["contest_by"] == {
        "kind": "contest_by", "due_on": (notified_on + timedelta(days=28)).isoformat(),
        "basis": "CGS 31-294c", "state": "pending", "met_on": None,
        "description": clocks["contest_by"]["description"]}
    assert clocks["first_contact"]["due_on"] == add_business_days(notified_on, 1).isoformat()
    assert clocks["employer_report_to_payer"]["state"] == "late"  # 4 days: over the 3
    assert clocks["employer_report_to_payer"]["basis"] == "seed 003 benchmark B.3"
    assert clocks["first_report_to_commission"]["basis"] == "CGS 31-316"
    assert clocks["reserve_review"]["due_on"] == (ct_today() + timedelta(days=90)).isoformat()

    for party in ("worker", "employer"):
        answer = await claims.http.post(f"/v1/claims/{number}/contacts", json={"party": party})
        assert answer.status_code == 201
        assert answer.json()["first_contact_completed_on"] is None
    doctor = await claims.http.post(f"/v1/claims/{number}/contacts",
                                    json={"party": "doctor", "method": "phone"})
    assert doctor.json()["first_contact_completed_on"] == ct_today().isoformat()
    await claims.http.post(f"/v1/claims/{number}/first-report",
                           json={"filed_on": (notified_on - timedelta(days=1)).isoformat()})
    clocks = {d["kind"]: d for d in (await claims.http.get(f"/v1/claims/{number}/deadlines")).json()["items"]}
    assert clocks["first_report_to_commission"]["state"] == "met"
    first_contact_state = "met" if ct_today() <= add_business_days(notified_on, 1) else "late"
    assert clocks["first_contact"]["state"] == first_contact_state


async def test_the_scanner_warns_ahead_and_when_missed_once_each(claims: RunningService) -> None:
    await adjuster(claims, "ava")
    claim = await open_claim(claims, 1)
    number = claim["claim_number"]
    done = await open_claim(claims, 2, severity="medical_only")
    closed = await open_claim(claims, 3, severity="medical_only")
    await claims.http.post(f"/v1/claims/{closed['claim_number']}/close")
    for party in ("worker", "employer", "doctor"):
        await claims.http.post(f"/v1/claims/{done['claim_number']}/contacts", json={"party": party})

    today = ct_today()
    warn_days = (add_business_days(today, 1) - today).days  # first contact is just in range
    staged = await scan_deadlines(claims.runtime.sessions, today=today, warn_days=warn_days)
    due = await outbox(claims, "claims.deadline-due")
    assert staged == len(due)
    assert {(e["subject"], e["data"]["kind"], e["data"]["state"]) for e in due} == {
        (number, "first_contact", "approaching")}
    assert due[0]["data"]["basis"] == "Claimline service standard; CGS 1-4 holidays"
    assert await scan_deadlines(claims.runtime.sessions, today=today, warn_days=warn_days) == 0

    later = today + timedelta(days=30)
    await scan_deadlines(claims.runtime.sessions, today=later, warn_days=3)
    await scan_deadlines(claims.runtime.sessions, today=later, warn_days=3)  # a restart: nothing new
    due = await outbox(claims, "claims.deadline-due")
    seen = sorted((e["subject"][-1], e["data"]["kind"], e["data"]["state"]) for e in due)
    assert seen == [
        ("1", "contest_by", "missed"), ("1", "first_contact", "approaching"),
        ("1", "first_contact", "missed"), ("1", "first_report_to_commission", "missed"),
        ("2", "contest_by", "missed"),
    ]
    assert all(e["data"]["employer_fein"] == claim["employer_fein"] for e in due)

    listed = (await claims.http.get("/v1/deadlines", params={"adjuster": "ava", "within_days": 30})).json()
    assert {(d["claim_number"], d["kind"]) for d in listed["items"]} >= {
        (number, "contest_by"), (number, "first_contact")}
    assert all(d["adjuster"] == "ava" for d in listed["items"])
