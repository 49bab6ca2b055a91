"""Idempotent creation: a retry with the same `Idempotency-Key` and body gets the first answer;
the same key with another body gets 409. The record is written in the creating transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from fastapi import HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Column, Text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field

from shared.auth import ApiClient
from shared.db import SharedTable, UTCDateTime, utcnow


class IdempotencyRecord(SharedTable, table=True):
    __tablename__ = "idempotency_keys"

    client: str = Field(primary_key=True, max_length=100)
    key: str = Field(primary_key=True, max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)


def request_fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> str:
    if not 1 <= len(key) <= 200:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [{"loc": ["header", "Idempotency-Key"], "msg": "must be 1 to 200 characters",
              "type": "string_length"}],
        )
    return key


async def previous_answer(
    session: AsyncSession, client: str, key: str, fingerprint: str
) -> tuple[int, Any] | None:
    """The first answer to this key, or None; 409 when the key came with another request."""
    record = await session.get(IdempotencyRecord, (client, key))
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "this Idempotency-Key was used with a different request body",
        )
    return record.status_code, json.loads(record.response)


def remember_answer(
    session: AsyncSession, client: str, key: str, fingerprint: str, status_code: int, body: Any
) -> None:
    session.add(IdempotencyRecord(
        client=client, key=key, request_hash=fingerprint, status_code=status_code,
        response=json.dumps(body, default=str), created_at=utcnow(),
    ))


async def create_once(
    sessions: async_sessionmaker[AsyncSession], request: Request, client: ApiClient,
    idempotency_key: str | None, body: BaseModel,
    work: Callable[[AsyncSession], Awaitable[dict[str, Any]]], status_code: int = 201,
) -> JSONResponse:
    """Run `work` in one transaction and answer `status_code`; with an `Idempotency-Key`, a
    retry with the same body gets the first answer and another body gets 409."""
    fingerprint = request_fingerprint("POST", request.url.path, body.model_dump(mode="json"))
    key = check_key(idempotency_key) if idempotency_key is not None else None
    try:
        async with sessions() as session, session.begin():
            if key is not None:
                earlier = await previous_answer(session, client.client, key, fingerprint)
                if earlier is not None:
                    return JSONResponse(earlier[1], status_code=earlier[0])
            answer = await work(session)
            if key is not None:
                remember_answer(session, client.client, key, fingerprint, status_code, answer)
    except IntegrityError:
        if key is None:
            raise
        async with sessions() as session:  # a concurrent retry with the same key won
            earlier = await previous_answer(session, client.client, key, fingerprint)
        if earlier is None:
            raise
        return JSONResponse(earlier[1], status_code=earlier[0])
    return JSONResponse(answer, status_code=status_code)
