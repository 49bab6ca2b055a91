"""Statutory clocks of a claim, as data.

A `Deadline.due_on` is the last day on which the act is on time. Periods are counted in
calendar days from the day after the triggering date, and a due day falling on a weekend
or holiday is not moved: only the first-contact standard counts business days.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

CONTEST_DAYS = 28  # CGS 31-294c(b)
WITHOUT_PREJUDICE_YEARS = 1  # CGS 31-294c(b)
FIRST_REPORT_DAYS = 7  # CGS 31-316; Regs. 31-316-1
FIRST_CONTACT_BUSINESS_DAYS = 1  # Claimline service standard
EMPLOYER_REPORT_DAYS = 3  # seed 003, benchmark B.3
RESERVE_REVIEW_DAYS = 90  # Claimline reserve policy
PP_PAYMENT_DAYS = 30  # CGS 31-295(c)
AWARD_PAYMENT_DAYS = 20  # CGS 31-303
LATE_PAYMENT_PENALTY = Decimal("0.20")  # CGS 31-303
FORM_36_OBJECTION_DAYS = 15  # CGS 31-296
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_on: date
    basis: str
    description: str


def add_years(start: date, years: int) -> date:
    """Same day `years` later, Feb 29 -> Feb 28: the "one year" of CGS 31-294c(a), (b)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


# --- Connecticut legal holidays (CGS 1-4) -------------------------------------------


@dataclass(frozen=True)
class LegalHoliday:
    name: str
    first_year: int
    falls_on: Callable[[int], date]
    moves_off_weekend: bool = True  # "days which are not designated to occur on Monday"


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_monday_of_may(year: int) -> date:
    last = date(year, 5, 31)
    return last - timedelta(days=last.weekday())


def _first_monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(0 - day.weekday()) % 7)


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous algorithm), to date Good Friday under CGS 1-4."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    q = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * q) // 433
    month = (h + q - 7 * m + 90) // 25
    return date(year, month, (h + q - 7 * m + 33 * month + 19) % 32)


HOLIDAY_TABLE_STARTS = 1986  # Martin Luther King, Jr. Day in its present form

LEGAL_HOLIDAYS: tuple[LegalHoliday, ...] = (
    LegalHoliday("New Year's Day", 1986, lambda y: date(y, 1, 1)),
    LegalHoliday(
        "Martin Luther King, Jr. Day",
        1986,
        lambda y: _first_monday_on_or_after(date(y, 1, 15)),
        False,
    ),
    LegalHoliday("Lincoln Day", 1986, lambda y: date(y, 2, 12)),
    LegalHoliday("Washington's Birthday", 1986, lambda y: _nth_weekday(y, 2, 0, 3), False),
    # Appointed each year by the Governor as a day of religious observance (CGS 1-4).
    LegalHoliday("Good Friday", 1986, lambda y: easter_sunday(y) - timedelta(days=2)),
    LegalHoliday("Memorial Day", 1986, _last_monday_of_may, False),
    # P.A. 22-128, effective October 1, 2022: first observed June 19, 2023.
    LegalHoliday("Juneteenth Independence Day", 2023, lambda y: date(y, 6, 19)),
    LegalHoliday("Independence Day", 1986, lambda y: date(y, 7, 4)),
    LegalHoliday("Labor Day", 1986, lambda y: _nth_weekday(y, 9, 0, 1), False),
    LegalHoliday("Columbus Day", 1986, lambda y: _nth_weekday(y, 10, 0, 2), False),
    LegalHoliday("Veterans' Day", 1986, lambda y: date(y, 11, 11)),
    # Appointed by the President and the Governor: the fourth Thursday of November.
    LegalHoliday("Thanksgiving Day", 1986, lambda y: _nth_weekday(y, 11, 3, 4)),
    LegalHoliday("Christmas", 1986, lambda y: date(y, 12, 25)),
)


def _observed(day: date) -> date:
    if day.weekday() == 5:  # Saturday: the Friday before
        return day - timedelta(days=1)
    if day.weekday() == 6:  # Sunday: the Monday after
        return day + timedelta(days=1)
    return day


def ct_legal_holidays(year: int) -> dict[date, str]:
    """Connecticut legal holidays observed in `year`: Saturday ones on the Friday before,
    Sunday ones on the Monday after (CGS 1-4).
    """
    if year < HOLIDAY_TABLE_STARTS:
        raise ValueError(f"the holiday table starts in {HOLIDAY_TABLE_STARTS}, not {year}")
    observed: dict[date, str] = {}
    for source_year in (year, year + 1):  # next New Year's Day may fall back to Dec 31
        for holiday in LEGAL_HOLIDAYS:
            if source_year < holiday.first_year:
                continue
            day = holiday.falls_on(source_year)
            if holiday.moves_off_weekend:
                day = _observed(day)
            if day.year == year:
                observed[day] = holiday.name
    return dict(sorted(observed.items()))


