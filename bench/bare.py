"""The baseline of the intake benchmark: FastAPI + uvicorn with pydantic validation of the
contract's injury body and no I/O — the ceiling of the web stack on this machine."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class Employer(BaseModel):
    fein: str
    name: str
    location: str | None = None


class Employee(BaseModel):
    first_name: str
    last_name: str
    date_of_birth: str | None = None
    ssn: str | None = None
    phone: str | None = None
    occupation: str | None = None
    average_weekly_wage: str | None = None


class Injury(BaseModel):
    occurred_at: datetime
    description: str
    body_parts: list[str] = []
    severity: Literal["first_aid", "medical_only", "lost_time", "catastrophic", "fatal"]
    reported_to_employer_on: str | None = None


class Caller(BaseModel):
    name: str | None = None
    phone: str | None = None
    role: str | None = None


class Report(BaseModel):
    channel: Literal["ivr", "carrier", "web", "employer"]
    employer: Employer
    employee: Employee
    injury: Injury
    caller: Caller | None = None


app = FastAPI()


@app.post("/v1/injury-reports", status_code=202)
async def report_injury(report: Report) -> JSONResponse:
    return JSONResponse({
        "report_id": str(uuid.uuid4()), "confirmation_number": "CL-0000-0000",
        "status": "received", "received_at": datetime.now(UTC).isoformat(),
        "catastrophic": report.injury.severity in ("catastrophic", "fatal"), "claim_number": None,
    }, status_code=202)
