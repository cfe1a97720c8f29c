"""order_history is append-only: the database refuses UPDATE and DELETE of its rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION order_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'order_history is append-only (% refused)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER order_history_append_only BEFORE UPDATE OR DELETE ON order_history "
        "FOR EACH ROW EXECUTE FUNCTION order_history_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER order_history_append_only ON order_history")
    op.execute("DROP FUNCTION order_history_append_only()")
