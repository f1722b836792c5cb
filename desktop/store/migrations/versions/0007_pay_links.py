"""Pay links: each link created at a payment provider with the idempotency key stored before the
create call, and the invoices it pays.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pay_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=12), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('provider_id', sa.String(length=100), nullable=True),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('invoices_key', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('provider_payment', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('polled_at', sa.String(length=32), nullable=True),
    sa.CheckConstraint("state IN ('creating', 'open', 'paid', 'closed', 'failed')", name=op.f('ck_pay_links_state')),
    sa.CheckConstraint("state <> 'paid' OR payment_id IS NOT NULL", name=op.f('ck_pay_links_paid_has_payment')),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_pay_links_positive')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_pay_links_customer_id_customers')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_pay_links_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_links')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_pay_links_idempotency_key')),
    sa.UniqueConstraint('provider', 'provider_id', name=op.f('uq_pay_links_provider_provider_id'))
    )
    with op.batch_alter_table('pay_links', schema=None) as batch_op:
        batch_op.create_index('ix_pay_links_customer_id_invoices_key', ['customer_id', 'invoices_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_links_payment_id'), ['payment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pay_links_state'), ['state'], unique=False)

    op.create_table('pay_link_invoices',
    sa.Column('pay_link_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_pay_link_invoices_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['pay_link_id'], ['pay_links.id'], name=op.f('fk_pay_link_invoices_pay_link_id_pay_links'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pay_link_id', 'invoice_id', name=op.f('pk_pay_link_invoices'))
    )
    with op.batch_alter_table('pay_link_invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pay_link_invoices_invoice_id'), ['invoice_id'], unique=False)


def downgrade() -> None:
    for table in ['pay_link_invoices', 'pay_links']:
        op.drop_table(table)
