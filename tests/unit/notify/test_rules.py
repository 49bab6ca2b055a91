"""notify's plain rules: what a page says, how a webhook is matched and signed, when a
delivery is tried again."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from services.notify.paging import page_for
from services.notify.retry import RetrySchedule
from services.notify.schemas import SubscriptionIn
from services.notify.webhooks import employer_fein_of, signature, verify_signature
from tests.support.notify.events import injury_report


def test_a_page_says_what_the_nurse_needs() -> None:
    page = page_for(injury_report(severity="fatal"))
    for text in (page.sms, page.email):
        assert "CL-7K3F-92QD" in text
        assert "fatal" in text
        assert "Shoreline Health" in text and "Wallingford, CT" in text
        assert "2026-11-22 02:40 EST" in text  # Connecticut time
        assert "+18605550100" in text
    assert page.subject == "Catastrophic injury CL-7K3F-92QD: fatal, Shoreline Health"
    assert len(page.sms) <= 160 * 2


def test_a_page_carries_no_identity_or_medical_details() -> None:
    report = injury_report()
    page = page_for(report)
    for text in (page.sms, page.email, page.subject):
        for secret in ("6789", "Diaz", "Ana", "ladder", "head injury", "1980"):
            assert secret not in text


@pytest.mark.parametrize(("hospital", "phone", "location", "present", "absent"), [
    (True, None, None, ["lost_time, hospital admission"], ["Call back +"]),
    (None, "+18605550199", "Hartford, CT", ["Call back +18605550199", "Hartford, CT"], ["hospital"]),
])
def test_a_page_shows_hospital_admission_and_leaves_out_what_is_missing(
    hospital: bool | None, phone: str | None, location: str | None, present: list[str], absent: list[str],
) -> None:
    sms = page_for(injury_report(severity="lost_time", hospital_admission=hospital, phone=phone,
                                 location=location)).sms
    assert all(p in sms for p in present), sms
    assert not any(a in sms for a in absent), sms


@pytest.mark.parametrize(("data", "fein"), [
    ({"employer_fein": "06-1234567"}, "06-1234567"),
    ({"employer": {"fein": "06-7654321", "name": "x"}}, "06-7654321"),
    ({"employer_fein": "06-1111111", "employer": {"fein": "06-2222222"}}, "06-1111111"),
    ({"notification_id": "n", "recipient": "r"}, None),
    ({"employer": "06-1234567"}, None),
])
def test_the_employer_of_an_event(data: dict[str, object], fein: str | None) -> None:
    assert employer_fein_of(data) == fein


def test_a_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"id":"1"}'
    header = signature("s3cret-s3cret-s3cret", body, 1_700_000_000)
    expected = hmac.new(b"s3cret-s3cret-s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


@pytest.mark.parametrize(("secret", "body", "now", "valid"), [
    ("s3cret-s3cret-s3cret", b"{}", 1_700_000_000, True),
    ("s3cret-s3cret-s3cret", b"{}", 1_700_000_300, True),  # 5 minutes late: still fresh
    ("s3cret-s3cret-s3cret", b"{}", 1_700_000_301, False),  # a replay
    ("another-secret-here", b"{}", 1_700_000_000, False),
    ("s3cret-s3cret-s3cret", b"{ }", 1_700_000_000, False),  # the body changed
])
def test_a_receiver_verifies_the_signature(secret: str, body: bytes, now: int, valid: bool) -> None:
    header = signature("s3cret-s3cret-s3cret", b"{}", 1_700_000_000)
    assert verify_signature(secret, body, header, now) is valid


@pytest.mark.parametrize("header", ["", "t=abc,v1=00", "v1=00", "t=1700000000"])
def test_a_malformed_signature_is_refused(header: str) -> None:
    assert verify_signature("s3cret-s3cret-s3cret", b"{}", header, 1_700_000_000) is False


def test_the_default_schedule_is_six_attempts_over_about_half_an_hour() -> None:
    schedule = RetrySchedule(max_attempts=6, backoff_s=60, factor=2)
    assert [schedule.delay_after(n) for n in range(1, 6)] == [60, 120, 240, 480, 960]
    assert schedule.span_s() == 1860  # 31 minutes from the first attempt to the last
    assert [schedule.exhausted(n) for n in (5, 6, 7)] == [False, True, True]


def test_a_subscription_names_each_bad_field() -> None:
    with pytest.raises(ValueError) as raised:
        SubscriptionIn.model_validate({
            "url": "ftp://example.com/x", "event_types": ["claims.claim-opened", "claims.nope",
                                                          "notify.delivery-failed"],
            "employer_fein": "061234567", "secret": "short",
        })
    locs = {tuple(e["loc"]) for e in raised.value.errors()}  # type: ignore[attr-defined]
    assert locs == {("url",), ("event_types", 1), ("event_types", 2), ("employer_fein",), ("secret",)}


def test_the_page_calls_back_the_caller_before_the_employee() -> None:
    report = injury_report(phone="+18605550100").model_copy(update={"caller_phone": "+12035550111"})
    page = page_for(report)
    assert "Call back +12035550111" in page.sms
    assert "Call back (caller's phone): +12035550111" in page.email
    assert "+18605550100" not in page.sms
