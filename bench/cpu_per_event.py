"""What the CPU-per-event micro-benchmarks share: the summary and the results file."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from bench.intake import RESULTS, machine


def cpu_summary(samples: list[float], events: int, warmup: int) -> dict[str, Any]:
    """Mean, p50, p90 and total of per-event CPU milliseconds."""
    samples = sorted(samples)
    return {
        "events": events, "warmup": warmup, "batch_size": 1,
        "cpu_ms_per_event_mean": round(statistics.fmean(samples), 3),
        "cpu_ms_per_event_p50": round(samples[len(samples) // 2], 3),
        "cpu_ms_per_event_p90": round(samples[int(len(samples) * 0.9)], 3),
        "cpu_ms_total": round(sum(samples), 1),
    }


def run_cli(description: str, stem: str,
            measure: Callable[[int, int], Coroutine[Any, Any, dict[str, Any]]]) -> int:
    """Parse `--events --warmup --label`, measure, and add the run to `results/<stem>-<date>.json`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--label", default="run")
    args = parser.parse_args()
    result = asyncio.run(measure(args.events, args.warmup))
    result |= {"label": args.label, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stem}-{datetime.now(UTC).date().isoformat()}.json"
    document: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    document["machine"] = machine()
    document.setdefault("runs", {})[args.label] = result
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"written to {path}")
    return 0
