"""What the scheduled pull and the status push read and write: channel_sync_state (watermark per channel),
pulled orders into the same inbox the webhooks use, and the shop side of an order. Each call is one short
statement or transaction; the network calls happen between them, never inside."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import orjson

PULL_TOPIC = "pull"  # inbox_event.topic of pulled orders (webhooks carry the shop's topic)
PULL_REF = "(scheduled pull)"  # sync_log.external_ref of a channel's one pull-failure entry

_CLAIM_DUE = """
WITH due AS (
  SELECT c.id FROM channel c LEFT JOIN channel_sync_state s ON s.channel_id = c.id
  WHERE c.active AND c.type = ANY($1::text[]) AND jsonb_typeof(c.api_credentials) = 'object'
    AND (s.last_pull_at IS NULL OR s.last_pull_at <= now() - make_interval(
           secs => COALESCE(CASE WHEN jsonb_typeof(c.settings->'pull_interval_s') = 'number'
                                 THEN (c.settings->>'pull_interval_s')::numeric END, $2)))
  ORDER BY c.id LIMIT $3
)
INSERT INTO channel_sync_state (channel_id, last_pull_at) SELECT id, now() FROM due
ON CONFLICT (channel_id) DO UPDATE SET last_pull_at = EXCLUDED.last_pull_at
RETURNING channel_id
"""


async def claim_due_channels(pool: asyncpg.Pool, shop_types: Sequence[str], default_interval_s: int,
                             limit: int = 100) -> list[int]:
    """Active shop channels with API credentials whose pull interval has elapsed, marked as pulled now (so the
    next tick does not pick them again while their pull job runs)."""
    rows = await pool.fetch(_CLAIM_DUE, list(shop_types), default_interval_s, limit)
    return sorted(r["channel_id"] for r in rows)


@dataclass(frozen=True)
class ShopChannel:
    id: int
    type: str
    active: bool
    credentials: Mapping[str, Any] | None
    created_at: datetime
    watermark: datetime | None = None


async def shop_channel(pool: asyncpg.Pool, channel_id: int) -> ShopChannel | None:
    row = await pool.fetchrow(
        "SELECT c.id, c.type, c.active, c.api_credentials, c.created_at, s.watermark FROM channel c "
        "LEFT JOIN channel_sync_state s ON s.channel_id = c.id WHERE c.id = $1", channel_id)
    if row is None:
        return None
    creds = row["api_credentials"]
    return ShopChannel(row["id"], row["type"], row["active"], creds if isinstance(creds, dict) else None,
                       row["created_at"], row["watermark"])


# A pulled order is stored unless the inbox already holds this shop order at this modification or a later
# one (from a webhook or an earlier pull): the import then runs once per change, whichever way it came.
_STORE_PULLED = """
INSERT INTO inbox_event (channel_id, source, topic, body_sha256, dedupe_key, external_ref, shop_modified_at,
                         payload, status)
SELECT $1::int, $2::varchar, $3::varchar, $4::varchar, $5::varchar, $6::varchar, $7::timestamptz, $8::jsonb,
       'pending'
WHERE NOT EXISTS (SELECT 1 FROM inbox_event WHERE channel_id = $1::int AND external_ref = $6::varchar
                  AND shop_modified_at >= $7::timestamptz)
ON CONFLICT (channel_id, dedupe_key) DO NOTHING
RETURNING id
"""


async def store_pulled(pool: asyncpg.Pool, channel_id: int, source: str,
                       orders: Sequence[tuple[str, datetime, dict[str, Any]]]) -> int:
    """One page of (external_ref, modified_at, payload) into the inbox in one transaction; how many are new."""
    stored = 0
    async with pool.acquire() as conn, conn.transaction():
        for ref, modified, payload in orders:
            digest = hashlib.sha256(orjson.dumps(payload)).hexdigest()
            key = f"pull:{ref}:{modified.isoformat()}"
            if await conn.fetchval(_STORE_PULLED, channel_id, source, PULL_TOPIC, digest, key[:300], ref[:100],
                                   modified, payload) is not None:
                stored += 1
    return stored


async def save_watermark(pool: asyncpg.Pool, channel_id: int, watermark: datetime) -> None:
    """Never moves back: a page is only acknowledged once its orders are in the inbox."""
    await pool.execute(
        "INSERT INTO channel_sync_state (channel_id, watermark) VALUES ($1, $2) ON CONFLICT (channel_id) DO UPDATE "
        "SET watermark = GREATEST(channel_sync_state.watermark, EXCLUDED.watermark)", channel_id, watermark)


async def finish_pull(pool: asyncpg.Pool, channel_id: int, error: str | None) -> None:
    await pool.execute(
        "INSERT INTO channel_sync_state (channel_id, last_pull_at, last_error) VALUES ($1, now(), $2) "
        "ON CONFLICT (channel_id) DO UPDATE SET last_pull_at = now(), last_error = EXCLUDED.last_error",
        channel_id, error[:1000] if error else None)


async def sync_state(pool: asyncpg.Pool, channel_id: int) -> dict[str, Any] | None:
    row = await pool.fetchrow("SELECT channel_id, last_pull_at, watermark, last_error FROM channel_sync_state "
                              "WHERE channel_id = $1", channel_id)
    return dict(row) if row else None


async def resolve_remote_errors(pool: asyncpg.Pool, channel_id: int, direction: str, external_ref: str,
                                by: str, order_id: int | None = None) -> int:
    """The remote side works again: its open remote_error entry (if any) is resolved."""
    result = await pool.execute(
        "UPDATE sync_log SET status = 'resolved', resolved_at = now(), resolved_by = $4, "
        "order_id = COALESCE($5, order_id) WHERE channel_id = $1 AND direction = $2 AND external_ref = $3 "
        "AND error_type = 'remote_error' AND status = 'open'", channel_id, direction, external_ref[:100], by[:200],
        order_id)
    return int(result.split()[-1])


@dataclass(frozen=True)
class ShopOrder:
    """An order as the status push needs it: where it came from and where it is now."""

    order_id: int
    status: int
    external_ref: str | None
    channel_id: int
    channel_type: str
    channel_active: bool
    credentials: Mapping[str, Any] | None


async def shop_order(pool: asyncpg.Pool, order_id: int) -> ShopOrder | None:
    row = await pool.fetchrow(
        "SELECT o.id, o.status, o.external_ref, c.id AS channel_id, c.type, c.active, c.api_credentials "
        "FROM sales_order o JOIN channel c ON c.id = o.channel_id WHERE o.id = $1", order_id)
    if row is None:
        return None
    creds = row["api_credentials"]
    return ShopOrder(row["id"], row["status"], row["external_ref"], row["channel_id"], row["type"], row["active"],
                     creds if isinstance(creds, dict) else None)
