"""Order repository: rows of sales_order, its lines, reservations and history <-> the Order aggregate."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, insert, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.tables import order_history, sales_order_line, stock_reservation
from domain.errors import ConflictError, NotFoundError, StaleVersionError
from domain.orders.model import Address, CustomerRef, Order, OrderLine, Reservation
from domain.orders.status import OrderStatus

NUMBER_PREFIX = "SO-"

# A new order is one statement: header, lines and its first history row. Data-modifying CTEs all run, and
# on a duplicate (channel, external_ref) `o` is empty, so nothing else is written either.
_INSERT = text(
    """
    WITH s AS (SELECT nextval('sales_order_id_seq') AS id),
    o AS (
      INSERT INTO sales_order (id, number, channel_id, source, external_ref, status, approve_status, approval_rule,
          approval_role, customer_id, customer_name, customer_email, customer_type, currency, payment_method,
          shipping_address, billing_address, warehouse_id, promised_date, notes, total_net, total_vat, total_gross,
          version, created_at, updated_at)
      SELECT s.id, :prefix || lpad(s.id::text, 7, '0'), :channel_id, :source, :external_ref, :status,
          :approve_status, :approval_rule, :approval_role, :customer_id, :customer_name, :customer_email,
          :customer_type, :currency, :payment_method, :shipping_address, :billing_address, :warehouse_id,
          :promised_date, :notes, :total_net, :total_vat, :total_gross, 1, :created_at, :updated_at
      FROM s
      ON CONFLICT (channel_id, external_ref) DO NOTHING
      RETURNING id, number
    ),
    l AS (
      INSERT INTO sales_order_line (order_id, line_no, product_id, sku, name, quantity, unit_price, vat_rate,
          prices_include_vat, net, vat, gross)
      SELECT o.id, x.ord::smallint, x.product_id, x.sku, x.name, x.quantity, x.unit_price, x.vat_rate, x.incl,
          x.net, x.vat, x.gross
      FROM o, unnest(CAST(:l_product AS int[]), CAST(:l_sku AS text[]), CAST(:l_name AS text[]),
                     CAST(:l_qty AS numeric[]), CAST(:l_price AS numeric[]), CAST(:l_rate AS numeric[]),
                     CAST(:l_incl AS boolean[]), CAST(:l_net AS numeric[]), CAST(:l_vat AS numeric[]),
                     CAST(:l_gross AS numeric[]))
           WITH ORDINALITY AS x(product_id, sku, name, quantity, unit_price, vat_rate, incl, net, vat, gross, ord)
    ),
    h AS (
      INSERT INTO order_history (order_id, action, from_status, to_status, actor, reason, at)
      SELECT o.id, x.action, x.from_status, x.to_status, x.actor, x.reason, x.at
      FROM o, unnest(CAST(:h_action AS text[]), CAST(:h_from AS smallint[]), CAST(:h_to AS smallint[]),
                     CAST(:h_actor AS text[]), CAST(:h_reason AS text[]), CAST(:h_at AS timestamptz[]))
           AS x(action, from_status, to_status, actor, reason, at)
    )
    SELECT id, number FROM o
    """
).bindparams(bindparam("shipping_address", type_=JSONB(none_as_null=True)),
             bindparam("billing_address", type_=JSONB(none_as_null=True)))

_SELECT = """
    SELECT o.*,
      (SELECT coalesce(json_agg(json_build_object(
          'product_id', l.product_id, 'sku', l.sku, 'name', l.name, 'quantity', l.quantity::text,
          'unit_price', l.unit_price::text, 'vat_rate', l.vat_rate::text,
          'prices_include_vat', l.prices_include_vat) ORDER BY l.line_no), '[]')
       FROM sales_order_line l WHERE l.order_id = o.id) AS lines_json,
      (SELECT coalesce(json_agg(json_build_object(
          'product_id', r.product_id, 'warehouse_id', r.warehouse_id, 'quantity', r.quantity::text)), '[]')
       FROM stock_reservation r WHERE r.order_id = o.id) AS reservations_json
    FROM sales_order o WHERE o.id = :id
