"""claims: case management — roster, assignments, lifecycle, money ledgers, clocks, wages

Revision ID: 0002
"""

from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
CONNECTICUT = ZoneInfo("America/New_York")


def _money(name: str, nullable: bool = False) -> sa.Column:
    if nullable:
        return sa.Column(name, sa.Numeric(12, 2), nullable=True)
    return sa.Column(name, sa.Numeric(12, 2), nullable=False, server_default="0")


_CLAIM_COLUMNS = [
    sa.Column("occupation", sa.String(200), nullable=True),
    sa.Column("nurse", sa.String(100), nullable=True),
    sa.Column("heart_hypertension", sa.Boolean(), nullable=False, server_default=sa.false()),
    _money("reserve_medical"), _money("reserve_indemnity"), _money("reserve_expense"),
    _money("paid_medical"), _money("paid_indemnity"), _money("paid_expense"),
    sa.Column("reserves_reviewed_on", sa.Date(), nullable=True),
    sa.Column("first_payment_on", sa.Date(), nullable=True),
    sa.Column("pp_payment_began_on", sa.Date(), nullable=True),
    sa.Column("award_payment_began_on", sa.Date(), nullable=True),
    sa.Column("incapacity_days", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("mmi_on", sa.Date(), nullable=True),
    sa.Column("agreement_or_award_on", sa.Date(), nullable=True),
    sa.Column("form36_filed_on", sa.Date(), nullable=True),
    sa.Column("form36_objected_on", sa.Date(), nullable=True),
    sa.Column("first_contact_completed_on", sa.Date(), nullable=True),
    sa.Column("first_report_filed_on", sa.Date(), nullable=True),
    sa.Column("contested_on", sa.Date(), nullable=True),
    sa.Column("contest_resolved_on", sa.Date(), nullable=True),
    sa.Column("closed_on", sa.Date(), nullable=True),
    _money("average_weekly_wage", True), _money("after_tax_average_weekly_wage", True),
    _money("after_tax_post_injury_wage", True),
    sa.Column("wage_method", sa.String(40), nullable=True),
    sa.Column("wage_weeks_counted", sa.Integer(), nullable=True),
    _money("rate_weekly", True),
    sa.Column("rate_year", sa.Integer(), nullable=True),
    _money("rate_maximum", True), _money("rate_minimum", True),
    sa.Column("rate_basis", sa.String(40), nullable=True),
    sa.Column("rate_confirmed", sa.Boolean(), nullable=True),
    sa.Column("pp_member", sa.String(40), nullable=True),
    sa.Column("pp_percent", sa.Numeric(5, 2), nullable=True),
    sa.Column("pp_weeks", sa.Numeric(10, 4), nullable=True),
    _money("pp_award", True),
]


def _stamp() -> list[sa.Column]:
    return [sa.Column("at", UTCDateTime(), nullable=False),
            sa.Column("actor", sa.String(100), nullable=False)]


def _claim_number() -> sa.Column:
    return sa.Column("claim_number", sa.String(20), nullable=False, index=True)


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        for column in _CLAIM_COLUMNS:
            batch.add_column(column)
        batch.create_index("ix_claims_adjuster", ["adjuster"])
        batch.create_index("ix_claims_nurse", ["nurse"])

    op.create_table(
        "adjusters",
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("specialties", sa.String(400), nullable=False),
        sa.Column("lost_time_cap", sa.Integer(), nullable=False),
        sa.Column("medical_only_cap", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("license_number", sa.String(40), nullable=True),
        sa.Column("license_expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "claim_assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        _claim_number(),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("assignee", sa.String(100), nullable=True),
        sa.Column("previous", sa.String(100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        *_stamp(),
    )
    op.create_table(
        "claim_status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _claim_number(),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        *_stamp(),
    )
    op.create_table(
        "claim_classifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        _claim_number(),
        sa.Column("classification", sa.String(40), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        *_stamp(),
    )
    op.create_table(
        "claim_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _claim_number(),
        sa.Column("decision", sa.String(40), nullable=False),
        sa.Column("form", sa.String(20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        *_stamp(),
    )
    op.create_table(
        "form36_filings",
        sa.Column("id", sa.String(36), primary_key=True),
        _claim_number(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("objection_by", sa.Date(), nullable=False),
        sa.Column("objected_on", sa.Date(), nullable=True),
        *_stamp(),
    )
    op.create_table(
        "reserve_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _claim_number(),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("cause", sa.String(40), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=True),
        sa.Column("medical", sa.Numeric(12, 2), nullable=False),
        sa.Column("indemnity", sa.Numeric(12, 2), nullable=False),
        sa.Column("expense", sa.Numeric(12, 2), nullable=False),
        *_stamp(),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.String(36), primary_key=True),
        _claim_number(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("payee", sa.String(200), nullable=True),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("reversal_of", sa.String(36), nullable=True, unique=True),
        sa.Column("reserve_change", sa.Numeric(12, 2), nullable=False),
        *_stamp(),
    )
    op.create_table(
        "wage_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        _claim_number(),
        sa.Column("week_ending", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("first_week_partial", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "incapacity_periods",
        sa.Column("id", sa.Integer(), primary_key=True),
        _claim_number(),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("compensable_from", sa.Date(), nullable=True),
        *_stamp(),
    )
    op.create_table(
        "claim_contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        _claim_number(),
        sa.Column("party", sa.String(20), nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_stamp(),
    )
    op.create_table(
        "deadline_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        _claim_number(),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("emitted_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("claim_number", "kind", "due_on", "state", name="uq_deadline_notice"),
    )
    _backfill_dated_history()


def _stamp_columns() -> list[sa.ColumnClause[Any]]:
    """`at` and `actor` for a lightweight table; new each time, as a column joins one table."""
    return [sa.column("at", UTCDateTime()), sa.column("actor", sa.String())]


def _backfill_dated_history() -> None:
    """Claims opened before this revision get their current status and classification as
    dated rows (status from the payer's notice, on Connecticut's calendar; classification
    from the injury), so counts "as of" a date include them."""
    claims = sa.table("claims", sa.column("claim_number", sa.String()), sa.column("status", sa.String()),
                      sa.column("classification", sa.String()), sa.column("date_of_injury", sa.Date()),
                      sa.column("payor_notified_at", UTCDateTime()), sa.column("opened_at", UTCDateTime()))
    statuses = sa.table("claim_status_changes", sa.column("claim_number", sa.String()),
                        sa.column("status", sa.String()), sa.column("effective_on", sa.Date()),
                        *_stamp_columns())
    classes = sa.table("claim_classifications", sa.column("claim_number", sa.String()),
                       sa.column("classification", sa.String()), sa.column("effective_on", sa.Date()),
                       *_stamp_columns())
    rows = op.get_bind().execute(sa.select(claims)).mappings().all()
    if not rows:
        return
    actor = "migration:0002"
    op.bulk_insert(statuses, [
        {"claim_number": r["claim_number"], "status": r["status"], "at": r["opened_at"], "actor": actor,
         "effective_on": r["payor_notified_at"].astimezone(CONNECTICUT).date()} for r in rows])
    op.bulk_insert(classes, [
        {"claim_number": r["claim_number"], "classification": r["classification"],
         "effective_on": r["date_of_injury"], "at": r["opened_at"], "actor": actor} for r in rows])


def downgrade() -> None:
    for table in ("deadline_notices", "claim_contacts", "incapacity_periods", "wage_records",
                  "payments", "reserve_changes", "form36_filings", "claim_decisions",
                  "claim_classifications", "claim_status_changes", "claim_assignments",
                  "adjusters"):
        op.drop_table(table)
    with op.batch_alter_table("claims") as batch:
        batch.drop_index("ix_claims_nurse")
        batch.drop_index("ix_claims_adjuster")
        for column in reversed(_CLAIM_COLUMNS):
            batch.drop_column(column.name)
