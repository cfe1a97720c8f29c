"""Repositories for master data the order use cases read, stock levels and idempotency keys."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.tables import customer, idempotency_key, product, stock_level, warehouse
from domain.catalog.model import ChannelInfo, NewCustomer, ProductInfo
from domain.errors import ConflictError
from domain.orders.approval import ApprovalRule
from domain.orders.model import CustomerRef
from domain.ports import IdempotencyRecord
from domain.stock import StockLevel


def channel_from_row(m: Any) -> ChannelInfo:
    settings = m["settings"] or {}
    rules = tuple(ApprovalRule.from_dict(r) for r in settings.get("approval_rules", []))
    return ChannelInfo(
        id=m["id"], name=m["name"], type=m["type"], active=m["active"],
        default_warehouse_id=settings.get("default_warehouse_id"), approval_rules=rules,
        prices_include_vat=settings.get("prices_include_vat", True),
        payment_methods=settings.get("payment_methods", {}),
    )


_CHANNEL = text("SELECT id, name, type, active, settings FROM channel WHERE id = :id")
_PRODUCTS = select(product.c.id, product.c.sku, product.c.name, product.c.vat_rate, product.c.active).where(
    product.c.sku.in_(bindparam("skus", expanding=True))
)
_PRODUCTS_BY_ID = select(product.c.id, product.c.sku, product.c.name, product.c.vat_rate, product.c.active).where(
    product.c.id.in_(bindparam("ids", expanding=True))
)
_WAREHOUSE_EXISTS = select(warehouse.c.id).where(warehouse.c.id == bindparam("id"))
_DEFAULT_WAREHOUSE = select(warehouse.c.id).order_by(warehouse.c.is_default.desc(), warehouse.c.id).limit(1)


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
    def __init__(self, conn: AsyncConnection, channels: ChannelCache | None = None) -> None:
        self._conn = conn
        self._channels = channels

    async def channel(self, channel_id: int) -> ChannelInfo | None:
        if self._channels is not None:
            known, cached = self._channels.get(channel_id)
            if known:
                return cached
        row = (await self._conn.execute(_CHANNEL, {"id": channel_id})).first()
        channel = channel_from_row(row._mapping) if row else None
        if self._channels is not None:
            self._channels.put(channel_id, channel)
        return channel

    async def products_by_sku(self, skus: Sequence[str]) -> dict[str, ProductInfo]:
        rows = await self._conn.execute(_PRODUCTS, {"skus": list(set(skus))})
        return {r.sku: ProductInfo(r.id, r.sku, r.name, r.vat_rate, r.active) for r in rows}

    async def default_warehouse_id(self) -> int | None:
        return (await self._conn.execute(_DEFAULT_WAREHOUSE)).scalar()

    async def products_by_id(self, ids: Sequence[int]) -> dict[int, ProductInfo]:
        if not ids:
            return {}
        rows = await self._conn.execute(_PRODUCTS_BY_ID, {"ids": list(set(ids))})
        return {r.id: ProductInfo(r.id, r.sku, r.name, r.vat_rate, r.active) for r in rows}

    async def warehouse_exists(self, warehouse_id: int) -> bool:
        return (await self._conn.execute(_WAREHOUSE_EXISTS, {"id": warehouse_id})).first() is not None


_CUSTOMER_COLS = (customer.c.id, customer.c.name, customer.c.email, customer.c.type)


class SqlCustomerDirectory:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def by_id(self, customer_id: int) -> CustomerRef | None:
        row = (await self._conn.execute(select(*_CUSTOMER_COLS).where(customer.c.id == customer_id))).first()
        return CustomerRef(row.id, row.name, row.email, row.type) if row else None

    async def by_email(self, email: str) -> CustomerRef | None:
        stmt = select(*_CUSTOMER_COLS).where(text("lower(customer.email) = :email"))
        row = (await self._conn.execute(stmt, {"email": email.lower()})).first()
        return CustomerRef(row.id, row.name, row.email, row.type) if row else None

    async def add(self, new: NewCustomer) -> CustomerRef:
        # ON CONFLICT keeps two concurrent first orders of one new customer from failing each other.
        row = (await self._conn.execute(text(
            """INSERT INTO customer (type, email, name, phone, vat_code) VALUES (:type, :email, :name, :phone, :vat)
               ON CONFLICT (lower(email)) WHERE email IS NOT NULL DO UPDATE SET email = EXCLUDED.email
               RETURNING id, name, email, type"""
        ), {"type": new.type, "email": new.email, "name": new.name, "phone": new.phone, "vat": new.vat_code})).one()
        return CustomerRef(row.id, row.name, row.email, row.type)


_LOCK_LEVELS = (
    select(stock_level.c.product_id, stock_level.c.warehouse_id, stock_level.c.on_hand, stock_level.c.reserved,
           stock_level.c.quarantine)
    .where(stock_level.c.warehouse_id == bindparam("w"), stock_level.c.product_id.in_(bindparam("ids", expanding=True)))
    .order_by(stock_level.c.product_id)  # one lock order for everyone: no deadlocks between orders
    .with_for_update()
)
_SAVE_LEVEL = (
    update(stock_level)
    .where(stock_level.c.product_id == bindparam("p"), stock_level.c.warehouse_id == bindparam("w"))
    .values(on_hand=bindparam("on_hand"), reserved=bindparam("reserved"), quarantine=bindparam("quarantine"),
            updated_at=text("now()"))
)


class SqlStockRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def lock_levels(self, warehouse_id: int, product_ids: Iterable[int]) -> dict[int, StockLevel]:
        ids = sorted(set(product_ids))
        if not ids:
            return {}
        rows = await self._conn.execute(_LOCK_LEVELS, {"w": warehouse_id, "ids": ids})
        return {r.product_id: StockLevel(r.product_id, r.warehouse_id, r.on_hand, r.reserved, r.quarantine)
                for r in rows}

    async def save(self, levels: Iterable[StockLevel]) -> None:
        changed = [lv for lv in levels if lv.changed]
        if changed:
            await self._conn.execute(_SAVE_LEVEL, [
                {"p": lv.product_id, "w": lv.warehouse_id, "on_hand": lv.on_hand, "reserved": lv.reserved,
                 "quarantine": lv.quarantine} for lv in changed
            ])
            for lv in changed:
                lv.changed = False

    async def ensure(self, warehouse_id: int, product_id: int) -> StockLevel:
        """Lock (creating when absent) one level; receipts use it."""
        await self._conn.execute(text(
            "INSERT INTO stock_level (product_id, warehouse_id) VALUES (:p, :w) ON CONFLICT DO NOTHING"
        ), {"p": product_id, "w": warehouse_id})
        return (await self.lock_levels(warehouse_id, [product_id]))[product_id]


_IDEM_GET = select(idempotency_key.c.request_hash, idempotency_key.c.order_id).where(
    idempotency_key.c.scope == bindparam("scope"), idempotency_key.c.key == bindparam("key")
)


class SqlIdempotencyStore:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def get(self, scope: str, key: str) -> IdempotencyRecord | None:
        row = (await self._conn.execute(_IDEM_GET, {"scope": scope, "key": key})).first()
        return IdempotencyRecord(row.request_hash, row.order_id) if row else None

    async def add(self, scope: str, key: str, record: IdempotencyRecord) -> None:
        try:
            await self._conn.execute(insert(idempotency_key).values(
                scope=scope, key=key, request_hash=record.request_hash, order_id=record.order_id))
        except IntegrityError as exc:
            raise ConflictError("a concurrent request used the same Idempotency-Key") from exc


def zero() -> Decimal:
    return Decimal(0)
