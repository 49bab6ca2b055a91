"""Claim routes: read a claim and its ledgers, and the adjuster's writes (scope claims:write).

Routes are thin: parse (pydantic models in `schemas`), call `casework` in one transaction,
answer. Each write is in the claim's history with the API client as the actor.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.claims.api import Fein, Reader, Writer, create_once, runtime_of
from services.claims.casework import (
    assignment,
    benefits,
    contacts,
    form36,
    lifecycle,
    payments,
    reserves,
    wage,
)
from services.claims.casework.claim_file import facts_of, load_claim
from services.claims.casework.connecticut_time import ct_today
from services.claims.casework.payments import payment_out
from services.claims.clocks import clocks
from services.claims.lifecycle import ClaimStatus as LifecycleStatus
from services.claims.lifecycle import form36_outcome
from services.claims.models import (
    Claim,
    ClaimAssignment,
    ClaimContact,
    ClaimHistory,
    ClassificationChange,
    Form36Filing,
    Payment,
    ReserveChange,
)
from services.claims.report_flags import KNOWN_FLAGS
from services.claims.schemas import (
    AssignIn,
    AwardIn,
    ClassificationIn,
    ClassificationName,
    CloseIn,
    ContactIn,
    DecisionIn,
    FirstReportIn,
    FlagsIn,
    Form36In,
    Form36ObjectionIn,
    IncapacityIn,
    MmiIn,
    NotDuplicateIn,
    NurseIn,
    PaymentIn,
    ReopenIn,
    ReservesIn,
    ReversalIn,
    Username,
    WageIn,
)
from services.claims.views import ClaimOut, DeadlineOut, claim_out, deadline_out
from shared.http.pagination import Page, PageDep

router = APIRouter(prefix="/v1", tags=["claims"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
ClaimWork = Callable[[AsyncSession, Claim], Awaitable[Any]]


class HistoryEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    details: dict[str, Any]


async def _change(request: Request, claim_number: str, work: ClaimWork) -> ClaimOut:
    """One transaction: lock the claim, change it, answer the claim as it now stands."""
    async with runtime_of(request).sessions() as session, session.begin():
        claim = await load_claim(session, claim_number)
        await work(session, claim)
    return claim_out(claim, ct_today())


async def _answer(request: Request, claim_number: str, work: ClaimWork) -> Any:
    async with runtime_of(request).sessions() as session, session.begin():
        claim = await load_claim(session, claim_number)
        return await work(session, claim)


async def _rows(request: Request, claim_number: str, model: Any, order: Any,
                page: Any = None) -> tuple[list[Any], int]:
    async with runtime_of(request).sessions() as session:
        if await session.get(Claim, claim_number) is None:
            raise HTTPException(404, f"no claim {claim_number}")
        query = select(model).where(model.claim_number == claim_number)
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        if page is not None:
            query = query.limit(page.limit).offset(page.offset)
        rows = (await session.execute(query.order_by(order))).scalars().all()
    return list(rows), total


# --- reading ------------------------------------------------------------------------------

@router.get("/claims/{claim_number}", response_model=ClaimOut)
async def get_claim(claim_number: str, request: Request, _client: Reader) -> ClaimOut:
    async with runtime_of(request).sessions() as session:
        claim = await session.get(Claim, claim_number)
    if claim is None:
        raise HTTPException(404, f"no claim {claim_number}")
    return claim_out(claim, ct_today())


ClaimStatus = Literal["open", "accepted", "accepted_without_prejudice", "contested", "closed",
                      "reopened"]
assert set(ClaimStatus.__args__) == {s.value for s in LifecycleStatus}  # type: ignore[attr-defined]
FlagCode = Literal[KNOWN_FLAGS]  # type: ignore[valid-type]
DuplicateReview = Literal["pending", "duplicate", "not_duplicate"]


@router.get("/claims", response_model=Page[ClaimOut])
async def list_claims(
    request: Request, _client: Reader, page: PageDep,
    employer_fein: Fein | None = None,
    status: ClaimStatus | None = None,
    report_id: str | None = None,
    classification: ClassificationName | None = None,
    adjuster: Username | None = None,
    nurse: Username | None = None,
    unassigned: bool | None = None,
    flag: FlagCode | None = None,  # type: ignore[valid-type]
    probable_duplicate: bool | None = None,
    duplicate_review: DuplicateReview | None = None,
) -> Page[ClaimOut]:
    """Claims, oldest number first. `unassigned=true`: claims waiting for an adjuster;
    `flag`: claims carrying one of intake's flags; `probable_duplicate=true`: claims whose
    report intake linked to an earlier one; `duplicate_review=pending`: those still waiting
    for the adjuster's call (`duplicate`: closed as duplicates). Enumerated filters refuse
    unknown values (422 naming the parameter)."""
    query = select(Claim)
    for column, value in ((Claim.employer_fein, employer_fein), (Claim.status, status),
                          (Claim.report_id, report_id), (Claim.classification, classification),
                          (Claim.adjuster, adjuster), (Claim.nurse, nurse),
                          (Claim.duplicate_review, duplicate_review)):
        if value:
            query = query.where(column == value)  # type: ignore[arg-type]
    if unassigned is not None:
        query = query.where(Claim.adjuster.is_(None) if unassigned  # type: ignore[union-attr]
                            else Claim.adjuster.is_not(None))  # type: ignore[union-attr]
    if flag:
        query = query.where(col(Claim.flags).contains(f'"{flag}"'))
    if probable_duplicate is not None:
        linked = col(Claim.probable_duplicate_of_report_id)
        query = query.where(linked.is_not(None) if probable_duplicate else linked.is_(None))
    async with runtime_of(request).sessions() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        claims = (await session.execute(
            query.order_by(Claim.claim_number).limit(page.limit).offset(page.offset)  # type: ignore[arg-type]
        )).scalars().all()
    today = ct_today()
    return Page[ClaimOut](items=[claim_out(c, today) for c in claims], total=total)


@router.get("/claims/{claim_number}/history", response_model=Page[HistoryEntry])
async def claim_history(claim_number: str, request: Request, _client: Reader,
                        page: PageDep) -> Page[HistoryEntry]:
    """Every change to the claim: when, which API client (or event), what."""
    rows, total = await _rows(request, claim_number, ClaimHistory, ClaimHistory.id, page)
    items = [HistoryEntry(at=r.at, actor=r.actor, action=r.action, details=json.loads(r.details))
             for r in rows]
    return Page[HistoryEntry](items=items, total=total)


@router.get("/claims/{claim_number}/deadlines", response_model=Page[DeadlineOut])
async def claim_deadlines(claim_number: str, request: Request, _client: Reader) -> Page[DeadlineOut]:
    """The claim's statutory clocks with their source and state (pending, met, late, missed)."""
    async with runtime_of(request).sessions() as session:
        claim = await session.get(Claim, claim_number)
    if claim is None:
        raise HTTPException(404, f"no claim {claim_number}")
    items = [deadline_out(c) for c in clocks(facts_of(claim), ct_today())]
    return Page[DeadlineOut](items=items, total=len(items))


