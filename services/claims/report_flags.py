"""The flags intake raises on an injury report, as the claim shows them.

The `intake.injury-reported` event carries flag codes only; claims keeps the codes on the
claim and renders each code's rule and message from this table (plain data, no I/O).
Sources:
- `notice_late`: CGS 31-294c(a). The notice of claim is due within 1 year of the accident,
  or 3 years of the first symptom of an occupational disease; for a death within 2 years,
  dependents have 2 years from the accident or 1 year from the death, whichever is later.
  A late report is taken and flagged, never refused.
- `jurisdiction_review`: CGS 31-275(9)(B)(vi) (seed 002). A non-resident injured in
  Connecticut is an employee only if at least 50% of their working time is at the
  employer's Connecticut facility, or their contract is performed mainly in Connecticut.

A code this table does not know is still kept and shown (rule `null`, the code named in the
message), so a flag intake adds later is never dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FlagRule:
    rule: str
    message: str


NOTICE_LATE = "notice_late"
JURISDICTION_REVIEW = "jurisdiction_review"

FLAG_RULES: dict[str, FlagRule] = {
    NOTICE_LATE: FlagRule(
        "CGS 31-294c(a)",
        "the notice of claim arrived after the time CGS 31-294c(a) allows (1 year from the "
        "accident; 3 years from the first symptom of an occupational disease; for a death, "
        "2 years from the accident or 1 year from the death): the report was taken and "
        "flagged; check whether late notice is a defence before deciding",
    ),
    JURISDICTION_REVIEW: FlagRule(
        "CGS 31-275(9)(B)(vi)",
        "the employee is not a Connecticut resident and is not known to work mainly in "
        "Connecticut: a non-resident injured here is an employee only if at least 50% of "
        "their working time is at the employer's Connecticut facility or their contract is "
        "performed mainly in Connecticut; review jurisdiction",
    ),
}
KNOWN_FLAGS: tuple[str, ...] = tuple(FLAG_RULES)


def flag_codes(stored: str | None) -> list[str]:
    """The codes kept on a claim (a JSON list), in the order intake raised them."""
    if not stored:
        return []
    codes = json.loads(stored)
    return [str(c) for c in codes] if isinstance(codes, list) else []


def merged_codes(stored: str | None, raised: list[str]) -> str:
    """The stored codes plus any newly raised, without repeats, as the JSON list to keep."""
    codes = flag_codes(stored)
    codes.extend(c for c in dict.fromkeys(raised) if c not in codes)
    return json.dumps(codes)


def flag_out(code: str, *, date_of_injury: date, notice_received_on: date) -> dict[str, str | None]:
    """`{"code", "rule", "message"}` for one flag code on a claim."""
    known = FLAG_RULES.get(code)
    if known is None:
        return {"code": code, "rule": None,
                "message": f"raised by intake as {code!r}; see the injury report"}
    message = known.message
    if code == NOTICE_LATE:
        message += (f" (injury {date_of_injury.isoformat()}, notice received "
                    f"{notice_received_on.isoformat()})")
    return {"code": code, "rule": known.rule, "message": message}
