"""Benchmarks and loss runs (scope claims:read)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from services.claims.api import Fein, Reader, RequiredFein, runtime_of
from services.claims.casework.connecticut_time import ct_today
from services.claims.reporting import employer_loss_run, kpis, loss_run_csv, loss_run_document
from services.claims.schemas import Day

router = APIRouter(prefix="/v1", tags=["benchmarks and loss runs"])


def _bad_query(field: str, message: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["query", field], "msg": message, "type": "value_error"}])


@router.get("/kpis")
async def get_kpis(
    request: Request, _client: Reader,
    injured_from: Annotated[Day | None, Query(alias="from")] = None,
    injured_to: Annotated[Day | None, Query(alias="to")] = None,
    employer_fein: Fein | None = None,
    as_of: Day | None = None,
) -> dict[str, Any]:
    """The four timeliness benchmarks of seed 003 (B.1-B.4) as fractions with their counts,
    the contested share and days to resolve a contest, and counts by status and
    classification as they stood on `as_of` (default today), for claims injured from `from`
    to `to`. Claims closed as duplicates are left out of all of it (`duplicates_excluded`
    says how many); probable duplicates still under review are in, and counted in
    `probable_duplicates_pending`."""
    today = ct_today()
    as_of = as_of or today
    if injured_from and injured_to and injured_to < injured_from:
        raise _bad_query("to", "to is before from")
    async with runtime_of(request).sessions() as session:
        return await kpis(session, as_of=as_of, injured_from=injured_from,
                          injured_to=injured_to, employer_fein=employer_fein)


@router.get("/loss-runs")
async def get_loss_run(
    request: Request, _client: Reader,
    employer_fein: RequiredFein,
    years: Annotated[int, Query(ge=1, le=20)] = 3,
    as_of: Day | None = None,
    full_years: bool = False,
    format: Literal["json", "csv"] | None = None,
) -> Any:
    """Loss history per accident year (self-insurance application item 12): claims, and
    paid, open (reserve) and incurred, each for medical, indemnity and total (the losses),
    valued as of `as_of` (default today; `full_years=true`: the last `years` complete
    calendar years). Expense is shown apart (`expense`) and with the losses
    (`with_expense`, which reconciles with the claims' totals); claims closed as duplicates
    are not counted (`duplicates_excluded`). `total` is the number of rows (the list shape
    of every answer); `all_years` sums the rows. CSV with `format=csv` or `Accept: text/csv`."""
    valued = as_of or ct_today()
    if full_years:
        valued = date(valued.year - 1, 12, 31)
    async with runtime_of(request).sessions() as session:
        rows = await employer_loss_run(session, employer_fein=employer_fein, as_of=valued, years=years)
    wants_csv = format == "csv" or (format is None and "text/csv" in request.headers.get("accept", ""))
    if wants_csv:
        name = f"loss-run-{employer_fein}-{valued.isoformat()}.csv"
        return Response(loss_run_csv(rows, employer_fein=employer_fein, as_of=valued),
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return loss_run_document(rows, employer_fein=employer_fein, as_of=valued)
