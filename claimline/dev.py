"""`claimline dev`: the whole system on one machine, no Docker.

A local Kafka-protocol broker (unless KAFKA_BOOTSTRAP_SERVERS is set), then the five services
as separate processes with SQLite databases under CLAIMLINE_DATA_DIR (or PostgreSQL where
CLAIMLINE_<SERVICE>_DATABASE_URL is set). A child that dies is restarted and logged; a
restarted broker is empty, and the services notice (the broker-epoch marker) and replay.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from claimline.catalogue import SERVICES
from shared.auth import add_key, new_key
from shared.devbroker import DevBroker, free_port
from shared.pii import new_pii_key
from shared.settings import SERVICE_PORTS


def say(message: str) -> None:
    print(f"[claimline dev] {message}", flush=True)


def service_ports() -> dict[str, int]:
    base = int(os.environ.get("CLAIMLINE_PORT_BASE", "8001"))
    return {name: base + (port - 8001) for name, port in SERVICE_PORTS.items()}


def _secret_file(path: Path, make: Callable[[], str]) -> str:
    if not path.exists():
        path.write_text(make() + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def prepare_environment(data_dir: Path) -> tuple[dict[str, str], str]:
    """The children's environment and the admin key (from CLAIMLINE_ADMIN_KEY or generated)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["CLAIMLINE_DATA_DIR"] = str(data_dir)
    keys_file = Path(env.get("CLAIMLINE_API_KEYS_FILE") or data_dir / "keys.json")
    env["CLAIMLINE_API_KEYS_FILE"] = str(keys_file)
    if not env.get("CLAIMLINE_PII_KEYS"):
        env["CLAIMLINE_PII_KEYS"] = _secret_file(data_dir / "pii.keys", new_pii_key)
    admin_key = env.get("CLAIMLINE_ADMIN_KEY") or _secret_file(
        data_dir / "admin.key", new_key
    )
    add_key(keys_file, "admin", ["admin"], key=admin_key)
    env["CLAIMLINE_ADMIN_KEY"] = admin_key
    return env, admin_key


def ready(port: int) -> bool:
    """Serving, connected to the broker, and every consumer in its group."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as answer:
            broker = json.load(answer)["broker"]
    except (OSError, ValueError, KeyError):
        return False
    return bool(broker["state"] == "connected"
                and all(state == "joined" for state in broker["consumers"].values()))


class Supervisor:
    def __init__(self, env: dict[str, str], ports: dict[str, int]) -> None:
        self.env = env
        self.ports = ports
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, int] = dict.fromkeys(ports, 0)

    def spawn(self, service: str) -> None:
        command = [sys.executable, "-m", "claimline.cli", "serve", service,
                   "--port", str(self.ports[service])]
        self.children[service] = subprocess.Popen(command, env=self.env, stdin=subprocess.DEVNULL)

    def check(self) -> None:
        for service, child in self.children.items():
            code = child.poll()
            if code is not None:
                self.restarts[service] += 1
                say(f"{service} exited with {code}; restarting it (restart #{self.restarts[service]})")
                time.sleep(min(self.restarts[service], 5) * 0.2)
                self.spawn(service)

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in self.children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def run_embedded() -> int:
    data_dir = Path(os.environ.get("CLAIMLINE_DATA_DIR", ".claimline")).resolve()
    env, admin_key = prepare_environment(data_dir)
    broker: DevBroker | None = None
    if not env.get("KAFKA_BOOTSTRAP_SERVERS"):
        port = int(env.get("CLAIMLINE_BROKER_PORT") or free_port())
        broker = DevBroker(port=port, log_path=data_dir / "broker.log").start()
        env["KAFKA_BOOTSTRAP_SERVERS"] = broker.bootstrap_servers
        say(f"broker (Tansu, memory storage) on {broker.bootstrap_servers}, pid {broker.process.pid}")  # type: ignore[union-attr]
    else:
        say(f"using the broker at {env['KAFKA_BOOTSTRAP_SERVERS']}")

    ports = service_ports()
    supervisor = Supervisor(env, ports)
    stopping = False

    def request_stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    for service in SERVICES:
        supervisor.spawn(service)

    deadline = time.monotonic() + 90
    waiting = set(SERVICES)
    while waiting and not stopping and time.monotonic() < deadline:
        waiting = {s for s in waiting if not ready(ports[s])}
        supervisor.check()
        time.sleep(0.2)
    if waiting:
        say(f"not ready after 90 s: {', '.join(sorted(waiting))}")
    else:
        for service in SERVICES:
            say(f"{service:<14} http://127.0.0.1:{ports[service]}  (docs: /docs)")
        say(f"admin key: {admin_key}")
        say(f"data folder: {data_dir}; Ctrl-C stops everything")
        say("READY")

    while not stopping:
        supervisor.check()
        if broker is not None and not broker.alive():
            say("the broker died; restarting it (empty: the services will replay their outboxes)")
            broker.start()
        time.sleep(0.5)

    say("stopping")
    supervisor.stop()
    if broker is not None:
        broker.stop()
    say("stopped")
    return 0