class DueItem(DeadlineOut):
    claim_number: str
    employer_fein: str
    adjuster: str | None


@router.get("/deadlines", response_model=Page[DueItem])
async def due_deadlines(
    request: Request, _client: Reader, page: PageDep,
    within_days: Annotated[int, Query(ge=0, le=365)] = 7,
    adjuster: Username | None = None,
    employer_fein: Fein | None = None,
    state: Literal["pending", "missed"] | None = None,
) -> Page[DueItem]:
    """An adjuster's day: clocks missed, and clocks due within `within_days`, on claims not
    closed, most urgent first."""
    query = select(Claim).where(Claim.status != "closed")  # type: ignore[arg-type]
    if adjuster:
        query = query.where(Claim.adjuster == adjuster)  # type: ignore[arg-type]
    if employer_fein:
        query = query.where(Claim.employer_fein == employer_fein)  # type: ignore[arg-type]
    async with runtime_of(request).sessions() as session:
        claims = (await session.execute(query)).scalars().all()
    today = ct_today()
    last = today + timedelta(days=within_days)
    due = []
    for claim in claims:
        for clock in clocks(facts_of(claim), today):
            wanted = (clock.state == "missed" or (clock.state == "pending" and clock.due_on <= last))
            if wanted and (state is None or clock.state == state):
                due.append(DueItem(**deadline_out(clock).model_dump(), claim_number=claim.claim_number,
                                   employer_fein=claim.employer_fein, adjuster=claim.adjuster))
    due.sort(key=lambda d: (d.due_on, d.claim_number, d.kind))
    return Page[DueItem](items=due[page.offset:page.offset + page.limit], total=len(due))


# --- money --------------------------------------------------------------------------------

def _totals(claim: Claim) -> dict[str, Any]:
    document = claim_out(claim, ct_today())
    return {"reserves": document.reserves.model_dump(), "paid": document.paid.model_dump(),
            "incurred": document.incurred.model_dump(), "totals": document.totals.model_dump(),
            "first_indemnity_paid_on": (claim.first_indemnity_paid_on.isoformat()
                                        if claim.first_indemnity_paid_on else None)}


