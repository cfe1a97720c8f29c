"""Read side of the order queue: PostgreSQL writes the page's JSON, Python passes the bytes on.

The statements run on the asyncpg pool outside any transaction (one statement each, so no BEGIN/ROLLBACK
round trips). Building the items in SQL spares a Python dict per row and orjson a second pass over them;
the JSON is what the API documents (api/schemas/orders.OrderSummary) byte for byte: labels from the status
enums, money as its numeric(14, 2) text, timestamps as orjson writes UTC datetimes (microseconds only
when there are any), keys in the schema's order.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson

from domain.errors import FieldError, ValidationError
from domain.orders.status import ApproveStatus, OrderStatus, approve_label

APPROVE_NONE = "null"
SMALLINT, INTEGER, BIGINT = 2**15, 2**31, 2**63  # bounds of the columns' types: status, channel_id, id


class Args(list[Any]):
    """asyncpg's positional parameters: add() a value, write the $n it returns into the SQL."""

    def add(self, value: Any) -> str:
        self.append(value)
        return f"${len(self)}"


@dataclass(frozen=True)
class QueueFilter:
    statuses: tuple[int, ...] = ()
    approve_status: str | None = None  # "-1", "0", "1" or "null"
    channel_ids: tuple[int, ...] = ()
    source: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_before: datetime | None = None  # "on hold for more than 3 days": last change before a point
    q: str | None = None
    only_channel: int | None = None  # an API key's own channel

    def __post_init__(self) -> None:
        """What PostgreSQL could not take (numbers beyond the column's type, NUL characters) is the caller's
        mistake, named as such, not a driver error."""
        errors = []
        if any(not -SMALLINT <= s < SMALLINT for s in self.statuses):
            errors.append(FieldError("status", "not a status code"))
        if any(not -INTEGER <= c < INTEGER for c in self.channel_ids):
            errors.append(FieldError("channel_id", "not a channel id"))
        errors += [FieldError(name, "must not contain NUL characters") for name, value in
                   (("source", self.source), ("q", self.q)) if value and "\x00" in value]
        errors += [FieldError(name, "out of range") for name, value in
                   (("created_after", self.created_after), ("created_before", self.created_before),
                    ("updated_before", self.updated_before)) if value and not _in_utc_range(value)]
        if errors:
            raise ValidationError("invalid filter", errors)

    def where(self, args: Args, *, with_status: bool = True) -> str:
        parts = []
        if with_status and self.statuses:
            parts.append(f"status = ANY({args.add(list(self.statuses))})")
        if self.approve_status == APPROVE_NONE:
            parts.append("approve_status IS NULL")
        elif self.approve_status is not None:
            parts.append(f"approve_status = {args.add(int(self.approve_status))}")
        if self.channel_ids:
            parts.append(f"channel_id = ANY({args.add(list(self.channel_ids))})")
        if self.only_channel is not None:
            parts.append(f"channel_id = {args.add(self.only_channel)}")
        if self.source:
            parts.append(f"source = {args.add(self.source)}")
        if self.created_after:
            parts.append(f"created_at >= {args.add(self.created_after)}")
        if self.created_before:
            parts.append(f"created_at < {args.add(self.created_before)}")
        if self.updated_before:
            parts.append(f"updated_at < {args.add(self.updated_before)}")
        if self.q:
            q = args.add(self.q)
            like = args.add(self.q.replace("%", r"\%").replace("_", r"\_") + "%")
            parts.append(f"(number = {q} OR external_ref = {q} OR lower(customer_email) = lower({q})"
                         f" OR customer_name ILIKE {like})")
        return " AND ".join(parts) if parts else "TRUE"


def _in_utc_range(value: datetime) -> bool:
    if value.tzinfo is None:
        return True  # asyncpg takes a naive value as it is
    try:
        value.astimezone(UTC)  # what asyncpg does to an aware one: year 1 at +01:00 would be year 0
    except (OverflowError, ValueError):
        return False
    return True


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    kind, _, value = raw.partition(":")
    if kind != "id" or not (value.isascii() and value.isdigit()) or int(value) >= BIGINT:
        return None
    return int(value)


