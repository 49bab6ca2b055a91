import copy
import json
from datetime import UTC, datetime

import pytest

from services.intake.reports import (
    injury_reported_event,
    injury_reported_payload,
    prepare_report,
)
from services.intake.schemas import CONTRACT_EXAMPLE, InjuryReportIn, frozen_clock
from services.intake.sealing import ReportSealer
from shared.events.catalogue import InjuryReported
from shared.events.envelope import CloudEvent
from shared.pii import new_pii_key

RECEIVED = datetime(2026, 11, 22, 7, 41, 3, tzinfo=UTC)


def _bodies() -> list[dict]:
    full = copy.deepcopy(CONTRACT_EXAMPLE)
    full["injury"]["hospital_admission"] = True
    full["employee"]["residence_state"] = "NY"
    minimal = {"channel": "web", "employer": {"fein": "061234567", "name": "X"},
               "employee": {"first_name": "A", "last_name": "B"},
               "injury": {"occurred_at": "2025-01-02T03:04:05+00:00", "description": "d",
                          "severity": "fatal"}}
    return [CONTRACT_EXAMPLE, full, minimal]


@pytest.mark.parametrize("body", _bodies())
def test_the_fast_event_payload_is_the_catalogue_event(body: dict) -> None:
    with frozen_clock(datetime(2026, 11, 23, tzinfo=UTC)):
        report = InjuryReportIn.model_validate(body)
    prepared = prepare_report(report, client="ivr", sealer=ReportSealer(new_pii_key()),
                              received_at=RECEIVED)
    prepared.row["probable_duplicate_of"] = "a-report"
    event_id, payload = injury_reported_payload(prepared.row, prepared.details, 2)
    fast = CloudEvent.from_bytes(payload)
    slow = injury_reported_event(prepared.row, prepared.details, 2)
    assert fast.id == event_id and fast.subject == slow.subject == prepared.report_id
    assert (fast.type, fast.source) == (slow.type, slow.source)
    assert InjuryReported.model_validate(fast.data) == InjuryReported.model_validate(slow.data)
    assert b"123-45-6789" not in payload and b"1980-04-02" not in payload
    assert json.loads(payload)["data"]["publication"] == 2
