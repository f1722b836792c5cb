"""A covering index for the invoice list's state and overdue filters in issue-date order.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_invoices_issue_date_id_status_due_date", "invoices", ["issue_date", "id", "status", "due_date"])


def downgrade() -> None:
    op.drop_index("ix_invoices_issue_date_id_status_due_date", "invoices")
