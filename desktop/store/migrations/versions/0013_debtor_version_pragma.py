"""The debtor overview learns of changes from SQLite's own ``PRAGMA data_version`` on its cache
connection instead of a counter bumped by a trigger on every row of 13 tables: that counter cost a
bank import about a tenth of its time (tens of thousands of row writes), and the pragma already says
whether any other connection, in this process or another, committed a change. A new payment also
moves ``debtor_facts.last_payment_on`` forward with one upsert instead of re-reading the customer's
latest payment (the same result: a new row can only raise the maximum).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-21
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

WATCHED = ("invoices", "payments", "allocations", "write_offs", "reminders", "reminder_invoices", "dunning_pauses",
           "customer_notes", "customer_credit", "customers", "customer_dunning", "dunning_procedures", "dunning_levels")
BUMP = "UPDATE debtor_version SET changes = changes + 1 WHERE id = 1;"
FAST_INSERT = """CREATE TRIGGER payments_debtor_facts_insert AFTER INSERT ON payments BEGIN
    INSERT INTO debtor_facts (customer_id, currency, last_payment_on) VALUES (NEW.customer_id, NEW.currency, NEW.date)
    ON CONFLICT (customer_id, currency) DO UPDATE
    SET last_payment_on = MAX(COALESCE(last_payment_on, excluded.last_payment_on), excluded.last_payment_on); END"""
OLD_INSERT = """CREATE TRIGGER payments_debtor_facts_insert AFTER INSERT ON payments BEGIN
    INSERT OR IGNORE INTO debtor_facts (customer_id, currency) VALUES (NEW.customer_id, NEW.currency);
    UPDATE debtor_facts SET last_payment_on = (SELECT MAX(date) FROM payments t
                                               WHERE t.customer_id = NEW.customer_id AND t.currency = NEW.currency)
    WHERE customer_id = NEW.customer_id AND currency = NEW.currency; END"""


def upgrade() -> None:
    for table in WATCHED:
        for action in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_debtor_version_{action}")
    op.drop_table("debtor_version")
    op.execute("DROP TRIGGER payments_debtor_facts_insert")
    op.execute(FAST_INSERT)


def downgrade() -> None:
    op.execute("DROP TRIGGER payments_debtor_facts_insert")
    op.execute(OLD_INSERT)
    op.execute("CREATE TABLE debtor_version (id INTEGER NOT NULL, changes INTEGER NOT NULL,"
               " CONSTRAINT pk_debtor_version PRIMARY KEY (id))")
    op.execute("INSERT INTO debtor_version (id, changes) VALUES (1, 0)")
    for table in WATCHED:
        for action in ("insert", "update", "delete"):
            op.execute(f"CREATE TRIGGER {table}_debtor_version_{action} AFTER {action.upper()} ON {table} BEGIN {BUMP} END")