@router.post("/claims/{claim_number}/payments", status_code=201)
async def issue_payment(claim_number: str, body: PaymentIn, request: Request, client: Writer,
                        idempotency_key: IdempotencyKey = None) -> Any:
    """Record a medical, indemnity or expense payment; it is announced as
    `claims.payment-issued` and uses up the reserve of its kind. `warnings` says what in
    the claim's benefit state the payment does not fit (`payment_checks`): indemnity on a
    contested claim, with no compensation rate, or more than the rate for its period."""
    async def work(session: AsyncSession) -> dict[str, Any]:
        claim = await load_claim(session, claim_number)
        payment, warnings = await payments.issue_payment(session, claim, body, client.client)
        return {**payment_out(payment), "warnings": warnings, "claim": _totals(claim)}

    return await create_once(request, client, idempotency_key, body, work)


@router.post("/claims/{claim_number}/payments/{payment_id}/reversal", status_code=201)
async def reverse_payment(claim_number: str, payment_id: str, body: ReversalIn, request: Request,
                          client: Writer, idempotency_key: IdempotencyKey = None) -> Any:
    """Reverse a payment with a new, negative entry (the original is never edited)."""
    async def work(session: AsyncSession) -> dict[str, Any]:
        claim = await load_claim(session, claim_number)
        reversal = await payments.reverse_payment(session, claim, payment_id, body, client.client)
        return {**payment_out(reversal), "claim": _totals(claim)}

    return await create_once(request, client, idempotency_key, body, work)


@router.get("/claims/{claim_number}/payments")
async def list_payments(claim_number: str, request: Request, _client: Reader,
                        page: PageDep) -> dict[str, Any]:
    """The claim's payments ledger, in the order entries were recorded."""
    rows, total = await _rows(request, claim_number, Payment, Payment.at, page)
    return {"items": [payment_out(p) for p in rows], "total": total}


@router.put("/claims/{claim_number}/reserves", response_model=ClaimOut)
async def set_reserves(claim_number: str, body: ReservesIn, request: Request, client: Writer) -> ClaimOut:
    """Set outstanding reserves (medical, indemnity, expense); also the 90-day review."""
    return await _change(request, claim_number,
                         lambda s, c: reserves.set_reserves(s, c, body, client.client))


@router.get("/claims/{claim_number}/reserves")
async def reserve_history(claim_number: str, request: Request, _client: Reader,
                          page: PageDep) -> dict[str, Any]:
    """The reserves after each change: set, used by a payment, restored, released."""
    rows, total = await _rows(request, claim_number, ReserveChange, ReserveChange.id, page)
    items = [{"effective_on": r.effective_on.isoformat(), "cause": r.cause,
              "payment_id": r.payment_id, "medical": f"{r.medical:.2f}",
              "indemnity": f"{r.indemnity:.2f}", "expense": f"{r.expense:.2f}",
              "at": r.at.isoformat(), "actor": r.actor} for r in rows]
    return {"items": items, "total": total}


# --- lifecycle ----------------------------------------------------------------------------

@router.post("/claims/{claim_number}/decision", response_model=ClaimOut)
async def decide(claim_number: str, body: DecisionIn, request: Request, client: Writer) -> ClaimOut:
    """Accept, accept without prejudice, or contest with reasons (Form 43), CGS 31-294c(b)."""
    return await _change(request, claim_number, lambda s, c: lifecycle.decide(s, c, body, client.client))


@router.post("/claims/{claim_number}/classification", response_model=ClaimOut)
async def classify(claim_number: str, body: ClassificationIn, request: Request, client: Writer) -> ClaimOut:
    return await _change(request, claim_number,
                         lambda s, c: lifecycle.reclassify(s, c, body, client.client))


@router.get("/claims/{claim_number}/classifications")
async def classification_history(claim_number: str, request: Request, _client: Reader) -> dict[str, Any]:
    rows, total = await _rows(request, claim_number, ClassificationChange, ClassificationChange.id)
    return {"items": [{"classification": r.classification, "effective_on": r.effective_on.isoformat(),
                       "at": r.at.isoformat(), "actor": r.actor} for r in rows], "total": total}


@router.post("/claims/{claim_number}/close", response_model=ClaimOut)
async def close(claim_number: str, request: Request, client: Writer,
                body: CloseIn | None = None) -> ClaimOut:
    """Close the claim (its outstanding reserves are released). `{"duplicate_of": "WC-..."}`
    (or `{"reason": "duplicate"}` on a probable duplicate) closes it as a duplicate: it
    then leaves KPI denominators and loss-run claim counts."""
    return await _change(request, claim_number,
                         lambda s, c: lifecycle.close(s, c, body or CloseIn(), client.client))


