"""Order repository: rows of sales_order, its lines, reservations and history <-> the Order aggregate."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from domain.errors import ConflictError, NotFoundError, StaleVersionError
from domain.orders.model import Address, CashReceipt, CustomerRef, HistoryEntry, Order, OrderLine, Reservation
from domain.orders.status import OrderStatus

NUMBER_PREFIX = "SO-"

# A new order is one statement: header, lines and its first history row. Data-modifying CTEs all run, and
# on a duplicate (channel, external_ref) `o` is empty, so nothing else is written either. ON CONFLICT rather
# than catching the error: a failed INSERT would abort the transaction before the 409 could name the order.
INSERT_ORDER = """
WITH s AS (SELECT nextval('sales_order_id_seq') AS id),
o AS (
  INSERT INTO sales_order (id, number, channel_id, source, external_ref, status, approve_status, approval_rule,
      approval_role, customer_id, customer_name, customer_email, customer_type, currency, payment_method,
      shipping_address, billing_address, warehouse_id, promised_date, notes, total_net, total_vat, total_gross,
      version, created_at, updated_at)
  SELECT s.id, $1 || lpad(s.id::text, 7, '0'), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
      $15::jsonb, $16::jsonb, $17, $18, $19, $20, $21, $22, 1, $23, $24
  FROM s
  ON CONFLICT (channel_id, external_ref) DO NOTHING
  RETURNING id, number
),
l AS (
  INSERT INTO sales_order_line (order_id, line_no, product_id, sku, name, quantity, unit_price, vat_rate,
      prices_include_vat, net, vat, gross, list_price, price_mismatch)
  SELECT o.id, x.ord::smallint, x.product_id, x.sku, x.name, x.quantity, x.unit_price, x.vat_rate, x.incl,
      x.net, x.vat, x.gross, x.list_price, x.mismatch
  FROM o, unnest($25::int[], $26::text[], $27::text[], $28::numeric[], $29::numeric[], $30::numeric[],
                 $31::boolean[], $32::numeric[], $33::numeric[], $34::numeric[], $35::numeric[], $36::boolean[])
       WITH ORDINALITY AS x(product_id, sku, name, quantity, unit_price, vat_rate, incl, net, vat, gross,
                            list_price, mismatch, ord)
),
h AS (
  INSERT INTO order_history (order_id, action, from_status, to_status, actor, reason, at)
  SELECT o.id, x.action, x.from_status, x.to_status, x.actor, x.reason, x.at
  FROM o, unnest($37::text[], $38::smallint[], $39::smallint[], $40::text[], $41::text[], $42::timestamptz[])
       AS x(action, from_status, to_status, actor, reason, at)
)
SELECT id, number FROM o
"""

GET_ORDER = """
SELECT o.*,
  (SELECT coalesce(json_agg(json_build_object(
      'product_id', l.product_id, 'sku', l.sku, 'name', l.name, 'quantity', l.quantity::text,
      'unit_price', l.unit_price::text, 'vat_rate', l.vat_rate::text,
      'prices_include_vat', l.prices_include_vat, 'list_price', l.list_price::text,
      'price_mismatch', l.price_mismatch) ORDER BY l.line_no), '[]')
   FROM sales_order_line l WHERE l.order_id = o.id) AS lines_json,
  (SELECT json_build_object('id', c.id, 'number', c.number, 'amount', c.amount::text, 'currency', c.currency,
      'method', c.method, 'created_at', c.created_at)
   FROM cash_receipt c WHERE c.order_id = o.id) AS cash_receipt_json,
  (SELECT coalesce(json_agg(json_build_object(
      'product_id', r.product_id, 'warehouse_id', r.warehouse_id, 'quantity', r.quantity::text)), '[]')
   FROM stock_reservation r WHERE r.order_id = o.id) AS reservations_json
FROM sales_order o WHERE o.id = $1
"""
LOCK_ORDER = "SELECT id FROM sales_order WHERE id = $1 FOR UPDATE"

UPDATE_ORDER = """
UPDATE sales_order SET status = $3, approve_status = $4, approval_rule = $5, approval_role = $6, held_from = $7,
    total_net = $8, total_vat = $9, total_gross = $10, updated_at = $11, preorder_flagged_at = $12,
    version = version + 1
WHERE id = $1 AND version = $2
"""
# Replacing is a DELETE then an INSERT, as two statements: in one statement an unreferenced DELETE CTE
# would run after the INSERT and collide on the primary key.
DELETE_LINES = "DELETE FROM sales_order_line WHERE order_id = $1"
REPLACE_LINES = """
INSERT INTO sales_order_line (order_id, line_no, product_id, sku, name, quantity, unit_price, vat_rate,
    prices_include_vat, net, vat, gross, list_price, price_mismatch)
