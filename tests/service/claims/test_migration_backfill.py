"""Claims opened before revision 0002 keep counting "as of" a date after the upgrade."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import select, text

from services.claims.app import DEFINITION
from services.claims.models import ClaimStatusChange, ClassificationChange
from shared.db import make_engine, make_sessions
from shared.migrate import alembic_config, upgrade
from tests.conftest import Databases

MIGRATIONS = DEFINITION.migrations


async def test_0002_backfills_dated_status_and_classification(databases: Databases) -> None:
    engine = make_engine(await databases.new("claims"))
    try:
        async with engine.begin() as connection:
            def to_0001(sync: object) -> None:
                config = alembic_config(MIGRATIONS)
                config.attributes["connection"] = sync
                command.upgrade(config, "0001")
            await connection.run_sync(to_0001)
            await connection.execute(text(
                "INSERT INTO claims (claim_number, report_id, confirmation_number, employer_fein, "
                "employer_name, employee_name, status, classification, severity, catastrophic, "
                "date_of_injury, payor_notified_at, opened_at, coverage) VALUES ('WC-2026-000001', "
                "'r1', 'CL-1', '06-1234567', 'E', 'W', 'accepted', 'temporary_total', 'lost_time', "
                "false, :injured, :notified, :notified, 'self_insured')"),
                {"injured": date(2026, 3, 1), "notified": datetime(2026, 3, 3, 2, 30, tzinfo=UTC)})
        await upgrade(engine, MIGRATIONS)
        async with make_sessions(engine)() as session:
            status = (await session.execute(select(ClaimStatusChange))).scalars().one()
            classification = (await session.execute(select(ClassificationChange))).scalars().one()
        assert (status.status, status.effective_on) == ("accepted", date(2026, 3, 2))  # CT calendar
        assert (classification.classification, classification.effective_on) == (
            "temporary_total", date(2026, 3, 1))
    finally:
        await engine.dispose()
