"""The database side of the outbox relay: claim, publish and release rows, each in its own short transaction.

The relay must not hold a transaction open while it talks to Redis, so a batch moves in three steps:
claim (mark rows with claimed_at), enqueue outside any transaction, then mark them published. A relay that
dies between the steps leaves claimed rows behind; once their claim is older than the claim timeout the
next relay takes them over and enqueues them again under the same job ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.tables import outbox

MAX_ERROR_CHARS = 1000


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    event_type: str
    aggregate_type: str
    aggregate_id: int
    payload: dict[str, Any]
    created_at: datetime
    attempts: int

    def job_kwargs(self) -> dict[str, Any]:
        """What a consumer job receives: plain values only, so any serializer can carry them."""
        return {"outbox_id": self.id, "event_type": self.event_type, "aggregate_type": self.aggregate_type,
                "aggregate_id": self.aggregate_id, "payload": self.payload}


@dataclass(frozen=True)
class ClaimedBatch:
    """Rows this relay owns until `claimed_at` + the claim timeout; `claimed_at` doubles as the claim token."""

    claimed_at: datetime | None = None
    messages: list[OutboxMessage] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [m.id for m in self.messages]


class SqlOutbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(self, limit: int, claim_timeout: timedelta) -> ClaimedBatch:
        """The oldest unpublished rows that nobody holds a live claim on, in id order.

        SKIP LOCKED lets concurrent relays take disjoint batches instead of queueing behind each other.
        """
        picked = (
            select(outbox.c.id)
            .where(outbox.c.published_at.is_(None),
                   or_(outbox.c.claimed_at.is_(None), outbox.c.claimed_at < func.now() - claim_timeout))
            .order_by(outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("picked")
        )
        stmt = (
            update(outbox)
            .where(outbox.c.id == picked.c.id)
            .values(claimed_at=func.now(), attempts=outbox.c.attempts + 1)
            .returning(outbox.c.id, outbox.c.event_type, outbox.c.aggregate_type, outbox.c.aggregate_id,
                       outbox.c.payload, outbox.c.created_at, outbox.c.attempts, outbox.c.claimed_at)
        )
        async with self._engine.begin() as conn:
            rows = (await conn.execute(stmt)).all()
        if not rows:
            return ClaimedBatch()
        messages = sorted(
            (OutboxMessage(r.id, r.event_type, r.aggregate_type, r.aggregate_id, r.payload, r.created_at, r.attempts)
             for r in rows),
            key=lambda m: m.id,
        )
        return ClaimedBatch(claimed_at=rows[0].claimed_at, messages=messages)

    async def mark_published(self, ids: Sequence[int]) -> int:
        """Rows whose jobs are in the queue. No claim check: whoever enqueued them, they are handed over."""
        if not ids:
            return 0
        stmt = (
            update(outbox)
            .where(outbox.c.id.in_(ids), outbox.c.published_at.is_(None))
            .values(published_at=func.now(), claimed_at=None, last_error=None)
        )
        async with self._engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount

    async def release(self, ids: Sequence[int], claimed_at: datetime | None, error: str) -> int:
        """Give rows back for the next relay run; only our own claim, never one another relay took over."""
        if not ids or claimed_at is None:
            return 0
        stmt = (
            update(outbox)
            .where(outbox.c.id.in_(ids), outbox.c.published_at.is_(None), outbox.c.claimed_at == claimed_at)
            .values(claimed_at=None, last_error=error[:MAX_ERROR_CHARS])
        )
        async with self._engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount

    async def backlog(self) -> int:
        """Same definition as the oms_outbox_unpublished gauge: claimed but unpublished rows still count."""
        async with self._engine.connect() as conn:
            count = (await conn.execute(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )).scalar_one()
        return int(count)
