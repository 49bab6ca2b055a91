"""Settings from the environment: one class per service, built when a service starts (never at import)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_PORTS: dict[str, int] = {
    "intake": 8001,
    "claims": 8002,
    "certification": 8003,
    "assessment": 8004,
    "notify": 8005,
}


class ServiceSettings(BaseSettings):
    """What every service reads. Variables are `CLAIMLINE_<NAME>` unless noted."""

    model_config = SettingsConfigDict(env_prefix="CLAIMLINE_", extra="ignore")

    service: str = "unnamed"
    data_dir: Path = Path(".claimline")
    database_url: str = ""
    api_keys_file: Path | None = None
    pii_keys: str = ""

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "CLAIMLINE_KAFKA_BOOTSTRAP_SERVERS"),
    )
    kafka_idempotence: bool = False  # on for Apache Kafka; the dev broker rejects it
    kafka_partitions: int = 6
    kafka_replication_factor: int = 1
    kafka_fetch_max_wait_ms: int = 50
    kafka_request_timeout_ms: int = 5000
    broker_check_interval_s: float = 2.0

    outbox_poll_interval_s: float = 1.0
    outbox_linger_s: float = 0.02
    outbox_batch_size: int = 500
    outbox_retention_hours: float = 168.0

    consumer_max_attempts: int = 4
    consumer_retry_backoff_s: float = 0.2

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{self.service}.db').resolve()}"

    def resolved_keys_file(self) -> Path:
        return self.api_keys_file or self.data_dir / "keys.json"


def database_url_variable(service: str) -> str:
    return f"CLAIMLINE_{service.upper()}_DATABASE_URL"


S = TypeVar("S", bound=ServiceSettings)


def load_settings(service: str, cls: type[S]) -> S:
    """Settings for one service; its database URL comes from CLAIMLINE_<SERVICE>_DATABASE_URL."""
    url = os.environ.get(database_url_variable(service), "")
    return cls(service=service, database_url=url)  # type: ignore[call-arg]  # env fills the rest
