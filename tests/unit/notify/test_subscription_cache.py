"""notify's cache of live webhook subscriptions: matched by event type and FEIN, read again
after its TTL or when this process changes the subscriptions."""

from __future__ import annotations

import json
from contextlib import nullcontext
from typing import Any

from services.notify.notifications import LiveSubscription, SubscriptionCache


class Rows:
    def __init__(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.rows = rows

    def all(self) -> list[tuple[str, str, str, str]]:
        return self.rows


class FakeSession:
    """Answers the live-subscriptions query from `rows`; counts the reads."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.reads = 0
        self.during_read: Any = None
        self.no_autoflush = nullcontext()

    async def execute(self, _query: Any) -> Rows:
        self.reads += 1
        answer = Rows(list(self.rows))
        if self.during_read is not None:
            self.during_read()
        return answer


def subscription(sid: str, fein: str, *types: str) -> tuple[str, str, str, str]:
    return sid, f"https://example.test/{sid}", json.dumps(list(types)), fein


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_matches_by_event_type_and_fein() -> None:
    session = FakeSession()
    session.rows = [subscription("a", "06-1234567", "intake.injury-reported", "claims.claim-opened"),
                    subscription("b", "06-1234567", "claims.claim-opened"),
                    subscription("c", "06-7654321", "claims.claim-opened")]
    cache = SubscriptionCache(ttl_s=2.0)
    found = await cache.matching(session, "claims.claim-opened", "06-1234567")  # type: ignore[arg-type]
    assert [s.id for s in found] == ["a", "b"]
    assert found[0] == LiveSubscription(id="a", url="https://example.test/a")
    assert await cache.matching(session, "intake.injury-reported", "06-7654321") == ()  # type: ignore[arg-type]
    assert await cache.matching(session, "claims.claim-changed", "06-1234567") == ()  # type: ignore[arg-type]
    assert session.reads == 1


async def test_read_again_after_the_ttl_or_an_invalidation() -> None:
    session, clock = FakeSession(), Clock()
    cache = SubscriptionCache(ttl_s=2.0, clock=clock)
    assert await cache.matching(session, "claims.claim-opened", "06-1234567") == ()  # type: ignore[arg-type]
    session.rows = [subscription("a", "06-1234567", "claims.claim-opened")]
    clock.now += 1.9
    assert await cache.matching(session, "claims.claim-opened", "06-1234567") == ()  # type: ignore[arg-type]
    clock.now += 0.2
    assert len(await cache.matching(session, "claims.claim-opened", "06-1234567")) == 1  # type: ignore[arg-type]
    session.rows = []
    cache.invalidate()
    assert await cache.matching(session, "claims.claim-opened", "06-1234567") == ()  # type: ignore[arg-type]
    assert session.reads == 3


async def test_a_read_overtaken_by_a_change_is_not_kept() -> None:
    session = FakeSession()
    cache = SubscriptionCache(ttl_s=60.0)
    session.during_read = cache.invalidate  # a subscription committed while the read ran
    await cache.matching(session, "claims.claim-opened", "06-1234567")  # type: ignore[arg-type]
    session.during_read = None
    await cache.matching(session, "claims.claim-opened", "06-1234567")  # type: ignore[arg-type]
    await cache.matching(session, "claims.claim-opened", "06-1234567")  # type: ignore[arg-type]
    assert session.reads == 2


async def test_no_ttl_reads_every_time() -> None:
    session = FakeSession()
    cache = SubscriptionCache(ttl_s=0)
    for _ in range(3):
        await cache.matching(session, "claims.claim-opened", "06-1234567")  # type: ignore[arg-type]
    assert session.reads == 3
