"""other_sources: B2B list-price flags on order lines, POS cash receipts, pre-order flags, estimates

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 12:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('sales_order', sa.Column('preorder_flagged_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('sales_order_line', sa.Column('list_price', sa.Numeric(precision=14, scale=4), nullable=True))
    op.add_column('sales_order_line', sa.Column('price_mismatch', sa.Boolean(), server_default=sa.text('false'),
                                                nullable=False))
    op.create_table('cash_receipt',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('order_id', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('method', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_cash_receipt_order_id_sales_order'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_receipt')),
    sa.UniqueConstraint('number', name=op.f('uq_cash_receipt_number')),
    sa.UniqueConstraint('order_id', name=op.f('uq_cash_receipt_order_id'))
    )
    op.create_table('estimate',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('customer', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('shipping_address', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('lines', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payment_method', sa.String(length=64), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('order_id', sa.BigInteger(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_estimate_channel_id_channel')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_estimate_order_id_sales_order'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_estimate')),
    sa.UniqueConstraint('number', name=op.f('uq_estimate_number'))
    )


def downgrade() -> None:
    op.drop_table('estimate')
    op.drop_table('cash_receipt')
    op.drop_column('sales_order_line', 'price_mismatch')
    op.drop_column('sales_order_line', 'list_price')
    op.drop_column('sales_order', 'preorder_flagged_at')