@cache
def _holiday_dates(year: int) -> frozenset[date]:
    return frozenset(ct_legal_holidays(year))


def is_business_day(day: date) -> bool:
    """Monday to Friday and not a Connecticut legal holiday (CGS 1-4)."""
    return day.weekday() < 5 and day not in _holiday_dates(day.year)


def add_business_days(start: date, business_days: int) -> date:
    """The `business_days`-th business day after `start`, skipping CT holidays (CGS 1-4)."""
    day = start
    for _ in range(business_days):
        day += timedelta(days=1)
        while not is_business_day(day):
            day += timedelta(days=1)
    return day


# --- Deadlines -------------------------------------------------------------------------


def contest_deadline(notice_received_on: date) -> Deadline:
    """Contest (Form 43) or begin paying by the 28th day after the notice (CGS 31-294c(b))."""
    return Deadline(
        "contest_by",
        notice_received_on + timedelta(days=CONTEST_DAYS),
        "CGS 31-294c",
        "Contest (Form 43) or begin payment; otherwise compensability is conclusively presumed",
    )


def without_prejudice_deadline(notice_received_on: date) -> Deadline:
    """Paying without prejudice keeps the contest open 1 year from the notice (CGS 31-294c(b))."""
    return Deadline(
        "contest_without_prejudice_by",
        add_years(notice_received_on, WITHOUT_PREJUDICE_YEARS),
        "CGS 31-294c",
        "Last day to contest a claim paid without prejudice",
    )


def first_report_deadline(date_of_injury: date, incapacity_days: int) -> Deadline | None:
    """Employer's Form 15 within 7 days of an injury incapacitating 1 day or more (CGS 31-316).

    Regs. 31-316-1: "within the week following the date of accident".
    """
    if incapacity_days < 1:
        return None
    return Deadline(
        "first_report_to_commission",
        date_of_injury + timedelta(days=FIRST_REPORT_DAYS),
        "CGS 31-316",
        "Employer's first report of injury to the Commission",
    )


def first_contact_deadline(payor_notified_on: date) -> Deadline:
    """Worker, employer and doctor contacted by the next business day (house rule; CGS 1-4).

    No statute sets this clock: it is Claimline's service standard. Holidays per CGS 1-4.
    """
    return Deadline(
        "first_contact",
        add_business_days(payor_notified_on, FIRST_CONTACT_BUSINESS_DAYS),
        "Claimline service standard; CGS 1-4 holidays",
        "First contact with the worker, the employer and the treating doctor",
    )


def employer_report_deadline(reported_to_employer_on: date) -> Deadline:
    """Employer tells the payer within 3 days of the employee telling it (seed 003, B.3)."""
    return Deadline(
        "employer_report_to_payer",
        reported_to_employer_on + timedelta(days=EMPLOYER_REPORT_DAYS),
        "seed 003 benchmark B.3",
        "Employer's notice of the injury to the payer",
    )


