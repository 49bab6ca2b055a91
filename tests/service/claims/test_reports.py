"""KPIs and loss runs agree with the payments, reserves and decisions made."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.claims.casework.connecticut_time import ct_today
from tests.service.claims.support import days_ago, open_claim
from tests.support.services import RunningService

EMPLOYER = "06-1111111"


def _day(days: int) -> str:
    return (ct_today() - timedelta(days=days)).isoformat()


async def _book(claims: RunningService) -> dict[str, str]:
    """Five claims of one employer (and one of another) with known dates and money."""
    http = claims.http
    a = (await open_claim(claims, 1, fein=EMPLOYER, occurred_at=days_ago(30), received_at=days_ago(29),
                          reported_to_employer_on=ct_today() - timedelta(days=30)))["claim_number"]
    b = (await open_claim(claims, 2, fein=EMPLOYER, occurred_at=days_ago(40), received_at=days_ago(35),
                          reported_to_employer_on=ct_today() - timedelta(days=39)))["claim_number"]
    c = (await open_claim(claims, 3, fein=EMPLOYER, severity="medical_only", occurred_at=days_ago(20),
                          received_at=days_ago(19)))["claim_number"]
    d = (await open_claim(claims, 4, fein=EMPLOYER, occurred_at=days_ago(25, 13),
                          received_at=days_ago(25, 16)))["claim_number"]
    e = (await open_claim(claims, 5, fein=EMPLOYER, occurred_at=datetime(2025, 6, 1, 14, tzinfo=UTC),
                          received_at=days_ago(3)))["claim_number"]
    await open_claim(claims, 6, fein=EMPLOYER, occurred_at=datetime(2023, 3, 1, 14, tzinfo=UTC),
                     received_at=days_ago(3))  # outside a 3-year run
    await open_claim(claims, 7, fein="06-2222222", received_at=days_ago(29))

    async def ok(answer: object) -> None:
        assert answer.status_code in (200, 201), answer.text  # type: ignore[attr-defined]

    await ok(await http.put(f"/v1/claims/{a}/reserves",
                            json={"medical": "1000", "indemnity": "5000", "expense": "100"}))
    await ok(await http.post(f"/v1/claims/{a}/payments",
                             json={"kind": "indemnity", "amount": "1000", "paid_on": _day(15)}))
    await ok(await http.post(f"/v1/claims/{a}/payments",
                             json={"kind": "medical", "amount": "250", "paid_on": _day(15)}))
    await ok(await http.post(f"/v1/claims/{a}/payments",
                             json={"kind": "expense", "amount": "50", "paid_on": _day(15)}))
    await ok(await http.post(f"/v1/claims/{b}/payments",
                             json={"kind": "indemnity", "amount": "500", "paid_on": _day(10)}))
    await ok(await http.post(f"/v1/claims/{c}/decision",
                             json={"decision": "contest", "reason": "No medical evidence of injury",
                                   "decided_on": _day(10)}))
    await ok(await http.post(f"/v1/claims/{c}/decision", json={"decision": "accept", "decided_on": _day(4)}))
    await ok(await http.put(f"/v1/claims/{e}/reserves",
                            json={"medical": "300", "indemnity": "0", "expense": "0"}))
    await ok(await http.post(f"/v1/claims/{e}/payments",
                             json={"kind": "medical", "amount": "120.50", "paid_on": _day(1)}))
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


async def test_kpis_count_the_benchmarks_as_of_a_date(claims: RunningService) -> None:
    await _book(claims)
    injured_from = _day(45)
    kpis = (await claims.http.get("/v1/kpis", params={"employer_fein": EMPLOYER,
                                                     "from": injured_from})).json()
    assert kpis["claims"] == 4
    b = kpis["benchmarks"]
    assert b["first_indemnity_within_21_days_of_injury"] | {} == {
        "numerator": 1, "denominator": 2, "value": "0.5000", "benchmark": "seed 003 B.1",
        "new_york": "0.29", "wcri_median_14_states": "0.41", "target": "above the WCRI median"}
    assert (b["payor_notified_within_3_days_of_injury"]["numerator"],
            b["payor_notified_within_3_days_of_injury"]["denominator"]) == (3, 4)
    assert b["employer_reported_within_3_days"]["value"] == "0.5000"
    assert b["first_indemnity_within_14_days_of_notice"]["value"] == "0.5000"
    assert kpis["unpaid_indemnity_claims_over_21_days"] == 1
    assert kpis["contested"]["value"] == "0.2500"
    assert kpis["days_to_resolve_contest"] == {"mean": "6.00", "median": "6.00", "resolved": 1}
    assert kpis["by_status"] == {"accepted": 1, "open": 3}
    assert kpis["by_classification"] == {"medical_only": 1, "temporary_total": 3}

    then = (await claims.http.get("/v1/kpis", params={"employer_fein": EMPLOYER, "from": injured_from,
                                                     "as_of": _day(12)})).json()
    assert then["benchmarks"]["first_indemnity_within_21_days_of_injury"]["denominator"] == 1
    assert then["contested"]["numerator"] == 0
    assert then["by_status"] == {"open": 4}

    bad = await claims.http.get("/v1/kpis", params={"from": "2026-02-30", "employer_fein": "61"})
    assert bad.status_code == 422
    assert {tuple(e["loc"]) for e in bad.json()["detail"]} == {("query", "from"), ("query", "employer_fein")}


async def test_loss_runs_match_item_12_and_the_ledger(claims: RunningService) -> None:
    numbers = await _book(claims)
    run = (await claims.http.get("/v1/loss-runs", params={"employer_fein": EMPLOYER})).json()
    year = ct_today().year
    assert [r["year"] for r in run["items"]] == [year - 2, year - 1, year]
    current = run["items"][-1]
    assert current == {
        "year": year, "claims": 4, "medical_only_claims": 1,
        "paid": {"medical": "250.00", "indemnity": "1500.00", "total": "1750.00"},
        "open": {"medical": "750.00", "indemnity": "4000.00", "total": "4750.00"},
        "incurred": {"medical": "1000.00", "indemnity": "5500.00", "total": "6500.00"},
        "expense": {"paid": "50.00", "open": "50.00", "incurred": "100.00"},  # not a loss
        "with_expense": {"paid": "1800.00", "open": "4800.00", "incurred": "6600.00"},
        "duplicates_excluded": 0,
    }
    # A dashboard reconciles the claims' incurred (expense included) with the loss run.
    this_year = [n for n in numbers.values()
                 if (await claims.http.get(f"/v1/claims/{n}")).json()["date_of_injury"].startswith(str(year))]
    claims_incurred = sum([Decimal((await claims.http.get(f"/v1/claims/{n}")).json()["totals"]["incurred"])
                           for n in this_year], Decimal(0))
    assert claims_incurred == Decimal(current["with_expense"]["incurred"])
    assert "total (top level) is the number of rows" in run["layout"]
    assert run["total"] == 3 and "totals" not in run  # rows; the money sums are all_years
    assert run["items"][1]["paid"]["medical"] == "120.50"
    assert run["items"][1]["open"]["medical"] == "179.50"
    assert run["items"][1]["incurred"]["total"] == "300.00"
    assert run["items"][0]["claims"] == 0
    assert run["all_years"]["claims"] == 5 and run["all_years"]["paid"]["total"] == "1870.50"
    assert run["all_years"]["with_expense"]["paid"] == "1920.50"

    ledger_losses = Decimal(0)
    for number in numbers.values():
        for p in (await claims.http.get(f"/v1/claims/{number}/payments")).json()["items"]:
            if p["kind"] != "expense":
                ledger_losses += Decimal(p["amount"])
    assert Decimal(run["all_years"]["paid"]["total"]) == ledger_losses

    as_csv = await claims.http.get("/v1/loss-runs", params={"employer_fein": EMPLOYER},
                                   headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["year"] for r in rows] == [str(year - 2), str(year - 1), str(year)]
    assert rows[-1]["incurred_total"] == "6500.00" and rows[-1]["paid_indemnity"] == "1500.00"
    assert rows[-1]["expense_paid"] == "50.00" and rows[-1]["incurred_with_expense"] == "6600.00"
    assert (await claims.http.get("/v1/loss-runs", params={"employer_fein": EMPLOYER, "format": "csv"})
            ).text == as_csv.text

    earlier = (await claims.http.get("/v1/loss-runs", params={"employer_fein": EMPLOYER,
                                                             "as_of": _day(20)})).json()
    assert earlier["items"][-1]["claims"] == 3  # the fourth was not yet reported
    assert earlier["items"][-1]["paid"]["total"] == "0.00"

    b_payment = (await claims.http.get(f"/v1/claims/{numbers['b']}/payments")).json()["items"][0]
    await claims.http.post(f"/v1/claims/{numbers['b']}/payments/{b_payment['payment_id']}/reversal",
                           json={"reason": "paid to the wrong payee"})
    run = (await claims.http.get("/v1/loss-runs", params={"employer_fein": EMPLOYER})).json()
    assert run["items"][-1]["paid"]["indemnity"] == "1000.00"

    full = (await claims.http.get("/v1/loss-runs", params={"employer_fein": EMPLOYER,
                                                          "full_years": "true"})).json()
    assert full["valued_as_of"] == f"{year - 1}-12-31"
    assert [r["year"] for r in full["items"]] == [year - 3, year - 2, year - 1]
    missing = await claims.http.get("/v1/loss-runs")
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["query", "employer_fein"]
