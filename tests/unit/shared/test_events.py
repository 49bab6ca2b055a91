"""The event catalogue: envelopes, and models that agree with their committed JSON Schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema
import pytest

from shared.events.catalogue import CATALOGUE, ClaimOpened, all_topics, dead_letter_topic, topic_of
from shared.events.envelope import CloudEvent, new_event
from shared.events.schemas import committed_schema, rendered, schema_path, stale_schemas

EXAMPLES: dict[str, dict[str, object]] = {
    "intake.injury-reported": {
        "report_id": "r1", "confirmation_number": "CL-7K3F-92Q5",
        "received_at": "2026-11-22T07:41:03Z", "channel": "ivr",
        "employer": {"fein": "06-1234567", "name": "Shoreline Health"},
        "employee": {"first_name": "Ana", "last_name": "Diaz", "ssn_last4": "6789"},
        "injury": {"occurred_at": "2026-11-22T02:40:00-05:00", "description": "back",
                   "severity": "lost_time"},
        "catastrophic": False,
    },
    "claims.claim-opened": {
        "claim_number": "WC-2026-000001", "report_id": "r1", "employer_fein": "06-1234567",
        "date_of_injury": "2026-11-22", "status": "open", "classification": "medical_only",
        "catastrophic": False, "opened_at": "2026-11-22T07:41:04Z",
    },
    "claims.payment-issued": {
        "payment_id": "p1", "claim_number": "WC-2026-000001", "employer_fein": "06-1234567",
        "kind": "indemnity", "amount": "812.50", "paid_on": "2026-12-01",
        "date_of_injury": "2026-11-22",
    },
}


def test_every_committed_schema_matches_its_model() -> None:
    assert stale_schemas() == []


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_committed_schema_is_the_rendered_schema(event_type: str) -> None:
    assert schema_path(event_type).read_text() == rendered(event_type)


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_producer_output_validates_against_the_committed_schema(event_type: str) -> None:
    """Producing side: what a model serialises is what the schema allows."""
    model = CATALOGUE[event_type].model_validate(EXAMPLES[event_type])
    jsonschema.validate(model.model_dump(mode="json"), committed_schema(event_type))


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_consumer_rejects_what_the_schema_rejects(event_type: str) -> None:
    """Consuming side: a payload with an unknown field fails both the schema and the model."""
    payload = {**EXAMPLES[event_type], "surprise": 1}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(payload, committed_schema(event_type))
    with pytest.raises(ValueError):
        CATALOGUE[event_type].model_validate(payload)


def test_money_and_fein_shapes_are_enforced() -> None:
    bad = {**EXAMPLES["claims.payment-issued"], "amount": "812.5"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, committed_schema("claims.payment-issued"))
    bad_fein = {**EXAMPLES["claims.claim-opened"], "employer_fein": "061234567"}
    with pytest.raises(ValueError):
        ClaimOpened.model_validate(bad_fein)


def test_cloud_event_round_trip_keeps_every_attribute() -> None:
    data = ClaimOpened.model_validate(EXAMPLES["claims.claim-opened"])
    event = new_event(source="claimline/claims", type="claims.claim-opened",
                      subject="WC-2026-000001", data=data)
    again = CloudEvent.from_bytes(event.to_bytes())
    assert again == event
    raw = json.loads(event.to_bytes())
    assert raw["specversion"] == "1.0"
    assert raw["datacontenttype"] == "application/json"
    assert set(raw) == {"specversion", "id", "source", "type", "time", "subject",
                        "datacontenttype", "data"}
    assert again.time.tzinfo is not None and again.time <= datetime.now(UTC)


def test_topics_are_the_types_with_their_dead_letter_topics() -> None:
    assert topic_of("claims.claim-opened") == "claims.claim-opened"
    assert dead_letter_topic("claims.claim-opened") == "claims.claim-opened.dlq"
    assert len(all_topics()) == 2 * len(CATALOGUE)
    with pytest.raises(KeyError):
        topic_of("claims.claim-exploded")
