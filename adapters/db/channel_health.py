"""The health of each sales channel, read for the console's strip: when the shop last reached us, when the
pull last ran, and what is still open in the sync log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

ERROR_TYPES = ("missing_sku", "customer_not_created", "payment_not_recognised", "stock_insufficient",
               "remote_error", "other")

# Webhook rows are the ones api/routers/webhooks.py stores, recognised by its dedupe keys ("wc:…", "shopify:…");
# the scheduled pull stores its own events under other keys, and they only count towards last_event_at.
# Newest by id, not max(received_at): the primary key walks backwards to the first match instead of reading
# every event of the channel (ids and received_at grow together).
_CHANNELS = text("""
SELECT c.id, c.name, c.type, c.active,
       (SELECT i.received_at FROM inbox_event i
         WHERE i.channel_id = c.id AND (i.dedupe_key LIKE 'wc:%' OR i.dedupe_key LIKE 'shopify:%')
         ORDER BY i.id DESC LIMIT 1) AS last_webhook_at,
       (SELECT i.received_at FROM inbox_event i WHERE i.channel_id = c.id ORDER BY i.id DESC LIMIT 1)
         AS last_event_at,
       s.last_pull_at, s.last_error AS last_pull_error
FROM channel c LEFT JOIN channel_sync_state s ON s.channel_id = c.id
ORDER BY c.id
""")

_OPEN = text("SELECT channel_id, error_type, count(*) AS n FROM sync_log WHERE status = 'open' "
             "GROUP BY channel_id, error_type")


async def channel_health(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Every channel in creation order, with its open sync-log entries counted per error type."""
    counts: dict[int, dict[str, int]] = {}
    for row in await conn.execute(_OPEN):
        counts.setdefault(row.channel_id, dict.fromkeys(ERROR_TYPES, 0))[row.error_type] = row.n
    items = []
    for row in await conn.execute(_CHANNELS):
        by_type = counts.get(row.id, dict.fromkeys(ERROR_TYPES, 0))
        items.append({"id": row.id, "name": row.name, "type": row.type, "active": row.active,
                      "last_webhook_at": row.last_webhook_at, "last_event_at": row.last_event_at,
                      "last_pull_at": row.last_pull_at, "last_pull_error": row.last_pull_error,
                      "open_errors": sum(by_type.values()), "open_errors_by_type": by_type})
    return items
