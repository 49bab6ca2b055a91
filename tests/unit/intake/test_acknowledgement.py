"""The end-to-end acknowledgement's back-off: a stalled claims service is not flooded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.intake.acknowledgement import republication_wait

FIVE_MINUTES = timedelta(minutes=5)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(("publications", "wait"), [
    (1, FIVE_MINUTES),                 # first re-publication: the configured delay
    (2, timedelta(minutes=10)),
    (3, timedelta(minutes=20)),
    (4, timedelta(minutes=40)),
    (5, HOUR),                         # 80 minutes capped at the maximum
    (40, HOUR),
])
def test_the_wait_doubles_up_to_the_maximum(publications: int, wait: timedelta) -> None:
    assert republication_wait(publications, FIVE_MINUTES, HOUR) == wait


def test_a_maximum_below_the_delay_never_shortens_it() -> None:
    assert republication_wait(3, FIVE_MINUTES, timedelta(minutes=1)) == FIVE_MINUTES
