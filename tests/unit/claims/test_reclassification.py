from datetime import date

import pytest

from services.claims.lifecycle import (
    Classification,
    ClassificationChange,
    IllegalReclassification,
    check_reclassification,
)

HISTORY = [
    ClassificationChange(date(2026, 1, 5), Classification.MEDICAL_ONLY),
    ClassificationChange(date(2026, 2, 1), Classification.TEMPORARY_TOTAL),
    ClassificationChange(date(2026, 6, 1), Classification.DEATH),
]


@pytest.mark.parametrize(
    ("classification", "effective_on", "refusal"),
    [
        ("temporary_total", date(2026, 1, 31), None),  # the day before it took effect
        ("temporary_total", date(2026, 2, 1), "already"),
        ("temporary_partial", date(2026, 5, 31), None),  # the day before the death
        ("permanent_total", date(2026, 6, 1), "death"),  # the day of the death
        ("permanent_total", date(2026, 6, 2), "death"),
        ("death", date(2026, 7, 1), "already"),
    ],
)
def test_check_reclassification(classification, effective_on, refusal):
    if refusal is None:
        check_reclassification(HISTORY, classification, effective_on)
    else:
        with pytest.raises(IllegalReclassification, match=refusal):
            check_reclassification(HISTORY, classification, effective_on)
