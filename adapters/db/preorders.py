"""The daily pre-order run's finder: confirmed, unreserved pre-orders inside their channel's window."""

from __future__ import annotations

from datetime import date

import asyncpg

# The window is per channel (settings.preorder_reserve_days); a promised date already past is due too.
_DUE = """
SELECT o.id FROM sales_order o JOIN channel c ON c.id = o.channel_id
WHERE o.status = 3 AND o.promised_date IS NOT NULL
  AND o.promised_date <= $1::date + coalesce((c.settings->>'preorder_reserve_days')::int, $2::int)
  AND NOT EXISTS (SELECT 1 FROM stock_reservation r WHERE r.order_id = o.id)
ORDER BY o.promised_date, o.id
"""


class SqlDuePreorders:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def due_preorders(self, today: date, default_days: int) -> list[int]:
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_DUE, today, default_days)
        return [int(r["id"]) for r in rows]
