"""Probable duplicates: one claim per report, marked, handled by the first claim's adjuster,
closed as a duplicate and then left out of KPIs and loss-run counts."""

from __future__ import annotations

from typing import Any

from tests.service.claims.support import FEIN, adjuster, deliver, injury_event, open_claim
from tests.support.services import RunningService


async def _report(claims: RunningService, n: int, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    """Deliver a report; answers its report id and its claim."""
    event = injury_event(n, last_name="Diaz", **kwargs)
    assert await deliver(claims, event)
    report_id = event.data["report_id"]
    found = (await claims.http.get("/v1/claims", params={"report_id": report_id})).json()
    return report_id, found["items"][0]


async def _loads(claims: RunningService) -> dict[str, int]:
    roster = (await claims.http.get("/v1/adjusters")).json()["items"]
    return {a["username"]: a["open_claims"] for a in roster}


async def test_a_probable_duplicate_is_marked_handled_alike_and_closed_out_of_the_counts(
        claims: RunningService) -> None:
    await adjuster(claims, "ava")
    await adjuster(claims, "ben")
    await adjuster(claims, "nia", role="nurse_case_manager")
    first_report, first = await _report(claims, 1)
    assert first["adjuster"] == "ava" and first["probable_duplicate_of"] is None
    assert first["duplicate_review"] is None
    _, repeat = await _report(claims, 2, probable_duplicate_of=first_report)

    assert repeat["claim_number"] != first["claim_number"]  # one claim per report
    assert repeat["probable_duplicate_of"] == first["claim_number"]
    assert repeat["probable_duplicate_of_report_id"] == first_report
    assert repeat["duplicate_review"] == "pending"
    # ben has the lighter load, but a duplicate goes to the first claim's adjuster and nurse
    assert (repeat["adjuster"], repeat["nurse_case_manager"]) == ("ava", "nia")
    assert await _loads(claims) == {"ava": 1, "ben": 0, "nia": 1}  # not counted against caps
    assignments = (await claims.http.get(f"/v1/claims/{repeat['claim_number']}/assignments")).json()
    assert {a["actor"] for a in assignments["items"]} == {"claims:auto-assignment"}
    assert "probable duplicate of " + first["claim_number"] in assignments["items"][0]["reason"]
    opened = (await claims.http.get(f"/v1/claims/{repeat['claim_number']}/history")).json()["items"][0]
    assert opened["details"]["probable_duplicate_of"] == first["claim_number"]

    listed = (await claims.http.get("/v1/claims", params={"probable_duplicate": "true"})).json()
    assert [c["claim_number"] for c in listed["items"]] == [repeat["claim_number"]]
    pending = (await claims.http.get("/v1/claims", params={"duplicate_review": "pending"})).json()
    assert pending["total"] == 1
    kpis = (await claims.http.get("/v1/kpis", params={"employer_fein": FEIN})).json()
    assert (kpis["claims"], kpis["probable_duplicates_pending"], kpis["duplicates_excluded"]) == (2, 1, 0)

    closed = await claims.http.post(f"/v1/claims/{repeat['claim_number']}/close",
                                    json={"reason": "duplicate"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["duplicate_review"] == "duplicate"
    assert closed.json()["duplicate_of"] == first["claim_number"]
    history = (await claims.http.get(f"/v1/claims/{repeat['claim_number']}/history")).json()["items"]
    assert history[-1]["details"]["duplicate_of"] == first["claim_number"]

    kpis = (await claims.http.get("/v1/kpis", params={"employer_fein": FEIN})).json()
    assert (kpis["claims"], kpis["duplicates_excluded"]) == (1, 1)
    assert kpis["benchmarks"]["payor_notified_within_3_days_of_injury"]["denominator"] == 1
    assert kpis["by_status"] == {"open": 1}
    run = (await claims.http.get("/v1/loss-runs", params={"employer_fein": FEIN, "years": 1})).json()
    assert (run["items"][0]["claims"], run["items"][0]["duplicates_excluded"]) == (1, 1)
    as_csv = (await claims.http.get("/v1/loss-runs", params={"employer_fein": FEIN, "years": 1,
                                                             "format": "csv"})).text
    assert as_csv.splitlines()[1].endswith(",1")  # duplicates_excluded, last column

    reopened = await claims.http.post(f"/v1/claims/{repeat['claim_number']}/reopen", json={})
    assert reopened.json()["duplicate_review"] == "pending" and reopened.json()["duplicate_of"] is None


async def test_closing_as_a_duplicate_names_a_claim_that_stands(claims: RunningService) -> None:
    one = await open_claim(claims, 1)
    two = await open_claim(claims, 2)
    three = await open_claim(claims, 3)
    unlinked = await claims.http.post(f"/v1/claims/{two['claim_number']}/close",
                                      json={"reason": "duplicate"})
    assert unlinked.status_code == 422 and unlinked.json()["detail"][0]["loc"] == ["body", "duplicate_of"]
    itself = await claims.http.post(f"/v1/claims/{two['claim_number']}/close",
                                    json={"duplicate_of": two["claim_number"]})
    assert itself.status_code == 422
    unknown = await claims.http.post(f"/v1/claims/{two['claim_number']}/close",
                                     json={"duplicate_of": "WC-1999-000001"})
    assert unknown.status_code == 422 and "no claim" in unknown.json()["detail"][0]["msg"]
    malformed = await claims.http.post(f"/v1/claims/{two['claim_number']}/close",
                                       json={"duplicate_of": "claim one"})
    assert malformed.status_code == 422
    # the adjuster may close a duplicate intake did not link (a nickname, a typo)
    closed = await claims.http.post(f"/v1/claims/{two['claim_number']}/close",
                                    json={"duplicate_of": one["claim_number"].lower()})
    assert closed.status_code == 200 and closed.json()["duplicate_of"] == one["claim_number"]
    chained = await claims.http.post(f"/v1/claims/{three['claim_number']}/close",
                                     json={"duplicate_of": two["claim_number"]})
    assert chained.status_code == 422 and one["claim_number"] in chained.json()["detail"][0]["msg"]
    assert (await claims.http.get(f"/v1/claims/{two['claim_number']}")).json()["status"] == "closed"


async def test_a_duplicate_reported_before_its_first_report_waits_then_follows(
        claims: RunningService) -> None:
    await adjuster(claims, "ava")
    first = injury_event(1, last_name="Diaz")
    _, early = await _report(claims, 2, probable_duplicate_of=first.data["report_id"])
    assert early["adjuster"] is None and early["probable_duplicate_of"] is None
    assert early["probable_duplicate_of_report_id"] == first.data["report_id"]
    close_early = await claims.http.post(f"/v1/claims/{early['claim_number']}/close",
                                         json={"reason": "duplicate"})
    assert close_early.status_code == 422  # its first report has no claim yet

    assert await deliver(claims, first)
    early = (await claims.http.get(f"/v1/claims/{early['claim_number']}")).json()
    original = (await claims.http.get("/v1/claims", params={"report_id": first.data["report_id"]})
                ).json()["items"][0]
    assert early["probable_duplicate_of"] == original["claim_number"]
    assert early["adjuster"] == original["adjuster"] == "ava"
    history = (await claims.http.get(f"/v1/claims/{early['claim_number']}/history")).json()["items"]
    assert [h["action"] for h in history] == ["opened", "duplicate_linked", "assigned"]
    assert history[-1]["actor"] == "claims:auto-assignment"


async def test_duplicates_follow_their_original_and_can_be_ruled_out(claims: RunningService) -> None:
    await adjuster(claims, "ava")
    first_report, first = await _report(claims, 1)
    _, repeat = await _report(claims, 2, probable_duplicate_of=first_report)
    await adjuster(claims, "ben")
    moved = await claims.http.put(f"/v1/claims/{first['claim_number']}/adjuster",
                                  json={"adjuster": "ben", "reason": "vacation"})
    assert moved.status_code == 200
    repeat = (await claims.http.get(f"/v1/claims/{repeat['claim_number']}")).json()
    assert repeat["adjuster"] == "ben"  # the duplicate followed the first claim
    assert await _loads(claims) == {"ava": 0, "ben": 1}

    ruled = await claims.http.post(f"/v1/claims/{repeat['claim_number']}/not-duplicate",
                                   json={"reason": "a second, separate fall"})
    assert ruled.status_code == 200 and ruled.json()["duplicate_review"] == "not_duplicate"
    assert ruled.json()["probable_duplicate_of"] == first["claim_number"]  # the link stays
    assert await _loads(claims) == {"ava": 0, "ben": 2}  # it counts now
    again = await claims.http.post(f"/v1/claims/{repeat['claim_number']}/not-duplicate")
    assert again.status_code == 409
    never = await claims.http.post(f"/v1/claims/{first['claim_number']}/not-duplicate")
    assert never.status_code == 409 and "not a probable duplicate" in never.json()["detail"]
    bad = await claims.http.get("/v1/claims", params={"duplicate_review": "maybe"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "duplicate_review"]
