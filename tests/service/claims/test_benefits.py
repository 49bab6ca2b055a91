"""Average weekly wage, the compensation rate of the injury's rate year, the waiting period,
maximum medical improvement and awards, through the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.claims.casework.connecticut_time import ct_today
from tests.service.claims.support import days_ago, open_claim
from tests.support.services import RunningService


def _injured(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 14, 0, tzinfo=UTC)


async def test_contract_wage_example(claims: RunningService) -> None:
    claim = await open_claim(claims, 1, occurred_at=_injured(date(2025, 1, 15)))
    number = claim["claim_number"]
    answer = await claims.http.post(f"/v1/claims/{number}/wage", json={
        "average_weekly_wage": "1500.00", "after_tax_average_weekly_wage": "1130.00"})
    assert answer.status_code == 200, answer.text
    rate = answer.json()["compensation_rate"]
    assert rate == {"weekly_rate": "847.50", "rate_year": 2024, "maximum": "1654.00",
                    "minimum": "330.80", "basis": "CGS 31-307", "maximum_confirmed": True}
    document = (await claims.http.get(f"/v1/claims/{number}")).json()
    assert document["compensation_rate"]["weekly_rate"] == "847.50"
    assert document["average_weekly_wage"]["amount"] == "1500.00"


async def test_rate_year_boundaries_and_the_missing_year(claims: RunningService) -> None:
    body = {"average_weekly_wage": "5000.00", "after_tax_average_weekly_wage": "4000.00"}
    for day, year, maximum in ((date(2024, 9, 30), 2023, "1575.00"),
                               (date(2024, 10, 1), 2024, "1654.00")):
        number = (await open_claim(claims, day.day, occurred_at=_injured(day)))["claim_number"]
        rate = (await claims.http.post(f"/v1/claims/{number}/wage", json=body)).json()["compensation_rate"]
        assert (rate["rate_year"], rate["weekly_rate"], rate["maximum"]) == (year, maximum, maximum)

    number = (await open_claim(claims, 3, occurred_at=_injured(date(2016, 11, 1))))["claim_number"]
    missing = await claims.http.post(f"/v1/claims/{number}/wage", json=body)
    assert missing.status_code == 409
    assert "2016 rate year" in missing.json()["detail"]
    document = (await claims.http.get(f"/v1/claims/{number}")).json()
    assert document["compensation_rate"] is None and document["average_weekly_wage"] is None

    unconfirmed = (await open_claim(claims, 4, occurred_at=_injured(date(2025, 10, 2))))["claim_number"]
    rate = (await claims.http.post(f"/v1/claims/{unconfirmed}/wage", json=body)).json()["compensation_rate"]
    assert rate["rate_year"] == 2025 and rate["maximum_confirmed"] is False


async def test_wage_from_weekly_records_and_partial_rate(claims: RunningService) -> None:
    injured = date(2025, 1, 15)  # a Wednesday; its week begins Sunday, January 12
    claim = await open_claim(claims, 1, occurred_at=_injured(injured))
    number = claim["claim_number"]
    weeks = [{"week_ending": (date(2025, 1, 11) - timedelta(weeks=i)).isoformat(),
              "amount": "1000.00" if i % 2 else "1200.00"} for i in range(52)]
    weeks[10]["amount"] = "0"  # a week absent: left out of both sums
    answer = await claims.http.post(f"/v1/claims/{number}/wage", json={
        "weekly_wages": weeks, "after_tax_average_weekly_wage": "850.00"})
    assert answer.status_code == 200, answer.text
    wage = answer.json()["average_weekly_wage"]
    assert wage["weeks_counted"] == 51 and wage["method"] == "weekly_wages"
    assert wage["amount"] == "1098.04"  # (26*1200 - 1200 + 26*1000) / 51 = 56000 / 51
    assert answer.json()["compensation_rate"]["weekly_rate"] == "637.50"

    outside = await claims.http.post(f"/v1/claims/{number}/wage", json={
        "weekly_wages": [{"week_ending": "2025-01-18", "amount": "900"}]})
    assert outside.status_code == 422
    assert outside.json()["detail"][0]["loc"] == ["body", "weekly_wages"]
    both = await claims.http.post(f"/v1/claims/{number}/wage", json={
        "average_weekly_wage": "1", "weekly_wages": weeks})
    assert both.status_code == 422
    no_after_tax = await claims.http.post(f"/v1/claims/{number}/wage", json={"average_weekly_wage": "900"})
    assert no_after_tax.json()["detail"][0]["loc"] == ["body", "after_tax_average_weekly_wage"]

    await claims.http.post(f"/v1/claims/{number}/classification", json={
        "classification": "temporary_partial", "effective_on": (ct_today() - timedelta(days=1)).isoformat()})
    partial = await claims.http.post(f"/v1/claims/{number}/wage", json={
        "average_weekly_wage": "1300.00", "after_tax_average_weekly_wage": "1000.00",
        "after_tax_post_injury_wage": "600.00"})
    assert partial.json()["compensation_rate"] == {
        "weekly_rate": "300.00", "rate_year": 2024, "maximum": "1191.00", "minimum": "0.00",
        "basis": "CGS 31-308(a)", "maximum_confirmed": True}


async def test_incapacity_and_the_waiting_period(claims: RunningService) -> None:
    claim = await open_claim(claims, 1, occurred_at=_injured(date(2026, 1, 5)),
                             received_at=_injured(date(2026, 1, 5)) + timedelta(hours=2))
    number = claim["claim_number"]
    nine = await claims.http.post(f"/v1/claims/{number}/incapacity",
                                  json={"from": "2026-01-06", "to": "2026-01-14"})
    assert nine.status_code == 200, nine.text
    assert nine.json().items() >= {"days": 9, "compensable_from": "2026-01-06", "basis": "CGS 31-295"}.items()
    overlap = await claims.http.post(f"/v1/claims/{number}/incapacity",
                                     json={"from": "2026-01-14", "to": "2026-01-20"})
    assert overlap.status_code == 409
    short = await claims.http.post(f"/v1/claims/{number}/incapacity",
                                   json={"from": "2026-02-01", "to": "2026-02-05"})
    assert short.json()["days"] == 5 and short.json()["compensable_from"] == "2026-02-04"
    assert short.json()["total_incapacity_days"] == 14
    backwards = await claims.http.post(f"/v1/claims/{number}/incapacity",
                                       json={"from": "2026-03-05", "to": "2026-03-01"})
    assert backwards.status_code == 422 and backwards.json()["detail"][0]["loc"] == ["body", "to"]
    before = await claims.http.post(f"/v1/claims/{number}/incapacity",
                                    json={"from": "2025-12-01", "to": "2026-01-10"})
    assert before.status_code == 422 and before.json()["detail"][0]["loc"] == ["body", "from"]


async def test_mmi_scheduled_award_and_its_clock(claims: RunningService) -> None:
    claim = await open_claim(claims, 1, occurred_at=_injured(date(2025, 3, 3)), received_at=days_ago(60))
    number = claim["claim_number"]
    mmi_on = ct_today() - timedelta(days=35)
    no_rate = await claims.http.post(f"/v1/claims/{number}/mmi", json={
        "mmi_on": mmi_on.isoformat(), "member": "master_hand", "percent_impairment": "10"})
    assert no_rate.status_code == 409 and "wage" in no_rate.json()["detail"]
    await claims.http.post(f"/v1/claims/{number}/wage", json={
        "average_weekly_wage": "1500.00", "after_tax_average_weekly_wage": "1130.00"})
    answer = await claims.http.post(f"/v1/claims/{number}/mmi", json={
        "mmi_on": mmi_on.isoformat(), "member": "master_hand", "percent_impairment": "10"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["permanent_partial"] == {
        "member": "master_hand", "percent_impairment": "10.00", "weeks": "16.8",
        "weekly_rate": "847.50", "award": "14238.00", "basis": "CGS 31-308(b)"}
    assert answer.json()["permanent_partial_payment_due_on"] == (mmi_on + timedelta(days=30)).isoformat()
    clocks = {d["kind"]: d for d in (await claims.http.get(f"/v1/claims/{number}/deadlines")).json()["items"]}
    assert clocks["permanent_partial_payment"]["state"] == "missed"
    bad = await claims.http.post(f"/v1/claims/{number}/mmi", json={"mmi_on": mmi_on.isoformat(),
                                                                  "member": "tail"})
    assert {tuple(e["loc"]) for e in bad.json()["detail"]} >= {("body", "member")}

    await claims.http.post(f"/v1/claims/{number}/payments", json={
        "kind": "indemnity", "amount": "847.50", "paid_on": ct_today().isoformat()})
    clocks = {d["kind"]: d for d in (await claims.http.get(f"/v1/claims/{number}/deadlines")).json()["items"]}
    assert clocks["permanent_partial_payment"]["state"] == "late"

    award_on = ct_today() - timedelta(days=5)
    award = await claims.http.post(f"/v1/claims/{number}/award", json={
        "kind": "voluntary_agreement", "approved_on": award_on.isoformat()})
    assert award.json()["payments_due_by"] == (award_on + timedelta(days=20)).isoformat()
    clocks = {d["kind"]: d for d in (await claims.http.get(f"/v1/claims/{number}/deadlines")).json()["items"]}
    assert clocks["award_payment"]["state"] == "met"  # today's payment is after the award
