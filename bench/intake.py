"""Benchmark of `POST /v1/injury-reports`: intake on PostgreSQL vs a bare FastAPI endpoint.

    .venv/bin/python -m bench.intake --seconds 10

Runs, on this machine and in one go:

- the embedded system's pieces intake needs: the development broker (its outbox relay
  publishes every report while the load runs) and `claimline serve intake` as its own process,
  on a fresh PostgreSQL database (`CLAIMLINE_BENCH_POSTGRES_URL`, default the local server);
- the baseline, `bench.bare` under the same uvicorn settings: FastAPI + pydantic, no I/O;
- for each, the load generator `bench.load` in a separate process: the maximum sustained rate
  (closed loop, `--connections` clients), then latency at a fixed `--rate` (200/s; open loop).

It prints the results and writes them with the date and machine to
`bench/results/intake-<date>.json`. Absolute figures move from run to run on shared
machines; the ratios to the baseline of the same run are the figures to compare. CPU seconds
used by each process during the maximum-rate run tell what limits the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx

from services.intake.schemas import CONTRACT_EXAMPLE
from shared.auth import add_key
from shared.devbroker import DevBroker, free_port
from shared.pii import new_pii_key

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
ADMIN_URL = os.environ.get("CLAIMLINE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET_RATE = 1000.0  # reports/s (the target)
TARGET_P99_MS = 50.0  # at 200 reports/s


def report_bodies(count: int) -> list[dict[str, Any]]:
    """`count` distinct injuries (distinct employees: no probable duplicates), an hour old."""
    occurred = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    bodies = []
    for n in range(count):
        body = json.loads(json.dumps(CONTRACT_EXAMPLE))
        body["employee"]["last_name"] = f"Diaz{n:06d}"
        body["injury"]["occurred_at"] = occurred
        body["injury"]["reported_to_employer_on"] = None
        bodies.append(body)
    return bodies


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def pids_named(prefix: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip().startswith(prefix):
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
    return found


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")), 0)
    return {"hostname": platform.node(), "cpus": os.cpu_count(), "cpu_model": model,
            "memory_gib": round(memory_kb / 1024 / 1024, 1), "kernel": platform.release(),
            "python": platform.python_version()}


def wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} not ready after {timeout}s")


def run_load(url: str, bodies_file: Path, key: str, mode: str, args: argparse.Namespace,
             watch: dict[str, list[int]] | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.load", "--url", url, "--bodies", str(bodies_file),
               "--header", f"Authorization: Bearer {key}", "--mode", mode,
               "--connections", str(args.connections if mode == "max" else 64),
               "--rate", str(args.rate), "--warmup", str(args.warmup), "--seconds", str(args.seconds)]
    before = {name: cpu_seconds(pids) for name, pids in (watch or {}).items()}
    loader = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    output, _ = loader.communicate(timeout=args.warmup + args.seconds + 120)
    if loader.returncode != 0:
        raise SystemExit(f"load generator failed ({loader.returncode})")
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    if watch:
        wall = args.warmup + args.seconds
        result["cpu_cores_used"] = {name: round((cpu_seconds(pids) - before[name]) / wall, 2)
                                    for name, pids in watch.items()}
    return result


async def create_database() -> tuple[str, str]:
    name = f"cl_bench_intake_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
        settings = {row[0]: row[1] for row in await connection.fetch(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('synchronous_commit', 'fsync', 'server_version', 'shared_buffers', 'wal_level')")}
    finally:
        await connection.close()
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}", json.dumps(settings)


async def database_counts(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        reports = await connection.fetchval("SELECT count(*) FROM injury_reports")
        published = await connection.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")
    finally:
        await connection.close()
    return {"reports_stored": int(reports), "events_published": int(published)}


async def drop_database(url: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await connection.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def ratio(value: float | None, base: float | None) -> float | None:
    return round(value / base, 3) if value and base else None


def main() -> int:
    parser = argparse.ArgumentParser(description="intake benchmark (see the module docstring)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=32, help="clients of the max-rate run")
    parser.add_argument("--rate", type=float, default=200.0, help="reports/s of the latency run")
    parser.add_argument("--no-broker", action="store_true", help="run intake with no broker")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    url, pg_settings = asyncio.run(create_database())
    folder = Path(tempfile.mkdtemp(prefix="claimline-bench-"))
    keys_file = folder / "keys.json"
    key = add_key(keys_file, "bench", ["intake:write"])
    bodies_file = folder / "bodies.json"
    bodies_file.write_text(json.dumps(report_bodies(5000)))
    broker = None if args.no_broker else DevBroker(log_path=folder / "broker.log").start()
    intake_port, bare_port = free_port(), free_port()
    env = {**os.environ, "CLAIMLINE_INTAKE_DATABASE_URL": url, "CLAIMLINE_PII_KEYS": new_pii_key(),
           "CLAIMLINE_API_KEYS_FILE": str(keys_file), "CLAIMLINE_DATA_DIR": str(folder),
           "CLAIMLINE_LOG_LEVEL": "WARNING",
           "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers if broker else f"127.0.0.1:{free_port()}"}
    log = open(folder / "servers.log", "ab")  # noqa: SIM115
    intake = subprocess.Popen([sys.executable, "-m", "claimline", "serve", "intake",
                               "--port", str(intake_port)], cwd=ROOT, env=env, stdout=log, stderr=log)
    bare = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.bare:app", "--port", str(bare_port),
                             "--loop", "uvloop", "--http", "httptools", "--no-access-log",
                             "--log-level", "warning"], cwd=ROOT, stdout=log, stderr=log)
    results: dict[str, Any] = {}
    try:
        wait_ready(f"http://127.0.0.1:{intake_port}/readyz")
        wait_ready(f"http://127.0.0.1:{bare_port}/docs")
        intake_url = f"http://127.0.0.1:{intake_port}/v1/injury-reports"
        bare_url = f"http://127.0.0.1:{bare_port}/v1/injury-reports"
        intake_watch = {"intake": [intake.pid], "postgres": pids_named("postgres"),
                        "broker": [broker.process.pid] if broker and broker.process else []}
        print("baseline, max rate ...", flush=True)
        results["bare_max"] = run_load(bare_url, bodies_file, key, "max", args, {"bare": [bare.pid]})
        print("intake, max rate ...", flush=True)
        results["intake_max"] = run_load(intake_url, bodies_file, key, "max", args, intake_watch)
        print(f"baseline, {args.rate:g}/s ...", flush=True)
        results["bare_fixed"] = run_load(bare_url, bodies_file, key, "rate", args)
        print(f"intake, {args.rate:g}/s ...", flush=True)
        results["intake_fixed"] = run_load(intake_url, bodies_file, key, "rate", args, intake_watch)
        results["database"] = asyncio.run(database_counts(url))
    finally:
        stop(intake)
        stop(bare)
        if broker:
            broker.stop()
        log.close()
        asyncio.run(drop_database(url))

    im, bm, ifx, bfx = (results[k] for k in ("intake_max", "bare_max", "intake_fixed", "bare_fixed"))
    document = {
        "benchmark": "intake POST /v1/injury-reports",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "postgres": json.loads(pg_settings),
        "settings": {"seconds": args.seconds, "warmup": args.warmup, "connections": args.connections,
                     "rate": args.rate, "broker": not args.no_broker},
        "summary": {
            "intake_max_reports_per_s": im["ok_per_s"], "bare_max_per_s": bm["ok_per_s"],
            "max_rate_ratio": ratio(im["ok_per_s"], bm["ok_per_s"]),
            "intake_p50_ms_at_rate": ifx["p50_ms"], "intake_p99_ms_at_rate": ifx["p99_ms"],
            "bare_p50_ms_at_rate": bfx["p50_ms"], "bare_p99_ms_at_rate": bfx["p99_ms"],
            "p50_ratio_at_rate": ratio(ifx["p50_ms"], bfx["p50_ms"]),
            "p99_ratio_at_rate": ratio(ifx["p99_ms"], bfx["p99_ms"]),
            "meets_rate_target": im["ok_per_s"] >= TARGET_RATE,
            "meets_latency_target": (ifx["p99_ms"] or 1e9) < TARGET_P99_MS,
        },
        "runs": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"intake-{datetime.now(UTC):%Y-%m-%d}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(json.dumps(document["summary"], indent=2))
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
