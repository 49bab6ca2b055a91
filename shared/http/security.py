"""Bearer API keys on every endpoint but health checks: 401 without a known key, 403 without the scope.

The dependencies are coroutines, so checking a key costs no hop to the thread pool.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth import ApiClient, KeyStore

_bearer = HTTPBearer(auto_error=False, description="Claimline API key")


def _key_store(request: Request) -> KeyStore:
    store: KeyStore = request.app.state.runtime.keys
    return store


async def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiClient:
    unauthorised = HTTPException(
        status.HTTP_401_UNAUTHORIZED, "a valid API key is required",
        headers={"WWW-Authenticate": "Bearer"},
    )
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorised
    client = _key_store(request).authenticate(credentials.credentials, time.monotonic())
    if client is None:
        raise unauthorised
    request.state.client = client.client
    return client


def requires(scope: str) -> Callable[[ApiClient], Awaitable[ApiClient]]:
    """A dependency answering the caller when its key carries `scope` (or `admin`)."""

    async def check(client: Annotated[ApiClient, Depends(authenticated)]) -> ApiClient:
        if not client.has(scope):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this key lacks the scope {scope}")
        return client

    return check
