"""What the fulfilment use cases need from storage and from the courier configuration."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.errors import FieldError, ValidationError
from domain.fulfilment.couriers import CourierGateway, LabelFormat, Party
from domain.fulfilment.model import DeliveryNote, PackingList, Shipment


class FulfilmentRepository(Protocol):
    async def add_note(self, note: DeliveryNote) -> None:
        """Insert with its lines; assigns id and number."""

    async def get_note(self, note_id: int, *, for_update: bool = False) -> DeliveryNote: ...

    async def open_note(self, order_id: int) -> DeliveryNote | None: ...

    async def note_of_packing_list(self, packing_list_id: int, *, for_update: bool = False) -> DeliveryNote: ...

    async def save_note(self, note: DeliveryNote) -> None: ...

    async def add_packing_list(self, packing_list: PackingList) -> None: ...

    async def get_packing_list(self, packing_list_id: int, *, for_update: bool = False) -> PackingList: ...

    async def save_packing_list(self, packing_list: PackingList) -> None:
        """Write the packages; bumps the version."""

    async def live_shipment(self, packing_list_id: int, *, for_update: bool = False) -> Shipment | None: ...

    async def count_shipments(self, packing_list_id: int) -> int: ...

    async def add_shipment(self, shipment: Shipment) -> None: ...

    async def get_shipment(self, shipment_id: int, *, for_update: bool = False) -> Shipment: ...

    async def save_shipment(self, shipment: Shipment) -> None:
        """Write the row and append its new tracking events (a repeated event is ignored)."""

    async def claim_tracking_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Shipment]:
        """Created shipments whose next poll is due, skipping rows others hold; their next poll moves to
        `lease_until` so a second poller does not take them meanwhile."""

    async def shipments_by_awb(self, courier: str, awbs: Sequence[str], *,
                               for_update: bool = False) -> list[Shipment]: ...

    async def save_label(self, shipment_id: int, fmt: LabelFormat, pdf: bytes, uploaded_by: str | None) -> None: ...

    async def get_label(self, shipment_id: int, fmt: LabelFormat) -> bytes | None: ...


@dataclass(frozen=True)
class CourierSetup:
    courier: str
    gateway: CourierGateway
    sender: Party
    default_service: str | None
    label_format: LabelFormat
    concurrency: int
    manual: bool = False  # Palex: no API, the operator enters the AWB


class CourierDirectory(Protocol):
    async def get(self, courier: str) -> CourierSetup | None:
        """The active account of this courier, or None when it is not configured."""


async def configured(couriers: CourierDirectory, courier: str) -> CourierSetup:
    """The courier's active account, or the 422 that tells the operator where to set one up."""
    setup = await couriers.get(courier)
    if setup is None:
        raise ValidationError(f"courier {courier} is not configured",
                              [FieldError("courier", "no active account for this courier (see /admin/couriers)")])
    return setup