LIST_COLUMNS = (
    "id, number, status, approve_status, held_from, channel_id, source, external_ref, customer_id, "
    "customer_name, customer_email, currency, total_gross, promised_date, created_at, updated_at"
)
_STATUS_LABEL = "CASE status " + " ".join(f"WHEN {int(s)} THEN '{s.label}'" for s in OrderStatus) + " END"
_APPROVE_LABEL = ("CASE approve_status " + " ".join(f"WHEN {int(a)} THEN '{a.label}'" for a in ApproveStatus)
                  + f" ELSE '{approve_label(None)}' END")


def _iso_utc(column: str) -> str:
    """The timestamp as api.responses.JSONResponse (orjson, OPT_UTC_Z) writes it: 2026-11-26T10:00:00Z,
    or 2026-11-26T10:00:00.250000Z when there are microseconds."""
    return (f"to_char({column} AT TIME ZONE 'UTC', CASE WHEN {column} = date_trunc('second', {column}) "
            f"THEN 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"' ELSE 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"' END)")


# One item of the page, in OrderSummary's field order (row_to_json keeps the column order).
ITEM_COLUMNS = (
    f"id, number, status, {_STATUS_LABEL} AS status_label, approve_status, {_APPROVE_LABEL} AS approve_status_label, "
    "held_from, channel_id, source, external_ref, customer_id, customer_name, customer_email, currency, "
    f"total_gross::text AS total_gross, promised_date, {_iso_utc('created_at')} AS created_at, "
    f"{_iso_utc('updated_at')} AS updated_at"
)


def list_sql(f: QueueFilter, after_id: int | None, limit: int) -> tuple[str, list[Any]]:
    """The page query: newest first, keyset on id so a deep page costs what the first one does.

    One row: `items`, the page as a JSON array (text), and `last_id`, the id to continue after when one
    more row matched than the page holds (else NULL).
    """
    args = Args()
    where = f.where(args)
    if after_id is not None:
        where += f" AND id < {args.add(after_id)}"
    more, size = args.add(limit + 1), args.add(limit)
    return (
        f"WITH hit AS (SELECT {LIST_COLUMNS} FROM sales_order WHERE {where} ORDER BY id DESC LIMIT {more}), "
        f"page AS (SELECT {ITEM_COLUMNS} FROM hit ORDER BY id DESC LIMIT {size}) "
        "SELECT coalesce(array_to_json(array_agg(page ORDER BY id DESC)), '[]')::text AS items, "
        f"CASE WHEN (SELECT count(*) FROM hit) > {size} THEN min(id) END AS last_id FROM page"
    ), args


async def _counts(conn: Any, f: QueueFilter) -> list[dict[str, Any]]:
    args = Args()
    where = f.where(args, with_status=False)
    rows = await conn.fetch(f"SELECT status, count(*) AS n FROM sales_order WHERE {where} GROUP BY status", *args)
    counts = {r["status"]: r["n"] for r in rows}
    return [{"status": int(s), "status_label": s.label, "count": counts.get(int(s), 0)} for s in OrderStatus]


async def queue_page(pool: asyncpg.Pool, f: QueueFilter, after_id: int | None, limit: int, *,
                     with_counts: bool = False) -> bytes:
    """The queue's response body (OrderPage) as JSON bytes, ready to send."""
    sql, args = list_sql(f, after_id, limit)
    async with pool.acquire() as conn:
        row = await conn.fetchrow(sql, *args)
        counts = await _counts(conn, f) if with_counts else None
    cursor = None if row["last_id"] is None else encode_cursor(row["last_id"])
    tail = b"" if counts is None else b',"counts":' + orjson.dumps(counts)
    return b'{"items":' + row["items"].encode() + b',"next_cursor":' + orjson.dumps(cursor) + tail + b"}"


async def status_counts(pool: asyncpg.Pool, f: QueueFilter) -> list[dict[str, Any]]:
    """Per-status counts under every filter except status itself, so the tabs show what each holds."""
    async with pool.acquire() as conn:
        return await _counts(conn, f)
