"""Delivery notes, packing lists, shipments (AWB) and AWB batches."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import DecimalStr, StrictModel
from api.schemas.masterdata import DbId, Line

Courier = Literal["innoship", "cargus", "fancourier", "palex"]
Format = Literal["a4", "thermal"]


class DeliveryNoteIn(StrictModel):
    on_short: Literal["partial", "backorder"] | None = Field(
        default=None, description="when stock is short: deliver what is there (the rest stays a back-order) or "
                                  "make the whole order a back-order; without it a shortage is a 409")


class DeliveryNoteLineOut(BaseModel):
    product_id: int
    sku: str
    name: str
    quantity: DecimalStr
    backordered: DecimalStr


class DeliveryNoteOut(BaseModel):
    id: int
    number: str
    order_id: int
    order_number: str
    warehouse_id: int
    status: Literal["open", "dispatched", "cancelled"]
    partial: bool
    created_by: str
    created_at: datetime
    dispatched_at: datetime | None
    lines: list[DeliveryNoteLineOut]
    packing_list_id: int | None


class DeliveryNotePage(BaseModel):
    items: list[DeliveryNoteOut]
    next_cursor: str | None


class PackageIn(StrictModel):
    length_cm: DecimalStr | None = Field(default=None, gt=0, le=400)
    width_cm: DecimalStr | None = Field(default=None, gt=0, le=400)
    height_cm: DecimalStr | None = Field(default=None, gt=0, le=400)
    weight_kg: DecimalStr | None = Field(default=None, gt=0, le=1000)


class PackagesIn(StrictModel):
    packages: list[PackageIn] = Field(min_length=1, max_length=99)


class PackageOut(BaseModel):
    length_cm: DecimalStr | None
    width_cm: DecimalStr | None
    height_cm: DecimalStr | None
    weight_kg: DecimalStr | None
    missing: list[str]


class ShipmentSummary(BaseModel):
    id: int
    courier: str
    status: Literal["pending", "created", "failed", "cancelled"]
    awb_number: str | None
    carrier_name: str | None
    tracking_status: str | None
    last_error: str | None


class PackingListOut(BaseModel):
    id: int
    number: str
    delivery_note_id: int
    delivery_note_number: str
    order_id: int
    order_number: str
    order_status: int
    order_status_label: str
    customer_name: str
    city: str
    payment_method: str
    total_gross: DecimalStr
    currency: str
    packages: list[PackageOut]
    complete: bool = Field(description="every package has length, width, height and weight")
    version: int
    created_at: datetime
    updated_at: datetime
    age_hours: float = Field(description="hours since the packing list was made")
    shipment: ShipmentSummary | None = Field(description="the live AWB (or attempt), if any")


class PackingListPage(BaseModel):
    items: list[PackingListOut]
    next_cursor: str | None


class DeliveryNoteCreated(BaseModel):
    order_id: int
    order_status: int
    order_status_label: str
    delivery_note: DeliveryNoteOut | None = Field(description="null when the order became a back-order instead")
    packing_list: PackingListOut | None


class AwbIn(StrictModel):
    courier: Courier
    service: Line | None = Field(default=None, max_length=64, description="the courier account's default if absent")
    carrier_id: int | None = Field(default=None, ge=1, le=2_147_483_647,
                                   description="Innoship: the courier of the chosen price offer")
    awb_number: Line | None = Field(default=None, min_length=1, max_length=64,
                                    description="manual couriers (Palex): the AWB made in the courier's portal")


class AwbOut(BaseModel):
    packing_list_id: int
    shipment_id: int
    awb_number: str
    already: bool = Field(description="the packing list had this AWB before the request")


class OfferIn(StrictModel):
    courier: Courier = "innoship"


class OfferOut(BaseModel):
    carrier_id: int | None
    carrier_name: str
    service: str
    service_name: str
    price: DecimalStr
    currency: str
    delivery_days: int | None


class OfferList(BaseModel):
    items: list[OfferOut]


class AwbBatchIn(StrictModel):
    packing_list_ids: list[DbId] = Field(min_length=1, max_length=1000)
    courier: Courier
    service: Line | None = Field(default=None, max_length=64)


class AwbBatchItem(BaseModel):
    packing_list_id: int
    ok: bool
    shipment_id: int | None = None
    awb_number: str | None = None
    already: bool = False
    error: str | None = None


class AwbBatchOut(BaseModel):
    id: int
    courier: str
    service: str | None
    status: Literal["queued", "running", "done"]
    total: int
    done: int
    succeeded: int
    failed: int
    results: list[AwbBatchItem]
    created_by: str
    created_at: datetime
    finished_at: datetime | None


class LabelsIn(StrictModel):
    shipment_ids: list[DbId] = Field(min_length=1, max_length=500)
    format: Format = "a4"


class TrackingEventOut(BaseModel):
    status: str
    text: str
    location: str | None
    at: datetime


class ShipmentOut(BaseModel):
    id: int
    packing_list_id: int
    order_id: int
    courier: str
    service: str | None
    carrier_name: str | None
    status: Literal["pending", "created", "failed", "cancelled"]
    awb_number: str | None
    tracking_url: str | None
    price: DecimalStr | None
    attempts: int
    last_error: str | None
    created_at: datetime
    awb_at: datetime | None
    tracking_status: str | None
    tracking_text: str | None
    tracking_at: datetime | None
    labels: list[str] = Field(description="label formats stored")
    events: list[TrackingEventOut]


class ShipmentPage(BaseModel):
    items: list[ShipmentOut]
    next_cursor: str | None


class TrackingPushOut(BaseModel):
    received: int
    changed: int
    delivered: int
    held: int
