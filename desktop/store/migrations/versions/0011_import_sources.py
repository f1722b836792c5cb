"""Import from another system: saved import profiles (one per source, such as the accounting
package) and the links from a source's own customer and invoice ids to Paydesk's records, unique
per source, kind and id, so a second import updates instead of duplicating.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('signature', sa.String(length=500), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_profiles')),
    sa.UniqueConstraint('name', name=op.f('uq_ledger_profiles_name'))
    )
    op.create_index(op.f('ix_ledger_profiles_signature'), 'ledger_profiles', ['signature'], unique=False)
    op.create_table('ledger_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("(kind = 'customer' AND customer_id IS NOT NULL AND invoice_id IS NULL)"
                       " OR (kind = 'invoice' AND invoice_id IS NOT NULL AND customer_id IS NULL)",
                       name=op.f('ck_ledger_links_one_target')),
    sa.CheckConstraint("kind IN ('customer', 'invoice')", name=op.f('ck_ledger_links_kind')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_ledger_links_customer_id_customers'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_ledger_links_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_links')),
    sa.UniqueConstraint('invoice_id', name=op.f('uq_ledger_links_invoice_id')),
    sa.UniqueConstraint('source', 'kind', 'external_id', name=op.f('uq_ledger_links_source_kind_external_id'))
    )
    op.create_index(op.f('ix_ledger_links_customer_id'), 'ledger_links', ['customer_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ledger_links_customer_id'), table_name='ledger_links')
    op.drop_table('ledger_links')
    op.drop_index(op.f('ix_ledger_profiles_signature'), table_name='ledger_profiles')
    op.drop_table('ledger_profiles')
