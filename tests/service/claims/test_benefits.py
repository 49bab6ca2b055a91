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
    assert overlap.status_code == 200  # an overlapping note extends the same spell
    assert overlap.json().items() >= {"days": 15, "compensable_from": "2026-01-06",
                                      "period_days": 7, "total_incapacity_days": 15}.items()
    later = await claims.http.post(f"/v1/claims/{number}/incapacity",  # 11 days back at work
                                   json={"from": "2026-02-01", "to": "2026-02-05"})
    assert later.json()["days"] == 5 and later.json()["compensable_from"] == "2026-02-04"
    assert later.json()["total_incapacity_days"] == 20 and len(later.json()["spells"]) == 2
    listed = (await claims.http.get(f"/v1/claims/{number}/incapacity")).json()
    assert listed["total"] == 3 and listed["same_spell_gap_days"] == 7
    assert [(s["from"], s["to"], s["days"]) for s in listed["spells"]] == [
        ("2026-01-06", "2026-01-20", 15), ("2026-02-01", "2026-02-05", 5)]
    assert (await claims.http.get(f"/v1/claims/{number}")).json()["incapacity_days"] == 20
    backwards = await claims.http.post(f"/v1/claims/{number}/incapacity",
                                       json={"from": "2026-03-05", "to": "2026-03-01"})
    assert backwards.status_code == 422 and backwards.json()["detail"][0]["loc"] == ["body", "to"]
    before = await claims.http.post(f"/v1/claims/{number}/incapacity",
                                    json={"from": "2025-12-01", "to": "2026-01-10"})
    assert before.status_code == 422 and before.json()["detail"][0]["loc"] == ["body", "from"]


async def test_notes_arriving_one_at_a_time_make_one_spell(claims: RunningService) -> None:
    claim = await open_claim(claims, 1, occurred_at=_injured(date(2026, 1, 5)),
                             received_at=_injured(date(2026, 1, 5)) + timedelta(hours=2))
    number = claim["claim_number"]

    async def note(start: str, end: str) -> dict[str, object]:
        answer = await claims.http.post(f"/v1/claims/{number}/incapacity", json={"from": start, "to": end})
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]

    first = await note("2026-01-06", "2026-01-07")
    assert (first["days"], first["compensable_from"]) == (2, None)  # 3 days or less: nothing
    second = await note("2026-01-08", "2026-01-09")
    assert (second["days"], second["compensable_from"]) == (4, "2026-01-09")  # from day 4
    third = await note("2026-01-10", "2026-01-12")
    assert (third["days"], third["compensable_from"]) == (7, "2026-01-06")  # 7: from day 1
    # back at work 6 days (the 13th to the 18th): the same spell
    joined = await note("2026-01-19", "2026-01-19")
    assert (joined["days"], joined["compensable_from"]) == (8, "2026-01-06")
    # back at work 7 days (the 20th to the 26th): a relapse, a spell of its own
    relapse = await note("2026-01-27", "2026-01-28")
    assert (relapse["days"], relapse["compensable_from"]) == (2, None)
    assert relapse["total_incapacity_days"] == 10


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