SELECT $1, x.ord::smallint, x.product_id, x.sku, x.name, x.quantity, x.unit_price, x.vat_rate, x.incl, x.net, x.vat,
    x.gross, x.list_price, x.mismatch
FROM unnest($2::int[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::numeric[], $8::boolean[],
            $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[], $13::boolean[])
     WITH ORDINALITY AS x(product_id, sku, name, quantity, unit_price, vat_rate, incl, net, vat, gross, list_price,
                          mismatch, ord)
"""
DELETE_RESERVATIONS = "DELETE FROM stock_reservation WHERE order_id = $1"
REPLACE_RESERVATIONS = """
INSERT INTO stock_reservation (order_id, product_id, warehouse_id, quantity)
SELECT $1, x.product_id, x.warehouse_id, x.quantity
FROM unnest($2::int[], $3::int[], $4::numeric[]) AS x(product_id, warehouse_id, quantity)
"""
INSERT_HISTORY = """
INSERT INTO order_history (order_id, action, from_status, to_status, actor, reason, at)
SELECT $1, x.action, x.from_status, x.to_status, x.actor, x.reason, x.at
FROM unnest($2::text[], $3::smallint[], $4::smallint[], $5::text[], $6::text[], $7::timestamptz[])
     AS x(action, from_status, to_status, actor, reason, at)
"""
# The receipt number follows its id; one receipt per order (unique order_id).
INSERT_CASH_RECEIPT = """
INSERT INTO cash_receipt (id, number, order_id, amount, currency, method, created_at)
SELECT s.id, 'CR-' || lpad(s.id::text, 7, '0'), $1, $2, $3, $4, $5
FROM (SELECT nextval('cash_receipt_id_seq') AS id) s
RETURNING id, number
"""
HISTORY = "SELECT action, from_status, to_status, actor, reason, at FROM order_history WHERE order_id = $1 ORDER BY id"


def address_to_json(address: Address | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {k: v for k, v in address.__dict__.items() if v is not None}


def address_from_json(raw: dict[str, Any] | None) -> Address | None:
    return None if raw is None else Address(**raw)


def _line_arrays(lines: list[OrderLine]) -> list[list[Any]]:
    return [[x.product_id for x in lines], [x.sku for x in lines], [x.name for x in lines],
            [x.quantity for x in lines], [x.unit_price for x in lines], [x.vat_rate for x in lines],
            [x.prices_include_vat for x in lines], [x.net for x in lines], [x.vat for x in lines],
            [x.gross for x in lines], [x.list_price for x in lines], [x.price_mismatch for x in lines]]


def _history_arrays(history: list[HistoryEntry]) -> list[list[Any]]:
    return [[h.action for h in history], [h.from_status for h in history], [h.to_status for h in history],
            [h.actor for h in history], [h.reason for h in history], [h.at for h in history]]


class SqlOrderRepository:
    def __init__(self, conn: asyncpg.Connection, seen: list[Order]) -> None:
        self._conn = conn
        self._seen = seen

    async def add(self, order: Order) -> None:
        totals = order.totals
        row = await self._conn.fetchrow(
            INSERT_ORDER, NUMBER_PREFIX, order.channel_id, order.source, order.external_ref, int(order.status),
            order.approve_status, order.approval_rule, order.approval_role, order.customer.id, order.customer.name,
            order.customer.email, order.customer.type, order.currency, order.payment_method,
            address_to_json(order.shipping_address), address_to_json(order.billing_address), order.warehouse_id,
            order.promised_date, order.notes, totals.net, totals.vat, totals.gross, order.created_at,
            order.updated_at, *_line_arrays(order.lines), *_history_arrays(order.new_history),
        )
        if row is None:
            raise await self._conflict(order)
        order.id, order.number = row["id"], row["number"]
        order.lines_changed = False
        order.new_history.clear()
        await self._write_children(order)  # reservations, when a use case made any before the insert
        self._seen.append(order)

    async def _conflict(self, order: Order) -> ConflictError:
        existing = await self._conn.fetchrow(
            "SELECT id, number FROM sales_order WHERE channel_id = $1 AND external_ref = $2",
            order.channel_id, order.external_ref,
        )
        number = existing["number"] if existing else "?"
        return ConflictError(
            f"channel {order.channel_id} already has an order with external_ref {order.external_ref}: {number}",
            existing["id"] if existing else None,
        )

    async def get(self, order_id: int, *, for_update: bool = False) -> Order:
        if for_update:
            # Lock first, then read in a new statement: a SELECT ... FOR UPDATE that waited for the lock
            # returns the updated row, but its sub-selects (lines, reservations) would still see the snapshot
            # taken before the wait, e.g. a cancel racing a confirm would miss the fresh reservations.
            await self._conn.execute(LOCK_ORDER, order_id)
        row = await self._conn.fetchrow(GET_ORDER, order_id)
        if row is None:
            raise NotFoundError("order", order_id)
        order = _to_domain(row)
        self._seen.append(order)
        return order

    async def history(self, order_id: int) -> list[HistoryEntry]:
        rows = await self._conn.fetch(HISTORY, order_id)
        return [HistoryEntry(r["action"], r["from_status"], r["to_status"], r["actor"], r["reason"], r["at"])
                for r in rows]

    async def save(self, order: Order) -> None:
        totals = order.totals
        status = await self._conn.execute(
            UPDATE_ORDER, order.id, order.version, int(order.status), order.approve_status, order.approval_rule,
            order.approval_role, None if order.held_from is None else int(order.held_from), totals.net, totals.vat,
            totals.gross, order.updated_at, order.preorder_flagged_at,
        )
        if status != "UPDATE 1":
            current = await self._conn.fetchval("SELECT version FROM sales_order WHERE id = $1", order.id)
            raise StaleVersionError(order.version, int(current or 0))
        order.version += 1
        await self._write_children(order)

    async def _write_children(self, order: Order) -> None:
        if order.lines_changed:
            await self._conn.execute(DELETE_LINES, order.id)
            await self._conn.execute(REPLACE_LINES, order.id, *_line_arrays(order.lines))
            order.lines_changed = False
        if order.reservations_changed:
            res = order.reservations
            await self._conn.execute(DELETE_RESERVATIONS, order.id)
            if res:  # released or dispatched: nothing to insert, one round trip saved
                await self._conn.execute(REPLACE_RESERVATIONS, order.id, [r.product_id for r in res],
                                         [r.warehouse_id for r in res], [r.quantity for r in res])
            order.reservations_changed = False
        receipt = order.cash_receipt
        if receipt is not None and receipt.id is None:
            row = await self._conn.fetchrow(INSERT_CASH_RECEIPT, order.id, receipt.amount, receipt.currency,
                                            receipt.method, receipt.created_at)
            receipt.id, receipt.number = row["id"], row["number"]
        if order.new_history:
            await self._conn.execute(INSERT_HISTORY, order.id, *_history_arrays(order.new_history))
            order.new_history.clear()


async def read_history(pool: asyncpg.Pool, order_id: int) -> list[HistoryEntry]:
    """The order's history outside any unit of work (after a commit, for the response)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(HISTORY, order_id)
    return [HistoryEntry(r["action"], r["from_status"], r["to_status"], r["actor"], r["reason"], r["at"])
            for r in rows]


def _to_domain(m: Any) -> Order:
    lines = [
        OrderLine(item["product_id"], item["sku"], item["name"], Decimal(item["quantity"]),
                  Decimal(item["unit_price"]), Decimal(item["vat_rate"]), item["prices_include_vat"],
                  None if item.get("list_price") is None else Decimal(item["list_price"]),
                  bool(item.get("price_mismatch")))
        for item in m["lines_json"]
    ]
    receipt = None
    if (raw := m["cash_receipt_json"]) is not None:
        receipt = CashReceipt(Decimal(raw["amount"]), raw["currency"], raw["method"],
                              datetime.fromisoformat(raw["created_at"]), raw["id"], raw["number"])
    reservations = [
        Reservation(item["product_id"], item["warehouse_id"], Decimal(item["quantity"]))
        for item in m["reservations_json"]
    ]
    shipping = address_from_json(m["shipping_address"])
    assert shipping is not None
    return Order(
        id=m["id"], number=m["number"], channel_id=m["channel_id"], source=m["source"],
        external_ref=m["external_ref"], status=OrderStatus(m["status"]), approve_status=m["approve_status"],
        approval_rule=m["approval_rule"], approval_role=m["approval_role"],
        held_from=None if m["held_from"] is None else OrderStatus(m["held_from"]),
        customer=CustomerRef(m["customer_id"], m["customer_name"], m["customer_email"], m["customer_type"]),
        currency=m["currency"], payment_method=m["payment_method"], shipping_address=shipping,
        billing_address=address_from_json(m["billing_address"]), warehouse_id=m["warehouse_id"],
        promised_date=m["promised_date"], notes=m["notes"], lines=lines, reservations=reservations,
        cash_receipt=receipt, preorder_flagged_at=m["preorder_flagged_at"],
        version=m["version"], created_at=m["created_at"], updated_at=m["updated_at"],
    )
