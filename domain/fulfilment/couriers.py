"""The courier port: what AWB generation, labels and tracking need from a courier, whoever it is.

Adapters (adapters/couriers/) translate these value objects to each courier's published API. Every adapter
raises CourierError (or a subclass) for a failure, never an HTTP library's exception, so the use cases can tell
"try again later" from "the courier refused this shipment".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class LabelFormat(StrEnum):
    A4 = "a4"
    THERMAL = "thermal"  # 100 x 150 mm (A6-like) for thermal printers


class TrackingStatus(StrEnum):
    """Our normalised tracking vocabulary; each adapter maps its courier's codes onto it."""

    CREATED = "created"  # the AWB exists, the courier has not picked the parcel up yet
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    FAILED_DELIVERY = "failed_delivery"  # refused, nobody home, wrong address...: the order goes on hold
    RETURNED = "returned"  # back to the sender: the order goes on hold
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self in (TrackingStatus.DELIVERED, TrackingStatus.RETURNED, TrackingStatus.CANCELLED)


@dataclass(frozen=True)
class Party:
    """Sender or recipient of a shipment."""

    name: str
    phone: str
    street: str
    city: str
    county: str  # Romanian county code (e.g. "BV") or name, as the courier expects it after translation
    postcode: str
    country: str = "RO"
    email: str | None = None
    company: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class Parcel:
    reference: str  # our package reference, e.g. "PL-000042-1"
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    weight_kg: Decimal


@dataclass(frozen=True)
class ShipmentRequest:
    external_order_id: str  # unique per shipment attempt chain; a retry with the same id must find, not duplicate
    sender: Party
    recipient: Party
    parcels: tuple[Parcel, ...]
    declared_value: Decimal
    currency: str
    cod_amount: Decimal | None = None  # cash on delivery to collect, None when paid
    service: str | None = None  # courier-specific service code; None = the account's default
    carrier_id: int | None = None  # Innoship only: which courier of the aggregator (from an offer)
    reference: str = ""  # the order number, printed on the label
    contents: str = "goods"


@dataclass(frozen=True)
class Offer:
    """One priced option (Innoship POST /api/Price returns several; direct couriers at most one)."""

    carrier_id: int | None
    carrier_name: str
    service: str
    service_name: str
    price: Decimal
    currency: str
    option_id: int | None = None
    delivery_days: int | None = None


@dataclass(frozen=True)
class CreatedAwb:
    awb_number: str
    carrier_name: str  # who carries it (for Innoship: the underlying courier)
    carrier_id: int | None = None
    tracking_url: str | None = None
    price: Decimal | None = None


@dataclass(frozen=True)
class TrackingEvent:
    awb_number: str
    status: TrackingStatus
    text: str  # the courier's own wording, shown to the operator and used as the hold reason
    at: datetime
    location: str | None = None


@dataclass(frozen=True)
class TrackingResult:
    """Every event the courier knows for one AWB, oldest first."""

    awb_number: str
    events: tuple[TrackingEvent, ...] = field(default_factory=tuple)

    @property
    def latest(self) -> TrackingEvent | None:
        return self.events[-1] if self.events else None


class CourierError(Exception):
    """A courier call failed. `retryable` failures (5xx, 429, timeouts, connection errors) may succeed later;
    `retry_after_s` is the courier's own hint (429 Retry-After). `maybe_created` is set when the request may
    have reached the courier (a timeout after sending): the next attempt must look for the AWB first."""

    def __init__(self, message: str, *, retryable: bool, retry_after_s: float | None = None,
                 maybe_created: bool = False, errors: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after_s = retry_after_s
        self.maybe_created = maybe_created
        self.errors = list(errors)


class ManualCourierError(CourierError):
    """The courier has no API (Palex): the operator enters the AWB and uploads the label."""

    def __init__(self, courier: str) -> None:
        super().__init__(f"{courier} has no API: enter the AWB number and upload the label from its portal",
                         retryable=False)


class CourierGateway(Protocol):
    """One configured courier account."""

    courier: str  # "innoship", "cargus", "fancourier", "palex"

    async def offers(self, request: ShipmentRequest) -> list[Offer]:
        """Priced options for this shipment (may be empty when the courier has no price API)."""

    async def create(self, request: ShipmentRequest) -> CreatedAwb:
        """Create the AWB. Raises CourierError."""

    async def find(self, request: ShipmentRequest) -> CreatedAwb | None:
        """The AWB an earlier call created for request.external_order_id, or None: how a retry after a lost
        answer avoids creating a second AWB."""

    async def label(self, awb_number: str, fmt: LabelFormat) -> bytes:
        """The label as PDF bytes."""

    async def track(self, awb_numbers: Sequence[str]) -> list[TrackingResult]:
        """Tracking of several AWBs (the adapter batches to the courier's limit)."""

    async def cancel(self, awb_number: str) -> None:
        """Cancel an AWB that has not been picked up."""
