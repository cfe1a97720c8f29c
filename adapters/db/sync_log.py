"""The sync log (the guide's diary_sync) and the intake store the import use case reads and writes through.

One entry per (channel, direction, external_ref, error_type): a repeated failure counts attempts on it and
keeps the latest message and payload. An entry the operator ignored stays ignored when the failure repeats;
a resolved one opens again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from adapters.db.queries import decode_cursor, encode_cursor
from domain.errors import FieldError, NotFoundError, ValidationError
from domain.intake.model import ExistingOrder, IntakeChannel, SyncProblem

_UPSERT = """
INSERT INTO sync_log (channel_id, direction, external_ref, error_type, message, payload, inbox_event_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (channel_id, direction, external_ref, error_type) DO UPDATE SET
  message = EXCLUDED.message,
  payload = COALESCE(EXCLUDED.payload, sync_log.payload),
  inbox_event_id = COALESCE(EXCLUDED.inbox_event_id, sync_log.inbox_event_id),
  last_seen_at = now(),
  attempts = sync_log.attempts + 1,
  status = CASE WHEN sync_log.status = 'ignored' THEN 'ignored' ELSE 'open' END,
  resolved_at = NULL, resolved_by = NULL
RETURNING id
"""

_RESOLVE_IMPORT = """
UPDATE sync_log SET status = 'resolved', resolved_at = now(), resolved_by = 'system:intake', order_id = $3
WHERE channel_id = $1 AND external_ref = $2 AND direction = 'import' AND status = 'open'
"""


class SqlIntakeStore:
    """The import use case's port; `payload` and `inbox_event_id` go into any entry it records."""

    def __init__(self, pool: asyncpg.Pool, *, payload: Any = None, inbox_event_id: int | None = None) -> None:
        self._pool = pool
        self._payload = payload
        self._inbox_event_id = inbox_event_id

    async def channel(self, channel_id: int) -> IntakeChannel | None:
        row = await self._pool.fetchrow("SELECT id, type, active, settings FROM channel WHERE id = $1", channel_id)
        if row is None:
            return None
        settings = row["settings"] or {}
        return IntakeChannel(id=row["id"], type=row["type"], active=row["active"],
                             payment_methods=dict(settings.get("payment_methods") or {}),
                             shipping_sku=settings.get("shipping_sku") or None)

    async def existing_order(self, channel_id: int, external_ref: str) -> ExistingOrder | None:
        row = await self._pool.fetchrow(
            "SELECT id, status, held_from FROM sales_order WHERE channel_id = $1 AND external_ref = $2",
            channel_id, external_ref)
        return ExistingOrder(row["id"], row["status"], row["held_from"]) if row else None

    async def last_processed_at(self, channel_id: int, external_ref: str) -> datetime | None:
        value: datetime | None = await self._pool.fetchval(
            "SELECT max(shop_modified_at) FROM inbox_event "
            "WHERE channel_id = $1 AND external_ref = $2 AND status = 'processed'", channel_id, external_ref)
        return value

    async def unusable_skus(self, skus: Sequence[str]) -> list[str]:
        rows = await self._pool.fetch("SELECT sku FROM product WHERE sku = ANY($1::text[]) AND active", list(skus))
        known = {r["sku"] for r in rows}
        return list(dict.fromkeys(s for s in skus if s not in known))

    async def customer_id_by_email(self, email: str) -> int | None:
        value: int | None = await self._pool.fetchval(
            "SELECT id FROM customer WHERE lower(email) = lower($1)", email)
        return value

    async def customer_id_by_vat(self, vat_code: str) -> int | None:
        # "RO12345678" and "12345678" are the same fiscal code (the prefix only marks VAT registration).
        value: int | None = await self._pool.fetchval(
            "SELECT id FROM customer WHERE regexp_replace(upper(replace(vat_code, ' ', '')), '^RO', '') = "
            "regexp_replace(upper(replace($1, ' ', '')), '^RO', '') ORDER BY id LIMIT 1", vat_code)
        return value

    async def record_problem(self, problem: SyncProblem) -> int:
        return int(await self._pool.fetchval(
            _UPSERT, problem.channel_id, problem.direction, problem.external_ref[:100], problem.error_type,
            problem.message, self._payload, self._inbox_event_id))

    async def resolve_problems(self, channel_id: int, external_ref: str, order_id: int) -> int:
        result = await self._pool.execute(_RESOLVE_IMPORT, channel_id, external_ref, order_id)
        return int(result.split()[-1])


# ----- the read side and the operator's actions ------------------------------------------------------------

_ITEM = ("s.id, s.channel_id, c.name AS channel_name, s.direction, s.external_ref, s.error_type, s.message, "
         "s.status, s.attempts, s.first_seen_at, s.last_seen_at, s.inbox_event_id, s.order_id, s.resolved_at, "
         "s.resolved_by")


@dataclass(frozen=True)
class SyncLogFilter:
    channel_id: int | None = None
    status: str | None = None
    error_type: str | None = None
    direction: str | None = None


def _item(row: Any) -> dict[str, Any]:
    return dict(row)


async def list_entries(pool: asyncpg.Pool, f: SyncLogFilter, cursor: str | None,
                       limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first (id descending), keyset-paginated."""
    where: list[str] = ["TRUE"]
    args: list[Any] = []
    if cursor:
        after = decode_cursor(cursor)
        if after is None:
            raise ValidationError("invalid cursor", [FieldError("cursor", "use next_cursor from a previous page")])
        args.append(after)
        where.append(f"s.id < ${len(args)}")
    for column, value in (("channel_id", f.channel_id), ("status", f.status), ("error_type", f.error_type),
                          ("direction", f.direction)):
        if value is not None:
            args.append(value)
            where.append(f"s.{column} = ${len(args)}")
    args.append(limit + 1)
    rows = await pool.fetch(f"SELECT {_ITEM} FROM sync_log s JOIN channel c ON c.id = s.channel_id "
                            f"WHERE {' AND '.join(where)} ORDER BY s.id DESC LIMIT ${len(args)}", *args)
    shown = rows[:limit]
    next_cursor = encode_cursor(shown[-1]["id"]) if len(rows) > limit else None
    return [_item(r) for r in shown], next_cursor


async def get_entry(pool: asyncpg.Pool, entry_id: int) -> dict[str, Any]:
    row = await pool.fetchrow(f"SELECT {_ITEM}, s.payload, c.type AS channel_type FROM sync_log s "
                              "JOIN channel c ON c.id = s.channel_id WHERE s.id = $1", entry_id)
    if row is None:
        raise NotFoundError("sync log entry", entry_id)
    return _item(row)


async def set_status(pool: asyncpg.Pool, entry_id: int, status: str, by: str) -> dict[str, Any]:
    """resolved/ignored by an operator; the entry keeps its history (attempts, first/last seen)."""
    done = await pool.fetchval(
        "UPDATE sync_log SET status = $2, resolved_at = now(), resolved_by = $3 WHERE id = $1 RETURNING id",
        entry_id, status, by[:200])
    if done is None:
        raise NotFoundError("sync log entry", entry_id)
    return await get_entry(pool, entry_id)


async def open_entry_ids(pool: asyncpg.Pool, error_type: str, channel_id: int | None, limit: int) -> list[int]:
    rows = await pool.fetch(
        "SELECT id FROM sync_log WHERE status = 'open' AND error_type = $1 "
        "AND ($2::int IS NULL OR channel_id = $2) ORDER BY id LIMIT $3", error_type, channel_id, limit)
    return [r["id"] for r in rows]
