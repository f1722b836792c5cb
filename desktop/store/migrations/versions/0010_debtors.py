"""Debtor status: per-customer credit limits, notes and calls with follow-ups, and what keeps the
debtor overview fast on a million invoices.

Three columns are kept up to date by triggers (so every writer, old or new, keeps them right):
- ``invoices.paid_on``: the day an invoice became fully settled (the latest of its payments' dates,
  its credit notes' issue dates and its write-offs' days); NULL while not paid, and for credit
  notes. Lets "as of a past date" and "days paid late" read only the invoices that matter.
  The column is not frozen by 0002: it records settlement, like the status.
- ``invoices.dunning_level``: the highest reminder level an invoice has reached (0: none).
- ``payments.allocated_minor``: how much of a payment is allocated to invoices.

Partial covering indexes hold the open documents, the paid invoices by day, and the payments with
something unallocated; reminders get an index by customer and currency.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The day an invoice (a row of ``invoices`` called {row}) was settled, from what settled it.
PAID_ON = """
COALESCE((SELECT max(d) FROM (
    SELECT p.date AS d FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = {row}.id
    UNION ALL
    SELECT cn.issue_date FROM allocations a JOIN invoices cn ON cn.id = a.credit_note_id WHERE a.invoice_id = {row}.id
    UNION ALL
    SELECT substr(w.created_at, 1, 10) FROM write_offs w WHERE w.invoice_id = {row}.id
)), {row}.issue_date)
"""

ALLOCATED = "(SELECT COALESCE(SUM(amount_minor), 0) FROM allocations WHERE payment_id = {id})"
LEVEL = "(SELECT COALESCE(MAX(level_position), 0) FROM reminder_invoices WHERE invoice_id = {id})"

TRIGGERS = {
    "invoices_paid_on_set": f"""
        CREATE TRIGGER invoices_paid_on_set AFTER UPDATE OF status ON invoices
        WHEN NEW.status = 'paid' AND OLD.status <> 'paid' AND NEW.kind = 'invoice'
        BEGIN UPDATE invoices SET paid_on = {PAID_ON.format(row="NEW")} WHERE id = NEW.id; END
    """,
    "invoices_paid_on_clear": """
        CREATE TRIGGER invoices_paid_on_clear AFTER UPDATE OF status ON invoices
        WHEN NEW.status <> 'paid' AND OLD.status = 'paid'
        BEGIN UPDATE invoices SET paid_on = NULL WHERE id = NEW.id; END
    """,
    "allocations_paid_insert": """
        CREATE TRIGGER allocations_paid_insert AFTER INSERT ON allocations WHEN NEW.payment_id IS NOT NULL
        BEGIN UPDATE payments SET allocated_minor = allocated_minor + NEW.amount_minor WHERE id = NEW.payment_id; END
    """,
    "allocations_paid_delete": """
        CREATE TRIGGER allocations_paid_delete AFTER DELETE ON allocations WHEN OLD.payment_id IS NOT NULL
        BEGIN UPDATE payments SET allocated_minor = allocated_minor - OLD.amount_minor WHERE id = OLD.payment_id; END
    """,
    "allocations_paid_update": f"""
        CREATE TRIGGER allocations_paid_update AFTER UPDATE ON allocations
        BEGIN
            UPDATE payments SET allocated_minor = {ALLOCATED.format(id="OLD.payment_id")} WHERE id = OLD.payment_id;
            UPDATE payments SET allocated_minor = {ALLOCATED.format(id="NEW.payment_id")} WHERE id = NEW.payment_id;
        END
    """,
    "reminder_invoices_level_insert": """
        CREATE TRIGGER reminder_invoices_level_insert AFTER INSERT ON reminder_invoices
        WHEN NEW.level_position > (SELECT dunning_level FROM invoices WHERE id = NEW.invoice_id)
        BEGIN UPDATE invoices SET dunning_level = NEW.level_position WHERE id = NEW.invoice_id; END
    """,
    "reminder_invoices_level_delete": f"""
        CREATE TRIGGER reminder_invoices_level_delete AFTER DELETE ON reminder_invoices
        BEGIN UPDATE invoices SET dunning_level = {LEVEL.format(id="OLD.invoice_id")} WHERE id = OLD.invoice_id; END
    """,
}

OPEN = "status IN ('open', 'partially_paid')"


def upgrade() -> None:
    op.create_table('customer_credit',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('limit_minor', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint('limit_minor >= 0', name=op.f('ck_customer_credit_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_credit_customer_id_customers'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customer_credit'))
    )
    op.create_table('customer_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('done_at', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("kind IN ('note', 'call')", name=op.f('ck_customer_notes_kind')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_notes_customer_id_customers'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_notes'))
    )
    op.create_index('ix_customer_notes_customer_id_created_at', 'customer_notes', ['customer_id', 'created_at'])
    op.create_index('ix_customer_notes_follow_up', 'customer_notes', ['customer_id', 'follow_up_on'],
                    sqlite_where=sa.text('done_at IS NULL AND follow_up_on IS NOT NULL'))

    op.add_column('invoices', sa.Column('paid_on', sa.Date(), nullable=True))
    op.add_column('invoices', sa.Column('dunning_level', sa.Integer(), server_default='0', nullable=False))
    op.add_column('payments', sa.Column('allocated_minor', sa.Integer(), server_default='0', nullable=False))
    op.execute(f"UPDATE payments SET allocated_minor = {ALLOCATED.format(id='payments.id')}")
    op.execute(f"UPDATE invoices SET dunning_level = {LEVEL.format(id='invoices.id')}"
               " WHERE id IN (SELECT invoice_id FROM reminder_invoices)")
    op.execute(f"UPDATE invoices SET paid_on = {PAID_ON.format(row='invoices')} WHERE status = 'paid' AND kind = 'invoice'")
    for sql in TRIGGERS.values():
        op.execute(sql)

    op.create_index('ix_invoices_debtor_open', 'invoices',
                    ['customer_id', 'currency', 'kind', 'dunning_level', 'due_date', 'total_minor', 'settled_minor',
                     'issue_date', 'status'],
                    sqlite_where=sa.text(OPEN))
    op.create_index('ix_invoices_debtor_paid', 'invoices', ['customer_id', 'currency', 'paid_on', 'due_date'],
                    sqlite_where=sa.text('paid_on IS NOT NULL'))
    op.create_index('ix_invoices_paid_on', 'invoices', ['paid_on', 'issue_date'],
                    sqlite_where=sa.text('paid_on IS NOT NULL'))
    op.create_index('ix_reminders_customer_id_currency_run_date', 'reminders', ['customer_id', 'currency', 'run_date'])
    op.create_index('ix_payments_customer_id_currency_date', 'payments', ['customer_id', 'currency', 'date'])
    op.create_index('ix_payments_debtor_credit', 'payments',
                    ['customer_id', 'currency', 'date', 'amount_minor', 'allocated_minor'],
                    sqlite_where=sa.text('amount_minor > allocated_minor'))


def downgrade() -> None:
    for name in ('ix_reminders_customer_id_currency_run_date', 'ix_payments_debtor_credit',
                 'ix_payments_customer_id_currency_date', 'ix_invoices_paid_on', 'ix_invoices_debtor_paid',
                 'ix_invoices_debtor_open'):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_column('payments', 'allocated_minor')
    op.drop_column('invoices', 'dunning_level')
    op.drop_column('invoices', 'paid_on')
    op.drop_table('customer_notes')
    op.drop_table('customer_credit')
