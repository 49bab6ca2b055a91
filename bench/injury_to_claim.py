"""Benchmark of injury-to-claim latency on the embedded system (`claimline dev`).

    .venv/bin/python -m bench.injury_to_claim --rate 50 --seconds 20

Starts `claimline dev` (the development broker, five services as processes, SQLite) in a
fresh data folder, and the bare FastAPI baseline (`bench.bare`); offers injury reports to
intake at a fixed rate (open loop, `bench.load`) and, once every report has its claim,
reads each claim's latency from the claims database: `opened_at - payor_notified_at`, where
`payor_notified_at` is the instant intake stored the report. The baseline's maximum rate,
measured in the same run, is recorded so the figures can be compared across machines.
Results go to `bench/results/injury-to-claim-<date>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.intake import RESULTS, ROOT, machine, ratio, report_bodies, run_load, stop, wait_ready
from shared.auth import new_key
from shared.devbroker import free_port, free_port_block

TARGET_P99_MS = 250.0  # at 50 reports/s (the foundation issue's target)


def claim_latencies_ms(claims_db: Path) -> list[float]:
    with sqlite3.connect(claims_db) as connection:
        rows = connection.execute("SELECT payor_notified_at, opened_at FROM claims").fetchall()
    return [
        (datetime.fromisoformat(opened) - datetime.fromisoformat(notified)).total_seconds() * 1000
        for notified, opened in rows
    ]


def count_rows(database: Path, table: str) -> int:
    try:
        with sqlite3.connect(database) as connection:
            return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description="injury-to-claim latency (module docstring)")
    parser.add_argument("--rate", type=float, default=50.0, help="reports/s offered")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=32, help="clients of the baseline run")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="claimline-bench-e2e-"))
    data = folder / "data"
    key = new_key()
    base = free_port_block(5)
    bodies = folder / "bodies.json"
    bodies.write_text(json.dumps(report_bodies(5000)))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CLAIMLINE_") and k != "KAFKA_BOOTSTRAP_SERVERS"}
    env.update({"CLAIMLINE_DATA_DIR": str(data), "CLAIMLINE_PORT_BASE": str(base),
                "CLAIMLINE_ADMIN_KEY": key, "CLAIMLINE_LOG_LEVEL": "WARNING"})
    log = open(folder / "dev.log", "ab")  # noqa: SIM115
    dev = subprocess.Popen([sys.executable, "-m", "claimline", "dev"], cwd=folder, env=env,
                           stdout=log, stderr=log)
    bare_port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.bare:app", "--port",
                             str(bare_port), "--loop", "uvloop", "--http", "httptools",
                             "--no-access-log", "--log-level", "warning"], cwd=ROOT,
                            stdout=log, stderr=log)
    try:
        for port in range(base, base + 5):
            wait_ready(f"http://127.0.0.1:{port}/readyz", timeout=120)
        wait_ready(f"http://127.0.0.1:{bare_port}/docs")
        print("baseline, max rate ...", flush=True)
        bare_max = run_load(f"http://127.0.0.1:{bare_port}/v1/injury-reports", bodies, key, "max", args)
        print(f"embedded system, {args.rate:g} reports/s for {args.seconds:g}s ...", flush=True)
        offered = run_load(f"http://127.0.0.1:{base}/v1/injury-reports", bodies, key, "rate", args)
        claims_db = data / "claims.db"
        accepted = count_rows(data / "intake.db", "injury_reports")  # warm-up included
        deadline = time.monotonic() + 120
        while count_rows(claims_db, "claims") < accepted and time.monotonic() < deadline:
            time.sleep(0.5)
        latencies = claim_latencies_ms(claims_db)
    finally:
        if dev.poll() is None:
            dev.send_signal(signal.SIGINT)
            try:
                dev.wait(60)
            except subprocess.TimeoutExpired:
                dev.kill()
        stop(bare)
        log.close()

    summary = {
        "reports_accepted": accepted,
        "claims_opened": len(latencies),
        "injury_to_claim_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "injury_to_claim_p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
        "injury_to_claim_max_ms": round(max(latencies), 1) if latencies else None,
        "intake_p50_ms": offered.get("p50_ms"), "intake_p99_ms": offered.get("p99_ms"),
        "bare_max_per_s": bare_max.get("ok_per_s"),
        "offered_rate_to_bare_max": ratio(args.rate, bare_max.get("ok_per_s")),
    }
    summary["meets_target"] = (summary["injury_to_claim_p99_ms"] or 1e9) < TARGET_P99_MS and \
        summary["claims_opened"] == accepted
    document: dict[str, Any] = {
        "benchmark": "injury-to-claim latency, embedded system (claimline dev, SQLite, Tansu)",
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
        "settings": {"rate": args.rate, "seconds": args.seconds, "warmup": args.warmup},
        "summary": summary, "runs": {"bare_max": bare_max, "intake_at_rate": offered},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"injury-to-claim-{datetime.now(UTC):%Y-%m-%d}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
