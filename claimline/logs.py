"""Logging set-up: plain lines, never request bodies (personal data stays out of logs)."""

from __future__ import annotations

import logging
import os


def configure(service: str) -> None:
    level = os.environ.get("CLAIMLINE_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(
        level=level,
        format=f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    logging.getLogger("kafka").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
