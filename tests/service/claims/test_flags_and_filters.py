"""Intake's flags on the claim, and the list filters: flags, enumerated values, FEINs."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.service.claims.support import FEIN, deliver, injury_event, open_claim
from tests.support.services import RunningService


async def test_intake_flags_are_kept_shown_filtered_and_in_the_history(claims: RunningService) -> None:
    late = await open_claim(claims, 1, occurred_at=datetime(2024, 3, 1, 14, tzinfo=UTC),
                            flags=["notice_late", "jurisdiction_review"])
    plain = await open_claim(claims, 2)
    assert [f["code"] for f in late["flags"]] == ["notice_late", "jurisdiction_review"]
    notice = late["flags"][0]
    assert notice["rule"] == "CGS 31-294c(a)" and "injury 2024-03-01" in notice["message"]
    assert late["flags"][1]["rule"] == "CGS 31-275(9)(B)(vi)"
    assert plain["flags"] == []

    for code in ("notice_late", "jurisdiction_review"):
        found = (await claims.http.get("/v1/claims", params={"flag": code})).json()
        assert [c["claim_number"] for c in found["items"]] == [late["claim_number"]]
    bogus = await claims.http.get("/v1/claims", params={"flag": "bogus"})
    assert bogus.status_code == 422 and bogus.json()["detail"][0]["loc"] == ["query", "flag"]

    history = (await claims.http.get(f"/v1/claims/{late['claim_number']}/history")).json()["items"]
    assert history[0]["details"]["flags"] == ["notice_late", "jurisdiction_review"]


async def test_a_report_seen_again_adds_flags_its_claim_lacks(claims: RunningService) -> None:
    first = injury_event(1)
    assert await deliver(claims, first)
    again = injury_event(1, report_id=first.data["report_id"], flags=["notice_late"])
    assert await deliver(claims, again)  # re-published (e.g. a claim opened before 0003)
    claim = (await claims.http.get("/v1/claims", params={"flag": "notice_late"})).json()["items"][0]
    assert claim["report_id"] == first.data["report_id"]
    history = (await claims.http.get(f"/v1/claims/{claim['claim_number']}/history")).json()["items"]
    assert [h["action"] for h in history] == ["opened", "report_details_added"]


BOGUS_FILTERS = [
    ("/v1/claims", "status", "bogus"),
    ("/v1/claims", "classification", "broken_heart"),
    ("/v1/claims", "duplicate_review", "maybe"),
    ("/v1/claims", "probable_duplicate", "perhaps"),
    ("/v1/claims", "adjuster", "Not A User"),
    ("/v1/deadlines", "state", "late"),
    ("/v1/adjusters", "role", "boss"),
    ("/v1/loss-runs", "format", "pdf"),
]


async def test_enumerated_filters_refuse_unknown_values(claims: RunningService) -> None:
    for path, parameter, value in BOGUS_FILTERS:
        params = {parameter: value}
        if path == "/v1/loss-runs":
            params["employer_fein"] = FEIN
        answer = await claims.http.get(path, params=params)
        assert answer.status_code == 422, (path, parameter, answer.text)
        assert answer.json()["detail"][0]["loc"] == ["query", parameter]
    status = (await claims.http.get("/v1/claims", params={"status": "bogus"})).json()["detail"][0]
    assert "'contested'" in status["msg"]  # the message lists the allowed values


async def test_enumerated_filters_still_filter(claims: RunningService) -> None:
    medical = await open_claim(claims, 1, severity="medical_only")
    await open_claim(claims, 2)
    found = (await claims.http.get("/v1/claims", params={"classification": "medical_only",
                                                        "status": "open"})).json()
    assert [c["claim_number"] for c in found["items"]] == [medical["claim_number"]]


async def test_fein_queries_take_either_spelling_and_say_what_is_wrong(claims: RunningService) -> None:
    claim = await open_claim(claims, 1)
    for spelling in ("06-1234567", "061234567", " 061234567 "):
        found = (await claims.http.get("/v1/claims", params={"employer_fein": spelling})).json()
        assert [c["claim_number"] for c in found["items"]] == [claim["claim_number"]], spelling
        run = await claims.http.get("/v1/loss-runs", params={"employer_fein": spelling})
        assert run.status_code == 200 and run.json()["employer_fein"] == FEIN
    for path in ("/v1/claims", "/v1/kpis", "/v1/loss-runs", "/v1/deadlines"):
        bad = await claims.http.get(path, params={"employer_fein": "06-12345"})
        assert bad.status_code == 422, path
        error = bad.json()["detail"][0]
        assert error["loc"] == ["query", "employer_fein"]
        assert error["msg"] == "FEIN must be 9 digits written NN-NNNNNNN"
    missing = await claims.http.get("/v1/loss-runs", params={"employer_fein": ""})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["query", "employer_fein"]
    assert missing.json()["detail"][0]["msg"].startswith("FEIN is required")
