"""Nothing a caller sends makes intake answer 500: garbage gets a 4xx naming what is wrong."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from tests.service.intake.conftest import Intake
from tests.support.reports import report_body

GOOD = json.dumps(report_body(1)).encode()
JSON = {"content-type": "application/json"}


def _replace(old: str, new: str) -> bytes:
    text = GOOD.decode()
    assert old in text
    return text.replace(old, new, 1).encode()


GARBAGE: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b"  \n ",
    "empty list": b"[]",
    "null": b"null",
    "string": b'"an injury"',
    "number": b"42",
    "true": b"true",
    "empty object": b"{}",
    "truncated": GOOD[: len(GOOD) // 2],
    "trailing garbage": GOOD + b"}}",
    "not UTF-8": b'{"channel": "\xff\xfe"}',
    "Latin-1 name": _replace("Diaz0001", "D\\u00edaz").decode().replace("\\u00ed", "\xed").encode(
        "latin-1"),
    "deeply nested list": b"[" * 100_000 + b"]" * 100_000,
    "deeply nested object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "deep inside a good report": GOOD[:-1] + b', "extra": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "huge integer": _replace('"1250.00"', "9" * 5000),
    "NaN wage": _replace('"1250.00"', "NaN"),
    "Infinity wage": _replace('"1250.00"', "1e400"),
    "unpaired surrogate": _replace("Diaz0001", "Diaz\\ud800"),
    "NUL in employer name": _replace("Shoreline", "Shore\\u0000line"),
    "escape in description": _replace("sharp pain", "sharp\\u001bpain"),
    "wrong types": json.dumps({"channel": 1, "employer": [], "employee": "Ana",
                               "injury": {"occurred_at": 5, "severity": True,
                                          "description": {}}}).encode(),
    "sections are lists": json.dumps({**report_body(1), "employer": [], "employee": [],
                                      "injury": []}).encode(),
    "body_parts not a list": json.dumps(report_body(1, body_parts="back")).encode(),
}


async def _count(intake: Intake) -> int:
    page = (await intake.http.get("/v1/injury-reports", params={"limit": 1})).json()
    return int(page["total"])


@pytest.mark.parametrize("name", list(GARBAGE))
async def test_garbage_gets_a_422_naming_the_body(intake: Intake, name: str) -> None:
    answer = await intake.http.post("/v1/injury-reports", content=GARBAGE[name], headers=JSON)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail and all(error["loc"][0] == "body" for error in detail)
    assert all({"loc", "msg", "type"} <= set(error) for error in detail)


@pytest.mark.parametrize("name", list(GARBAGE))
async def test_garbage_batch_is_a_422_and_a_garbage_item_only_fails_itself(
    intake: Intake, name: str
) -> None:
    whole = await intake.http.post("/v1/injury-reports/batch", content=GARBAGE[name], headers=JSON)
    assert whole.status_code == 422, whole.text
    try:
        GARBAGE[name].decode("utf-8")
        json.loads(GARBAGE[name])
    except (ValueError, RecursionError):
        return  # not JSON: no batch can hold it
    body = b'{"reports": [' + GOOD + b", " + GARBAGE[name] + b"]}"
    answer = await intake.http.post("/v1/injury-reports/batch", content=body, headers=JSON)
    assert answer.status_code == 207, answer.text
    good, bad = answer.json()["results"]
    assert good["status_code"] == 202 and good["confirmation_number"].startswith("CL-")
    assert bad["status_code"] == 422
    assert all(error["loc"][:3] == ["body", "reports", 1] for error in bad["detail"])


async def test_garbage_stores_nothing(intake: Intake) -> None:
    before = await _count(intake)
    for body in GARBAGE.values():
        await intake.http.post("/v1/injury-reports", content=body, headers=JSON)
    assert await _count(intake) == before


async def test_a_422_names_every_bad_field_at_once(intake: Intake) -> None:
    body = report_body(2)
    body["employer"]["fein"] = "07-1234567"  # a prefix the IRS never assigned
    body["employee"]["ssn"] = "666-12-3456"  # never issued
    body["employee"]["phone"] = "555-0100"  # not a full number
    body["employee"]["date_of_birth"] = "2099-01-01"
    body["injury"]["severity"] = "ouch"
    body["injury"]["occurred_at"] = "2999-01-01T00:00:00-05:00"
    del body["employee"]["first_name"]
    answer = await intake.http.post("/v1/injury-reports", json=body)
    assert answer.status_code == 422
    locs = {tuple(error["loc"]) for error in answer.json()["detail"]}
    assert locs == {
        ("body", "employer", "fein"), ("body", "employee", "ssn"), ("body", "employee", "phone"),
        ("body", "employee", "date_of_birth"), ("body", "injury", "severity"),
        ("body", "injury", "occurred_at"), ("body", "employee", "first_name"),
    }
    assert "666-12-3456" not in answer.text  # errors never echo the input (it may be an SSN)


async def test_the_ivr_can_re_prompt_field_by_field(intake: Intake) -> None:
    """A wrong answer is named; once corrected, the report goes through."""
    body = report_body(3)
    body["employee"]["ssn"] = "000-12-3456"
    answer = await intake.http.post("/v1/injury-reports", json=body)
    assert [e["loc"] for e in answer.json()["detail"]] == [["body", "employee", "ssn"]]
    body["employee"]["ssn"] = "078-05-1121"
    answer = await intake.http.post("/v1/injury-reports", json=body)
    assert answer.status_code == 202, answer.text


async def test_a_body_over_the_cap_is_413_with_or_without_a_length(intake: Intake) -> None:
    huge = b'{"channel": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    declared = await intake.http.post("/v1/injury-reports", content=huge, headers=JSON)
    assert declared.status_code == 413

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(huge), 64 * 1024):
            yield huge[start:start + 64 * 1024]

    streamed = await intake.http.post("/v1/injury-reports", content=chunks(), headers=JSON)
    assert streamed.status_code == 413


async def test_batch_shape_errors_refuse_the_whole_request(intake: Intake) -> None:
    cases = [
        {"reports": []},
        {"reports": [report_body(1)] * 501},
        {"reports": report_body(1)},
        {"reports": None},
        {"report": [report_body(1)]},
        [report_body(1)],
    ]
    before = await _count(intake)
    for body in cases:
        answer = await intake.http.post("/v1/injury-reports/batch", json=body)
        assert answer.status_code == 422, (body if len(str(body)) < 200 else "...", answer.text)
        assert answer.json()["detail"][0]["loc"][0] == "body"
    assert await _count(intake) == before


@pytest.mark.parametrize("path", ["/v1/injury-reports", "/v1/injury-reports/batch"])
async def test_keys_and_scopes(intake: Intake, path: str) -> None:
    body = report_body(4) if path.endswith("reports") else {"reports": [report_body(4)]}
    no_key = await intake.http.post(path, json=body, headers={"Authorization": ""})
    assert no_key.status_code == 401
    unknown = await intake.http.post(path, json=body, headers=intake.as_("clk_unknown"))
    assert unknown.status_code == 401
    wrong_scope = await intake.http.post(path, json=body, headers=intake.as_(intake.keys.reader))
    assert wrong_scope.status_code == 403


async def test_bad_identifiers_in_urls_are_404_or_422(intake: Intake) -> None:
    for report_id in ["nope", "x" * 5000, "%00", "1' OR '1'='1", "9f1c0000-0000-0000-0000-000000000000"]:
        for suffix in ("", "/history"):
            answer = await intake.http.get(f"/v1/injury-reports/{report_id}{suffix}")
            assert answer.status_code == 404, (report_id, answer.text)
    for number in ["CL-", "CL-0000-0000\x00", "🙂", "CL-7K3F-92QD"]:  # the last fails its check
        answer = await intake.http.get("/v1/injury-reports", params={"confirmation_number": number})
        assert answer.status_code == 422, (number, answer.text)
    long = await intake.http.get("/v1/injury-reports", params={"confirmation_number": "C" * 41})
    assert long.status_code == 422
    assert (await intake.http.get("/v1/injury-reports", params={"limit": 501})).status_code == 422


async def test_a_bad_idempotency_key_is_a_422(intake: Intake) -> None:
    answer = await intake.http.post("/v1/injury-reports", json=report_body(5),
                                    headers={"Idempotency-Key": "k" * 201})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    batch = await intake.http.post("/v1/injury-reports/batch", json={"reports": [report_body(5)]},
                                   headers={"Idempotency-Key": "k" * 191})
    assert batch.status_code == 422


@pytest.mark.parametrize("depth", [500, 900, 990, 1200])
async def test_nesting_near_the_parser_limit_with_an_idempotency_key(intake: Intake, depth: int) -> None:
    body = GOOD[:-1] + b', "extra": ' + b"[" * depth + b"]" * depth + b"}"
    answer = await intake.http.post("/v1/injury-reports", content=body,
                                    headers={**JSON, "Idempotency-Key": f"deep-{depth}"})
    assert answer.status_code in (202, 422), answer.text
