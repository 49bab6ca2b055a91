"""intake: injury reports, their history, and the shared tables

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
        "injury_reports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("confirmation_number", sa.String(20), nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("submitted_by", sa.String(100), nullable=False),
        sa.Column("employer_fein", sa.String(10), nullable=False, index=True),
        sa.Column("date_of_injury", sa.Date(), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("catastrophic", sa.Boolean(), nullable=False),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False, index=True),
        sa.Column("probable_duplicate_of", sa.String(36), nullable=True),
        sa.Column("ssn_last4", sa.String(4), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("claim_number", sa.String(20), nullable=True),
        sa.Column("claim_opened_at", UTCDateTime(), nullable=True),
        sa.Column("publications", sa.Integer(), nullable=False),
        sa.Column("last_published_at", UTCDateTime(), nullable=False),
        sa.Column("alerted_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "report_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.String(36), nullable=False, index=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("report_history", "injury_reports", "idempotency_keys", "bus_state",
                  "dead_letters", "inbox", "outbox"):
        op.drop_table(table)
