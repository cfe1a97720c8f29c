"""Repositories for what the order use cases read and write besides orders: catalog, customers, stock levels,
idempotency keys and receipt notes. They run on the unit of work's asyncpg connection."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import asyncpg

from domain.catalog.model import ChannelInfo, CustomerPrices, NewCustomer, ProductInfo
from domain.errors import ConflictError
from domain.orders.approval import ApprovalRule
from domain.orders.model import CustomerRef
from domain.ports import IdempotencyRecord
from domain.receipts.model import ReceiptNote
from domain.stock import StockLevel


def channel_from_row(m: Any) -> ChannelInfo:
    settings = m["settings"] or {}
    rules = tuple(ApprovalRule.from_dict(r) for r in settings.get("approval_rules", []))
    return ChannelInfo(
        id=m["id"], name=m["name"], type=m["type"], active=m["active"],
        default_warehouse_id=settings.get("default_warehouse_id"), approval_rules=rules,
        prices_include_vat=settings.get("prices_include_vat", True),
        payment_methods=settings.get("payment_methods", {}),
        auto_delivery_note=bool(settings.get("auto_delivery_note", False)),
    )


_CHANNEL = "SELECT id, name, type, active, settings FROM channel WHERE id = $1"
_PRODUCTS = "SELECT id, sku, name, vat_rate, active FROM product WHERE sku = ANY($1::text[])"
_PRODUCTS_BY_ID = "SELECT id, sku, name, vat_rate, active FROM product WHERE id = ANY($1::int[])"
_DEFAULT_WAREHOUSE = "SELECT id FROM warehouse ORDER BY is_default DESC, id LIMIT 1"
_CUSTOMER_PRICES = """
SELECT pl.id, pl.currency, pl.prices_include_vat,
  (SELECT coalesce(json_object_agg(i.product_id::text, i.price::text), '{}') FROM price_list_item i
   WHERE i.price_list_id = pl.id AND i.product_id = ANY($2::int[])) AS prices
FROM customer c JOIN price_list pl ON pl.id = c.price_list_id WHERE c.id = $1
"""


class ChannelCache:
    """Channel settings change rarely and are read by every new order: keep them a few seconds.

    A change made through this process's API clears the cache at once; other processes see it within ttl_s.
    """

    def __init__(self, ttl_s: float = 5.0) -> None:
        self.ttl_s = ttl_s
        self._items: dict[int, tuple[float, ChannelInfo | None]] = {}

    def get(self, channel_id: int) -> tuple[bool, ChannelInfo | None]:
        hit = self._items.get(channel_id)
        if hit is None or hit[0] < time.monotonic():
            return False, None
        return True, hit[1]

    def put(self, channel_id: int, channel: ChannelInfo | None) -> None:
        if len(self._items) > 10_000:
            self._items.clear()
        self._items[channel_id] = (time.monotonic() + self.ttl_s, channel)

    def clear(self) -> None:
        self._items.clear()


class SqlCatalog:
    def __init__(self, conn: asyncpg.Connection, channels: ChannelCache | None = None) -> None:
        self._conn = conn
        self._channels = channels

    async def channel(self, channel_id: int) -> ChannelInfo | None:
        if self._channels is not None:
            known, cached = self._channels.get(channel_id)
            if known:
                return cached
        row = await self._conn.fetchrow(_CHANNEL, channel_id)
        channel = channel_from_row(row) if row else None
        if self._channels is not None:
            self._channels.put(channel_id, channel)
        return channel

    async def products_by_sku(self, skus: Sequence[str]) -> dict[str, ProductInfo]:
        rows = await self._conn.fetch(_PRODUCTS, list(set(skus)))
        return {r["sku"]: ProductInfo(r["id"], r["sku"], r["name"], r["vat_rate"], r["active"]) for r in rows}

    async def default_warehouse_id(self) -> int | None:
        value: int | None = await self._conn.fetchval(_DEFAULT_WAREHOUSE)
        return value

    async def products_by_id(self, ids: Sequence[int]) -> dict[int, ProductInfo]:
        if not ids:
            return {}
        rows = await self._conn.fetch(_PRODUCTS_BY_ID, list(set(ids)))
        return {r["id"]: ProductInfo(r["id"], r["sku"], r["name"], r["vat_rate"], r["active"]) for r in rows}

    async def warehouse_exists(self, warehouse_id: int) -> bool:
        return await self._conn.fetchval("SELECT 1 FROM warehouse WHERE id = $1", warehouse_id) is not None

    async def customer_prices(self, customer_id: int, product_ids: Sequence[int]) -> CustomerPrices | None:
        row = await self._conn.fetchrow(_CUSTOMER_PRICES, customer_id, list(set(product_ids)))
        if row is None:
            return None
        prices = {int(k): Decimal(v) for k, v in row["prices"].items()}
        return CustomerPrices(row["id"], row["currency"], row["prices_include_vat"], prices)


def _customer(r: Any) -> CustomerRef:
    return CustomerRef(r["id"], r["name"], r["email"], r["type"])


class SqlCustomerDirectory:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def by_id(self, customer_id: int) -> CustomerRef | None:
        row = await self._conn.fetchrow("SELECT id, name, email, type FROM customer WHERE id = $1", customer_id)
        return _customer(row) if row else None

    async def by_email(self, email: str) -> CustomerRef | None:
        row = await self._conn.fetchrow("SELECT id, name, email, type FROM customer WHERE lower(email) = $1",
                                        email.lower())
        return _customer(row) if row else None

    async def add(self, new: NewCustomer) -> CustomerRef:
        # ON CONFLICT keeps two concurrent first orders of one new customer from failing each other.
        row = await self._conn.fetchrow(
            """INSERT INTO customer (type, email, name, phone, vat_code) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (lower(email)) WHERE email IS NOT NULL DO UPDATE SET email = EXCLUDED.email
               RETURNING id, name, email, type""",
            new.type, new.email, new.name, new.phone, new.vat_code,
        )
        return _customer(row)


# One lock order for everyone (product id): concurrent confirms never deadlock.
_LOCK_LEVELS = """
SELECT product_id, warehouse_id, on_hand, reserved, quarantine FROM stock_level
WHERE warehouse_id = $1 AND product_id = ANY($2::int[]) ORDER BY product_id FOR UPDATE
"""
_SAVE_LEVELS = """
UPDATE stock_level s SET on_hand = x.on_hand, reserved = x.reserved, quarantine = x.quarantine, updated_at = now()
FROM unnest($1::int[], $2::int[], $3::numeric[], $4::numeric[], $5::numeric[])
     AS x(product_id, warehouse_id, on_hand, reserved, quarantine)
