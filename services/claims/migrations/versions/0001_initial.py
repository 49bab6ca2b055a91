"""claims: claims, numbering, history, coverage read model, and the shared tables

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
        "claims",
        sa.Column("claim_number", sa.String(20), primary_key=True),
        sa.Column("report_id", sa.String(64), nullable=False, unique=True),
        sa.Column("confirmation_number", sa.String(20), nullable=False),
        sa.Column("employer_fein", sa.String(10), nullable=False, index=True),
        sa.Column("employer_name", sa.String(200), nullable=False),
        sa.Column("employee_name", sa.String(220), nullable=False),
        sa.Column("status", sa.String(40), nullable=False, index=True),
        sa.Column("classification", sa.String(40), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("catastrophic", sa.Boolean(), nullable=False),
        sa.Column("date_of_injury", sa.Date(), nullable=False),
        sa.Column("reported_to_employer_on", sa.Date(), nullable=True),
        sa.Column("payor_notified_at", UTCDateTime(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("adjuster", sa.String(100), nullable=True),
        sa.Column("coverage", sa.String(20), nullable=False),
        sa.Column("first_indemnity_paid_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "claim_sequences",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "claim_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("claim_number", sa.String(20), nullable=False, index=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
    )
    op.create_table(
        "coverage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("employer_fein", sa.String(10), nullable=False, index=True),
        sa.Column("coverage", sa.String(20), nullable=False),
        sa.Column("certificate_id", sa.String(64), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
    )


def downgrade() -> None:
    for table in ("coverage", "claim_history", "claim_sequences", "claims", "idempotency_keys",
                  "bus_state", "dead_letters", "inbox", "outbox"):
        op.drop_table(table)
