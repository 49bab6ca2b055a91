from datetime import date

import pytest

from services.claims.lifecycle import (
    ALLOWED_TRANSITIONS,
    ClaimAction,
    ClaimStatus,
    Classification,
    ClassificationChange,
    Form36Outcome,
    IllegalTransition,
    allowed_actions,
    classification_as_of,
    form36_outcome,
    next_status,
)

NOTICE = date(2024, 1, 1)  # contest by 2024-01-29; without prejudice until 2025-01-01
IN_TIME = {"notice_received_on": NOTICE, "acted_on": date(2024, 1, 15)}


@pytest.mark.parametrize(
    ("status", "action", "result"),
    [
        ("open", "accept", "accepted"),
        ("open", "accept_without_prejudice", "accepted_without_prejudice"),
        ("open", "contest", "contested"),
        ("open", "close", "closed"),
        ("accepted_without_prejudice", "accept", "accepted"),
        ("accepted_without_prejudice", "contest", "contested"),
        ("accepted_without_prejudice", "close", "closed"),
        ("contested", "accept", "accepted"),
        ("contested", "close", "closed"),
        ("accepted", "close", "closed"),
        ("closed", "reopen", "reopened"),
        ("reopened", "accept", "accepted"),
        ("reopened", "close", "closed"),
    ],
)
def test_allowed_moves(status, action, result):
    assert next_status(status, action, **IN_TIME) == ClaimStatus(result)


def test_the_table_lists_exactly_the_allowed_moves():
    assert len(ALLOWED_TRANSITIONS) == 13
    assert allowed_actions("closed") == ("reopen",)
    with pytest.raises(TypeError):
        ALLOWED_TRANSITIONS[(ClaimStatus.ACCEPTED, ClaimAction.CONTEST)] = ClaimStatus.CONTESTED  # type: ignore[index]


@pytest.mark.parametrize(
    ("status", "action", "says"),
    [
        ("accepted", "contest", "once accepted, compensability cannot be contested"),
        ("accepted", "accept_without_prejudice", "cannot go back"),
        ("accepted", "accept", "the moves allowed from accepted are: close"),
        ("contested", "contest", "the moves allowed from contested are: accept, close"),
        ("contested", "accept_without_prejudice", "either accepted or decided at a hearing"),
        ("closed", "accept", "the moves allowed from closed are: reopen"),
        ("closed", "close", "the moves allowed from closed are: reopen"),
        ("reopened", "contest", "settled before the claim closed"),
        ("reopened", "reopen", "the moves allowed from reopened are: accept, close"),
        ("open", "reopen", "the moves allowed from open are"),
    ],
)
def test_impossible_moves_are_refused_with_a_reason(status, action, says):
    with pytest.raises(IllegalTransition, match=says) as caught:
        next_status(status, action, **IN_TIME)
    assert (caught.value.from_status, caught.value.action) == (status, action)
    assert str(caught.value).startswith(
        f"Cannot {action.replace('_', ' ')} a claim that is {status.replace('_', ' ')}"
    )


@pytest.mark.parametrize(
    ("acted_on", "payment_began_on", "result"),
    [
        (date(2024, 1, 28), None, "contested"),  # the day before the 28th day
        (date(2024, 1, 29), None, "contested"),  # the 28th day
        (date(2024, 1, 30), None, "Harpaz"),  # the day after, nothing paid: presumed
        (date(2024, 1, 30), date(2024, 1, 29), "contested"),  # paid by day 28: 1 year to contest
        (date(2024, 1, 30), date(2024, 1, 30), "Harpaz"),  # paid on day 29: too late
        (date(2024, 12, 31), date(2024, 1, 10), "contested"),
        (date(2025, 1, 1), date(2024, 1, 10), "contested"),  # one year from the notice
        (date(2025, 1, 2), date(2024, 1, 10), "one year"),  # the day after
    ],
)
def test_contesting_an_open_claim_is_time_gated(acted_on, payment_began_on, result):
    def contest():
        return next_status(
            "open",
            "contest",
            notice_received_on=NOTICE,
            acted_on=acted_on,
            payment_began_on=payment_began_on,
        )

    if result == "contested":
        assert contest() == ClaimStatus.CONTESTED
    else:
        with pytest.raises(IllegalTransition, match=result):
            contest()


def test_the_harpaz_refusal_cites_the_statute_and_the_case():
    with pytest.raises(IllegalTransition) as caught:
        next_status("open", "contest", notice_received_on=NOTICE, acted_on=date(2024, 2, 1))
    message = str(caught.value)
    assert "CGS 31-294c(b)" in message
    assert "Harpaz v. Laidlaw" in message
    assert "2024-01-29" in message


