"""notify: received events, and the shared tables

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.bus.schema import create_shared_tables_v1
from shared.db import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_shared_tables_v1(op)
    op.create_table(
        "received_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(100), nullable=False, index=True),
        sa.Column("subject", sa.String(200), nullable=False, index=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("received_events", "idempotency_keys", "bus_state", "dead_letters", "inbox",
                  "outbox"):
        op.drop_table(table)
