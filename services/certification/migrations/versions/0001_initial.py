"""certification: the shared tables

Revision ID: 0001
"""

from alembic import op

from shared.bus.schema import create_shared_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_shared_tables_v1(op)


def downgrade() -> None:
    for table in ("idempotency_keys", "bus_state", "dead_letters", "inbox", "outbox"):
        op.drop_table(table)