@router.post("/claims/{claim_number}/not-duplicate", response_model=ClaimOut)
async def rule_out_duplicate(claim_number: str, request: Request, client: Writer,
                             body: NotDuplicateIn | None = None) -> ClaimOut:
    """Rule a probable duplicate a separate injury: it counts like any claim from now on."""
    return await _change(request, claim_number, lambda s, c: lifecycle.rule_out_duplicate(
        s, c, body or NotDuplicateIn(), client.client))


@router.post("/claims/{claim_number}/reopen", response_model=ClaimOut)
async def reopen(claim_number: str, request: Request, client: Writer,
                 body: ReopenIn | None = None) -> ClaimOut:
    return await _change(request, claim_number,
                         lambda s, c: lifecycle.reopen(s, c, body or ReopenIn(), client.client))


def _form36_out(filing: Form36Filing, today: date) -> dict[str, Any]:
    return {"form36_id": filing.id, "claim_number": filing.claim_number, "kind": filing.kind,
            "reason": filing.reason, "filed_on": filing.filed_on.isoformat(),
            "objection_by": filing.objection_by.isoformat(),
            "objected_on": filing.objected_on.isoformat() if filing.objected_on else None,
            "outcome": form36_outcome(filing.filed_on, as_of=today,
                                      objected_on=filing.objected_on).value,
            "basis": "CGS 31-296"}


@router.post("/claims/{claim_number}/form36", status_code=201)
async def file_form36(claim_number: str, body: Form36In, request: Request, client: Writer,
                      idempotency_key: IdempotencyKey = None) -> Any:
    """Notice to discontinue or reduce payments (Form 36); 15 days to object (CGS 31-296)."""
    async def work(session: AsyncSession) -> dict[str, Any]:
        claim = await load_claim(session, claim_number)
        filing = await form36.file_form36(session, claim, body, client.client)
        return _form36_out(filing, ct_today())

    return await create_once(request, client, idempotency_key, body, work)


@router.post("/claims/{claim_number}/form36/{form36_id}/objection")
async def object_to_form36(claim_number: str, form36_id: str, body: Form36ObjectionIn,
                           request: Request, client: Writer) -> dict[str, Any]:
    async def work(session: AsyncSession, claim: Claim) -> dict[str, Any]:
        filing = await form36.object_to_form36(session, claim, form36_id, body.objected_on,
                                                 client.client)
        return _form36_out(filing, ct_today())

    return await _answer(request, claim_number, work)  # type: ignore[no-any-return]


@router.get("/claims/{claim_number}/form36")
async def list_form36(claim_number: str, request: Request, _client: Reader) -> dict[str, Any]:
    rows, total = await _rows(request, claim_number, Form36Filing, Form36Filing.at)
    today = ct_today()
    return {"items": [_form36_out(f, today) for f in rows], "total": total}


# --- benefits -----------------------------------------------------------------------------

@router.post("/claims/{claim_number}/wage")
async def set_wage(claim_number: str, body: WageIn, request: Request, client: Writer) -> dict[str, Any]:
    """Average weekly wage (CGS 31-310) and the compensation rate of the injury's rate year
    (CGS 31-307, 31-308(a), 31-309). A rate year without a figure on file is a 409."""
    return await _answer(request, claim_number,  # type: ignore[no-any-return]
                         lambda s, c: wage.set_wage(s, c, body, client.client))


@router.post("/claims/{claim_number}/incapacity")
async def record_incapacity(claim_number: str, body: IncapacityIn, request: Request, client: Writer,
                            idempotency_key: IdempotencyKey = None) -> Any:
    """A period of incapacity; answers the waiting period (CGS 31-295) of the spell it
    belongs to: overlapping periods, and periods fewer than 7 days apart, are one spell."""
    async def work(session: AsyncSession) -> dict[str, Any]:
        claim = await load_claim(session, claim_number)
        return await benefits.record_incapacity(session, claim, body, client.client)

    return await create_once(request, client, idempotency_key, body, work, status_code=200)


@router.get("/claims/{claim_number}/incapacity")
async def list_incapacity(claim_number: str, request: Request, _client: Reader) -> dict[str, Any]:
    """The periods of incapacity as recorded, and the spells they make with each spell's
    waiting-period answer (CGS 31-295)."""
    async with runtime_of(request).sessions() as session:
        claim = await session.get(Claim, claim_number)
        if claim is None:
            raise HTTPException(404, f"no claim {claim_number}")
        periods = await benefits.incapacity_periods(session, claim_number)
    return benefits.incapacity_out(claim, periods)


