"""Operators' view of a service's dead letters, and their replay after a fix."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from shared.auth import ApiClient
from shared.bus.consumer import Undeliverable, open_dead_letters, replay_dead_letter
from shared.http.security import requires

router = APIRouter(prefix="/v1/dead-letters", tags=["operations"])
Admin = Annotated[ApiClient, Depends(requires("admin"))]


class DeadLetterOut(BaseModel):
    id: str
    consumer: str
    topic: str
    partition: int
    offset: int
    event_id: str | None
    error: str
    attempts: int
    failed_at: datetime


class DeadLetterList(BaseModel):
    items: list[DeadLetterOut]
    total: int


class ReplayOut(BaseModel):
    id: str
    applied: bool


@router.get("", response_model=DeadLetterList)
async def list_dead_letters(request: Request, _admin: Admin) -> DeadLetterList:
    letters = await open_dead_letters(request.app.state.runtime.sessions)
    items = [DeadLetterOut.model_validate(letter, from_attributes=True) for letter in letters]
    return DeadLetterList(items=items, total=len(items))


@router.post("/{letter_id}/replay", response_model=ReplayOut)
async def replay(letter_id: str, request: Request, _admin: Admin) -> ReplayOut:
    runtime = request.app.state.runtime
    letters = {letter.id: letter for letter in await open_dead_letters(runtime.sessions)}
    letter = letters.get(letter_id)
    if letter is None:
        raise HTTPException(404, "no open dead letter with this id")
    subscription = next((s for s in runtime.subscriptions if s.consumer == letter.consumer), None)
    if subscription is None:
        raise HTTPException(409, f"this service no longer runs consumer {letter.consumer}")
    try:
        applied = await replay_dead_letter(runtime.sessions, subscription, letter_id)
    except Undeliverable as error:
        raise HTTPException(409, f"still undeliverable: {error}") from error
    except Exception as error:  # noqa: BLE001 - the operator sees why it failed again
        raise HTTPException(409, f"replay failed again: {error!r}") from error
    return ReplayOut(id=letter_id, applied=applied)
