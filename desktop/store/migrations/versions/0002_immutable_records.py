"""The database itself refuses changes to issued invoices and to the audit log.

An issued invoice may only move between states (paid, void, uncollectible) and record how much is
settled; its number, customer, dates, amounts and lines stay as issued. Audit entries are
append-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FROZEN_COLUMNS = (
    "kind", "number", "customer_id", "currency", "issue_date", "due_date", "notes", "net_minor",
    "vat_minor", "total_minor", "reference", "credited_invoice_id", "bill_name", "bill_address",
    "bill_vat_id", "bill_language", "bill_country", "finalized_at", "created_at",
)
IMMUTABLE = "RAISE(ABORT, 'an issued invoice cannot be changed')"


def upgrade() -> None:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN_COLUMNS)
    op.execute(f"""
        CREATE TRIGGER invoices_issued_frozen BEFORE UPDATE ON invoices
        WHEN OLD.status <> 'draft' AND (NEW.status = 'draft' OR {changed})
        BEGIN SELECT {IMMUTABLE}; END
    """)
    op.execute(f"""
        CREATE TRIGGER invoices_issued_kept BEFORE DELETE ON invoices
        WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'an issued invoice cannot be deleted'); END
    """)
    issued = "(SELECT status FROM invoices WHERE id = {row}.invoice_id) <> 'draft'"
    for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
        op.execute(f"""
            CREATE TRIGGER invoice_lines_issued_{event.lower()} BEFORE {event} ON invoice_lines
            WHEN {issued.format(row=row)}
            BEGIN SELECT {IMMUTABLE}; END
        """)
    for event in ("UPDATE", "DELETE"):
        op.execute(f"""
            CREATE TRIGGER audit_log_append_only_{event.lower()} BEFORE {event} ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
        """)


def downgrade() -> None:
    for name in (
        "invoices_issued_frozen", "invoices_issued_kept", "invoice_lines_issued_insert",
        "invoice_lines_issued_update", "invoice_lines_issued_delete",
        "audit_log_append_only_update", "audit_log_append_only_delete",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
