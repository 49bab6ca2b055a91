"""What the CPU-per-event micro-benchmarks share: the summary and the results file."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.intake import RESULTS, machine
from claimline.catalogue import definition
from shared.bus.consumer import apply_events
from shared.devbroker import DevBroker
from shared.events.envelope import CloudEvent
from shared.pii import new_pii_key
from shared.service import ServiceRuntime, create_app
from tests.support.infrastructure import create_database, drop_database


@asynccontextmanager
async def service_in_process(service: str, **settings: Any) -> AsyncIterator[ServiceRuntime]:
    """One service running in this process on a fresh PostgreSQL database and dev broker."""
    blueprint = definition(service)
    url = await create_database(f"bench_{service}")
    broker = DevBroker().start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            configured = blueprint.settings_class(
                service=service, database_url=url, data_dir=Path(folder) / service,
                api_keys_file=Path(folder) / "keys.json",
                kafka_bootstrap_servers=broker.bootstrap_servers, pii_keys=new_pii_key(),
                **settings,
            )
            app = create_app(blueprint, configured)
            async with app.router.lifespan_context(app):
                yield app.state.runtime
    finally:
        broker.stop()
        await drop_database(url)


async def cpu_ms_to_apply(runtime: ServiceRuntime, event: CloudEvent) -> float:
    """Process CPU milliseconds to apply one event alone, as a consumer batch of one."""
    started = time.process_time()
    [applied] = await apply_events(runtime.sessions, runtime.subscriptions[0], [event])
    spent = time.process_time() - started
    assert applied
    return spent * 1000


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
