"""Fulfilment repository (asyncpg, inside the order unit of work): delivery notes, packing lists, shipments,
labels and tracking events <-> the domain.fulfilment aggregates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from domain.errors import NotFoundError
from domain.fulfilment.couriers import LabelFormat, TrackingStatus
from domain.fulfilment.model import (
    DeliveryNote,
    DeliveryNoteLine,
    Package,
    PackingList,
    Shipment,
    ShipmentStatus,
)

_INSERT_NOTE = """
WITH s AS (SELECT nextval('delivery_note_id_seq') AS id),
n AS (
  INSERT INTO delivery_note (id, number, order_id, warehouse_id, status, created_by, created_at)
  SELECT s.id, 'DN-' || lpad(s.id::text, 7, '0'), $1, $2, $3, $4, $5 FROM s
  RETURNING id, number
),
l AS (
  INSERT INTO delivery_note_line (note_id, line_no, product_id, sku, name, quantity, backordered)
  SELECT n.id, x.ord::smallint, x.product_id, x.sku, x.name, x.quantity, x.backordered
  FROM n, unnest($6::int[], $7::text[], $8::text[], $9::numeric[], $10::numeric[])
       WITH ORDINALITY AS x(product_id, sku, name, quantity, backordered, ord)
)
SELECT id, number FROM n
"""

_NOTE_COLUMNS = """
SELECT d.*, (SELECT coalesce(json_agg(json_build_object('product_id', l.product_id, 'sku', l.sku, 'name', l.name,
    'quantity', l.quantity::text, 'backordered', l.backordered::text) ORDER BY l.line_no), '[]')
  FROM delivery_note_line l WHERE l.note_id = d.id) AS lines_json