WHERE s.product_id = x.product_id AND s.warehouse_id = x.warehouse_id
"""


class SqlStockRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def lock_levels(self, warehouse_id: int, product_ids: Iterable[int]) -> dict[int, StockLevel]:
        ids = sorted(set(product_ids))
        if not ids:
            return {}
        rows = await self._conn.fetch(_LOCK_LEVELS, warehouse_id, ids)
        return {r["product_id"]: StockLevel(r["product_id"], r["warehouse_id"], r["on_hand"], r["reserved"],
                                            r["quarantine"]) for r in rows}

    async def save(self, levels: Iterable[StockLevel]) -> None:
        changed = [lv for lv in levels if lv.changed]
        if changed:
            await self._conn.execute(
                _SAVE_LEVELS, [lv.product_id for lv in changed], [lv.warehouse_id for lv in changed],
                [lv.on_hand for lv in changed], [lv.reserved for lv in changed], [lv.quarantine for lv in changed],
            )
            for lv in changed:
                lv.changed = False

    async def ensure(self, warehouse_id: int, product_id: int) -> StockLevel:
        """Lock (creating when absent) one level; receipts use it."""
        await self._conn.execute(
            "INSERT INTO stock_level (product_id, warehouse_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            product_id, warehouse_id,
        )
        return (await self.lock_levels(warehouse_id, [product_id]))[product_id]


class SqlIdempotencyStore:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, scope: str, key: str) -> IdempotencyRecord | None:
        row = await self._conn.fetchrow(
            "SELECT request_hash, order_id FROM idempotency_key WHERE scope = $1 AND key = $2", scope, key)
        return IdempotencyRecord(row["request_hash"], row["order_id"]) if row else None

    async def add(self, scope: str, key: str, record: IdempotencyRecord) -> None:
        try:
            await self._conn.execute(
                "INSERT INTO idempotency_key (scope, key, request_hash, order_id) VALUES ($1, $2, $3, $4)",
                scope, key, record.request_hash, record.order_id,
            )
        except asyncpg.UniqueViolationError as exc:
            raise ConflictError("a concurrent request used the same Idempotency-Key") from exc


class SqlReceiptRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, note: ReceiptNote) -> None:
        note.id = await self._conn.fetchval(
            "INSERT INTO receipt_note (warehouse_id, reference, created_by, created_at) VALUES ($1, $2, $3, $4) "
            "RETURNING id", note.warehouse_id, note.reference, note.created_by, note.created_at,
        )
        await self._conn.execute(
            "INSERT INTO receipt_note_line (receipt_note_id, product_id, quantity, quarantine) "
            "SELECT $1, x.p, x.q, x.z FROM unnest($2::int[], $3::numeric[], $4::boolean[]) AS x(p, q, z)",
            note.id, [x.product_id for x in note.lines], [x.quantity for x in note.lines],
            [x.quarantine for x in note.lines],
        )
