"""Reminders: dunning procedures and their levels (the default procedure seeded), each
customer's own procedure or exclusion, pauses, payment plans with instalments, reminders sent
with their invoices (each invoice reaches each level once), and collection cases.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# position, name, day offset, template, attach letter, final
DEFAULT_LEVELS = [
    (1, "Friendly notice", -7, "friendly", False, False),
    (2, "First reminder", 2, "reminder_1", False, False),
    (3, "Second reminder", 18, "reminder_2", True, False),
    (4, "Final notice", 34, "final", True, True),
]


def upgrade() -> None:
    op.create_table('dunning_procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('minimum_amount', sa.String(length=30), nullable=False),
    sa.Column('handover_days', sa.Integer(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dunning_procedures')),
    sa.UniqueConstraint('name', name=op.f('uq_dunning_procedures_name'))
    )
    op.create_table('collection_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('marked_on', sa.Date(), nullable=False),
    sa.Column('open_minor', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('exported_at', sa.String(length=32), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_collection_cases_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_cases'))
    )
    with op.batch_alter_table('collection_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_cases_customer_id'), ['customer_id'], unique=False)

    op.create_table('customer_dunning',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('excluded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
        name=op.f('fk_customer_dunning_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['procedure_id'], ['dunning_procedures.id'],
        name=op.f('fk_customer_dunning_procedure_id_dunning_procedures'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customer_dunning'))
    )
    op.create_table('dunning_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('day_offset', sa.Integer(), nullable=False),
    sa.Column('template', sa.String(length=60), nullable=False),
    sa.Column('fee', sa.String(length=30), nullable=False),
    sa.Column('interest_rate_bp', sa.Integer(), nullable=False),
    sa.Column('attach_invoice', sa.Boolean(), nullable=False),
    sa.Column('attach_letter', sa.Boolean(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['dunning_procedures.id'],
        name=op.f('fk_dunning_levels_procedure_id_dunning_procedures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dunning_levels')),
    sa.UniqueConstraint('procedure_id', 'position', name=op.f('uq_dunning_levels_procedure_id_position'))
    )
    op.create_table('payment_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('settled_at_start_minor', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_payment_plans_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_plans'))
    )
    with op.batch_alter_table('payment_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_plans_customer_id'), ['customer_id'], unique=False)

    op.create_table('collection_case_invoices',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['collection_cases.id'],
        name=op.f('fk_collection_case_invoices_case_id_collection_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_collection_case_invoices_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('case_id', 'invoice_id', name=op.f('pk_collection_case_invoices')),
    sa.UniqueConstraint('invoice_id', name=op.f('uq_collection_case_invoices_invoice_id'))
    )
    op.create_table('dunning_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("kind IN ('dispute', 'promise', 'plan', 'hold')", name=op.f('ck_dunning_pauses_kind')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_dunning_pauses_customer_id_customers')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_dunning_pauses_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['plan_id'], ['payment_plans.id'], name=op.f('fk_dunning_pauses_plan_id_payment_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dunning_pauses'))
    )
    with op.batch_alter_table('dunning_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dunning_pauses_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dunning_pauses_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dunning_pauses_plan_id'), ['plan_id'], unique=False)

    op.create_table('payment_plan_instalments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_payment_plan_instalments_positive')),
    sa.ForeignKeyConstraint(['plan_id'], ['payment_plans.id'],
        name=op.f('fk_payment_plan_instalments_plan_id_payment_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_plan_instalments')),
    sa.UniqueConstraint('plan_id', 'position', name=op.f('uq_payment_plan_instalments_plan_id_position'))
    )
    op.create_table('payment_plan_invoices',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payment_plan_invoices_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['plan_id'], ['payment_plans.id'],
        name=op.f('fk_payment_plan_invoices_plan_id_payment_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'invoice_id', name=op.f('pk_payment_plan_invoices'))
    )
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('level_position', sa.Integer(), nullable=False),
    sa.Column('level_name', sa.String(length=100), nullable=False),
    sa.Column('template', sa.String(length=60), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('open_minor', sa.Integer(), nullable=False),
    sa.Column('credits_minor', sa.Integer(), nullable=False),
    sa.Column('fee_minor', sa.Integer(), nullable=False),
    sa.Column('interest_minor', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('instalment_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.String(length=250), nullable=False),
    sa.Column('to_addrs', sa.Text(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_reminders_customer_id_customers')),
    sa.ForeignKeyConstraint(['instalment_id'], ['payment_plan_instalments.id'],
        name=op.f('fk_reminders_instalment_id_payment_plan_instalments')),
    sa.ForeignKeyConstraint(['procedure_id'], ['dunning_procedures.id'],
        name=op.f('fk_reminders_procedure_id_dunning_procedures'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('instalment_id', name=op.f('uq_reminders_instalment_id'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index('ix_reminders_customer_id_run_date', ['customer_id', 'run_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_message_id'), ['message_id'], unique=False)

    op.create_table('reminder_invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('level_position', sa.Integer(), nullable=False),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('open_minor', sa.Integer(), nullable=False),
    sa.Column('interest_minor', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_reminder_invoices_customer_id_customers')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_reminder_invoices_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'],
        name=op.f('fk_reminder_invoices_reminder_id_reminders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_invoices')),
    sa.UniqueConstraint('invoice_id', 'level_position', name=op.f('uq_reminder_invoices_invoice_id_level_position'))
    )
    with op.batch_alter_table('reminder_invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_invoices_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_invoices_reminder_id'), ['reminder_id'], unique=False)


    now = datetime.now(UTC).isoformat(timespec="microseconds")
    procedures = sa.table("dunning_procedures", sa.column("id", sa.Integer), sa.column("name", sa.String),
                          sa.column("minimum_amount", sa.String), sa.column("handover_days", sa.Integer),
                          sa.column("is_default", sa.Boolean), sa.column("updated_at", sa.String))
    levels = sa.table("dunning_levels", sa.column("procedure_id", sa.Integer), sa.column("position", sa.Integer),
                      sa.column("name", sa.String), sa.column("day_offset", sa.Integer), sa.column("template", sa.String),
                      sa.column("fee", sa.String), sa.column("interest_rate_bp", sa.Integer),
                      sa.column("attach_invoice", sa.Boolean), sa.column("attach_letter", sa.Boolean),
                      sa.column("final", sa.Boolean))
    op.bulk_insert(procedures, [{"id": 1, "name": "Standard", "minimum_amount": "0", "handover_days": 14,
                                 "is_default": True, "updated_at": now}])
    op.bulk_insert(levels, [
        {"procedure_id": 1, "position": position, "name": name, "day_offset": offset, "template": template, "fee": "0",
         "interest_rate_bp": 0, "attach_invoice": True, "attach_letter": letter, "final": final}
        for position, name, offset, template, letter, final in DEFAULT_LEVELS
    ])


def downgrade() -> None:
    for table in ['reminder_invoices', 'reminders', 'payment_plan_invoices', 'payment_plan_instalments', 'dunning_pauses',
                  'collection_case_invoices', 'payment_plans', 'dunning_levels', 'customer_dunning', 'collection_cases',
                  'dunning_procedures']:
        op.drop_table(table)
