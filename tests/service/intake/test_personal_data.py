"""SSN, birth date and medical details: sealed at rest, masked, kept out of logs, re-keyable."""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from typing import Any

import pytest
from sqlalchemy import text

from services.intake.reports import plain_fingerprint
from services.intake.sealing import ReportSealer
from shared.pii import PiiCipher, PiiKeyMissing, new_pii_key
from tests.service.intake.conftest import Intake, StartIntake
from tests.service.intake.helpers import body, fresh_fein

SSN = "287-65-4321"
BORN = "1971-03-14"
DESCRIPTION = "Crushed left hand in the linen press"
SECRETS = [SSN, SSN.replace("-", ""), "287-65", "28765", BORN, "03/14/1971", "1971-3-14", "19710314"]


def _personal(n: int = 1, **overrides: Any) -> dict[str, Any]:
    report = body(n, **overrides)
    report["employee"]["ssn"] = SSN.replace("-", "")  # accepted without dashes, stored normalised
    report["employee"]["date_of_birth"] = BORN
    report["injury"]["description"] = DESCRIPTION
    return report


async def _table_text(intake: Intake, table: str) -> str:
    """Every value of every row of `table`, as text (bytes decoded as Latin-1: nothing hides)."""
    async with intake.service.runtime.engine.connect() as connection:
        rows = (await connection.execute(text(f"SELECT * FROM {table}"))).all()  # noqa: S608
    parts = []
    for row in rows:
        for value in row:
            parts.append(bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview)
                         else str(value))
    return "\n".join(parts)


async def test_nothing_personal_is_stored_in_plain(intake: Intake) -> None:
    taken = (await intake.http.post("/v1/injury-reports", json=_personal(),
                                    headers={"Idempotency-Key": "sealed-1"})).json()
    await intake.http.post("/v1/injury-reports/batch", json={"reports": [_personal(2)]},
                           headers={"Idempotency-Key": "sealed-batch-1"})
    for table in ("injury_reports", "report_history", "idempotency_keys", "outbox"):
        stored = await _table_text(intake, table)
        assert stored, table
        for secret in SECRETS:
            assert secret not in stored, (table, secret)
        assert "linen press" not in stored, table  # outbox rows are sealed too
        assert "Diaz0001" not in stored, table
    async with intake.service.runtime.engine.connect() as connection:
        sealed, last4 = (await connection.execute(text(
            "SELECT sealed, ssn_last4 FROM injury_reports WHERE id = :id"), {"id": taken["report_id"]}
        )).one()
    assert last4 == "4321"  # as every masked answer shows it
    opened = PiiCipher(intake.pii_keys).decrypt(bytes(sealed))
    assert opened is not None and SSN in opened and BORN in opened and DESCRIPTION in opened


async def test_logs_hold_no_ssn_or_birth_date(
    fresh_intake: StartIntake, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    intake = await fresh_intake()
    http = intake.http
    taken = (await http.post("/v1/injury-reports", json=_personal(3),
                             headers={"Idempotency-Key": "logged"})).json()
    await http.post("/v1/injury-reports", json=_personal(3), headers={"Idempotency-Key": "logged"})
    await http.post("/v1/injury-reports", json=_personal(3))  # a probable duplicate
    bad = _personal(4)
    bad["employee"]["ssn"] = "666-65-4321"
    bad["employee"]["date_of_birth"] = "1971-03-14X"
    await http.post("/v1/injury-reports", json=bad)
    await http.post("/v1/injury-reports/batch", json={"reports": [_personal(5), bad]})
    await http.get(f"/v1/injury-reports/{taken['report_id']}")
    await http.get("/v1/injury-reports", params={"confirmation_number": taken["confirmation_number"]})
    await http.get(f"/v1/injury-reports/{taken['report_id']}/history")
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert caplog.records
    for secret in [*SECRETS, "666-65-4321", "66665"]:
        assert secret not in logged, secret


async def test_key_rotation_re_seals_every_report(fresh_intake: StartIntake) -> None:
    old_key, new_key = new_pii_key(), new_pii_key()
    fein = fresh_fein()
    async with AsyncExitStack() as before_rotation:
        first = await fresh_intake(pii_keys=old_key, within=before_rotation)
        url = first.database_url
        taken = [(await first.http.post("/v1/injury-reports", json=_personal(n, fein=fein))).json()
                 for n in range(3)]

    async with AsyncExitStack() as during_rotation:
        rotating = await fresh_intake(database_url=url, pii_keys=f"{new_key},{old_key}",
                                      within=during_rotation)
        old = (await rotating.http.get(f"/v1/injury-reports/{taken[0]['report_id']}")).json()
        assert old["employee"]["ssn"] == SSN  # read with the old key
        again = (await rotating.http.post("/v1/injury-reports", json=_personal(0, fein=fein))).json()
        assert again["probable_duplicate_of"] == taken[0]["report_id"]  # found under the old key
        forbidden = await rotating.http.post("/v1/admin/pii-rotation",
                                             headers=rotating.as_(rotating.keys.carrier))
        assert forbidden.status_code == 403
        result = (await rotating.http.post("/v1/admin/pii-rotation")).json()
        assert result == {"examined": 4, "rotated": 3, "already_current": 1, "failed": 0}
        assert (await rotating.http.post("/v1/admin/pii-rotation")).json()["rotated"] == 0

        async with rotating.service.runtime.engine.connect() as connection:
            rows = (await connection.execute(text("SELECT sealed, fingerprint FROM injury_reports"))).all()
        only_old, only_new = PiiCipher(old_key), ReportSealer(new_key)
        for sealed, fingerprint in rows:
            with pytest.raises(PiiKeyMissing):
                only_old.decrypt(bytes(sealed))
            assert fingerprint == only_new.fingerprint(plain_fingerprint(only_new.open(bytes(sealed))))

    async with AsyncExitStack() as after_rotation:
        rotated = await fresh_intake(database_url=url, pii_keys=new_key, within=after_rotation)
        for answer in taken:
            shown = (await rotated.http.get(f"/v1/injury-reports/{answer['report_id']}")).json()
            assert shown["employee"]["ssn"] == SSN and shown["injury"]["description"] == DESCRIPTION
        later = (await rotated.http.post("/v1/injury-reports", json=_personal(1, fein=fein))).json()
        assert later["probable_duplicate_of"] == taken[1]["report_id"]


async def test_a_report_no_key_opens_is_counted_not_lost(fresh_intake: StartIntake) -> None:
    lost_key = new_pii_key()
    async with AsyncExitStack() as first_life:
        first = await fresh_intake(pii_keys=lost_key, within=first_life)
        url = first.database_url
        await first.http.post("/v1/injury-reports", json=_personal())
    async with AsyncExitStack() as second_life:
        second = await fresh_intake(database_url=url, within=second_life)
        await second.http.post("/v1/injury-reports", json=_personal(2))
        result = (await second.http.post("/v1/admin/pii-rotation")).json()
        assert result["failed"] == 1 and result["examined"] == 2
