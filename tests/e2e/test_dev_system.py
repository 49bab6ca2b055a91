"""`claimline dev` as a user runs it: five processes, a broker, HTTP only. Then break it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.devbroker import free_port_block
from tests.support.reports import report_body
from tests.support.services import eventually

ADMIN_KEY = "clk_e2e_admin_key_for_tests_only"


class DevSystem:
    def __init__(self, process: subprocess.Popen[str], base: int) -> None:
        self.process = process
        self.base = base
        self.lines: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if "READY" in line:
                self.ready.set()

    def url(self, service: str) -> str:
        offset = ["intake", "claims", "certification", "assessment", "notify"].index(service)
        return f"http://127.0.0.1:{self.base + offset}"

    def children(self, needle: str) -> list[int]:
        """Pids of the runner's children whose command line contains `needle`."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if int(stat[1]) == self.process.pid and needle in cmdline:
                found.append(int(entry.name))
        return found


@pytest.fixture
def dev_system(tmp_path: Path) -> Iterator[DevSystem]:
    base = free_port_block()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CLAIMLINE_") and k != "KAFKA_BOOTSTRAP_SERVERS"}
    env.update({
        "CLAIMLINE_DATA_DIR": str(tmp_path / "data"),
        "CLAIMLINE_PORT_BASE": str(base),
        "CLAIMLINE_ADMIN_KEY": ADMIN_KEY,
        "CLAIMLINE_ACK_DELAY_S": "10",
        "CLAIMLINE_ACK_CHECK_INTERVAL_S": "1",
    })
    process = subprocess.Popen(
        [sys.executable, "-m", "claimline.cli", "dev"], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    system = DevSystem(process, base)
    try:
        if not system.ready.wait(120):
            pytest.fail("claimline dev did not become ready:\n" + "".join(system.lines[-40:]))
        yield system
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def still_running(pids: list[int]) -> list[int]:
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


async def claims_of(http: httpx.AsyncClient, system: DevSystem) -> list[str]:
    try:
        answer = await http.get(f"{system.url('claims')}/v1/claims", params={"limit": 500})
    except httpx.TransportError:
        return []  # claims is being restarted
    return [c["report_id"] for c in answer.json()["items"]] if answer.status_code == 200 else []


async def wait_for_one_claim_each(http: httpx.AsyncClient, system: DevSystem,
                                  report_ids: list[str]) -> None:
    async def all_opened() -> bool:
        return set(report_ids) <= set(await claims_of(http, system))

    await eventually(all_opened, timeout=120, interval=0.5, what="every report opened as a claim")
    opened = await claims_of(http, system)
    assert len(opened) == len(set(opened)), "a report opened two claims"


async def post(http: httpx.AsyncClient, system: DevSystem, n: int) -> str:
    answer = await http.post(f"{system.url('intake')}/v1/injury-reports", json=report_body(n))
    assert answer.status_code == 202, answer.text
    return str(answer.json()["report_id"])


async def test_the_embedded_system_survives_losing_claims_and_the_broker(
    dev_system: DevSystem,
) -> None:
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {ADMIN_KEY}"},
                                 timeout=30) as http:
        # the README's flow: post an injury, see its claim number come back
        first = await post(http, dev_system, 0)

        async def claim_number() -> str | None:
            report = (await http.get(f"{dev_system.url('intake')}/v1/injury-reports/{first}")).json()
            return report["claim_number"]

        number = await eventually(claim_number, timeout=60, what="the claim number")
        assert number.startswith("WC-")
        reports = [first]

        # kill -9 claims while a burst is in flight; the runner restarts it
        burst = asyncio.gather(*(post(http, dev_system, n) for n in range(1, 81)))
        await asyncio.sleep(0.3)
        [claims_pid] = dev_system.children("serve claims")
        os.kill(claims_pid, signal.SIGKILL)
        reports += await burst

        async def claims_restarted() -> bool:
            pids = dev_system.children("serve claims")
            return bool(pids) and pids[0] != claims_pid

        await eventually(claims_restarted, timeout=30, what="the runner restarted claims")
        await wait_for_one_claim_each(http, dev_system, reports)

        # kill -9 the broker (its memory storage goes with it); the runner restarts it
        [broker_pid] = dev_system.children("tansu")
        os.kill(broker_pid, signal.SIGKILL)
        reports += [await post(http, dev_system, n) for n in range(100, 120)]
        await wait_for_one_claim_each(http, dev_system, reports)
        assert any("the broker died" in line for line in dev_system.lines)

    children = dev_system.children("")
    assert len(children) == 6  # five services and the broker
    began = time.monotonic()
    dev_system.process.send_signal(signal.SIGINT)
    assert dev_system.process.wait(45) == 0
    assert time.monotonic() - began < 45
    assert still_running(children) == []


async def test_intake_killed_mid_burst_keeps_every_acknowledged_report(
    dev_system: DevSystem,
) -> None:
    """kill -9 intake while callers are posting: every 202 survives, retries never double."""
    intake = dev_system.url("intake")
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {ADMIN_KEY}"},
                                 timeout=30) as http:

        answered: list[int] = []
        total = 400
        bodies = [report_body(n) for n in range(total)]  # a retry sends the very same body

        async def call(n: int) -> tuple[int, str | None]:
            try:
                answer = await http.post(f"{intake}/v1/injury-reports", json=bodies[n],
                                         headers={"Idempotency-Key": f"burst-{n}"})
            except httpx.TransportError:
                return n, None
            answered.append(n)
            return n, answer.json()["report_id"] if answer.status_code == 202 else None

        burst = asyncio.gather(*(call(n) for n in range(total)))

        async def some_answered() -> bool:
            return len(answered) >= 20

        await eventually(some_answered, timeout=30, interval=0.005, what="first answers")
        [intake_pid] = dev_system.children("serve intake")
        os.kill(intake_pid, signal.SIGKILL)
        first_try = dict(await burst)
        acknowledged = {n: rid for n, rid in first_try.items() if rid}
        assert 20 <= len(acknowledged) < total  # the kill landed mid-burst

        async def intake_back() -> bool:
            try:
                return (await http.get(f"{intake}/healthz")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(intake_back, timeout=60, what="the runner restarted intake")
        # callers retry what got no answer, with the same key; acknowledged ones answer the same
        retried = dict([await call(n) for n in range(total)])
        assert all(retried[n] == rid for n, rid in acknowledged.items())
        assert all(retried.values())
        await wait_for_one_claim_each(http, dev_system, list(retried.values()))
        stored = (await http.get(f"{intake}/v1/injury-reports", params={"limit": 500})).json()
        assert stored["total"] == total
