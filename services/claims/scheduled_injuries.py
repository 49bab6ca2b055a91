"""Permanent partial disability for scheduled members (CGS 31-308(b), 31-295(c)).

The schedule is the text of CGS 31-308(b) as amended through the 2024 sessions. Members
whose weeks the statute gives as a range, a minimum, "for each" or a share of another
member (uterus, vagina, penis, tooth, eye drainage duct, pelvis) and the phalanx footnotes
are left out: those are set by the administrative law judge, not read from a table.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

PP_PAYMENT_DAYS = 30  # CGS 31-295(c)
PP_LATE_INTEREST_RATE = Decimal("0.10")  # a year, simple, CGS 31-295(c)
DAYS_IN_YEAR = 365
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class ScheduledMember:
    member: str
    description: str
    weeks: Decimal  # for total loss or loss of use (for the back: the most)


def _m(member: str, weeks: int, description: str) -> ScheduledMember:
    return ScheduledMember(member, description, Decimal(weeks))


SCHEDULE: tuple[ScheduledMember, ...] = (
    _m("master_arm", 208, "Master arm, loss at or above elbow"),
    _m("other_arm", 194, "Other arm, loss at or above elbow"),
    _m("master_hand", 168, "Master hand, loss at or above wrist"),
    _m("other_hand", 155, "Other hand, loss at or above wrist"),
    _m("leg", 155, "One leg, loss at or above knee"),
    _m("foot", 125, "One foot, loss at or above ankle"),
    _m("hearing_both_ears", 104, "Hearing, both ears"),
    _m("hearing_one_ear", 35, "Hearing, one ear"),
    _m("eye", 157, "One eye: loss of sight, or sight reduced to 1/10 of normal or less"),
    _m("master_thumb", 63, "Thumb on master hand"),
    _m("other_thumb", 54, "Thumb on other hand"),
    # The statute numbers fingers without naming them or telling the hands apart.
    _m("first_finger", 36, "First (index) finger, either hand"),
    _m("second_finger", 29, "Second (middle) finger, either hand"),
    _m("third_finger", 21, "Third (ring) finger, either hand"),
    _m("fourth_finger", 17, "Fourth (little) finger, either hand"),
    _m("great_toe", 28, "Great toe"),
    _m("other_toe", 9, "Other toes, each"),
    _m("back", 374, "Back: the proportion of incapacity, to at most 374 weeks"),
    _m("heart", 520, "Heart"),
    _m("brain", 520, "Brain"),
    _m("carotid_artery", 520, "Carotid artery"),
    _m("pancreas", 416, "Pancreas"),
    _m("liver", 347, "Liver"),
    _m("stomach", 260, "Stomach"),
    _m("bladder", 233, "Loss of bladder"),
    _m("speech", 163, "Speech"),
    _m("lung", 117, "Lung"),
    _m("cervical_spine", 117, "Cervical spine"),
    _m("kidney", 117, "Kidney"),
    _m("rib_cage", 69, "Rib cage, bilateral"),
    _m("ovary", 35, "Ovary"),
    _m("testis", 35, "Testis"),
    _m("mammary", 35, "Mammary"),
    _m("nose", 35, "Nose: sense and respiratory function"),
    _m("jaw", 35, "Jaw: mastication"),
    _m("coccyx", 35, "Coccyx: actual removal"),
    _m("sense_of_smell", 17, "Sense of smell"),
    _m("sense_of_taste", 17, "Sense of taste"),
    _m("spleen", 13, "Spleen, in addition to scar"),
    _m("gall_bladder", 13, "Gall bladder"),
)

_BY_MEMBER = {entry.member: entry for entry in SCHEDULE}


class UnknownScheduledMember(LookupError):
    def __init__(self, member: str) -> None:
        self.member = member
        super().__init__(
            f"{member!r} is not a member in the CGS 31-308(b) schedule; "
            "a non-scheduled permanent disability is decided under CGS 31-308a"
        )


def scheduled_member(member: str) -> ScheduledMember:
    """The schedule entry for a member (CGS 31-308(b))."""
    try:
        return _BY_MEMBER[member]
    except KeyError:
        raise UnknownScheduledMember(member) from None


def scheduled_weeks(member: str, percent_impairment: Decimal) -> Decimal:
    """Scheduled weeks times the percentage of loss or loss of use, unrounded (CGS 31-308(b))."""
    if not 0 < percent_impairment <= 100:
        raise ValueError(f"percent impairment {percent_impairment} is not in (0, 100]")
    return scheduled_member(member).weeks * percent_impairment / 100


def permanent_partial_award(
    member: str, percent_impairment: Decimal, weekly_rate: Decimal
) -> Decimal:
    """Scheduled weeks times the weekly compensation rate, to the cent (CGS 31-308(b))."""
    if weekly_rate < 0:
        raise ValueError("weekly rate cannot be negative")
    award = scheduled_weeks(member, percent_impairment) * weekly_rate
    return award.quantize(_CENT, ROUND_HALF_UP)


def pp_payment_due(mmi_date: date) -> date:
    """Last day to begin paying a scheduled award: MMI + 30 days (CGS 31-295(c))."""
    return mmi_date + timedelta(days=PP_PAYMENT_DAYS)


def pp_late_interest(amount: Decimal, mmi_date: date, paid_on: date) -> Decimal:
    """10% a year simple interest (365-day year) from maximum improvement, owed only
    when payment did not begin within 30 days of it (CGS 31-295(c)).
    """
    if amount < 0:
        raise ValueError("amount cannot be negative")
    if paid_on <= pp_payment_due(mmi_date):
        return Decimal("0.00")
    days = (paid_on - mmi_date).days
    interest = amount * PP_LATE_INTEREST_RATE * days / DAYS_IN_YEAR
    return interest.quantize(_CENT, ROUND_HALF_UP)
