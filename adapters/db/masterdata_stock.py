"""Warehouses, stock levels and receipt notes: the receipt repository and the read side of the stock screens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.masterdata import Page, encode_pair, page, unique_violation
from adapters.db.tables import warehouse
from domain.errors import ConflictError, NotFoundError
from domain.money import fmt


def _warehouse(r: Any) -> dict[str, Any]:
    return {"id": r.id, "code": r.code, "name": r.name, "is_default": r.is_default, "created_at": r.created_at}


class Warehouses:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def find(self, after_id: int | None, limit: int) -> Page:
        rows = (await self._conn.execute(text(
            "SELECT id, code, name, is_default, created_at FROM warehouse WHERE id > :after ORDER BY id LIMIT :n"
        ), {"after": after_id or 0, "n": limit + 1})).all()
        return page(rows, limit, _warehouse)

    async def create(self, *, code: str, name: str, is_default: bool) -> dict[str, Any]:
        existing = (await self._conn.execute(select(warehouse.c.id).where(warehouse.c.code == code))).scalar()
        if existing is not None:
            raise ConflictError(f"warehouse {existing} already has the code {code}", existing)
        if is_default:
            # Serialises concurrent "make this the default" writes so exactly one default remains.
            await self._conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('oms.warehouse.default'))"))
            await self._conn.execute(text("UPDATE warehouse SET is_default = false WHERE is_default"))
        try:
            row = (await self._conn.execute(
                insert(warehouse).values(code=code, name=name, is_default=is_default).returning(*warehouse.c)
            )).one()
        except IntegrityError as exc:
            if unique_violation(exc) is None:
                raise
            raise ConflictError(f"another warehouse has the code {code}") from exc
        return _warehouse(row)


@dataclass(frozen=True)
class StockFilter:
    sku: str | None = None
    warehouse_id: int | None = None
    only_available: bool = False


_STOCK = """
SELECT sl.product_id, p.sku, p.name AS product_name, sl.warehouse_id, w.code AS warehouse_code,
       sl.on_hand, sl.reserved, sl.quarantine, sl.on_hand - sl.reserved - sl.quarantine AS available, sl.updated_at
FROM stock_level sl JOIN product p ON p.id = sl.product_id JOIN warehouse w ON w.id = sl.warehouse_id
WHERE {where}
ORDER BY sl.product_id, sl.warehouse_id
LIMIT :n
"""


def _level(r: Any) -> dict[str, Any]:
    return {"product_id": r.product_id, "sku": r.sku, "product_name": r.product_name,
            "warehouse_id": r.warehouse_id, "warehouse_code": r.warehouse_code,
            "on_hand": fmt(r.on_hand, 3), "reserved": fmt(r.reserved, 3), "quarantine": fmt(r.quarantine, 3),
            "available": fmt(r.available, 3), "updated_at": r.updated_at}


async def list_stock(conn: AsyncConnection, f: StockFilter, after: tuple[int, int] | None, limit: int) -> Page:
    """Stock per product and warehouse; available = on hand - reserved - quarantine."""
    parts = ["TRUE"]
    params: dict[str, Any] = {"n": limit + 1}
    if f.sku:
        parts.append("p.sku = :sku")
        params["sku"] = f.sku
    if f.warehouse_id is not None:
        parts.append("sl.warehouse_id = :w")
        params["w"] = f.warehouse_id
    if f.only_available:
        parts.append("sl.on_hand - sl.reserved - sl.quarantine > 0")
    if after is not None:
        parts.append("(sl.product_id, sl.warehouse_id) > (:ap, :aw)")
        params["ap"], params["aw"] = after
    rows = (await conn.execute(text(_STOCK.format(where=" AND ".join(parts))), params)).all()
    return page(rows, limit, _level, key=lambda r: encode_pair(r.product_id, r.warehouse_id))


_RECEIPTS = """
SELECT r.id, r.warehouse_id, w.code AS warehouse_code, r.reference, r.created_by, r.created_at,
       count(l.id) AS line_count, coalesce(sum(l.quantity), 0) AS total_quantity
FROM receipt_note r JOIN warehouse w ON w.id = r.warehouse_id LEFT JOIN receipt_note_line l ON l.receipt_note_id = r.id
WHERE {where}
GROUP BY r.id, w.code
ORDER BY r.id DESC
LIMIT :n
"""
_RECEIPT_LINES = """
SELECT l.product_id, p.sku, p.name, l.quantity, l.quarantine
FROM receipt_note_line l JOIN product p ON p.id = l.product_id
WHERE l.receipt_note_id = :id ORDER BY l.id
"""


def _receipt(r: Any) -> dict[str, Any]:
    return {"id": r.id, "warehouse_id": r.warehouse_id, "warehouse_code": r.warehouse_code,
            "reference": r.reference, "created_by": r.created_by, "created_at": r.created_at,
            "line_count": r.line_count, "total_quantity": fmt(r.total_quantity, 3)}


class Receipts:
    """Receipt notes as the warehouse screens show them (newest first)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def find(self, warehouse_id: int | None, before_id: int | None, limit: int) -> Page:
        parts, params = ["TRUE"], {"n": limit + 1}
        if warehouse_id is not None:
            parts.append("r.warehouse_id = :w")
            params["w"] = warehouse_id
        if before_id is not None:
            parts.append("r.id < :before")
            params["before"] = before_id
        rows = (await self._conn.execute(text(_RECEIPTS.format(where=" AND ".join(parts))), params)).all()
        return page(rows, limit, _receipt)

    async def get(self, receipt_id: int) -> dict[str, Any]:
        row = (await self._conn.execute(text(_RECEIPTS.format(where="r.id = :id")),
                                        {"id": receipt_id, "n": 1})).first()
        if row is None:
            raise NotFoundError("receipt note", receipt_id)
        lines = await self._conn.execute(text(_RECEIPT_LINES), {"id": receipt_id})
        return {**_receipt(row), "lines": [
            {"product_id": r.product_id, "sku": r.sku, "name": r.name, "quantity": fmt(r.quantity, 3),
             "quarantine": r.quarantine} for r in lines
        ]}
