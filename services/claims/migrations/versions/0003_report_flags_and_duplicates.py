"""claims: intake's flags and probable-duplicate links kept on the claim

Revision ID: 0003

Claims opened before this revision have no flags and no duplicate link (the events that
carried them are not replayed); intake still shows both on the report, and a report
re-published by intake fills them in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = [
    sa.Column("flags", sa.Text(), nullable=False, server_default="[]"),
    sa.Column("probable_duplicate_of_report_id", sa.String(64), nullable=True),
    sa.Column("probable_duplicate_of", sa.String(20), nullable=True),
    sa.Column("duplicate_review", sa.String(20), nullable=True),
    sa.Column("duplicate_of", sa.String(20), nullable=True),
]
_INDEXED = ("probable_duplicate_of_report_id", "probable_duplicate_of", "duplicate_review")


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        for column in _COLUMNS:
            batch.add_column(column)
        for name in _INDEXED:
            batch.create_index(f"ix_claims_{name}", [name])


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        for name in reversed(_INDEXED):
            batch.drop_index(f"ix_claims_{name}")
        for column in reversed(_COLUMNS):
            batch.drop_column(column.name)
