from datetime import UTC, date, datetime

import pytest

from services.intake.reports import plain_fingerprint
from services.intake.schemas import CONTRACT_EXAMPLE, InjuryReportIn, frozen_clock
from services.intake.sealing import ReportSealer
from shared.pii import PiiKeyMissing, new_pii_key

OLD, NEW = new_pii_key(), new_pii_key()


def _report() -> InjuryReportIn:
    with frozen_clock(datetime(2026, 11, 23, tzinfo=UTC)):
        return InjuryReportIn.model_validate(CONTRACT_EXAMPLE)


def test_sealed_details_open_only_with_a_configured_key() -> None:
    details = _report().model_dump(mode="json")
    token = ReportSealer(OLD).seal(details)
    assert b"123-45-6789" not in token and b"1980-04-02" not in token
    assert ReportSealer(f"{NEW},{OLD}").open(token) == details
    with pytest.raises(PiiKeyMissing):
        ReportSealer(NEW).open(token)


def test_reseal_moves_details_to_the_first_key() -> None:
    both = ReportSealer(f"{NEW},{OLD}")
    token = ReportSealer(OLD).seal({"a": 1})
    assert not both.sealed_under_primary(token)
    resealed = both.reseal(token)
    assert both.sealed_under_primary(resealed)
    assert ReportSealer(NEW).open(resealed) == {"a": 1}
    with pytest.raises(PiiKeyMissing):
        ReportSealer(NEW).reseal(ReportSealer(new_pii_key()).seal({"a": 1}))


def test_fingerprints_are_keyed_so_a_birth_date_cannot_be_guessed_back() -> None:
    plain = _report().duplicate_fingerprint()
    old, new = ReportSealer(OLD), ReportSealer(f"{NEW},{OLD}")
    assert old.fingerprint(plain) != plain
    assert new.fingerprints(plain) == [new.fingerprint(plain), old.fingerprint(plain)]
    assert len(new.fingerprint(plain)) == 64


def test_the_fingerprint_of_stored_details_is_the_fingerprint_of_the_request() -> None:
    report = _report()
    assert plain_fingerprint(report.model_dump(mode="json")) == report.duplicate_fingerprint()
    without_birth = report.model_copy(deep=True)
    without_birth.employee.date_of_birth = None
    assert plain_fingerprint(without_birth.model_dump(mode="json")) == without_birth.duplicate_fingerprint()
    assert report.injury.occurred_on == date(2026, 11, 22)


def test_no_key_no_sealer() -> None:
    with pytest.raises(PiiKeyMissing):
        ReportSealer(" , ")
