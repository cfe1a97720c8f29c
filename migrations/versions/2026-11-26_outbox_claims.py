"""outbox_claims: the relay claims rows (claimed_at) before it enqueues them and records the last failure

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 11:06:25.910180
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('outbox', sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('outbox', sa.Column('last_error', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('outbox', 'last_error')
    op.drop_column('outbox', 'claimed_at')
