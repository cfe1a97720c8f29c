"""inbox_sync_log: the webhook inbox (inbox_event) and the sync log (the guide's diary_sync)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 12:19:53.463481
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inbox_event',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('webhook_id', sa.String(length=100), nullable=True),
    sa.Column('delivery_id', sa.String(length=100), nullable=True),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('dedupe_key', sa.String(length=300), nullable=False),
    sa.Column('external_ref', sa.String(length=100), nullable=True),
    sa.Column('shop_modified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'processed', 'failed', 'ignored')",
                       name=op.f('ck_inbox_event_status_known')),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_inbox_event_channel_id_channel')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_event')),
    sa.UniqueConstraint('channel_id', 'dedupe_key', name=op.f('uq_inbox_event_channel_id_dedupe_key'))
    )
    op.create_index('ix_inbox_event_channel_id_external_ref', 'inbox_event', ['channel_id', 'external_ref'],
                    unique=False)
    op.create_index('ix_inbox_event_pending', 'inbox_event', ['id'], unique=False,
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_table('sync_log',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=8), server_default='import', nullable=False),
    sa.Column('external_ref', sa.String(length=100), nullable=False),
    sa.Column('error_type', sa.String(length=32), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='1', nullable=False),
    sa.Column('status', sa.String(length=16), server_default='open', nullable=False),
    sa.Column('inbox_event_id', sa.BigInteger(), nullable=True),
    sa.Column('order_id', sa.BigInteger(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=200), nullable=True),
    sa.CheckConstraint("direction IN ('import', 'export')", name=op.f('ck_sync_log_direction_known')),
    sa.CheckConstraint("error_type IN ('missing_sku', 'customer_not_created', 'payment_not_recognised', "
                       "'stock_insufficient', 'remote_error', 'other')", name=op.f('ck_sync_log_error_type_known')),
    sa.CheckConstraint("status IN ('open', 'resolved', 'ignored')", name=op.f('ck_sync_log_status_known')),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_sync_log_channel_id_channel')),
    sa.ForeignKeyConstraint(['inbox_event_id'], ['inbox_event.id'], name=op.f('fk_sync_log_inbox_event_id_inbox_event'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_log')),
    sa.UniqueConstraint('channel_id', 'direction', 'external_ref', 'error_type',
                        name=op.f('uq_sync_log_channel_id_direction_external_ref_error_type'))
    )
    op.create_index('ix_sync_log_status_id', 'sync_log', ['status', sa.literal_column('id DESC')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sync_log_status_id', table_name='sync_log')
    op.drop_table('sync_log')
    op.drop_index('ix_inbox_event_pending', table_name='inbox_event')
    op.drop_index('ix_inbox_event_channel_id_external_ref', table_name='inbox_event')
    op.drop_table('inbox_event')