def next_reserve_review(opened_on: date, as_of: date) -> Deadline:
    """The first 90-day reserve review falling on or after `as_of` (Claimline reserve policy)."""
    elapsed = max((as_of - opened_on).days, 1)
    periods = -(-elapsed // RESERVE_REVIEW_DAYS)  # ceiling division
    return Deadline(
        "reserve_review",
        opened_on + timedelta(days=periods * RESERVE_REVIEW_DAYS),
        "Claimline reserve policy",
        "Review reserves (every 90 days from opening)",
    )


def pp_payment_deadline(mmi_date: date) -> Deadline:
    """Begin paying a scheduled award within 30 days of MMI (CGS 31-295(c), 31-308(b))."""
    return Deadline(
        "permanent_partial_payment",
        mmi_date + timedelta(days=PP_PAYMENT_DAYS),
        "CGS 31-295(c)",
        "Begin permanent partial payments; later, 10% a year interest runs from MMI",
    )


def award_payment_deadline(agreement_or_award_on: date) -> Deadline:
    """Payments under a voluntary agreement or award start by the 20th day (CGS 31-303)."""
    return Deadline(
        "award_payment",
        agreement_or_award_on + timedelta(days=AWARD_PAYMENT_DAYS),
        "CGS 31-303",
        "Begin payments under the agreement or award; each late payment +20%",
    )


def late_payment_penalty(payment: Decimal) -> Decimal:
    """20% of a payment made after the 31-303 deadline, to the cent (CGS 31-303)."""
    if payment < 0:
        raise ValueError("payment cannot be negative")
    return (payment * LATE_PAYMENT_PENALTY).quantize(_CENT, ROUND_HALF_UP)


def form36_objection_deadline(filed_on: date) -> Deadline:
    """The claimant's 15 days to object to a Form 36 discontinuance (CGS 31-296)."""
    return Deadline(
        "form36_objection",
        filed_on + timedelta(days=FORM_36_OBJECTION_DAYS),
        "CGS 31-296",
        "Last day for the claimant to object to the Form 36; it takes effect otherwise",
    )


# --- Notice of claim (CGS 31-294c(a)) --------------------------------------------------


def notice_of_claim_limit(
    *,
    date_of_accident: date | None = None,
    first_symptom_on: date | None = None,
    death_on: date | None = None,
) -> date:
    """Last day a notice of claim (Form 30C) is timely (CGS 31-294c(a)).

    One year from the accident, or three years from the first symptom of an occupational
    disease. When death follows within two years of either, dependents have two years
    from it or one year from the death, whichever is later. The answer is never earlier
    than the employee's own limit: a late notice is flagged, so the reading that flags
    less stays on the claimant's side.
    """
    if date_of_accident is not None and first_symptom_on is None:
        event, limit = date_of_accident, add_years(date_of_accident, 1)
    elif first_symptom_on is not None and date_of_accident is None:
        event, limit = first_symptom_on, add_years(first_symptom_on, 3)
    else:
        raise ValueError("give exactly one of date_of_accident and first_symptom_on")
    if death_on is not None:
        if death_on < event:
            raise ValueError("death cannot precede the accident or first symptom")
        if death_on <= add_years(event, 2):
            limit = max(limit, add_years(event, 2), add_years(death_on, 1))
    return limit


def notice_is_late(
    notice_given_on: date,
    *,
    date_of_accident: date | None = None,
    first_symptom_on: date | None = None,
    death_on: date | None = None,
) -> bool:
    """True when the notice of claim came after its last timely day (CGS 31-294c(a))."""
    limit = notice_of_claim_limit(
        date_of_accident=date_of_accident, first_symptom_on=first_symptom_on, death_on=death_on
    )
    return notice_given_on > limit


# --- A claim's deadlines, and selectors ------------------------------------------------


def claim_deadlines(
    *,
    date_of_injury: date,
    payor_notified_on: date,
    status: str = "open",
    reported_to_employer_on: date | None = None,
    incapacity_days: int = 0,
    opened_on: date | None = None,
    as_of: date | None = None,
    mmi_on: date | None = None,
    agreement_or_award_on: date | None = None,
    form36_filed_on: date | None = None,
) -> tuple[Deadline, ...]:
    """Every deadline that applies to a claim, earliest first (CGS 31-294c, 31-295, 31-303 ...).

    The contest deadline applies while the claim is `open`; the without-prejudice window
    while it is `accepted_without_prejudice`. The reserve review needs `opened_on` and `as_of`.
    """
    found: list[Deadline | None] = [
        first_contact_deadline(payor_notified_on),
        first_report_deadline(date_of_injury, incapacity_days),
    ]
    if status == "open":
        found.append(contest_deadline(payor_notified_on))
    if status == "accepted_without_prejudice":
        found.append(without_prejudice_deadline(payor_notified_on))
    if reported_to_employer_on is not None:
        found.append(employer_report_deadline(reported_to_employer_on))
    if opened_on is not None and as_of is not None:
        found.append(next_reserve_review(opened_on, as_of))
    if mmi_on is not None:
        found.append(pp_payment_deadline(mmi_on))
    if agreement_or_award_on is not None:
        found.append(award_payment_deadline(agreement_or_award_on))
    if form36_filed_on is not None:
        found.append(form36_objection_deadline(form36_filed_on))
    return tuple(sorted((d for d in found if d), key=lambda d: (d.due_on, d.kind)))


def deadlines_due_soon(
    deadlines: Iterable[Deadline], today: date, warn_days: int
) -> tuple[Deadline, ...]:
    """Deadlines due from today through `warn_days` days ahead (ct-rules: statutory clocks)."""
    last = today + timedelta(days=warn_days)
    return tuple(d for d in deadlines if today <= d.due_on <= last)


def missed(deadlines: Iterable[Deadline], today: date) -> tuple[Deadline, ...]:
    """Deadlines whose last day is before today; due today is not missed (ct-rules: clocks)."""
    return tuple(d for d in deadlines if d.due_on < today)
