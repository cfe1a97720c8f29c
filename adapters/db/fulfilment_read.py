"""Read models of fulfilment for the API and the console: packing lists with their order and live AWB, delivery
notes, shipments with their tracking, labels and AWB batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import asyncpg

from adapters.db.fulfilment import packages_from_json
from adapters.db.queries import encode_cursor
from domain.fulfilment.model import DIMENSIONS
from domain.orders.status import OrderStatus

_PACKING_LIST = """
SELECT p.*, d.number AS dn_number, o.number AS order_number, o.status AS order_status, o.customer_name,
       o.shipping_address->>'city' AS city, o.payment_method, o.total_gross, o.currency,
       s.id AS s_id, s.courier AS s_courier, s.status AS s_status, s.awb_number AS s_awb,
       s.carrier_name AS s_carrier, s.tracking_status AS s_tracking, s.last_error AS s_error
FROM packing_list p
JOIN delivery_note d ON d.id = p.delivery_note_id
JOIN sales_order o ON o.id = p.order_id
LEFT JOIN shipment s ON s.packing_list_id = p.id AND s.status IN ('pending', 'created')
"""

_NOTE = """
SELECT d.*, o.number AS order_number, p.id AS packing_list_id,
  (SELECT coalesce(json_agg(json_build_object('product_id', l.product_id, 'sku', l.sku, 'name', l.name,
      'quantity', l.quantity::text, 'backordered', l.backordered::text) ORDER BY l.line_no), '[]')
   FROM delivery_note_line l WHERE l.note_id = d.id) AS lines
FROM delivery_note d JOIN sales_order o ON o.id = d.order_id LEFT JOIN packing_list p ON p.delivery_note_id = d.id
"""

_SHIPMENT = """
SELECT s.*,
  (SELECT coalesce(json_agg(json_build_object('status', e.status, 'text', e.text, 'location', e.location,
      'at', e.at) ORDER BY e.at, e.id), '[]') FROM shipment_event e WHERE e.shipment_id = s.id) AS events,
  (SELECT coalesce(array_agg(l.format ORDER BY l.format), '{}') FROM shipment_label l
   WHERE l.shipment_id = s.id) AS labels
FROM shipment s
"""


def _packing_list(row: asyncpg.Record, now: datetime) -> dict[str, Any]:
    packages = packages_from_json(row["packages"])
    shipment = None
    if row["s_id"] is not None:
        shipment = {"id": row["s_id"], "courier": row["s_courier"], "status": row["s_status"],
                    "awb_number": row["s_awb"], "carrier_name": row["s_carrier"],
                    "tracking_status": row["s_tracking"], "last_error": row["s_error"]}
    return {
        "id": row["id"], "number": row["number"], "delivery_note_id": row["delivery_note_id"],
        "delivery_note_number": row["dn_number"], "order_id": row["order_id"], "order_number": row["order_number"],
        "order_status": row["order_status"], "order_status_label": OrderStatus(row["order_status"]).label,
        "customer_name": row["customer_name"], "city": row["city"] or "", "payment_method": row["payment_method"],
        "total_gross": str(row["total_gross"]), "currency": row["currency"],
        "packages": [{**{n: None if getattr(p, n) is None else str(getattr(p, n)) for n in DIMENSIONS},
                      "missing": p.missing()} for p in packages],
        "complete": all(not p.missing() for p in packages), "version": row["version"],
        "created_at": row["created_at"], "updated_at": row["updated_at"],
        "age_hours": round((now - row["created_at"]).total_seconds() / 3600, 2), "shipment": shipment,
    }


Page = tuple[list[dict[str, Any]], str | None]


async def _page(pool: asyncpg.Pool, select: str, key: str, *, equal: dict[str, Any], extra: tuple[str, ...] = (),
                after: int | None, limit: int, row: Callable[[asyncpg.Record], dict[str, Any]]) -> Page:
    """Newest first by `key`, keyset-paged: `equal` filters (column -> value, None = no filter) and fixed
    `extra` conditions; the cursor is the last row's id."""
    where, args = ["true", *extra], []
    for column, value in equal.items():
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if after is not None:
        args.append(after)
        where.append(f"{key} < ${len(args)}")
    args.append(limit + 1)
    rows = await pool.fetch(f"{select} WHERE {' AND '.join(where)} ORDER BY {key} DESC LIMIT ${len(args)}", *args)
    items = [row(r) for r in rows[:limit]]
    return items, (encode_cursor(items[-1]["id"]) if len(rows) > limit else None)


