from datetime import date

import pytest

from services.claims.report_flags import KNOWN_FLAGS, flag_codes, flag_out, merged_codes

INJURY, NOTICE = date(2024, 3, 1), date(2026, 11, 22)


@pytest.mark.parametrize(
    ("code", "rule"),
    [("notice_late", "CGS 31-294c(a)"), ("jurisdiction_review", "CGS 31-275(9)(B)(vi)"),
     ("brand_new_flag", None)],  # a code intake adds later is kept and shown, never dropped
)
def test_each_flag_names_its_rule(code, rule):
    shown = flag_out(code, date_of_injury=INJURY, notice_received_on=NOTICE)
    assert shown["code"] == code and shown["rule"] == rule and shown["message"]


def test_a_late_notice_names_its_dates():
    message = flag_out("notice_late", date_of_injury=INJURY, notice_received_on=NOTICE)["message"]
    assert "injury 2024-03-01" in message and "notice received 2026-11-22" in message


@pytest.mark.parametrize(
    ("stored", "raised", "kept"),
    [
        (None, [], []),
        ("[]", ["notice_late"], ["notice_late"]),
        ('["notice_late"]', ["notice_late", "jurisdiction_review"], ["notice_late", "jurisdiction_review"]),
        (None, ["notice_late", "notice_late"], ["notice_late"]),
    ],
)
def test_flags_are_merged_without_repeats(stored, raised, kept):
    assert flag_codes(merged_codes(stored, raised)) == kept


def test_known_flags():
    assert KNOWN_FLAGS == ("notice_late", "jurisdiction_review")
