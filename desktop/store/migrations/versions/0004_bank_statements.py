"""The bank side: imported statement files, statements, transactions with what matching made of
them, matching rules, CSV/XLSX column profiles, IBANs learned from confirmed matches, small
differences written off, and key/value settings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bank_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=30), nullable=False),
    sa.Column('dialect', sa.String(length=40), nullable=False),
    sa.Column('encoding', sa.String(length=20), nullable=False),
    sa.Column('imported_at', sa.String(length=32), nullable=False),
    sa.Column('transactions', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_imports'))
    )
    with op.batch_alter_table('bank_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_imports_file_sha256'), ['file_sha256'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('statement_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('signature', sa.String(length=500), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_profiles')),
    sa.UniqueConstraint('name', name=op.f('uq_statement_profiles_name'))
    )
    with op.batch_alter_table('statement_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_profiles_signature'), ['signature'], unique=False)

    op.create_table('bank_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('pattern', sa.Text(), nullable=False),
    sa.Column('amount_min', sa.String(length=30), nullable=True),
    sa.Column('amount_max', sa.String(length=30), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("kind IN ('text', 'regex', 'iban', 'amount_range')", name=op.f('ck_bank_rules_kind')),
    sa.CheckConstraint('(customer_id IS NULL) <> (category IS NULL)', name=op.f('ck_bank_rules_one_target')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_bank_rules_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_rules'))
    )
    op.create_table('bank_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('statement_id', sa.String(length=80), nullable=False),
    sa.Column('sequence', sa.String(length=40), nullable=False),
    sa.Column('opening_minor', sa.Integer(), nullable=True),
    sa.Column('opening_date', sa.Date(), nullable=True),
    sa.Column('closing_minor', sa.Integer(), nullable=True),
    sa.Column('closing_date', sa.Date(), nullable=True),
    sa.Column('declared_count', sa.Integer(), nullable=True),
    sa.Column('actual_count', sa.Integer(), nullable=False),
    sa.Column('difference_minor', sa.Integer(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('accepted_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['bank_imports.id'], name=op.f('fk_bank_statements_import_id_bank_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statements'))
    )
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_statements_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_statements_import_id'), ['import_id'], unique=False)

    op.create_table('learned_ibans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('iban', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('learned_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_learned_ibans_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learned_ibans')),
    sa.UniqueConstraint('iban', 'customer_id', name=op.f('uq_learned_ibans_iban_customer_id'))
    )
    with op.batch_alter_table('learned_ibans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learned_ibans_iban'), ['iban'], unique=False)

    op.create_table('bank_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=40), nullable=False),
    sa.Column('booking_date', sa.Date(), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('counterparty_name', sa.String(length=300), nullable=False),
    sa.Column('counterparty_iban', sa.String(length=40), nullable=False),
    sa.Column('counterparty_bic', sa.String(length=11), nullable=False),
    sa.Column('remittance', sa.Text(), nullable=False),
    sa.Column('structured_reference', sa.String(length=40), nullable=False),
    sa.Column('bank_reference', sa.String(length=120), nullable=False),
    sa.Column('end_to_end_id', sa.String(length=120), nullable=False),
    sa.Column('bank_code', sa.String(length=40), nullable=False),
    sa.Column('instructed_minor', sa.Integer(), nullable=True),
    sa.Column('instructed_currency', sa.String(length=3), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('matched_by', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('suggestions', sa.Text(), nullable=False),
    sa.Column('rejected', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("state <> 'matched' OR payment_id IS NOT NULL", name=op.f('ck_bank_transactions_matched_has_payment')),
    sa.CheckConstraint("state IN ('unmatched', 'review', 'matched', 'ignored')", name=op.f('ck_bank_transactions_state')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_bank_transactions_customer_id_customers')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_bank_transactions_payment_id_payments')),
    sa.ForeignKeyConstraint(['statement_id'], ['bank_statements.id'], name=op.f('fk_bank_transactions_statement_id_bank_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_transactions')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_bank_transactions_dedupe_key'))
    )
    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_transactions_booking_date'), ['booking_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transactions_counterparty_iban'), ['counterparty_iban'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transactions_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transactions_payment_id'), ['payment_id'], unique=False)
        batch_op.create_index('ix_bank_transactions_state_booking_date_id', ['state', 'booking_date', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transactions_statement_id'), ['statement_id'], unique=False)

    op.create_table('write_offs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_write_offs_positive')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_write_offs_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_write_offs_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_write_offs'))
    )
    with op.batch_alter_table('write_offs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_write_offs_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_write_offs_payment_id'), ['payment_id'], unique=False)



def downgrade() -> None:
    for table in ['write_offs', 'bank_transactions', 'learned_ibans', 'bank_statements', 'bank_rules', 'statement_profiles', 'settings', 'bank_imports']:
        op.drop_table(table)
