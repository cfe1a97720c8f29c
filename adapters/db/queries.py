"""Read side of the order queue: SQL straight to response rows, no aggregates."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.money import fmt
from domain.orders.model import HistoryEntry
from domain.orders.status import OrderStatus, approve_label

APPROVE_NONE = "null"


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

    def where(self, params: dict[str, Any], *, with_status: bool = True) -> str:
        parts = []
        if with_status and self.statuses:
            parts.append("status = ANY(:statuses)")
            params["statuses"] = list(self.statuses)
        if self.approve_status == APPROVE_NONE:
            parts.append("approve_status IS NULL")
        elif self.approve_status is not None:
            parts.append("approve_status = :approve_status")
            params["approve_status"] = int(self.approve_status)
        if self.channel_ids:
            parts.append("channel_id = ANY(:channel_ids)")
            params["channel_ids"] = list(self.channel_ids)
        if self.only_channel is not None:
            parts.append("channel_id = :only_channel")
            params["only_channel"] = self.only_channel
        if self.source:
            parts.append("source = :source")
            params["source"] = self.source
        if self.created_after:
            parts.append("created_at >= :created_after")
            params["created_after"] = self.created_after
        if self.created_before:
            parts.append("created_at < :created_before")
            params["created_before"] = self.created_before
        if self.updated_before:
            parts.append("updated_at < :updated_before")
            params["updated_before"] = self.updated_before
        if self.q:
            parts.append("(number = :q OR external_ref = :q OR lower(customer_email) = lower(:q)"
                         " OR customer_name ILIKE :q_like)")
            params["q"] = self.q
            params["q_like"] = self.q.replace("%", r"\%").replace("_", r"\_") + "%"
        return " AND ".join(parts) if parts else "TRUE"


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    kind, _, value = raw.partition(":")
    return int(value) if kind == "id" and value.isdigit() else None


LIST_COLUMNS = (
    "id, number, status, approve_status, held_from, channel_id, source, external_ref, customer_id, "
    "customer_name, customer_email, currency, total_gross, promised_date, created_at, updated_at"
)


def list_sql(f: QueueFilter, after_id: int | None, limit: int) -> tuple[str, dict[str, Any]]:
    """The page query: newest first, keyset on id so a deep page costs what the first one does."""
    params: dict[str, Any] = {"limit": limit + 1}
    where = f.where(params)
    if after_id is not None:
        where += " AND id < :after_id"
        params["after_id"] = after_id
    return f"SELECT {LIST_COLUMNS} FROM sales_order WHERE {where} ORDER BY id DESC LIMIT :limit", params


def summary(r: Any) -> dict[str, Any]:
    return {
        "id": r.id, "number": r.number, "status": r.status, "status_label": OrderStatus(r.status).label,
        "approve_status": r.approve_status, "approve_status_label": approve_label(r.approve_status),
        "held_from": r.held_from, "channel_id": r.channel_id, "source": r.source, "external_ref": r.external_ref,
        "customer_id": r.customer_id, "customer_name": r.customer_name, "customer_email": r.customer_email,
        "currency": r.currency, "total_gross": fmt(r.total_gross), "promised_date": r.promised_date,
        "created_at": r.created_at, "updated_at": r.updated_at,
    }


async def list_orders(conn: AsyncConnection, f: QueueFilter, after_id: int | None, limit: int
                      ) -> tuple[list[dict[str, Any]], str | None]:
    sql, params = list_sql(f, after_id, limit)
    rows = (await conn.execute(text(sql), params)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return [summary(r) for r in rows], encode_cursor(rows[-1].id) if more and rows else None


async def status_counts(conn: AsyncConnection, f: QueueFilter) -> list[dict[str, Any]]:
    """Per-status counts under every filter except status itself, so the tabs show what each holds."""
    params: dict[str, Any] = {}
    where = f.where(params, with_status=False)
    rows = await conn.execute(text(f"SELECT status, count(*) AS n FROM sales_order WHERE {where} GROUP BY status"),
                              params)
    counts = {r.status: r.n for r in rows}
    return [{"status": int(s), "status_label": s.label, "count": counts.get(int(s), 0)} for s in OrderStatus]


async def order_history(conn: AsyncConnection, order_id: int) -> list[HistoryEntry]:
    rows = await conn.execute(text(
        "SELECT action, from_status, to_status, actor, reason, at FROM order_history WHERE order_id = :id ORDER BY id"
    ), {"id": order_id})
    return [HistoryEntry(r.action, r.from_status, r.to_status, r.actor, r.reason, r.at) for r in rows]
