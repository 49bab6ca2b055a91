"""When a failed delivery is tried again, and when notify gives up on it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetrySchedule:
    """`max_attempts` attempts in all; after failed attempt n (1-based) the next comes
    `backoff_s * factor ** (n - 1)` seconds later (exponential backoff)."""

    max_attempts: int
    backoff_s: float
    factor: float = 2.0

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def delay_after(self, attempts: int) -> float:
        return self.backoff_s * self.factor ** (attempts - 1)

    def span_s(self) -> float:
        """Seconds from the first attempt to the last (when every attempt fails at once)."""
        return sum(self.delay_after(n) for n in range(1, self.max_attempts))
