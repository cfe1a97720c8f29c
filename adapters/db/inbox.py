"""The webhook inbox: store a shop event once (in the request), then claim, enqueue and finish it (worker).

Like the outbox relay, the inbox relay never holds a transaction while it talks to Redis: claim pending rows
(short transaction), enqueue one job per row outside any transaction, mark them enqueued. A row enqueued long
ago and still pending (Redis lost the job, or the job gave up) is enqueued again after REQUEUE_AFTER; the job
is idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import asyncpg

MAX_ERROR_CHARS = 1000
REQUEUE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class WebhookChannel:
    id: int
    type: str
    active: bool
    webhook_secret: str | None


async def webhook_channel(pool: asyncpg.Pool, channel_id: int) -> WebhookChannel | None:
    row = await pool.fetchrow("SELECT id, type, active, webhook_secret FROM channel WHERE id = $1", channel_id)
    return WebhookChannel(row["id"], row["type"], row["active"], row["webhook_secret"]) if row else None


@dataclass(frozen=True)
class NewInboxEvent:
    channel_id: int
    source: str
    topic: str
    dedupe_key: str
    body_sha256: str
    payload: Any
    webhook_id: str | None = None
    delivery_id: str | None = None
    external_ref: str | None = None
    shop_modified_at: datetime | None = None
    status: str = "pending"


_INSERT = """
INSERT INTO inbox_event (channel_id, source, topic, webhook_id, delivery_id, body_sha256, dedupe_key, external_ref,
                         shop_modified_at, payload, status)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (channel_id, dedupe_key) DO NOTHING
RETURNING id
"""


async def store_event(pool: asyncpg.Pool, e: NewInboxEvent) -> tuple[int, bool]:
    """(inbox id, True when stored now); a duplicate delivery answers the first row's id and False."""
    new_id = await pool.fetchval(_INSERT, e.channel_id, e.source, e.topic[:64], _cut(e.webhook_id),
                                 _cut(e.delivery_id), e.body_sha256, e.dedupe_key[:300], _cut(e.external_ref),
                                 e.shop_modified_at, e.payload, e.status)
    if new_id is not None:
        return int(new_id), True
    known = await pool.fetchval("SELECT id FROM inbox_event WHERE channel_id = $1 AND dedupe_key = $2",
                                e.channel_id, e.dedupe_key[:300])
    return int(known), False


def _cut(value: str | None) -> str | None:
    return value[:100] if value else None


@dataclass(frozen=True)
class InboxEvent:
    id: int
    channel_id: int
    source: str
    topic: str
    status: str
    payload: Any
    external_ref: str | None
    shop_modified_at: datetime | None
    attempts: int


async def get_event(pool: asyncpg.Pool, event_id: int) -> InboxEvent | None:
    row = await pool.fetchrow(
        "SELECT id, channel_id, source, topic, status, payload, external_ref, shop_modified_at, attempts "
        "FROM inbox_event WHERE id = $1", event_id)
    return InboxEvent(**dict(row)) if row else None


async def finish_event(pool: asyncpg.Pool, event_id: int, status: str, error: str | None) -> None:
    await pool.execute(
        "UPDATE inbox_event SET status = $2, last_error = $3, attempts = attempts + 1, processed_at = now() "
        "WHERE id = $1", event_id, status, error[:MAX_ERROR_CHARS] if error else None)


@dataclass(frozen=True)
class ClaimedInbox:
    claimed_at: datetime | None = None
    ids: list[int] = field(default_factory=list)


_CLAIM = """
WITH picked AS (
  SELECT id FROM inbox_event
  WHERE status = 'pending'
    AND (enqueued_at IS NULL OR enqueued_at < now() - $3::interval)
    AND (claimed_at IS NULL OR claimed_at < now() - $2::interval)
  ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
)
UPDATE inbox_event i SET claimed_at = now() FROM picked WHERE i.id = picked.id
RETURNING i.id, i.claimed_at
"""


class SqlInbox:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def claim(self, limit: int, claim_timeout: timedelta,
                    requeue_after: timedelta = REQUEUE_AFTER) -> ClaimedInbox:
        rows = await self._pool.fetch(_CLAIM, limit, claim_timeout, requeue_after)
        if not rows:
            return ClaimedInbox()
        return ClaimedInbox(claimed_at=rows[0]["claimed_at"], ids=sorted(r["id"] for r in rows))

    async def mark_enqueued(self, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        result = await self._pool.execute(
            "UPDATE inbox_event SET enqueued_at = now(), claimed_at = NULL WHERE id = ANY($1::bigint[])", list(ids))
        return int(result.split()[-1])

    async def release(self, ids: Sequence[int], claimed_at: datetime | None, error: str) -> int:
        if not ids or claimed_at is None:
            return 0
        result = await self._pool.execute(
            "UPDATE inbox_event SET claimed_at = NULL, last_error = $3 "
            "WHERE id = ANY($1::bigint[]) AND claimed_at = $2", list(ids), claimed_at, error[:MAX_ERROR_CHARS])
        return int(result.split()[-1])
