"""notify's API: the on-call nurse, webhook subscriptions and the delivery log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from shared.db import make_engine
from shared.pii import PiiCipher
from tests.service.notify.conftest import Notify, StartNotify

NURSE = {"name": "Rita Moreno, RN", "phone": "+18605550142", "email": "rita@shoreline.example"}
SECRET = "whsec-7f3a9c1e5b2d4086"


def subscription(**changes: Any) -> dict[str, Any]:
    return {"url": "https://carrier.example/hooks/claimline", "event_types": ["claims.claim-opened"],
            "employer_fein": "06-1234567", "secret": SECRET, **changes}


def locs(answer: Any) -> set[tuple[Any, ...]]:
    return {tuple(error["loc"]) for error in answer.json()["detail"]}


async def test_the_on_call_nurse_is_set_shown_cleared_and_remembered(fresh_notify: StartNotify) -> None:
    notify = await fresh_notify()
    assert (await notify.http.get("/v1/on-call")).json() == {"nurse": None, "since": None,
                                                             "changed_by": None}
    put = await notify.http.put("/v1/on-call", json={"nurse": NURSE},
                                headers=notify.as_(notify.keys.writer))
    assert put.status_code == 200, put.text
    assert put.json()["nurse"] == NURSE and put.json()["changed_by"] == "ops-console"
    shown = (await notify.http.get("/v1/on-call", headers=notify.as_(notify.keys.reader))).json()
    assert shown == put.json()

    cleared = await notify.http.delete("/v1/on-call", headers=notify.as_(notify.keys.writer))
    assert cleared.status_code == 204
    assert (await notify.http.get("/v1/on-call")).json()["nurse"] is None

    history = (await notify.http.get("/v1/on-call/history")).json()
    assert history["total"] == 2
    assert [h["nurse"] for h in history["items"]] == [None, NURSE]  # newest first
    assert {h["changed_by"] for h in history["items"]} == {"ops-console"}


async def test_an_on_call_nurse_names_each_bad_field(notify: Notify) -> None:
    answer = await notify.http.put("/v1/on-call", json={"nurse": {
        "name": " ", "phone": "860-555-0142", "email": "rita at shoreline"}})
    assert answer.status_code == 422
    assert locs(answer) == {("body", "nurse", "name"), ("body", "nurse", "phone"),
                            ("body", "nurse", "email")}
    missing = await notify.http.put("/v1/on-call", json={})
    assert missing.status_code == 422 and locs(missing) == {("body", "nurse")}


async def test_keys_and_scopes(notify: Notify) -> None:
    assert (await notify.http.get("/v1/notifications", headers={"Authorization": ""})).status_code == 401
    assert (await notify.http.get("/v1/notifications", headers=notify.as_("nope"))).status_code == 401
    stranger = notify.as_(notify.keys.stranger)
    assert (await notify.http.get("/v1/notifications", headers=stranger)).status_code == 403
    reader = notify.as_(notify.keys.reader)
    assert (await notify.http.get("/v1/notifications", headers=reader)).status_code == 200
    assert (await notify.http.put("/v1/on-call", json={"nurse": NURSE}, headers=reader)).status_code == 403
    assert (await notify.http.post("/v1/subscriptions", json=subscription(),
                                   headers=reader)).status_code == 403


async def test_a_subscription_is_created_listed_and_deleted(notify: Notify) -> None:
    fein = "06-5550001"
    writer = notify.as_(notify.keys.writer)
    created = await notify.http.post("/v1/subscriptions", json=subscription(employer_fein=fein),
                                     headers=writer)
    assert created.status_code == 201, created.text
    body = created.json()
    assert "secret" not in body and SECRET not in created.text
    assert body["employer_fein"] == fein and body["created_by"] == "ops-console"
    assert body["event_types"] == ["claims.claim-opened"]
    sub_id = body["subscription_id"]

    listed = (await notify.http.get("/v1/subscriptions", params={"employer_fein": fein})).json()
    assert listed == {"items": [body], "total": 1}
    assert (await notify.http.get(f"/v1/subscriptions/{sub_id}")).json() == body

    assert (await notify.http.delete(f"/v1/subscriptions/{sub_id}", headers=writer)).status_code == 204
    assert (await notify.http.delete(f"/v1/subscriptions/{sub_id}", headers=writer)).status_code == 404
    assert (await notify.http.get(f"/v1/subscriptions/{sub_id}")).status_code == 404
    assert (await notify.http.get("/v1/subscriptions", params={"employer_fein": fein})).json()["total"] == 0


async def test_a_subscription_is_created_once_per_idempotency_key(notify: Notify) -> None:
    fein = "06-5550002"
    key = {"Idempotency-Key": "carrier-acme-sub-1"}
    first = await notify.http.post("/v1/subscriptions", json=subscription(employer_fein=fein), headers=key)
    again = await notify.http.post("/v1/subscriptions", json=subscription(employer_fein=fein), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    other = await notify.http.post("/v1/subscriptions", headers=key,
                                   json=subscription(employer_fein=fein, url="https://other.example/h"))
    assert other.status_code == 409
    assert (await notify.http.get("/v1/subscriptions", params={"employer_fein": fein})).json()["total"] == 1


async def test_a_subscription_names_each_bad_field(notify: Notify) -> None:
    answer = await notify.http.post("/v1/subscriptions", json={
        "url": "ftp://carrier.example/hook", "event_types": ["claims.claim-opened", "claims.claim-closed"],
        "employer_fein": "06-12345", "secret": "short"})
    assert answer.status_code == 422
    assert locs(answer) == {("body", "url"), ("body", "event_types", 1), ("body", "employer_fein"),
                            ("body", "secret")}
    for bad, loc in ((subscription(url="https://user:pw@carrier.example/h"), ("body", "url")),
                     (subscription(url="not a url"), ("body", "url")),
                     (subscription(event_types=[]), ("body", "event_types")),
                     (subscription(event_types=["notify.delivery-failed"]), ("body", "event_types", 0)),
                     ({k: v for k, v in subscription().items() if k != "secret"}, ("body", "secret"))):
        answer = await notify.http.post("/v1/subscriptions", json=bad)
        assert answer.status_code == 422, bad
        assert locs(answer) == {loc}, answer.json()


async def test_the_secret_is_stored_encrypted(notify: Notify) -> None:
    created = await notify.http.post("/v1/subscriptions", json=subscription(employer_fein="06-5550003"),
                                     headers={"Idempotency-Key": "secret-at-rest"})
    sub_id = created.json()["subscription_id"]
    engine = make_engine(notify.database_url)
    try:
        async with engine.connect() as connection:
            row = (await connection.execute(
                text("SELECT * FROM webhook_subscriptions WHERE id = :id"), {"id": sub_id})).mappings().one()
            remembered = (await connection.execute(
                text("SELECT response FROM idempotency_keys WHERE key = 'secret-at-rest'"))).scalar_one()
    finally:
        await engine.dispose()
    stored = bytes(row["secret"])
    assert SECRET.encode() not in stored
    assert all(SECRET not in str(value) for value in row.values())
    assert SECRET not in remembered
    assert PiiCipher(notify.pii_keys).decrypt(stored) == SECRET


async def test_the_delivery_log_names_each_bad_filter(notify: Notify) -> None:
    answer = await notify.http.get("/v1/notifications", params={"status": "lost", "channel": "fax",
                                                                "limit": 501})
    assert answer.status_code == 422
    assert locs(answer) == {("query", "status"), ("query", "channel"), ("query", "limit")}
    assert (await notify.http.get("/v1/notifications/no-such-id")).status_code == 404