async def test_wage_errors_say_what_is_missing_and_the_agreed_rate_works(claims: RunningService) -> None:
    claim = await open_claim(claims, 1, occurred_at=_injured(date(2025, 1, 15)))
    number = claim["claim_number"]
    empty = await claims.http.post(f"/v1/claims/{number}/wage", json={})
    assert empty.status_code == 422
    error = empty.json()["detail"][0]
    assert error["loc"] == ["body", "average_weekly_wage"] and error["msg"].startswith("missing")
    assert "not both" not in error["msg"] and "agreed_hourly_rate" in error["msg"]
    no_hours = await claims.http.post(f"/v1/claims/{number}/wage", json={"agreed_hourly_rate": "25"})
    assert no_hours.status_code == 422
    assert no_hours.json()["detail"][0]["loc"] == ["body", "regular_weekly_hours"]
    mixed = await claims.http.post(f"/v1/claims/{number}/wage", json={
        "average_weekly_wage": "900", "after_tax_average_weekly_wage": "700",
        "agreed_hourly_rate": "25", "regular_weekly_hours": 40})
    assert mixed.status_code == 422 and mixed.json()["detail"][0]["loc"] == ["body", "agreed_hourly_rate"]

    # under two weeks of work: the agreed rate times the regular hours (CGS 31-310)
    agreed = await claims.http.post(f"/v1/claims/{number}/wage", json={
        "agreed_hourly_rate": "25.00", "regular_weekly_hours": 40,
        "after_tax_average_weekly_wage": "800.00"})
    assert agreed.status_code == 200, agreed.text
    assert agreed.json()["average_weekly_wage"]["amount"] == "1000.00"
    assert agreed.json()["average_weekly_wage"]["method"] == "agreed_hourly_rate"
    assert agreed.json()["compensation_rate"]["weekly_rate"] == "600.00"
    assert agreed.json()["warnings"] == []

    weeks = [{"week_ending": (date(2025, 1, 11) - timedelta(weeks=i)).isoformat(), "amount": "1000.00"}
             for i in range(10)]
    unused = await claims.http.post(f"/v1/claims/{number}/wage", json={
        "weekly_wages": weeks, "agreed_hourly_rate": "25.00", "regular_weekly_hours": 40})
    assert unused.status_code == 200
    assert [w["code"] for w in unused.json()["warnings"]] == ["agreed_rate_not_used", "no_rate"]
    assert unused.json()["average_weekly_wage"]["method"] == "weekly_wages"

    post_injury = await claims.http.post(f"/v1/claims/{number}/wage", json={
        "average_weekly_wage": "1300.00", "after_tax_average_weekly_wage": "1000.00",
        "after_tax_post_injury_wage": "600.00"})
    assert post_injury.status_code == 409  # temporary total: the field would be ignored
    assert "temporary_partial" in post_injury.json()["detail"]
    document = (await claims.http.get(f"/v1/claims/{number}")).json()
    assert document["average_weekly_wage"]["method"] == "weekly_wages"  # nothing half-written


async def test_a_missing_rate_year_shows_on_the_claim_up_front(claims: RunningService) -> None:
    known = await open_claim(claims, 1, occurred_at=_injured(date(2025, 1, 15)))
    assert known["compensation_rate_problem"] is None
    missing = await open_claim(claims, 2, occurred_at=_injured(date(2026, 10, 2)))
    problem = missing["compensation_rate_problem"]
    assert (problem["code"], problem["rule"], problem["rate_year"]) == (
        "rate_year_missing", "CGS 31-309", 2026)
    assert "2026 rate year" in problem["message"]
    assert (await open_claim(claims, 3, occurred_at=_injured(date(2016, 11, 1))))[
        "compensation_rate_problem"]["rate_year"] == 2016
    wage = await claims.http.post(f"/v1/claims/{missing['claim_number']}/wage", json={
        "average_weekly_wage": "1500.00", "after_tax_average_weekly_wage": "1130.00"})
    assert wage.status_code == 409  # still never a guessed figure

    partial = (await open_claim(claims, 4, occurred_at=_injured(date(2025, 10, 6))))["claim_number"]
    assert (await claims.http.get(f"/v1/claims/{partial}")).json()["compensation_rate_problem"] is None
    await claims.http.post(f"/v1/claims/{partial}/classification", json={
        "classification": "temporary_partial", "effective_on": "2025-10-20"})
    problem = (await claims.http.get(f"/v1/claims/{partial}")).json()["compensation_rate_problem"]
    assert (problem["code"], problem["rule"], problem["rate_year"]) == (
        "partial_rate_year_missing", "CGS 31-308(a)", 2025)
