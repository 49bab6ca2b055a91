from datetime import date

import pytest

from services.claims.assignment import (
    ClaimNeeds,
    Handler,
    choose_adjuster,
    choose_nurse,
    handler_for_probable_duplicate,
    heart_hypertension_eligible,
    may_take,
    needs_nurse,
    nurse_over_cap,
    suggests_heart_hypertension,
)

TODAY = date(2026, 11, 22)


def adj(name, lost=0, med=0, *, lt_cap=100, mo_cap=225, specialties=(), active=True,
        expires=None, role="adjuster"):
    return Handler(name, role, frozenset(specialties), lt_cap, mo_cap, active, expires, lost, med)


LOST = ClaimNeeds(lost_time=True)
MEDICAL = ClaimNeeds(lost_time=False)
HEART = ClaimNeeds(lost_time=True, heart_hypertension=True)


@pytest.mark.parametrize(
    ("roster", "needs", "chosen"),
    [
        ([adj("a", 5), adj("b", 4)], LOST, "b"),  # lightest lost-time load
        ([adj("a", 5, 0), adj("b", 4, 200)], MEDICAL, "a"),  # the bucket that matters
        ([adj("a", 99), adj("b", 100)], LOST, "a"),  # b at the cap of 100
        ([adj("a", 100), adj("b", 100)], LOST, None),  # everyone at the cap
        ([adj("a", 0, 224)], MEDICAL, "a"),  # the day before the cap: 224 < 225
        ([adj("a", 0, 225)], MEDICAL, None),  # the cap itself
        ([adj("a", 10, lt_cap=20), adj("b", 40, lt_cap=100)], LOST, "b"),  # 40% < 50%
        ([adj("a", 3), adj("b", 3)], LOST, "a"),  # tie: by username
        ([adj("a", 0, active=False), adj("b", 50)], LOST, "b"),
        ([adj("a", 0, expires=date(2026, 11, 21)), adj("b", 50)], LOST, "b"),  # expired yesterday
        ([adj("a", 0, expires=TODAY), adj("b", 50)], LOST, "a"),  # expires today: still licensed
        ([adj("a", 0, role="nurse_case_manager"), adj("b", 50)], LOST, "b"),
        ([adj("h", 0, specialties={"heart_hypertension"}), adj("g", 60)], LOST, "g"),  # keep h free
        ([adj("h", 0, specialties={"heart_hypertension"}), adj("g", 100)], LOST, "h"),  # overflow
        ([adj("h", 50, specialties={"heart_hypertension"}), adj("g", 0)], HEART, "h"),
        ([adj("h", 100, specialties={"heart_hypertension"}), adj("g", 0)], HEART, None),
        ([adj("c", 30, specialties={"catastrophic"}), adj("g", 0)],
         ClaimNeeds(lost_time=True, catastrophic=True), "c"),
    ],
)
def test_choose_adjuster(roster, needs, chosen):
    found = choose_adjuster(roster, needs, TODAY)
    assert (found.username if found else None) == chosen


def test_choose_nurse():
    nurses = [adj("n1", 10, lt_cap=20, role="nurse_case_manager"),
              adj("n2", 5, lt_cap=5, role="nurse_case_manager"),  # full
              adj("a", 0)]
    assert choose_nurse(nurses).username == "n1"
    assert choose_nurse([adj("a", 0)]) is None


@pytest.mark.parametrize(
    ("classification", "catastrophic", "needed"),
    [("medical_only", False, False), ("medical_only", True, True), ("temporary_total", False, True),
     ("death", False, True)],
)
def test_needs_nurse(classification, catastrophic, needed):
    assert needs_nurse(classification, catastrophic) is needed


def test_may_take():
    assert may_take(adj("a"), LOST, TODAY) is None
    assert "specialist" in may_take(adj("a"), HEART, TODAY)
    assert "licence expired" in may_take(adj("a", expires=date(2026, 1, 1)), LOST, TODAY)
    assert "not active" in may_take(adj("a", active=False), LOST, TODAY)
    assert "not an adjuster" in may_take(adj("n", role="nurse_case_manager"), LOST, TODAY)
    assert may_take(adj("a", 100), LOST, TODAY) is None  # caps are the caller's to override


@pytest.mark.parametrize(
    ("occupation", "description", "body_parts", "suggested"),
    [
        ("Firefighter", "Chest pain after a fire; myocardial infarction", [], True),
        ("Police officer", "Diagnosed with hypertension", [], True),
        ("Patrolman", "Collapsed", ["heart"], True),
        ("RN", "Heart attack lifting a patient", [], False),  # not police or fire
        ("Firefighter", "Sprained ankle on the ladder", ["ankle"], False),
        (None, "Hypertension", [], False),
        ("Fire fighter", "High blood pressure", [], True),
    ],
)
def test_suggests_heart_hypertension(occupation, description, body_parts, suggested):
    assert suggests_heart_hypertension(occupation, description, body_parts) is suggested


@pytest.mark.parametrize(
    ("hired_on", "eligible"),
    [(date(1996, 6, 30), True), (date(1996, 7, 1), False), (date(1996, 7, 2), False)],
)
def test_heart_hypertension_hire_date(hired_on, eligible):
    assert heart_hypertension_eligible(hired_on) is eligible


@pytest.mark.parametrize(
    ("nurse", "full"),
    [
        (adj("nia", 2, role="nurse_case_manager", lt_cap=3), False),  # the day before the cap
        (adj("nia", 3, role="nurse_case_manager", lt_cap=3), True),  # at the cap
        (adj("nia", 2, 1, role="nurse_case_manager", lt_cap=3), True),  # all open claims count
        (adj("nia", role="nurse_case_manager", lt_cap=0), True),
    ],
)
def test_nurse_cap(nurse, full):
    assert (nurse_over_cap(nurse) is not None) == full
    assert (choose_nurse([nurse]) is None) == full


@pytest.mark.parametrize(
    ("handler", "original", "needs", "chosen", "says"),
    [
        (adj("ava", 100, lt_cap=100), "WC-2026-000001", LOST, "ava", "not counted against the caps"),
        (None, "WC-2026-000001", LOST, None, "waits for that claim's adjuster"),
        (None, None, LOST, None, "waits for the first report's claim"),
        (adj("ava", expires=date(2026, 11, 21)), "WC-2026-000001", LOST, None, "licence expired"),
        (adj("ava", expires=TODAY), "WC-2026-000001", LOST, "ava", "same adjuster"),  # the last day
        (adj("ava", active=False), "WC-2026-000001", LOST, None, "not active"),
        (adj("ava"), "WC-2026-000001", HEART, None, "heart_hypertension specialist"),
    ],
)
def test_a_probable_duplicate_goes_to_the_first_claims_adjuster(handler, original, needs, chosen, says):
    found, reason = handler_for_probable_duplicate(handler, original, needs, TODAY)
    assert (found.username if found else None) == chosen
    assert says in reason
