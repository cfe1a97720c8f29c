"""AWB batches started from the console: the row the console polls, and the outbox event that starts the job;
plus the small reads the fulfilment jobs and the Innoship webhook need."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import asyncpg

from domain.fulfilment.awb import AwbResult

PROGRESS_EVERY_S = 0.5  # the console polls once a second: more frequent writes would only cost the batch


async def create_batch(pool: asyncpg.Pool, *, courier: str, service: str | None, packing_list_ids: list[int],
                       created_by: str, now: datetime) -> int:
    """The batch row and its `awb_batch.requested` outbox event, in one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        batch_id: int = await conn.fetchval(
            "INSERT INTO awb_batch (courier, service, packing_list_ids, total, created_by, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", courier, service, packing_list_ids,
            len(packing_list_ids), created_by, now)
        await conn.execute(
            "INSERT INTO outbox (event_type, aggregate_type, aggregate_id, payload, created_at) "
            "VALUES ('awb_batch.requested', 'awb_batch', $1, $2::jsonb, $3)", batch_id, {"by": created_by}, now)
    return batch_id


async def start_batch(pool: asyncpg.Pool, batch_id: int) -> asyncpg.Record | None:
    """The batch to run, its progress reset (a second delivery runs it again; finished ones are left alone)."""
    return await pool.fetchrow(
        "UPDATE awb_batch SET status = 'running', done = 0, succeeded = 0, failed = 0, results = '[]'::jsonb "
        "WHERE id = $1 AND status <> 'done' RETURNING *", batch_id)


async def finish_batch(pool: asyncpg.Pool, batch_id: int) -> None:
    await pool.execute("UPDATE awb_batch SET status = 'done', finished_at = now() WHERE id = $1", batch_id)


class BatchProgress:
    """Per-item results written in bursts: at most one UPDATE every PROGRESS_EVERY_S, not one per AWB."""

    def __init__(self, pool: asyncpg.Pool, batch_id: int) -> None:
        self._pool = pool
        self._batch_id = batch_id
        self._pending: list[dict[str, Any]] = []
        self._written_at = time.monotonic()

    async def add(self, result: AwbResult) -> None:
        self._pending.append({"packing_list_id": result.packing_list_id, "ok": result.ok,
                              "shipment_id": result.shipment_id, "awb_number": result.awb_number,
                              "already": result.already, "error": result.error})
        if time.monotonic() - self._written_at >= PROGRESS_EVERY_S:
            await self.flush()

    async def flush(self) -> None:
        items, self._pending = self._pending, []
        self._written_at = time.monotonic()
        if items:
            ok = sum(1 for item in items if item["ok"])
            await self._pool.execute(
                "UPDATE awb_batch SET done = done + $2, succeeded = succeeded + $3, failed = failed + $4, "
                "results = results || $5::jsonb WHERE id = $1",
                self._batch_id, len(items), ok, len(items) - ok, items)


async def shipments_missing_label(pool: asyncpg.Pool, order_id: int) -> list[tuple[int, str]]:
    """(shipment id, label format of its courier account) for the order's AWBs whose label is not stored yet."""
    rows = await pool.fetch(
        "SELECT s.id, a.label_format FROM shipment s JOIN courier_account a ON a.courier = s.courier "
        "WHERE s.order_id = $1 AND s.status = 'created' AND NOT EXISTS "
        "(SELECT 1 FROM shipment_label l WHERE l.shipment_id = s.id AND l.format = a.label_format)", order_id)
    return [(r["id"], r["label_format"]) for r in rows]


async def innoship_webhook_token(pool: asyncpg.Pool) -> str:
    """The token the active Innoship account expects on its tracking push URL ("" when none is set)."""
    settings = await pool.fetchval("SELECT settings FROM courier_account WHERE courier = 'innoship' AND active")
    return str((settings or {}).get("webhook_token") or "")