"""
_GET = text(_SELECT)
_LOCK = text("SELECT id FROM sales_order WHERE id = :id FOR UPDATE")

_UPDATE = text(
    """
    UPDATE sales_order SET status = :status, approve_status = :approve_status, approval_rule = :approval_rule,
        approval_role = :approval_role, held_from = :held_from, total_net = :total_net, total_vat = :total_vat,
        total_gross = :total_gross, updated_at = :updated_at, version = version + 1
    WHERE id = :id AND version = :version
    """
)


def address_to_json(address: Address | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {k: v for k, v in address.__dict__.items() if v is not None}


def address_from_json(raw: dict[str, Any] | None) -> Address | None:
    if raw is None:
        return None
    return Address(**raw)


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


class SqlOrderRepository:
    def __init__(self, conn: AsyncConnection, seen: list[Order]) -> None:
        self._conn = conn
        self._seen = seen

    async def add(self, order: Order) -> None:
        totals = order.totals
        lines, history = order.lines, order.new_history
        # ON CONFLICT instead of catching IntegrityError: a failed INSERT would abort the transaction, and
        # the existing order still has to be looked up to name it in the 409.
        row = (await self._conn.execute(_INSERT, {
            "prefix": NUMBER_PREFIX,
            "channel_id": order.channel_id, "source": order.source, "external_ref": order.external_ref,
            "status": int(order.status), "approve_status": order.approve_status,
            "approval_rule": order.approval_rule, "approval_role": order.approval_role,
            "customer_id": order.customer.id, "customer_name": order.customer.name,
            "customer_email": order.customer.email, "customer_type": order.customer.type,
            "currency": order.currency, "payment_method": order.payment_method,
            "shipping_address": address_to_json(order.shipping_address),
            "billing_address": address_to_json(order.billing_address),
            "warehouse_id": order.warehouse_id, "promised_date": order.promised_date, "notes": order.notes,
            "total_net": totals.net, "total_vat": totals.vat, "total_gross": totals.gross,
            "created_at": order.created_at, "updated_at": order.updated_at,
            "l_product": [x.product_id for x in lines], "l_sku": [x.sku for x in lines],
            "l_name": [x.name for x in lines], "l_qty": [x.quantity for x in lines],
            "l_price": [x.unit_price for x in lines], "l_rate": [x.vat_rate for x in lines],
            "l_incl": [x.prices_include_vat for x in lines], "l_net": [x.net for x in lines],
            "l_vat": [x.vat for x in lines], "l_gross": [x.gross for x in lines],
            "h_action": [h.action for h in history], "h_from": [h.from_status for h in history],
            "h_to": [h.to_status for h in history], "h_actor": [h.actor for h in history],
            "h_reason": [h.reason for h in history], "h_at": [h.at for h in history],
        })).first()
        if row is None:
            raise await self._conflict(order)
        order.id, order.number = row.id, row.number
        order.lines_changed = False
        order.new_history.clear()
        await self._write_children(order)  # reservations, when a use case made any before the insert
        self._seen.append(order)

    async def _conflict(self, order: Order) -> ConflictError:
        existing = (await self._conn.execute(
            text("SELECT id, number FROM sales_order WHERE channel_id = :c AND external_ref = :r"),
            {"c": order.channel_id, "r": order.external_ref},
        )).first()
        number = existing.number if existing else "?"
        return ConflictError(
            f"channel {order.channel_id} already has an order with external_ref {order.external_ref}: {number}",
            existing.id if existing else None,
        )

    async def get(self, order_id: int, *, for_update: bool = False) -> Order:
        if for_update:
            # Lock first, then read in a new statement: a SELECT ... FOR UPDATE that waited for the lock
            # returns the updated row, but its sub-selects (lines, reservations) would still see the snapshot
            # taken before the wait, e.g. a cancel racing a confirm would miss the fresh reservations.
            await self._conn.execute(_LOCK, {"id": order_id})
        row = (await self._conn.execute(_GET, {"id": order_id})).first()
        if row is None:
            raise NotFoundError("order", order_id)
        order = _to_domain(row._mapping)
        self._seen.append(order)
        return order

    async def save(self, order: Order) -> None:
        totals = order.totals
        result = await self._conn.execute(_UPDATE, {
            "id": order.id, "version": order.version, "status": int(order.status),
            "approve_status": order.approve_status, "approval_rule": order.approval_rule,
            "approval_role": order.approval_role,
            "held_from": None if order.held_from is None else int(order.held_from),
            "total_net": totals.net, "total_vat": totals.vat, "total_gross": totals.gross,
            "updated_at": order.updated_at,
        })
        if result.rowcount != 1:
            current = (await self._conn.execute(text("SELECT version FROM sales_order WHERE id = :id"),
                                                {"id": order.id})).scalar()
            raise StaleVersionError(order.version, int(current or 0))
        order.version += 1
        await self._write_children(order)

    async def _write_children(self, order: Order) -> None:
        if order.lines_changed:
            await self._conn.execute(delete(sales_order_line).where(sales_order_line.c.order_id == order.id))
            await self._conn.execute(insert(sales_order_line), [
                {"order_id": order.id, "line_no": i + 1, "product_id": line.product_id, "sku": line.sku,
                 "name": line.name, "quantity": line.quantity, "unit_price": line.unit_price,
                 "vat_rate": line.vat_rate, "prices_include_vat": line.prices_include_vat,
                 "net": line.net, "vat": line.vat, "gross": line.gross}
                for i, line in enumerate(order.lines)
            ])
            order.lines_changed = False
        if order.reservations_changed:
            await self._conn.execute(delete(stock_reservation).where(stock_reservation.c.order_id == order.id))
            if order.reservations:
                await self._conn.execute(insert(stock_reservation), [
                    {"order_id": order.id, "product_id": r.product_id, "warehouse_id": r.warehouse_id,
                     "quantity": r.quantity} for r in order.reservations
                ])
            order.reservations_changed = False
        if order.new_history:
            await self._conn.execute(insert(order_history), [
                {"order_id": order.id, "action": h.action, "from_status": h.from_status,
                 "to_status": h.to_status, "actor": h.actor, "reason": h.reason, "at": h.at}
                for h in order.new_history
            ])
            order.new_history.clear()


def _to_domain(m: Any) -> Order:
    lines = [
        OrderLine(item["product_id"], item["sku"], item["name"], Decimal(item["quantity"]),
                  Decimal(item["unit_price"]), Decimal(item["vat_rate"]), item["prices_include_vat"])
        for item in _json(m["lines_json"])
    ]
    reservations = [
        Reservation(item["product_id"], item["warehouse_id"], Decimal(item["quantity"]))
        for item in _json(m["reservations_json"])
    ]
    shipping = address_from_json(m["shipping_address"])
    assert shipping is not None
    promised: date | None = m["promised_date"]
    created: datetime = m["created_at"]
    return Order(
        id=m["id"], number=m["number"], channel_id=m["channel_id"], source=m["source"],
        external_ref=m["external_ref"], status=OrderStatus(m["status"]), approve_status=m["approve_status"],
        approval_rule=m["approval_rule"], approval_role=m["approval_role"],
        held_from=None if m["held_from"] is None else OrderStatus(m["held_from"]),
        customer=CustomerRef(m["customer_id"], m["customer_name"], m["customer_email"], m["customer_type"]),
        currency=m["currency"], payment_method=m["payment_method"], shipping_address=shipping,
        billing_address=address_from_json(m["billing_address"]), warehouse_id=m["warehouse_id"],
        promised_date=promised, notes=m["notes"], lines=lines, reservations=reservations,
        version=m["version"], created_at=created, updated_at=m["updated_at"],
    )