_AWB_FILTER = {"missing": ("(s.id IS NULL OR s.status = 'pending') AND d.status = 'open'",),
               "present": ("s.status = 'created'",)}


async def packing_list_page(pool: asyncpg.Pool, now: datetime, *, awb: Literal["missing", "present"] | None,
                            order_id: int | None, after: int | None, limit: int) -> Page:
    return await _page(pool, _PACKING_LIST, "p.id", equal={"p.order_id": order_id},
                       extra=_AWB_FILTER[awb] if awb else (), after=after, limit=limit,
                       row=lambda r: _packing_list(r, now))


async def packing_list_one(pool: asyncpg.Pool, now: datetime, packing_list_id: int) -> dict[str, Any] | None:
    row = await pool.fetchrow(f"{_PACKING_LIST} WHERE p.id = $1", packing_list_id)
    return None if row is None else _packing_list(row, now)


def _note(row: asyncpg.Record) -> dict[str, Any]:
    lines = list(row["lines"])
    return {"id": row["id"], "number": row["number"], "order_id": row["order_id"],
            "order_number": row["order_number"], "warehouse_id": row["warehouse_id"], "status": row["status"],
            "partial": any(Decimal(x["backordered"]) > 0 for x in lines), "created_by": row["created_by"],
            "created_at": row["created_at"], "dispatched_at": row["dispatched_at"], "lines": lines,
            "packing_list_id": row["packing_list_id"]}


async def delivery_note_page(pool: asyncpg.Pool, *, order_id: int | None, status: str | None, after: int | None,
                             limit: int) -> Page:
    return await _page(pool, _NOTE, "d.id", equal={"d.order_id": order_id, "d.status": status}, after=after,
                       limit=limit, row=_note)


async def delivery_note_one(pool: asyncpg.Pool, note_id: int) -> dict[str, Any] | None:
    row = await pool.fetchrow(f"{_NOTE} WHERE d.id = $1", note_id)
    return None if row is None else _note(row)


async def note_document_rows(pool: asyncpg.Pool, note_id: int) -> tuple[dict[str, Any], asyncpg.Record] | None:
    """The note and its order's customer/address, for printing."""
    note = await delivery_note_one(pool, note_id)
    if note is None:
        return None
    order = await pool.fetchrow(
        "SELECT o.customer_name, o.shipping_address, c.vat_code FROM sales_order o "
        "JOIN customer c ON c.id = o.customer_id WHERE o.id = $1", note["order_id"])
    return note, order


def _shipment(row: asyncpg.Record) -> dict[str, Any]:
    data = {k: row[k] for k in ("id", "packing_list_id", "order_id", "courier", "service", "carrier_name", "status",
                                "awb_number", "tracking_url", "attempts", "last_error", "created_at", "awb_at",
                                "tracking_status", "tracking_text", "tracking_at")}
    data["price"] = None if row["price"] is None else str(row["price"])
    data["labels"] = list(row["labels"])
    data["events"] = list(row["events"])
    return data


async def shipment_one(pool: asyncpg.Pool, shipment_id: int) -> dict[str, Any] | None:
    row = await pool.fetchrow(f"{_SHIPMENT} WHERE s.id = $1", shipment_id)
    return None if row is None else _shipment(row)


async def shipment_page(pool: asyncpg.Pool, *, order_id: int | None, after: int | None, limit: int) -> Page:
    return await _page(pool, _SHIPMENT, "s.id", equal={"s.order_id": order_id}, after=after, limit=limit,
                       row=_shipment)


async def stored_label(pool: asyncpg.Pool, shipment_id: int, fmt: str) -> bytes | None:
    pdf: bytes | None = await pool.fetchval(
        "SELECT pdf FROM shipment_label WHERE shipment_id = $1 AND format = $2", shipment_id, fmt)
    return pdf


async def batch_one(pool: asyncpg.Pool, batch_id: int) -> dict[str, Any] | None:
    row = await pool.fetchrow("SELECT * FROM awb_batch WHERE id = $1", batch_id)
    if row is None:
        return None
    return {k: row[k] for k in ("id", "courier", "service", "status", "total", "done", "succeeded", "failed",
                                "results", "created_by", "created_at", "finished_at")}
