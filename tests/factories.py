"""Seed helpers for tests: master data straight through SQL, users with real password hashes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.security import hash_password, issue_token, new_api_key

TABLES = (
    "awb_batch", "shipment_event", "shipment_label", "shipment", "packing_list", "delivery_note_line",
    "delivery_note", "courier_account", "sync_log", "inbox_event", "estimate", "cash_receipt",
    "notification", "idempotency_key", "outbox", "stock_reservation", "order_history", "sales_order_line",
    "sales_order", "receipt_note_line", "receipt_note", "stock_level", "price_list_item", "customer", "price_list",
    "api_key", "app_user", "product", "channel", "warehouse",
)

_HASH = hash_password("demo")


async def truncate_all(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))


@dataclass
class World:
    """A small, complete set of master data: a warehouse, channels, products with stock, staff."""

    engine: AsyncEngine
    secret: str
    warehouse_id: int = 0
    channels: dict[str, int] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    async def sql(self, statement: str, **params: Any) -> Any:
        async with self.engine.begin() as conn:
            result = await conn.execute(text(statement), params)
            return result.all() if result.returns_rows else []

    async def warehouse(self, code: str = "MAIN") -> int:
        rows = await self.sql(
            "INSERT INTO warehouse (code, name, is_default) VALUES (:c, :c, true) RETURNING id", c=code
        )
        self.warehouse_id = rows[0].id
        return int(self.warehouse_id)

    async def channel(self, name: str, type_: str = "api", settings: dict[str, Any] | None = None,
                      active: bool = True) -> int:
        s = {"default_warehouse_id": self.warehouse_id, **(settings or {})}
        rows = await self.sql(
            "INSERT INTO channel (name, type, active, settings) VALUES (:n, :t, :a, CAST(:s AS jsonb)) RETURNING id",
            n=name, t=type_, a=active, s=orjson.dumps(s).decode(),
        )
        self.channels[name] = rows[0].id
        return int(rows[0].id)

    async def product(self, sku: str, on_hand: str = "100", vat: str = "19", price: str = "49.90",
                      active: bool = True) -> int:
        rows = await self.sql(
            "INSERT INTO product (sku, name, vat_rate, price, active) VALUES (:s, :n, :v, :p, :a) RETURNING id",
            s=sku, n=f"Product {sku}", v=Decimal(vat), p=Decimal(price), a=active,
        )
        pid = int(rows[0].id)
        await self.sql("INSERT INTO stock_level (product_id, warehouse_id, on_hand) VALUES (:p, :w, :q)",
                       p=pid, w=self.warehouse_id, q=Decimal(on_hand))
        self.products[sku] = pid
        return pid

    async def user(self, email: str, roles: list[str], name: str | None = None) -> str:
        rows = await self.sql(
            "INSERT INTO app_user (email, name, password_hash, roles) VALUES (:e, :n, :h, :r) RETURNING id",
            e=email, n=name or email.split("@")[0], h=_HASH, r=roles,
        )
        token = issue_token(user_id=rows[0].id, name=email, email=email, roles=roles, secret=self.secret, ttl_s=3600)
        self.tokens[email] = token
        return token

    async def api_key(self, channel_id: int, scopes: tuple[str, ...] = ("orders:write", "orders:read")) -> str:
        key = new_api_key()
        await self.sql(
            "INSERT INTO api_key (name, prefix, key_hash, channel_id, scopes, created_by) "
            "VALUES (:n, :p, :h, :c, :s, 'test')",
            n=f"key-{key.prefix}", p=key.prefix, h=key.key_hash, c=channel_id, s=list(scopes),
        )
        return key.key

    async def stock(self, sku: str) -> tuple[Decimal, Decimal]:
        rows = await self.sql("SELECT on_hand, reserved FROM stock_level WHERE product_id = :p",
                              p=self.products[sku])
        return rows[0].on_hand, rows[0].reserved


def order_body(channel_id: int, *, ref: str | None = "ERP-1", lines: list[tuple[str, str, str]] | None = None,
               email: str = "ana@example.ro", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel_id": channel_id, "currency": "RON", "payment_method": "cod",
        "customer": {"email": email, "name": "Ana Pop", "phone": "0722000000"},
        "shipping_address": {"name": "Ana Pop", "street": "Str. Lunga 5", "city": "Brasov", "county": "BV",
                             "postcode": "500035", "country": "RO"},
        "lines": [{"sku": s, "quantity": q, "unit_price": p}
                  for s, q, p in (lines or [("TSHIRT-RED-M", "2", "49.90")])],
    }
    if ref is not None:
        body["external_ref"] = ref
    body.update(extra)
    return body
