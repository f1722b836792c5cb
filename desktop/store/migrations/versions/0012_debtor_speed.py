"""Debtor overview speed: a change counter, the last payment and reminder per customer and currency,
and the days paid late per customer, currency and day - all kept by triggers, so that every writer
keeps them right (see desktop/store/debtor_speed_schema.py).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Every table the debtor overview reads: any change there bumps ``debtor_version``.
WATCHED = ("invoices", "payments", "allocations", "write_offs", "reminders", "reminder_invoices", "dunning_pauses",
           "customer_notes", "customer_credit", "customers", "customer_dunning", "dunning_procedures", "dunning_levels")
BUMP = "UPDATE debtor_version SET changes = changes + 1 WHERE id = 1;"

LATE = "MAX(CAST(ROUND(julianday({r}.paid_on) - julianday({r}.due_date)) AS INTEGER), 0)"


def _facts(column: str, table: str, day: str, r: str) -> str:
    """Statements (inside a trigger) that set ``debtor_facts.{column}`` for the customer and currency of row ``r``."""
    return f"""
        INSERT OR IGNORE INTO debtor_facts (customer_id, currency) VALUES ({r}.customer_id, {r}.currency);
        UPDATE debtor_facts SET {column} = (SELECT MAX({day}) FROM {table} t
                                             WHERE t.customer_id = {r}.customer_id AND t.currency = {r}.currency)
        WHERE customer_id = {r}.customer_id AND currency = {r}.currency;"""


def _paid_add(r: str) -> str:
    return f"""
        INSERT OR IGNORE INTO debtor_paid_days (customer_id, currency, paid_on, paid_count, days_late)
            SELECT {r}.customer_id, {r}.currency, {r}.paid_on, 0, 0 WHERE {r}.paid_on IS NOT NULL;
        UPDATE debtor_paid_days SET paid_count = paid_count + 1, days_late = days_late + {LATE.format(r=r)}
        WHERE {r}.paid_on IS NOT NULL AND customer_id = {r}.customer_id AND currency = {r}.currency
          AND paid_on = {r}.paid_on;"""


def _paid_remove(r: str) -> str:
    key = f"customer_id = {r}.customer_id AND currency = {r}.currency AND paid_on = {r}.paid_on"
    return f"""
        UPDATE debtor_paid_days SET paid_count = paid_count - 1, days_late = days_late - {LATE.format(r=r)}
        WHERE {r}.paid_on IS NOT NULL AND {key};
        DELETE FROM debtor_paid_days WHERE {r}.paid_on IS NOT NULL AND {key} AND paid_count <= 0;"""


TRIGGERS: dict[str, str] = {
    **{f"{t}_debtor_version_{op_}": f"CREATE TRIGGER {t}_debtor_version_{op_} AFTER {op_.upper()} ON {t} BEGIN {BUMP} END"
       for t in WATCHED for op_ in ("insert", "update", "delete")},
    "payments_debtor_facts_insert": f"CREATE TRIGGER payments_debtor_facts_insert AFTER INSERT ON payments BEGIN"
                                    f" {_facts('last_payment_on', 'payments', 'date', 'NEW')} END",
    "payments_debtor_facts_update": f"CREATE TRIGGER payments_debtor_facts_update AFTER UPDATE OF date, customer_id, currency"
                                    f" ON payments BEGIN {_facts('last_payment_on', 'payments', 'date', 'OLD')}"
                                    f" {_facts('last_payment_on', 'payments', 'date', 'NEW')} END",
    "payments_debtor_facts_delete": f"CREATE TRIGGER payments_debtor_facts_delete AFTER DELETE ON payments BEGIN"
                                    f" {_facts('last_payment_on', 'payments', 'date', 'OLD')} END",
    "reminders_debtor_facts_insert": f"CREATE TRIGGER reminders_debtor_facts_insert AFTER INSERT ON reminders BEGIN"
                                     f" {_facts('last_reminder_on', 'reminders', 'run_date', 'NEW')} END",
    "reminders_debtor_facts_update": f"CREATE TRIGGER reminders_debtor_facts_update AFTER UPDATE OF run_date, customer_id,"
                                     f" currency ON reminders BEGIN {_facts('last_reminder_on', 'reminders', 'run_date', 'OLD')}"
                                     f" {_facts('last_reminder_on', 'reminders', 'run_date', 'NEW')} END",
    "reminders_debtor_facts_delete": f"CREATE TRIGGER reminders_debtor_facts_delete AFTER DELETE ON reminders BEGIN"
                                     f" {_facts('last_reminder_on', 'reminders', 'run_date', 'OLD')} END",
    "invoices_paid_days_insert": f"CREATE TRIGGER invoices_paid_days_insert AFTER INSERT ON invoices"
                                 f" WHEN NEW.paid_on IS NOT NULL BEGIN {_paid_add('NEW')} END",
    "invoices_paid_days_update": f"""CREATE TRIGGER invoices_paid_days_update AFTER UPDATE OF paid_on, due_date, customer_id,
        currency ON invoices WHEN OLD.paid_on IS NOT NEW.paid_on OR (NEW.paid_on IS NOT NULL AND (OLD.due_date IS NOT
        NEW.due_date OR OLD.customer_id <> NEW.customer_id OR OLD.currency <> NEW.currency))
        BEGIN {_paid_remove('OLD')} {_paid_add('NEW')} END""",
    "invoices_paid_days_delete": f"CREATE TRIGGER invoices_paid_days_delete AFTER DELETE ON invoices"
                                 f" WHEN OLD.paid_on IS NOT NULL BEGIN {_paid_remove('OLD')} END",
}


def upgrade() -> None:
    op.create_table('debtor_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('changes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debtor_version'))
    )
    op.create_table('debtor_facts',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('last_payment_on', sa.Date(), nullable=True),
    sa.Column('last_reminder_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_debtor_facts_customer_id_customers'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', 'currency', name=op.f('pk_debtor_facts'))
    )
    op.create_table('debtor_paid_days',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('paid_count', sa.Integer(), nullable=False),
    sa.Column('days_late', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_debtor_paid_days_customer_id_customers'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', 'currency', 'paid_on', name=op.f('pk_debtor_paid_days')),
    sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO debtor_version (id, changes) VALUES (1, 0)")
    op.execute("INSERT INTO debtor_facts (customer_id, currency, last_payment_on, last_reminder_on)"
               " SELECT customer_id, currency, MAX(p), MAX(r) FROM ("
               " SELECT customer_id, currency, MAX(date) AS p, NULL AS r FROM payments GROUP BY customer_id, currency"
               " UNION ALL SELECT customer_id, currency, NULL, MAX(run_date) FROM reminders GROUP BY customer_id, currency)"
               " GROUP BY customer_id, currency")
    op.execute(f"INSERT INTO debtor_paid_days (customer_id, currency, paid_on, paid_count, days_late)"
               f" SELECT customer_id, currency, paid_on, COUNT(*), SUM({LATE.format(r='invoices')}) FROM invoices"
               f" WHERE paid_on IS NOT NULL GROUP BY customer_id, currency, paid_on")
    for sql in TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('debtor_paid_days')
    op.drop_table('debtor_facts')
    op.drop_table('debtor_version')
