"""Email: the outbox of messages with their delivery state (stored whole, in the transaction that
records the reminder), and email templates the user edited in the app.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('email_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template', sa.String(length=60), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_templates')),
    sa.UniqueConstraint('template', 'language', name=op.f('uq_email_templates_template_language'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('reminder_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('message_id', sa.String(length=250), nullable=False),
    sa.Column('from_addr', sa.String(length=254), nullable=False),
    sa.Column('to_addrs', sa.Text(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.String(length=32), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('sent_at', sa.String(length=32), nullable=True),
    sa.CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name=op.f('ck_outbox_sent_has_time')),
    sa.CheckConstraint("state IN ('queued', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_state')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_outbox_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_reminder_id'), ['reminder_id'], unique=False)
        batch_op.create_index('ix_outbox_state_next_attempt_at', ['state', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_reminder_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_customer_id'))

    op.drop_table('outbox')
    op.drop_table('email_templates')
