"""Estimates on asyncpg: the store the estimate use cases need, and the list screen's read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg

from adapters.db.orders import address_from_json, address_to_json
from domain.errors import NotFoundError
from domain.orders.commands import CustomerInput, LineInput
from domain.sales.estimates import Estimate

_INSERT = """
INSERT INTO estimate (id, number, channel_id, customer, shipping_address, lines, currency, payment_method,
    valid_until, notes, created_by)
SELECT s.id, 'EST-' || lpad(s.id::text, 7, '0'), $1, $2::jsonb, $3::jsonb, $4::jsonb, $5, $6, $7, $8, $9
FROM (SELECT nextval('estimate_id_seq') AS id) s
RETURNING id, number, created_at
"""
_COLUMNS = ("id, number, channel_id, customer, shipping_address, lines, currency, payment_method, valid_until, "
            "notes, order_id, created_by, created_at")


def _customer_json(c: CustomerInput) -> dict[str, Any]:
    return {k: v for k, v in c.__dict__.items() if v is not None}


def _lines_json(lines: list[LineInput]) -> list[dict[str, Any]]:
    return [{"sku": x.sku, "quantity": str(x.quantity), "unit_price": str(x.unit_price), "name": x.name}
            for x in lines]


def to_domain(r: Any) -> Estimate:
    address = address_from_json(r["shipping_address"])
    assert address is not None
    return Estimate(
        id=r["id"], number=r["number"], channel_id=r["channel_id"], customer=CustomerInput(**r["customer"]),
        shipping_address=address,
        lines=[LineInput(x["sku"], Decimal(x["quantity"]), Decimal(x["unit_price"]), x.get("name"))
               for x in r["lines"]],
        currency=r["currency"], payment_method=r["payment_method"], valid_until=r["valid_until"], notes=r["notes"],
        order_id=r["order_id"], created_by=r["created_by"], created_at=r["created_at"],
    )


class SqlEstimateStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def add(self, estimate: Estimate) -> None:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(
                _INSERT, estimate.channel_id, _customer_json(estimate.customer),
                address_to_json(estimate.shipping_address), _lines_json(estimate.lines), estimate.currency,
                estimate.payment_method, estimate.valid_until, estimate.notes, estimate.created_by,
            )
        estimate.id, estimate.number, estimate.created_at = row["id"], row["number"], row["created_at"]

    async def get(self, estimate_id: int) -> Estimate:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM estimate WHERE id = $1", estimate_id)
        if row is None:
            raise NotFoundError("estimate", estimate_id)
        return to_domain(row)

    async def link_order(self, estimate_id: int, order_id: int) -> None:
        # Only a first link sticks: two racing conversions both end on the same order anyway.
        async with self._pool.acquire() as conn:
            await conn.execute("UPDATE estimate SET order_id = $2 WHERE id = $1 AND order_id IS NULL",
                               estimate_id, order_id)

    async def first_sales_channel(self) -> int | None:
        async with self._pool.acquire() as conn:
            value = await conn.fetchval("SELECT id FROM channel WHERE type = 'sales' AND active ORDER BY id LIMIT 1")
        return None if value is None else int(value)

    async def page(self, after_id: int | None, limit: int) -> tuple[list[Estimate], int | None]:
        """Newest first; the second value is the id to continue after, when there is more."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT {_COLUMNS} FROM estimate WHERE id < $1 ORDER BY id DESC LIMIT $2",
                after_id or 2**62, limit + 1,
            )
        items = [to_domain(r) for r in rows[:limit]]
        more = len(rows) > limit
        return items, (items[-1].id if more and items else None)