FROM delivery_note d
"""

_INSERT_PACKING_LIST = """
INSERT INTO packing_list (id, number, delivery_note_id, order_id, packages, created_at, updated_at)
SELECT s.id, 'PL-' || lpad(s.id::text, 7, '0'), $1, $2, $3::jsonb, $4, $5
FROM (SELECT nextval('packing_list_id_seq') AS id) s
RETURNING id, number
"""

_SHIPMENT_FIELDS = ("packing_list_id", "order_id", "courier", "service", "carrier_id", "carrier_name", "external_id",
                    "status", "awb_number", "tracking_url", "price", "attempts", "claimed_until", "last_error",
                    "created_at", "awb_at", "tracking_status", "tracking_text", "tracking_at", "next_track_at",
                    "track_failures")


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def packages_to_json(packages: Sequence[Package]) -> list[dict[str, str | None]]:
    return [{name: None if getattr(p, name) is None else str(getattr(p, name))
             for name in ("length_cm", "width_cm", "height_cm", "weight_kg")} for p in packages]


def packages_from_json(data: Sequence[dict[str, Any]]) -> list[Package]:
    return [Package(_dec(p.get("length_cm")), _dec(p.get("width_cm")), _dec(p.get("height_cm")),
                    _dec(p.get("weight_kg"))) for p in data]


def _note(row: asyncpg.Record) -> DeliveryNote:
    lines = [DeliveryNoteLine(x["product_id"], x["sku"], x["name"], Decimal(x["quantity"]),
                              Decimal(x["backordered"])) for x in row["lines_json"]]
    return DeliveryNote(order_id=row["order_id"], warehouse_id=row["warehouse_id"], lines=lines,
                        created_by=row["created_by"], created_at=row["created_at"], status=row["status"],
                        id=row["id"], number=row["number"], dispatched_at=row["dispatched_at"])


def _packing_list(row: asyncpg.Record) -> PackingList:
    return PackingList(delivery_note_id=row["delivery_note_id"], order_id=row["order_id"],
                       packages=packages_from_json(row["packages"]), id=row["id"], number=row["number"],
                       version=row["version"], created_at=row["created_at"], updated_at=row["updated_at"])


def _shipment(row: asyncpg.Record) -> Shipment:
    values = {name: row[name] for name in _SHIPMENT_FIELDS}
    values["status"] = ShipmentStatus(values["status"])
    if values["tracking_status"] is not None:
        values["tracking_status"] = TrackingStatus(values["tracking_status"])
    return Shipment(id=row["id"], **values)


class SqlFulfilmentRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    # ----- delivery notes ---------------------------------------------------------------------------
    async def add_note(self, note: DeliveryNote) -> None:
        lines = note.lines
        row = await self._conn.fetchrow(
            _INSERT_NOTE, note.order_id, note.warehouse_id, note.status, note.created_by, note.created_at,
            [x.product_id for x in lines], [x.sku for x in lines], [x.name for x in lines],
            [x.quantity for x in lines], [x.backordered for x in lines])
        note.id, note.number = row["id"], row["number"]

    async def get_note(self, note_id: int, *, for_update: bool = False) -> DeliveryNote:
        lock = " FOR UPDATE OF d" if for_update else ""
        row = await self._conn.fetchrow(_NOTE_COLUMNS + " WHERE d.id = $1" + lock, note_id)
        if row is None:
            raise NotFoundError("delivery note", note_id)
        return _note(row)

    async def note_of_packing_list(self, packing_list_id: int, *, for_update: bool = False) -> DeliveryNote:
        lock = " FOR UPDATE OF d" if for_update else ""
        row = await self._conn.fetchrow(
            _NOTE_COLUMNS + " WHERE d.id = (SELECT delivery_note_id FROM packing_list WHERE id = $1)" + lock,
            packing_list_id)
        if row is None:
            raise NotFoundError("delivery note of packing list", packing_list_id)
        return _note(row)

    async def open_note(self, order_id: int) -> DeliveryNote | None:
        row = await self._conn.fetchrow(_NOTE_COLUMNS + " WHERE d.order_id = $1 AND d.status = 'open'", order_id)
        return None if row is None else _note(row)

    async def save_note(self, note: DeliveryNote) -> None:
        await self._conn.execute("UPDATE delivery_note SET status = $2, dispatched_at = $3 WHERE id = $1",
                                 note.id, note.status, note.dispatched_at)

    # ----- packing lists ----------------------------------------------------------------------------
    async def add_packing_list(self, packing_list: PackingList) -> None:
        row = await self._conn.fetchrow(
            _INSERT_PACKING_LIST, packing_list.delivery_note_id, packing_list.order_id,
            packages_to_json(packing_list.packages), packing_list.created_at, packing_list.updated_at)
        packing_list.id, packing_list.number = row["id"], row["number"]

    async def get_packing_list(self, packing_list_id: int, *, for_update: bool = False) -> PackingList:
        lock = " FOR UPDATE" if for_update else ""
        row = await self._conn.fetchrow("SELECT * FROM packing_list WHERE id = $1" + lock, packing_list_id)
        if row is None:
            raise NotFoundError("packing list", packing_list_id)
        return _packing_list(row)

    async def save_packing_list(self, packing_list: PackingList) -> None:
        version = await self._conn.fetchval(
            "UPDATE packing_list SET packages = $2::jsonb, updated_at = $3, version = version + 1 WHERE id = $1 "
            "RETURNING version", packing_list.id, packages_to_json(packing_list.packages), packing_list.updated_at)
        packing_list.version = version

    # ----- shipments --------------------------------------------------------------------------------
    async def live_shipment(self, packing_list_id: int, *, for_update: bool = False) -> Shipment | None:
        lock = " FOR UPDATE" if for_update else ""
        row = await self._conn.fetchrow(
            "SELECT * FROM shipment WHERE packing_list_id = $1 AND status IN ('pending', 'created')" + lock,
            packing_list_id)
        return None if row is None else _shipment(row)

    async def count_shipments(self, packing_list_id: int) -> int:
        count: int = await self._conn.fetchval("SELECT count(*) FROM shipment WHERE packing_list_id = $1",
                                               packing_list_id)
        return count

    async def add_shipment(self, shipment: Shipment) -> None:
        columns = ", ".join(_SHIPMENT_FIELDS)
        params = ", ".join(f"${i}" for i in range(1, len(_SHIPMENT_FIELDS) + 1))
        shipment.id = await self._conn.fetchval(
            f"INSERT INTO shipment ({columns}) VALUES ({params}) RETURNING id", *self._values(shipment))

    async def get_shipment(self, shipment_id: int, *, for_update: bool = False) -> Shipment:
        lock = " FOR UPDATE" if for_update else ""
        row = await self._conn.fetchrow("SELECT * FROM shipment WHERE id = $1" + lock, shipment_id)
        if row is None:
            raise NotFoundError("shipment", shipment_id)
        return _shipment(row)

    async def save_shipment(self, shipment: Shipment) -> None:
        sets = ", ".join(f"{name} = ${i}" for i, name in enumerate(_SHIPMENT_FIELDS, start=2))
        await self._conn.execute(f"UPDATE shipment SET {sets} WHERE id = $1", shipment.id, *self._values(shipment))
        if shipment.new_events:
            events = shipment.new_events
            await self._conn.execute(
                "INSERT INTO shipment_event (shipment_id, status, text, location, at) "
                "SELECT $1, x.s, x.t, x.l, x.a FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) "
                "AS x(s, t, l, a) ON CONFLICT DO NOTHING",
                shipment.id, [str(e.status) for e in events], [e.text for e in events],
                [e.location for e in events], [e.at for e in events])
            shipment.new_events = []

    @staticmethod
    def _values(shipment: Shipment) -> list[Any]:
        values = [getattr(shipment, name) for name in _SHIPMENT_FIELDS]
        return [str(v) if isinstance(v, ShipmentStatus | TrackingStatus) else v for v in values]

    async def claim_tracking_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Shipment]:
        rows = await self._conn.fetch(
            "UPDATE shipment SET next_track_at = $2 WHERE id IN ("
            "  SELECT id FROM shipment WHERE status = 'created' AND next_track_at <= $1"
            "  ORDER BY next_track_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING *", now, lease_until, limit)
        return [_shipment(r) for r in rows]

    async def shipments_by_awb(self, courier: str, awbs: Sequence[str], *,
                               for_update: bool = False) -> list[Shipment]:
        lock = " ORDER BY id FOR UPDATE" if for_update else ""
        rows = await self._conn.fetch(
            "SELECT * FROM shipment WHERE courier = $1 AND awb_number = ANY($2::text[])" + lock, courier, list(awbs))
        return [_shipment(r) for r in rows]

    async def save_label(self, shipment_id: int, fmt: LabelFormat, pdf: bytes, uploaded_by: str | None) -> None:
        await self._conn.execute(
            "INSERT INTO shipment_label (shipment_id, format, pdf, uploaded_by) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (shipment_id, format) DO UPDATE SET pdf = excluded.pdf, uploaded_by = excluded.uploaded_by",
            shipment_id, str(fmt), pdf, uploaded_by)

    async def get_label(self, shipment_id: int, fmt: LabelFormat) -> bytes | None:
        pdf: bytes | None = await self._conn.fetchval(
            "SELECT pdf FROM shipment_label WHERE shipment_id = $1 AND format = $2", shipment_id, str(fmt))
        return pdf