@pytest.mark.parametrize(
    ("acted_on", "allowed"),
    [
        (date(2024, 12, 31), True),  # the day before the year ends
        (date(2025, 1, 1), True),  # the last day of the year
        (date(2025, 1, 2), False),  # the day after: conclusively presumed
    ],
)
def test_a_claim_paid_without_prejudice_can_be_contested_for_one_year(acted_on, allowed):
    def contest():
        return next_status(
            "accepted_without_prejudice", "contest", notice_received_on=NOTICE, acted_on=acted_on
        )

    if allowed:
        assert contest() == ClaimStatus.CONTESTED
    else:
        with pytest.raises(IllegalTransition, match="2025-01-01"):
            contest()


@pytest.mark.parametrize(
    ("acted_on", "payment_began_on", "allowed"),
    [
        (date(2024, 1, 29), None, True),
        (date(2024, 1, 30), None, False),
        (date(2024, 1, 30), date(2024, 1, 15), True),
    ],
)
def test_accepting_without_prejudice_is_time_gated(acted_on, payment_began_on, allowed):
    def accept_without_prejudice():
        return next_status(
            "open",
            "accept_without_prejudice",
            notice_received_on=NOTICE,
            acted_on=acted_on,
            payment_began_on=payment_began_on,
        )

    if allowed:
        assert accept_without_prejudice() == ClaimStatus.ACCEPTED_WITHOUT_PREJUDICE
    else:
        with pytest.raises(IllegalTransition, match="conclusively presumed"):
            accept_without_prejudice()


def test_accepting_is_never_time_gated():
    assert next_status("open", "accept") == ClaimStatus.ACCEPTED


@pytest.mark.parametrize(
    "dates",
    [
        {},
        {"notice_received_on": NOTICE},
        {"acted_on": NOTICE},
        {"notice_received_on": NOTICE, "acted_on": date(2023, 12, 31)},
    ],
)
def test_time_gated_moves_need_sane_dates(dates):
    with pytest.raises(ValueError):
        next_status("open", "contest", **dates)


@pytest.mark.parametrize(("status", "action"), [("pending", "accept"), ("open", "deny")])
def test_unknown_statuses_and_actions_are_rejected(status, action):
    with pytest.raises(ValueError):
        next_status(status, action)


# --- classification history ----------------------------------------------------------

HISTORY = [
    ClassificationChange(date(2024, 6, 15), Classification.PERMANENT_PARTIAL_SCHEDULED),
    ClassificationChange(date(2024, 1, 10), Classification.MEDICAL_ONLY),
    ClassificationChange(date(2024, 2, 1), Classification.TEMPORARY_TOTAL),
]


@pytest.mark.parametrize(
    ("on", "classification"),
    [
        (date(2024, 1, 9), None),  # before the first change
        (date(2024, 1, 10), "medical_only"),
        (date(2024, 1, 31), "medical_only"),  # the day before the change
        (date(2024, 2, 1), "temporary_total"),  # the day of
        (date(2024, 2, 2), "temporary_total"),  # the day after
        (date(2024, 6, 14), "temporary_total"),
        (date(2024, 6, 15), "permanent_partial_scheduled"),
        (date(2030, 1, 1), "permanent_partial_scheduled"),
    ],
)
def test_classification_as_of(on, classification):
    assert classification_as_of(HISTORY, on) == classification


def test_same_day_changes_keep_the_later_record():
    changes = [
        ClassificationChange(date(2024, 3, 1), Classification.TEMPORARY_TOTAL),
        ClassificationChange(date(2024, 3, 1), Classification.TEMPORARY_PARTIAL),
    ]
    assert classification_as_of(changes, date(2024, 3, 1)) == Classification.TEMPORARY_PARTIAL


def test_unknown_classification_is_rejected():
    changes = [ClassificationChange(date(2024, 3, 1), "lost_time")]  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        classification_as_of(changes, date(2024, 3, 2))


# --- Form 36 ----------------------------------------------------------------------------

FILED = date(2025, 3, 1)  # objection window through 2025-03-16


@pytest.mark.parametrize(
    ("as_of", "objected_on", "outcome"),
    [
        (date(2025, 3, 5), None, "pending"),
        (date(2025, 3, 16), None, "pending"),  # the last day to object
        (date(2025, 3, 17), None, "in_effect"),  # the day after, no objection
        (date(2025, 3, 12), date(2025, 3, 10), "objected"),
        (date(2025, 3, 20), date(2025, 3, 16), "objected"),  # objected on the last day
        (date(2025, 3, 20), date(2025, 3, 17), "in_effect"),  # objected a day late
        (date(2025, 3, 10), date(2025, 3, 12), "pending"),  # objection not yet made as of then
    ],
)
def test_form36_outcome(as_of, objected_on, outcome):
    assert form36_outcome(FILED, as_of=as_of, objected_on=objected_on) == Form36Outcome(outcome)


def test_form36_objection_cannot_precede_the_filing():
    with pytest.raises(ValueError):
        form36_outcome(FILED, as_of=date(2025, 3, 5), objected_on=date(2025, 2, 28))
