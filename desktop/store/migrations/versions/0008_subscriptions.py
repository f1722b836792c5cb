"""Subscriptions: the subscription with its plan over time, the periods billed (unique per
subscription and period start, so a period is never billed twice), and proration lines waiting for
the next invoice.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('timing', sa.String(length=8), nullable=False),
    sa.Column('payment_term_days', sa.Integer(), nullable=True),
    sa.Column('auto_send', sa.Integer(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('next_bill_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("timing IN ('advance', 'arrears')", name=op.f('ck_subscriptions_timing')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_subscriptions_end_after_start')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_subscriptions_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions'))
    )
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriptions_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscriptions_next_bill_on'), ['next_bill_on'], unique=False)

    op.create_table('subscription_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('quantity_milli', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('unit_price_minor', sa.Integer(), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_subscription_adjustments_invoice_id_invoices'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'],
                            name=op.f('fk_subscription_adjustments_subscription_id_subscriptions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription_adjustments'))
    )
    with op.batch_alter_table('subscription_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_adjustments_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscription_adjustments_subscription_id'), ['subscription_id'], unique=False)

    op.create_table('subscription_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('full_days', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('notice', sa.String(length=8), nullable=False),
    sa.Column('billed_on', sa.Date(), nullable=False),
    sa.CheckConstraint("notice IN ('none', 'pending', 'queued', 'skipped')", name=op.f('ck_subscription_periods_notice')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_subscription_periods_end_after_start')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_subscription_periods_invoice_id_invoices'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'],
                            name=op.f('fk_subscription_periods_subscription_id_subscriptions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription_periods')),
    sa.UniqueConstraint('subscription_id', 'period_start', name=op.f('uq_subscription_periods_subscription_id_period_start'))
    )
    with op.batch_alter_table('subscription_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_periods_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index('ix_subscription_periods_notice', ['notice'], unique=False)


def downgrade() -> None:
    for table in ['subscription_periods', 'subscription_adjustments', 'subscriptions']:
        op.drop_table(table)
