"""A small HTTP/1.1 load generator (asyncio + uvloop, keep-alive), run as its own process.

Two modes, both printing one JSON line of results:

- `max`: `--connections` clients each send the next request as soon as the last is answered
  (a closed loop): the sustained rate the server keeps up.
- `rate`: requests are due at a fixed `--rate` (an open loop); latency is measured from the
  moment a request was due, not from when a connection was free, so a server that falls
  behind shows it (no coordinated omission).

Request bodies come from a JSON file (a list of bodies, used round-robin). Only loopback
targets are meant: this is a benchmark of this machine, not a load test of anything else.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int = 0


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await self.reader.readexactly(length)
        if b"connection: close" in head.lower():
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _requests(url: str, bodies: list[Any], headers: dict[str, str]) -> list[bytes]:
    parts = urlsplit(url)
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    out = []
    for body in bodies:
        payload = json.dumps(body).encode()
        out.append(
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n{extra}\r\n".encode()
            + payload
        )
    return out


async def _one(connection: Connection, raw: bytes, due: float, tally: Tally, record: bool) -> None:
    try:
        status = await connection.request(raw)
    except (OSError, asyncio.IncompleteReadError, ValueError):
        connection.close()
        if record:
            tally.failures += 1
        return
    if record:
        tally.latencies.append(time.perf_counter() - due)
        tally.statuses[status] += 1


async def closed_loop(host: str, port: int, requests: list[bytes], connections: int,
                      warmup: float, seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    counter = iter(range(10**12))

    async def client() -> None:
        connection = Connection(host, port)
        while (now := time.perf_counter()) < stop_at:
            await _one(connection, requests[next(counter) % len(requests)], now, tally,
                       now >= measure_from)
        connection.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    return tally, time.perf_counter() - measure_from


async def open_loop(host: str, port: int, requests: list[bytes], rate: float, connections: int,
                    warmup: float, seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(Connection(host, port))
    start = time.perf_counter()
    total = int(rate * (warmup + seconds))
    pending: set[asyncio.Task[None]] = set()

    async def send(index: int, due: float) -> None:
        connection = await idle.get()
        try:
            await _one(connection, requests[index % len(requests)], due, tally, due >= start + warmup)
        finally:
            idle.put_nowait(connection)

    for index in range(total):
        due = start + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(send(index, due))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    return tally, seconds


def summary(tally: Tally, elapsed: float) -> dict[str, Any]:
    ok = sum(n for status, n in tally.statuses.items() if 200 <= status < 300)
    lat = sorted(tally.latencies)

    def pct(p: float) -> float | None:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2) if lat else None

    return {
        "requests": len(lat), "ok": ok, "failures": tally.failures,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "seconds": round(elapsed, 2), "ok_per_s": round(ok / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": pct(1.0),
        "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--bodies", required=True, help="JSON file: a list of request bodies")
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    parser.add_argument("--mode", choices=["max", "rate"], required=True)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    parts = urlsplit(args.url)
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("bench.load only targets this machine's loopback")
    with open(args.bodies) as source:
        bodies = json.load(source)
    headers = dict(h.split(": ", 1) for h in args.header)
    requests = _requests(args.url, bodies, headers)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    host, port = parts.hostname, parts.port or 80
    if args.mode == "max":
        tally, elapsed = asyncio.run(closed_loop(host, port, requests, args.connections,
                                                 args.warmup, args.seconds))
    else:
        tally, elapsed = asyncio.run(open_loop(host, port, requests, args.rate, args.connections,
                                               args.warmup, args.seconds))
    print(json.dumps(summary(tally, elapsed)))


if __name__ == "__main__":
    main()