@router.post("/claims/{claim_number}/mmi")
async def record_mmi(claim_number: str, body: MmiIn, request: Request, client: Writer) -> dict[str, Any]:
    """Maximum medical improvement, and with a member the scheduled award (CGS 31-308(b))."""
    return await _answer(request, claim_number,  # type: ignore[no-any-return]
                         lambda s, c: benefits.record_mmi(s, c, body, client.client))


@router.post("/claims/{claim_number}/award")
async def record_award(claim_number: str, body: AwardIn, request: Request, client: Writer) -> dict[str, Any]:
    """A voluntary agreement or award: payments start by the 20th day (CGS 31-303)."""
    return await _answer(request, claim_number,  # type: ignore[no-any-return]
                         lambda s, c: benefits.record_award(s, c, body, client.client))


# --- contacts, filings, flags, assignment -------------------------------------------------

def _contact_out(c: ClaimContact) -> dict[str, Any]:
    return {"party": c.party, "contacted_on": c.contacted_on.isoformat(), "method": c.method,
            "note": c.note, "at": c.at.isoformat(), "actor": c.actor}


@router.post("/claims/{claim_number}/contacts", status_code=201)
async def record_contact(claim_number: str, body: ContactIn, request: Request, client: Writer,
                         idempotency_key: IdempotencyKey = None) -> Any:
    """A contact with the worker, the employer or the doctor (the first-contact clock)."""
    async def work(session: AsyncSession) -> dict[str, Any]:
        claim = await load_claim(session, claim_number)
        contact = await contacts.record_contact(session, claim, body, client.client)
        completed = claim.first_contact_completed_on
        return {**_contact_out(contact),
                "first_contact_completed_on": completed.isoformat() if completed else None}

    return await create_once(request, client, idempotency_key, body, work)


@router.get("/claims/{claim_number}/contacts")
async def list_contacts(claim_number: str, request: Request, _client: Reader) -> dict[str, Any]:
    rows, total = await _rows(request, claim_number, ClaimContact, ClaimContact.id)
    return {"items": [_contact_out(c) for c in rows], "total": total}


@router.post("/claims/{claim_number}/first-report", response_model=ClaimOut)
async def record_first_report(claim_number: str, body: FirstReportIn, request: Request,
                              client: Writer) -> ClaimOut:
    """The employer's first report of injury, filed with the Commission (CGS 31-316)."""
    return await _change(request, claim_number, lambda s, c: contacts.record_first_report(
        s, c, body.filed_on, client.client))


@router.post("/claims/{claim_number}/flags", response_model=ClaimOut)
async def set_flags(claim_number: str, body: FlagsIn, request: Request, client: Writer) -> ClaimOut:
    """Flag (or clear) a heart-and-hypertension claim (CGS 7-433c); flagged, it moves to a
    specialist adjuster when one has room."""
    return await _change(request, claim_number, lambda s, c: assignment.set_heart_hypertension(
        s, c, body.heart_hypertension, body.hired_on, body.reason, client.client))


@router.put("/claims/{claim_number}/adjuster", response_model=ClaimOut)
async def reassign(claim_number: str, body: AssignIn, request: Request, client: Writer) -> ClaimOut:
    """Hand the claim to another adjuster (`adjuster: null`: the caseload rules choose)."""
    return await _change(request, claim_number, lambda s, c: assignment.reassign(
        s, c, body.adjuster, body.reason, body.override_cap, client.client))


@router.put("/claims/{claim_number}/nurse", response_model=ClaimOut)
async def assign_nurse(claim_number: str, body: NurseIn, request: Request, client: Writer) -> ClaimOut:
    """Hand the claim to a nurse case manager (`nurse: null`: the one with most room); a
    nurse at their cap only with `override_cap: true` (409 otherwise), as for adjusters."""
    return await _change(request, claim_number, lambda s, c: assignment.assign_nurse(
        s, c, body.nurse, body.reason, body.override_cap, client.client))


@router.get("/claims/{claim_number}/assignments")
async def list_assignments(claim_number: str, request: Request, _client: Reader) -> dict[str, Any]:
    rows, total = await _rows(request, claim_number, ClaimAssignment, ClaimAssignment.id)
    return {"items": [{"role": r.role, "assignee": r.assignee, "previous": r.previous,
                       "reason": r.reason, "at": r.at.isoformat(), "actor": r.actor} for r in rows],
            "total": total}

